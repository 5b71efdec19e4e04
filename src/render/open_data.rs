//! Open data, `/data/{year}/`: `documents.json`, every document of the year with its
//! metadata, `items.json` and `items.csv`, every ledger item of the year, and `results.json`
//! and `results.csv`, every 满意度测评 of the year's review cycles, for reuse and audit
//! (docs/open-data.md gives the schema).

use std::borrow::Cow;

use rustc_hash::FxHasher;
use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::{Details, Kind, Speech};
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::context::Ctx;
use super::pages::full;
use super::view::iso;
use super::{Job, Jobs};

/// `/data/{year}/`.
pub struct Data(i32);

/// Every year with documents has its open data (its ledger file may be empty).
pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let mut years: Vec<i32> = cx.index.by_year.keys().copied().collect();
    years.sort_unstable();
    years
        .into_iter()
        .map(|y| Box::new(Data(y)) as Box<dyn Job + 'a>)
        .collect()
}

impl Job for Data {
    fn url<'s>(&'s self, _cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Owned(format!("/data/{}/", self.0))
    }

    fn paths(&self, _cx: &Ctx<'_>, _jobs: &Jobs<'_>) -> Vec<String> {
        let y = self.0;
        vec![
            format!("data/{y}/documents.json"),
            format!("data/{y}/items.csv"),
            format!("data/{y}/items.json"),
            format!("data/{y}/results.csv"),
            format!("data/{y}/results.json"),
        ]
    }

    // documents.json carries every document of the year whole.
    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        full(h, cx.index.pages_at(cx.index.by_year.get(&self.0)));
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        _theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        Ok(open_data(cx, self.0))
    }

    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        None
    }
}

/// One row of the open-data files.
#[derive(Serialize)]
struct DataRow<'a> {
    year: Option<i32>,
    review: &'a str,
    department: &'a str,
    department_name: &'a str,
    document: &'a str,
    url: String,
    round: u32,
    id: &'a str,
    problem: &'a str,
    measures: &'a str,
    responsible: &'a str,
    /// The deadline first set ("" for an ongoing measure without one).
    deadline: String,
    status: &'static str,
    status_label: &'static str,
    completed: Option<String>,
    overdue: bool,
    /// `plan` (整改方案) or `report` (整改情况报告).
    phase: &'static str,
    point: Option<&'a str>,
    source: Option<&'a str>,
    /// After approved extensions.
    deadline_in_force: Option<String>,
    extensions: &'a [crate::document::Extension],
    verified_by: Option<&'a str>,
    verified_date: Option<String>,
}

/// One vote in `results.json`: a department's 满意度测评 in one round. What the review does
/// not give is null.
#[derive(Serialize)]
struct ResultRow<'a> {
    year: i32,
    review: &'a str,
    department: &'a str,
    department_name: &'a str,
    round: u32,
    meeting: Option<&'a str>,
    date: Option<String>,
    members: Option<u32>,
    present: Option<u32>,
    satisfied: Option<u32>,
    basically_satisfied: Option<u32>,
    unsatisfied: Option<u32>,
    verdict: &'static str,
}

/// An attachment in `documents.json`.
#[derive(Serialize)]
struct AttachmentRow<'a> {
    title: &'a str,
    url: String,
    bytes: u64,
}

/// One document in `documents.json`: every field of its front matter, and where it is.
#[derive(Serialize)]
struct DocumentRow<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    url: String,
    source: String,
    date: Option<String>,
    year: Option<i32>,
    review: Option<&'a str>,
    slug: &'a str,
    summary: &'a str,
    tags: &'a [String],
    index_no: Option<&'a str>,
    issuer: Option<&'a str>,
    doc_number: Option<&'a str>,
    written_date: Option<String>,
    departments: Vec<&'a str>,
    attachments: Vec<AttachmentRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_cycle: Option<&'a crate::document::Review>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speech: Option<&'a Speech>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<&'a crate::document::Notice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rectification: Option<&'a crate::document::Rectification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<&'a crate::document::Opinion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    investigation: Option<&'a crate::document::Investigation>,
}

fn document_row<'a>(cx: &Ctx<'a>, p: &'a Page) -> DocumentRow<'a> {
    let d = &p.doc;
    let base = &cx.site.config.base_url;
    DocumentRow {
        kind: d.kind.name(),
        title: &d.title,
        url: format!("{base}{}", p.url()),
        source: crate::load::slash_path(&d.source)
            .to_string_lossy()
            .into_owned(),
        date: iso(d.date),
        year: d.year(),
        review: d.review.as_deref(),
        slug: &d.slug,
        summary: &p.summary,
        tags: &d.tags,
        index_no: d.index_no.as_deref(),
        issuer: d.issuer.as_deref(),
        doc_number: d.doc_number.as_deref(),
        written_date: iso(d.written_date),
        departments: d.departments(),
        attachments: p
            .attachments
            .iter()
            .map(|a| AttachmentRow {
                title: &a.title,
                url: format!("{base}{}{}", p.url(), crate::url::segment(&a.name)),
                bytes: a.size,
            })
            .collect(),
        review_cycle: match &d.details {
            Details::Review(r) => Some(r),
            _ => None,
        },
        speech: match &d.details {
            Details::Speech(s) => Some(s),
            _ => None,
        },
        notice: match &d.details {
            Details::Notice(n) => Some(n),
            _ => None,
        },
        rectification: match &d.details {
            Details::Rectification(r) => Some(r),
            _ => None,
        },
        opinion: match &d.details {
            Details::Opinion(o) => Some(o),
            _ => None,
        },
        investigation: match &d.details {
            Details::Investigation(i) => Some(i),
            _ => None,
        },
    }
}

/// `rows` as a JSON array with one row to a line: as compact as JSON gets, yet a reader (or a
/// `diff` between two years' archives) sees each record whole. Written into a buffer sized up
/// front: a year's open data runs to megabytes.
fn json_lines<T: Serialize>(rows: &[T], row_bytes: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(rows.len() * row_bytes + 4);
    bytes.extend_from_slice(b"[\n");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            bytes.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut bytes, row).expect("plain data serialises");
    }
    bytes.extend_from_slice(if rows.is_empty() { b"]\n" } else { b"\n]\n" });
    bytes
}

/// The year's five files.
fn open_data(cx: &Ctx<'_>, year: i32) -> Vec<Output> {
    let documents: Vec<DocumentRow<'_>> = cx
        .index
        .pages_at(cx.index.by_year.get(&year))
        .map(|p| document_row(cx, p))
        .collect();
    let rows = item_rows(cx, year);
    let results = result_rows(cx, year);
    vec![
        Output::bytes(
            format!("data/{year}/documents.json"),
            json_lines(&documents, 2048),
        ),
        Output::bytes(format!("data/{year}/items.json"), json_lines(&rows, 1024)),
        Output::bytes(format!("data/{year}/items.csv"), items_csv(year, &rows)),
        Output::bytes(
            format!("data/{year}/results.json"),
            json_lines(&results, 320),
        ),
        Output::bytes(
            format!("data/{year}/results.csv"),
            results_csv(year, &results),
        ),
    ]
}

/// Every ledger item of the year's rectifications, by document URL then item id.
fn item_rows<'a>(cx: &Ctx<'a>, year: i32) -> Vec<DataRow<'a>> {
    let site = cx.site;
    let mut rows: Vec<DataRow> = Vec::new();
    for p in site
        .of_kind(Kind::Rectification)
        .filter(|p| p.doc.year() == Some(year))
    {
        let Details::Rectification(r) = &p.doc.details else {
            continue;
        };
        let at = cx.page_index.get(&(p as *const _ as usize)).copied();
        for (j, i) in r.items.iter().enumerate() {
            // An item a later report carried on is overdue there, if at all.
            let superseded = at.is_some_and(|k| cx.index.later.contains_key(&(k, j)));
            rows.push(DataRow {
                year: Some(year),
                review: p.doc.review.as_deref().unwrap_or_default(),
                department: &r.department,
                department_name: site
                    .config
                    .department(&r.department)
                    .map_or("", |d| d.name.as_str()),
                document: &p.doc.title,
                url: format!("{}{}", site.config.base_url, p.url()),
                round: r.round,
                id: &i.id,
                problem: &i.problem,
                measures: &i.measures,
                responsible: &i.responsible,
                deadline: iso(i.deadline).unwrap_or_default(),
                status: i.status.name(),
                status_label: i.status.label(),
                completed: iso(i.completed),
                overdue: !superseded && i.is_overdue(site.today),
                phase: match r.phase {
                    crate::document::Phase::Plan => "plan",
                    crate::document::Phase::Report => "report",
                },
                point: i.point.as_deref(),
                source: i.source.as_deref(),
                deadline_in_force: iso(i.deadline_in_force()),
                extensions: &i.extensions,
                verified_by: i.verified.as_ref().map(|v| v.by.as_str()),
                verified_date: iso(i.verified.as_ref().map(|v| v.date)),
            });
        }
    }
    rows.sort_by(|a, b| a.url.cmp(&b.url).then_with(|| a.id.cmp(b.id)));
    rows
}

/// A cell Excel would run as a formula (=, +, -, @, or a tab or return first) is written with
/// a leading apostrophe: opened, it shows as text.
fn cell(v: &str) -> Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{v}"))
    } else {
        Cow::Borrowed(v)
    }
}

/// `items.csv`: the rows of `items.json` under Chinese headings.
fn items_csv(year: i32, rows: &[DataRow<'_>]) -> Vec<u8> {
    // A BOM so that Excel, what most offices open a CSV with, reads the Chinese right.
    let mut csv_bytes = Vec::with_capacity(rows.len() * 512);
    csv_bytes.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::Writer::from_writer(csv_bytes);
    let _ = w.write_record([
        "年度",
        "评议活动",
        "部门编号",
        "部门",
        "整改公告",
        "网址",
        "整改轮次",
        "事项编号",
        "问题",
        "整改措施",
        "责任单位",
        "整改时限",
        "状态",
        "完成日期",
        "是否逾期",
        "整改阶段",
        "对应评议意见",
        "问题来源",
        "现行整改时限",
        "延期记录",
        "核验单位",
        "核验日期",
    ]);
    let year_text = year.to_string();
    for r in rows {
        let round = r.round.to_string();
        // 2026-03-01 批准延期至 2026-06-30(原因);…
        let extensions = r
            .extensions
            .iter()
            .map(|e| match &e.reason {
                Some(why) => format!("{} 批准延期至 {}({why})", e.approved, e.deadline),
                None => format!("{} 批准延期至 {}", e.approved, e.deadline),
            })
            .collect::<Vec<_>>()
            .join(";");
        let _ = w.write_record(
            [
                Cow::Borrowed(year_text.as_str()),
                cell(r.review),
                cell(r.department),
                cell(r.department_name),
                cell(r.document),
                Cow::Borrowed(r.url.as_str()),
                Cow::Borrowed(round.as_str()),
                cell(r.id),
                cell(r.problem),
                cell(r.measures),
                cell(r.responsible),
                Cow::Borrowed(r.deadline.as_str()),
                Cow::Borrowed(r.status_label),
                Cow::Borrowed(r.completed.as_deref().unwrap_or_default()),
                Cow::Borrowed(if r.overdue { "是" } else { "否" }),
                Cow::Borrowed(if r.phase == "plan" {
                    "整改方案"
                } else {
                    "整改情况报告"
                }),
                cell(r.point.unwrap_or_default()),
                cell(r.source.unwrap_or_default()),
                Cow::Borrowed(r.deadline_in_force.as_deref().unwrap_or_default()),
                cell(&extensions),
                cell(r.verified_by.unwrap_or_default()),
                Cow::Borrowed(r.verified_date.as_deref().unwrap_or_default()),
            ]
            .iter()
            .map(|c| c.as_bytes()),
        );
    }
    w.into_inner().unwrap_or_default()
}

/// Every vote of the year's review cycles: by review id, then department (in the review's
/// order) and round.
fn result_rows<'a>(cx: &Ctx<'a>, year: i32) -> Vec<ResultRow<'a>> {
    let site = cx.site;
    let mut reviews: Vec<&crate::document::Review> = site
        .of_kind(Kind::Review)
        .filter(|p| p.doc.year() == Some(year))
        .filter_map(|p| match &p.doc.details {
            Details::Review(r) => Some(r),
            _ => None,
        })
        .collect();
    reviews.sort_by(|a, b| a.id.cmp(&b.id));
    let mut rows = Vec::new();
    for r in reviews {
        let place = |d: &str| r.departments.iter().position(|x| x == d);
        let mut votes: Vec<_> = r.results.iter().collect();
        votes.sort_by_key(|v| (place(&v.department), v.round));
        rows.extend(votes.into_iter().map(|v| {
            ResultRow {
                year,
                review: &r.id,
                department: &v.department,
                department_name: site
                    .config
                    .department(&v.department)
                    .map_or("", |d| d.name.as_str()),
                round: v.round,
                meeting: v.meeting.as_deref(),
                date: iso(v.date),
                members: v.members,
                present: v.present,
                satisfied: v.satisfied,
                basically_satisfied: v.basically_satisfied,
                unsatisfied: v.unsatisfied,
                verdict: v.verdict.label(),
            }
        }));
    }
    rows
}

/// `results.csv`: the rows of `results.json` under Chinese headings, what is not given left
/// empty. With a BOM, as `items.csv`.
fn results_csv(year: i32, rows: &[ResultRow<'_>]) -> Vec<u8> {
    let mut csv_bytes = Vec::with_capacity(rows.len() * 256 + 256);
    csv_bytes.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::Writer::from_writer(csv_bytes);
    let _ = w.write_record([
        "年度",
        "评议活动",
        "部门编号",
        "部门",
        "测评轮次",
        "测评会议",
        "测评日期",
        "组成人员",
        "出席人数",
        "满意",
        "基本满意",
        "不满意",
        "测评结论",
    ]);
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let year_text = year.to_string();
    for r in rows {
        let record: [Cow<'_, str>; 13] = [
            Cow::Borrowed(year_text.as_str()),
            cell(r.review),
            cell(r.department),
            cell(r.department_name),
            Cow::Owned(r.round.to_string()),
            cell(r.meeting.unwrap_or_default()),
            Cow::Borrowed(r.date.as_deref().unwrap_or_default()),
            Cow::Owned(number(r.members)),
            Cow::Owned(number(r.present)),
            Cow::Owned(number(r.satisfied)),
            Cow::Owned(number(r.basically_satisfied)),
            Cow::Owned(number(r.unsatisfied)),
            Cow::Borrowed(r.verdict),
        ];
        let _ = w.write_record(record.iter().map(|c| c.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}
