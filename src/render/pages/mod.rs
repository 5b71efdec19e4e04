//! The page families, one a file: each plans its jobs and gives, side by side, a job's URL,
//! the files it writes, its watch key and its render (the [`Job`](super::Job) trait). Here:
//! what they share, the template call and the pieces of a watch key.

use std::hash::Hash;

use rustc_hash::FxHasher;
use tera::Context;

use super::context::Ctx;
use super::view::{Tally, tally};
use crate::diagnostic::Diagnostic;
use crate::document::Details;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

pub mod archive;
pub mod catalogue;
pub mod departments;
pub mod documents;
pub mod fixed;
pub mod home;
pub mod ledger;
pub mod lists;
pub mod reviews;
pub mod search;
pub mod site_map;
pub mod tags;

/// Renders `template` for the page at site-relative `url` (`/x/` → `x/index.html`).
pub fn templated(
    theme: &Theme,
    template: &str,
    url: &str,
    ctx: &Context,
) -> Result<Output, Diagnostic> {
    let html = theme.render_page(template, url, ctx)?;
    let path = if url.ends_with(".html") {
        url[1..].to_string()
    } else {
        format!("{}index.html", &url[1..])
    };
    Ok(Output::bytes(path, html))
}

/// The URL of a paginated page from its file (`/notices/page/2/index.html` → `…/2/`).
pub fn url_of(path: &str) -> &str {
    path.trim_end_matches("index.html")
}

// What a job shows of a page, hashed into its watch key: the whole page, its card in a list,
// or its ledger.

/// The whole page.
pub fn full<'p>(h: &mut FxHasher, pages: impl IntoIterator<Item = &'p Page>) {
    for p in pages {
        (p.hash, p.card_hash).hash(h);
    }
}

/// Its card in a list.
pub fn cards<'p>(h: &mut FxHasher, pages: impl IntoIterator<Item = &'p Page>) {
    for p in pages {
        p.card_hash.hash(h);
    }
}

/// Cards and ledgers: for pages that list documents and sum up their ledgers.
pub fn ledgers<'p>(h: &mut FxHasher, pages: impl IntoIterator<Item = &'p Page>) {
    for p in pages {
        (p.card_hash, p.ledger_hash).hash(h);
    }
}

/// Ledger rows alone: the tracker and the open data.
pub fn rows<'p>(h: &mut FxHasher, pages: impl IntoIterator<Item = &'p Page>) {
    for p in pages {
        p.ledger_hash.hash(h);
    }
}

/// Ledger items by (page, item), as the tracker shows them: a row changes with its
/// document's ledger and with the reports that carried the item.
pub fn ledger_items(h: &mut FxHasher, cx: &Ctx<'_>, items: &[(usize, usize)]) {
    let pages = &cx.site.pages;
    for &(i, j) in items {
        (pages[i].ledger_hash, j).hash(h);
        for &k in cx.index.carried.get(&(i, j)).into_iter().flatten() {
            pages[k].card_hash.hash(h);
        }
        opinion_link(h, cx, &pages[i]);
    }
}

/// Where a report's items link the points they answer: its department's opinion.
pub fn opinion_link(h: &mut FxHasher, cx: &Ctx<'_>, report: &Page) {
    if let (crate::document::Details::Rectification(r), Some(review)) =
        (&report.doc.details, report.doc.review.as_deref())
        && let Some(&k) = cx.index.opinions.get(&(review, r.department.as_str()))
    {
        cx.site.pages[k].card_hash.hash(h);
    }
}

/// The tally of `rows` of the tracker.
pub fn tally_of(cx: &Ctx<'_>, rows: &[(usize, usize)]) -> Tally {
    let items = rows
        .iter()
        .filter_map(|&(i, j)| match &cx.site.pages[i].doc.details {
            Details::Rectification(r) => r.items.get(j),
            _ => None,
        });
    tally(items, cx.site.today)
}
