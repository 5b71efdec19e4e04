//! The archive: its index (`/archive/`, each year with its count) and each year's documents
//! by type. (`crate::archive` files a year away as a bundle; this is the site's browsing.)

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::CountLink;
use super::super::{Job, Jobs};
use super::{cards, templated};

/// `/archive/`.
pub struct ArchiveIndex;

/// `/archive/{year}/`.
pub struct Archive(i32);

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let mut jobs: Vec<Box<dyn Job + 'a>> = vec![Box::new(ArchiveIndex)];
    for y in cx.site.years() {
        jobs.push(Box::new(Archive(y)));
    }
    jobs
}

/// The year's dated documents (free pages are in no year).
fn count(cx: &Ctx<'_>, year: i32) -> usize {
    cx.index.by_year.get(&year).map_or(0, Vec::len)
}

impl Job for ArchiveIndex {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/archive/")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        for y in cx.site.years() {
            (y, count(cx, y)).hash(h);
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context("历年归档", "/archive/");
        ctx.insert("column", "历年归档");
        let years: Vec<CountLink> = cx
            .site
            .years()
            .into_iter()
            .map(|y| CountLink {
                title: format!("{y}年"),
                url: cx.url(&format!("/archive/{y}/")),
                count: count(cx, y),
            })
            .collect();
        ctx.insert("years", &years);
        Ok(vec![templated(
            theme,
            "archive_index.html",
            "/archive/",
            &ctx,
        )?])
    }
}

impl Job for Archive {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Owned(format!("/archive/{}/", self.0))
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        cards(h, cx.index.pages_at(cx.index.by_year.get(&self.0)));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let year = self.0;
        let url = format!("/archive/{year}/");
        let mut ctx = cx.base_context(&format!("{year}年归档"), &url);
        ctx.insert("column", "历年归档");
        ctx.insert("year", &year);
        let pages: Vec<&Page> = cx.index.pages_at(cx.index.by_year.get(&year)).collect();
        ctx.insert("groups", &cx.groups(&pages));
        ctx.insert("count", &pages.len());
        if cx.site.catalogue.is_some() {
            ctx.insert("catalogue_url", &cx.url(super::catalogue::URL));
        }
        cx.mark_archived(&mut ctx, Some(year));
        Ok(vec![templated(theme, "archive.html", &url, &ctx)?])
    }
}
