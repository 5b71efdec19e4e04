//! The home page: the review cycle under way, the latest documents of each type.

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::{Details, Kind, Status};
use crate::output::Output;
use crate::site::{Page, Site};
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{Tally, tally};
use super::super::{Job, Jobs};
use super::{cards, full, rows, templated};

/// The review cycle the home page shows: the one under way today, else the latest that has
/// begun, else the latest.
pub(super) fn current_review(site: &Site) -> Option<&Page> {
    let under_way = |p: &&Page| match &p.doc.details {
        Details::Review(r) => r
            .stages
            .iter()
            .any(|s| s.start <= site.today && site.today <= s.end),
        _ => false,
    };
    (site.of_kind(Kind::Review).find(under_way)).or_else(|| site.of_kind(Kind::Review).next())
}

/// The items of reviews before `current` still open (往年未完成): each once, as it now stands,
/// as (page, item) in the tracker's order.
pub(super) fn carried_over(cx: &Ctx<'_>, current: &Page) -> Vec<(usize, usize)> {
    let site = cx.site;
    let year = current.doc.year();
    let earlier = |review: Option<&str>| {
        review
            .and_then(|id| cx.index.review(id))
            .is_some_and(|r| r.doc.year() < year && !std::ptr::eq(r, current))
    };
    let open = |&(i, j): &(usize, usize)| {
        let p = &site.pages[i];
        match &p.doc.details {
            Details::Rectification(r) if earlier(p.doc.review.as_deref()) => r
                .items
                .get(j)
                .is_some_and(|item| matches!(item.status, Status::Registered | Status::InProgress)),
            _ => false,
        }
    };
    cx.index.tracker.iter().copied().filter(open).collect()
}

/// The tally of `rows` of the tracker.
pub(super) fn tally_of(cx: &Ctx<'_>, rows: &[(usize, usize)]) -> Tally {
    let items = rows
        .iter()
        .filter_map(|&(i, j)| match &cx.site.pages[i].doc.details {
            Details::Rectification(r) => r.items.get(j),
            _ => None,
        });
    tally(items, cx.site.today)
}

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
        let current = current_review(site);
        ctx.insert(
            "current_review",
            &current.and_then(|p| cx.review_view(p, false)),
        );
        let carried_over = current.map(|p| tally_of(cx, &carried_over(cx, p)));
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
