//! Markdown to HTML with pulldown-cmark: the extensions editors expect, heading anchors that
//! work for Chinese, raw HTML escaped unless the site opts in, dangerous link schemes dropped,
//! links between source files rewritten to URLs, and the first paragraph as a summary.

mod walk;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, html};

use crate::anchors;
use crate::slug::heading_id;
use walk::Walk;

/// What a relative link to another `.md` file, or a relative image, became.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// The target's URL (site-relative).
    Url(String),
    /// A file that does not exist, or a draft: the message says which, and the hint (when
    /// there is one fitting this case) what to do.
    Broken {
        message: String,
        hint: Option<String>,
    },
}

impl LinkTarget {
    /// Broken, with the general hint for its kind of reference.
    pub fn broken(message: String) -> LinkTarget {
        LinkTarget::Broken {
            message,
            hint: None,
        }
    }
}

/// What a relative reference of the body points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// A link to another source file, `../speeches/x.md`.
    Document,
    /// An image's file, `photo.jpg`: copied beside the page.
    Image,
}

/// A problem of the body at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub offset: usize,
    pub message: String,
    /// Errors stop the build (broken links, missing images, an unclosed comment); warnings
    /// (unsafe links, raw HTML, images from other hosts) do not.
    pub is_error: bool,
    /// What the editor can do about it.
    pub hint: std::borrow::Cow<'static, str>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// `(level, id, text)` of every heading, for a table of contents.
    pub headings: Vec<(u8, String, String)>,
    pub problems: Vec<LinkProblem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// `javascript:`, `vbscript:` and `data:` never become links. Browsers ignore whitespace and
/// control characters inside a scheme, so those are dropped before comparing.
pub fn is_dangerous_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|&c| c != ':' && c != '/' && c != '?' && c != '#')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_colon = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .nth(scheme.chars().count())
        == Some(':');
    has_colon && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// An address as a message shows it: a pasted `data:` image is megabytes long.
fn shorten(url: &str) -> String {
    match url.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &url[..i]),
        None => url.to_string(),
    }
}

/// A relative link to a Markdown source: `../speeches/x.md#part` → (`../speeches/x.md`, `#part`).
fn md_link(url: &str) -> Option<(&str, &str)> {
    if url.contains("://") || url.starts_with('/') || url.starts_with('#') || url.contains(':') {
        return None;
    }
    let (path, frag) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let lower = path.to_ascii_lowercase();
    (lower.ends_with(".md")).then_some((path, frag))
}

/// Where an image's address leads.
#[derive(Debug, PartialEq, Eq)]
enum ImageSource {
    /// A file of the site, relative to the document.
    Local,
    /// `/assets/x.png`: the site's own static files, left as written.
    SitePath,
    /// `http://`, `https://` or `//host`: another host.
    Remote,
    /// `file:`, `C:` and other schemes a reader's browser cannot load from the site.
    Other,
}

fn image_source(url: &str) -> ImageSource {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        return ImageSource::Remote;
    }
    if lower.starts_with('/') {
        return ImageSource::SitePath;
    }
    let scheme_end = lower.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    match scheme_end {
        Some(i) if i > 0 && lower[i..].starts_with(':') => ImageSource::Other,
        _ => ImageSource::Local,
    }
}

/// The length of the comment `s` begins with (`<!-- … -->`, or the short `<!-->` and
/// `<!--->`); `None` if it never ends.
fn comment_len(s: &str) -> Option<usize> {
    let after = s.strip_prefix("<!--")?;
    let end = if after.starts_with('>') {
        1
    } else if after.starts_with("->") {
        2
    } else {
        after.find("-->")? + 3
    };
    Some(4 + end)
}

/// `text` without its HTML comments, and where in it an unclosed one begins (it runs to the
/// end, and is dropped too).
fn strip_comments(text: &str) -> (Cow<'_, str>, Option<usize>) {
    if !text.contains("<!--") {
        return (Cow::Borrowed(text), None);
    }
    let mut kept = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(k) = text[rest..].find("<!--") {
        let at = rest + k;
        kept.push_str(&text[rest..at]);
        match comment_len(&text[at..]) {
            Some(len) => rest = at + len,
            None => return (Cow::Owned(kept), Some(at)),
        }
    }
    kept.push_str(&text[rest..]);
    (Cow::Owned(kept), None)
}

/// Where the first text of `text` that is neither blank nor a comment begins.
fn first_raw(text: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        at += text[at..].find(|c: char| !c.is_whitespace())?;
        if !text[at..].starts_with("<!--") {
            return Some(at);
        }
        at += comment_len(&text[at..])?;
    }
}

/// The ids a body gives its headings and footnotes, unique on the page.
#[derive(Default)]
struct Anchors {
    used: HashSet<String>,
    /// The next suffix to try for a base id: thousands of "## 1" stay linear.
    next: HashMap<String, usize>,
    /// Footnote label → (its number, its id, references so far).
    footnotes: HashMap<String, (usize, String, usize)>,
}

impl Anchors {
    /// `base`, or `base-1`, `base-2`… as earlier ids took it.
    fn unique(&mut self, base: String) -> String {
        let n = self.next.entry(base.clone()).or_insert(0);
        let mut id = if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while !self.used.insert(id.clone()) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        *n += 1;
        id
    }

    /// A heading's id: `h-base` if the theme or the footnotes have `base`.
    fn heading(&mut self, base: String) -> String {
        if anchors::is_reserved(&base) {
            self.unique(format!("{}{base}", anchors::HEADING))
        } else {
            self.unique(base)
        }
    }

    /// The number and id of the footnote `label`, in the order labels first appear (as
    /// pulldown-cmark numbers them).
    fn footnote(&mut self, label: &str) -> &mut (usize, String, usize) {
        if !self.footnotes.contains_key(label) {
            let n = self.footnotes.len() + 1;
            // A label may hold spaces or punctuation; an id may not.
            let id = self.unique(format!("{}{}", anchors::FOOTNOTE, heading_id(label)));
            self.footnotes.insert(label.to_string(), (n, id, 0));
        }
        self.footnotes.get_mut(label).expect("inserted above")
    }
}

/// Renders `body`. `resolve` maps a relative `.md` link or image (as written) to its target.
pub fn render(
    body: &str,
    unsafe_html: bool,
    resolve: &dyn Fn(RefKind, &str) -> LinkTarget,
) -> Rendered {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let (mut out, result) = Walk::new(body, unsafe_html, resolve, &events).run();

    // Every body's HTML is kept until the site is written: room enough not to grow while
    // writing, then only what it holds (tables run to twice their Markdown, and a doubled
    // buffer kept per document took most of a large site's memory).
    out.html.reserve(body.len() * 2);
    html::push_html(&mut out.html, result.into_iter());
    align_by_class(&mut out.html);
    out.html.shrink_to_fit();
    out.first_paragraph = out.first_paragraph.trim().to_string();
    out
}

/// A table column's alignment as a class, not the `style` attribute pulldown-cmark writes: a
/// Content-Security-Policy without `'unsafe-inline'` (deploy/nginx.conf's) ignores inline
/// styles, and the column would lose its alignment.
fn align_by_class(html: &mut String) {
    if !html.contains(" style=\"text-align: ") {
        return;
    }
    for side in ["left", "center", "right"] {
        let style = format!(" style=\"text-align: {side}\"");
        if html.contains(&style) {
            *html = html.replace(&style, &format!(" class=\"align-{side}\""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        render(body, false, &|_, p| {
            if p == "../speeches/a.md" {
                LinkTarget::Url("/2024/speeches/a/".into())
            } else {
                LinkTarget::broken(format!("链接的文件 `{p}` 不存在"))
            }
        })
    }

    #[test]
    fn table_alignment_is_a_class_a_content_security_policy_allows() {
        let r = md("| 事项 | 状态 | 日期 |\n|:---|:---:|---:|\n| a | b | c |\n");
        assert!(!r.html.contains("style="), "{}", r.html);
        for side in ["left", "center", "right"] {
            assert_eq!(
                r.html.matches(&format!("class=\"align-{side}\"")).count(),
                2,
                "{}",
                r.html
            );
        }
    }

    #[test]
    fn extensions_are_on() {
        let r =
            md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~删~~ 脚注[^1]\n\n- [x] 完成\n\n[^1]: 注释\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>删</del>"));
        assert!(r.html.contains("footnote"));
        assert!(r.html.contains("checkbox"));
    }

    #[test]
    fn chinese_headings_get_unique_ids() {
        let r = md("## 一、总体要求\n\n## 一、总体要求\n");
        assert!(r.html.contains(r#"<h2 id="一总体要求">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="一总体要求-1">"#));
        assert_eq!(
            r.headings[0],
            (2, "一总体要求".into(), "一、总体要求".into())
        );
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let r = md("<script>alert(1)</script>\n\n文字<b>粗</b>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.html.contains("&lt;b&gt;"));
        let r = render("<b>粗</b>\n", true, &|_, _| LinkTarget::Url(String::new()));
        assert!(r.html.contains("<b>粗</b>"));
    }

    #[test]
    fn dangerous_links_keep_only_their_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "javascript&#58;alert(1)",
            "&#x6A;avascript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let r = md(&format!("[点我]({url})\n"));
            assert!(!r.html.contains("href"), "{url}: {}", r.html);
            assert!(r.html.contains("点我"));
            assert!(!r.problems[0].is_error);
        }
        let r = md("![图](data:image/png;base64,xx)\n");
        assert!(!r.html.contains("<img"));
        assert!(r.html.contains('图'));
        assert!(is_dangerous_url("java\tscript:x"));
        assert!(is_dangerous_url(" \u{1}javascript:x"));
        assert!(!is_dangerous_url("https://example.com/javascript:"));
        assert!(!is_dangerous_url("notes/data.md"));
    }

    #[test]
    fn md_links_are_rewritten_or_reported() {
        let r = md("见[讲话](../speeches/a.md#二)和[旧文](../notices/gone.md)。\n");
        assert!(
            r.html.contains(r#"href="/2024/speeches/a/#%E4%BA%8C""#)
                || r.html.contains(r#"href="/2024/speeches/a/#二""#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].is_error);
        assert_eq!(
            &"见[讲话](../speeches/a.md#二)和[旧文](../notices/gone.md)。\n"
                [r.problems[0].offset..r.problems[0].offset + 1],
            "["
        );
        let r = md("[外部](https://www.npc.gov.cn/) [附件](plan.pdf)\n");
        assert!(r.problems.is_empty());
        assert!(r.html.contains(r#"href="plan.pdf""#));
    }

    #[test]
    fn comments_are_cut_out_and_an_open_one_runs_to_the_end() {
        let cut = |s| {
            let (kept, open) = strip_comments(s);
            (kept.into_owned(), open)
        };
        assert_eq!(cut("a<!-- x -->b<!---->c<!-->d"), ("abcd".into(), None));
        assert_eq!(cut("a<!-- x -- y > z -->b"), ("ab".into(), None));
        assert_eq!(cut("a<!-- 备注"), ("a".into(), Some(1)));
        assert_eq!(first_raw(" <!-- x -->\n <b>"), Some(13));
        assert_eq!(first_raw(" <!-- x -->\n"), None);
    }

    #[test]
    fn images_are_local_or_from_somewhere_else() {
        for (url, source) in [
            ("photo.jpg", ImageSource::Local),
            ("../图片/会场 1.png", ImageSource::Local),
            ("/assets/logo.png", ImageSource::SitePath),
            ("HTTPS://x.cn/a.png", ImageSource::Remote),
            ("//x.cn/a.png", ImageSource::Remote),
            ("file:///C:/a.png", ImageSource::Other),
            ("C:/a.png", ImageSource::Other),
        ] {
            assert_eq!(image_source(url), source, "{url}");
        }
    }

    #[test]
    fn first_paragraph_is_the_summary() {
        let r = md("## 标题\n\n第一段**重点**内容,\n接着写。\n\n第二段。\n");
        assert_eq!(r.first_paragraph, "第一段重点内容,接着写。");
    }
}
