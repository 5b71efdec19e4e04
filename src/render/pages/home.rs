//! The home page: the review cycle under way, the latest documents of each type.

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;

use super::super::{Job, Jobs};
use super::{cards, full, rows, tally_of, templated};

/// Documents of each listed kind the home page offers its template.
const LATEST: usize = 6;

pub struct Home;

pub fn plan<'a>() -> Vec<Box<dyn Job + 'a>> {
    vec![Box::new(Home)]
}

impl Job for Home {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        let site = cx.site;
        for k in Kind::LISTED {
            cards(h, site.of_kind(k).take(LATEST));
        }
        // The current review: its stages, votes and the progress of its departments.
        full(h, site.of_kind(Kind::Review));
        // Where each department stands begins with its opinion.
        full(h, site.of_kind(Kind::Opinion));
        rows(h, site.of_kind(Kind::Rectification));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let site = cx.site;
        let mut ctx = cx.base_context(&site.config.title, "/");
        let reviews: Vec<&Page> = site.of_kind(Kind::Review).collect();
        let current = cx.index.current_review.map(|i| &*site.pages[i]);
        ctx.insert(
            "current_review",
            &current.and_then(|p| cx.review_view(p, false)),
        );
        let carried_over = current.map(|_| tally_of(cx, &cx.index.carried_over));
        ctx.insert("carried_over", &carried_over);
        // `latest_notices`, `latest_speeches`…: one list for each kind that has a list.
        for k in Kind::LISTED {
            let latest: Vec<tera::Value> =
                site.of_kind(k).take(LATEST).map(|p| cx.card(p)).collect();
            ctx.insert(format!("latest_{}", k.plural()), &latest);
        }
        ctx.insert(
            "reviews",
            &reviews.iter().map(|p| cx.doc_link(p)).collect::<Vec<_>>(),
        );
        Ok(vec![templated(theme, "index.html", "/", &ctx)?])
    }
}
