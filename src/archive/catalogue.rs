//! The 归档文件目录 of a year: one row a document (a 件), numbered within its 保管期限 in the
//! order the documents were made, with its 档号 (DA/T 22-2015); the files each row holds in the
//! bundle; and the catalogue as CSV and .xlsx.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::settings::{ArchiveSettings, Retention};
use crate::bundle::{FileEntry, entry_sm3};
use crate::document::Details;
use crate::load::slash_path;
use crate::site::{Page, Site};

/// The 门类代码 of 文书 (WS): every document of a review is a 文书 record.
pub const CLASS: &str = "WS";

/// Where the bundle keeps the catalogue and each document's metadata.
pub const CATALOGUE_CSV: &str = "catalogue/catalogue.csv";
pub const CATALOGUE_XLSX: &str = "catalogue/catalogue.xlsx";
/// Where the bundle keeps the sources: `sources/site.yaml`, `sources/content/…`.
pub const SOURCES: &str = "sources/";

/// The 归档文件目录 of one year.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    pub fonds: String,
    pub agency: String,
    pub year: i32,
    /// By 保管期限 (永久, 30年, 10年), then 件号.
    pub rows: Vec<Row>,
    /// Each row's page URL to its position: every page of the year asks for its 档号.
    #[serde(skip)]
    by_url: HashMap<String, usize>,
}

/// One 件: a document and what the bundle holds of it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// 件号, from 1 within the year and 保管期限.
    pub number: u32,
    /// 档号: `J012-WS·2025-Y-0001`.
    pub code: String,
    pub retention: Retention,
    /// 责任者: the speaker of a speech, the department of a rectification, else the
    /// document's `issuer` or the 立档单位.
    pub responsible: String,
    /// 文号.
    pub doc_number: String,
    /// 题名.
    pub title: String,
    /// 日期 as DA/T 22 writes it, `20250312`: the 成文日期, else the date of publication.
    pub date: String,
    /// 文种: the document's type, as the site names it.
    pub kind: &'static str,
    /// The page's site path, `/2025/speeches/x/`.
    pub url: String,
    /// The Markdown source, `content/2025/speeches/x.md`.
    pub source: String,
    /// The original files the page was made from besides its source: attachments, images.
    pub originals: Vec<String>,
    /// 备注: the attachments' titles.
    pub remark: String,
    /// What the bundle holds of this 件 (the page, its attachments, its sources) with their
    /// digests, filled in once the bundle's files are known ([`Catalogue::count_files`]).
    pub files: Vec<FileEntry>,
}

impl Row {
    /// The metadata file of this 件: `metadata/J012-WS-2025-Y-0001.xml` (the 档号 with its
    /// `·` as `-`, so that every unzip tool writes the same name).
    pub fn metadata_path(&self) -> String {
        format!("metadata/{}.xml", self.code.replace('·', "-"))
    }

    /// 大小: the bytes of its files.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// The 档号 of the `number`th 件 of `year` kept for `retention`, in the DA/T 22-2015 form.
pub fn code(fonds: &str, year: i32, retention: Retention, number: u32) -> String {
    format!("{fonds}-{CLASS}·{year}-{}-{number:04}", retention.code())
}

impl Catalogue {
    /// Numbers `pages` (the year's documents): within each 保管期限 by date, then by source
    /// path, so the same documents always get the same 档号.
    pub fn new(site: &Site, settings: &ArchiveSettings, year: i32, pages: &[Arc<Page>]) -> Self {
        let mut ordered: Vec<&Arc<Page>> = pages.iter().collect();
        ordered.sort_by(|a, b| (a.doc.date, &a.doc.source).cmp(&(b.doc.date, &b.doc.source)));
        let mut next: BTreeMap<Retention, u32> = BTreeMap::new();
        let mut rows: Vec<Row> = ordered
            .into_iter()
            .map(|p| {
                let retention = p.doc.retention.unwrap_or(settings.retention);
                let number = next.entry(retention).or_insert(0);
                *number += 1;
                row(site, settings, year, p, retention, *number)
            })
            .collect();
        rows.sort_by_key(|r| (r.retention, r.number));
        let by_url = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.url.clone(), i))
            .collect();
        Catalogue {
            fonds: settings.fonds.trim().to_string(),
            agency: settings.agency.trim().to_string(),
            year,
            rows,
            by_url,
        }
    }

    /// The 档号 of the document at site path `url`.
    pub fn code_of(&self, url: &str) -> Option<&str> {
        self.by_url.get(url).map(|&i| self.rows[i].code.as_str())
    }

    /// Fills in each row's files from what the bundle holds, with their digests: everything
    /// under its page's folder, and its sources under `sources/`.
    pub fn count_files(&mut self, held: &BTreeMap<String, Vec<u8>>) {
        self.rows.par_iter_mut().for_each(|row| {
            let folder = row.url.trim_start_matches('/').to_string();
            let under = held
                .range(folder.clone()..)
                .take_while(|(p, _)| p.starts_with(&folder));
            let sources: BTreeSet<String> = std::iter::once(&row.source)
                .chain(&row.originals)
                .map(|s| format!("{SOURCES}{s}"))
                .collect();
            let sources = sources.into_iter().filter_map(|p| held.get_key_value(&p));
            let mut files: Vec<FileEntry> = under
                .chain(sources)
                .map(|(p, b)| entry_sm3(p.clone(), b))
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            row.files = files;
        });
    }

    /// The columns of the catalogue, as the CSV and the workbook head them.
    pub const HEADERS: [&'static str; 10] = [
        "件号",
        "档号",
        "责任者",
        "文号",
        "题名",
        "日期",
        "保管期限",
        "文件数",
        "大小",
        "备注",
    ];

    /// Each row's cells under [`Catalogue::HEADERS`].
    pub fn cells(&self) -> Vec<[String; 10]> {
        self.rows
            .iter()
            .map(|r| {
                [
                    format!("{:04}", r.number),
                    r.code.clone(),
                    r.responsible.clone(),
                    r.doc_number.clone(),
                    r.title.clone(),
                    r.date.clone(),
                    r.retention.label().to_string(),
                    r.files.len().to_string(),
                    r.size().to_string(),
                    r.remark.clone(),
                ]
            })
            .collect()
    }

    /// The catalogue as CSV, with a BOM so that Excel reads the Chinese right.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let written = w
            .write_record(Self::HEADERS)
            .and_then(|()| self.cells().iter().try_for_each(|c| w.write_record(c)));
        written.expect("writing to memory does not fail");
        w.into_inner().expect("writing to memory does not fail")
    }

    /// The catalogue as an Excel workbook, with `day` as its creation time so that the same
    /// catalogue gives the same bytes.
    pub fn xlsx(&self, day: crate::date::Date) -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
        let error = |e: rust_xlsxwriter::XlsxError| format!("无法生成归档文件目录 .xlsx: {e}");
        let d = day.0;
        let time = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
            .map_err(error)?;
        let mut book = Workbook::new();
        book.set_properties(
            &DocProperties::new()
                .set_title(format!("{}年度归档文件目录", self.year))
                .set_creation_datetime(&time),
        );
        let sheet = book.add_worksheet();
        sheet.set_name("归档文件目录").map_err(error)?;
        let bold = Format::new().set_bold();
        for (c, h) in Self::HEADERS.iter().enumerate() {
            sheet
                .write_with_format(0, c as u16, *h, &bold)
                .map_err(error)?;
        }
        for (r, row) in self.cells().iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write(r as u32 + 1, c as u16, cell).map_err(error)?;
            }
        }
        for (c, width) in [6, 22, 24, 22, 48, 10, 8, 6, 10, 30].iter().enumerate() {
            sheet.set_column_width(c as u16, *width).map_err(error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(error)?;
        book.save_to_buffer().map_err(error)
    }
}

/// The catalogue row of page `p`, the `number`th 件 of its 保管期限.
fn row(
    site: &Site,
    settings: &ArchiveSettings,
    year: i32,
    p: &Page,
    retention: Retention,
    number: u32,
) -> Row {
    let d = &p.doc;
    let responsible = match &d.details {
        Details::Speech(s) => s.speaker.clone(),
        Details::Rectification(r) => site.config.department_name(&r.department).to_string(),
        _ => d
            .issuer
            .clone()
            .unwrap_or_else(|| settings.agency.trim().to_string()),
    };
    let date = d
        .written_date
        .or(d.date)
        .map(|d| d.iso().replace('-', ""))
        .unwrap_or_default();
    let path = |p: &std::path::Path| slash_path(p).to_string_lossy().into_owned();
    let originals: BTreeSet<String> = p
        .attachments
        .iter()
        .chain(&p.images)
        .map(|a| path(&a.source))
        .collect();
    let remark = if p.attachments.is_empty() {
        String::new()
    } else {
        let titles: Vec<&str> = p.attachments.iter().map(|a| a.title.as_str()).collect();
        format!("附件:{}", titles.join(";"))
    };
    Row {
        number,
        code: code(settings.fonds.trim(), year, retention, number),
        retention,
        responsible,
        doc_number: d.doc_number.clone().unwrap_or_default(),
        title: d.title.clone(),
        date,
        kind: d.kind.info().short_label,
        url: d.url().to_string(),
        source: path(&d.source),
        originals: originals.into_iter().collect(),
        remark,
        files: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_fonds_class_year_retention_and_four_digit_number() {
        assert_eq!(
            code("J012", 2025, Retention::Permanent, 1),
            "J012-WS·2025-Y-0001"
        );
        assert_eq!(
            code("0001", 2026, Retention::Years30, 12),
            "0001-WS·2026-D30-0012"
        );
        assert_eq!(
            code("X9", 2024, Retention::Years10, 1234),
            "X9-WS·2024-D10-1234"
        );
    }
}
