//! The list of each document type (`/notices/`, `/speeches/`, …), paginated.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::Paginator;
use super::super::{Job, Jobs, PER_PAGE};
use super::{cards, templated, url_of};

/// One page of a type's list.
pub struct List<'a> {
    kind: Kind,
    path: String,
    pages: Vec<&'a Page>,
    paginator: Paginator,
}

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let mut jobs: Vec<Box<dyn Job + 'a>> = Vec::new();
    for kind in Kind::LISTED {
        let all: Vec<&Page> = cx.site.of_kind(kind).collect();
        let base = format!("/{}/", kind.plural());
        for (path, pages, paginator) in cx.paginate(&base, &all, PER_PAGE) {
            jobs.push(Box::new(List {
                kind,
                path,
                pages,
                paginator,
            }));
        }
    }
    jobs
}

impl Job for List<'_> {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(url_of(&self.path))
    }

    fn key(&self, _cx: &Ctx<'_>, h: &mut FxHasher) {
        cards(h, self.pages.iter().copied());
        self.paginator.position().hash(h);
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let url = url_of(&self.path);
        let mut ctx = cx.base_context(self.kind.label(), url);
        ctx.insert("column", self.kind.label());
        ctx.insert("kind", self.kind.name());
        ctx.insert(
            "docs",
            &self.pages.iter().map(|p| cx.card(p)).collect::<Vec<_>>(),
        );
        ctx.insert("paginator", &self.paginator);
        Ok(vec![templated(theme, "list.html", url, &ctx)?])
    }
}
