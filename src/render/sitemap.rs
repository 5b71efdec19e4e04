//! The sitemap, `/sitemap.xml`: every page's URL with its date, split into `sitemaps/{n}.xml`
//! under an index past the protocol's limit.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::Output;
use crate::theme::Theme;

use super::context::Ctx;
use super::feed::xml_escape;
use super::{Job, Jobs};

pub struct Sitemap;

impl Job for Sitemap {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed("/sitemap.xml")
    }

    fn paths(&self, cx: &Ctx<'_>, jobs: &Jobs<'_>) -> Vec<String> {
        let parts = rows(cx, jobs).len().div_ceil(SITEMAP_URLS);
        // As `files` splits them.
        let mut paths = vec!["sitemap.xml".to_string()];
        if parts > 1 {
            paths.extend((1..=parts).map(|n| format!("sitemaps/{n}.xml")));
        }
        paths
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        let site = cx.site;
        for p in &site.pages {
            (p.url(), p.doc.date).hash(h);
        }
        site.years().hash(h);
        site.tag_slugs.hash(h);
        for kind in Kind::LISTED {
            site.of_kind(kind).count().hash(h);
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        _theme: &Theme,
        jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        Ok(files(
            &cx.site.config.base_url,
            &rows(cx, jobs),
            SITEMAP_URLS,
        ))
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}

/// The sitemap protocol's limit of URLs in one file (sitemaps.org): search engines ignore a
/// longer one. A site with more gets `sitemap.xml` as an index of `sitemaps/{n}.xml`.
const SITEMAP_URLS: usize = 50_000;

/// Every page URL with its date, sorted.
fn rows(cx: &Ctx<'_>, jobs: &Jobs<'_>) -> Vec<(String, Option<Date>)> {
    let mut rows: Vec<(String, Option<Date>)> = jobs
        .iter()
        .filter_map(|job| {
            let date = job.sitemap(cx)?;
            Some((job.url(cx).into_owned(), date))
        })
        .collect();
    rows.sort();
    rows
}

/// `sitemap.xml`, and when `rows` are more than `limit`, the files it indexes.
fn files(base: &str, rows: &[(String, Option<Date>)], limit: usize) -> Vec<Output> {
    if rows.len() <= limit {
        return vec![Output::bytes(
            "sitemap.xml",
            urlset(base, rows).into_bytes(),
        )];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut outputs = Vec::new();
    for (n, chunk) in rows.chunks(limit).enumerate() {
        let path = format!("sitemaps/{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&format!("{base}/{path}"))
        ));
        outputs.push(Output::bytes(path, urlset(base, chunk).into_bytes()));
    }
    index.push_str("</sitemapindex>\n");
    outputs.push(Output::bytes("sitemap.xml", index.into_bytes()));
    outputs
}

fn urlset(base: &str, rows: &[(String, Option<Date>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in rows {
        s.push_str(&format!(
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{base}{url}"))
        ));
        if let Some(d) = date {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Content;

    #[test]
    fn a_sitemap_past_the_protocol_limit_becomes_an_index() {
        let rows: Vec<(String, Option<Date>)> = ["/a/", "/b/", "/c/"]
            .iter()
            .map(|u| (u.to_string(), Date::parse("2024-05-12").ok()))
            .collect();
        let text = |o: &Output| match &o.content {
            Content::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Content::Copy(_) => unreachable!(),
        };
        let one = files("https://x.gov.cn", &rows, 3);
        assert_eq!(one.len(), 1);
        assert!(text(&one[0]).contains("<urlset"));
        assert_eq!(text(&one[0]).matches("<url>").count(), 3);

        let split = files("https://x.gov.cn", &rows, 2);
        let paths: Vec<&str> = split.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["sitemaps/1.xml", "sitemaps/2.xml", "sitemap.xml"]);
        assert_eq!(text(&split[0]).matches("<url>").count(), 2);
        assert_eq!(text(&split[1]).matches("<url>").count(), 1);
        let index = text(&split[2]);
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://x.gov.cn/sitemaps/2.xml</loc>"));
    }
}
