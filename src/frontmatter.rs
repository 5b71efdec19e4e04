//! Splits a document into its YAML front matter and its Markdown body, keeping line numbers so
//! every later error can point into the file.

use std::path::Path;

use crate::diagnostic::Diagnostic;

/// A document cut in two. Lines are 1-based lines of the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// File line where the body starts.
    pub body_line: usize,
}

impl<'a> Split<'a> {
    /// The YAML's lines with their line numbers in the file.
    pub fn numbered_lines(&self) -> impl Iterator<Item = (usize, &'a str)> + use<'a> {
        let first = self.yaml_line;
        self.yaml
            .lines()
            .enumerate()
            .map(move |(i, l)| (i + first, l))
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` (already decoded: no BOM, `\n` line ends).
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(path, "文件是空的").at(text, 1, 1).with_hint(
            "文档应以一行 --- 开头,接着写 title、type、date 等字段,再以一行 --- 结束;不要的文档请删除",
        ));
    }
    let first = text.lines().next().unwrap_or("");
    if !is_fence(first) {
        return Err(
            Diagnostic::error(path, "文件开头缺少 front matter(文档属性)")
                .at(text, 1, 1)
                .with_hint(
                    "文档应以一行 --- 开头,接着写 title、type、date 等字段,再以一行 --- 结束",
                ),
        );
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if is_fence(line) {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(path, "front matter 没有结束的 `---`")
        .at(text, 1, 1)
        .with_hint("是不是忘了在字段之后写一行 --- ?"))
}

/// The file line of the first line at or after `from` (a file line) whose key is `key`
/// (`key:` or `- key:`), searching only the YAML block.
pub fn key_line(split: &Split<'_>, key: &str, from: usize) -> Option<usize> {
    let pattern = format!("{key}:");
    split
        .numbered_lines()
        .skip(from.saturating_sub(split.yaml_line))
        .find(|(_, l)| has_key(l, &pattern))
        .map(|(n, _)| n)
}

/// Every line of the YAML block whose key is `key`: [`key_line`] for each item of a list
/// without a search from the start of the block for each.
pub struct KeyLines(Vec<usize>);

impl KeyLines {
    pub fn new(split: &Split<'_>, key: &str) -> KeyLines {
        let pattern = format!("{key}:");
        KeyLines(
            split
                .numbered_lines()
                .filter(|(_, l)| has_key(l, &pattern))
                .map(|(n, _)| n)
                .collect(),
        )
    }

    /// The first at or after file line `from`, as [`key_line`] finds it.
    pub fn from(&self, from: usize) -> Option<usize> {
        self.0.get(self.0.partition_point(|&l| l < from)).copied()
    }
}

/// True if `line` has `pattern` (`key:`) as a key, in block (`key:`, `- key:`) or flow
/// (`{a: 1, key: 2}`) style.
pub fn has_key(line: &str, pattern: &str) -> bool {
    let (l, p) = (line.as_bytes(), pattern.as_bytes());
    let Some(&first) = p.first() else {
        return false;
    };
    // The usual cases, `key:` and `- key:`; past them a key needs `{`, `,` or `-` before it.
    let start = l
        .iter()
        .position(|&b| b != b' ' && b != b'-')
        .unwrap_or(l.len());
    if l[start..].starts_with(p) {
        return true;
    }
    if memchr::memchr3(b'{', b',', b'-', &l[start..]).is_none() {
        return false;
    }
    // Called for every line of every front matter: a byte search, not a substring searcher
    // set up per line. `first` starts a character, so `i` is a character boundary.
    memchr::memchr_iter(first, l).any(|i| {
        l[i..].starts_with(p) && {
            let before = line[..i].trim_end_matches(' ');
            before.is_empty() || before.ends_with(['{', ',', '-'])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let text = "---\ntitle: a\ntype: page\n---\n\n正文\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.yaml, "title: a\ntype: page\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "\n正文\n");
        assert_eq!(s.body_line, 5);
        assert_eq!(key_line(&s, "type", 1), Some(3));
        assert_eq!(key_line(&s, "date", 1), None);
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split(Path::new("a.md"), "---\ntitle: a\n---").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_fences_get_hints() {
        for empty in ["", "\n\n", "  \n"] {
            let d = split(Path::new("a.md"), empty).unwrap_err();
            assert_eq!(d.message, "文件是空的");
            assert_eq!(d.location(), "a.md:1:1");
        }
        let d = split(Path::new("a.md"), "title: a\n").unwrap_err();
        assert!(d.message.contains("缺少 front matter"));
        let d = split(Path::new("a.md"), "---\ntitle: a\n\n正文\n").unwrap_err();
        assert!(d.message.contains("没有结束"));
        assert!(d.hint.unwrap().contains("忘了"));
    }

    #[test]
    fn finds_keys_in_list_items() {
        let text = "---\nitems:\n  - id: a\n    status: done\n  - id: b\n    status: x\n---\n";
        let s = split(Path::new("a.md"), text).unwrap();
        let b = key_line(&s, "id", 4).unwrap();
        assert_eq!(b, 5);
        assert_eq!(key_line(&s, "status", b), Some(6));
        let ids = KeyLines::new(&s, "id");
        for from in 0..9 {
            assert_eq!(ids.from(from), key_line(&s, "id", from), "from {from}");
        }
        assert!(has_key("  - {title: 全文, file: a.pdf}", "file:"));
        assert!(!has_key("  - {title: profile: x}", "file:"));
    }
}
