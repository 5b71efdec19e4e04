//! The 归档文件目录 of a year being archived, `/catalogue/`: planned only when the site is an
//! archive's year ([`Site::catalogue`](crate::site::Site)), never in a build.

use std::borrow::Cow;
use std::hash::Hash;

use rustc_hash::FxHasher;
use serde::Serialize;

use crate::archive::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::{Job, Jobs};
use super::templated;

pub struct CataloguePage;

pub const URL: &str = "/catalogue/";

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    if cx.site.catalogue.is_some() {
        vec![Box::new(CataloguePage)]
    } else {
        Vec::new()
    }
}

/// A row as the page shows it.
#[derive(Serialize)]
struct RowView<'a> {
    number: String,
    code: &'a str,
    responsible: &'a str,
    doc_number: &'a str,
    title: &'a str,
    url: String,
    date: &'a str,
    retention: &'static str,
    files: usize,
    /// 大小 in KB, as a catalogue prints it.
    size_kb: String,
    remark: &'a str,
    metadata_url: String,
    /// The Markdown source in the bundle's `sources/`.
    source_url: String,
}

impl Job for CataloguePage {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(URL)
    }

    /// The catalogue whole: every cell the page shows.
    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        if let Some(c) = &cx.site.catalogue {
            serde_json::to_string(c.as_ref())
                .unwrap_or_default()
                .hash(h);
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let Some(c) = &cx.site.catalogue else {
            return Ok(Vec::new());
        };
        let title = format!("{}年度归档文件目录", c.year);
        let mut ctx = cx.base_context(&title, URL);
        ctx.insert("column", "历年归档");
        ctx.insert("year", &c.year);
        ctx.insert("fonds", &c.fonds);
        ctx.insert("agency", &c.agency);
        ctx.insert("rows", &rows(cx, c));
        ctx.insert("csv_url", &cx.url("/catalogue/catalogue.csv"));
        ctx.insert("xlsx_url", &cx.url("/catalogue/catalogue.xlsx"));
        ctx.insert("archive_url", &cx.url(&format!("/archive/{}/", c.year)));
        Ok(vec![templated(theme, "catalogue.html", URL, &ctx)?])
    }
}

fn rows<'c>(cx: &Ctx<'_>, c: &'c Catalogue) -> Vec<RowView<'c>> {
    c.rows
        .iter()
        .map(|r| RowView {
            number: format!("{:04}", r.number),
            code: &r.code,
            responsible: &r.responsible,
            doc_number: &r.doc_number,
            title: &r.title,
            url: cx.url(&r.url),
            date: &r.date,
            retention: r.retention.label(),
            files: r.files.len(),
            size_kb: format!("{:.1}", r.size() as f64 / 1024.0),
            remark: &r.remark,
            metadata_url: cx.url(&format!("/{}", r.metadata_path())),
            source_url: cx.url(&format!("/sources/{}", r.source)),
        })
        .collect()
}
