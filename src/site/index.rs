//! [`Index`]: the site's documents looked up by review, department, type, tag and year, the
//! ledger's items across reports in the tracker's order (and those earlier reviews left open),
//! the review under way, and each document's neighbours and related documents.
//! Built once for a [`Site`], so no page (and no stage) scans every document again.

use std::collections::HashMap;

use crate::date::Date;
use crate::document::{Details, Kind, Status};
use crate::site::{Page, Site};

/// Indexes over a site, by position in `site.pages` (newest first, so every list here is too).
#[derive(Debug)]
pub struct Index<'a> {
    pub site: &'a Site,
    /// Review id → its documents.
    pub by_review: HashMap<&'a str, Vec<usize>>,
    /// Department id → its documents.
    pub by_dept: HashMap<&'a str, Vec<usize>>,
    /// Position of each page within its type's list.
    pub kind_pos: Vec<usize>,
    pub by_kind: HashMap<Kind, Vec<usize>>,
    /// Review id → its page.
    pub reviews: HashMap<&'a str, usize>,
    /// (review id, department) → its opinion (评议意见).
    pub opinions: HashMap<(&'a str, &'a str), usize>,
    /// Tag → its pages, in page order.
    pub by_tag: HashMap<&'a str, Vec<usize>>,
    /// Year → its dated documents (not free pages), in page order.
    pub by_year: HashMap<i32, Vec<usize>>,
    /// Every ledger item of the site once, in its latest state, as (page, item), in the
    /// tracker's order (`tracked`).
    pub tracker: Vec<(usize, usize)>,
    /// For each of them, every report that carried the item, oldest first.
    pub carried: HashMap<(usize, usize), Vec<usize>>,
    /// For each item a later report carried, its latest state.
    pub later: HashMap<(usize, usize), (usize, usize)>,
    /// The same, split by department.
    pub tracker_by_dept: HashMap<&'a str, Vec<(usize, usize)>>,
    /// The review cycle the home page shows: the one under way today, else the latest.
    pub current_review: Option<usize>,
    /// The items of reviews before it still open (往年未完成), in the tracker's order.
    pub carried_over: Vec<(usize, usize)>,
}

impl<'a> Index<'a> {
    pub fn new(site: &'a Site) -> Index<'a> {
        let mut by_review: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_dept: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_kind: HashMap<Kind, Vec<usize>> = HashMap::new();
        let mut kind_pos = vec![0; site.pages.len()];
        let mut reviews = HashMap::new();
        let mut opinions = HashMap::new();
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_year: HashMap<i32, Vec<usize>> = HashMap::new();
        for (i, p) in site.pages.iter().map(|p| &**p).enumerate() {
            for t in &p.doc.tags {
                by_tag.entry(t.as_str()).or_default().push(i);
            }
            if let (Some(y), true) = (p.doc.year(), p.doc.kind != Kind::Page) {
                by_year.entry(y).or_default().push(i);
            }
            if let Details::Review(r) = &p.doc.details {
                reviews.entry(r.id.as_str()).or_insert(i);
            }
            if let (Details::Opinion(o), Some(r)) = (&p.doc.details, p.doc.review.as_deref()) {
                opinions.entry((r, o.department.as_str())).or_insert(i);
            }
            if let Some(r) = p.doc.review_id() {
                by_review.entry(r).or_default().push(i);
            }
            for d in p.doc.departments() {
                by_dept.entry(d).or_default().push(i);
            }
            let v = by_kind.entry(p.doc.kind).or_default();
            kind_pos[i] = v.len();
            v.push(i);
        }
        let super::tracked::Tracked {
            order: tracker,
            carried,
            later,
        } = super::tracked::tracked(site);
        // One pass splits the tracker's order by department.
        let mut tracker_by_dept: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for &(i, j) in &tracker {
            if let Details::Rectification(r) = &site.pages[i].doc.details {
                tracker_by_dept
                    .entry(r.department.as_str())
                    .or_default()
                    .push((i, j));
            }
        }
        let current_review = current_review(site, by_kind.get(&Kind::Review));
        let carried_over = current_review.map_or_else(Vec::new, |c| {
            carried_over(site, &reviews, &site.pages[c], &tracker)
        });
        Index {
            site,
            current_review,
            carried_over,
            by_review,
            by_dept,
            kind_pos,
            by_kind,
            reviews,
            opinions,
            by_tag,
            by_year,
            tracker,
            carried,
            later,
            tracker_by_dept,
        }
    }

    /// The review cycle with this id.
    pub fn review(&self, id: &str) -> Option<&'a Page> {
        self.reviews.get(id).map(|&i| &*self.site.pages[i])
    }

    pub fn pages_at<'s>(
        &'s self,
        idx: Option<&'s Vec<usize>>,
    ) -> impl Iterator<Item = &'a Page> + 's {
        idx.into_iter().flatten().map(|&i| &*self.site.pages[i])
    }

    /// The newer and the older document of page `i`'s type, in the same year: a year's pages
    /// do not change when the next year's documents come.
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let d = &self.site.pages[i].doc;
        let siblings = &self.by_kind[&d.kind];
        let pos = self.kind_pos[i];
        let same_year = |j: &usize| {
            d.date.is_some()
                && self.site.pages[*j].doc.date.map(Date::year) == d.date.map(Date::year)
        };
        let prev = pos.checked_sub(1).map(|k| siblings[k]).filter(same_year);
        let next = siblings.get(pos + 1).copied().filter(same_year);
        (prev, next)
    }

    /// Related documents of page `i`: the same review, then the same departments; newest
    /// first, at most 6. The index lists are in page order, so a merge of their heads finds
    /// the first six without walking whole reviews.
    pub fn related(&self, i: usize) -> Vec<usize> {
        let d = &*self.site.pages[i].doc;
        let Some(year) = d.date.map(Date::year) else {
            return Vec::new();
        };
        // Only the document's own year: a year's pages stay as they were published when
        // later years are added. Lists are newest first, so a year is one run of each.
        let pages = &self.site.pages;
        let of_year = |l: &[usize]| -> (usize, usize) {
            let y = |j: &usize| pages[*j].doc.date.map(Date::year);
            (
                l.partition_point(|j| y(j) > Some(year)),
                l.partition_point(|j| y(j) >= Some(year)),
            )
        };
        let mut lists: Vec<&[usize]> = Vec::new();
        let by_review = d.review_id().and_then(|r| self.by_review.get(r));
        let by_dept = d
            .departments()
            .into_iter()
            .filter_map(|x| self.by_dept.get(x));
        for l in by_review.into_iter().chain(by_dept) {
            let (start, end) = of_year(l);
            lists.push(&l[start..end]);
        }
        let mut heads = vec![0usize; lists.len()];
        let mut out = Vec::with_capacity(6);
        let mut last = None;
        while out.len() < 6 {
            let next = lists
                .iter()
                .zip(&heads)
                .filter_map(|(l, &h)| l.get(h).copied())
                .min();
            let Some(j) = next else { break };
            for (l, h) in lists.iter().zip(heads.iter_mut()) {
                if l.get(*h) == Some(&j) {
                    *h += 1;
                }
            }
            if Some(j) != last && j != i && self.site.pages[j].doc.kind != Kind::Review {
                out.push(j);
            }
            last = Some(j);
        }
        out
    }
}

/// The review under way today, else the latest: `reviews` are the review pages, newest first.
fn current_review(site: &Site, reviews: Option<&Vec<usize>>) -> Option<usize> {
    let reviews = reviews.map_or(&[][..], Vec::as_slice);
    let under_way = |&&i: &&usize| match &site.pages[i].doc.details {
        Details::Review(r) => {
            (r.stages.iter()).any(|s| s.start <= site.today && site.today <= s.end)
        }
        _ => false,
    };
    reviews.iter().find(under_way).or(reviews.first()).copied()
}

/// The items of reviews before `current` still 已登记 or 整改中, of `tracker` and in its order.
fn carried_over(
    site: &Site,
    reviews: &HashMap<&str, usize>,
    current: &Page,
    tracker: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let year = current.doc.year();
    let earlier = |review: Option<&str>| {
        let review = review
            .and_then(|id| reviews.get(id))
            .map(|&i| &*site.pages[i]);
        review.is_some_and(|r| r.doc.year() < year && !std::ptr::eq(r, current))
    };
    let open = |&&(i, j): &&(usize, usize)| {
        let p = &site.pages[i];
        match &p.doc.details {
            Details::Rectification(r) if earlier(p.doc.review.as_deref()) => (r.items.get(j))
                .is_some_and(|item| matches!(item.status, Status::Registered | Status::InProgress)),
            _ => false,
        }
    };
    tracker.iter().filter(open).copied().collect()
}
