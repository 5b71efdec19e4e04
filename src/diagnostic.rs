//! Diagnostics: what is wrong (or may be wrong) in which file, at which line, and how it is shown.
//!
//! Every stage collects diagnostics instead of stopping at the first one, so an
//! editor sees every problem of a run at once.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use unicode_width::UnicodeWidthStr;

/// How bad a diagnostic is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the site's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the editor knows it: relative to the site root.
    pub path: PathBuf,
    /// 1-based line in the file (not in the YAML block).
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
    pub message: String,
    /// The offending line, shown under the location: the whole line, or, of a very long one
    /// (a whole document on one line), the part around the column.
    pub source_line: Option<String>,
    /// The column of the line where `source_line` starts: 1 unless the line was cut.
    pub source_column: usize,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
            source_column: 1,
            hint: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points at `line:column` of `text` (the whole file) and keeps that line for display.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        if let Some(src) = text.lines().nth(line.max(1) - 1) {
            self.keep_line(src.trim_end_matches('\r'), column.max(1));
        }
        self
    }

    /// [`Diagnostic::at`] through `locator`: lines in increasing order cost one pass over the
    /// text in all, where `at` walks the text from its start each time.
    pub fn at_line(mut self, locator: &mut Locator<'_>, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        if let Some(src) = locator.line(line.max(1)) {
            self.keep_line(src.trim_end_matches('\r'), column.max(1));
        }
        self
    }

    /// Points at byte `offset` of the text `locator` walks, and keeps that line for display.
    pub fn at_offset(mut self, locator: &mut Locator<'_>, offset: usize) -> Self {
        let (line, column) = locator.locate(offset);
        self.line = Some(line);
        self.column = Some(column);
        let text = locator.text;
        let offset = locator.offset;
        // Up to `BEFORE` characters back and `AFTER` forward, within the line: a problem on a
        // megabyte-long line costs no more than one on a short one.
        let start = text[locator.line_start..offset]
            .char_indices()
            .rev()
            .nth(BEFORE - 1)
            .map_or(locator.line_start, |(i, _)| locator.line_start + i);
        let rest = &text[offset..];
        let end = rest
            .char_indices()
            .take(AFTER + 1)
            .find(|&(_, c)| c == '\n')
            .map_or_else(
                || {
                    rest.char_indices()
                        .nth(AFTER)
                        .map_or(text.len(), |(i, _)| offset + i)
                },
                |(i, _)| offset + i,
            );
        self.source_line = Some(text[start..end].trim_end_matches('\r').to_string());
        self.source_column = column - text[start..offset].chars().count();
        self
    }

    /// Keeps `src`, or its part around `column` when it is too long to show.
    fn keep_line(&mut self, src: &str, column: usize) {
        if src.len() <= BEFORE + AFTER {
            self.source_line = Some(src.to_string());
            self.source_column = 1;
            return;
        }
        let first = column.saturating_sub(BEFORE).max(1);
        self.source_line = Some(src.chars().skip(first - 1).take(BEFORE + AFTER).collect());
        self.source_column = first;
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, the form editors and terminals turn into a link; control
    /// characters in the path escaped.
    pub fn location(&self) -> String {
        let mut s = escape_controls(&self.path.to_string_lossy(), &[]).into_owned();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }

    fn sort_key(&self) -> (&[u8], usize, usize, Severity, &str) {
        (
            // Bytes, not path components: much faster for thousands of warnings, same order
            // for the `/`-separated relative paths diagnostics carry.
            self.path.as_os_str().as_encoded_bytes(),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.severity,
            &self.message,
        )
    }
}

/// How much of a long line a diagnostic keeps: characters before and after its column.
const BEFORE: usize = 40;
const AFTER: usize = 80;

/// Turns byte offsets into one text into `line:column`. Offsets in increasing order cost one
/// pass over the text in all, not one each: a document may carry thousands of problems.
pub struct Locator<'a> {
    text: &'a str,
    /// Where the last lookup ended, and its line, line start and column.
    offset: usize,
    line: usize,
    line_start: usize,
    column: usize,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        Locator {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
            column: 1,
        }
    }

    /// The text of 1-based `line`, without its line end (`\n` or `\r\n`); `None` past the last line. Moves the
    /// locator to the line's start: found by searching for line ends only, not by decoding.
    pub fn line(&mut self, line: usize) -> Option<&'a str> {
        if line < self.line || self.offset != self.line_start {
            // Back to the start of the current line, or of the text when going backwards.
            if line < self.line {
                *self = Locator::new(self.text);
            } else {
                self.offset = self.line_start;
                self.column = 1;
            }
        }
        let bytes = self.text.as_bytes();
        while self.line < line {
            let next = memchr::memchr(b'\n', &bytes[self.offset..])?;
            self.offset += next + 1;
            self.line_start = self.offset;
            self.line += 1;
        }
        if self.offset >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.offset..];
        let line = rest.split('\n').next().unwrap_or(rest);
        // As `str::lines` has it.
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// The 1-based line and column (in characters) of byte `offset` (clamped to the text and
    /// to a character boundary).
    pub fn locate(&mut self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Locator::new(self.text);
        }
        for c in self.text[self.offset..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        if let Some(i) = self.text[self.offset..offset].rfind('\n') {
            self.line_start = self.offset + i + 1;
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// True for what a terminal acts on instead of showing: C0 and C1 controls (escape sequences
/// start with ESC or CSI) and DEL, and the bidirectional overrides that reorder a line.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with each character a terminal would act on written out as an escape (`\x1b`,
/// `\u{9b}`, `\n`), except those in `keep`: a file name printed in a diagnostic cannot
/// retitle the window, erase lines or fake a line of its own.
pub fn escape_controls<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !s.chars().any(|c| acts_on_terminal(c) && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !acts_on_terminal(c) || keep.contains(&c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Puts diagnostics in a stable order (by file, then line) and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

impl fmt::Display for Diagnostic {
    /// Rustc-like, Chinese first:
    ///
    /// ```text
    /// 错误: 未知字段 `speker`
    ///   --> content/2024/speeches/x.md:5:1
    ///    |
    ///  5 | speker: 张三
    ///    | ^
    ///    = 提示: 是不是 `speaker`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{label}: {}", escape_controls(&self.message, &['\n']))?;
        write!(f, "  --> {}", self.location())?;
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            // Tabs stay (the caret below counts them); other controls are shown escaped.
            let src = escape_controls(src, &['\t']);
            let pad = " ".repeat(gutter);
            // A cut line says so at each end it was cut.
            let cut = if self.source_column > 1 { "..." } else { "" };
            let more = if src.chars().count() >= BEFORE + AFTER {
                "..."
            } else {
                ""
            };
            write!(f, "\n{pad} |\n{line} | {cut}{src}{more}")?;
            if let Some(col) = self.column {
                // Wide (CJK) characters take two cells: align the caret by display width.
                let before: String = self
                    .source_line
                    .iter()
                    .flat_map(|s| s.chars())
                    .take(col.saturating_sub(self.source_column))
                    .collect();
                let before = escape_controls(&before, &['\t']);
                let before = format!("{cut}{}", before.replace('\t', "    "));
                write!(f, "\n{pad} | {}^", " ".repeat(before.width()))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(
                f,
                "\n{} = 提示: {}",
                " ".repeat(gutter),
                escape_controls(hint, &['\n'])
            )?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_location_line_and_caret_under_wide_characters() {
        let text = "---\ntitle: 讲话\nspeker: 张三\n---\n";
        let d = Diagnostic::error("content/a.md", "未知字段 `speker`")
            .at(text, 3, 1)
            .with_hint("是不是 `speaker`?");
        let shown = d.to_string();
        assert!(shown.starts_with("错误: 未知字段 `speker`\n  --> content/a.md:3:1\n"));
        assert!(shown.contains("3 | speker: 张三\n  | ^"));
        assert!(shown.ends_with("= 提示: 是不是 `speaker`?"));

        let d = Diagnostic::error("a.md", "x").at("标题: 好", 1, 5);
        assert!(d.to_string().contains("1 | 标题: 好\n  |       ^"), "{d}");
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\n中文x\n\nz";
        let mut l = Locator::new(text);
        assert_eq!(l.locate(0), (1, 1));
        assert_eq!(l.locate(9), (2, 3));
        assert_eq!(l.locate(12), (4, 1));
        // Backwards, inside a character, past the end.
        assert_eq!(l.locate(4), (2, 1));
        assert_eq!(l.locate(5), (2, 1));
        assert_eq!(l.locate(6), (2, 2));
        assert_eq!(l.locate(99), (4, 2));
        let d = Diagnostic::warning("a.md", "x").at_offset(&mut Locator::new(text), 9);
        assert_eq!(d.location(), "a.md:2:3");
        assert_eq!(d.source_line.as_deref(), Some("中文x"));
    }

    #[test]
    fn lines_found_by_the_locator_are_the_lines_of_the_text() {
        for text in ["", "a", "a\n", "a\n\n", "ab\n中文x\n\nz", "\n\nx\r\ny\n"] {
            let mut l = Locator::new(text);
            // Forwards, backwards, the same line twice, after an offset lookup, past the end.
            for n in [1, 2, 3, 3, 1, 4, 2, 5, 9] {
                assert_eq!(l.line(n), text.lines().nth(n - 1), "{text:?} line {n}");
                l.locate(text.len() / 2);
            }
            let mut l = Locator::new(text);
            for n in 1..6 {
                let a = Diagnostic::warning("a.md", "x").at(text, n, 2);
                assert_eq!(Diagnostic::warning("a.md", "x").at_line(&mut l, n, 2), a);
            }
        }
    }

    #[test]
    fn a_very_long_line_is_shown_around_the_column() {
        let line = format!(
            "{}[链接](javascript:x){}",
            "字".repeat(5000),
            "尾".repeat(5000)
        );
        let text = format!("---\n{line}\n");
        let offset = text.find('[').unwrap();
        for d in [
            Diagnostic::error("a.md", "不安全").at_offset(&mut Locator::new(&text), offset),
            Diagnostic::error("a.md", "不安全").at(&text, 2, 5001),
        ] {
            assert_eq!(d.location(), "a.md:2:5001");
            let src = d.source_line.as_deref().unwrap();
            assert_eq!(src.chars().count(), BEFORE + AFTER);
            assert_eq!(d.source_column, 5001 - BEFORE);
            let shown = d.to_string();
            let lines: Vec<&str> = shown.lines().collect();
            let (code, caret) = (lines[3], lines[4]);
            assert!(
                code.starts_with("2 | ...字") && code.ends_with("尾..."),
                "{code}"
            );
            // The caret stands under the `[`, in display cells.
            assert_eq!(caret.width(), code[..code.find('[').unwrap()].width() + 1);
        }
    }

    #[test]
    fn control_characters_are_shown_escaped_and_the_caret_still_points() {
        let d = Diagnostic::error("content/\x1b]0;pwned\x07\u{9b}2K.md", "未知字段 `a\x1b[2K`").at(
            "---\n\x1b[31mspeker: 张三\n",
            2,
            6,
        );
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c != '\n' && acts_on_terminal(c)),
            "{shown:?}"
        );
        assert!(
            shown.contains("content/\\x1b]0;pwned\\x07\\u{9b}2K.md:2:6"),
            "{shown}"
        );
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[3], "2 | \\x1b[31mspeker: 张三");
        // Under the `s` of column 6: the escape before it counts at its printed width.
        assert_eq!(
            lines[4].width(),
            lines[3][..lines[3].find('s').unwrap()].width() + 1
        );
        assert_eq!(escape_controls("普通\t名字", &['\t']), "普通\t名字");
        assert_eq!(escape_controls("a\u{202E}b\n", &[]), "a\\u{202e}b\\n");
    }

    #[test]
    fn suggests_only_close_words() {
        let known = ["speaker", "speaker_title", "occasion"];
        assert_eq!(did_you_mean("speker", known), Some("speaker"));
        assert_eq!(did_you_mean("zzz", known), None);
    }

    #[test]
    fn sorts_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error("b.md", "x").at("a\nb", 2, 1),
            Diagnostic::error("a.md", "y").at("a\nb", 2, 1),
            Diagnostic::error("a.md", "z").at("a\nb", 1, 1),
            Diagnostic::error("a.md", "z").at("a\nb", 1, 1),
        ];
        sort(&mut v);
        let order: Vec<_> = v.iter().map(|d| d.location()).collect();
        assert_eq!(order, ["a.md:1:1", "a.md:2:1", "b.md:2:1"]);
    }
}
