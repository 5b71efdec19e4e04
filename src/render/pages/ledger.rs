//! The tracker (`/rectification-tracker/`): every ledger item of the site once, in its
//! latest state and the index's tracker order, paginated, with the tally of them all.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::document::Details;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{ItemView, Paginator, Tally, tally};
use super::super::{Job, Jobs, TRACKER_PER_PAGE};
use super::{ledger_items, templated, url_of};

/// One page of the tracker: ledger items as (page, item).
pub struct Tracker {
    path: String,
    rows: Vec<(usize, usize)>,
    paginator: Paginator,
    /// Of every item of the site, on every page.
    tally: Tally,
}

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let site = cx.site;
    // Each item once, as it stands in its latest report.
    let all_items =
        cx.index
            .tracker
            .iter()
            .filter_map(|&(i, j)| match &site.pages[i].doc.details {
                Details::Rectification(r) => r.items.get(j),
                _ => None,
            });
    let tally_all = tally(all_items, site.today);
    cx.paginate(
        "/rectification-tracker/",
        &cx.index.tracker,
        TRACKER_PER_PAGE,
    )
    .into_iter()
    .map(|(path, rows, paginator)| {
        Box::new(Tracker {
            path,
            rows,
            paginator,
            tally: tally_all.clone(),
        }) as Box<dyn Job + 'a>
    })
    .collect()
}

impl Job for Tracker {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(url_of(&self.path))
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        ledger_items(h, cx, &self.rows);
        self.paginator.position().hash(h);
        self.tally.hash(h);
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let url = url_of(&self.path);
        let mut ctx = cx.base_context("整改台账", url);
        ctx.insert("column", "整改台账");
        let views: Vec<ItemView> = self
            .rows
            .iter()
            .filter_map(|&(i, j)| cx.tracked_view(i, j))
            .collect();
        ctx.insert("tally", &self.tally);
        ctx.insert("items", &views);
        ctx.insert("paginator", &self.paginator);
        Ok(vec![templated(theme, "tracker.html", url, &ctx)?])
    }
}
