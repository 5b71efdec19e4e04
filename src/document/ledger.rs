//! The rectification ledger (整改台账): its items and their status, and the checks one
//! report's ledger needs on its own (ids unique, `completed` exactly when done), with each
//! item's lines found in one pass over the front matter.

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
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Registered => "已登记",
            Status::InProgress => "整改中",
            Status::Done => "已销号",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::InProgress => "in_progress",
            Status::Done => "done",
        }
    }
}

#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub date: Date,
    pub note: String,
}

/// One line of the rectification ledger (事前登记、事中督办、事后销号).
#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub problem: String,
    pub measures: String,
    pub responsible: String,
    pub deadline: Date,
    pub status: Status,
    #[serde(default)]
    pub completed: Option<Date>,
    #[serde(default)]
    pub progress: Vec<Progress>,
}

impl Item {
    /// Past its deadline and not closed (逾期).
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status != Status::Done && self.deadline < today
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
        ] {
            if *slot == 0 && frontmatter::has_key(l, key) {
                *slot = n;
            }
        }
    }
    lines.resize(count, ItemLines::default());
    lines
}

/// Checks the ledger; returns the file lines of each item's `deadline` and `completed` (0 if
/// not found).
pub(super) fn check_items(r: &mut Report<'_>, items: &[Item]) -> (Vec<usize>, Vec<usize>) {
    let items_line = key_line(r.split, "items", 1).unwrap_or(1);
    let lines = item_lines(r.split, items_line, items.len());
    let mut locator = Locator::new(r.text);
    let mut seen = std::collections::BTreeSet::new();
    let mut last = items_line;
    for (item, at) in items.iter().zip(&lines) {
        let line = if at.id == 0 { last } else { at.id };
        last = line;
        let or_item = |l: usize| if l == 0 { line } else { l };
        if !seen.insert(item.id.as_str()) {
            r.diags.push(
                Diagnostic::error(r.path, format!("整改事项 id `{}` 重复", item.id)).at_line(
                    &mut locator,
                    line,
                    1,
                ),
            );
        }
        match (item.status, item.completed) {
            (Status::Done, None) => {
                r.diags.push(
                    Diagnostic::error(
                        r.path,
                        format!(
                            "整改事项 {} 已销号(done),但没有填写完成日期 completed",
                            item.id
                        ),
                    )
                    .at_line(&mut locator, or_item(at.status), 1)
                    .with_hint("加一行 completed: YYYY-MM-DD"),
                );
            }
            (status, Some(_)) if status != Status::Done => {
                r.diags.push(
                    Diagnostic::error(
                        r.path,
                        format!(
                            "整改事项 {} 状态为 {}({}),不应填写完成日期 completed",
                            item.id,
                            status.name(),
                            status.label()
                        ),
                    )
                    .at_line(&mut locator, or_item(at.completed), 1)
                    .with_hint("只有 status: done 的事项才有 completed"),
                );
            }
            _ => {}
        }
    }
    (
        lines.iter().map(|l| l.deadline).collect(),
        lines.iter().map(|l| l.completed).collect(),
    )
}
