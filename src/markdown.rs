//! Markdown to HTML with pulldown-cmark: the extensions editors expect, heading anchors that
//! work for Chinese, raw HTML escaped unless the site opts in, dangerous link schemes dropped,
//! links between source files rewritten to URLs, and the first paragraph as a summary.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::slug::heading_id;

/// What a relative link to another `.md` file became.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// The target's URL (site-relative).
    Url(String),
    /// A file that does not exist, or a draft: the message says which.
    Broken(String),
}

/// A link problem at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub offset: usize,
    pub message: String,
    /// Warnings are dropped links (unsafe schemes); errors are broken links.
    pub is_error: bool,
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

fn level(l: HeadingLevel) -> u8 {
    l as u8
}

/// Renders `body`. `resolve` maps a relative `.md` link (as written) to its target.
pub fn render(body: &str, unsafe_html: bool, resolve: &dyn Fn(&str) -> LinkTarget) -> Rendered {
    let mut out = Rendered::default();
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();

    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut result: Vec<Event<'_>> = Vec::with_capacity(events.len());
    // Links we refused: their end tags must be dropped too.
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut in_first_paragraph = None::<bool>;
    let mut depth = 0usize;

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level: lvl,
                id,
                classes,
                attrs,
            }) => {
                // Gather the heading's text to derive its id.
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() {
                    match &events[j].0 {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| heading_id(&text));
                let n = used_ids.entry(base.clone()).or_insert(0);
                *n += 1;
                let unique = if *n == 1 {
                    base
                } else {
                    format!("{base}-{}", *n - 1)
                };
                out.headings.push((level(*lvl), unique.clone(), text));
                result.push(Event::Start(Tag::Heading {
                    level: *lvl,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_dangerous_url(dest_url) {
                    out.problems.push(LinkProblem {
                        offset: range.start,
                        message: format!("链接地址 `{}` 不安全,已只保留文字", shorten(dest_url)),
                        is_error: false,
                    });
                    dropped_links.push(true);
                } else {
                    let dest = match md_link(dest_url) {
                        Some((path, frag)) => match resolve(path) {
                            LinkTarget::Url(u) => CowStr::from(format!("{u}{frag}")),
                            LinkTarget::Broken(msg) => {
                                out.problems.push(LinkProblem {
                                    offset: range.start,
                                    message: msg,
                                    is_error: true,
                                });
                                dest_url.clone()
                            }
                        },
                        None => dest_url.clone(),
                    };
                    dropped_links.push(false);
                    result.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if !dropped_links.pop().unwrap_or(false) {
                    result.push(event.clone());
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_dangerous_url(dest_url) => {
                out.problems.push(LinkProblem {
                    offset: range.start,
                    message: format!("图片地址 `{}` 不安全,已只保留说明文字", shorten(dest_url)),
                    is_error: false,
                });
                // Keep the alt text, drop the image.
                let mut j = i + 1;
                let mut nest = 0;
                while j < events.len() {
                    match &events[j].0 {
                        Event::Start(Tag::Image { .. }) => nest += 1,
                        Event::End(TagEnd::Image) if nest == 0 => break,
                        Event::End(TagEnd::Image) => nest -= 1,
                        Event::Text(t) => result.push(Event::Text(t.clone())),
                        _ => {}
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            Event::Html(s) | Event::InlineHtml(s) if !unsafe_html => {
                result.push(Event::Text(s.clone()));
            }
            Event::Start(Tag::HtmlBlock) if !unsafe_html => {
                result.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::HtmlBlock) if !unsafe_html => {
                result.push(Event::End(TagEnd::Paragraph));
            }
            _ => result.push(event.clone()),
        }

        // The first top-level paragraph is the default summary.
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 && in_first_paragraph.is_none() => {
                in_first_paragraph = Some(true);
            }
            Event::End(TagEnd::Paragraph) if in_first_paragraph == Some(true) && depth == 1 => {
                in_first_paragraph = Some(false);
            }
            Event::Text(t) | Event::Code(t) if in_first_paragraph == Some(true) => {
                out.first_paragraph.push_str(t);
            }
            // Chinese text wraps without spaces; Latin words need one.
            Event::SoftBreak | Event::HardBreak
                if in_first_paragraph == Some(true)
                    && out
                        .first_paragraph
                        .ends_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                out.first_paragraph.push(' ');
            }
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }

    // Every body's HTML is kept until the site is written: room enough not to grow while
    // writing, then only what it holds (tables run to twice their Markdown, and a doubled
    // buffer kept per document took most of a large site's memory).
    out.html.reserve(body.len() * 2);
    html::push_html(&mut out.html, result.into_iter());
    out.html.shrink_to_fit();
    out.first_paragraph = out.first_paragraph.trim().to_string();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        render(body, false, &|p| {
            if p == "../speeches/a.md" {
                LinkTarget::Url("/2024/speeches/a/".into())
            } else {
                LinkTarget::Broken(format!("链接的文件 `{p}` 不存在"))
            }
        })
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
        let r = render("<b>粗</b>\n", true, &|_| LinkTarget::Url(String::new()));
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
    fn first_paragraph_is_the_summary() {
        let r = md("## 标题\n\n第一段**重点**内容,\n接着写。\n\n第二段。\n");
        assert_eq!(r.first_paragraph, "第一段重点内容,接着写。");
    }
}
