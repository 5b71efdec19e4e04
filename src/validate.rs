//! The rules that need the whole site: ids that exist, one document per URL, reserved URLs,
//! overdue ledger items (warnings) and items closed after today, and a review's votes
//! (`results`). A [`Site`] in, diagnostics out.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator, did_you_mean};
use crate::document::{Details, Document, Kind, Rectification, Review};
use crate::site::Site;

mod results;

/// First URL segments the generator uses itself, besides each column's folder
/// (`/speeches/`, `/reviews/`…, from the kind table): a page slug must not take them.
pub const RESERVED: &[&str] = &[
    "departments",
    "rectification-tracker",
    "archive",
    "tags",
    "data",
    "assets",
    "page",
    "search",
];

/// Whether a page's slug would take a URL folder of the generator's own.
fn is_reserved(first: &str) -> bool {
    RESERVED.contains(&first) || crate::kind::in_nav().iter().any(|k| k.plural == first)
}

/// Checks the site: each document's own diagnostics (sorted) and the site-wide ones. Pure;
/// `incremental::Checked` reuses a document's results while it and [`Known`] are unchanged.
pub fn validate(site: &Site) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let known = Known::of(site);
    let mut per_doc: Vec<Diagnostic> = site
        .pages
        .par_iter()
        .flat_map_iter(|page| check_document(&known, &page.doc))
        .collect();
    crate::diagnostic::sort(&mut per_doc);
    (per_doc, site_wide(site))
}

/// What a document is checked against: the same for every document of a run. A rule that
/// reads another document's facts adds them here, so that `fingerprint` covers them.
pub struct Known<'a> {
    dept_ids: Vec<&'a str>,
    review_ids: Vec<&'a str>,
    today: Date,
    /// How a vote's verdict follows from its counts.
    satisfaction: crate::config::Satisfaction,
}

impl<'a> Known<'a> {
    pub fn of(site: &'a Site) -> Known<'a> {
        Known {
            dept_ids: site
                .config
                .departments
                .iter()
                .map(|d| d.id.as_str())
                .collect(),
            review_ids: site
                .pages
                .iter()
                .filter_map(|p| match &p.doc.details {
                    Details::Review(r) => Some(r.id.as_str()),
                    _ => None,
                })
                .collect(),
            today: site.today,
            satisfaction: site.config.satisfaction,
        }
    }

    /// A hash of everything here: while it is the same, an unchanged document's diagnostics
    /// are too.
    pub fn fingerprint(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (
            &self.dept_ids,
            &self.review_ids,
            self.today,
            self.satisfaction.fingerprint(),
        )
            .hash(&mut h);
        h.finish()
    }
}

impl Known<'_> {
    fn unknown_dept(&self, doc: &Document, key: &str, from: usize, id: &str) -> Diagnostic {
        let hint = match did_you_mean(id, self.dept_ids.iter().copied()) {
            Some(m) => format!("是不是 `{m}`?部门须先在 site.yaml 的 departments 中登记"),
            None => format!(
                "部门须先在 site.yaml 的 departments 中登记;已登记: {}",
                self.dept_ids.join(", ")
            ),
        };
        doc.error_at(key, from, format!("未知部门 `{id}`"))
            .with_hint(hint)
    }
}

/// The rules for one document against what the site has.
pub fn check_document(known: &Known<'_>, doc: &Document) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if let Some(review) = &doc.review
        && !known.review_ids.contains(&review.as_str())
    {
        let ids = &known.review_ids;
        let hint = match did_you_mean(review, ids.iter().copied()) {
            Some(m) => format!("是不是 `{m}`?"),
            None if ids.is_empty() => "还没有任何评议活动(type: review)文档".to_string(),
            None => format!("已有的评议活动: {}", ids.join(", ")),
        };
        diags.push(
            doc.error_at("review", 1, format!("未知评议活动 `{review}`"))
                .with_hint(hint),
        );
    }
    match &doc.details {
        Details::Review(r) => check_review(known, doc, r, &mut diags),
        Details::Notice(n) => {
            for d in &n.departments {
                if !known.dept_ids.contains(&d.as_str()) {
                    diags.push(known.unknown_dept(doc, "departments", 1, d));
                }
            }
        }
        Details::Rectification(rect) => check_rectification(known, doc, rect, &mut diags),
        Details::Page => {
            let first = doc.slug.as_str();
            if is_reserved(first) || first.parse::<i32>().is_ok() {
                diags.push(
                    doc.error_at("slug", 1, format!("页面网址 /{first}/ 已被网站栏目占用"))
                        .with_hint("请换一个 slug"),
                );
            }
        }
        Details::Speech(_) => {}
    }
    diags
}

/// A review's departments and its votes.
fn check_review(known: &Known<'_>, doc: &Document, r: &Review, diags: &mut Vec<Diagnostic>) {
    let from = doc.line_of("departments", 1);
    for d in &r.departments {
        if !known.dept_ids.contains(&d.as_str()) {
            diags.push(known.unknown_dept(doc, "departments", from, d));
        }
    }
    results::check(known, doc, r, diags);
}

/// A rectification's department, its overdue items (warnings) and items closed after today.
fn check_rectification(
    known: &Known<'_>,
    doc: &Document,
    rect: &Rectification,
    diags: &mut Vec<Diagnostic>,
) {
    let today = known.today;
    if !known.dept_ids.contains(&rect.department.as_str()) {
        diags.push(known.unknown_dept(doc, "department", 1, &rect.department));
    }
    // Lines only go forward within each kind: one pass over the text for each, however many
    // items are overdue.
    let mut deadlines = Locator::new(&doc.text);
    let mut completions = Locator::new(&doc.text);
    // A scheduled report, previewed, may record what is done by its own date.
    let latest = doc.date.map_or(today, |d| d.max(today));
    for (i, item) in rect.items.iter().enumerate() {
        if item.is_overdue(today) {
            let line = rect.deadline_lines.get(i).copied().unwrap_or(0).max(1);
            diags.push(
                Diagnostic::warning(
                    &doc.source,
                    format!(
                        "整改事项 {} 已逾期:时限 {},状态仍为 {}",
                        item.id,
                        item.deadline,
                        item.status.label()
                    ),
                )
                .at_line(&mut deadlines, line, 1),
            );
        }
        if let Some(done) = item.completed.filter(|&d| d > latest) {
            let line = rect.completed_lines.get(i).copied().unwrap_or(0).max(1);
            diags.push(
                Diagnostic::error(
                    &doc.source,
                    if latest == today {
                        format!(
                            "整改事项 {} 的完成日期 completed: {done} 晚于今天({latest})",
                            item.id
                        )
                    } else {
                        format!(
                            "整改事项 {} 的完成日期 completed: {done} 晚于本文档的发布日期 {latest}",
                            item.id
                        )
                    },
                )
                .at_line(&mut completions, line, 1)
                .with_hint("销号日期只能是已经过去的日期;事项尚未完成的,status 写 in_progress,并删去 completed"),
            );
        }
    }
}

/// The rules over the whole site: every document of a URL that more than one document takes.
pub fn site_wide(site: &Site) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut urls: FxHashMap<&str, Vec<&Document>> = FxHashMap::default();
    for page in &site.pages {
        urls.entry(page.url()).or_default().push(&page.doc);
    }
    let mut urls: Vec<_> = urls
        .into_iter()
        .filter(|(_, docs)| docs.len() > 1)
        .collect();
    urls.sort_by(|a, b| a.0.cmp(b.0));
    for (url, docs) in urls {
        let others: Vec<String> = docs
            .iter()
            .map(|d| d.source.display().to_string())
            .collect();
        for d in &docs {
            let hint = if d.kind == Kind::Review {
                "评议活动的 id 不能重复"
            } else {
                "同一年度、同一类型的文档 slug 不能重复;用 slug 字段另取一个"
            };
            diags.push(
                Diagnostic::error(
                    &d.source,
                    format!("网址 {url} 被多个文档占用: {}", others.join("、")),
                )
                .at(&d.text, d.line_of("slug", 1).max(1), 1)
                .with_hint(hint),
            );
        }
    }
    diags
}
