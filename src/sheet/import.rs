//! A filled-in sheet into a rectification document: the rows read as items (`rows`), put in
//! place of the document's `items:` block (`splice`), and the result checked as `pingyi check`
//! would check it, with the site around it, before anything is written. A problem the
//! document's checks find in the new block is reported at the row and column it came from;
//! nothing is written while any cell or the document has an error. Returns the new file's
//! text: writing it is the caller's.

use std::path::{Path, PathBuf};

use super::read::{self, ReadError};
use super::rows::{self, Row};
use super::splice::{self, Block};
use super::{Column, LEDGER_SHEET, Problem};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::Item;
use crate::document::{Details, Document};
use crate::pipeline::Options;

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub workbook: &'a Path,
    /// The workbook as messages name it: as the editor wrote it.
    pub label: &'a str,
    /// The sheet to read; default the sheet named for the document's department, else the
    /// first that is not the instructions.
    pub sheet: Option<&'a str>,
    /// The rectification document, as a path to open.
    pub document: &'a Path,
    /// The site the document is in, whose checks it must pass; `None`: the document's own
    /// checks only.
    pub root: Option<&'a Path>,
    pub options: Options,
}

/// An import ready to write.
#[derive(Debug, Clone)]
pub struct Imported {
    pub sheet: String,
    pub rows: Vec<Row>,
    /// Items the document held before, when it could be read.
    pub before: Option<usize>,
    /// The document's new text, byte for byte.
    pub text: String,
    /// The new `items:` block, as written.
    pub block: String,
    /// The new text is the old one.
    pub unchanged: bool,
    /// Warnings at rows (an item past its deadline) and of the rest of the document.
    pub warnings: Vec<Problem>,
    pub document_warnings: Vec<Diagnostic>,
}

/// Why nothing was written.
#[derive(Debug, Clone)]
pub enum ImportError {
    /// The workbook or the document could not be read, or is not what was asked for (exit
    /// code 2).
    Refused(String),
    /// Bad cells, each at its row and column, and the document's own errors outside its
    /// ledger (exit code 1).
    Invalid {
        cells: Vec<Problem>,
        document: Vec<Diagnostic>,
    },
}

impl From<ReadError> for ImportError {
    fn from(e: ReadError) -> Self {
        ImportError::Refused(e.0.to_string())
    }
}

fn invalid(cells: Vec<Problem>) -> ImportError {
    ImportError::Invalid {
        cells,
        document: Vec::new(),
    }
}

/// A top-level key's value as the front matter writes it, quotes dropped: read from the lines,
/// so a document whose ledger is broken can still be told apart and imported into.
fn top_level(text: &str, key: &str) -> Option<String> {
    let split = crate::frontmatter::split(Path::new(""), text).ok()?;
    split.yaml.lines().find_map(|l| {
        let v = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = v.split(" #").next().unwrap_or(v).trim();
        Some(v.trim_matches(['"', '\'']).to_string())
    })
}

/// The site root and the document's path within it, when the document is in its `content/`.
fn site_path(root: &Path, document: &Path) -> Option<(PathBuf, PathBuf)> {
    let root = root.canonicalize().ok()?;
    let doc = document.canonicalize().ok()?;
    let rel = doc.strip_prefix(&root).ok()?.to_path_buf();
    rel.starts_with(crate::load::CONTENT_DIR)
        .then(|| (root, crate::load::slash_path(&rel)))
}

/// Reads the sheet and makes the document's new text; see the module's description.
pub fn import(req: &ImportRequest<'_>) -> Result<Imported, ImportError> {
    let shown = req.document.display().to_string();
    let raw = std::fs::read(req.document)
        .map_err(|e| ImportError::Refused(format!("无法读取 {shown}: {e}")))?;
    let raw = String::from_utf8(raw)
        .map_err(|_| ImportError::Refused(format!("{shown} 不是 UTF-8 编码的文本文件")))?;
    let decoded = crate::load::decode(req.document, raw.clone().into_bytes())
        .map_err(|d| ImportError::Refused(d.message))?;
    if top_level(&decoded, "type").as_deref() != Some("rectification") {
        return Err(ImportError::Refused(format!(
            "{shown} 不是整改公告(type: rectification),台账只能导入整改公告"
        )));
    }
    let site = req.root.and_then(|r| site_path(r, req.document));
    let config = site.as_ref().and_then(|(root, _)| Config::load(root).ok());
    let department = top_level(&decoded, "department").unwrap_or_default();
    let mut preferred: Vec<String> = Vec::new();
    if let Some(d) = config.as_ref().and_then(|c| c.department(&department)) {
        preferred.extend(d.short_name.clone());
        preferred.push(d.name.clone());
    }
    preferred.extend([department, LEDGER_SHEET.to_string()]);
    let preferred: Vec<&str> = preferred.iter().map(String::as_str).collect();
    let grid = read::read(req.workbook, req.label, req.sheet, &preferred)?;
    let rows = rows::parse(&grid, req.label).map_err(invalid)?;
    if rows.is_empty() {
        return Err(invalid(vec![Problem {
            sheet: Some(grid.sheet.clone()),
            ..Problem::file(req.label, "表头下面没有填写任何事项;空表不会导入")
        }]));
    }
    let items: Vec<Item> = rows.iter().map(|r| r.item.clone()).collect();
    let block = splice::items_yaml(&items);
    let spliced =
        splice::splice(&raw, &block).map_err(|e| ImportError::Refused(format!("{shown}: {e}")))?;
    let new_decoded = crate::load::decode(req.document, spliced.text.clone().into_bytes())
        .map_err(|d| ImportError::Refused(d.message))?;
    let diags = match &site {
        Some((root, rel)) => {
            let options = Options {
                drafts: true,
                ..req.options.clone()
            };
            crate::pipeline::check_as_if(root, &options, rel, &new_decoded)
                .into_iter()
                .filter(|d| d.path == *rel)
                .collect()
        }
        None => Document::parse(req.document, &new_decoded)
            .err()
            .unwrap_or_default(),
    };
    let at = Located {
        label: req.label,
        sheet: &grid.sheet,
        rows: &rows,
        block: &block,
        first_line: spliced.first_line,
    };
    let (mut cells, mut warnings, mut document, mut document_warnings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in diags {
        match (at.place(&d), d.is_error()) {
            (Some(p), true) => cells.push(p),
            (Some(p), false) => warnings.push(Problem { warning: true, ..p }),
            (None, true) => document.push(d),
            (None, false) => document_warnings.push(d),
        }
    }
    if !cells.is_empty() || !document.is_empty() {
        return Err(ImportError::Invalid { cells, document });
    }
    same_items(req.document, &new_decoded, &items)?;
    let before = Document::parse(req.document, &decoded)
        .ok()
        .and_then(|d| match d.details {
            Details::Rectification(r) => Some(r.items.len()),
            _ => None,
        });
    Ok(Imported {
        sheet: grid.sheet,
        rows,
        before,
        unchanged: spliced.text == raw,
        text: spliced.text,
        block: std::iter::once("items:")
            .chain(block.lines.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        warnings,
        document_warnings,
    })
}

/// The document as written reads back as exactly the sheet's items: a safeguard against a
/// value the YAML writer got wrong, which must never reach the file unnoticed.
fn same_items(path: &Path, text: &str, items: &[Item]) -> Result<(), ImportError> {
    let written = match Document::parse(path, text).map(|d| d.details) {
        Ok(Details::Rectification(r)) => r.items,
        _ => Vec::new(),
    };
    let as_json = |items: &[Item]| serde_json::to_value(items).ok();
    if as_json(&written) == as_json(items) {
        Ok(())
    } else {
        Err(ImportError::Refused(
            "内部错误:写出的台账读回后与表格不一致,没有写入;请把表格和文档发给维护人员".into(),
        ))
    }
}

/// Where the new block's lines came from in the sheet.
struct Located<'a> {
    label: &'a str,
    sheet: &'a str,
    rows: &'a [Row],
    block: &'a Block,
    first_line: usize,
}

impl Located<'_> {
    /// A diagnostic on a line of the new block, as a problem at its row and column.
    fn place(&self, d: &Diagnostic) -> Option<Problem> {
        let line = d.line?;
        let index = line.checked_sub(self.first_line)?;
        if index >= self.block.lines.len() {
            return None;
        }
        let &(_, item, key) = self.block.keys.iter().rev().find(|k| k.0 <= index)?;
        let column = Column::of_key(key).map(Column::header);
        let message = match &d.hint {
            Some(h) => format!("{}({h})", d.message),
            None => d.message.clone(),
        };
        Some(Problem::cell(
            self.label,
            self.sheet,
            self.rows[item].number,
            column,
            message,
        ))
    }
}
