//! The search index under `/search/` (docs/search.md) as a job; `crate::search` builds it.

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::{Job, Jobs};
use super::full;

pub struct SearchIndex;

impl Job for SearchIndex {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/search/index/")
    }

    fn paths(&self, cx: &Ctx<'_>, _jobs: &Jobs<'_>) -> Vec<String> {
        crate::search::paths(cx.site)
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        full(h, cx.site.pages.iter().map(|p| &**p));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        _theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut cache = cx.search.as_ref().map(|m| m.lock().expect("not poisoned"));
        Ok(crate::search::index(cx.site, cache.as_deref_mut()))
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}
