//! The rules that need the whole site: ids that exist, one document per URL, one opinion per
//! review and department, reserved URLs, overdue ledger items (warnings), items closed after
//! today, the points items answer, and a review's votes (`results`); and the warnings about
//! one document (activities out of order, channels on a notice that calls for none). A
//! [`Site`] in, diagnostics out.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator, did_you_mean};
use crate::document::{
    Details, Document, Investigation, Kind, Notice, NoticeKind, Rectification, Review,
};
use crate::site::Site;
use crate::site::tracked::ItemKey;

mod ledger;
mod results;
mod words;

pub use words::PLACEHOLDERS;

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
    // The site map for readers; `sitemaps/` holds the XML sitemap's parts past 50,000 URLs.
    "sitemap",
    "sitemaps",
];

/// Whether a page's slug would take a URL folder of the generator's own.
fn is_reserved(first: &str) -> bool {
    RESERVED.contains(&first) || crate::kind::takes_folder(first)
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
    /// Each review's year.
    review_years: BTreeMap<&'a str, i32>,
    today: Date,
    /// Each ledger item's latest report: only there is it overdue, a later report having
    /// closed or extended it.
    latest: BTreeMap<ItemKey<'a>, &'a Path>,
    /// The point ids of each department's opinion in each review: what an item's `point`
    /// may name.
    points: BTreeMap<(&'a str, &'a str), Vec<&'a str>>,
    /// How a vote's verdict follows from its counts.
    satisfaction: crate::config::Satisfaction,
    /// Placeholders and 错敏词: what no published document may say.
    words: Vec<words::Word<'a>>,
    /// Reviews, and the review and department of opinions and reports, whose files failed to
    /// load: their own errors say why, and nothing that names them is "unknown" meanwhile.
    unread: Unread<'a>,
    /// Reviews left out of this build (drafts, scheduled): why.
    withheld_reviews: BTreeMap<&'a str, &'static str>,
}

#[derive(Debug, Default, Hash)]
struct Unread<'a> {
    reviews: Vec<&'a str>,
    opinions: Vec<(&'a str, &'a str)>,
    reports: Vec<(&'a str, &'a str)>,
}

impl<'a> Unread<'a> {
    fn of(site: &'a Site) -> Unread<'a> {
        let u = &site.unread;
        Unread {
            reviews: u.iter().filter_map(|i| i.review_id()).collect(),
            opinions: u.iter().filter_map(|i| i.of(Kind::Opinion)).collect(),
            reports: u.iter().filter_map(|i| i.of(Kind::Rectification)).collect(),
        }
    }
}

impl<'a> Known<'a> {
    pub fn of(site: &'a Site) -> Known<'a> {
        let reviews: Vec<&Review> = site
            .pages
            .iter()
            .filter_map(|p| match &p.doc.details {
                Details::Review(r) => Some(r),
                _ => None,
            })
            .collect();
        Known {
            dept_ids: site
                .config
                .departments
                .iter()
                .map(|d| d.id.as_str())
                .collect(),
            review_ids: reviews.iter().map(|r| r.id.as_str()).collect(),
            review_years: reviews.iter().map(|r| (r.id.as_str(), r.year)).collect(),
            today: site.today,
            latest: crate::site::tracked::reports(site)
                .into_iter()
                .filter_map(|(key, seen)| {
                    let &(i, _) = seen.last()?;
                    Some((key, site.pages[i].doc.source.as_path()))
                })
                .collect(),
            points: site
                .pages
                .iter()
                .filter_map(|p| match (&p.doc.details, p.doc.review.as_deref()) {
                    (Details::Opinion(o), Some(review)) => Some((
                        (review, o.department.as_str()),
                        o.points.iter().map(|pt| pt.id.as_str()).collect(),
                    )),
                    _ => None,
                })
                .collect(),
            satisfaction: site.config.satisfaction,
            words: words::Word::of(&site.config),
            unread: Unread::of(site),
            withheld_reviews: (site.withheld_reviews.iter())
                .map(|(id, why)| (id.as_str(), *why))
                .collect(),
        }
    }

    /// Whether `doc` holds the latest state of its item `id`; not known, so not, while a
    /// report of the same review and department failed to load.
    fn is_latest(&self, doc: &Document, rect: &Rectification, id: &str) -> bool {
        let review = doc.review.as_deref().unwrap_or_default();
        let department = rect.department.as_str();
        if self.unread.reports.contains(&(review, department)) {
            return false;
        }
        self.latest
            .get(&(review, department, id))
            .is_none_or(|p| *p == doc.source)
    }

    /// A hash of everything here: while it is the same, an unchanged document's diagnostics
    /// are too.
    pub fn fingerprint(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (
            &self.dept_ids,
            &self.review_ids,
            &self.review_years,
            self.today,
            &self.latest,
            &self.points,
            self.satisfaction.fingerprint(),
            &self.words,
            &self.unread,
            &self.withheld_reviews,
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
    words::check(known, doc, &mut diags);
    if let Some(review) = &doc.review
        && !known.review_ids.contains(&review.as_str())
        && !known.unread.reviews.contains(&review.as_str())
    {
        let ids = &known.review_ids;
        let (message, hint) = match known.withheld_reviews.get(review.as_str()) {
            Some(why) => (
                format!("评议活动 `{review}` 是{why}的文档,这次不发布"),
                "本文引用它,发布后指向它的链接会是死链:等它发布了再发布本文,或把本文也设为草稿、定时发布".to_string(),
            ),
            None => (
                format!("未知评议活动 `{review}`"),
                match did_you_mean(review, ids.iter().copied()) {
                    Some(m) => format!("是不是 `{m}`?"),
                    None if ids.is_empty() => "还没有任何评议活动(type: review)文档".to_string(),
                    None => format!("已有的评议活动: {}", ids.join(", ")),
                },
            ),
        };
        diags.push(doc.error_at("review", 1, message).with_hint(hint));
    }
    match &doc.details {
        Details::Review(r) => check_review(known, doc, r, &mut diags),
        Details::Notice(n) => check_notice(known, doc, n, &mut diags),
        Details::Opinion(o) => {
            if !known.dept_ids.contains(&o.department.as_str()) {
                diags.push(known.unknown_dept(doc, "department", 1, &o.department));
            }
        }
        Details::Investigation(inv) => check_investigation(known, doc, inv, &mut diags),
        Details::Rectification(rect) => ledger::check(known, doc, rect, &mut diags),
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

/// A notice's departments; channels on a notice that calls for no opinions (a warning).
fn check_notice(known: &Known<'_>, doc: &Document, n: &Notice, diags: &mut Vec<Diagnostic>) {
    for d in &n.departments {
        if !known.dept_ids.contains(&d.as_str()) {
            diags.push(known.unknown_dept(doc, "departments", 1, d));
        }
    }
    if n.notice_kind == Some(NoticeKind::CallForOpinions) {
        return;
    }
    let written = [
        ("channels", !n.channels.is_empty()),
        ("received", n.received.is_some()),
    ];
    for (key, _) in written.into_iter().filter(|w| w.1) {
        let line = doc.line_of(key, 1);
        diags.push(
            Diagnostic::warning(
                &doc.source,
                format!("`{key}` 只用于征求意见的通知,本通知不会显示它"),
            )
            .at(&doc.text, line, 1)
            .with_hint("征求意见的通知写 notice_kind: call_for_opinions;否则删去这个字段"),
        );
    }
}

/// An investigation's departments; its activities out of date order (a warning).
fn check_investigation(
    known: &Known<'_>,
    doc: &Document,
    inv: &Investigation,
    diags: &mut Vec<Diagnostic>,
) {
    let from = doc.line_of("departments", 1);
    for d in &inv.departments {
        if !known.dept_ids.contains(&d.as_str()) {
            diags.push(known.unknown_dept(doc, "departments", from, d));
        }
    }
    let mut locator = Locator::new(&doc.text);
    for (i, pair) in inv.activities.windows(2).enumerate() {
        if pair[1].date < pair[0].date {
            let line = inv.activity_lines.get(i + 1).copied().unwrap_or(1).max(1);
            diags.push(
                Diagnostic::warning(
                    &doc.source,
                    format!(
                        "调查活动的日期 {} 早于上一项的 {}:activities 应按日期先后排列",
                        pair[1].date, pair[0].date
                    ),
                )
                .at_line(&mut locator, line, 1)
                .with_hint("页面按所写的顺序列出调查活动;请把这一项移到正确的位置"),
            );
        }
    }
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

/// The rules over the whole site: every document of a URL that more than one document takes,
/// and every opinion of a review and department that has another.
pub fn site_wide(site: &Site) -> Vec<Diagnostic> {
    let mut diags = one_opinion_each(site);
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

/// At most one opinion per review and department: each of two or more is an error naming all.
fn one_opinion_each(site: &Site) -> Vec<Diagnostic> {
    let mut opinions: std::collections::BTreeMap<(&str, &str), Vec<&Document>> =
        std::collections::BTreeMap::new();
    for page in &site.pages {
        if let (Details::Opinion(o), Some(review)) = (&page.doc.details, page.doc.review_id()) {
            opinions
                .entry((review, o.department.as_str()))
                .or_default()
                .push(&page.doc);
        }
    }
    let mut diags = Vec::new();
    for ((review, dept), mut docs) in opinions.into_iter().filter(|(_, d)| d.len() > 1) {
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        let files: Vec<String> = docs
            .iter()
            .map(|d| crate::load::slash_path(&d.source).display().to_string())
            .collect();
        for d in &docs {
            diags.push(
                d.error_at(
                    "department",
                    1,
                    format!(
                        "评议活动 `{review}` 对部门 `{dept}` 有多份评议意见: {}",
                        files.join("、")
                    ),
                )
                .with_hint(
                    "一次评议对一个部门只出一份评议意见;请合并为一份,或改正 review、department",
                ),
            );
        }
    }
    diags
}
