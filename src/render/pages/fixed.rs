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

/// A page of the theme's alone: the 404 page, and the search page, `/search/` (the index it
/// searches is `search::SearchIndex`). Only the 404 page stays out of the sitemap.
pub struct Fixed {
    url: &'static str,
    title: &'static str,
    template: &'static str,
    in_sitemap: bool,
}
pub struct Robots;

pub fn plan<'a>() -> Vec<Box<dyn Job + 'a>> {
    vec![
        Box::new(Fixed {
            url: "/404.html",
            title: "页面未找到",
            template: "404.html",
            in_sitemap: false,
        }),
        Box::new(Fixed {
            url: "/search/",
            title: "站内搜索",
            template: "search.html",
            in_sitemap: true,
        }),
        Box::new(Robots),
    ]
}

impl Job for Fixed {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(self.url)
    }

    fn key(&self, _cx: &Ctx<'_>, _h: &mut FxHasher) {}

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context(self.title, self.url);
        ctx.insert("column", self.title);
        Ok(vec![templated(theme, self.template, self.url, &ctx)?])
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        // In the sitemap without a date, as the default says; the 404 page not at all.
        self.in_sitemap.then_some(None)
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
