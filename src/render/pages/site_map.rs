//! The site map for readers, `/sitemap/` (网站地图; the one for search engines is
//! `render::sitemap`, `/sitemap.xml`): the site's columns, each review cycle with its stages,
//! departments and documents by type, the reviewed departments, each year's archive and open
//! data, and the site's services.
//!
//! It names no single document: a site of ten thousand would make it a page nobody reads
//! and one that renders again with every document added. A cycle's documents are counted by
//! type, each count linking its section of the cycle's page, and a year links its archive,
//! where every document of the year is listed.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::{Details, Kind};
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{CountLink, Link, MapReview, MapYear};
use super::super::{Job, Jobs};
use super::{full, templated};

pub struct SiteMap;

const URL: &str = "/sitemap/";
const TITLE: &str = "网站地图";

pub fn plan<'a>() -> Vec<Box<dyn Job + 'a>> {
    vec![Box::new(SiteMap)]
}

impl Job for SiteMap {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(URL)
    }

    /// The review cycles whole (title, kind, stages, departments), and of every document what
    /// the counts read: its type, cycle and year. The columns, departments and free pages are
    /// the site's settings and titles, in every page's salt.
    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        full(h, cx.site.of_kind(Kind::Review));
        for p in &cx.site.pages {
            (p.doc.kind, p.doc.review_id(), p.doc.year()).hash(h);
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context(TITLE, URL);
        ctx.insert("column", TITLE);
        ctx.insert("columns", &columns(cx));
        ctx.insert("reviews", &reviews(cx));
        let departments: Vec<Link> = cx
            .site
            .config
            .departments
            .iter()
            .map(|d| cx.dept_link(&d.id))
            .collect();
        ctx.insert("departments", &departments);
        ctx.insert("years", &years(cx));
        Ok(vec![templated(theme, "sitemap.html", URL, &ctx)?])
    }
}

/// The site's columns: the main navigation's, then the lists that are not in it (评议意见,
/// 调查报告, from the kind table) and 主题分类.
fn columns(cx: &Ctx<'_>) -> Vec<Link> {
    let link = |title: &str, path: &str| Link {
        title: title.to_string(),
        url: cx.url(path),
    };
    let mut v = vec![link("首页", "/")];
    v.extend(
        crate::kind::in_nav()
            .into_iter()
            .map(|k| link(k.label, &format!("/{}/", k.plural))),
    );
    v.extend(
        crate::kind::KINDS
            .iter()
            .filter(|k| k.nav.is_none() && k.listed)
            .map(|k| link(k.label, &format!("/{}/", k.plural))),
    );
    v.extend([
        link("整改台账", "/rectification-tracker/"),
        link("受评部门", "/departments/"),
        link("历年归档", "/archive/"),
        link("主题分类", "/tags/"),
    ]);
    v
}

/// Every review cycle, newest first as `/reviews/` has them.
fn reviews(cx: &Ctx<'_>) -> Vec<MapReview> {
    cx.site
        .of_kind(Kind::Review)
        .filter_map(|p| {
            let Details::Review(r) = &p.doc.details else {
                return None;
            };
            let url = cx.url(p.url());
            let members: Vec<Kind> = cx
                .index
                .pages_at(cx.index.by_review.get(r.id.as_str()))
                .map(|m| m.doc.kind)
                .filter(|k| *k != Kind::Review)
                .collect();
            let groups = crate::kind::in_groups()
                .into_iter()
                .filter_map(|k| {
                    let count = members.iter().filter(|m| **m == k).count();
                    (count > 0).then(|| CountLink {
                        title: k.label().to_string(),
                        // The review page's section of the type (review.html: `g-{kind}`).
                        url: format!("{url}#g-{}", k.name()),
                        count,
                    })
                })
                .collect();
            Some(MapReview {
                title: p.doc.title.clone(),
                year: r.year,
                kind_label: r.review_kind.map(|k| k.label()),
                stages: cx.stage_views(r),
                departments: r.departments.iter().map(|d| cx.dept_link(d)).collect(),
                groups,
                url,
            })
        })
        .collect()
}

/// Every year, newest first, with its archive and its open data.
fn years(cx: &Ctx<'_>) -> Vec<MapYear> {
    cx.site
        .years()
        .into_iter()
        .map(|y| {
            let data = [
                ("文件目录（JSON）", "documents.json"),
                ("整改事项（CSV）", "items.csv"),
                ("整改事项（JSON）", "items.json"),
                ("满意度测评（CSV）", "results.csv"),
                ("满意度测评（JSON）", "results.json"),
            ];
            MapYear {
                year: y,
                url: cx.url(&format!("/archive/{y}/")),
                count: cx.index.by_year.get(&y).map_or(0, Vec::len),
                data: data
                    .into_iter()
                    .map(|(title, file)| Link {
                        title: title.to_string(),
                        url: cx.url(&format!("/data/{y}/{file}")),
                    })
                    .collect(),
            }
        })
        .collect()
}
