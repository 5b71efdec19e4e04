//! The rectification ledger (整改台账): its items (registered, supervised, extended, closed
//! and verified, or kept up as 长期坚持) and the checks one report's ledger needs on its own
//! (ids unique, `completed` and `verified` exactly when done, a deadline unless ongoing,
//! extensions in order), with each item's lines found in one pass over the front matter.

use serde::{Deserialize, Serialize};

use super::Report;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator};
use crate::frontmatter::{self, Split, key_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Registered,
    InProgress,
    Done,
    /// 长期坚持: a measure with no end, never overdue, counted apart.
    Ongoing,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Registered => "已登记",
            Status::InProgress => "整改中",
            Status::Done => "已销号",
            Status::Ongoing => "长期坚持",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Ongoing => "ongoing",
        }
    }
}

#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub date: Date,
    pub note: String,
    /// Who supervised (督办单位).
    #[serde(default)]
    pub by: Option<String>,
}

/// An approved postponement of an item's deadline.
#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// When it was approved.
    pub approved: Date,
    /// The new deadline.
    pub deadline: Date,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Who checked that a closed item was really done (销号核验), and when.
#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub by: String,
    pub date: Date,
    #[serde(default)]
    pub note: Option<String>,
}

/// One line of the rectification ledger (事前登记、事中督办、事后销号).
#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub problem: String,
    pub measures: String,
    pub responsible: String,
    /// The deadline first set; an approved extension moves the one in force. Only an
    /// ongoing measure may have none.
    #[serde(default)]
    pub deadline: Option<Date>,
    pub status: Status,
    #[serde(default)]
    pub completed: Option<Date>,
    #[serde(default)]
    pub progress: Vec<Progress>,
    /// The point of the department's 评议意见 it answers: its id, written `2` or `"2"`.
    #[serde(default, deserialize_with = "point_id")]
    pub point: Option<String>,
    /// Where the problem came from: 评议意见, 评议调查, 群众来信…
    #[serde(default)]
    pub source: Option<String>,
    /// Approved postponements, oldest first.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    #[serde(default)]
    pub verified: Option<Verified>,
}

/// A point's id as its opinion has it, from a YAML number or string.
fn point_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    super::process::number_or_text(d).map(Some)
}

impl Item {
    /// The deadline after every approved extension.
    pub fn deadline_in_force(&self) -> Option<Date> {
        self.extensions.last().map(|e| e.deadline).or(self.deadline)
    }

    /// Past the deadline in force and not closed (逾期); an ongoing measure never is.
    pub fn is_overdue(&self, today: Date) -> bool {
        matches!(self.status, Status::Registered | Status::InProgress)
            && self.deadline_in_force().is_some_and(|d| d < today)
    }
}

/// The file lines of each ledger item's keys (0 where not found), from one pass over the
/// front matter: a ledger may have thousands of items, and a search from the start of the text
/// for each would take time that grows with the square of the ledger.
#[derive(Debug, Clone, Copy, Default)]
struct ItemLines {
    id: usize,
    deadline: usize,
    status: usize,
    completed: usize,
    extensions: usize,
    verified: usize,
    point: usize,
}

fn item_lines(split: &Split<'_>, items_line: usize, count: usize) -> Vec<ItemLines> {
    // Item k starts at the k-th `id:` after `items:`; its other keys are the first of each
    // after that.
    let mut lines: Vec<ItemLines> = Vec::with_capacity(count);
    for (n, l) in split.numbered_lines().filter(|&(n, _)| n > items_line) {
        if frontmatter::has_key(l, "id:") {
            if lines.len() == count {
                break;
            }
            lines.push(ItemLines {
                id: n,
                ..ItemLines::default()
            });
        }
        // Not `else`: an item in flow style has every key on its `id:` line.
        let Some(item) = lines.last_mut() else {
            continue;
        };
        for (key, slot) in [
            ("deadline:", &mut item.deadline),
            ("status:", &mut item.status),
            ("completed:", &mut item.completed),
            ("extensions:", &mut item.extensions),
            ("verified:", &mut item.verified),
            ("point:", &mut item.point),
        ] {
            if *slot == 0 && frontmatter::has_key(l, key) {
                *slot = n;
            }
        }
    }
    lines.resize(count, ItemLines::default());
    lines
}

/// The file line of each item's `deadline`, `completed` and `point` (0 if none), for the
/// rules `validate` applies.
#[derive(Debug, Clone, Default)]
pub struct ItemKeyLines {
    pub deadline: Vec<usize>,
    pub completed: Vec<usize>,
    pub point: Vec<usize>,
}

/// Checks the ledger; returns the file lines of each item's keys `validate` points at.
pub(super) fn check_items(r: &mut Report<'_>, items: &[Item]) -> ItemKeyLines {
    let items_line = key_line(r.split, "items", 1).unwrap_or(1);
    let lines = item_lines(r.split, items_line, items.len());
    let mut locator = Locator::new(r.text);
    let mut seen = std::collections::BTreeSet::new();
    let mut last = items_line;
    for (item, at) in items.iter().zip(&lines) {
        let line = if at.id == 0 { last } else { at.id };
        last = line;
        if !seen.insert(item.id.as_str()) {
            r.diags.push(
                Diagnostic::error(r.path, format!("整改事项 id `{}` 重复", item.id)).at_line(
                    &mut locator,
                    line,
                    1,
                ),
            );
        }
        let mut error = |key_line: usize, message: String, hint: &str| {
            let at = if key_line == 0 { line } else { key_line };
            r.diags.push(
                Diagnostic::error(r.path, message)
                    .at_line(&mut locator, at, 1)
                    .with_hint(hint),
            );
        };
        for (key_line, message, hint) in item_problems(item, at) {
            error(key_line, message, hint);
        }
    }
    ItemKeyLines {
        deadline: lines.iter().map(|l| l.deadline).collect(),
        completed: lines.iter().map(|l| l.completed).collect(),
        point: lines.iter().map(|l| l.point).collect(),
    }
}

/// What is wrong with one item on its own: (the line of the key at fault, 0 for the item's
/// own, the message, the hint).
fn item_problems(item: &Item, at: &ItemLines) -> Vec<(usize, String, &'static str)> {
    let id = &item.id;
    let mut out = Vec::new();
    match (item.status, item.completed) {
        (Status::Done, None) => out.push((
            at.status,
            format!("整改事项 {id} 已销号(done),但没有填写完成日期 completed"),
            "加一行 completed: YYYY-MM-DD",
        )),
        (status, Some(_)) if status != Status::Done => out.push((
            at.completed,
            format!(
                "整改事项 {id} 状态为 {}({}),不应填写完成日期 completed",
                status.name(),
                status.label()
            ),
            "只有 status: done 的事项才有 completed",
        )),
        _ => {}
    }
    if item.deadline.is_none() && item.status != Status::Ongoing {
        out.push((
            0,
            format!("整改事项 {id} 缺少整改时限 deadline"),
            "加一行 deadline: YYYY-MM-DD;没有完成时限、需要长期坚持的措施写 status: ongoing",
        ));
    }
    match (&item.verified, item.status, item.completed) {
        (Some(_), status, _) if status != Status::Done => out.push((
            at.verified,
            format!(
                "整改事项 {id} 状态为 {}({}),不应填写销号核验 verified",
                status.name(),
                status.label()
            ),
            "销号核验只记在已销号(status: done)的事项上",
        )),
        (Some(v), _, Some(done)) if v.date < done => out.push((
            at.verified,
            format!("整改事项 {id} 的核验日期 {} 早于完成日期 {done}", v.date),
            "先完成整改,再核验销号:核验日期不能早于 completed",
        )),
        _ => {}
    }
    let mut previous = item.deadline;
    for e in &item.extensions {
        if previous.is_some_and(|p| e.deadline <= p) {
            out.push((
                at.extensions,
                format!(
                    "整改事项 {id} 的延期时限 {} 不晚于此前的时限 {}",
                    e.deadline,
                    previous.map(|p| p.to_string()).unwrap_or_default()
                ),
                "extensions 按批准先后排列,每次延期的 deadline 晚于前一个时限",
            ));
        }
        previous = Some(e.deadline);
    }
    out
}
