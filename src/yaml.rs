//! The one door to serde_yaml: typed deserialisation whose errors point at the line of the
//! file (not of the YAML block) and speak Chinese.
//!
//! Keeping serde_yaml behind this module means a switch to an API-compatible fork stays a
//! one-line change.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

mod checked;
mod fields;
mod slips;
mod translate;

use checked::Checked;
pub use checked::MULTILINE;
pub use translate::{english_key, field_label};

/// The whole block's one diagnostic, without [`from_yaml_all`]'s reading field by field: what
/// the tests below check of the translation and the line.
#[cfg(test)]
fn from_yaml<T: DeserializeOwned>(
    path: &Path,
    file_text: &str,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    deserialize(yaml).map_err(|f| f.diagnose(path, file_text, |line| first_line + line - 1))
}

/// Deserialises `yaml`, which starts at line `first_line` of `file_text` (the whole file),
/// reporting every problem of the block at once when it fails, each at its own line (see
/// [`fields`]): for a document's front matter and `site.yaml`.
pub fn from_yaml_all<T: DeserializeOwned>(
    path: &Path,
    file_text: &str,
    yaml: &str,
    first_line: usize,
) -> Result<T, Vec<Diagnostic>> {
    deserialize(yaml)
        .map_err(|whole| fields::every_problem::<T>(path, file_text, yaml, first_line, whole))
}

/// Why a snippet of YAML did not deserialise: serde's words and the 1-based line and column
/// in the snippet.
struct Failure {
    raw: String,
    line: usize,
    column: usize,
}

impl Failure {
    /// The diagnostic, at the file line `file_line` gives for the snippet's line.
    fn diagnose(
        &self,
        path: &Path,
        file_text: &str,
        file_line: impl Fn(usize) -> usize,
    ) -> Diagnostic {
        let (message, hint) = translate::translate(&self.raw);
        let d = Diagnostic::error(path, message).at(file_text, file_line(self.line), self.column);
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }
}

fn deserialize<T: DeserializeOwned>(yaml: &str) -> Result<T, Failure> {
    // Line and paragraph separators and NEL, invisible and pasted from web pages and word
    // processors, end a line for libyaml: inside a value they would cut it in two and fail
    // with a puzzling error. They are read as the space they look like.
    let cleaned;
    let yaml = if has_line_separator(yaml) {
        cleaned = yaml.replace(['\u{85}', '\u{2028}', '\u{2029}'], " ");
        cleaned.as_str()
    } else {
        yaml
    };
    T::deserialize(Checked::new(serde_yaml::Deserializer::from_str(yaml))).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| file_position(yaml, l.line(), l.column()))
            .unwrap_or((1, 1));
        let raw = e.to_string();
        // serde_yaml appends the location itself; we show it our way.
        let raw = match raw.rfind(" at line ") {
            Some(i) => raw[..i].to_string(),
            None => raw,
        };
        Failure { raw, line, column }
    })
}

/// Whether `text` has U+0085, U+2028 or U+2029: their UTF-8 starts with 0xC2 or 0xE2, which
/// are found without decoding every character of the Chinese around them.
fn has_line_separator(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(0xC2, 0xE2, b).any(|i| {
        matches!(
            &b[i..b.len().min(i + 3)],
            [0xC2, 0x85, ..] | [0xE2, 0x80, 0xA8] | [0xE2, 0x80, 0xA9]
        )
    })
}

/// libyaml's 1-based `line:column` in `yaml` → ours. libyaml also breaks lines at U+0085,
/// U+2028 and U+2029 (text pasted from word processors and web pages has them) and at a lone
/// `\r`; a file line ends only at `\n`, so its line numbers would run ahead of the file's.
fn file_position(yaml: &str, line: usize, column: usize) -> (usize, usize) {
    // libyaml's line, the file's line, and characters from the file line's start to libyaml's.
    let (mut at, mut file_line, mut offset) = (1, 1, 0);
    let mut chars = yaml.chars().peekable();
    while let Some(c) = chars.next() {
        if at >= line {
            break;
        }
        match c {
            '\n' => {
                at += 1;
                file_line += 1;
                offset = 0;
            }
            // `\r\n` is one break to both; a lone `\r` (decoding turns it into `\n`, but
            // `parse` may be handed any text) only to libyaml.
            '\r' if chars.peek() == Some(&'\n') => offset += 1,
            '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                at += 1;
                offset += 1;
            }
            _ => offset += 1,
        }
    }
    if at < line {
        // Past the end (an error at end of input): count on.
        return (file_line + line - at, column);
    }
    (file_line, offset + column)
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: Option<String>,
        speaker: Option<String>,
        status: Option<S>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum S {
        Done,
        InProgress,
    }

    fn err(yaml: &str) -> Diagnostic {
        let file = format!("---\n{yaml}---\n");
        from_yaml::<T>(Path::new("a.md"), &file, yaml, 2).unwrap_err()
    }

    #[test]
    fn unknown_field_names_file_line_and_suggestion() {
        let d = err("title: 讲话\nspeker: 张三\n");
        assert_eq!(d.location(), "a.md:3:1");
        assert_eq!(d.message, "未知字段 `speker`");
        assert_eq!(d.hint.as_deref(), Some("是不是 `speaker`?"));
        assert_eq!(d.source_line.as_deref(), Some("speker: 张三"));
    }

    #[test]
    fn bad_enum_lists_the_choices() {
        let d = err("status: don\n");
        assert_eq!(d.location(), "a.md:2:9");
        assert!(d.message.contains("取值 `don` 无效"), "{}", d.message);
        assert!(d.hint.unwrap().contains("是不是 `done`"));
    }

    #[test]
    fn negative_count_is_explained_in_chinese() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct V {
            votes: u32,
        }
        let d = from_yaml::<V>(Path::new("a.md"), "---\nvotes: -3\n---\n", "votes: -3\n", 2)
            .unwrap_err();
        assert_eq!(d.line, Some(2));
        assert_eq!(
            d.message,
            "字段 `votes`: 取值无效: 应为不小于 0 的整数,这里是 -3"
        );
    }

    #[test]
    fn invisible_separators_are_spaces() {
        let t: T = from_yaml(
            Path::new("a.md"),
            "",
            "title: 关于\u{2028}通知\u{2029}\u{85}\n",
            2,
        )
        .unwrap();
        assert_eq!(t.title.as_deref(), Some("关于 通知"));
    }

    #[test]
    fn lines_break_only_at_newlines() {
        // Found by fuzzing: U+2028 (pasted from a web page) is a line break to libyaml, which
        // pointed two lines past the end of this file.
        assert_eq!(file_position("a: 关于\u{2028}b\nc: [\nd:", 4, 2), (3, 2));
        assert_eq!(file_position("a: \"\u{85}\"\nb\u{2028}c: 1", 4, 1), (2, 3));
        let d = err("title: 关于\u{2028}通知\nspeker: x\n");
        assert_eq!(d.location(), "a.md:3:1");
        assert_eq!(d.source_line.as_deref(), Some("speker: x"));
        let d = err("title: \"a\u{85}b\"\n\tspeaker: c\n");
        assert_eq!(d.line, Some(3));
        assert_eq!(d.source_line.as_deref(), Some("\tspeaker: c"));
        let d = err("title: a\rb\r\nspeker: x\n");
        assert_eq!(d.location(), "a.md:3:1");
    }

    #[test]
    fn syntax_error_is_located() {
        let d = err("title: a\n  b: c\n");
        assert_eq!(d.line, Some(3));
        assert!(
            d.message.starts_with("YAML 格式错误: 这一行多了冒号"),
            "{}",
            d.message
        );
        let d = err("title: a\n\tspeaker: b\n");
        assert!(d.message.contains("Tab"), "{}", d.message);
        let d = err("title: \"未闭合\n");
        assert!(
            d.message.starts_with("YAML 格式错误: 引号或括号没有闭合"),
            "{}",
            d.message
        );
    }

    #[test]
    fn line_separators_are_found_among_chinese() {
        for sep in ['\u{85}', '\u{2028}', '\u{2029}'] {
            assert!(
                has_line_separator(&format!("整改—措施…{sep}“完成”")),
                "{sep:?}"
            );
        }
        // Their neighbours in UTF-8 are not.
        assert!(!has_line_separator(
            "整改—措施…“完成”\u{2027}\u{202A}\u{84}\u{86}é"
        ));
        assert!(!has_line_separator(""));
    }
}
