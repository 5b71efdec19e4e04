//! Diagnostics: what is wrong (or may be wrong) in which file, at which line, and how it is shown.
//!
//! Every stage collects diagnostics instead of stopping at the first one, so an
//! editor sees every problem of a run at once.

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
    /// The offending line, shown under the location.
    pub source_line: Option<String>,
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
        self.source_line = text
            .lines()
            .nth(line.max(1) - 1)
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, the form editors and terminals turn into a link.
    pub fn location(&self) -> String {
        let mut s = self.path.display().to_string();
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
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let pad = " ".repeat(gutter);
            write!(f, "\n{pad} |\n{line} | {src}")?;
            if let Some(col) = self.column {
                // Wide (CJK) characters take two cells: align the caret by display width.
                let before: String = src.chars().take(col.saturating_sub(1)).collect();
                let before = before.replace('\t', "    ");
                write!(f, "\n{pad} | {}^", " ".repeat(before.width()))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n{} = 提示: {hint}", " ".repeat(gutter))?;
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
