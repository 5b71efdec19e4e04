//! `/reviews/`: every review cycle with its stages and the progress of its departments. (A
//! cycle's own page is a document's, in `documents`; its view is built in `view`.)

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::ReviewView;
use super::super::{Job, Jobs};
use super::{full, rows, templated};

pub struct Reviews;

pub fn plan<'a>() -> Vec<Box<dyn Job + 'a>> {
    vec![Box::new(Reviews)]
}

impl Job for Reviews {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/reviews/")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        full(h, cx.site.of_kind(Kind::Review));
        rows(h, cx.site.of_kind(Kind::Rectification));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context("评议活动", "/reviews/");
        ctx.insert("column", "评议活动");
        let views: Vec<ReviewView> = cx
            .site
            .of_kind(Kind::Review)
            .filter_map(|p| cx.review_view(p, false))
            .collect();
        ctx.insert("reviews", &views);
        Ok(vec![templated(theme, "reviews.html", "/reviews/", &ctx)?])
    }
}
