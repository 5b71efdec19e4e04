//! The tracker (`/rectification-tracker/`): every ledger item of the site once, in its
//! latest state and the index's tracker order, paginated, with the tally of them all; and the
//! same for the items earlier reviews left open (`/rectification-tracker/carried-over/`).

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{ItemView, Paginator, Tally};
use super::super::{Job, Jobs, TRACKER_PER_PAGE};
use super::{ledger_items, tally_of, templated, url_of};

/// One page of the tracker: ledger items as (page, item).
pub struct Tracker {
    path: String,
    rows: Vec<(usize, usize)>,
    paginator: Paginator,
    /// Of every item the tracker lists, on every page.
    tally: Tally,
    /// For the items of earlier reviews still open (`/rectification-tracker/carried-over/`):
    /// the year of the review under way, before which they were raised.
    carried_over: Option<i32>,
}

/// Where the items earlier reviews left open are listed: the home page's 往年未完成 links here.
pub const CARRIED_OVER: &str = "/rectification-tracker/carried-over/";

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let site = cx.site;
    // Each item once, as it stands in its latest report.
    let tally_all = tally_of(cx, &cx.index.tracker);
    let mut jobs = pages(
        cx,
        "/rectification-tracker/",
        &cx.index.tracker,
        tally_all,
        None,
    );
    if let Some(current) = cx.index.current_review {
        let rows = &cx.index.carried_over;
        let tally = tally_of(cx, rows);
        let year = site.pages[current].doc.year();
        jobs.extend(pages(cx, CARRIED_OVER, rows, tally, year));
    }
    jobs
}

/// The pages of one listing of the tracker.
fn pages<'a>(
    cx: &Ctx<'a>,
    base: &str,
    rows: &[(usize, usize)],
    tally: Tally,
    carried_over: Option<i32>,
) -> Vec<Box<dyn Job + 'a>> {
    cx.paginate(base, rows, TRACKER_PER_PAGE)
        .into_iter()
        .map(|(path, rows, paginator)| {
            Box::new(Tracker {
                path,
                rows,
                paginator,
                tally: tally.clone(),
                carried_over,
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
        self.carried_over.hash(h);
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let url = url_of(&self.path);
        let title = match self.carried_over {
            Some(_) => "往年未完成的整改事项",
            None => "整改台账",
        };
        let mut ctx = cx.base_context(title, url);
        ctx.insert("column", "整改台账");
        ctx.insert("carried_over", &self.carried_over);
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
