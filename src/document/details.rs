//! What only one kind of document has (a review's stages and votes, a speech's speaker, a
//! notice's kind, a rectification's ledger; an opinion's points and an investigation's team
//! are in `process`), and the checks of it that need only the document itself.

use serde::{Deserialize, Serialize};

use super::ledger::{Item, check_items};
use super::process::{self, Channel, Investigation, Opinion};
use super::{Raw, Report, content_year, non_empty, shown, year_message};
use crate::config::is_url_safe;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator};
use crate::frontmatter::KeyLines;
use crate::kind::Kind;
use crate::slug;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Plan,
    Announcement,
    CallForOpinions,
    Result,
}

impl NoticeKind {
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Plan => "评议方案",
            NoticeKind::Announcement => "公告",
            NoticeKind::CallForOpinions => "征求意见",
            NoticeKind::Result => "评议结果",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Verdict {
    #[serde(rename = "满意")]
    Satisfied,
    #[serde(rename = "基本满意")]
    BasicallySatisfied,
    #[serde(rename = "不满意")]
    Unsatisfied,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Satisfied => "满意",
            Verdict::BasicallySatisfied => "基本满意",
            Verdict::Unsatisfied => "不满意",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: String,
    pub start: Date,
    pub end: Date,
}

/// What kind of 评议 a review cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    #[default]
    Work,
    FollowUp,
    Special,
}

impl ReviewKind {
    pub fn name(self) -> &'static str {
        match self {
            ReviewKind::Work => "work",
            ReviewKind::FollowUp => "follow_up",
            ReviewKind::Special => "special",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Work => "工作评议",
            ReviewKind::FollowUp => "跟踪评议",
            ReviewKind::Special => "专题评议",
        }
    }
}

/// One 满意度测评: a department's vote in one round. The counts, the meeting and the head
/// counts are optional (some offices publish the verdict alone); new fields are left out of
/// the open data when not written, so a site that does not use them publishes what it did.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VoteResult {
    pub department: String,
    #[serde(default = "one")]
    pub round: u32,
    /// The meeting that voted, e.g. 市第十六届人大常委会第二十次会议.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// 组成人员总数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
    /// 出席人数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basically_satisfied: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsatisfied: Option<u32>,
    pub verdict: Verdict,
}

impl VoteResult {
    /// The votes cast: the sum of the three counts, when all three are given.
    pub fn cast(&self) -> Option<u64> {
        Some(
            u64::from(self.satisfied?)
                + u64::from(self.basically_satisfied?)
                + u64::from(self.unsatisfied?),
        )
    }

    /// The sum of the counts that are given: no more than were present, whatever is missing.
    pub fn counted(&self) -> u64 {
        [self.satisfied, self.basically_satisfied, self.unsatisfied]
            .into_iter()
            .flatten()
            .map(u64::from)
            .sum()
    }
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: String,
    /// As written: `None` is a 工作评议 (see [`Review::kind`]), left out of the open data.
    #[serde(rename = "kind", skip_serializing_if = "Option::is_none")]
    pub review_kind: Option<ReviewKind>,
    pub year: i32,
    pub departments: Vec<String>,
    pub stages: Vec<Stage>,
    pub results: Vec<VoteResult>,
}

impl Review {
    /// What kind of 评议 it is: 工作评议 unless `kind` says otherwise.
    pub fn kind(&self) -> ReviewKind {
        self.review_kind.unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Speech {
    pub speaker: String,
    pub speaker_title: String,
    pub occasion: String,
    pub venue: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub departments: Vec<String>,
    pub notice_kind: Option<NoticeKind>,
    pub deadline: Option<Date>,
    /// How readers send their opinions in (a call for opinions).
    pub channels: Vec<Channel>,
    /// How many opinions came in: shown once `deadline` has passed.
    pub received: Option<u32>,
}

/// Which of a department's answers a rectification document is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 整改方案: what the department will do.
    Plan,
    /// 整改情况报告: what it has done.
    #[default]
    Report,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Plan => "整改方案",
            Phase::Report => "整改情况报告",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rectification {
    pub department: String,
    pub round: u32,
    pub phase: Phase,
    pub items: Vec<Item>,
    /// The file lines of each item's keys, for the rules over the whole site.
    #[serde(skip)]
    pub lines: super::ledger::ItemKeyLines,
}

/// What only one type has.
#[derive(Debug, Clone)]
pub enum Details {
    Review(Review),
    Speech(Speech),
    Notice(Notice),
    Rectification(Rectification),
    Page,
    Opinion(Opinion),
    Investigation(Investigation),
}

/// Takes `kind`'s own fields out of `raw`, reporting what is wrong with them.
pub(super) fn parse(r: &mut Report<'_>, kind: Kind, raw: &mut Raw, present: &[&str]) -> Details {
    match kind {
        Kind::Review => Details::Review(review(r, raw)),
        Kind::Speech => Details::Speech(Speech {
            speaker: raw.speaker.take().unwrap_or_default(),
            speaker_title: raw.speaker_title.take().unwrap_or_default(),
            occasion: raw.occasion.take().unwrap_or_default(),
            venue: non_empty(raw.venue.take()),
        }),
        Kind::Notice => Details::Notice(Notice {
            departments: raw.departments.take().unwrap_or_default(),
            notice_kind: raw.notice_kind,
            deadline: raw.deadline,
            channels: raw.channels.take().unwrap_or_default(),
            received: raw.received,
        }),
        Kind::Rectification => Details::Rectification(rectification(r, raw, present)),
        Kind::Page => Details::Page,
        Kind::Opinion => Details::Opinion(process::opinion(r, raw, present)),
        Kind::Investigation => Details::Investigation(process::investigation(r, raw)),
    }
}

fn review(r: &mut Report<'_>, raw: &mut Raw) -> Review {
    let id = non_empty(raw.id.take()).unwrap_or_default();
    if id.len() > slug::MAX_BYTES && is_url_safe(&id) {
        r.at_key(
            "id",
            1,
            format!(
                "评议活动 id 长 {} 字节,超过了 {} 字节的上限",
                id.len(),
                slug::MAX_BYTES
            ),
            Some("通常写年度,例如 id: \"2024\"".into()),
        );
    } else if !id.is_empty() && !is_url_safe(&id) {
        r.at_key(
            "id",
            1,
            format!("评议活动 id `{}` 不能用在网址中", shown(&id)),
            Some("只能用小写字母、数字和 -,通常写年度,例如 id: \"2024\"".into()),
        );
    }
    if let Some(year) = raw.year.filter(|y| !content_year(*y)) {
        r.at_key("year", 1, year_message(year), None);
    }
    let stages = raw.stages.take().unwrap_or_default();
    let (names, mut locator) = (KeyLines::new(r.split, "name"), Locator::new(r.text));
    let mut from = 1;
    for s in &stages {
        let line = names.from(from).unwrap_or(from);
        from = line + 1;
        if s.end < s.start {
            r.diags.push(
                Diagnostic::error(r.path, format!("阶段「{}」的结束日期早于开始日期", s.name))
                    .at_line(&mut locator, line, 1),
            );
        }
    }
    Review {
        id,
        review_kind: raw.review_kind,
        year: raw.year.unwrap_or_default(),
        departments: raw.departments.take().unwrap_or_default(),
        stages,
        results: raw.results.take().unwrap_or_default(),
    }
}

fn rectification(r: &mut Report<'_>, raw: &mut Raw, present: &[&str]) -> Rectification {
    let items = raw.items.take().unwrap_or_default();
    if items.is_empty() && present.contains(&"items") {
        r.at_key(
            "items",
            1,
            "整改公告的台账 items 是空的".into(),
            Some("每项整改写 id、problem、measures、responsible、deadline、status".into()),
        );
    }
    let lines = check_items(r, &items);
    if let Some(0) = raw.round {
        r.at_key("round", 1, "整改轮次 round 从 1 开始".into(), None);
    }
    Rectification {
        department: raw.department.take().unwrap_or_default(),
        round: raw.round.unwrap_or(1),
        phase: raw.phase.unwrap_or_default(),
        items,
        lines,
    }
}
