//! Excel ledgers as an office uses them (`pingyi ledger`): a workbook another program wrote
//! (openpyxl, `tests/fixtures/ledger/make.py`) imported into a rectification document, with
//! only its `items` changed; every bad cell reported at once at its row and column, nothing
//! written; every example document exported and imported back unchanged; the template's header
//! and drop-down; a year's export, one sheet per department.

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::Reader;
use predicates::prelude::*;

use crate::support::*;

const TODAY: &str = "2026-11-27";
const HOUSING: &str = "content/2025/rectifications/housing-round-1.md";

fn pingyi(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pingyi").unwrap();
    c.current_dir(dir);
    c
}

/// A copy of the example site with the fixture workbooks beside its `site.yaml`.
fn site() -> TestSite {
    let site = TestSite::example();
    for name in ["good.xlsx", "bad.xlsx", "site.xlsx"] {
        std::fs::copy(
            repo().join("tests/fixtures/ledger").join(name),
            site.root().join(name),
        )
        .unwrap();
    }
    site
}

fn import(site: &TestSite, workbook: &str, doc: &str) -> assert_cmd::assert::Assert {
    pingyi(site.root())
        .args([
            "ledger", "import", workbook, "--into", doc, "--today", TODAY,
        ])
        .assert()
}

/// The file around its items block: what comes before `items:` and after its last line.
fn outside_items(text: &str) -> (String, String) {
    let start = text.find("\nitems:\n").unwrap() + 1;
    let after = &text[start + "items:\n".len()..];
    let mut end = start + "items:\n".len();
    for line in after.split_inclusive('\n') {
        if !line.starts_with(' ') {
            break;
        }
        end += line.len();
    }
    (text[..start].to_string(), text[end..].to_string())
}

fn items_block(text: &str) -> String {
    let (before, after) = outside_items(text);
    text[before.len()..text.len() - after.len()].to_string()
}

const GOOD_ITEMS: &str = r#"items:
  - id: "1"
    point: 1
    source: 评议意见
    problem: 保障性租赁住房审核周期长。
    measures: 审核时限压缩至30个工作日以内。
    responsible: 市住房和城乡建设局住房保障科
    deadline: 2025-09-30
    status: done
    completed: 2025-09-26
    verified: {by: 市人大常委会城建环资工委, date: 2025-10-10, note: 现场抽查20户}
    progress:
      - {date: 2025-09-12, note: 网上申请系统上线试运行。}
      - {date: 2025-09-26, note: 经抽查审核用时22个工作日，予以销号。, by: 市人大常委会城建环资工委}
  - id: "2"
    point: 3
    problem: 既有住宅加装电梯推进缓慢。
    measures: 推行并联审批。
    responsible: 市住房和城乡建设局房屋管理科
    deadline: 2026-06-30
    extensions:
      - {approved: 2026-05-28, deadline: 2026-12-31}
      - {approved: 2026-11-20, deadline: 2027-06-30, reason: 低层住户异议，需逐户协调}
    status: in_progress
    progress:
      - {date: 2026-03-16, note: "累计新增完成加装58台\n其中城东片区31台"}
  - id: "3"
    source: 群众来信
    problem: 物业服务投诉处理不及时。
    measures: 物业服务质量季度考评并公开排名。
    responsible: 市住房和城乡建设局物业管理科
    status: ongoing
  - id: "4"
    point: 5
    problem: 新交付住宅渗漏投诉集中。
    measures: 严格执行分户验收。
    responsible: 市建设工程质量安全监督站
    deadline: 2026-12-31
    status: registered
  - id: "5"
    point: 2
    source: 评议意见
    problem: 老旧小区地下管网反复开挖。
    measures: 建立管线单位联合踏勘机制。
    responsible: 市住房和城乡建设局城市更新科
    deadline: 2025-12-31
    status: done
    completed: 2025-12-19
    progress:
      - {date: 2025-12-19, note: 完工验收, by: 市人大常委会城建环资工委}
"#;

#[test]
fn a_workbook_from_another_program_becomes_the_documents_ledger_and_nothing_else_changes() {
    let site = site();
    let before = std::fs::read_to_string(site.root().join(HOUSING)).unwrap();
    import(&site, "good.xlsx", HOUSING)
        .code(0)
        .stderr(predicate::str::contains(
            "已把 good.xlsx 工作表“整改台账”的 5 个整改事项导入",
        ));
    let after = std::fs::read_to_string(site.root().join(HOUSING)).unwrap();
    assert_eq!(items_block(&after), GOOD_ITEMS);
    assert_eq!(outside_items(&after), outside_items(&before));
    pingyi(site.root())
        .args(["check", "--today", TODAY])
        .assert()
        .code(0);
}

#[test]
fn a_dry_run_shows_the_new_ledger_and_writes_nothing() {
    let site = site();
    let before = std::fs::read(site.root().join(HOUSING)).unwrap();
    pingyi(site.root())
        .args([
            "ledger",
            "import",
            "good.xlsx",
            "--into",
            HOUSING,
            "--dry-run",
        ])
        .args(["--today", TODAY])
        .assert()
        .code(0)
        .stdout(format!("{}\n", GOOD_ITEMS.trim_end()))
        .stderr(
            predicate::str::contains("5 个整改事项").and(predicate::str::contains("(原有 5 项)")),
        )
        .stderr(predicate::str::contains("没有写入任何文件"));
    assert_eq!(std::fs::read(site.root().join(HOUSING)).unwrap(), before);
}

#[test]
fn every_bad_cell_is_reported_at_its_row_and_column_and_nothing_is_written() {
    let site = site();
    let before = std::fs::read(site.root().join(HOUSING)).unwrap();
    let out = import(&site, "bad.xlsx", HOUSING).code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let expected = [
        "bad.xlsx 整改台账 第2行 整改时限: 日期“2026-02-30”不存在,请检查月份和日",
        "bad.xlsx 整改台账 第3行 状态: 未知状态“完成了”,应为 已登记、整改中、已销号、长期坚持(或英文 registered、in_progress、done、ongoing)",
        "bad.xlsx 整改台账 第4行 问题: 不能为空",
        "bad.xlsx 整改台账 第5行 完成日期: 状态为已销号,须填写完成日期",
        "bad.xlsx 整改台账 第6行 督办记录: 单元格内第2行:“三月中旬 完成”应以日期开头,写成“2026-06-30 督办情况”,每条一行",
        "bad.xlsx 整改台账 第7行 编号: “1.5”不是整数;编号写 1、2、3 或文字",
        "bad.xlsx 整改台账 第7行 问题: 填的是数字 12345,这一列应填文字;如确要写数字,请先把单元格格式设为“文本”",
        "bad.xlsx 整改台账 第8行 责任单位: 公式出错(#DIV/0!),请改正公式,或直接填写文字",
        "bad.xlsx 整改台账 第9行 完成日期: 状态为整改中,不应填写完成日期;只有已销号的事项才填",
        "bad.xlsx 整改台账 第10行 整改时限: 不能为空;没有完成时限、需要长期坚持的措施,状态选“长期坚持”",
        "bad.xlsx 整改台账 第11行 延期批准日期: 有 1 个日期,而延期至有 2 个;每次延期一行,两列逐行对应",
        "bad.xlsx 整改台账 第13行 编号: 编号“11”与第12行重复,每个事项的编号应不同",
        &format!("✘ 发现 12 处问题;没有写入 {HOUSING},改好表格后再导入"),
    ];
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines, expected);
    assert_eq!(std::fs::read(site.root().join(HOUSING)).unwrap(), before);
}

#[test]
fn rows_that_break_the_sites_rules_are_reported_at_their_cells() {
    let site = site();
    let before = std::fs::read(site.root().join(HOUSING)).unwrap();
    import(&site, "site.xlsx", HOUSING)
        .code(1)
        .stderr(predicate::str::contains(
            "site.xlsx 整改台账 第2行 对应评议意见: 整改事项 1 对应的评议意见第 99 条不存在",
        ))
        .stderr(predicate::str::contains(
            "site.xlsx 整改台账 第3行 完成日期: 整改事项 2 的完成日期",
        ));
    assert_eq!(std::fs::read(site.root().join(HOUSING)).unwrap(), before);
}

#[test]
fn unreadable_workbooks_and_missing_columns_are_explained_never_a_crash() {
    let site = site();
    std::fs::write(site.root().join("note.xlsx"), "这不是表格").unwrap();
    let cases: [(&[&str], i32, &str); 4] = [
        (&["note.xlsx"], 2, "note.xlsx: 无法读取表格"),
        (&["missing.xlsx"], 2, "missing.xlsx: 无法读取"),
        (
            &["good.xlsx", "--sheet", "住建局"],
            2,
            "没有名为“住建局”的工作表;表格中有: 整改台账",
        ),
        (
            &["good.xlsx", "--into", "content/2025/review.md"],
            2,
            "不是整改公告",
        ),
    ];
    for (args, code, message) in cases {
        let mut c = pingyi(site.root());
        c.args(["ledger", "import"]).args(args);
        if !args.contains(&"--into") {
            c.args(["--into", HOUSING]);
        }
        c.assert()
            .code(code)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
    // A sheet without 状态 (and with a column pingyi does not know).
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in ["编号", "问题", "整改措施", "责任单位", "整改时限", "备注"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    book.save(site.root().join("short.xlsx")).unwrap();
    import(&site, "short.xlsx", HOUSING)
        .code(1)
        .stderr(predicate::str::contains(
            "short.xlsx Sheet1 第1行 备注: F列不是台账的列,无法导入",
        ))
        .stderr(predicate::str::contains(
            "short.xlsx Sheet1 第1行 状态: 表头中没有这一列",
        ));
}

/// Every rectification document of the example site.
fn rectifications(root: &Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .map(|e| e.path().strip_prefix(root).unwrap().to_path_buf())
        .filter(|p| {
            p.parent().is_some_and(|d| d.ends_with("rectifications"))
                && p.extension().is_some_and(|e| e == "md")
        })
        .collect();
    docs.sort();
    docs
}

fn items_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    match pingyi::Document::parse(path, &text).unwrap().details {
        pingyi::document::Details::Rectification(r) => serde_json::to_value(&r.items).unwrap(),
        _ => panic!("{} is not a rectification", path.display()),
    }
}

#[test]
fn export_then_import_leaves_every_example_ledger_as_it_was() {
    let site = TestSite::example();
    let docs = rectifications(site.root());
    assert!(docs.len() >= 7, "{docs:?}");
    for doc in &docs {
        let path = site.root().join(doc);
        let (bytes, items) = (std::fs::read(&path).unwrap(), items_json(&path));
        let doc = doc.to_str().unwrap();
        pingyi(site.root())
            .args(["ledger", "export", doc, "-o", "x.xlsx", "--force"])
            .assert()
            .code(0);
        // Changed first, so that the import has something to put back.
        let text = String::from_utf8(bytes.clone()).unwrap();
        std::fs::write(
            &path,
            text.replacen("    problem: ", "    problem: 改过的", 1),
        )
        .unwrap();
        import(&site, "x.xlsx", doc).code(0);
        assert_eq!(items_json(&path), items, "{doc}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{doc}");
    }
}

#[test]
fn fields_the_columns_do_not_obviously_hold_survive_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "---
title: 测试整改情况报告
type: rectification
date: 2025-12-01
review: \"2025\"
department: housing
items:
  - id: \"03\"
    point: 2a
    problem: \"两行的\\n问题\"
    measures: 措施
    responsible: 科室
    deadline: 2025-06-30
    extensions:
      - {approved: 2025-06-01, deadline: 2025-09-30}
      - {approved: 2025-09-01, deadline: 2025-12-31, reason: \"原因, 带逗号\"}
      - {approved: 2025-11-01, deadline: 2026-03-31}
    status: done
    completed: 2025-11-20
    verified: {by: 城建工委, date: 2025-11-25, note: \"两行的\\n核验情况\"}
    progress:
      - {date: 2025-07-01, note: \"第一行\\n  缩进的第二行\", by: 城建工委}
      - {date: 2025-08-01, note: 写着（督办：某单位）却没有督办单位}
      - {date: 2025-09-01, note: \"12345\", by: 督查室}
---
正文
";
    std::fs::write(dir.path().join("r.md"), doc).unwrap();
    let items = items_json(&dir.path().join("r.md"));
    pingyi(dir.path())
        .args(["ledger", "export", "r.md", "-o", "r.xlsx"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("r.xlsx"));
    std::fs::write(dir.path().join("r.md"), doc.replace("措施", "别的措施")).unwrap();
    pingyi(dir.path())
        .args([
            "ledger", "import", "r.xlsx", "--into", "r.md", "--today", TODAY,
        ])
        .assert()
        .code(0);
    assert_eq!(items_json(&dir.path().join("r.md")), items);
}

fn sheet_names(path: &Path) -> Vec<String> {
    calamine::open_workbook_auto(path).unwrap().sheet_names()
}

fn first_rows(path: &Path, sheet: &str, n: usize) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .take(n)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_template_has_the_header_a_status_drop_down_and_the_instructions() {
    let dir = tempfile::tempdir().unwrap();
    pingyi(dir.path())
        .args(["ledger", "template"])
        .assert()
        .code(0);
    let path = dir.path().join("整改台账模板.xlsx");
    assert_eq!(sheet_names(&path), ["整改台账", "填写说明"]);
    assert_eq!(
        first_rows(&path, "整改台账", 1)[0],
        [
            "编号",
            "问题",
            "整改措施",
            "责任单位",
            "整改时限",
            "状态",
            "完成日期",
            "来源",
            "对应评议意见",
            "督办记录",
            "延期至",
            "延期批准日期",
            "延期原因",
            "核验单位",
            "核验日期"
        ]
    );
    let xml = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<dataValidation type="list""#), "{xml}");
    assert!(xml.contains(r#"sqref="F2:F501""#), "{xml}");
    assert!(
        xml.contains("<formula1>\"已登记,整改中,已销号,长期坚持\"</formula1>"),
        "{xml}"
    );
    assert!(xml.contains(r#"ySplit="1""#), "the header is frozen: {xml}");
    let styles = zip_entry(&path, "xl/styles.xml");
    assert!(
        styles.contains(r#"formatCode="yyyy\-mm\-dd""#)
            || styles.contains(r#"formatCode="yyyy-mm-dd""#),
        "{styles}"
    );
    let help = first_rows(&path, "填写说明", 20).concat().join("\n");
    assert!(
        help.contains("（督办：") || help.contains("(督办:"),
        "{help}"
    );
    assert!(
        help.contains("延期至、延期批准日期、延期原因三列逐行对应"),
        "{help}"
    );
    // Never over a file without --force: it may be a department's filled-in ledger.
    pingyi(dir.path())
        .args(["ledger", "template"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("已存在,没有覆盖"));
}

#[test]
fn a_years_export_has_one_sheet_per_department_from_its_latest_report() {
    let site = TestSite::example();
    pingyi(site.root())
        .args(["ledger", "export", "--year", "2025", "--today", TODAY])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("已导出 2 张工作表"));
    let path = site.root().join("2025年度整改台账.xlsx");
    assert_eq!(sheet_names(&path), ["住建局", "交通局", "填写说明"]);
    // 交通局: its round-2 report, not the plan or round 1.
    let rows = first_rows(&path, "交通局", 100);
    let round2 = items_json(
        &site
            .root()
            .join("content/2025/rectifications/transport-round-2.md"),
    );
    assert_eq!(rows.len() - 1, round2.as_array().unwrap().len());
    let help = first_rows(&path, "填写说明", 40).concat().join("\n");
    assert!(
        help.contains("交通局:content/2025/rectifications/transport-round-2.md"),
        "{help}"
    );
    // Imported back, each document finds its own department's sheet.
    let doc = "content/2025/rectifications/transport-round-2.md";
    import(&site, "2025年度整改台账.xlsx", doc)
        .code(0)
        .stderr(predicate::str::contains("工作表“交通局”"));
    pingyi(site.root())
        .args(["ledger", "export", "--year", "2026", "--today", TODAY])
        .assert()
        .code(0);
    assert_eq!(
        sheet_names(&site.root().join("2026年度整改台账.xlsx")),
        ["教育局", "生态环境局", "市场监管局", "填写说明"]
    );
}

#[test]
fn the_command_is_listed_in_help() {
    let dir = tempfile::tempdir().unwrap();
    pingyi(dir.path())
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ledger").and(predicate::str::contains("整改台账")));
    pingyi(dir.path())
        .args(["ledger", "import", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("只显示导入后的台账,不写入文件"));
}
