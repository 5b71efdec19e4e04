//! The view structs templates receive (documented in docs/theme.md), and the builders of the
//! views more than one page family shows: cards, ledger rows, review cycles, groups by type,
//! paginators. Templates never see the domain types.

use serde::Serialize;

use crate::config::Contact;
use crate::date::Date;
use crate::document::{Details, Kind, Speech};
use crate::site::Page;

use super::context::Ctx;

mod ledger;
pub use ledger::{ItemView, Tally, tally};

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub base_path: String,
    pub domain: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub organizer: Option<&'a str>,
    pub operator: Option<&'a str>,
    pub site_code: Option<&'a str>,
    pub icp: Option<&'a str>,
    pub police_record: Option<&'a str>,
    pub contact: &'a Contact,
    pub gov_badge: Option<&'a crate::config::GovBadge>,
    /// Free pages (`type: page`), for the footer.
    pub pages: Vec<Link>,
    /// Main navigation.
    pub nav: Vec<Link>,
    /// Site-relative URL of the feed.
    pub feed_url: String,
    pub today: String,
}

/// A document in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub date: Option<String>,
    /// `date` as `2024年5月12日`.
    pub date_zh: Option<String>,
    pub summary: String,
    pub doc_number: Option<String>,
    pub departments: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct AttachmentView {
    pub title: String,
    pub url: String,
    /// Upper-case file type: PDF, OFD, DOCX.
    pub ext: String,
    pub size: String,
    pub bytes: u64,
}

/// A [`Link`] whose title is borrowed.
#[derive(Debug, Clone, Serialize)]
pub struct TitledUrl<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct RectificationView<'a> {
    pub department: Link,
    pub round: u32,
    /// 整改方案 or 整改情况报告.
    pub phase: &'static str,
    pub items: Vec<ItemView<'a>>,
    pub tally: Tally,
    /// The 满意度测评 of this report's round (its department, its review cycle): none before
    /// the vote, else one. A report never shows another round's vote.
    pub votes: Vec<VoteView>,
    /// This round's verdict; `None`: 本轮尚未测评.
    pub verdict: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct NoticeView<'a> {
    pub notice_kind: Option<&'static str>,
    pub notice_kind_label: Option<&'static str>,
    pub deadline: Option<String>,
    /// How readers send their opinions in.
    pub channels: Vec<ChannelView<'a>>,
    /// How many opinions came in, once the deadline has passed (else `None`).
    pub received: Option<u32>,
    /// The deadline has passed.
    pub closed: bool,
}

/// A channel of a call for opinions: `href` (mailto:, tel: or an http(s) address) only where
/// the value is one a reader can follow.
#[derive(Debug, Serialize)]
pub struct ChannelView<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub value: &'a str,
    pub note: Option<&'a str>,
    pub href: Option<String>,
}

/// One numbered point of an opinion; the theme gives it the element id `point-{id}`, where
/// ledger items link.
#[derive(Debug, Serialize)]
pub struct PointView<'a> {
    pub id: &'a str,
    pub text: &'a str,
    /// The ledger items that answer this point (their `point`), each as it now stands.
    pub items: Vec<ItemView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct OpinionView<'a> {
    pub department: Link,
    /// 交办日期.
    pub issued: Option<String>,
    /// 答复期限.
    pub reply_deadline: Option<String>,
    pub points: Vec<PointView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct InvestigationView<'a> {
    pub departments: Vec<Link>,
    pub leader: Option<&'a str>,
    pub members: Option<u32>,
    pub deputies: Option<u32>,
    pub questionnaires: Option<u32>,
    pub activities: &'a [crate::document::Activity],
}

#[derive(Debug, Serialize)]
pub struct DocView<'a> {
    pub title: &'a str,
    pub url: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub date: Option<String>,
    /// `date` as `2024年5月12日`.
    pub date_zh: Option<String>,
    pub year: Option<i32>,
    pub summary: &'a str,
    pub tags: Vec<Link>,
    pub index_no: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub doc_number: Option<&'a str>,
    pub written_date: Option<String>,
    /// 档号, in an archive's pages only.
    pub archive_code: Option<&'a str>,
    pub attachments: Vec<AttachmentView>,
    /// The body as HTML (already safe: raw HTML escaped unless the site opted in).
    pub content: &'a str,
    /// `{level, id, title}` of each heading.
    pub toc: Vec<TocEntry>,
    pub review: Option<Link>,
    pub departments: Vec<Link>,
    pub speech: Option<&'a Speech>,
    pub notice: Option<NoticeView<'a>>,
    pub rectification: Option<RectificationView<'a>>,
    pub opinion: Option<OpinionView<'a>>,
    pub investigation: Option<InvestigationView<'a>>,
    /// Newer and older document of the same type.
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// Cards ([`Card`]), as Tera values.
    pub related: Vec<tera::Value>,
}

#[derive(Debug, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageView {
    pub name: String,
    pub start: String,
    pub end: String,
    /// `done`, `current` or `upcoming` relative to today.
    pub state: &'static str,
    pub state_label: &'static str,
    /// How much of the stage has passed by today, in whole percent (0 to 100).
    pub elapsed_pct: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoteView {
    pub round: u32,
    /// The meeting that voted, its date (ISO and `2025年10月29日`), 组成人员 and 出席: each
    /// `None` when not written.
    pub meeting: Option<String>,
    pub date: Option<String>,
    pub date_zh: Option<String>,
    pub members: Option<u32>,
    pub present: Option<u32>,
    /// The counts, each `None` when not written (some offices publish the verdict alone).
    pub satisfied: Option<u32>,
    pub basically_satisfied: Option<u32>,
    pub unsatisfied: Option<u32>,
    /// Whether all three counts are written; the shares and `total` are 0 when not.
    pub has_counts: bool,
    pub total: u32,
    pub verdict: &'static str,
    /// Shares in whole percent, for bars.
    pub satisfied_pct: u32,
    pub basically_satisfied_pct: u32,
    pub unsatisfied_pct: u32,
    /// Shares in percent to two decimals, the three adding up to 100: the bars' widths.
    pub satisfied_share: f64,
    pub basically_satisfied_share: f64,
    pub unsatisfied_share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewedDept {
    pub id: String,
    pub name: String,
    pub url: String,
    pub tally: Tally,
    pub votes: Vec<VoteView>,
    /// The verdict of its latest round: where the department stands.
    pub verdict: Option<&'static str>,
    /// Its way through the review: opinion, plans, reports, votes.
    pub chain: super::chain::Chain,
}

/// One vote in a review's results table.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub department: Link,
    pub vote: VoteView,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub kind: &'static str,
    pub label: &'static str,
    /// The kind's list of every year (`/opinions/`), when it has one.
    pub list_url: Option<String>,
    /// Cards ([`Card`]), as Tera values.
    pub docs: Vec<tera::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub id: String,
    /// `work`, `follow_up` or `special` and its label (工作评议…), when the review writes
    /// `kind`.
    pub kind: Option<&'static str>,
    pub kind_label: Option<&'static str>,
    pub year: i32,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub stages: Vec<StageView>,
    pub current_stage: Option<String>,
    pub departments: Vec<ReviewedDept>,
    /// Every vote, by department (in the review's order) and round.
    pub results: Vec<ResultView>,
    /// Whether any vote has a meeting, date, 组成人员 or 出席 to show beyond the charts.
    pub results_detailed: bool,
    pub groups: Vec<Group>,
}

#[derive(Debug, Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

impl Paginator {
    /// Where this page sits: what its key depends on (the links follow from it).
    pub fn position(&self) -> (usize, usize, usize) {
        (self.current, self.total_pages, self.total_items)
    }
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Numbers were skipped before this one: show "…".
    pub gap_before: bool,
}

#[derive(Debug, Serialize)]
pub struct DeptCard {
    pub id: String,
    pub name: String,
    pub url: String,
    pub tally: Tally,
    pub documents: usize,
}

/// A review cycle on the site map (`/sitemap/`): what the cycle is and where its documents
/// are, not the documents themselves, so that the map stays short on a site of thousands.
#[derive(Debug, Serialize)]
pub struct MapReview {
    pub title: String,
    pub url: String,
    pub year: i32,
    /// 工作评议, 跟踪评议 or 专题评议, when the review writes `kind`.
    pub kind_label: Option<&'static str>,
    pub stages: Vec<StageView>,
    pub departments: Vec<Link>,
    /// Its documents by type: the type's label, its section of the review's page
    /// (`/reviews/{id}/#g-notice`) and how many.
    pub groups: Vec<CountLink>,
}

/// A year on the site map: its archive page, how many documents, its open data files.
#[derive(Debug, Serialize)]
pub struct MapYear {
    pub year: i32,
    pub url: String,
    pub count: usize,
    /// `{title, url}`: 文件目录（JSON）, 整改事项（CSV, JSON）, 满意度测评（CSV, JSON）.
    pub data: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct CountLink {
    pub title: String,
    pub url: String,
    pub count: usize,
}

pub fn iso(d: Option<Date>) -> Option<String> {
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

/// The 满意度测评 rounds of department `dept` in review cycle `r`, oldest first.
pub fn votes(r: &crate::document::Review, dept: &str) -> Vec<VoteView> {
    let mut votes: Vec<VoteView> = r
        .results
        .iter()
        .filter(|v| v.department == dept)
        .map(vote_view)
        .collect();
    votes.sort_by_key(|v| v.round);
    votes
}

impl VoteView {
    /// Whether it has a meeting, date, 组成人员 or 出席 to show beyond the counts.
    pub fn detailed(&self) -> bool {
        self.meeting.is_some()
            || self.date.is_some()
            || self.members.is_some()
            || self.present.is_some()
    }
}

/// The vote of round `round` among `votes` (a department's), if it was held.
pub fn vote_of_round(votes: Vec<VoteView>, round: u32) -> Option<VoteView> {
    votes.into_iter().find(|v| v.round == round)
}

/// The verdict of the latest round among `votes`: where the department stands.
pub fn latest_verdict(votes: &[VoteView]) -> Option<&'static str> {
    votes.iter().max_by_key(|v| v.round).map(|v| v.verdict)
}

fn vote_view(v: &crate::document::VoteResult) -> VoteView {
    let cast = v.cast().and_then(|c| u32::try_from(c).ok());
    let total = cast.unwrap_or(0);
    let count = |n: Option<u32>| if cast.is_some() { n.unwrap_or(0) } else { 0 };
    let (s, b, u) = (
        count(v.satisfied),
        count(v.basically_satisfied),
        count(v.unsatisfied),
    );
    let pct = |n: u32| {
        (u64::from(n) * 100)
            .checked_div(u64::from(total))
            .unwrap_or(0) as u32
    };
    let two_places = |x: f64| (100.0 * x).round() / 100.0;
    let share = |n: u32| match total {
        0 => 0.0,
        _ => two_places(f64::from(n) * 100.0 / f64::from(total)),
    };
    let (s_share, b_share) = (share(s), share(b));
    VoteView {
        round: v.round,
        meeting: v.meeting.clone(),
        date: iso(v.date),
        date_zh: v.date.map(Date::zh),
        members: v.members,
        present: v.present,
        satisfied: v.satisfied,
        basically_satisfied: v.basically_satisfied,
        unsatisfied: v.unsatisfied,
        has_counts: cast.is_some(),
        total,
        verdict: v.verdict.label(),
        satisfied_pct: pct(s),
        basically_satisfied_pct: pct(b),
        unsatisfied_pct: pct(u),
        satisfied_share: s_share,
        basically_satisfied_share: b_share,
        unsatisfied_share: if total == 0 {
            0.0
        } else {
            two_places(100.0 - s_share - b_share)
        },
    }
}

impl<'a> Ctx<'a> {
    pub fn make_card(&self, p: &Page) -> Card {
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

    pub fn groups(&self, pages: &[&Page]) -> Vec<Group> {
        crate::kind::in_groups()
            .into_iter()
            .filter_map(|k| {
                let docs: Vec<tera::Value> = pages
                    .iter()
                    .filter(|p| p.doc.kind == k)
                    .map(|p| self.card(p))
                    .collect();
                (!docs.is_empty()).then(|| Group {
                    kind: k.name(),
                    label: k.label(),
                    list_url: k
                        .info()
                        .listed
                        .then(|| self.url(&format!("/{}/", k.plural()))),
                    docs,
                })
            })
            .collect()
    }

    /// A review's stages, each placed against today.
    pub fn stage_views(&self, r: &crate::document::Review) -> Vec<StageView> {
        let today = self.site.today;
        r.stages
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
            .collect()
    }

    /// The view of a review cycle; its documents by type (`groups`) only where the page shows
    /// them: they are the whole cycle, and a page that carries them renders again whenever
    /// any of them changes.
    pub fn review_view(&self, p: &Page, with_groups: bool) -> Option<ReviewView> {
        let Details::Review(r) = &p.doc.details else {
            return None;
        };
        let today = self.site.today;
        let stages = self.stage_views(r);
        let members: Vec<&Page> = self
            .index
            .pages_at(self.index.by_review.get(r.id.as_str()))
            .collect();
        let departments = r
            .departments
            .iter()
            .map(|d| {
                // Each item of the department in this review once, as it now stands.
                let items = self
                    .dept_items(d)
                    .filter(|(p, _)| p.doc.review.as_ref() == Some(&r.id))
                    .map(|(_, item)| item);
                let votes = votes(r, d);
                let link = self.dept_link(d);
                let chain = self.chain(p, r, d, &votes);
                ReviewedDept {
                    id: d.clone(),
                    name: link.title,
                    url: link.url,
                    tally: tally(items, today),
                    verdict: latest_verdict(&votes),
                    votes,
                    chain,
                }
            })
            .collect();
        let others: Vec<&Page> = members
            .iter()
            .filter(|m| m.doc.kind != Kind::Review)
            .copied()
            .collect();
        let results = self.results(r);
        Some(ReviewView {
            id: r.id.clone(),
            kind: r.review_kind.map(|k| k.name()),
            kind_label: r.review_kind.map(|k| k.label()),
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
            results_detailed: results.iter().any(|x| x.vote.detailed()),
            results,
            groups: if with_groups {
                self.groups(&others)
            } else {
                Vec::new()
            },
        })
    }

    /// Every vote of review `r`, by department (in the review's order) and round.
    fn results(&self, r: &crate::document::Review) -> Vec<ResultView> {
        let place = |d: &str| r.departments.iter().position(|x| x == d);
        let mut rows: Vec<(Option<usize>, ResultView)> = r
            .results
            .iter()
            .map(|v| {
                let vote = vote_view(v);
                let department = self.dept_link(&v.department);
                (place(&v.department), ResultView { department, vote })
            })
            .collect();
        rows.sort_by_key(|(at, x)| (*at, x.vote.round));
        rows.into_iter().map(|(_, x)| x).collect()
    }

    /// Splits `all` into pages of `per` under `base` (`/notices/`, `/notices/page/2/`, …).
    pub fn paginate<T: Copy>(
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
}
