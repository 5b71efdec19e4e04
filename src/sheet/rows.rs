//! A sheet's cells as ledger items: the header row found, each column by its name (in any
//! order), each non-empty row below it one item. Every bad cell of every row is reported, each
//! at its row and column, worded in the sheet's terms; the rules one item must keep (已销号 with
//! a 完成日期, a 整改时限 unless 长期坚持…) are checked here too, so they are reported in the
//! column to fix. The document's own checks still run on the result (`import`).

use std::collections::BTreeMap;

use super::Column;
use super::Problem;
use super::notation::{self, parse_date, parse_status};
use super::read::{Cell, Grid};
use crate::date::Date;
use crate::document::{Extension, Item, Status, Verified};

/// How far down the header row may be: offices put a title row or two above it.
const HEADER_SEARCH: usize = 10;

/// One item and the row it came from.
#[derive(Debug, Clone)]
pub struct Row {
    /// As Excel numbers rows, from 1.
    pub number: usize,
    pub item: Item,
}

/// `A`, `B`, … `Z`, `AA`: a column as the sheet labels it.
pub fn letter(mut index: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            return s;
        }
        index = index / 26 - 1;
    }
}

/// A header as written, without spaces, line breaks or a required-field mark (`*`).
fn header_name(cell: &Cell) -> Option<String> {
    let Cell::Text(s) = cell else {
        return match cell {
            Cell::Empty => None,
            Cell::Number(n) => Some(n.to_string()),
            Cell::Date(d) => Some(d.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Error(e) => Some(e.clone()),
            Cell::Text(_) => unreachable!("matched above"),
        };
    };
    let name: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Where each column is: the header row's number and each column's index.
struct Header {
    row: usize,
    columns: BTreeMap<Column, usize>,
    /// Indexes of the columns without a header.
    unnamed: Vec<usize>,
}

fn find_header(grid: &Grid, label: &str) -> Result<Header, Vec<Problem>> {
    let sheet = grid.sheet.as_str();
    let Some((row, cells)) = grid.rows.iter().take(HEADER_SEARCH).find(|(_, cells)| {
        cells
            .iter()
            .filter_map(header_name)
            .any(|n| n == Column::Id.header() || n == Column::Problem.header())
    }) else {
        let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
        return Err(vec![Problem {
            sheet: Some(sheet.to_string()),
            ..Problem::file(
                label,
                format!(
                    "找不到表头:前 {HEADER_SEARCH} 行中没有写着“编号”“问题”的一行;表头应为 {}",
                    headers.join("、")
                ),
            )
        }]);
    };
    let mut problems = Vec::new();
    let mut columns = BTreeMap::new();
    let mut unnamed = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let Some(name) = header_name(cell) else {
            unnamed.push(i);
            continue;
        };
        let at = |message: String| Problem::cell(label, sheet, *row, Some(&name), message);
        match Column::by_header(&name) {
            Some(c) => {
                if let Some(first) = columns.insert(c, i) {
                    problems.push(at(format!(
                        "这一列出现了两次({}列和{}列),请删去一列",
                        letter(first),
                        letter(i)
                    )));
                }
            }
            None => {
                let hint =
                    crate::diagnostic::did_you_mean(&name, Column::ALL.iter().map(|c| c.header()))
                        .map(|m| format!("是不是“{m}”?"))
                        .unwrap_or_default();
                problems.push(at(format!(
                    "{}列不是台账的列,无法导入;{hint}台账只有模板中的 15 列,不需要的列请删去,补充说明写在督办记录中",
                    letter(i)
                )));
            }
        }
    }
    for c in Column::ALL.into_iter().filter(|c| c.required()) {
        if !columns.contains_key(&c) {
            problems.push(Problem::cell(
                label,
                sheet,
                *row,
                Some(c.header()),
                "表头中没有这一列;编号、问题、整改措施、责任单位、整改时限、状态 这几列必须有",
            ));
        }
    }
    if problems.is_empty() {
        Ok(Header {
            row: *row,
            columns,
            unnamed,
        })
    } else {
        Err(problems)
    }
}

/// The items of `grid`'s rows below its header, or every problem found in them.
pub fn parse(grid: &Grid, label: &str) -> Result<Vec<Row>, Vec<Problem>> {
    let header = find_header(grid, label)?;
    let mut problems = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (number, cells) in grid.rows.iter().filter(|(n, _)| *n > header.row) {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        let mut r = RowReader {
            label,
            sheet: &grid.sheet,
            number: *number,
            cells,
            columns: &header.columns,
            problems: Vec::new(),
        };
        for &i in &header.unnamed {
            if cells.get(i).is_some_and(|c| !c.is_blank()) {
                r.problems.push(Problem::cell(
                    label,
                    &grid.sheet,
                    *number,
                    Some(&format!("{}列", letter(i))),
                    "这一列没有列名,其中的内容无法导入;请在表头写上列名,或删去这一列",
                ));
            }
        }
        let item = r.item();
        if let Some(item) = &item
            && let Some(first) = ids.insert(item.id.clone(), *number)
        {
            r.problem(
                Column::Id,
                format!("编号“{}”与第{first}行重复,每个事项的编号应不同", item.id),
            );
        }
        problems.append(&mut r.problems);
        if let Some(item) = item {
            rows.push(Row {
                number: *number,
                item,
            });
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// One row's cells, read column by column; what is wrong is collected in `problems`.
struct RowReader<'a> {
    label: &'a str,
    sheet: &'a str,
    number: usize,
    cells: &'a [Cell],
    columns: &'a BTreeMap<Column, usize>,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn problem(&mut self, column: Column, message: String) {
        self.problems.push(Problem::cell(
            self.label,
            self.sheet,
            self.number,
            Some(column.header()),
            message,
        ));
    }

    fn cell(&self, column: Column) -> &Cell {
        self.columns
            .get(&column)
            .and_then(|&i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    /// What a cell holds that its column cannot take.
    fn wrong(&mut self, column: Column, cell: &Cell, wanted: &str) {
        let message = match cell {
            Cell::Number(n) => {
                format!("填的是数字 {n},这一列应填{wanted};如确要写数字,请先把单元格格式设为“文本”")
            }
            Cell::Date(d) => format!("填的是日期 {d},这一列应填{wanted}"),
            Cell::Bool(b) => format!(
                "填的是逻辑值 {},这一列应填{wanted}",
                if *b { "TRUE" } else { "FALSE" }
            ),
            Cell::Error(e) => format!("公式出错({e}),请改正公式,或直接填写{wanted}"),
            Cell::Empty | Cell::Text(_) => format!("应填{wanted}"),
        };
        self.problem(column, message);
    }

    /// A text cell, without the spaces at its ends; `None` when empty (a problem if `required`).
    fn text(&mut self, column: Column, required: bool) -> Option<String> {
        match self.cell(column).clone() {
            Cell::Text(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            c if c.is_blank() => {
                if required {
                    self.problem(column, "不能为空".to_string());
                }
                None
            }
            c => {
                self.wrong(column, &c, "文字");
                None
            }
        }
    }

    /// An id: text, or a whole number (`3` is `"3"`).
    fn id(&mut self, column: Column, required: bool) -> Option<String> {
        match self.cell(column).clone() {
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", n as i64)),
            Cell::Number(n) => {
                self.problem(column, format!("“{n}”不是整数;编号写 1、2、3 或文字"));
                None
            }
            _ => self.text(column, required),
        }
    }

    /// A cell of several lines, its trailing blanks dropped (a leading blank line of 延期原因
    /// says the first extension has no reason).
    fn lines(&mut self, column: Column) -> Option<String> {
        match self.cell(column).clone() {
            Cell::Text(s) if !s.trim().is_empty() => Some(s.trim_end().replace("\r\n", "\n")),
            c if c.is_blank() => None,
            c => {
                self.wrong(column, &c, "文字");
                None
            }
        }
    }

    fn date(&mut self, column: Column) -> Option<Date> {
        let result = match self.cell(column).clone() {
            Cell::Date(d) => notation::in_range(d),
            Cell::Text(s) if !s.trim().is_empty() => parse_date(&s),
            c if c.is_blank() => return None,
            c => {
                self.wrong(column, &c, &format!("日期,如 {}", notation::DATE_FORMS));
                return None;
            }
        };
        result.map_err(|e| self.problem(column, e)).ok()
    }

    /// A cell of dates, one a line (or one date cell). `None` when any is bad.
    fn dates(&mut self, column: Column) -> Option<Vec<Date>> {
        match self.cell(column).clone() {
            Cell::Text(s) => {
                let mut out = Vec::new();
                for line in s.lines().filter(|l| !l.trim().is_empty()) {
                    match parse_date(line) {
                        Ok(d) => out.push(d),
                        Err(e) => self.problem(column, e),
                    }
                }
                (out.len() == s.lines().filter(|l| !l.trim().is_empty()).count()).then_some(out)
            }
            Cell::Empty => Some(Vec::new()),
            _ => self.date(column).map(|d| vec![d]),
        }
    }

    fn status(&mut self) -> Option<Status> {
        let text = self.text(Column::Status, true)?;
        parse_status(&text)
            .map_err(|e| self.problem(Column::Status, e))
            .ok()
    }

    fn progress(&mut self) -> Option<Vec<crate::document::Progress>> {
        let Some(text) = self.lines(Column::Progress) else {
            return Some(Vec::new());
        };
        match notation::parse_progress(&text) {
            Ok(p) => Some(p),
            Err(bad) => {
                for (line, e) in bad {
                    self.problem(Column::Progress, format!("单元格内第{line}行:{e}"));
                }
                None
            }
        }
    }
}

impl RowReader<'_> {
    /// The row's item, or `None` with its problems in `problems`.
    fn item(&mut self) -> Option<Item> {
        let before = self.problems.len();
        let id = self.id(Column::Id, true);
        let problem = self.text(Column::Problem, true);
        let measures = self.text(Column::Measures, true);
        let responsible = self.text(Column::Responsible, true);
        let deadline = self.date(Column::Deadline);
        let status = self.status();
        let completed = self.date(Column::Completed);
        let source = self.text(Column::Source, false);
        let point = self.id(Column::Point, false);
        let progress = self.progress();
        let extensions = self.extensions();
        let verified = self.verified();
        if self.problems.len() > before {
            return None;
        }
        let item = Item {
            id: id?,
            problem: problem?,
            measures: measures?,
            responsible: responsible?,
            deadline,
            status: status?,
            completed,
            progress: progress?,
            point,
            source,
            extensions: extensions?,
            verified: verified?,
        };
        self.check(&item);
        (self.problems.len() == before).then_some(item)
    }

    /// The three extension columns, matched line by line.
    fn extensions(&mut self) -> Option<Vec<Extension>> {
        let deadlines = self.dates(Column::ExtensionDeadline);
        let approved = self.dates(Column::ExtensionApproved);
        let reasons: Vec<String> = self
            .lines(Column::ExtensionReason)
            .map(|t| notation::records(&t).into_iter().map(|r| r.1).collect())
            .unwrap_or_default();
        let (deadlines, approved) = (deadlines?, approved?);
        let n = deadlines.len();
        if approved.len() != n {
            self.problem(
                Column::ExtensionApproved,
                format!(
                    "有 {} 个日期,而延期至有 {n} 个;每次延期一行,两列逐行对应",
                    approved.len()
                ),
            );
            return None;
        }
        if reasons.len() > n {
            self.problem(
                Column::ExtensionReason,
                format!(
                    "有 {} 行,而延期至只有 {n} 个日期;每次延期一行,逐行对应",
                    reasons.len()
                ),
            );
            return None;
        }
        Some(
            (0..n)
                .map(|i| Extension {
                    approved: approved[i],
                    deadline: deadlines[i],
                    reason: reasons
                        .get(i)
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty()),
                })
                .collect(),
        )
    }

    fn verified(&mut self) -> Option<Option<Verified>> {
        let by = self.lines(Column::VerifiedBy);
        let date = self.date(Column::VerifiedDate);
        match (by, date) {
            (Some(by), Some(date)) => {
                let (by, note) = notation::parse_verified_by(&by);
                Some(Some(Verified { by, date, note }))
            }
            (None, None) => Some(None),
            (Some(_), None) => {
                self.problem(Column::VerifiedDate, "填了核验单位,还要填核验日期".into());
                None
            }
            (None, Some(_)) => {
                self.problem(Column::VerifiedBy, "填了核验日期,还要填核验单位".into());
                None
            }
        }
    }

    /// The rules of one item, in the sheet's words (the document's checks say the same in
    /// the front matter's).
    fn check(&mut self, item: &Item) {
        let label = item.status.label();
        match (item.status, item.completed) {
            (Status::Done, None) => {
                self.problem(Column::Completed, "状态为已销号,须填写完成日期".to_string())
            }
            (status, Some(_)) if status != Status::Done => self.problem(
                Column::Completed,
                format!("状态为{label},不应填写完成日期;只有已销号的事项才填"),
            ),
            _ => {}
        }
        if item.deadline.is_none() && item.status != Status::Ongoing {
            self.problem(
                Column::Deadline,
                "不能为空;没有完成时限、需要长期坚持的措施,状态选“长期坚持”".to_string(),
            );
        }
        match (&item.verified, item.completed) {
            (Some(_), _) if item.status != Status::Done => self.problem(
                Column::VerifiedBy,
                format!("状态为{label},不应填写核验;只有已销号的事项才核验销号"),
            ),
            (Some(v), Some(done)) if v.date < done => self.problem(
                Column::VerifiedDate,
                format!(
                    "核验日期 {} 早于完成日期 {done};先完成整改,再核验销号",
                    v.date
                ),
            ),
            _ => {}
        }
        let mut previous = item.deadline;
        for (i, e) in item.extensions.iter().enumerate() {
            if let Some(p) = previous.filter(|p| e.deadline <= *p) {
                self.problem(
                    Column::ExtensionDeadline,
                    format!(
                        "第{}次延期至 {} 不晚于此前的时限 {p};多次延期按批准先后一行一个",
                        i + 1,
                        e.deadline
                    ),
                );
            }
            previous = Some(e.deadline);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn grid(rows: Vec<Vec<Cell>>) -> Grid {
        Grid {
            sheet: "整改台账".into(),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect(),
        }
    }

    fn header() -> Vec<Cell> {
        Column::ALL.iter().map(|c| t(c.header())).collect()
    }

    #[test]
    fn columns_are_found_by_name_under_a_title_row() {
        let g = grid(vec![
            vec![t("某局整改台账")],
            vec![
                t("状态"),
                t("编号"),
                t("整改 时限"),
                t("问题"),
                t("整改措施"),
                t("责任单位*"),
            ],
            vec![
                t("整改中"),
                Cell::Number(3.0),
                t("2026/6/30"),
                t("问题"),
                t("措施"),
                t("科"),
            ],
        ]);
        let rows = parse(&g, "a.xlsx").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].number, 3);
        assert_eq!(rows[0].item.id, "3");
        assert_eq!(
            rows[0].item.deadline,
            Some(Date::parse("2026-06-30").unwrap())
        );
    }

    #[test]
    fn header_problems_name_the_column() {
        let mut h = header();
        h.remove(5);
        h.push(t("备注"));
        let e = parse(&grid(vec![h]), "a.xlsx").unwrap_err();
        let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(
            shown[0].starts_with("a.xlsx 整改台账 第1行 备注: O列不是台账的列"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("a.xlsx 整改台账 第1行 状态: 表头中没有这一列"),
            "{shown:?}"
        );
        let e = parse(&grid(vec![vec![t("x")]]), "a.xlsx").unwrap_err();
        assert!(
            e[0].to_string().starts_with("a.xlsx 整改台账: 找不到表头"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }
}
