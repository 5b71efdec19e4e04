//! Words a published document must not carry: the placeholders an unfinished document still
//! has (待填写, 在这里写, XXX, TODO and the site's own `placeholders`) and the site's 错敏词
//! (`forbidden_words`). A document's title, front-matter values and body are read line by
//! line; YAML comments and the editor's `<!-- -->` notes are not published, so not read. A
//! draft is not published either: it may still say 待填写.

use super::Known;
use crate::diagnostic::{Diagnostic, Locator};
use crate::document::Document;

/// The placeholders every site refuses to publish; `site.yaml`'s `placeholders` adds more.
pub const PLACEHOLDERS: &[&str] = &["待填写", "在这里写", "XXX", "TODO"];

/// What a document must not say, and what to tell the editor who wrote it.
#[derive(Debug, Hash)]
pub(super) enum Word<'a> {
    Placeholder(&'a str),
    Forbidden(&'a str, Option<&'a str>),
}

impl<'a> Word<'a> {
    /// The built-in placeholders, the site's own, then its 错敏词.
    pub(super) fn of(config: &'a crate::config::Config) -> Vec<Word<'a>> {
        let placeholders = PLACEHOLDERS
            .iter()
            .copied()
            .chain(config.placeholders.iter().map(String::as_str));
        let forbidden = config
            .forbidden_words
            .iter()
            .map(|w| Word::Forbidden(w.word(), w.replacement()));
        placeholders
            .filter(|w| !w.trim().is_empty())
            .map(Word::Placeholder)
            .chain(forbidden.filter(|w| !w.text().trim().is_empty()))
            .collect()
    }

    fn text(&self) -> &'a str {
        match self {
            Word::Placeholder(w) | Word::Forbidden(w, _) => w,
        }
    }

    fn diagnostic(&self, doc: &Document) -> Diagnostic {
        match self {
            Word::Placeholder(w) => {
                Diagnostic::error(&doc.source, format!("「{w}」是占位文字,还没有换成实际内容"))
                    .with_hint("写好这一处再发布;整篇还没写完的,加一行 draft: true 暂不发布")
            }
            Word::Forbidden(w, Some(use_)) => Diagnostic::error(
                &doc.source,
                format!("「{w}」是本站不能使用的词(site.yaml 的 forbidden_words)"),
            )
            .with_hint(format!("改为「{use_}」")),
            Word::Forbidden(w, None) => Diagnostic::error(
                &doc.source,
                format!("「{w}」是本站不能使用的词(site.yaml 的 forbidden_words)"),
            )
            .with_hint("请改写这一处"),
        }
    }
}

/// Every placeholder and forbidden word a published document has, each where it stands.
pub(super) fn check(known: &Known<'_>, doc: &Document, diags: &mut Vec<Diagnostic>) {
    if doc.draft || known.words.is_empty() {
        return;
    }
    let mut locator = Locator::new(&doc.text);
    let mut in_note = false;
    for (i, line) in doc.text.lines().enumerate() {
        let n = i + 1;
        let published = if n < doc.body_line {
            without_yaml_comment(line).to_string()
        } else {
            without_notes(line, &mut in_note)
        };
        for word in &known.words {
            if let Some(at) = published.find(word.text()) {
                let column = published[..at].chars().count() + 1;
                diags.push(word.diagnostic(doc).at_line(&mut locator, n, column));
            }
        }
    }
}

/// A front-matter line without its comment: from a `#` that starts the line or follows a
/// space.
fn without_yaml_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let cut = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'));
    &line[..cut.unwrap_or(line.len())]
}

/// A body line without the `<!-- -->` notes on it (which may start on an earlier line, as
/// `in_note` says; it is left saying whether one goes on past this line). What is cut is
/// replaced by spaces of the same length, so columns stay where the editor sees them.
fn without_notes(line: &str, in_note: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        if *in_note {
            match rest.find("-->") {
                Some(end) => {
                    out.extend(std::iter::repeat_n(' ', rest[..end + 3].chars().count()));
                    rest = &rest[end + 3..];
                    *in_note = false;
                }
                None => {
                    out.extend(std::iter::repeat_n(' ', rest.chars().count()));
                    return out;
                }
            }
        }
        match rest.find("<!--") {
            Some(start) => {
                out.push_str(&rest[..start]);
                out.extend(std::iter::repeat_n(' ', 4));
                rest = &rest[start + 4..];
                *in_note = true;
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_notes_are_not_read() {
        assert_eq!(
            without_yaml_comment("speaker: 王建国 # 待填写"),
            "speaker: 王建国 "
        );
        assert_eq!(without_yaml_comment("# speaker: 待填写"), "");
        assert_eq!(without_yaml_comment("index_no: A#1"), "index_no: A#1");
        let mut in_note = false;
        // A note becomes as many spaces as it has characters: columns stay put.
        let spaces = |n: usize| " ".repeat(n);
        assert_eq!(
            without_notes("正文<!-- TODO -->结束", &mut in_note),
            format!("正文{}结束", spaces(13))
        );
        assert_eq!(
            without_notes("开头<!-- 不要公开", &mut in_note),
            format!("开头{}", spaces(9))
        );
        assert!(in_note);
        assert_eq!(
            without_notes("TODO -->后文 XXX", &mut in_note),
            format!("{}后文 XXX", spaces(8))
        );
        assert!(!in_note);
    }
}
