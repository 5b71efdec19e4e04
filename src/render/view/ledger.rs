//! Ledger rows as templates receive them: each item as a report states it ([`ItemView`]),
//! where a later report carried it on, the reports that carried it, and the counts of a set of
//! items ([`Tally`]), each item once as it now stands.

use serde::Serialize;

use super::super::context::Ctx;
use crate::date::Date;
use crate::document::{Details, Item};
use crate::site::Page;

#[derive(Debug, Clone, Serialize)]
pub struct ProgressView<'a> {
    pub date: Date,
    pub note: &'a str,
    /// Who supervised.
    pub by: Option<&'a str>,
}

/// A ledger row. It borrows from the site: the tracker and the department pages show every
/// item of the site again, and copies of its text would be made only to be copied once more.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView<'a> {
    pub id: &'a str,
    pub problem: &'a str,
    pub measures: &'a str,
    pub responsible: &'a str,
    /// The deadline first set, and the one in force after approved extensions (the same
    /// when there are none; neither for an ongoing measure without one).
    pub deadline: Option<Date>,
    pub deadline_in_force: Option<Date>,
    pub extensions: &'a [crate::document::Extension],
    pub status: &'static str,
    pub status_label: &'static str,
    pub completed: Option<Date>,
    pub verified: Option<&'a crate::document::Verified>,
    pub overdue: bool,
    pub progress: Vec<ProgressView<'a>>,
    pub point: Option<&'a str>,
    /// The point on its opinion's page.
    pub point_url: Option<String>,
    pub source: Option<&'a str>,
    /// `部门简称-编号`: an id that does not repeat across departments, for the tracker.
    pub number: String,
    /// The reports that carried it, oldest first, where the page lists items across reports
    /// and more than one did.
    pub reports: Vec<tera::Value>,
    /// On a report a later one carried the item on from: that report, where it now stands.
    pub later: Option<tera::Value>,
    /// `{title, url}` of its document and of its department: made once and shared by every
    /// row of theirs (each item is on three pages), as Tera values.
    pub document: tera::Value,
    pub department: tera::Value,
    pub round: u32,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct Tally {
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub registered: usize,
    /// 长期坚持: counted apart, in neither the done nor the open.
    pub ongoing: usize,
    /// Those with an end: all but the ongoing.
    pub with_end: usize,
    pub overdue: usize,
    /// Done, in whole percent of those with an end.
    pub percent: usize,
}

pub fn tally<'a>(items: impl IntoIterator<Item = &'a Item>, today: Date) -> Tally {
    let mut t = Tally {
        total: 0,
        done: 0,
        in_progress: 0,
        registered: 0,
        ongoing: 0,
        with_end: 0,
        overdue: 0,
        percent: 0,
    };
    for i in items {
        t.total += 1;
        match i.status {
            crate::document::Status::Done => t.done += 1,
            crate::document::Status::InProgress => t.in_progress += 1,
            crate::document::Status::Registered => t.registered += 1,
            crate::document::Status::Ongoing => t.ongoing += 1,
        }
        if i.is_overdue(today) {
            t.overdue += 1;
        }
    }
    t.with_end = t.total - t.ongoing;
    t.percent = (t.done * 100).checked_div(t.with_end).unwrap_or(0);
    t
}

impl<'a> Ctx<'a> {
    pub fn items_of<'s>(&'s self, p: &'s Page) -> Vec<ItemView<'s>> {
        let Details::Rectification(r) = &p.doc.details else {
            return Vec::new();
        };
        (0..r.items.len())
            .filter_map(|j| self.item_view(p, j))
            .collect()
    }

    /// Item `j` of the ledger of `p`.
    pub fn item_view<'s>(&'s self, p: &'s Page, j: usize) -> Option<ItemView<'s>> {
        let Details::Rectification(r) = &p.doc.details else {
            return None;
        };
        let later = self
            .page_index
            .get(&(p as *const Page as usize))
            .and_then(|&i| self.index.later.get(&(i, j)));
        let dept = self.site.config.department(&r.department);
        let short = dept.map_or(r.department.as_str(), |d| {
            d.short_name.as_deref().unwrap_or(&d.name)
        });
        r.items.get(j).map(|i| ItemView {
            id: &i.id,
            problem: &i.problem,
            measures: &i.measures,
            responsible: &i.responsible,
            deadline: i.deadline,
            deadline_in_force: i.deadline_in_force(),
            extensions: &i.extensions,
            status: i.status.name(),
            status_label: i.status.label(),
            completed: i.completed,
            verified: i.verified.as_ref(),
            // Whether it is overdue is a fact of its latest state.
            overdue: later.is_none() && i.is_overdue(self.site.today),
            progress: i
                .progress
                .iter()
                .map(|pr| ProgressView {
                    date: pr.date,
                    note: &pr.note,
                    by: pr.by.as_deref(),
                })
                .collect(),
            point: i.point.as_deref(),
            point_url: i.point.as_deref().and_then(|pt| {
                let review = p.doc.review.as_deref()?;
                let &k = self.index.opinions.get(&(review, r.department.as_str()))?;
                Some(format!("{}#point-{pt}", self.url(self.site.pages[k].url())))
            }),
            source: i.source.as_deref(),
            number: format!("{short}-{}", i.id),
            reports: Vec::new(),
            later: later.map(|&(k, _)| self.doc_value(&self.site.pages[k])),
            document: self.doc_value(p),
            department: self.dept_value(&r.department),
            round: r.round,
            year: p.doc.year(),
        })
    }

    /// Each ledger item of department `dept` once, as it now stands, in the tracker's order.
    pub fn dept_items(&self, dept: &str) -> impl Iterator<Item = (&'a Page, &'a Item)> + '_ {
        let site: &'a crate::site::Site = self.site;
        let rows = self.index.tracker_by_dept.get(dept);
        rows.into_iter().flatten().filter_map(move |&(i, j)| {
            let page = &*site.pages[i];
            match &page.doc.details {
                Details::Rectification(r) => r.items.get(j).map(|item| (page, item)),
                _ => None,
            }
        })
    }

    /// [`Ctx::item_view`] for a page that lists items across reports (the tracker, a
    /// department): each item with the reports that carried it.
    pub fn tracked_view(&self, i: usize, j: usize) -> Option<ItemView<'_>> {
        let mut view = self.item_view(&self.site.pages[i], j)?;
        if let Some(reports) = self.index.carried.get(&(i, j)).filter(|r| r.len() > 1) {
            view.reports = reports
                .iter()
                .map(|&k| self.doc_value(&self.site.pages[k]))
                .collect();
        }
        Some(view)
    }
}
