//! The rectification ledger (整改台账) as a workbook, for the departments that keep it in Excel
//! or WPS: a template to fill in, the import of a filled-in sheet into a rectification
//! document's `items`, and the export of documents' ledgers to a workbook.
//!
//! - [`notation`]: how each column's cell reads as the ledger's fields, and how the fields are
//!   written back (dates, statuses, 督办记录 one per line, several extensions, 核验情况), so that
//!   export then import gives the same items;
//! - `read`: a workbook file into plain cells (calamine), and its header row;
//! - `rows`: those cells into ledger items, every bad cell reported at once;
//! - `splice`: the items as YAML in place of a document's `items:` block, the rest of the file
//!   byte for byte as it was;
//! - `import`: the whole import, which ends in the document's own checks;
//! - `export`: which documents' ledgers an export holds (for a year, each department's latest);
//! - `write`: the template and exported ledgers (rust_xlsxwriter).
//!
//! Nothing here prints or writes the document: the command does, with
//! [`crate::output::replace_file`].

use std::fmt;

pub mod notation;

mod export;
mod import;
mod read;
mod rows;
mod splice;
mod write;

pub use export::{Ledger, department_sheet, document_ledger, year_ledgers, year_notes};
pub use import::{ImportError, ImportRequest, Imported, import};
pub use read::{ReadError, SheetNames, sheet_names};
pub use rows::Row;
pub use splice::items_yaml;
pub use write::{LedgerSheet, WriteError, instructions, ledger_workbook, template};

/// The name of the sheet a template's ledger is on, and of the sheet of instructions.
pub const LEDGER_SHEET: &str = "整改台账";
pub const INSTRUCTIONS_SHEET: &str = "填写说明";

/// The ledger's columns, in the template's order. Import finds them by their header, in any
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Id,
    Problem,
    Measures,
    Responsible,
    Deadline,
    Status,
    Completed,
    Source,
    Point,
    Progress,
    ExtensionDeadline,
    ExtensionApproved,
    ExtensionReason,
    VerifiedBy,
    VerifiedDate,
}

impl Column {
    pub const ALL: [Column; 15] = [
        Column::Id,
        Column::Problem,
        Column::Measures,
        Column::Responsible,
        Column::Deadline,
        Column::Status,
        Column::Completed,
        Column::Source,
        Column::Point,
        Column::Progress,
        Column::ExtensionDeadline,
        Column::ExtensionApproved,
        Column::ExtensionReason,
        Column::VerifiedBy,
        Column::VerifiedDate,
    ];

    /// The header the sheet shows, and import looks for.
    pub fn header(self) -> &'static str {
        match self {
            Column::Id => "编号",
            Column::Problem => "问题",
            Column::Measures => "整改措施",
            Column::Responsible => "责任单位",
            Column::Deadline => "整改时限",
            Column::Status => "状态",
            Column::Completed => "完成日期",
            Column::Source => "来源",
            Column::Point => "对应评议意见",
            Column::Progress => "督办记录",
            Column::ExtensionDeadline => "延期至",
            Column::ExtensionApproved => "延期批准日期",
            Column::ExtensionReason => "延期原因",
            Column::VerifiedBy => "核验单位",
            Column::VerifiedDate => "核验日期",
        }
    }

    /// The columns a sheet must have: those of the fields every item has (整改时限 too, which
    /// only 长期坚持 may leave empty).
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Id
                | Column::Problem
                | Column::Measures
                | Column::Responsible
                | Column::Deadline
                | Column::Status
        )
    }

    /// Cells that hold one date each (several, one a line, for the extensions).
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Column::Deadline
                | Column::Completed
                | Column::ExtensionDeadline
                | Column::ExtensionApproved
                | Column::VerifiedDate
        )
    }

    /// The front-matter key of an item the column fills: a problem the document's checks find
    /// on that key's line is reported in this column.
    pub fn of_key(key: &str) -> Option<Column> {
        Some(match key {
            "id" => Column::Id,
            "problem" => Column::Problem,
            "measures" => Column::Measures,
            "responsible" => Column::Responsible,
            "deadline" => Column::Deadline,
            "status" => Column::Status,
            "completed" => Column::Completed,
            "source" => Column::Source,
            "point" => Column::Point,
            "progress" => Column::Progress,
            "extensions" => Column::ExtensionDeadline,
            "verified" => Column::VerifiedBy,
            _ => return None,
        })
    }

    pub fn by_header(header: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.header() == header)
    }
}

/// Where in a workbook a problem is: the file, and as far as known its sheet, its row (as Excel
/// numbers rows, from 1) and its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The workbook, as the editor named it on the command line.
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    /// A warning does not stop the import (an item past its deadline).
    pub warning: bool,
}

impl Problem {
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            sheet: None,
            row: None,
            column: None,
            message: message.into(),
            warning: false,
        }
    }

    pub fn cell(
        file: &str,
        sheet: &str,
        row: usize,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            sheet: Some(sheet.to_string()),
            row: Some(row),
            column: column.map(str::to_string),
            ..Problem::file(file, message)
        }
    }
}

/// `FILE.xlsx 工作表 第N行 列名: 问题`, as much of the place as is known.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, " {sheet}")?;
        }
        if let Some(row) = self.row {
            write!(f, " 第{row}行")?;
        }
        if let Some(column) = &self.column {
            write!(f, " {column}")?;
        }
        let message = crate::diagnostic::escape_controls(&self.message, &['\n']);
        write!(f, ": {message}")
    }
}
