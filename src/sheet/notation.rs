//! The notation of the ledger's cells: dates in the forms offices write them, statuses in
//! Chinese or English, and the fields a single column holds several of. Export writes what
//! import reads, so a round trip keeps every field:
//!
//! - 督办记录: one record a line, `YYYY-MM-DD 内容`, the unit that supervised at the end as
//!   `（督办：单位）`. A line that starts with a space goes on with the record above it (a
//!   note of several lines); export indents such lines by two spaces, which import takes off.
//!   A note that itself ends like a unit gets an empty `（督办：）` after it.
//! - 延期至, 延期批准日期, 延期原因: one extension a line, the lines of the three cells
//!   matched in order; a reason may be left empty (a blank line) or missing at the end.
//! - 核验单位: the unit on the first line; the lines after it are the 核验情况 (a note).
//!
//! Pure functions on text: the workbook is read elsewhere.

use crate::date::Date;
use crate::document::{Extension, Progress, Status};

/// The forms of a date a cell may hold as text.
pub const DATE_FORMS: &str = "2026-06-30、2026/6/30、2026.6.30 或 2026年6月30日";

/// A date as text: `2026-06-30`, `2026/6/30`, `2026.6.30` or `2026年6月30日`, within the years
/// the content model allows.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let bad = || format!("“{t}”不是日期,应写成 {DATE_FORMS}");
    let body = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = if body.contains('年') {
        body.split(['年', '月']).collect()
    } else {
        body.split(['-', '/', '.']).collect()
    };
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !ok || (body.len() != t.len() && !t.contains('年')) {
        return Err(bad());
    }
    let num = |p: &str| p.parse::<i16>().unwrap_or(0);
    let date = jiff::civil::Date::new(num(parts[0]), num(parts[1]) as i8, num(parts[2]) as i8)
        .map_err(|_| format!("日期“{t}”不存在,请检查月份和日"))?;
    in_range(Date(date))
}

/// `date` if the content model allows it: a date before 1949 or after 2100 is a typo.
pub fn in_range(date: Date) -> Result<Date, String> {
    if (Date::EARLIEST..=Date::LATEST).contains(&date) {
        Ok(date)
    } else {
        Err(format!(
            "日期 {date} 不在 {} 至 {} 之间,多半是笔误",
            Date::EARLIEST,
            Date::LATEST
        ))
    }
}

const STATUSES: [Status; 4] = [
    Status::Registered,
    Status::InProgress,
    Status::Done,
    Status::Ongoing,
];

/// The statuses as the drop-down offers them.
pub fn status_labels() -> [&'static str; 4] {
    STATUSES.map(Status::label)
}

/// A status by its Chinese label or its English name (`in_progress`, `in progress`, any case).
pub fn parse_status(s: &str) -> Result<Status, String> {
    let t = s.trim();
    let name = t.to_ascii_lowercase().replace([' ', '-'], "_");
    STATUSES
        .into_iter()
        .find(|st| st.label() == t || st.name() == name)
        .ok_or_else(|| {
            format!(
                "未知状态“{t}”,应为 {}(或英文 {})",
                status_labels().join("、"),
                STATUSES.map(Status::name).join("、")
            )
        })
}

/// Spaces that may separate a record's date from its text.
const SEPARATORS: [char; 8] = [' ', '\u{3000}', '\t', ':', '：', ',', '，', '、'];

/// The records of a cell that holds one a line: a line that starts with a space (or a tab, or a
/// full-width space) goes on with the record above it, without the two spaces export puts
/// there. `(first line of the record within the cell, from 1; its text)`.
pub fn records(cell: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, line) in cell.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let continues = line.starts_with([' ', '\t', '\u{3000}']);
        match out.last_mut() {
            Some((_, text)) if continues => {
                text.push('\n');
                text.push_str(line.strip_prefix("  ").unwrap_or(line.trim_start()));
            }
            _ => out.push((i + 1, line.to_string())),
        }
    }
    out
}

/// Records one a line, a record of several lines with its later lines indented: what
/// [`records`] reads back.
pub fn join_records<'a>(records: impl IntoIterator<Item = &'a str>) -> String {
    records
        .into_iter()
        .map(|r| r.replace('\n', "\n  "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The unit at the end of a 督办记录 record, `（督办：单位）` in full-width or plain brackets:
/// `(text before it, unit)`.
fn split_by(record: &str) -> Option<(&str, &str)> {
    let inner = record
        .strip_suffix('）')
        .or_else(|| record.strip_suffix(')'))?;
    let open = inner.rfind(['（', '('])?;
    let rest = inner[open..].trim_start_matches(['（', '(']);
    let by = rest
        .strip_prefix("督办")?
        .trim_start()
        .strip_prefix([':', '：'])?;
    Some((&record[..open], by.trim()))
}

/// The 督办记录 cell of `progress`.
pub fn progress_text(progress: &[Progress]) -> String {
    let records: Vec<String> = progress
        .iter()
        .map(|p| {
            let mut r = format!("{} {}", p.date, p.note);
            match &p.by {
                Some(by) => r.push_str(&format!("（督办：{by}）")),
                // A note that ends like a unit would lose its end: an empty unit keeps it.
                None if split_by(&p.note).is_some() => r.push_str("（督办：）"),
                None => {}
            }
            r
        })
        .collect();
    join_records(records.iter().map(String::as_str))
}

/// A 督办记录 cell as progress records; a bad record is `(its line in the cell, the problem)`.
pub fn parse_progress(cell: &str) -> Result<Vec<Progress>, Vec<(usize, String)>> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (line, record) in records(cell) {
        if record.trim().is_empty() {
            continue;
        }
        match parse_record(&record) {
            Ok(p) => out.push(p),
            Err(e) => bad.push((line, e)),
        }
    }
    if bad.is_empty() { Ok(out) } else { Err(bad) }
}

fn parse_record(record: &str) -> Result<Progress, String> {
    let record = record.trim_start();
    let end = record
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || "-/.年月日".contains(c)))
        .map_or(record.len(), |(i, _)| i);
    let (date, rest) = record.split_at(end);
    let first = record.lines().next().unwrap_or_default();
    if date.is_empty() {
        return Err(format!(
            "“{first}”应以日期开头,写成“2026-06-30 督办情况”,每条一行"
        ));
    }
    let date = parse_date(date)?;
    let rest = rest.trim_start_matches(SEPARATORS);
    let (note, by) = match split_by(rest) {
        Some((note, by)) => (note.trim_end(), (!by.is_empty()).then(|| by.to_string())),
        None => (rest.trim_end(), None),
    };
    if note.is_empty() {
        return Err(format!("“{first}”只有日期,没有督办情况"));
    }
    Ok(Progress {
        date,
        note: note.to_string(),
        by,
    })
}

/// The three extension cells (延期至, 延期批准日期, 延期原因) of `extensions`: dates as text,
/// one a line.
pub fn extension_texts(extensions: &[Extension]) -> [String; 3] {
    let lines =
        |f: &dyn Fn(&Extension) -> String| extensions.iter().map(f).collect::<Vec<_>>().join("\n");
    let reasons: Vec<String> = extensions
        .iter()
        .map(|e| e.reason.clone().unwrap_or_default())
        .collect();
    [
        lines(&|e| e.deadline.to_string()),
        lines(&|e| e.approved.to_string()),
        join_records(reasons.iter().map(String::as_str)),
    ]
}

/// The 核验单位 cell of a verification: the unit, and the note on the lines after it.
pub fn verified_by_text(by: &str, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{by}\n{note}"),
        None => by.to_string(),
    }
}

/// A 核验单位 cell: the unit (first line) and the note (the rest), each trimmed.
pub fn parse_verified_by(cell: &str) -> (String, Option<String>) {
    let (by, note) = cell.split_once('\n').unwrap_or((cell, ""));
    let note = note.trim();
    (
        by.trim().to_string(),
        (!note.is_empty()).then(|| note.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates_in_every_form_offices_write() {
        for s in [
            "2026-06-30",
            "2026/6/30",
            "2026年6月30日",
            "2026.6.30",
            " 2026-6-30 ",
        ] {
            assert_eq!(parse_date(s), Ok(d("2026-06-30")), "{s}");
        }
        assert_eq!(parse_date("2026年6月3日"), Ok(d("2026-06-03")));
        assert_eq!(parse_date("2026年6月30"), Ok(d("2026-06-30")));
        for s in ["2026-13-01", "2026-02-30"] {
            assert!(parse_date(s).unwrap_err().contains("不存在"), "{s}");
        }
        for s in ["明年六月", "26-6-30", "2026-06", "2026-06-30日", ""] {
            assert!(parse_date(s).unwrap_err().contains("不是日期"), "{s}");
        }
        assert!(parse_date("0026-06-30").unwrap_err().contains("笔误"));
    }

    #[test]
    fn statuses_in_chinese_or_english() {
        assert_eq!(parse_status("已销号"), Ok(Status::Done));
        assert_eq!(parse_status("In Progress"), Ok(Status::InProgress));
        assert_eq!(parse_status("ongoing"), Ok(Status::Ongoing));
        assert_eq!(parse_status(" registered "), Ok(Status::Registered));
        let e = parse_status("完成").unwrap_err();
        assert!(e.contains("已登记、整改中、已销号、长期坚持"), "{e}");
    }

    fn p(date: &str, note: &str, by: Option<&str>) -> Progress {
        Progress {
            date: d(date),
            note: note.into(),
            by: by.map(str::to_string),
        }
    }

    fn same(a: &[Progress], b: &[Progress]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.date == y.date && x.note == y.note && x.by == y.by)
    }

    #[test]
    fn progress_goes_there_and_back() {
        let progress = vec![
            p(
                "2025-11-25",
                "新增车辆12台到位。",
                Some("市人大常委会城建环资工委"),
            ),
            p("2025-12-08", "两行的\n督办情况", None),
            p("2025-12-09", "写明了（督办：某单位）却没有督办单位", None),
            p("2025-12-10", "  缩进的\n  第二行", Some("某委")),
        ];
        let text = progress_text(&progress);
        assert!(
            text.starts_with("2025-11-25 新增车辆12台到位。（督办：市人大常委会城建环资工委）\n")
        );
        let back = parse_progress(&text).unwrap();
        assert!(same(&back[..3], &progress[..3]), "{back:?}");
        // Leading spaces of a note are not kept (YAML does not keep them either).
        assert_eq!(back[3].note, "缩进的\n  第二行");
    }

    #[test]
    fn progress_as_people_type_it() {
        let back = parse_progress(
            "2026/3/16 累计完成58台\n\n2026年7月8日：约谈分管负责同志(督办: 城建工委)\n",
        )
        .unwrap();
        assert!(same(
            &back,
            &[
                p("2026-03-16", "累计完成58台", None),
                p("2026-07-08", "约谈分管负责同志", Some("城建工委")),
            ]
        ));
        let bad =
            parse_progress("2026-03-16 好\n三月中旬 完成\n2026-02-30 坏\n2026-03-20").unwrap_err();
        let lines: Vec<usize> = bad.iter().map(|b| b.0).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(bad[0].1.contains("应以日期开头"), "{}", bad[0].1);
        assert!(bad[2].1.contains("没有督办情况"), "{}", bad[2].1);
    }

    #[test]
    fn several_extensions_line_up_across_three_cells() {
        let e = |a: &str, dl: &str, r: Option<&str>| Extension {
            approved: d(a),
            deadline: d(dl),
            reason: r.map(str::to_string),
        };
        let [deadlines, approved, reasons] = extension_texts(&[
            e("2026-05-28", "2026-12-31", None),
            e("2026-12-01", "2027-06-30", Some("管线迁改")),
        ]);
        assert_eq!(deadlines, "2026-12-31\n2027-06-30");
        assert_eq!(approved, "2026-05-28\n2026-12-01");
        assert_eq!(reasons, "\n管线迁改");
        let r: Vec<String> = records(&reasons).into_iter().map(|r| r.1).collect();
        assert_eq!(r, ["", "管线迁改"]);
    }

    #[test]
    fn a_verification_note_follows_the_unit() {
        let text = verified_by_text("城建工委", Some("乘车体验"));
        assert_eq!(
            parse_verified_by(&text),
            ("城建工委".into(), Some("乘车体验".into()))
        );
        assert_eq!(parse_verified_by(" 城建工委 "), ("城建工委".into(), None));
    }
}
