//! The ledger across reports. An item keeps its id through the rounds and phases of its
//! department's reports in one review (the plan's item 3 is the round-2 report's item 3,
//! later), so (review, department, id) is one item: here it is found once, in its latest
//! state, with every report that carried it, in the tracker's order.

use std::collections::HashMap;

use crate::date::Date;
use crate::document::{Details, Status};
use crate::site::Site;

/// One ledger item across reports: (review, department, id).
pub type ItemKey<'a> = (&'a str, &'a str, &'a str);

/// Every report carrying each item, as (page, item), oldest first: the last is the item's
/// latest state. A later round is later; within a round the report follows the plan; then
/// the later date; then page order (newest first).
pub fn reports(site: &Site) -> HashMap<ItemKey<'_>, Vec<(usize, usize)>> {
    type Seen = ((u32, crate::document::Phase, Option<Date>), usize, usize);
    let mut by_item: HashMap<ItemKey<'_>, Vec<Seen>> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if let Details::Rectification(r) = &p.doc.details {
            let review = p.doc.review.as_deref().unwrap_or_default();
            for (j, item) in r.items.iter().enumerate() {
                by_item
                    .entry((review, r.department.as_str(), item.id.as_str()))
                    .or_default()
                    .push(((r.round, r.phase, p.doc.date), i, j));
            }
        }
    }
    by_item
        .into_iter()
        .map(|(key, mut seen)| {
            seen.sort_unstable_by_key(|&(order, i, j)| (order, std::cmp::Reverse(i), j));
            (key, seen.into_iter().map(|(_, i, j)| (i, j)).collect())
        })
        .collect()
}

/// The items across reports, by (page, item).
pub struct Tracked {
    /// Each item's latest state, in the tracker's order.
    pub order: Vec<(usize, usize)>,
    /// For each latest state, every report that carried the item, oldest first.
    pub carried: HashMap<(usize, usize), Vec<usize>>,
    /// For each earlier state, its latest.
    pub later: HashMap<(usize, usize), (usize, usize)>,
}

/// Each item's latest state as (page, item) in the tracker's order: overdue first, then by
/// department (as listed in `site.yaml`) and status (open, then ongoing, then closed), then
/// by the deadline in force, then newest document first and in ledger order. And for each,
/// the reports that carried it, oldest first.
pub fn tracked(site: &Site) -> Tracked {
    let by_item = reports(site);
    let dept_order: HashMap<&str, usize> = site
        .config
        .departments
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let rank = |s: Status| match s {
        Status::InProgress => 0,
        Status::Registered => 1,
        Status::Ongoing => 2,
        Status::Done => 3,
    };
    let mut carried = HashMap::with_capacity(by_item.len());
    let mut later = HashMap::new();
    // Keys computed once per item, not once per comparison: a large site has tens of
    // thousands of items, sorted again on every rebuild.
    let mut keyed = Vec::with_capacity(by_item.len());
    for ((_, dept, _), seen) in by_item {
        let &(i, j) = seen.last().expect("an item is seen at least once");
        let Details::Rectification(r) = &site.pages[i].doc.details else {
            continue;
        };
        let item = &r.items[j];
        let dept = dept_order.get(dept).copied().unwrap_or(usize::MAX);
        let key = (
            !item.is_overdue(site.today),
            dept,
            rank(item.status),
            item.deadline_in_force(),
            i,
            j,
        );
        keyed.push((key, (i, j)));
        for &earlier in &seen[..seen.len() - 1] {
            later.insert(earlier, (i, j));
        }
        let mut reports: Vec<usize> = seen.iter().map(|s| s.0).collect();
        reports.dedup();
        carried.insert((i, j), reports);
    }
    keyed.sort_unstable_by_key(|k| k.0);
    Tracked {
        order: keyed.into_iter().map(|(_, row)| row).collect(),
        carried,
        later,
    }
}
