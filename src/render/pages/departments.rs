//! The reviewed departments: their index (`/departments/`, each with its tally) and each
//! department's page: page 1 gives the overview and the first items of its ledger, later
//! pages the rest of the ledger.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{DeptCard, Group, ItemView, Paginator, ReviewView, Tally, tally};
use super::super::{Job, Jobs, TRACKER_PER_PAGE};
use super::{full, ledger_items, ledgers, templated, url_of};

/// `/departments/`.
pub struct Departments;

/// One page of a department.
pub struct Department<'a> {
    id: &'a str,
    path: String,
    rows: Vec<(usize, usize)>,
    paginator: Paginator,
    /// Of all the department's items, on every page.
    tally: Tally,
}

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let site = cx.site;
    let mut jobs: Vec<Box<dyn Job + 'a>> = vec![Box::new(Departments)];
    for d in &site.config.departments {
        let rows: &[(usize, usize)] = cx
            .index
            .tracker_by_dept
            .get(d.id.as_str())
            .map_or(&[], Vec::as_slice);
        let dept_tally = tally(cx.dept_items(&d.id).map(|(_, item)| item), site.today);
        let base = format!("/departments/{}/", d.id);
        for (path, rows, paginator) in cx.paginate(&base, rows, TRACKER_PER_PAGE) {
            jobs.push(Box::new(Department {
                id: d.id.as_str(),
                path,
                rows,
                paginator,
                tally: dept_tally.clone(),
            }));
        }
    }
    jobs
}

impl Job for Departments {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/departments/")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        let pages = cx.site.pages.iter().map(|p| &**p);
        ledgers(h, pages.filter(|p| !p.doc.departments().is_empty()));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let mut ctx = cx.base_context("受评部门", "/departments/");
        ctx.insert("column", "受评部门");
        let cards: Vec<DeptCard> = cx
            .site
            .config
            .departments
            .iter()
            .map(|d| {
                let pages: Vec<&Page> = cx
                    .index
                    .pages_at(cx.index.by_dept.get(d.id.as_str()))
                    .collect();
                let items = cx.dept_items(&d.id).map(|(_, item)| item);
                DeptCard {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    url: cx.url(&format!("/departments/{}/", d.id)),
                    tally: tally(items, cx.site.today),
                    documents: pages.len(),
                }
            })
            .collect();
        ctx.insert("departments", &cards);
        Ok(vec![templated(
            theme,
            "departments.html",
            "/departments/",
            &ctx,
        )?])
    }
}

impl Job for Department<'_> {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(url_of(&self.path))
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        ledger_items(h, cx, &self.rows);
        self.paginator.position().hash(h);
        self.tally.hash(h);
        if self.paginator.current == 1 {
            // The overview: its reviews, documents and the tally of all its items.
            let pages: Vec<&Page> = cx.index.pages_at(cx.index.by_dept.get(self.id)).collect();
            ledgers(h, pages.iter().copied());
            // The chain of each review begins with the department's opinion.
            full(
                h,
                pages
                    .iter()
                    .copied()
                    .filter(|p| p.doc.kind == Kind::Opinion),
            );
            full(
                h,
                pages.iter().copied().filter(|p| p.doc.kind == Kind::Review),
            );
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let site = cx.site;
        let id = self.id;
        let dept = site.config.department(id).expect("listed from config");
        let url = url_of(&self.path);
        let mut ctx = cx.base_context(&dept.name, url);
        ctx.insert("column", "受评部门");
        ctx.insert("paginator", &self.paginator);
        let items: Vec<ItemView> = self
            .rows
            .iter()
            .filter_map(|&(i, j)| cx.tracked_view(i, j))
            .collect();
        ctx.insert("items", &items);
        ctx.insert(
            "department",
            &serde_json::json!({
                "id": dept.id,
                "name": dept.name,
                "url": cx.url(&format!("/departments/{id}/")),
            }),
        );
        ctx.insert("tally", &self.tally);
        // Page 1 also gives the overview; later pages carry the ledger alone, with empty
        // lists so that a template written for page 1 still renders them.
        if self.paginator.current == 1 {
            overview(cx, &mut ctx, id);
        } else {
            ctx.insert("reviews", &Vec::<ReviewView>::new());
            ctx.insert("groups", &Vec::<Group>::new());
        }
        Ok(vec![templated(theme, "department.html", url, &ctx)?])
    }
}

/// What page 1 of a department shows above its ledger: the reviews it took part in with
/// their votes, and its documents by type.
fn overview(cx: &Ctx<'_>, ctx: &mut Context, id: &str) {
    let pages: Vec<&Page> = cx.index.pages_at(cx.index.by_dept.get(id)).collect();
    let reviews: Vec<ReviewView> = pages
        .iter()
        .filter(|p| p.doc.kind == Kind::Review)
        .filter_map(|p| cx.review_view(p, false))
        .map(|mut r| {
            r.departments.retain(|d| d.id == *id);
            r
        })
        .collect();
    ctx.insert("reviews", &reviews);
    let non_reviews: Vec<&Page> = pages
        .iter()
        .filter(|p| p.doc.kind != Kind::Review)
        .copied()
        .collect();
    ctx.insert("groups", &cx.groups(&non_reviews));
}
