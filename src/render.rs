//! What pages exist and what each template receives: view structs built from the [`Site`],
//! rendered in parallel into a sorted list of [`Output`]s. Feeds, sitemap, robots and open
//! data are written here too, without templates, because their format is fixed.

use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Context;

use crate::config::Contact;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::{Details, Item, Kind, Speech};
use crate::output::{Content, Output};
use crate::site::{Page, Site, base_path};
use crate::theme::Theme;

/// Documents per list page.
pub const PER_PAGE: usize = 20;
/// Ledger items per tracker page.
pub const TRACKER_PER_PAGE: usize = 100;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 30;

// ---------------------------------------------------------------------------------------------
// View structs: what templates see (documented in docs/theme.md).

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
struct SiteView<'a> {
    title: &'a str,
    base_url: &'a str,
    base_path: String,
    domain: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    organizer: Option<&'a str>,
    operator: Option<&'a str>,
    site_code: Option<&'a str>,
    icp: Option<&'a str>,
    police_record: Option<&'a str>,
    contact: &'a Contact,
    gov_badge: Option<&'a crate::config::GovBadge>,
    /// Free pages (`type: page`), for the footer.
    pages: Vec<Link>,
    /// Main navigation.
    nav: Vec<Link>,
    /// Site-relative URL of the feed.
    feed_url: String,
    today: String,
}

/// A document in a list.
#[derive(Debug, Clone, Serialize)]
struct Card {
    title: String,
    url: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<String>,
    /// `date` as `2024年5月12日`.
    date_zh: Option<String>,
    summary: String,
    doc_number: Option<String>,
    departments: Vec<Link>,
}

#[derive(Debug, Serialize)]
struct AttachmentView {
    title: String,
    url: String,
    /// Upper-case file type: PDF, OFD, DOCX.
    ext: String,
    size: String,
    bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
struct ProgressView<'a> {
    date: Date,
    note: &'a str,
}

/// A ledger row. It borrows from the site: the tracker and the department pages show every
/// item of the site again, and copies of its text would be made only to be copied once more.
#[derive(Debug, Clone, Serialize)]
struct ItemView<'a> {
    id: &'a str,
    problem: &'a str,
    measures: &'a str,
    responsible: &'a str,
    deadline: Date,
    status: &'static str,
    status_label: &'static str,
    completed: Option<Date>,
    overdue: bool,
    progress: Vec<ProgressView<'a>>,
    /// `{title, url}` of its document and of its department: made once and shared by every
    /// row of theirs (each item is on three pages), as Tera values.
    document: tera::Value,
    department: tera::Value,
    round: u32,
    year: Option<i32>,
}

/// A [`Link`] whose title is borrowed.
#[derive(Debug, Clone, Serialize)]
struct TitledUrl<'a> {
    title: &'a str,
    url: String,
}

#[derive(Debug, Clone, Serialize, Hash)]
struct Tally {
    total: usize,
    done: usize,
    in_progress: usize,
    registered: usize,
    overdue: usize,
    /// Done, in whole percent.
    percent: usize,
}

#[derive(Debug, Serialize)]
struct RectificationView<'a> {
    department: Link,
    round: u32,
    items: Vec<ItemView<'a>>,
    tally: Tally,
    /// The department's 满意度测评 rounds in the document's review cycle, oldest first.
    votes: Vec<VoteView>,
    /// The last round's verdict.
    verdict: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct NoticeView {
    notice_kind: Option<&'static str>,
    notice_kind_label: Option<&'static str>,
    deadline: Option<String>,
}

#[derive(Debug, Serialize)]
struct DocView<'a> {
    title: &'a str,
    url: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<String>,
    /// `date` as `2024年5月12日`.
    date_zh: Option<String>,
    year: Option<i32>,
    summary: &'a str,
    tags: Vec<Link>,
    index_no: Option<&'a str>,
    issuer: Option<&'a str>,
    doc_number: Option<&'a str>,
    written_date: Option<String>,
    attachments: Vec<AttachmentView>,
    /// The body as HTML (already safe: raw HTML escaped unless the site opted in).
    content: &'a str,
    /// `{level, id, title}` of each heading.
    toc: Vec<TocEntry>,
    review: Option<Link>,
    departments: Vec<Link>,
    speech: Option<&'a Speech>,
    notice: Option<NoticeView>,
    rectification: Option<RectificationView<'a>>,
    /// Newer and older document of the same type.
    prev: Option<Link>,
    next: Option<Link>,
    /// Cards ([`Card`]), as Tera values.
    related: Vec<tera::Value>,
}

#[derive(Debug, Serialize)]
struct TocEntry {
    level: u8,
    id: String,
    title: String,
}

#[derive(Debug, Clone, Serialize)]
struct StageView {
    name: String,
    start: String,
    end: String,
    /// `done`, `current` or `upcoming` relative to today.
    state: &'static str,
    state_label: &'static str,
    /// How much of the stage has passed by today, in whole percent (0 to 100).
    elapsed_pct: u32,
}

#[derive(Debug, Clone, Serialize)]
struct VoteView {
    round: u32,
    satisfied: u32,
    basically_satisfied: u32,
    unsatisfied: u32,
    total: u32,
    verdict: &'static str,
    /// Shares in whole percent, for bars.
    satisfied_pct: u32,
    basically_satisfied_pct: u32,
    unsatisfied_pct: u32,
    /// Shares in percent to two decimals, the three adding up to 100: the bars' widths.
    satisfied_share: f64,
    basically_satisfied_share: f64,
    unsatisfied_share: f64,
}

#[derive(Debug, Clone, Serialize)]
struct ReviewedDept {
    id: String,
    name: String,
    url: String,
    tally: Tally,
    votes: Vec<VoteView>,
    /// The last round's verdict.
    verdict: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
struct Group {
    kind: &'static str,
    label: &'static str,
    /// Cards ([`Card`]), as Tera values.
    docs: Vec<tera::Value>,
}

#[derive(Debug, Clone, Serialize)]
struct ReviewView {
    id: String,
    year: i32,
    title: String,
    url: String,
    summary: String,
    stages: Vec<StageView>,
    current_stage: Option<String>,
    departments: Vec<ReviewedDept>,
    groups: Vec<Group>,
}

#[derive(Debug, Serialize)]
struct Paginator {
    current: usize,
    total_pages: usize,
    total_items: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

impl Paginator {
    /// Where this page sits: what its key depends on (the links follow from it).
    fn position(&self) -> (usize, usize, usize) {
        (self.current, self.total_pages, self.total_items)
    }
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    /// Numbers were skipped before this one: show "…".
    gap_before: bool,
}

#[derive(Debug, Serialize)]
struct DeptCard {
    id: String,
    name: String,
    url: String,
    tally: Tally,
    documents: usize,
}

#[derive(Debug, Serialize)]
struct CountLink {
    title: String,
    url: String,
    count: usize,
}

// ---------------------------------------------------------------------------------------------

fn iso(d: Option<Date>) -> Option<String> {
    d.map(Date::iso)
}

/// `12.3 KB`, `1.2 MB`: sizes as a reader expects them next to a download.
pub fn human_size(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if b < K {
        format!("{bytes} B")
    } else if b < K * K {
        format!("{:.1} KB", b / K)
    } else {
        format!("{:.1} MB", b / K / K)
    }
}

fn tally<'a>(items: impl IntoIterator<Item = &'a Item>, today: Date) -> Tally {
    let mut t = Tally {
        total: 0,
        done: 0,
        in_progress: 0,
        registered: 0,
        overdue: 0,
        percent: 0,
    };
    for i in items {
        t.total += 1;
        match i.status {
            crate::document::Status::Done => t.done += 1,
            crate::document::Status::InProgress => t.in_progress += 1,
            crate::document::Status::Registered => t.registered += 1,
        }
        if i.is_overdue(today) {
            t.overdue += 1;
        }
    }
    t.percent = (t.done * 100).checked_div(t.total).unwrap_or(0);
    t
}

/// The 满意度测评 rounds of department `dept` in review cycle `r`, oldest first.
fn votes(r: &crate::document::Review, dept: &str) -> Vec<VoteView> {
    let mut votes: Vec<VoteView> = r
        .results
        .iter()
        .filter(|v| v.department == dept)
        .map(|v| {
            let total = v.satisfied + v.basically_satisfied + v.unsatisfied;
            let pct = |n: u32| (n * 100).checked_div(total).unwrap_or(0);
            let two_places = |x: f64| (100.0 * x).round() / 100.0;
            let share = |n: u32| match total {
                0 => 0.0,
                _ => two_places(f64::from(n * 100) / f64::from(total)),
            };
            let (s, b) = (share(v.satisfied), share(v.basically_satisfied));
            VoteView {
                round: v.round,
                satisfied: v.satisfied,
                basically_satisfied: v.basically_satisfied,
                unsatisfied: v.unsatisfied,
                total,
                verdict: v.verdict.label(),
                satisfied_pct: pct(v.satisfied),
                basically_satisfied_pct: pct(v.basically_satisfied),
                unsatisfied_pct: pct(v.unsatisfied),
                satisfied_share: s,
                basically_satisfied_share: b,
                unsatisfied_share: if total == 0 {
                    0.0
                } else {
                    two_places(100.0 - s - b)
                },
            }
        })
        .collect();
    votes.sort_by_key(|v| v.round);
    votes
}

/// Indexes over the site, built once, so no page scans every document.
struct Ctx<'a> {
    site: &'a Site,
    base: String,
    by_review: HashMap<&'a str, Vec<usize>>,
    by_dept: HashMap<&'a str, Vec<usize>>,
    /// Position of each page within its type's list.
    kind_pos: Vec<usize>,
    by_kind: HashMap<Kind, Vec<usize>>,
    /// Review id → its page.
    reviews: HashMap<&'a str, usize>,
    /// Tag → its pages, in page order.
    by_tag: HashMap<&'a str, Vec<usize>>,
    /// Year → its dated documents (not free pages), in page order.
    by_year: HashMap<i32, Vec<usize>>,
    /// Serialised once: every page shows it, and a Tera value clones by reference count.
    site_view: tera::Value,
    /// Each department's link, made once: cards and ledger rows show them many times over.
    dept_links: HashMap<&'a str, Link>,
    /// The same, as Tera values.
    dept_values: HashMap<&'a str, tera::Value>,
    /// Per page: `{title, url}` as a Tera value, made when first needed.
    doc_values: Vec<std::sync::OnceLock<tera::Value>>,
    /// Each page's card, made once when first shown: a document appears in lists, on tag
    /// pages and in other documents' related lists. A Tera value clones by reference count.
    cards: Vec<std::sync::OnceLock<tera::Value>>,
    /// Page address → index in `site.pages`, to find a page's card.
    page_index: rustc_hash::FxHashMap<usize, usize>,
    /// The search index's cache, in a build a later build continues (watch).
    search: Option<std::sync::Mutex<crate::search::Cache>>,
}

impl<'a> Ctx<'a> {
    fn new(site: &'a Site) -> Ctx<'a> {
        let base = base_path(&site.config.base_url);
        let mut by_review: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_dept: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_kind: HashMap<Kind, Vec<usize>> = HashMap::new();
        let mut kind_pos = vec![0; site.pages.len()];
        let mut reviews = HashMap::new();
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
        let c = &site.config;
        let nav = [
            ("首页", "/"),
            ("评议活动", "/reviews/"),
            ("领导讲话", "/speeches/"),
            ("通知公告", "/notices/"),
            ("整改公告", "/rectifications/"),
            ("整改台账", "/rectification-tracker/"),
            ("受评部门", "/departments/"),
            ("历年归档", "/archive/"),
        ]
        .into_iter()
        .map(|(t, u)| Link {
            title: t.into(),
            url: format!("{base}{u}"),
        })
        .collect();
        let site_view = SiteView {
            title: &c.title,
            base_url: &c.base_url,
            base_path: base.clone(),
            domain: c.domain(),
            description: c.description.as_deref(),
            language: &c.language,
            organizer: c.organizer.as_deref(),
            operator: c.operator.as_deref(),
            site_code: c.site_code.as_deref(),
            icp: c.icp.as_deref(),
            police_record: c.police_record.as_deref(),
            contact: &c.contact,
            gov_badge: c.gov_badge.as_ref(),
            pages: site
                .of_kind(Kind::Page)
                .map(|p| Link {
                    title: p.doc.title.clone(),
                    url: format!("{base}{}", p.url()),
                })
                .collect(),
            nav,
            feed_url: format!("{base}/feed.xml"),
            today: site.today.to_string(),
        };
        let dept_links = c
            .departments
            .iter()
            .map(|d| {
                let link = Link {
                    title: d.name.clone(),
                    url: format!("{base}/departments/{}/", d.id),
                };
                (d.id.as_str(), link)
            })
            .collect::<HashMap<_, _>>();
        let dept_values = dept_links
            .iter()
            .map(|(id, link)| (*id, tera::Value::from_serializable(link)))
            .collect();
        Ctx {
            site,
            base,
            by_review,
            by_dept,
            kind_pos,
            by_kind,
            reviews,
            by_tag,
            by_year,
            site_view: tera::Value::from_serializable(&site_view),
            dept_links,
            dept_values,
            cards: (0..site.pages.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            doc_values: (0..site.pages.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            page_index: site
                .pages
                .iter()
                .enumerate()
                .map(|(i, p)| (&**p as *const Page as usize, i))
                .collect(),
            search: None,
        }
    }

    /// The review cycle with this id.
    fn review(&self, id: &str) -> Option<&'a Page> {
        self.reviews.get(id).map(|&i| &*self.site.pages[i])
    }

    fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
    }

    fn dept_link(&self, id: &str) -> Link {
        self.dept_link_ref(id).into_owned()
    }

    /// The department's link, borrowed from those made once when it is in `site.yaml`.
    fn dept_link_ref(&self, id: &str) -> Cow<'_, Link> {
        match self.dept_links.get(id) {
            Some(link) => Cow::Borrowed(link),
            // Not in site.yaml: `check` reports it; the page still shows the id.
            None => Cow::Owned(Link {
                title: self.site.config.department_name(id).to_string(),
                url: self.url(&format!("/departments/{id}/")),
            }),
        }
    }

    fn dept_value(&self, id: &str) -> tera::Value {
        match self.dept_values.get(id) {
            Some(v) => v.clone(),
            None => tera::Value::from_serializable(&*self.dept_link_ref(id)),
        }
    }

    fn doc_value(&self, p: &Page) -> tera::Value {
        let make = || {
            tera::Value::from_serializable(&TitledUrl {
                title: &p.doc.title,
                url: self.url(p.url()),
            })
        };
        match self.page_index.get(&(p as *const Page as usize)) {
            Some(&i) => self.doc_values[i].get_or_init(make).clone(),
            None => make(),
        }
    }

    fn doc_link(&self, p: &Page) -> Link {
        Link {
            title: p.doc.title.clone(),
            url: self.url(p.url()),
        }
    }

    /// The card of `p`, a page of this site.
    fn card(&self, p: &Page) -> tera::Value {
        let make = || tera::Value::from_serializable(&self.make_card(p));
        match self.page_index.get(&(p as *const Page as usize)) {
            Some(&i) => self.cards[i].get_or_init(make).clone(),
            None => make(),
        }
    }

    fn make_card(&self, p: &Page) -> Card {
        Card {
            title: p.doc.title.clone(),
            url: self.url(p.url()),
            kind: p.doc.kind.name(),
            kind_label: p.doc.kind.label(),
            date: iso(p.doc.date),
            date_zh: p.doc.date.map(Date::zh),
            summary: p.summary.clone(),
            doc_number: p.doc.doc_number.clone(),
            departments: p
                .doc
                .departments()
                .into_iter()
                .map(|d| self.dept_link(d))
                .collect(),
        }
    }

    fn items_of<'s>(&'s self, p: &'s Page) -> Vec<ItemView<'s>> {
        let Details::Rectification(r) = &p.doc.details else {
            return Vec::new();
        };
        (0..r.items.len())
            .filter_map(|j| self.item_view(p, j))
            .collect()
    }

    /// Item `j` of the ledger of `p`.
    fn item_view<'s>(&'s self, p: &'s Page, j: usize) -> Option<ItemView<'s>> {
        let Details::Rectification(r) = &p.doc.details else {
            return None;
        };
        r.items.get(j).map(|i| ItemView {
            id: &i.id,
            problem: &i.problem,
            measures: &i.measures,
            responsible: &i.responsible,
            deadline: i.deadline,
            status: i.status.name(),
            status_label: i.status.label(),
            completed: i.completed,
            overdue: i.is_overdue(self.site.today),
            progress: i
                .progress
                .iter()
                .map(|pr| ProgressView {
                    date: pr.date,
                    note: &pr.note,
                })
                .collect(),
            document: self.doc_value(p),
            department: self.dept_value(&r.department),
            round: r.round,
            year: p.doc.year(),
        })
    }

    /// Every ledger item of the site as (page, item) in the tracker's order: overdue first,
    /// then by department (as listed in `site.yaml`) and status (open before closed), then by
    /// deadline, then newest document first and in ledger order.
    fn tracker_order(&self) -> Vec<(usize, usize)> {
        let site = self.site;
        let dept_order: HashMap<&str, usize> = site
            .config
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let rank = |s: crate::document::Status| match s {
            crate::document::Status::InProgress => 0,
            crate::document::Status::Registered => 1,
            crate::document::Status::Done => 2,
        };
        // Keys computed once per item, not once per comparison: a large site has tens of
        // thousands of items, sorted again on every rebuild.
        let mut keyed = Vec::new();
        for (i, p) in site.pages.iter().enumerate() {
            if let Details::Rectification(r) = &p.doc.details {
                let dept = dept_order
                    .get(r.department.as_str())
                    .copied()
                    .unwrap_or(usize::MAX);
                for (j, item) in r.items.iter().enumerate() {
                    // Ties go by page order (newest document first), then ledger order.
                    let key = (
                        !item.is_overdue(site.today),
                        dept,
                        rank(item.status),
                        item.deadline,
                        i,
                        j,
                    );
                    keyed.push((key, (i, j)));
                }
            }
        }
        keyed.sort_unstable_by_key(|k| k.0);
        let rows: Vec<(usize, usize)> = keyed.into_iter().map(|(_, row)| row).collect();
        rows
    }

    fn pages_at<'s>(&'s self, idx: Option<&'s Vec<usize>>) -> impl Iterator<Item = &'a Page> + 's {
        idx.into_iter().flatten().map(|&i| &*self.site.pages[i])
    }

    fn groups(&self, pages: &[&Page]) -> Vec<Group> {
        [
            Kind::Review,
            Kind::Notice,
            Kind::Speech,
            Kind::Rectification,
        ]
        .into_iter()
        .filter_map(|k| {
            let docs: Vec<tera::Value> = pages
                .iter()
                .filter(|p| p.doc.kind == k)
                .map(|p| self.card(p))
                .collect();
            (!docs.is_empty()).then_some(Group {
                kind: k.name(),
                label: k.label(),
                docs,
            })
        })
        .collect()
    }

    /// The view of a review cycle; its documents by type (`groups`) only where the page shows
    /// them: they are the whole cycle, and a page that carries them renders again whenever
    /// any of them changes.
    fn review_view(&self, p: &Page, with_groups: bool) -> Option<ReviewView> {
        let Details::Review(r) = &p.doc.details else {
            return None;
        };
        let today = self.site.today;
        let stages: Vec<StageView> = r
            .stages
            .iter()
            .map(|s| {
                let (state, state_label) = if today > s.end {
                    ("done", "已完成")
                } else if today >= s.start {
                    ("current", "进行中")
                } else {
                    ("upcoming", "未开始")
                };
                let days = |a: Date, b: Date| i64::from((b.0 - a.0).get_days());
                let elapsed_pct = match state {
                    "done" => 100,
                    "upcoming" => 0,
                    _ => (days(s.start, today) * 100)
                        .checked_div(days(s.start, s.end))
                        .unwrap_or(100)
                        .clamp(0, 100) as u32,
                };
                StageView {
                    name: s.name.clone(),
                    start: s.start.to_string(),
                    end: s.end.to_string(),
                    state,
                    state_label,
                    elapsed_pct,
                }
            })
            .collect();
        let members: Vec<&Page> = self.pages_at(self.by_review.get(r.id.as_str())).collect();
        let departments = r
            .departments
            .iter()
            .map(|d| {
                let rects = members.iter().filter(
                    |m| matches!(&m.doc.details, Details::Rectification(x) if &x.department == d),
                );
                let items = rects.flat_map(|m| match &m.doc.details {
                    Details::Rectification(x) => x.items.iter(),
                    _ => [].iter(),
                });
                let votes = votes(r, d);
                let link = self.dept_link(d);
                ReviewedDept {
                    id: d.clone(),
                    name: link.title,
                    url: link.url,
                    tally: tally(items, today),
                    verdict: votes.last().map(|v| v.verdict),
                    votes,
                }
            })
            .collect();
        let others: Vec<&Page> = members
            .iter()
            .filter(|m| m.doc.kind != Kind::Review)
            .copied()
            .collect();
        Some(ReviewView {
            id: r.id.clone(),
            year: r.year,
            title: p.doc.title.clone(),
            url: self.url(p.url()),
            summary: p.summary.clone(),
            current_stage: stages
                .iter()
                .find(|s| s.state == "current")
                .map(|s| s.name.clone()),
            stages,
            departments,
            groups: if with_groups {
                self.groups(&others)
            } else {
                Vec::new()
            },
        })
    }

    /// The newer and the older document of page `i`'s type, in the same year: a year's pages
    /// do not change when the next year's documents come.
    fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
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
    fn related(&self, i: usize) -> Vec<usize> {
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

    fn doc_view(&self, i: usize) -> DocView<'_> {
        let p: &'a Page = &self.site.pages[i];
        let d = &p.doc;
        let url = d.url();
        let tags = d
            .tags
            .iter()
            .map(|t| Link {
                title: t.clone(),
                url: self.url(&format!("/tags/{}/", self.site.tag_slugs[t])),
            })
            .collect();
        let attachments = p
            .attachments
            .iter()
            .map(|a| AttachmentView {
                title: a.title.clone(),
                url: self.url(&format!("{url}{}", crate::url::segment(&a.name))),
                ext: Path::new(&a.name)
                    .extension()
                    .map(|e| e.to_string_lossy().to_uppercase())
                    .unwrap_or_default(),
                size: human_size(a.size),
                bytes: a.size,
            })
            .collect();
        let (prev, next) = self.neighbours(i);
        let prev = prev.map(|j| self.doc_link(&self.site.pages[j]));
        let next = next.map(|j| self.doc_link(&self.site.pages[j]));

        let related = self
            .related(i)
            .into_iter()
            .map(|j| self.card(&self.site.pages[j]))
            .collect();

        let rectification = match &d.details {
            Details::Rectification(r) => {
                let votes = d
                    .review_id()
                    .and_then(|id| self.review(id))
                    .and_then(|p| match &p.doc.details {
                        Details::Review(review) => Some(votes(review, &r.department)),
                        _ => None,
                    })
                    .unwrap_or_default();
                Some(RectificationView {
                    department: self.dept_link(&r.department),
                    round: r.round,
                    items: self.items_of(p),
                    tally: tally(&r.items, self.site.today),
                    verdict: votes.last().map(|v| v.verdict),
                    votes,
                })
            }
            _ => None,
        };
        DocView {
            title: &d.title,
            url: self.url(url),
            kind: d.kind.name(),
            kind_label: d.kind.label(),
            date: iso(d.date),
            date_zh: d.date.map(Date::zh),
            year: d.year(),
            summary: &p.summary,
            tags,
            index_no: d.index_no.as_deref(),
            issuer: d.issuer.as_deref(),
            doc_number: d.doc_number.as_deref(),
            written_date: iso(d.written_date),
            attachments,
            content: &p.content.html,
            toc: p
                .content
                .headings
                .iter()
                .map(|(level, id, title)| TocEntry {
                    level: *level,
                    id: id.clone(),
                    title: title.clone(),
                })
                .collect(),
            review: d
                .review
                .as_deref()
                .and_then(|r| self.review(r))
                .map(|r| self.doc_link(r)),
            departments: d
                .departments()
                .into_iter()
                .map(|x| self.dept_link(x))
                .collect(),
            speech: match &d.details {
                Details::Speech(s) => Some(s),
                _ => None,
            },
            notice: match &d.details {
                Details::Notice(n) => Some(NoticeView {
                    notice_kind: n.notice_kind.map(|k| match k {
                        crate::document::NoticeKind::Plan => "plan",
                        crate::document::NoticeKind::Announcement => "announcement",
                        crate::document::NoticeKind::CallForOpinions => "call_for_opinions",
                        crate::document::NoticeKind::Result => "result",
                    }),
                    notice_kind_label: n.notice_kind.map(|k| k.label()),
                    deadline: iso(n.deadline),
                }),
                _ => None,
            },
            rectification,
            prev,
            next,
            related,
        }
    }

    /// Splits `all` into pages of `per` under `base` (`/notices/`, `/notices/page/2/`, …).
    fn paginate<T: Copy>(
        &self,
        base: &str,
        all: &[T],
        per: usize,
    ) -> Vec<(String, Vec<T>, Paginator)> {
        let total_pages = all.len().div_ceil(per).max(1);
        let page_url = |n: usize| {
            if n == 1 {
                self.url(base)
            } else {
                self.url(&format!("{base}page/{n}/"))
            }
        };
        (1..=total_pages)
            .map(|n| {
                let chunk: Vec<T> = all.iter().skip((n - 1) * per).take(per).copied().collect();
                let path = if n == 1 {
                    format!("{base}index.html")
                } else {
                    format!("{base}page/{n}/index.html")
                };
                let pag = Paginator {
                    current: n,
                    total_pages,
                    total_items: all.len(),
                    prev: (n > 1).then(|| page_url(n - 1)),
                    next: (n < total_pages).then(|| page_url(n + 1)),
                    // The first, the last and two either side of the current one: a pager
                    // of hundreds of numbers helps nobody.
                    pages: (1..=total_pages)
                        .filter(|&k| k == 1 || k == total_pages || k.abs_diff(n) <= 2)
                        .scan(0, |last, k| {
                            let gap_before = k > *last + 1 && *last > 0;
                            *last = k;
                            Some(PageLink {
                                number: k,
                                url: page_url(k),
                                current: k == n,
                                gap_before,
                            })
                        })
                        .collect(),
                };
                (path, chunk, pag)
            })
            .collect()
    }

    /// Pages of a closed year carry `archived_year`: the theme shows a notice.
    fn mark_archived(&self, ctx: &mut Context, year: Option<i32>) {
        if let Some(y) = year.filter(|y| self.site.config.archived_years.contains(y)) {
            ctx.insert("archived_year", &y);
        }
    }

    fn base_context(&self, title: &str, url: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_view.clone());
        ctx.insert("page_title", title);
        ctx.insert("current_url", &self.url(url));
        ctx.insert("canonical", &format!("{}{url}", self.site.config.base_url));
        ctx
    }
}

/// One output (or two, for open data) to render.
enum Job<'a> {
    Home,
    Document(usize),
    List {
        kind: Kind,
        path: String,
        pages: Vec<&'a Page>,
        paginator: Paginator,
    },
    Reviews,
    Departments,
    /// A department: page 1 gives the overview and the first items of its ledger, later
    /// pages the rest of the ledger.
    Department {
        id: &'a str,
        path: String,
        rows: Vec<(usize, usize)>,
        paginator: Paginator,
        /// Of all the department's items, on every page.
        tally: Tally,
    },
    /// One page of the tracker: ledger items as (page, item).
    Tracker {
        path: String,
        rows: Vec<(usize, usize)>,
        paginator: Paginator,
        tally: Tally,
    },
    ArchiveIndex,
    Archive(i32),
    Tags,
    /// One page of a tag's documents, paginated like the lists.
    Tag {
        tag: &'a str,
        path: String,
        pages: Vec<&'a Page>,
        paginator: Paginator,
    },
    NotFound,
    /// The search page, `/search/`.
    SearchPage,
    /// The search index under `/search/` (docs/search.md).
    SearchIndex,
    Feed,
    Sitemap,
    Robots,
    /// `/data/{year}/items.json` and `.csv`.
    Data(i32),
}

/// What the last render rendered: each job's URL (and each attachment's path) → a hash of
/// everything it reads, and the run that last saw it.
#[derive(Debug, Default)]
pub struct RenderKeys {
    entries: FxHashMap<String, (u64, u32)>,
    generation: u32,
    /// The search index as last built: a rebuild redoes only what an edit touched.
    search: crate::search::Cache,
}

impl RenderKeys {
    /// Forgets everything: the next render renders every output.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.search = crate::search::Cache::default();
    }
}

fn jobs<'a>(cx: &Ctx<'a>) -> Vec<Job<'a>> {
    let site = cx.site;
    // The longest jobs first: a long one started last keeps one thread busy after the others
    // are done.
    let mut jobs: Vec<Job<'a>> = vec![Job::SearchIndex];
    // Every year with documents has its open data (its ledger file may be empty).
    let mut data_years: Vec<i32> = cx.by_year.keys().copied().collect();
    data_years.sort_unstable();
    jobs.extend(data_years.into_iter().map(Job::Data));
    jobs.extend([
        Job::Sitemap,
        Job::Feed,
        Job::Home,
        Job::Reviews,
        Job::Departments,
        Job::ArchiveIndex,
        Job::Tags,
        Job::NotFound,
        Job::SearchPage,
        Job::Robots,
    ]);
    jobs.extend(site.years().into_iter().map(Job::Archive));
    jobs.extend((0..site.pages.len()).map(Job::Document));
    let all_items = site
        .of_kind(Kind::Rectification)
        .flat_map(|p| match &p.doc.details {
            Details::Rectification(r) => r.items.iter(),
            _ => [].iter(),
        });
    let tally_all = tally(all_items, site.today);
    let order = cx.tracker_order();
    for (path, rows, paginator) in cx.paginate("/rectification-tracker/", &order, TRACKER_PER_PAGE)
    {
        jobs.push(Job::Tracker {
            path,
            rows,
            paginator,
            tally: tally_all.clone(),
        });
    }
    for kind in Kind::LISTED {
        let all: Vec<&Page> = site.of_kind(kind).collect();
        let base = format!("/{}/", kind.plural());
        for (path, pages, paginator) in cx.paginate(&base, &all, PER_PAGE) {
            jobs.push(Job::List {
                kind,
                path,
                pages,
                paginator,
            });
        }
    }
    // One pass splits the tracker's order by department.
    let mut by_dept: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for &(i, j) in &order {
        if let Details::Rectification(r) = &site.pages[i].doc.details {
            by_dept
                .entry(r.department.as_str())
                .or_default()
                .push((i, j));
        }
    }
    for d in &site.config.departments {
        let rows = by_dept.remove(d.id.as_str()).unwrap_or_default();
        let dept_tally = tally(
            rows.iter()
                .filter_map(|&(i, j)| match &site.pages[i].doc.details {
                    Details::Rectification(r) => r.items.get(j),
                    _ => None,
                }),
            site.today,
        );
        let base = format!("/departments/{}/", d.id);
        for (path, rows, paginator) in cx.paginate(&base, &rows, TRACKER_PER_PAGE) {
            jobs.push(Job::Department {
                id: d.id.as_str(),
                path,
                rows,
                paginator,
                tally: dept_tally.clone(),
            });
        }
    }
    for (tag, slug) in &site.tag_slugs {
        let all: Vec<&Page> = cx.pages_at(cx.by_tag.get(tag.as_str())).collect();
        for (path, pages, paginator) in cx.paginate(&format!("/tags/{slug}/"), &all, PER_PAGE) {
            jobs.push(Job::Tag {
                tag: tag.as_str(),
                path,
                pages,
                paginator,
            });
        }
    }
    jobs
}

/// The site-relative URL a job answers.
fn job_url<'a>(cx: &Ctx<'a>, job: &'a Job<'a>) -> Cow<'a, str> {
    Cow::Owned(match job {
        Job::Home => "/".into(),
        Job::Document(i) => return Cow::Borrowed(cx.site.pages[*i].url()),
        Job::List { path, .. } => return Cow::Borrowed(path.trim_end_matches("index.html")),
        Job::Reviews => "/reviews/".into(),
        Job::Departments => "/departments/".into(),
        Job::Department { path, .. } => return Cow::Borrowed(path.trim_end_matches("index.html")),
        Job::Tracker { path, .. } => return Cow::Borrowed(path.trim_end_matches("index.html")),
        Job::ArchiveIndex => "/archive/".into(),
        Job::Archive(y) => format!("/archive/{y}/"),
        Job::Tags => "/tags/".into(),
        Job::Tag { path, .. } => return Cow::Borrowed(path.trim_end_matches("index.html")),
        Job::NotFound => "/404.html".into(),
        Job::SearchPage => "/search/".into(),
        Job::SearchIndex => "/search/index/".into(),
        Job::Feed => "/feed.xml".into(),
        Job::Sitemap => "/sitemap.xml".into(),
        Job::Robots => "/robots.txt".into(),
        Job::Data(y) => format!("/data/{y}/"),
    })
}

/// The files a job writes, relative to the output folder.
fn job_paths(cx: &Ctx<'_>, job: &Job<'_>, jobs: &[Job<'_>]) -> Vec<String> {
    let url = job_url(cx, job);
    match job {
        Job::Data(_) => vec![
            format!("{}documents.json", &url[1..]),
            format!("{}items.csv", &url[1..]),
            format!("{}items.json", &url[1..]),
        ],
        Job::SearchIndex => crate::search::paths(cx.site),
        Job::Document(i) => vec![
            format!("{}index.html", &url[1..]),
            crate::search::doc_path(cx.site, *i),
        ],
        Job::Sitemap => {
            let parts = sitemap_rows(cx, jobs).len().div_ceil(SITEMAP_URLS);
            // As `sitemap_files` splits them.
            let mut paths = vec!["sitemap.xml".to_string()];
            if parts > 1 {
                paths.extend((1..=parts).map(|n| format!("sitemaps/{n}.xml")));
            }
            paths
        }
        _ if url.ends_with('/') => vec![format!("{}index.html", &url[1..])],
        _ => vec![url[1..].to_string()],
    }
}

/// Everything a job reads, hashed: when it is unchanged, so is the job's output. `salt`
/// covers what every page shows (the site's settings, "today", tags, free pages).
fn job_key(cx: &Ctx<'_>, job: &Job<'_>, salt: u64) -> u64 {
    let site = cx.site;
    let mut h = FxHasher::default();
    salt.hash(&mut h);
    // What a job shows of a page: the whole page, its card in a list, or its ledger.
    let full = |h: &mut FxHasher, idx: &mut dyn Iterator<Item = &Page>| {
        for p in idx {
            (p.hash, p.card_hash).hash(h);
        }
    };
    let cards = |h: &mut FxHasher, idx: &mut dyn Iterator<Item = &Page>| {
        for p in idx {
            p.card_hash.hash(h);
        }
    };
    // Cards and ledgers: for pages that list documents and sum up their ledgers.
    let ledgers = |h: &mut FxHasher, idx: &mut dyn Iterator<Item = &Page>| {
        for p in idx {
            (p.card_hash, p.ledger_hash).hash(h);
        }
    };
    // Ledger rows alone: the tracker and the open data.
    let rows = |h: &mut FxHasher, idx: &mut dyn Iterator<Item = &Page>| {
        for p in idx {
            p.ledger_hash.hash(h);
        }
    };
    // Ledger items by (page, item): a row changes with its document's ledger.
    let ledger_items = |h: &mut FxHasher, items: &[(usize, usize)]| {
        for &(i, j) in items {
            (site.pages[i].ledger_hash, j).hash(h);
        }
    };
    let of_kind = |k: Kind| {
        site.pages
            .iter()
            .map(|p| &**p)
            .filter(move |p| p.doc.kind == k)
    };
    match job {
        Job::Home => {
            for k in [Kind::Notice, Kind::Speech, Kind::Rectification] {
                cards(&mut h, &mut of_kind(k).take(6));
            }
            // The current review: its stages, votes and the progress of its departments.
            full(&mut h, &mut of_kind(Kind::Review));
            rows(&mut h, &mut of_kind(Kind::Rectification));
        }
        Job::Document(i) => {
            let p = &*site.pages[*i];
            full(&mut h, &mut std::iter::once(p));
            // Its search document's file is named by its search id.
            crate::search::doc_id(site, *i).hash(&mut h);
            let (prev, next) = cx.neighbours(*i);
            cards(
                &mut h,
                &mut [prev, next].into_iter().flatten().map(|j| &*site.pages[j]),
            );
            cards(
                &mut h,
                &mut cx.related(*i).into_iter().map(|j| &*site.pages[j]),
            );
            // Its review: the link, and for a rectification the votes on its department.
            if let Some(r) = p.doc.review.as_deref().and_then(|r| cx.review(r)) {
                full(&mut h, &mut std::iter::once(r));
            }
            if p.doc.kind == Kind::Review {
                let members = p.doc.review_id().and_then(|r| cx.by_review.get(r));
                ledgers(&mut h, &mut cx.pages_at(members));
            }
        }
        Job::List {
            pages: chunk,
            paginator,
            ..
        }
        | Job::Tag {
            pages: chunk,
            paginator,
            ..
        } => {
            cards(&mut h, &mut chunk.iter().copied());
            paginator.position().hash(&mut h);
        }
        Job::Reviews => {
            full(&mut h, &mut of_kind(Kind::Review));
            rows(&mut h, &mut of_kind(Kind::Rectification));
        }
        Job::Tracker {
            rows: items,
            paginator,
            tally,
            ..
        } => {
            ledger_items(&mut h, items);
            paginator.position().hash(&mut h);
            tally.hash(&mut h);
        }
        Job::Departments => ledgers(
            &mut h,
            &mut site
                .pages
                .iter()
                .map(|p| &**p)
                .filter(|p| !p.doc.departments().is_empty()),
        ),
        Job::Department {
            id,
            rows: items,
            paginator,
            tally,
            ..
        } => {
            ledger_items(&mut h, items);
            paginator.position().hash(&mut h);
            tally.hash(&mut h);
            if paginator.current == 1 {
                // The overview: its reviews, documents and the tally of all its items.
                let pages: Vec<&Page> = cx.pages_at(cx.by_dept.get(id)).collect();
                ledgers(&mut h, &mut pages.iter().copied());
                full(
                    &mut h,
                    &mut pages.iter().copied().filter(|p| p.doc.kind == Kind::Review),
                );
            }
        }
        Job::ArchiveIndex => {
            for y in site.years() {
                (y, cx.by_year.get(&y).map_or(0, Vec::len)).hash(&mut h);
            }
        }
        Job::Archive(y) => cards(&mut h, &mut cx.pages_at(cx.by_year.get(y))),
        Job::Tags => {
            for (t, slug) in &site.tag_slugs {
                (t, slug, cx.by_tag.get(t.as_str()).map_or(0, Vec::len)).hash(&mut h);
            }
        }
        Job::NotFound | Job::Robots | Job::SearchPage => {}
        Job::SearchIndex => full(&mut h, &mut site.pages.iter().map(|p| &**p)),
        Job::Feed => full(
            &mut h,
            &mut site
                .pages
                .iter()
                .map(|p| &**p)
                .filter(|p| p.doc.kind != Kind::Page)
                .take(FEED_ENTRIES),
        ),
        Job::Sitemap => {
            for p in &site.pages {
                (p.url(), p.doc.date).hash(&mut h);
            }
            site.years().hash(&mut h);
            site.tag_slugs.hash(&mut h);
            for kind in Kind::LISTED {
                site.of_kind(kind).count().hash(&mut h);
            }
        }
        // documents.json carries every document of the year whole.
        Job::Data(y) => full(&mut h, &mut cx.pages_at(cx.by_year.get(y))),
    }
    h.finish()
}

/// What every page shows: a change here renders everything again.
fn site_salt(site: &Site) -> u64 {
    let mut h = FxHasher::default();
    serde_json::to_string(&site.config)
        .unwrap_or_default()
        .hash(&mut h);
    site.today.hash(&mut h);
    site.tag_slugs.hash(&mut h);
    for p in site.of_kind(Kind::Page) {
        (&p.doc.title, p.url()).hash(&mut h);
    }
    h.finish()
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Templates failed on the site's data.
    Content(Vec<Diagnostic>),
    /// The sink could not take an output (disk full, two outputs at one path).
    Sink(std::io::Error),
}

/// Where rendered outputs go, as soon as each is ready; called from many threads.
pub type Sink<'s> = dyn Fn(Output) -> std::io::Result<()> + Sync + 's;

/// Readies the sink (the writer's folder) while the jobs are planned, before any output:
/// planning takes one thread, and the other is free.
pub type Prepare<'p> = dyn Fn() -> std::io::Result<()> + Sync + 'p;

/// Told `(pages rendered, pages to render)` after each page, from many threads: for a
/// progress bar.
pub type Progress<'p> = dyn Fn(usize, usize) + Sync + 'p;

/// Renders every page of the site and the machine-readable files, sorted by path.
pub fn render(site: &Site, theme: &Theme) -> Result<Vec<Output>, RenderError> {
    let all = std::sync::Mutex::new(Vec::new());
    render_changed(
        site,
        theme,
        None,
        &|o| {
            all.lock().expect("not poisoned").push(o);
            Ok(())
        },
        &|| Ok(()),
        None,
    )?;
    let mut all = all.into_inner().expect("not poisoned");
    all.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}

/// Renders the outputs whose inputs changed since `keys` were recorded, hands each to `sink`
/// as soon as it is ready (attachments too), and updates `keys`. Returns every path the site
/// has when outputs came or went since the last render, `None` otherwise. Without `keys`
/// (a build no later build continues) it renders everything and records nothing.
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    keys: Option<&mut RenderKeys>,
    sink: &Sink<'_>,
    prepare: &Prepare<'_>,
    progress: Option<&Progress<'_>>,
) -> Result<Option<BTreeSet<String>>, RenderError> {
    let mut keys = keys;
    let ((mut cx, jobs), prepared) = rayon::join(
        || {
            let cx = Ctx::new(site);
            let jobs = jobs(&cx);
            (cx, jobs)
        },
        prepare,
    );
    prepared.map_err(RenderError::Sink)?;
    // The search index's cache goes to the one job that uses it, and comes back after.
    cx.search = keys
        .as_mut()
        .map(|k| std::sync::Mutex::new(std::mem::take(&mut k.search)));
    let salt = site_salt(site);
    let keyed: Vec<(Cow<'_, str>, u64)> = match &keys {
        Some(_) => jobs
            .par_iter()
            .map(|job| (job_url(&cx, job), job_key(&cx, job, salt)))
            .collect(),
        None => Vec::new(),
    };
    let stale = |i: usize| match (&keys, keyed.get(i)) {
        (Some(keys), Some((url, key))) => keys.entries.get(url.as_ref()).map(|e| e.0) != Some(*key),
        _ => true,
    };
    let todo: Vec<&Job<'_>> = (0..jobs.len())
        .filter(|&i| stale(i))
        .map(|i| &jobs[i])
        .collect();
    let total = todo.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(), RenderError>> = todo
        .par_iter()
        // One job at a time to a thread, so an idle thread can always take the next.
        .with_max_len(1)
        .map(|job| match render_job(&cx, theme, job, &jobs) {
            Ok(outputs) => outputs
                .into_iter()
                .try_for_each(sink)
                .map_err(RenderError::Sink),
            Err(d) => Err(RenderError::Content(vec![d])),
        })
        .inspect(|_| {
            if let Some(p) = progress {
                p(
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    total,
                );
            }
        })
        .collect();
    if let (Some(k), Some(m)) = (keys.as_mut(), cx.search.take()) {
        k.search = m.into_inner().unwrap_or_else(|e| e.into_inner());
    }
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(RenderError::Content(d)) => diags.extend(d),
            Err(e @ RenderError::Sink(_)) => return Err(e),
        }
    }
    if !diags.is_empty() {
        return Err(RenderError::Content(diags));
    }

    // Attachments and images are keyed too, by where they come from, their size and time.
    let mut attachments = Vec::new();
    for p in &site.pages {
        for a in p.copies() {
            let path = format!("{}{}", &p.url()[1..], a.name);
            let mut h = FxHasher::default();
            (&a.source, a.size, a.modified).hash(&mut h);
            attachments.push((path, h.finish(), a.source.clone()));
        }
    }

    for (path, _, source) in &attachments {
        sink(Output {
            path: path.clone(),
            content: Content::Copy(source.clone()),
        })
        .map_err(RenderError::Sink)?;
    }

    let Some(keys) = keys else {
        return Ok(None);
    };
    // Record this run's keys; entries not touched belong to outputs that are gone.
    keys.generation = keys.generation.wrapping_add(1);
    let generation = keys.generation;
    let mut added = false;
    let all = keyed
        .iter()
        .map(|(u, k)| (u.as_ref(), *k))
        .chain(attachments.iter().map(|(p, k, _)| (p.as_str(), *k)));
    for (url, key) in all {
        match keys.entries.get_mut(url) {
            Some(e) => *e = (key, generation),
            None => {
                keys.entries.insert(url.to_string(), (key, generation));
                added = true;
            }
        }
    }
    let before = keys.entries.len();
    keys.entries.retain(|_, e| e.1 == generation);
    let structure_changed = added || keys.entries.len() != before;
    // The full list of files is needed only when outputs came or went.
    let live = structure_changed.then(|| {
        let mut live: BTreeSet<String> =
            jobs.iter().flat_map(|j| job_paths(&cx, j, &jobs)).collect();
        for p in &site.pages {
            for a in p.copies() {
                live.insert(format!("{}{}", &p.url()[1..], a.name));
            }
        }
        live
    });
    Ok(live)
}

fn render_job(
    cx: &Ctx<'_>,
    theme: &Theme,
    job: &Job<'_>,
    jobs: &[Job<'_>],
) -> Result<Vec<Output>, Diagnostic> {
    let site = cx.site;
    let bytes = |path: String, b: Vec<u8>| Ok(vec![Output::bytes(path, b)]);
    let (template, url, ctx) = match job {
        Job::Feed => return bytes("feed.xml".into(), feed(cx).into_bytes()),
        Job::Sitemap => return Ok(sitemap(cx, jobs)),
        Job::Robots => {
            let text = format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
                site.config.base_url
            );
            return bytes("robots.txt".into(), text.into_bytes());
        }
        Job::Data(year) => return Ok(open_data(cx, *year)),
        Job::Home => {
            let mut ctx = cx.base_context(&site.config.title, "/");
            let reviews: Vec<&Page> = site.of_kind(Kind::Review).collect();
            // The cycle under way today, else the latest that has begun, else the latest.
            let current = reviews
                .iter()
                .find(|p| match &p.doc.details {
                    Details::Review(r) => r
                        .stages
                        .iter()
                        .any(|s| s.start <= site.today && site.today <= s.end),
                    _ => false,
                })
                .or_else(|| reviews.first());
            ctx.insert(
                "current_review",
                &current.and_then(|p| cx.review_view(p, false)),
            );
            let latest = |k: Kind, n: usize| -> Vec<tera::Value> {
                site.of_kind(k).take(n).map(|p| cx.card(p)).collect()
            };
            ctx.insert("latest_notices", &latest(Kind::Notice, 6));
            ctx.insert("latest_speeches", &latest(Kind::Speech, 6));
            ctx.insert("latest_rectifications", &latest(Kind::Rectification, 6));
            ctx.insert(
                "reviews",
                &reviews.iter().map(|p| cx.doc_link(p)).collect::<Vec<_>>(),
            );
            ("index.html", "/".to_string(), ctx)
        }
        Job::Document(i) => {
            let p = &*site.pages[*i];
            let url = p.url().to_string();
            let mut ctx = cx.base_context(&p.doc.title, &url);
            let template = match p.doc.kind {
                Kind::Review => {
                    ctx.insert("review", &cx.review_view(p, true));
                    "review.html"
                }
                Kind::Speech => "speech.html",
                Kind::Notice => "notice.html",
                Kind::Rectification => "rectification.html",
                Kind::Page => "page.html",
            };
            ctx.insert("column", p.doc.kind.label());
            if p.doc.kind != Kind::Page {
                ctx.insert("column_url", &cx.url(&format!("/{}/", p.doc.kind.plural())));
            }
            ctx.insert("doc", &cx.doc_view(*i));
            cx.mark_archived(&mut ctx, p.doc.year());
            (template, url, ctx)
        }
        Job::List {
            kind,
            path,
            pages,
            paginator,
        } => {
            let url = path.trim_end_matches("index.html").to_string();
            let mut ctx = cx.base_context(kind.label(), &url);
            ctx.insert("column", kind.label());
            ctx.insert("kind", kind.name());
            ctx.insert(
                "docs",
                &pages.iter().map(|p| cx.card(p)).collect::<Vec<_>>(),
            );
            ctx.insert("paginator", paginator);
            ("list.html", url, ctx)
        }
        Job::Reviews => {
            let mut ctx = cx.base_context("评议活动", "/reviews/");
            ctx.insert("column", "评议活动");
            let views: Vec<ReviewView> = site
                .of_kind(Kind::Review)
                .filter_map(|p| cx.review_view(p, false))
                .collect();
            ctx.insert("reviews", &views);
            ("reviews.html", "/reviews/".into(), ctx)
        }
        Job::Departments => {
            let mut ctx = cx.base_context("受评部门", "/departments/");
            ctx.insert("column", "受评部门");
            let cards: Vec<DeptCard> = site
                .config
                .departments
                .iter()
                .map(|d| {
                    let pages: Vec<&Page> = cx.pages_at(cx.by_dept.get(d.id.as_str())).collect();
                    let items = pages.iter().flat_map(|p| match &p.doc.details {
                        Details::Rectification(r) => r.items.iter(),
                        _ => [].iter(),
                    });
                    DeptCard {
                        id: d.id.clone(),
                        name: d.name.clone(),
                        url: cx.url(&format!("/departments/{}/", d.id)),
                        tally: tally(items, site.today),
                        documents: pages.len(),
                    }
                })
                .collect();
            ctx.insert("departments", &cards);
            ("departments.html", "/departments/".into(), ctx)
        }
        Job::Department {
            id,
            path,
            rows,
            paginator,
            tally,
        } => {
            let dept = site.config.department(id).expect("listed from config");
            let url = path.trim_end_matches("index.html").to_string();
            let mut ctx = cx.base_context(&dept.name, &url);
            ctx.insert("column", "受评部门");
            ctx.insert("paginator", paginator);
            let items: Vec<ItemView> = rows
                .iter()
                .filter_map(|&(i, j)| cx.item_view(&site.pages[i], j))
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
            ctx.insert("tally", tally);
            // Page 1 also gives the overview; later pages carry the ledger alone, with empty
            // lists so that a template written for page 1 still renders them.
            if paginator.current == 1 {
                department_overview(cx, &mut ctx, id);
            } else {
                ctx.insert("reviews", &Vec::<ReviewView>::new());
                ctx.insert("groups", &Vec::<Group>::new());
            }
            ("department.html", url, ctx)
        }
        Job::Tracker {
            path,
            rows: items,
            paginator,
            tally,
        } => {
            let url = path.trim_end_matches("index.html").to_string();
            let mut ctx = cx.base_context("整改台账", &url);
            ctx.insert("column", "整改台账");
            let views: Vec<ItemView> = items
                .iter()
                .filter_map(|&(i, j)| cx.item_view(&site.pages[i], j))
                .collect();
            ctx.insert("tally", tally);
            ctx.insert("items", &views);
            ctx.insert("paginator", paginator);
            ("tracker.html", url, ctx)
        }
        Job::ArchiveIndex => {
            let mut ctx = cx.base_context("历年归档", "/archive/");
            ctx.insert("column", "历年归档");
            let years: Vec<CountLink> = site
                .years()
                .into_iter()
                .map(|y| CountLink {
                    title: format!("{y}年"),
                    url: cx.url(&format!("/archive/{y}/")),
                    count: site
                        .pages
                        .iter()
                        .filter(|p| p.doc.kind != Kind::Page && p.doc.year() == Some(y))
                        .count(),
                })
                .collect();
            ctx.insert("years", &years);
            ("archive_index.html", "/archive/".into(), ctx)
        }
        Job::Archive(year) => {
            let url = format!("/archive/{year}/");
            let mut ctx = cx.base_context(&format!("{year}年归档"), &url);
            ctx.insert("column", "历年归档");
            ctx.insert("year", year);
            let pages: Vec<&Page> = cx.pages_at(cx.by_year.get(year)).collect();
            ctx.insert("groups", &cx.groups(&pages));
            ctx.insert("count", &pages.len());
            cx.mark_archived(&mut ctx, Some(*year));
            ("archive.html", url, ctx)
        }
        Job::Tags => {
            let mut ctx = cx.base_context("主题分类", "/tags/");
            ctx.insert("column", "主题分类");
            let tags: Vec<CountLink> = site
                .tag_slugs
                .iter()
                .map(|(t, s)| CountLink {
                    title: t.clone(),
                    url: cx.url(&format!("/tags/{s}/")),
                    count: site
                        .pages
                        .iter()
                        .map(|p| &**p)
                        .filter(|p| p.doc.tags.contains(t))
                        .count(),
                })
                .collect();
            ctx.insert("tags", &tags);
            ("tags.html", "/tags/".into(), ctx)
        }
        Job::Tag {
            tag,
            path,
            pages,
            paginator,
        } => {
            let url = path.trim_end_matches("index.html").to_string();
            let mut ctx = cx.base_context(tag, &url);
            ctx.insert("column", "主题分类");
            ctx.insert("tag", tag);
            ctx.insert(
                "docs",
                &pages.iter().map(|p| cx.card(p)).collect::<Vec<_>>(),
            );
            ctx.insert("paginator", paginator);
            ("tag.html", url, ctx)
        }
        Job::NotFound => {
            let mut ctx = cx.base_context("页面未找到", "/404.html");
            ctx.insert("column", "页面未找到");
            ("404.html", "/404.html".into(), ctx)
        }
        Job::SearchPage => {
            let mut ctx = cx.base_context("站内搜索", "/search/");
            ctx.insert("column", "站内搜索");
            ("search.html", "/search/".into(), ctx)
        }
        Job::SearchIndex => {
            let mut cache = cx.search.as_ref().map(|m| m.lock().expect("not poisoned"));
            return Ok(crate::search::index(site, cache.as_deref_mut()));
        }
    };
    let html = theme.render(template, &ctx).map_err(|e| {
        Diagnostic::error(
            theme.template_path(template),
            format!("渲染 {url} 时模板出错:\n{e}"),
        )
    })?;
    let path = if url.ends_with(".html") {
        url[1..].to_string()
    } else {
        format!("{}index.html", &url[1..])
    };
    let mut out = vec![Output::bytes(path, html)];
    if let Job::Document(i) = job {
        out.push(crate::search::doc_output(site, *i));
    }
    Ok(out)
}

/// What page 1 of a department shows above its ledger: the reviews it took part in with
/// their votes, and its documents by type.
fn department_overview(cx: &Ctx<'_>, ctx: &mut Context, id: &str) {
    let pages: Vec<&Page> = cx.pages_at(cx.by_dept.get(id)).collect();
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

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A date at midnight in the site's time zone, RFC 3339.
fn timestamp(d: Date, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    d.0.to_zoned_datetime(zone)
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{d}T00:00:00Z"))
}

fn feed(cx: &Ctx<'_>) -> String {
    let c = &cx.site.config;
    let entries: Vec<&Page> = cx
        .site
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| p.doc.kind != Kind::Page)
        .take(FEED_ENTRIES)
        .collect();
    let updated = entries
        .iter()
        .filter_map(|p| p.doc.date)
        .max()
        .map(|d| timestamp(d, &c.timezone))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let author = c.organizer.as_deref().unwrap_or(&c.title);
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    s.push_str(&format!("  <title>{}</title>\n", xml_escape(&c.title)));
    if let Some(d) = &c.description {
        s.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(d)));
    }
    s.push_str(&format!(
        "  <link href=\"{0}/\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{0}/feed.xml\"/>\n  <id>{0}/</id>\n  <updated>{1}</updated>\n  <author><name>{2}</name></author>\n",
        xml_escape(&c.base_url),
        updated,
        xml_escape(author)
    ));
    for p in entries {
        let url = format!("{}{}", c.base_url, p.url());
        let when = p
            .doc
            .date
            .map(|d| timestamp(d, &c.timezone))
            .unwrap_or_else(|| updated.clone());
        s.push_str("  <entry>\n");
        s.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&p.doc.title)
        ));
        s.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(&url)));
        s.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        s.push_str(&format!(
            "    <published>{when}</published>\n    <updated>{when}</updated>\n"
        ));
        if let Some(issuer) = &p.doc.issuer {
            s.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(issuer)
            ));
        }
        s.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            p.doc.kind.name(),
            p.doc.kind.label()
        ));
        if !p.summary.is_empty() {
            s.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml_escape(&p.summary)
            ));
        }
        s.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&p.content.html)
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

/// The sitemap protocol's limit of URLs in one file (sitemaps.org): search engines ignore a
/// longer one. A site with more gets `sitemap.xml` as an index of `sitemaps/{n}.xml`.
const SITEMAP_URLS: usize = 50_000;

/// Every page URL with its date, sorted.
fn sitemap_rows(cx: &Ctx<'_>, jobs: &[Job<'_>]) -> Vec<(String, Option<Date>)> {
    let mut rows: Vec<(String, Option<Date>)> = Vec::new();
    for job in jobs {
        let date = match job {
            Job::NotFound
            | Job::Feed
            | Job::Sitemap
            | Job::Robots
            | Job::Data(_)
            | Job::SearchIndex => continue,
            Job::Document(i) => cx.site.pages[*i].doc.date,
            _ => None,
        };
        rows.push((job_url(cx, job).into_owned(), date));
    }
    rows.sort();
    rows
}

fn sitemap(cx: &Ctx<'_>, jobs: &[Job<'_>]) -> Vec<Output> {
    sitemap_files(
        &cx.site.config.base_url,
        &sitemap_rows(cx, jobs),
        SITEMAP_URLS,
    )
}

/// `sitemap.xml`, and when `rows` are more than `limit`, the files it indexes.
fn sitemap_files(base: &str, rows: &[(String, Option<Date>)], limit: usize) -> Vec<Output> {
    if rows.len() <= limit {
        return vec![Output::bytes(
            "sitemap.xml",
            urlset(base, rows).into_bytes(),
        )];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut outputs = Vec::new();
    for (n, chunk) in rows.chunks(limit).enumerate() {
        let path = format!("sitemaps/{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&format!("{base}/{path}"))
        ));
        outputs.push(Output::bytes(path, urlset(base, chunk).into_bytes()));
    }
    index.push_str("</sitemapindex>\n");
    outputs.push(Output::bytes("sitemap.xml", index.into_bytes()));
    outputs
}

fn urlset(base: &str, rows: &[(String, Option<Date>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in rows {
        s.push_str(&format!(
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{base}{url}"))
        ));
        if let Some(d) = date {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// One row of the open-data files.
#[derive(Serialize)]
struct DataRow<'a> {
    year: Option<i32>,
    review: &'a str,
    department: &'a str,
    department_name: &'a str,
    document: &'a str,
    url: String,
    round: u32,
    id: &'a str,
    problem: &'a str,
    measures: &'a str,
    responsible: &'a str,
    deadline: String,
    status: &'static str,
    status_label: &'static str,
    completed: Option<String>,
    overdue: bool,
}

/// An attachment in `documents.json`.
#[derive(Serialize)]
struct AttachmentRow<'a> {
    title: &'a str,
    url: String,
    bytes: u64,
}

/// One document in `documents.json`: every field of its front matter, and where it is.
#[derive(Serialize)]
struct DocumentRow<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    url: String,
    source: String,
    date: Option<String>,
    year: Option<i32>,
    review: Option<&'a str>,
    slug: &'a str,
    summary: &'a str,
    tags: &'a [String],
    index_no: Option<&'a str>,
    issuer: Option<&'a str>,
    doc_number: Option<&'a str>,
    written_date: Option<String>,
    departments: Vec<&'a str>,
    attachments: Vec<AttachmentRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_cycle: Option<&'a crate::document::Review>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speech: Option<&'a Speech>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<&'a crate::document::Notice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rectification: Option<&'a crate::document::Rectification>,
}

fn document_row<'a>(cx: &Ctx<'a>, p: &'a Page) -> DocumentRow<'a> {
    let d = &p.doc;
    let base = &cx.site.config.base_url;
    DocumentRow {
        kind: d.kind.name(),
        title: &d.title,
        url: format!("{base}{}", p.url()),
        source: crate::load::slash_path(&d.source)
            .to_string_lossy()
            .into_owned(),
        date: iso(d.date),
        year: d.year(),
        review: d.review.as_deref(),
        slug: &d.slug,
        summary: &p.summary,
        tags: &d.tags,
        index_no: d.index_no.as_deref(),
        issuer: d.issuer.as_deref(),
        doc_number: d.doc_number.as_deref(),
        written_date: iso(d.written_date),
        departments: d.departments(),
        attachments: p
            .attachments
            .iter()
            .map(|a| AttachmentRow {
                title: &a.title,
                url: format!("{base}{}{}", p.url(), crate::url::segment(&a.name)),
                bytes: a.size,
            })
            .collect(),
        review_cycle: match &d.details {
            Details::Review(r) => Some(r),
            _ => None,
        },
        speech: match &d.details {
            Details::Speech(s) => Some(s),
            _ => None,
        },
        notice: match &d.details {
            Details::Notice(n) => Some(n),
            _ => None,
        },
        rectification: match &d.details {
            Details::Rectification(r) => Some(r),
            _ => None,
        },
    }
}

/// `/data/{year}/documents.json`, every document of the year with its metadata, and
/// `items.json` and `.csv`, every ledger item of the year: for reuse and audit
/// (docs/open-data.md gives the schema).
/// `rows` as a JSON array with one row to a line: as compact as JSON gets, yet a reader (or a
/// `diff` between two years' archives) sees each record whole. Written into a buffer sized up
/// front: a year's open data runs to megabytes.
fn json_lines<T: Serialize>(rows: &[T], row_bytes: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(rows.len() * row_bytes + 4);
    bytes.extend_from_slice(b"[\n");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            bytes.extend_from_slice(b",\n");
        }
        // The same bytes as serde_json, faster over Chinese text (see `search::doc_output`).
        sonic_rs::to_writer(&mut bytes, row).expect("plain data serialises");
    }
    bytes.extend_from_slice(if rows.is_empty() { b"]\n" } else { b"\n]\n" });
    bytes
}

fn open_data(cx: &Ctx<'_>, year: i32) -> Vec<Output> {
    let site = cx.site;
    let documents: Vec<DocumentRow<'_>> = cx
        .pages_at(cx.by_year.get(&year))
        .map(|p| document_row(cx, p))
        .collect();
    let mut out = vec![Output::bytes(
        format!("data/{year}/documents.json"),
        json_lines(&documents, 2048),
    )];
    let mut rows: Vec<DataRow> = Vec::new();
    for p in site
        .of_kind(Kind::Rectification)
        .filter(|p| p.doc.year() == Some(year))
    {
        let Details::Rectification(r) = &p.doc.details else {
            continue;
        };
        for i in &r.items {
            rows.push(DataRow {
                year: Some(year),
                review: p.doc.review.as_deref().unwrap_or_default(),
                department: &r.department,
                department_name: site
                    .config
                    .department(&r.department)
                    .map_or("", |d| d.name.as_str()),
                document: &p.doc.title,
                url: format!("{}{}", site.config.base_url, p.url()),
                round: r.round,
                id: &i.id,
                problem: &i.problem,
                measures: &i.measures,
                responsible: &i.responsible,
                deadline: i.deadline.to_string(),
                status: i.status.name(),
                status_label: i.status.label(),
                completed: iso(i.completed),
                overdue: i.is_overdue(site.today),
            });
        }
    }
    {
        rows.sort_by(|a, b| a.url.cmp(&b.url).then_with(|| a.id.cmp(b.id)));
        out.push(Output::bytes(
            format!("data/{year}/items.json"),
            json_lines(&rows, 1024),
        ));

        // A BOM so that Excel, what most offices open a CSV with, reads the Chinese right.
        let mut csv_bytes = Vec::with_capacity(rows.len() * 512);
        csv_bytes.extend_from_slice(b"\xEF\xBB\xBF");
        let mut w = csv::Writer::from_writer(csv_bytes);
        let _ = w.write_record([
            "年度",
            "评议活动",
            "部门编号",
            "部门",
            "整改公告",
            "网址",
            "整改轮次",
            "事项编号",
            "问题",
            "整改措施",
            "责任单位",
            "整改时限",
            "状态",
            "完成日期",
            "是否逾期",
        ]);
        // A cell Excel would run as a formula (=, +, -, @, or a tab or return first) is
        // written with a leading apostrophe: opened, it shows as text.
        fn cell(v: &str) -> Cow<'_, str> {
            if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                Cow::Owned(format!("'{v}"))
            } else {
                Cow::Borrowed(v)
            }
        }
        let year_text = year.to_string();
        for r in &rows {
            let round = r.round.to_string();
            let _ = w.write_record(
                [
                    Cow::Borrowed(year_text.as_str()),
                    cell(r.review),
                    cell(r.department),
                    cell(r.department_name),
                    cell(r.document),
                    Cow::Borrowed(r.url.as_str()),
                    Cow::Borrowed(round.as_str()),
                    cell(r.id),
                    cell(r.problem),
                    cell(r.measures),
                    cell(r.responsible),
                    Cow::Borrowed(r.deadline.as_str()),
                    Cow::Borrowed(r.status_label),
                    Cow::Borrowed(r.completed.as_deref().unwrap_or_default()),
                    Cow::Borrowed(if r.overdue { "是" } else { "否" }),
                ]
                .iter()
                .map(|c| c.as_bytes()),
            );
        }
        let bytes = w.into_inner().unwrap_or_default();
        out.push(Output::bytes(format!("data/{year}/items.csv"), bytes));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_download_list() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(12_595), "12.3 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn a_sitemap_past_the_protocol_limit_becomes_an_index() {
        let rows: Vec<(String, Option<Date>)> = ["/a/", "/b/", "/c/"]
            .iter()
            .map(|u| (u.to_string(), Date::parse("2024-05-12").ok()))
            .collect();
        let text = |o: &Output| match &o.content {
            Content::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Content::Copy(_) => unreachable!(),
        };
        let one = sitemap_files("https://x.gov.cn", &rows, 3);
        assert_eq!(one.len(), 1);
        assert!(text(&one[0]).contains("<urlset"));
        assert_eq!(text(&one[0]).matches("<url>").count(), 3);

        let split = sitemap_files("https://x.gov.cn", &rows, 2);
        let paths: Vec<&str> = split.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["sitemaps/1.xml", "sitemaps/2.xml", "sitemap.xml"]);
        assert_eq!(text(&split[0]).matches("<url>").count(), 2);
        assert_eq!(text(&split[1]).matches("<url>").count(), 1);
        let index = text(&split[2]);
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://x.gov.cn/sitemaps/2.xml</loc>"));
    }

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn timestamps_carry_the_site_offset() {
        let d = Date::parse("2024-05-12").unwrap();
        assert_eq!(timestamp(d, "Asia/Shanghai"), "2024-05-12T00:00:00+08:00");
    }
}
