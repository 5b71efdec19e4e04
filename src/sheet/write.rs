//! The workbooks pingyi writes: the template departments fill in and exported ledgers, each
//! ledger a sheet with the fifteen columns (a drop-down for 状态, dates as date cells shown
//! yyyy-mm-dd, the header frozen), and a last sheet of instructions in plain Chinese. Cells
//! hold what [`super::notation`] reads back. rust_xlsxwriter stays in this file.

use rust_xlsxwriter::{
    Color, DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::notation::{self, extension_texts, progress_text, verified_by_text};
use super::{Column, INSTRUCTIONS_SHEET, LEDGER_SHEET};
use crate::date::Date;
use crate::document::Item;

/// Rows below the header that the drop-down and the date format cover in an empty sheet.
const FILL_ROWS: u32 = 500;

/// One sheet of ledger: its name and items.
#[derive(Debug, Clone)]
pub struct LedgerSheet<'a> {
    pub name: String,
    pub items: &'a [Item],
}

/// The workbook could not be made (a limit of the format); worded for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError(pub String);

impl From<XlsxError> for WriteError {
    fn from(e: XlsxError) -> Self {
        WriteError(format!("无法生成表格: {e}"))
    }
}

/// Column widths, in characters, in the template's order.
fn width(c: Column) -> f64 {
    match c {
        Column::Id | Column::Point => 8.0,
        Column::Problem | Column::Measures => 40.0,
        Column::Progress => 50.0,
        Column::Responsible | Column::ExtensionReason | Column::VerifiedBy => 22.0,
        Column::Status | Column::Source => 11.0,
        _ => 13.0,
    }
}

/// The instructions sheet's lines, the cell notation among them.
pub fn instructions() -> Vec<String> {
    let statuses = notation::status_labels().join("、");
    vec![
        "整改台账填写说明".to_string(),
        "1. 每个整改事项填一行,不要合并单元格。第一行是表头,不要改动列名;列的顺序可以调整,表头上方可以加标题行,但不要增加其他列(导入时会报错),补充说明写在督办记录中。空行会被跳过。".to_string(),
        "2. 编号:事项编号,如 1、2、3,不能重复。同一个问题在整改方案和历次整改情况报告中始终用同一个编号。".to_string(),
        "3. 问题、整改措施、责任单位、状态:必填。".to_string(),
        "4. 整改时限:必填,状态为“长期坚持”的可以不填。经批准延期的,不要改整改时限,在延期至、延期批准日期、延期原因三列中填写。".to_string(),
        format!("5. 状态:从下拉列表中选择 {statuses}(也可写英文 registered、in_progress、done、ongoing)。"),
        "6. 完成日期(销号日期):状态为“已销号”时必填,其他状态不填。".to_string(),
        format!("7. 日期:填日期格式的单元格,或写成文字 {}。", notation::DATE_FORMS),
        "8. 来源:问题从哪里来,如 评议意见、评议调查、群众来信、代表建议、自查。".to_string(),
        "9. 对应评议意见:这个问题对应本部门评议意见的第几条,填数字,如 2。".to_string(),
        "10. 督办记录:每条一行(单元格内换行按 Alt+Enter),先写日期,空一格再写督办情况,例如“2026-03-16 累计完成加装58台”。有督办单位的,写在这一条末尾的括号里,例如“2026-07-08 约谈分管负责同志(督办:市人大常委会城建环资工委)”。一条要写成几行的,后面几行以两个空格开头。".to_string(),
        "11. 延期:每次经批准的延期占一行,延期至、延期批准日期、延期原因三列逐行对应,按批准先后排列;某次延期没有写原因的,延期原因中那一行空着。".to_string(),
        "12. 核验:已销号的事项经核验的,核验单位写在第一行,核验情况(可不写)从第二行起写;核验日期不能早于完成日期。".to_string(),
        "13. 导入时程序逐格检查,有问题的列出每一处(文件、工作表、第几行、哪一列、什么问题),只要有一处问题就不写入,改好后再导入。".to_string(),
    ]
}

/// The template: one empty ledger sheet and the instructions.
pub fn template() -> Result<Vec<u8>, WriteError> {
    ledger_workbook(
        &[LedgerSheet {
            name: LEDGER_SHEET.to_string(),
            items: &[],
        }],
        &[],
    )
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not the
/// instructions' name, and not one already `taken`.
fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        LEDGER_SHEET
    } else {
        clean
    }
    .chars()
    .take(28)
    .collect();
    let mut name = base.clone();
    let mut n = 2;
    while name == INSTRUCTIONS_SHEET || taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base}({n})");
        n += 1;
    }
    name
}

/// A workbook of `sheets`, then the instructions, with `notes` (what the sheets are) after
/// them.
pub fn ledger_workbook(
    sheets: &[LedgerSheet<'_>],
    notes: &[String],
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let formats = Formats::new();
    let mut taken = Vec::new();
    for sheet in sheets {
        let name = sheet_name(&sheet.name, &taken);
        let ws = book.add_worksheet();
        ws.set_name(&name)?;
        ledger_sheet(ws, sheet.items, &formats)?;
        taken.push(name);
    }
    let ws = book.add_worksheet();
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 110)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (i, line) in instructions().iter().chain(notes).enumerate() {
        let format = if i == 0 { &formats.header } else { &wrap };
        ws.write_string_with_format(i as u32, 0, line, format)?;
    }
    Ok(book.save_to_buffer()?)
}

struct Formats {
    header: Format,
    text: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDE5F0))
                .set_border(FormatBorder::Thin),
            text: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top),
        }
    }
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.0.year() as u16, d.0.month() as u8, d.0.day() as u8)
}

/// One ledger: header, items, formats, the drop-down.
fn ledger_sheet(ws: &mut Worksheet, items: &[Item], f: &Formats) -> Result<(), XlsxError> {
    for (i, c) in Column::ALL.into_iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, width(c))?;
        ws.set_column_format(col, if c.is_date() { &f.date } else { &f.text })?;
        ws.write_string_with_format(0, col, c.header(), &f.header)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    // Printed, as offices do: A3 across, every column on the page, the header on every page.
    ws.set_paper_size(8)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_gridlines(true);
    ws.set_repeat_rows(0, 0)?;
    let last = items.len() as u32 + FILL_ROWS;
    ws.autofilter(0, 0, last, Column::ALL.len() as u16 - 1)?;
    let status = Column::ALL
        .iter()
        .position(|&c| c == Column::Status)
        .unwrap_or(0) as u16;
    let list = DataValidation::new()
        .allow_list_strings(&notation::status_labels())?
        .set_input_title("状态")?
        .set_input_message("从列表中选择:已登记、整改中、已销号、长期坚持")?
        .set_error_title("状态")?
        .set_error_message("请从列表中选择:已登记、整改中、已销号、长期坚持")?;
    ws.add_data_validation(1, status, last, status, &list)?;
    for (r, item) in items.iter().enumerate() {
        item_row(ws, r as u32 + 1, item, f)?;
    }
    Ok(())
}

/// An id or a point as a number cell when it is one (`3`), else as text (`03`, `3-1`).
fn write_id(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    id: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let number = id.len() < 10
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    match id.parse::<u32>() {
        Ok(n) if number => ws.write_number_with_format(row, col, n, &f.text)?,
        _ => ws.write_string_with_format(row, col, id, &f.text)?,
    };
    Ok(())
}

fn item_row(ws: &mut Worksheet, row: u32, item: &Item, f: &Formats) -> Result<(), XlsxError> {
    let [ext_deadlines, ext_approved, ext_reasons] = extension_texts(&item.extensions);
    let one_ext = item.extensions.len() == 1;
    let verified = item.verified.as_ref();
    let mut lines = 1;
    for (i, c) in Column::ALL.into_iter().enumerate() {
        let col = i as u16;
        let date = match c {
            Column::Deadline => item.deadline,
            Column::Completed => item.completed,
            Column::VerifiedDate => verified.map(|v| v.date),
            Column::ExtensionDeadline if one_ext => Some(item.extensions[0].deadline),
            Column::ExtensionApproved if one_ext => Some(item.extensions[0].approved),
            _ => None,
        };
        if let Some(d) = date {
            ws.write_datetime_with_format(row, col, excel_date(d)?, &f.date)?;
            continue;
        }
        let text = match c {
            Column::Id => return_id(ws, row, col, &item.id, f)?,
            Column::Point => match &item.point {
                Some(p) => return_id(ws, row, col, p, f)?,
                None => String::new(),
            },
            Column::Problem => item.problem.clone(),
            Column::Measures => item.measures.clone(),
            Column::Responsible => item.responsible.clone(),
            Column::Status => item.status.label().to_string(),
            Column::Source => item.source.clone().unwrap_or_default(),
            Column::Progress => progress_text(&item.progress),
            Column::ExtensionDeadline => ext_deadlines.clone(),
            Column::ExtensionApproved => ext_approved.clone(),
            Column::ExtensionReason => ext_reasons.clone(),
            Column::VerifiedBy => verified
                .map(|v| verified_by_text(&v.by, v.note.as_deref()))
                .unwrap_or_default(),
            Column::Deadline | Column::Completed | Column::VerifiedDate => String::new(),
        };
        if !text.is_empty() {
            lines = lines.max(wrapped_lines(&text, width(c)));
            ws.write_string_with_format(row, col, &text, &f.text)?;
        }
    }
    // Not every program grows a row to its wrapped text (LibreOffice and WPS keep the
    // default height of a row written by a program): the height of its longest cell.
    ws.set_row_height(row, 15.0 * lines.min(20) as f64)?;
    Ok(())
}

/// How many lines `text` takes in a column `width` characters wide, a Chinese character
/// counting two.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width.max(2.0) - 1.0) as usize;
    text.split('\n')
        .map(|l| {
            unicode_width::UnicodeWidthStr::width(l)
                .div_ceil(per_line)
                .max(1)
        })
        .sum()
}

/// Writes an id cell; nothing more to write as text.
fn return_id(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    id: &str,
    f: &Formats,
) -> Result<String, XlsxError> {
    write_id(ws, row, col, id, f)?;
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_excel_accepts() {
        let taken = vec!["住建局".to_string()];
        assert_eq!(sheet_name("住建局", &taken), "住建局(2)");
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name(INSTRUCTIONS_SHEET, &[]), "填写说明(2)");
        assert_eq!(sheet_name(&"长".repeat(40), &[]).chars().count(), 28);
    }
}
