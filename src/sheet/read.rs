//! A workbook file (.xlsx, .xls, .ods, .xlsb: what Excel and WPS save) into plain cells, with
//! calamine. Only this file knows calamine; what the cells mean is `rows`'s.

use std::path::Path;

use calamine::{Data, Reader};

use super::{INSTRUCTIONS_SHEET, Problem};
use crate::date::Date;

/// One cell's value, as the sheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell formatted as a date (its time of day dropped).
    Date(Date),
    Bool(bool),
    /// A formula that failed: `#DIV/0!`, `#REF!`…
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One sheet's cells: each row that has any, with its number as Excel shows it (from 1), its
/// cells from column A.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub sheet: String,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Why a workbook could not be read at all (exit code 2: the file, not its rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub Problem);

/// The sheets of a workbook, in order.
pub type SheetNames = Vec<String>;

fn unreadable(label: &str, why: &str) -> ReadError {
    ReadError(Problem::file(
        label,
        format!("无法读取表格({why});应是 Excel 或 WPS 保存的 .xlsx、.xls 或 .ods 文件"),
    ))
}

/// Opens `path` (named `label` in messages), catching a reader that panics on a damaged file:
/// a user's file must never crash the command.
fn open(
    path: &Path,
    label: &str,
) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>, ReadError> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(ReadError(Problem::file(label, format!("无法读取: {e}"))));
    }
    let opened = std::panic::catch_unwind(|| calamine::open_workbook_auto(path));
    match opened {
        Ok(Ok(book)) => Ok(book),
        Ok(Err(_)) => Err(unreadable(label, "不是表格文件,或文件已损坏")),
        Err(_) => Err(unreadable(label, "文件已损坏")),
    }
}

/// The names of the sheets of the workbook at `path`.
pub fn sheet_names(path: &Path, label: &str) -> Result<SheetNames, ReadError> {
    Ok(open(path, label)?.sheet_names())
}

/// The sheet to import: `wanted` if given (it must exist), else the first of `preferred` the
/// workbook has, else its first sheet that is not the instructions.
fn choose(
    names: &[String],
    wanted: Option<&str>,
    preferred: &[&str],
    label: &str,
) -> Result<String, ReadError> {
    let listed = || names.join("、");
    if let Some(w) = wanted {
        return names
            .iter()
            .find(|n| n.as_str() == w)
            .cloned()
            .ok_or_else(|| {
                ReadError(Problem::file(
                    label,
                    format!("没有名为“{w}”的工作表;表格中有: {}", listed()),
                ))
            });
    }
    preferred
        .iter()
        .find_map(|p| names.iter().find(|n| n.as_str() == *p))
        .or_else(|| names.iter().find(|n| n.as_str() != INSTRUCTIONS_SHEET))
        .cloned()
        .ok_or_else(|| ReadError(Problem::file(label, "表格中没有可导入的工作表")))
}

/// Reads one sheet of the workbook at `path`: `wanted`, or as [`choose`] picks.
pub fn read(
    path: &Path,
    label: &str,
    wanted: Option<&str>,
    preferred: &[&str],
) -> Result<Grid, ReadError> {
    let mut book = open(path, label)?;
    let sheet = choose(&book.sheet_names(), wanted, preferred, label)?;
    let range = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        book.worksheet_range(&sheet)
    }));
    let range = match range {
        Ok(Ok(r)) => r,
        Ok(Err(_)) | Err(_) => {
            return Err(ReadError(Problem {
                sheet: Some(sheet.clone()),
                ..unreadable(label, "工作表无法读取,文件可能已损坏").0
            }));
        }
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, cells)| {
            let mut row = vec![Cell::Empty; left as usize];
            row.extend(cells.iter().map(cell));
            (top as usize + i + 1, row)
        })
        .collect();
    Ok(Grid { sheet, rows })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            i16::try_from(y)
                .ok()
                .and_then(|y| jiff::civil::Date::new(y, m as i8, d as i8).ok())
                .map_or(Cell::Number(dt.as_f64()), |d| Cell::Date(Date(d)))
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        // .ods keeps dates as ISO text: `2026-06-30` or `2026-06-30T00:00:00`.
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| Date::parse(d).ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}
