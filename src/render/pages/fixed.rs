//! Pages whose content does not depend on the documents: the 404 page, the search page and
//! `robots.txt`.

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::{Job, Jobs};
use super::templated;

/// `/404.html`.
pub struct NotFound;
/// The search page, `/search/` (the index it searches is `search::SearchIndex`).
pub struct SearchPage;
pub struct Robots;

pub fn plan<'a>() -> Vec<Box<dyn Job + 'a>> {
    vec![Box::new(NotFound), Box::new(SearchPage), Box::new(Robots)]
}

impl Job for NotFound {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/404.html")
    }

    fn key(&self, _cx: &Ctx<'_>, _h: &mut FxHasher) {}

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context("页面未找到", "/404.html");
        ctx.insert("column", "页面未找到");
        Ok(vec![templated(theme, "404.html", "/404.html", &ctx)?])
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}

impl Job for SearchPage {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/search/")
    }

    fn key(&self, _cx: &Ctx<'_>, _h: &mut FxHasher) {}

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context("站内搜索", "/search/");
        ctx.insert("column", "站内搜索");
        Ok(vec![templated(theme, "search.html", "/search/", &ctx)?])
    }
}

impl Job for Robots {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/robots.txt")
    }

    fn key(&self, _cx: &Ctx<'_>, _h: &mut FxHasher) {}

    fn render(
        &self,
        cx: &Ctx<'_>,
        _theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let text = format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            cx.site.config.base_url
        );
        Ok(vec![Output::bytes("robots.txt", text.into_bytes())])
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}
