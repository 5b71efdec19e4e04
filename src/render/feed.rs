//! The Atom feed, `/feed.xml`: the latest documents whole. Written without a template
//! because its format is fixed; the XML escaping and timestamps are here and the sitemap's too.

use std::borrow::Cow;

use rustc_hash::FxHasher;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::context::Ctx;
use super::pages::full;
use super::{Job, Jobs};

/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 30;

pub struct Feed;

/// The documents the feed carries: the latest, free pages left out.
fn entries<'a>(cx: &Ctx<'a>) -> impl Iterator<Item = &'a Page> {
    cx.site
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| p.doc.kind != Kind::Page)
        .take(FEED_ENTRIES)
}

impl Job for Feed {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/feed.xml")
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        full(h, entries(cx));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        _theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        Ok(vec![Output::bytes("feed.xml", feed(cx).into_bytes())])
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A date at midnight in the site's time zone, RFC 3339.
fn timestamp(d: Date, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    d.0.to_zoned_datetime(zone)
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{d}T00:00:00Z"))
}

fn feed(cx: &Ctx<'_>) -> String {
    let c = &cx.site.config;
    let entries: Vec<&Page> = entries(cx).collect();
    let updated = entries
        .iter()
        .filter_map(|p| p.doc.date)
        .max()
        .map(|d| timestamp(d, &c.timezone))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let author = c.organizer.as_deref().unwrap_or(&c.title);
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    s.push_str(&format!("  <title>{}</title>\n", xml_escape(&c.title)));
    if let Some(d) = &c.description {
        s.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(d)));
    }
    s.push_str(&format!(
        "  <link href=\"{0}/\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{0}/feed.xml\"/>\n  <id>{0}/</id>\n  <updated>{1}</updated>\n  <author><name>{2}</name></author>\n",
        xml_escape(&c.base_url),
        updated,
        xml_escape(author)
    ));
    for p in entries {
        let url = format!("{}{}", c.base_url, p.url());
        let when = p
            .doc
            .date
            .map(|d| timestamp(d, &c.timezone))
            .unwrap_or_else(|| updated.clone());
        s.push_str("  <entry>\n");
        s.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&p.doc.title)
        ));
        s.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(&url)));
        s.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        s.push_str(&format!(
            "    <published>{when}</published>\n    <updated>{when}</updated>\n"
        ));
        if let Some(issuer) = &p.doc.issuer {
            s.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(issuer)
            ));
        }
        s.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            p.doc.kind.name(),
            p.doc.kind.label()
        ));
        if !p.summary.is_empty() {
            s.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml_escape(&p.summary)
            ));
        }
        s.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&p.content.html)
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn timestamps_carry_the_site_offset() {
        let d = Date::parse("2024-05-12").unwrap();
        assert_eq!(timestamp(d, "Asia/Shanghai"), "2024-05-12T00:00:00+08:00");
    }
}
