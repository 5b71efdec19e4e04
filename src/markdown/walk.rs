//! The walk `render` makes over a body's pulldown-cmark events: one method to each kind of
//! event it rewrites (headings, links, images, raw HTML and comments, footnotes), the first
//! paragraph gathered on the way. Every other event passes through as it is.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::{
    Anchors, ImageSource, LinkProblem, LinkTarget, RefKind, Rendered, first_raw, image_source,
    is_dangerous_url, md_link, shorten, strip_comments,
};
use crate::anchors;
use crate::slug::heading_id;

const LINK_HINT: &str = "写相对于本文件的路径,例如 ../speeches/mobilization.md";
const UNSAFE_HINT: &str = "公开网站不输出 javascript:、vbscript:、data: 链接";
const RAW_HTML_HINT: &str = "正文中的 HTML 标签按原样显示为文字:删去它,或改用 Markdown 的写法;编辑备注写成 <!-- 备注 -->,不会发布";
const COMMENT_HINT: &str = "备注以 <!-- 开始、以 --> 结束,才不会发布";
const IMAGE_HINT: &str =
    "图片文件放在文档旁边(content/ 之内),写相对于文档的路径,例如 ![会场照片](photo.jpg)";
const REMOTE_IMAGE_HINT: &str =
    "把图片文件保存到文档旁边,写成 ![说明](photo.jpg):政府网站不宜让读者的浏览器访问其他网站";
const FOOTNOTE_HINT: &str = "每个脚注只定义一次;另一条脚注换一个编号,如 [^2]";

/// One body's walk: what it has produced so far, and what it remembers between events.
pub(super) struct Walk<'e> {
    body: &'e str,
    unsafe_html: bool,
    resolve: &'e dyn Fn(RefKind, &str) -> LinkTarget,
    events: &'e [(Event<'e>, Range<usize>)],
    /// Everything but the HTML, which is written from `result` once the walk is done.
    out: Rendered,
    result: Vec<Event<'e>>,
    anchors: Anchors,
    /// Footnotes that have a reference: their label links back to it.
    referenced: HashSet<&'e str>,
    defined: HashSet<&'e str>,
    /// Links we refused: their end tags must be dropped too.
    dropped_links: Vec<bool>,
    in_first_paragraph: Option<bool>,
    in_code_block: bool,
    depth: usize,
    /// Where raw HTML was last seen, on a line already warned about: one warning to a line is
    /// enough. Each look starts where the last stopped, so a line of thousands stays linear.
    raw_seen: Option<usize>,
}

impl<'e> Walk<'e> {
    pub(super) fn new(
        body: &'e str,
        unsafe_html: bool,
        resolve: &'e dyn Fn(RefKind, &str) -> LinkTarget,
        events: &'e [(Event<'e>, Range<usize>)],
    ) -> Self {
        let referenced = events
            .iter()
            .filter_map(|(e, _)| match e {
                Event::FootnoteReference(l) => Some(l.as_ref()),
                _ => None,
            })
            .collect();
        Walk {
            body,
            unsafe_html,
            resolve,
            events,
            out: Rendered::default(),
            result: Vec::with_capacity(events.len()),
            anchors: Anchors::default(),
            referenced,
            defined: HashSet::new(),
            dropped_links: Vec::new(),
            in_first_paragraph: None,
            in_code_block: false,
            depth: 0,
            raw_seen: None,
        }
    }

    /// The problems, headings and first paragraph found, and the events to write as HTML.
    pub(super) fn run(mut self) -> (Rendered, Vec<Event<'e>>) {
        let events = self.events;
        let mut i = 0;
        while i < events.len() {
            i = match self.rewrite(i) {
                // An element taken whole is not followed: its text is no summary.
                Some(next) => next,
                None => {
                    self.follow(&events[i].0);
                    i + 1
                }
            };
        }
        (self.out, self.result)
    }

    /// Rewrites the event at `i` into `result`. An element taken whole (an HTML block, an
    /// unsafe image, a repeated footnote definition) gives the index of the event after it.
    fn rewrite(&mut self, i: usize) -> Option<usize> {
        let events = self.events;
        let (event, range) = &events[i];
        let offset = range.start;
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(i, *level, id, classes, attrs),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(offset, *link_type, dest_url, title, id),
            Event::End(TagEnd::Link) => {
                if !self.dropped_links.pop().unwrap_or(false) {
                    self.result.push(event.clone());
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_dangerous_url(dest_url) => {
                return Some(self.unsafe_image(i, offset, dest_url));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.image(offset, *link_type, dest_url, title, id),
            Event::Start(Tag::HtmlBlock) => return Some(self.html_block(i, offset)),
            Event::InlineHtml(s) | Event::Html(s) => self.inline_html(event, s, offset),
            Event::Text(t) if self.opens_comment(t, offset) => self.unclosed_comment(event, offset),
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                return self.footnote_definition(i, offset, label);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.result.push(Event::Html(CowStr::from("</div>\n")));
            }
            _ => self.result.push(event.clone()),
        }
        None
    }

    fn problem(
        &mut self,
        offset: usize,
        message: String,
        is_error: bool,
        hint: impl Into<Cow<'static, str>>,
    ) {
        self.out.problems.push(LinkProblem {
            offset,
            message,
            is_error,
            hint: hint.into(),
        });
    }

    /// A heading's id comes from its text (or its `{#id}`), unique on the page; the heading
    /// also goes to the table of contents.
    fn heading(
        &mut self,
        i: usize,
        level: HeadingLevel,
        id: &Option<CowStr<'e>>,
        classes: &[CowStr<'e>],
        attrs: &[(CowStr<'e>, Option<CowStr<'e>>)],
    ) {
        let mut text = String::new();
        for (event, _) in &self.events[i + 1..] {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = id
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| heading_id(&text));
        let unique = self.anchors.heading(base);
        self.out.headings.push((level as u8, unique.clone(), text));
        self.result.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes: classes.to_vec(),
            attrs: attrs.to_vec(),
        }));
    }

    /// A dangerous link keeps only its text; a link to a source file becomes its page's URL.
    fn link(
        &mut self,
        offset: usize,
        link_type: LinkType,
        dest_url: &CowStr<'e>,
        title: &CowStr<'e>,
        id: &CowStr<'e>,
    ) {
        if is_dangerous_url(dest_url) {
            self.problem(
                offset,
                format!("链接地址 `{}` 不安全,已只保留文字", shorten(dest_url)),
                false,
                UNSAFE_HINT,
            );
            self.dropped_links.push(true);
            return;
        }
        let dest = match md_link(dest_url) {
            Some((path, frag)) => match (self.resolve)(RefKind::Document, path) {
                LinkTarget::Url(u) => CowStr::from(format!("{u}{frag}")),
                LinkTarget::Broken { message, hint } => {
                    let hint = hint.map_or(Cow::Borrowed(LINK_HINT), Cow::Owned);
                    self.problem(offset, message, true, hint);
                    dest_url.clone()
                }
            },
            None => dest_url.clone(),
        };
        self.dropped_links.push(false);
        self.result.push(Event::Start(Tag::Link {
            link_type,
            dest_url: dest,
            title: title.clone(),
            id: id.clone(),
        }));
    }

    /// An unsafe image keeps its alt text and loses the image.
    fn unsafe_image(&mut self, i: usize, offset: usize, dest_url: &str) -> usize {
        self.problem(
            offset,
            format!("图片地址 `{}` 不安全,已只保留说明文字", shorten(dest_url)),
            false,
            UNSAFE_HINT,
        );
        let events = self.events;
        let mut j = i + 1;
        let mut nest = 0;
        while j < events.len() {
            match &events[j].0 {
                Event::Start(Tag::Image { .. }) => nest += 1,
                Event::End(TagEnd::Image) if nest == 0 => break,
                Event::End(TagEnd::Image) => nest -= 1,
                Event::Text(t) => self.result.push(Event::Text(t.clone())),
                _ => {}
            }
            j += 1;
        }
        j + 1
    }

    /// A local image becomes its copy's URL; one from another host, or one a reader's
    /// browser cannot load, is reported and left as written.
    fn image(
        &mut self,
        offset: usize,
        link_type: LinkType,
        dest_url: &CowStr<'e>,
        title: &CowStr<'e>,
        id: &CowStr<'e>,
    ) {
        let shown = shorten(dest_url);
        let dest = match image_source(dest_url) {
            ImageSource::Local => match (self.resolve)(RefKind::Image, dest_url) {
                LinkTarget::Url(u) => CowStr::from(u),
                LinkTarget::Broken { message, hint } => {
                    let hint = hint.map_or(Cow::Borrowed(IMAGE_HINT), Cow::Owned);
                    self.problem(offset, message, true, hint);
                    dest_url.clone()
                }
            },
            ImageSource::SitePath => dest_url.clone(),
            ImageSource::Remote => {
                self.problem(
                    offset,
                    format!("图片 `{shown}` 来自其他网站,读者打开本页时浏览器会访问该网站"),
                    false,
                    REMOTE_IMAGE_HINT,
                );
                dest_url.clone()
            }
            ImageSource::Other => {
                self.problem(
                    offset,
                    format!("图片地址 `{shown}` 是本机文件或其他协议,读者打不开"),
                    true,
                    IMAGE_HINT,
                );
                dest_url.clone()
            }
        };
        self.result.push(Event::Start(Tag::Image {
            link_type,
            dest_url: dest,
            title: title.clone(),
            id: id.clone(),
        }));
    }

    /// The whole block at once: a comment may span its lines, and only what is left once
    /// comments are dropped is raw HTML.
    fn html_block(&mut self, i: usize, offset: usize) -> usize {
        let events = self.events;
        let mut pieces: Vec<(&str, usize)> = Vec::new();
        let mut j = i + 1;
        while j < events.len() {
            match &events[j] {
                (Event::End(TagEnd::HtmlBlock), _) => break,
                (Event::Html(t) | Event::Text(t), r) => pieces.push((t, r.start)),
                _ => {}
            }
            j += 1;
        }
        let text: String = pieces.iter().map(|p| p.0).collect();
        // The source offset of a byte of `text`.
        let source_at = |k: usize| {
            let mut before = 0;
            for (t, start) in &pieces {
                if k < before + t.len() {
                    return start + (k - before);
                }
                before += t.len();
            }
            offset
        };
        let (kept, unclosed) = strip_comments(&text);
        if let Some(k) = unclosed {
            self.problem(
                source_at(k),
                "备注 `<!--` 没有结束的 `-->`,其后的正文都不会发布".into(),
                true,
                COMMENT_HINT,
            );
        }
        if let Some(k) = first_raw(&text) {
            if self.unsafe_html {
                self.result
                    .push(Event::Html(CowStr::from(kept.into_owned())));
            } else {
                self.raw_html(source_at(k), &text[k..]);
                self.result.push(Event::Start(Tag::Paragraph));
                self.result
                    .push(Event::Text(CowStr::from(kept.into_owned())));
                self.result.push(Event::End(TagEnd::Paragraph));
            }
        }
        j + 1
    }

    /// Inline HTML (or a line of it): comments dropped, the rest escaped unless trusted.
    fn inline_html(&mut self, event: &Event<'e>, s: &CowStr<'e>, offset: usize) {
        let (kept, unclosed) = strip_comments(s);
        if unclosed.is_some() {
            self.problem(
                offset,
                "备注 `<!--` 没有结束的 `-->`".into(),
                true,
                COMMENT_HINT,
            );
        }
        if !kept.is_empty() {
            if self.unsafe_html {
                self.result.push(event.clone());
            } else {
                self.raw_html(offset, &kept);
                self.result.push(Event::Text(s.clone()));
            }
        }
    }

    /// Warns of raw HTML shown as text, once to a line.
    fn raw_html(&mut self, offset: usize, html: &str) {
        let body = self.body;
        let same_line = self
            .raw_seen
            .is_some_and(|r| body.get(r..offset).is_some_and(|s| !s.contains('\n')));
        self.raw_seen = Some(offset);
        if same_line {
            return;
        }
        let shown: String = html.trim().chars().take(40).collect();
        self.problem(
            offset,
            format!("正文中的 HTML `{shown}` 会按原样显示为文字"),
            false,
            RAW_HTML_HINT,
        );
    }

    /// A comment the parser did not take as one (`<!-- 备注` with no end in a paragraph)
    /// would be published as text.
    fn opens_comment(&self, text: &str, offset: usize) -> bool {
        !self.in_code_block && self.body[offset..].starts_with("<!--") && text.starts_with('<')
    }

    fn unclosed_comment(&mut self, event: &Event<'e>, offset: usize) {
        self.problem(
            offset,
            "备注 `<!--` 没有结束的 `-->`,会显示在公开的页面上".into(),
            true,
            COMMENT_HINT,
        );
        self.result.push(event.clone());
    }

    fn footnote_reference(&mut self, label: &str) {
        let (n, id, refs) = self.anchors.footnote(label);
        *refs += 1;
        // `fnref-1`, then `fnref-1_2`: no footnote's id has `_` (see `heading_id`).
        let stem = &id[anchors::FOOTNOTE.len()..];
        let ref_id = match *refs {
            1 => format!("{}{stem}", anchors::FOOTNOTE_REF),
            k => format!("{}{stem}_{k}", anchors::FOOTNOTE_REF),
        };
        let html = format!(
            "<sup class=\"footnote-reference\" id=\"{ref_id}\"><a href=\"#{id}\">{n}</a></sup>"
        );
        self.result.push(Event::InlineHtml(CowStr::from(html)));
    }

    /// A footnote's label links back to its first reference, if it has one. A label defined
    /// again is reported and its definition skipped whole: one id, one text to a footnote.
    fn footnote_definition(
        &mut self,
        i: usize,
        offset: usize,
        label: &'e CowStr<'e>,
    ) -> Option<usize> {
        if !self.defined.insert(label.as_ref()) {
            self.problem(
                offset,
                format!("脚注 [^{label}] 重复定义,只用第一个定义"),
                false,
                FOOTNOTE_HINT,
            );
            let events = self.events;
            let mut j = i + 1;
            let mut nest = 0;
            while j < events.len() {
                match &events[j].0 {
                    Event::Start(Tag::FootnoteDefinition(_)) => nest += 1,
                    Event::End(TagEnd::FootnoteDefinition) if nest == 0 => break,
                    Event::End(TagEnd::FootnoteDefinition) => nest -= 1,
                    _ => {}
                }
                j += 1;
            }
            return Some(j + 1);
        }
        let is_referenced = self.referenced.contains(label.as_ref());
        let (n, id, _) = self.anchors.footnote(label);
        let number = if is_referenced {
            let back = &id[anchors::FOOTNOTE.len()..];
            format!("<a href=\"#{}{back}\">{n}</a>", anchors::FOOTNOTE_REF)
        } else {
            n.to_string()
        };
        let html = format!(
            "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\">{number}</sup>\n"
        );
        self.result.push(Event::Html(CowStr::from(html)));
        None
    }

    /// What the walk keeps track of, from the event as written (not as rewritten).
    fn follow(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            _ => {}
        }
        self.summary(event);
        match event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    /// The first top-level paragraph is the default summary.
    fn summary(&mut self, event: &Event<'_>) {
        let first = &mut self.out.first_paragraph;
        match event {
            Event::Start(Tag::Paragraph)
                if self.depth == 0 && self.in_first_paragraph.is_none() =>
            {
                self.in_first_paragraph = Some(true);
            }
            Event::End(TagEnd::Paragraph)
                if self.in_first_paragraph == Some(true) && self.depth == 1 =>
            {
                self.in_first_paragraph = Some(false);
            }
            Event::Text(t) | Event::Code(t) if self.in_first_paragraph == Some(true) => {
                first.push_str(t);
            }
            // Chinese text wraps without spaces; Latin words need one.
            Event::SoftBreak | Event::HardBreak
                if self.in_first_paragraph == Some(true)
                    && first.ends_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                first.push(' ');
            }
            _ => {}
        }
    }
}
