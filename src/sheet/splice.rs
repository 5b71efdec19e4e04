//! The ledger as YAML, put in place of a document's `items:` block: items written as the
//! editor's guide writes them (one key a line;督办记录 and extensions one flow mapping a
//! line), and every byte of the file outside the block kept as it was: comments, the order of
//! the keys, quoting, a byte-order mark, Windows line ends. Comments inside the old block go
//! with it.

use crate::document::Item;

/// The lines of an `items:` block (without the `items:` line) and, for each line that starts
/// a key, which item and key it is: the document's checks point at lines, and the sheet
/// reports them at rows and columns.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub lines: Vec<String>,
    /// `(index of the line in lines, index of the item, key)`, in order.
    pub keys: Vec<(usize, usize, &'static str)>,
}

/// A string as a YAML scalar: plain when nothing in it could read as anything else, else
/// double-quoted (a JSON string is a YAML double-quoted scalar). `flow` for a value inside
/// `{…}`, where `,` and brackets end a plain scalar.
fn scalar(s: &str, flow: bool) -> String {
    if is_plain(s, flow) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    let mut q = serde_json::to_string(s).expect("a string serialises");
    // JSON leaves these as they are; YAML would take them for line breaks.
    for (c, e) in [
        ('\u{2028}', "\\u2028"),
        ('\u{2029}', "\\u2029"),
        ('\u{85}', "\\u0085"),
    ] {
        if q.contains(c) {
            q = q.replace(c, e);
        }
    }
    q
}

/// Conservative: text that may read as a number, a date or a time (ASCII that starts with a
/// digit, a sign or a dot), that starts with a YAML indicator, or that holds `: `, ` #`, a line
/// break or (in flow) a comma, is quoted. `12345热线` is plain: no number has a 热.
fn is_plain(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let words = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    !(s.trim() != s
        || s.chars().any(|c| {
            c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{feff}')
        })
        || ((first.is_ascii_digit() || "+.".contains(first)) && s.is_ascii())
        || "-?:,[]{}#&*!|>'\"%@`+.".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || (flow && s.contains([',', '[', ']', '{', '}', ':']))
        || words.contains(&s.to_ascii_lowercase().as_str()))
}

/// A point's id: a bare number when it is one (`point: 2`), as the guide writes it.
fn point(p: &str) -> String {
    let number = !p.is_empty()
        && p.bytes().all(|b| b.is_ascii_digit())
        && (p == "0" || !p.starts_with('0'))
        && p.len() < 16;
    if number {
        p.to_string()
    } else {
        scalar(p, false)
    }
}

/// The `items:` block of `items`.
pub fn items_yaml(items: &[Item]) -> Block {
    let mut b = Block::default();
    for (n, item) in items.iter().enumerate() {
        let key = |b: &mut Block, key: &'static str, line: String| {
            b.keys.push((b.lines.len(), n, key));
            b.lines.push(line);
        };
        key(&mut b, "id", format!("  - id: {}", quoted(&item.id)));
        if let Some(p) = &item.point {
            key(&mut b, "point", format!("    point: {}", point(p)));
        }
        if let Some(s) = &item.source {
            key(
                &mut b,
                "source",
                format!("    source: {}", scalar(s, false)),
            );
        }
        key(
            &mut b,
            "problem",
            format!("    problem: {}", scalar(&item.problem, false)),
        );
        key(
            &mut b,
            "measures",
            format!("    measures: {}", scalar(&item.measures, false)),
        );
        let responsible = scalar(&item.responsible, false);
        key(
            &mut b,
            "responsible",
            format!("    responsible: {responsible}"),
        );
        if let Some(d) = item.deadline {
            key(&mut b, "deadline", format!("    deadline: {d}"));
        }
        if !item.extensions.is_empty() {
            key(&mut b, "extensions", "    extensions:".to_string());
            for e in &item.extensions {
                let reason = e
                    .reason
                    .as_ref()
                    .map(|r| format!(", reason: {}", scalar(r, true)))
                    .unwrap_or_default();
                b.lines.push(format!(
                    "      - {{approved: {}, deadline: {}{reason}}}",
                    e.approved, e.deadline
                ));
            }
        }
        key(
            &mut b,
            "status",
            format!("    status: {}", item.status.name()),
        );
        if let Some(d) = item.completed {
            key(&mut b, "completed", format!("    completed: {d}"));
        }
        if let Some(v) = &item.verified {
            let note = v
                .note
                .as_ref()
                .map(|n| format!(", note: {}", scalar(n, true)))
                .unwrap_or_default();
            let line = format!(
                "    verified: {{by: {}, date: {}{note}}}",
                scalar(&v.by, true),
                v.date
            );
            key(&mut b, "verified", line);
        }
        if !item.progress.is_empty() {
            key(&mut b, "progress", "    progress:".to_string());
            for p in &item.progress {
                let by =
                    p.by.as_ref()
                        .map(|by| format!(", by: {}", scalar(by, true)))
                        .unwrap_or_default();
                b.lines.push(format!(
                    "      - {{date: {}, note: {}{by}}}",
                    p.date,
                    scalar(&p.note, true)
                ));
            }
        }
    }
    b
}

/// A document with its `items:` block replaced.
#[derive(Debug, Clone)]
pub struct Spliced {
    pub text: String,
    /// The file line (from 1) of the block's first line: `block.lines[i]` is on line
    /// `first_line + i`.
    pub first_line: usize,
}

/// `text` (the file as it is on disk) with its `items:` block made `block`. The block ends
/// before the next key at the left margin; blank lines and comments at the margin after its
/// last line stay outside it. A document without `items:` gets it at the end of its front
/// matter.
pub fn splice(text: &str, block: &Block) -> Result<Spliced, String> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        lines.push((at, l));
        at += l.len();
    }
    let bare = |l: &str| l.trim_end_matches(['\n', '\r']).to_string();
    let first = lines.first().map(|(_, l)| bare(l)).unwrap_or_default();
    if first.trim_start_matches('\u{feff}').trim_end() != "---" {
        return Err("文件开头没有 ---,不是带文档属性的整改公告".to_string());
    }
    let close = (1..lines.len())
        .find(|&i| bare(lines[i].1).trim_end() == "---")
        .ok_or("文档属性没有结束的 ---")?;
    let items = (1..close).find(|&i| {
        let l = lines[i].1;
        l.starts_with("items:") && (l[6..].starts_with([' ', '\t', '\r', '\n']) || l.len() == 6)
    });
    let new_block: String = block.lines.iter().map(|l| format!("{l}{eol}")).collect();
    let (start, end, head, first_line) = match items {
        None => (
            lines[close].0,
            lines[close].0,
            format!("items:{eol}"),
            close + 2,
        ),
        Some(i) => {
            let mut last = i;
            for (j, (_, l)) in lines.iter().enumerate().take(close).skip(i + 1) {
                if l.starts_with([' ', '\t', '-']) && !l.trim().is_empty() {
                    last = j;
                } else if !(l.trim().is_empty() || l.starts_with('#')) {
                    break;
                }
            }
            // `items:` alone, or with a comment, stays as written.
            let value = bare(lines[i].1)[6..].trim().to_string();
            let head = if value.is_empty() || value.starts_with('#') {
                lines[i].1.to_string()
            } else {
                format!("items:{eol}")
            };
            (lines[i].0, lines[last].0 + lines[last].1.len(), head, i + 2)
        }
    };
    let mut out = String::with_capacity(text.len() + new_block.len());
    out.push_str(&text[..start]);
    out.push_str(&head);
    out.push_str(&new_block);
    out.push_str(&text[end..]);
    Ok(Spliced {
        text: out,
        first_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(lines: &[&str]) -> Block {
        Block {
            lines: lines.iter().map(|l| l.to_string()).collect(),
            keys: Vec::new(),
        }
    }

    #[test]
    fn only_the_items_block_changes() {
        let text = "---\r\ntitle: \"报告\"   # 标题\r\nitems:  # 台账\r\n  - id: \"1\"\r\n    # 旧注释\r\n\r\n    status: done\r\n\r\n# 以下不是台账\r\nround: 2\r\n---\r\n正文\r\n";
        let s = splice(text, &block(&["  - id: \"9\""])).unwrap();
        assert_eq!(
            s.text,
            "---\r\ntitle: \"报告\"   # 标题\r\nitems:  # 台账\r\n  - id: \"9\"\r\n\r\n# 以下不是台账\r\nround: 2\r\n---\r\n正文\r\n"
        );
        assert_eq!(s.first_line, 4);
    }

    #[test]
    fn flow_items_and_missing_items() {
        let s = splice("---\nitems: []\ntags: [a]\n---\n", &block(&["  - x"])).unwrap();
        assert_eq!(s.text, "---\nitems:\n  - x\ntags: [a]\n---\n");
        let s = splice("\u{feff}---\ntitle: t\n---\nbody", &block(&["  - x"])).unwrap();
        assert_eq!(s.text, "\u{feff}---\ntitle: t\nitems:\n  - x\n---\nbody");
        assert_eq!(s.first_line, 4);
        // A sequence at the key's own indent is the block's too.
        let s = splice(
            "---\nitems:\n- id: 1\n  status: x\nz: 1\n---\n",
            &block(&["  - y"]),
        )
        .unwrap();
        assert_eq!(s.text, "---\nitems:\n  - y\nz: 1\n---\n");
        assert!(splice("no front matter", &block(&[])).is_err());
    }

    #[test]
    fn scalars_are_plain_only_when_safe() {
        assert_eq!(
            scalar("老旧小区改造进度滞后。", false),
            "老旧小区改造进度滞后。"
        );
        assert_eq!(scalar("评议：第一阶段", true), "评议：第一阶段");
        assert_eq!(scalar("12345热线", false), "12345热线");
        for s in [
            "12345",
            "1.5e3",
            "a: b",
            "yes",
            "",
            " x",
            "#1",
            "a, b",
            "2026-06-30",
            "x\ny",
        ] {
            let flow = s == "a, b";
            assert!(scalar(s, flow).starts_with('"'), "{s}");
        }
        assert_eq!(scalar("x\ny", false), "\"x\\ny\"");
        assert_eq!(point("2"), "2");
        assert_eq!(point("02"), "\"02\"");
        assert_eq!(point("2.1"), "\"2.1\"");
    }
}
