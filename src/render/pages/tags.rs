//! The tags: their index (`/tags/`) and each tag's documents, paginated like the lists.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{CountLink, Paginator};
use super::super::{Job, Jobs, PER_PAGE};
use super::{cards, templated, url_of};

/// `/tags/`: every tag with its count.
pub struct Tags;

/// One page of a tag's documents.
pub struct Tag<'a> {
    tag: &'a str,
    path: String,
    pages: Vec<&'a Page>,
    paginator: Paginator,
}

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let mut jobs: Vec<Box<dyn Job + 'a>> = vec![Box::new(Tags)];
    for (tag, slug) in &cx.site.tag_slugs {
        let all: Vec<&Page> = cx
            .index
            .pages_at(cx.index.by_tag.get(tag.as_str()))
            .collect();
        for (path, pages, paginator) in cx.paginate(&format!("/tags/{slug}/"), &all, PER_PAGE) {
            jobs.push(Box::new(Tag {
                tag: tag.as_str(),
                path,
                pages,
                paginator,
            }));
        }
    }
    jobs
}

impl Job for Tags {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/tags/")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        for (t, slug) in &cx.site.tag_slugs {
            let count = cx.index.by_tag.get(t.as_str()).map_or(0, Vec::len);
            (t, slug, count).hash(h);
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let site = cx.site;
        let mut ctx = cx.base_context("主题分类", "/tags/");
        ctx.insert("column", "主题分类");
        let tags: Vec<CountLink> = site
            .tag_slugs
            .iter()
            .map(|(t, s)| CountLink {
                title: t.clone(),
                url: cx.url(&format!("/tags/{s}/")),
                count: site
                    .pages
                    .iter()
                    .map(|p| &**p)
                    .filter(|p| p.doc.tags.contains(t))
                    .count(),
            })
            .collect();
        ctx.insert("tags", &tags);
        Ok(vec![templated(theme, "tags.html", "/tags/", &ctx)?])
    }
}

impl Job for Tag<'_> {
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
        let mut ctx = cx.base_context(self.tag, url);
        ctx.insert("column", "主题分类");
        ctx.insert("tag", self.tag);
        ctx.insert(
            "docs",
            &self.pages.iter().map(|p| cx.card(p)).collect::<Vec<_>>(),
        );
        ctx.insert("paginator", &self.paginator);
        Ok(vec![templated(theme, "tag.html", url, &ctx)?])
    }
}
