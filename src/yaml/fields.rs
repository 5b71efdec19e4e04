//! Every problem of a front matter at once. When the whole block fails, each top-level field
//! is read on its own (and each item of a field that is a list), so one mistake does not hide
//! the next; a field written twice is shown where it repeats, and the input method's slips
//! ([`super::slips`]) are named on their own lines instead of the puzzle libyaml makes of them.
//!
//! Only the failing path comes here: a front matter that reads whole is never split.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::slips::{self, Slip};
use super::{Failure, deserialize};
use crate::diagnostic::Diagnostic;

/// A run of lines of the YAML block: a snippet read on its own, and the 1-based block line of
/// each of its lines.
struct Snippet {
    text: String,
    lines: Vec<usize>,
}

impl Snippet {
    fn of(yaml_lines: &[&str], lines: Vec<usize>) -> Snippet {
        let mut text = String::new();
        for &n in &lines {
            text.push_str(yaml_lines[n - 1]);
            text.push('\n');
        }
        Snippet { text, lines }
    }

    fn block_line(&self, line: usize) -> usize {
        let last = *self.lines.last().unwrap_or(&1);
        self.lines
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(last)
    }
}

/// A top-level field: its key (none when the line has no `key: `) and its lines.
struct Field<'a> {
    key: Option<&'a str>,
    lines: Vec<usize>,
}

/// What the reading of one block shares.
struct Block<'a> {
    path: &'a Path,
    file_text: &'a str,
    lines: Vec<&'a str>,
    first_line: usize,
    slips: Vec<Slip>,
}

/// Every problem in `yaml`, given that reading it whole failed with `whole`.
pub(super) fn every_problem<T: DeserializeOwned>(
    path: &Path,
    file_text: &str,
    yaml: &str,
    first_line: usize,
    whole: Failure,
) -> Vec<Diagnostic> {
    let b = Block {
        path,
        file_text,
        lines: yaml.lines().collect(),
        first_line,
        slips: slips::scan(yaml),
    };
    let Some(fields) = top_level(&b.lines) else {
        return vec![b.whole_or_slip(&whole)];
    };
    let mut out: Vec<Diagnostic> = b
        .slips
        .iter()
        .filter(|s| s.certain)
        .map(|s| b.slip(s))
        .collect();
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for field in &fields {
        let first = field.lines[0];
        if let Some(key) = field.key {
            if let Some(&(_, before)) = seen.iter().find(|(k, _)| *k == key) {
                let message = format!(
                    "字段 `{key}` 写了两次,第 {} 行已经写过",
                    b.file_line(before)
                );
                out.push(
                    Diagnostic::error(path, message)
                        .at(file_text, b.file_line(first), 1)
                        .with_hint("删去其中一处,或把两处的内容合在一起"),
                );
                continue;
            }
            seen.push((key, first));
        }
        out.extend(b.problems::<T>(field.key, &field.lines, 0));
    }
    if whole.raw.starts_with("missing field") {
        out.push(whole.diagnose(path, file_text, |l| b.file_line(l)));
    } else if out.is_empty() {
        out.push(b.whole_or_slip(&whole));
    }
    out
}

impl Block<'_> {
    fn file_line(&self, block_line: usize) -> usize {
        self.first_line + block_line - 1
    }

    fn slip(&self, s: &Slip) -> Diagnostic {
        Diagnostic::error(self.path, s.message.clone())
            .at(self.file_text, self.file_line(s.line), s.column)
            .with_hint(s.hint.clone())
    }

    /// The problems of a field (`item` 0) or of its list's item `item` - 1 read alone under
    /// its key (`lines` then start with the key's line). Lines with a certain slip are
    /// already reported: a field with one is read item by item, and an item with one not at
    /// all.
    fn problems<T: DeserializeOwned>(
        &self,
        key: Option<&str>,
        lines: &[usize],
        item: usize,
    ) -> Vec<Diagnostic> {
        // Both in line order: the slips between the first and last line, then those on one.
        let (Some(&low), Some(&high)) = (lines.first(), lines.last()) else {
            return Vec::new();
        };
        let from = self.slips.partition_point(|s| s.line < low);
        let to = self.slips.partition_point(|s| s.line <= high);
        let slips: Vec<&Slip> = self.slips[from..to]
            .iter()
            .filter(|s| lines.binary_search(&s.line).is_ok())
            .collect();
        let certain = slips.iter().any(|s| s.certain);
        let snippet = Snippet::of(&self.lines, lines.to_vec());
        let failure = if certain {
            None
        } else {
            match deserialize::<T>(&snippet.text) {
                Ok(_) => return Vec::new(),
                // An alias of an anchor in another field: read alone, the anchor is missing.
                // The whole block's reading reports an anchor that is missing there too.
                Err(f) if f.raw.contains("unknown anchor") => return Vec::new(),
                // Read alone, a field misses the others; the whole block says which are.
                Err(f) if f.raw.starts_with("missing field") => return Vec::new(),
                Err(f) => Some(f),
            }
        };
        if let Some(quote) = slips.iter().find(|s| !s.certain)
            && failure.is_some()
        {
            return vec![self.slip(quote)];
        }
        if item == 0
            && let Some(key) = key
            && let Some(items) = items_of(&self.lines, lines)
        {
            return items
                .into_iter()
                .enumerate()
                .flat_map(|(k, item_lines)| {
                    let lines: Vec<usize> = std::iter::once(lines[0]).chain(item_lines).collect();
                    self.problems::<T>(Some(key), &lines, k + 1)
                })
                .collect();
        }
        let Some(mut failure) = failure else {
            return Vec::new();
        };
        if item > 0
            && let Some(key) = key
        {
            // Read alone, every item is item 0.
            failure.raw =
                failure
                    .raw
                    .replacen(&format!("{key}[0]"), &format!("{key}[{}]", item - 1), 1);
        }
        vec![self.diagnose(&failure, &snippet)]
    }

    /// The diagnostic for a snippet's failure; a field written twice is shown where it
    /// repeats.
    fn diagnose(&self, failure: &Failure, snippet: &Snippet) -> Diagnostic {
        let d = failure.diagnose(self.path, self.file_text, |line| {
            self.file_line(snippet.block_line(line))
        });
        match repeated_key(failure, snippet, &self.lines) {
            Some((first, second)) => Diagnostic::error(
                self.path,
                format!("{},第 {} 行已经写过", d.message, self.file_line(first)),
            )
            .at(self.file_text, self.file_line(second), 1)
            .with_hint(d.hint.unwrap_or_default()),
            None => d,
        }
    }

    /// The whole block's failure, or the first slip, which explains it better.
    fn whole_or_slip(&self, whole: &Failure) -> Diagnostic {
        match self.slips.first() {
            Some(s) => self.slip(s),
            None => whole.diagnose(self.path, self.file_text, |l| self.file_line(l)),
        }
    }
}

/// For "duplicate field `x`": the block lines of the first and second `x:` at the column of
/// the first, from the line serde points at.
fn repeated_key(
    failure: &Failure,
    snippet: &Snippet,
    yaml_lines: &[&str],
) -> Option<(usize, usize)> {
    let name = failure
        .raw
        .split("duplicate field `")
        .nth(1)?
        .split('`')
        .next()?;
    let pattern = format!("{name}:");
    let from = failure.line.clamp(1, snippet.lines.len().max(1));
    let mut found = snippet
        .lines
        .get(from - 1..)?
        .iter()
        .filter(|&&n| crate::frontmatter::has_key(yaml_lines[n - 1], &pattern))
        .map(|&n| (n, yaml_lines[n - 1].find(&pattern).unwrap_or(0)));
    let (first, column) = found.next()?;
    let (second, _) = found.find(|&(_, c)| c == column)?;
    Some((first, second))
}

/// The top-level fields, each from a line at column 0 to the next; `None` when the block is
/// not a list of fields (text before the first, or a list at the top).
fn top_level<'a>(yaml_lines: &[&'a str]) -> Option<Vec<Field<'a>>> {
    let mut fields: Vec<Field<'a>> = Vec::new();
    for (i, line) in yaml_lines.iter().enumerate() {
        let n = i + 1;
        let starts = !line.is_empty() && !line.starts_with([' ', '\t', '#', '-', '\u{3000}']);
        if starts {
            let key = line
                .split_once(": ")
                .map(|(k, _)| k)
                .or_else(|| line.strip_suffix(':'))
                .filter(|k| !k.is_empty() && !k.starts_with(['"', '\'', '[', '{']));
            fields.push(Field {
                key,
                lines: vec![n],
            });
            continue;
        }
        match fields.last_mut() {
            Some(f) => f.lines.push(n),
            None if line.trim().is_empty() || line.trim_start().starts_with('#') => {}
            None => return None,
        }
    }
    (!fields.is_empty()).then_some(fields)
}

/// A field written as a block list (`key:` and `- ` items below it): each item's lines.
fn items_of(yaml_lines: &[&str], lines: &[usize]) -> Option<Vec<Vec<usize>>> {
    let (&key_line, rest) = lines.split_first()?;
    let value = yaml_lines[key_line - 1].split_once(':')?.1;
    if !value.split(" #").next().unwrap_or("").trim().is_empty() {
        return None;
    }
    let content = |n: &usize| {
        let l = yaml_lines[*n - 1].trim_start();
        !l.is_empty() && !l.starts_with('#')
    };
    let first = *rest.iter().find(|n| content(n))?;
    let dash = yaml_lines[first - 1].len() - yaml_lines[first - 1].trim_start_matches(' ').len();
    let is_item = |n: usize| {
        // Bytes, not `str` slices: a line may have a multi-byte character at `dash`.
        let l = yaml_lines[n - 1].as_bytes();
        l.len() > dash
            && l[..dash].iter().all(|&b| b == b' ')
            && (l[dash..].starts_with(b"- ") || &l[dash..] == b"-")
    };
    if !is_item(first) {
        return None;
    }
    let mut items: Vec<Vec<usize>> = Vec::new();
    for &n in rest.iter().filter(|&&n| n >= first) {
        if is_item(n) {
            items.push(vec![n]);
        } else if let Some(item) = items.last_mut() {
            item.push(n);
        }
    }
    Some(items)
}
