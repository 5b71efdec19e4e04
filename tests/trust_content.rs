//! Content that could hurt the office without crashing anything: a name too long for the file
//! system, control characters written as YAML escapes, dates that cannot be true, and a large
//! overdue ledger whose warnings must each point at their own item. Each case asserts what an
//! editor sees: the error with its file, line and field, or the page that is published.

use std::path::Path;

use pingyi::{Diagnostic, Options};

use crate::support::*;

/// The errors of building `site`, as `location message`.
fn error_lines(site: &TestSite) -> Vec<String> {
    site.errors()
        .iter()
        .map(|d| format!("{} {}", d.location(), d.message))
        .collect()
}

/// The one error of building `site`.
fn one_error(site: &TestSite) -> Diagnostic {
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Dates that cannot be true.

#[test]
fn an_item_completed_after_today_is_an_error_at_its_line() {
    // The build's today is 2024-11-27.
    let site = TestSite::valid().file(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replace("completed: 2024-10-15", "completed: 2099-12-15"),
    );
    let e = one_error(&site);
    assert_eq!(
        e.location(),
        "content/2024/rectifications/transport.md:21:1"
    );
    assert!(
        e.message.contains("2099-12-15") && e.message.contains("晚于今天(2024-11-27)"),
        "{}",
        e.message
    );
    // Today itself is fine.
    TestSite::valid()
        .file(
            "content/2024/rectifications/transport.md",
            &RECTIFICATION.replace("completed: 2024-10-15", "completed: 2024-11-27"),
        )
        .built();
}

#[test]
fn a_scheduled_report_may_record_what_is_done_by_its_own_date() {
    // Published on 2024-12-20, previewed before: an item closed on 2024-12-18 is no mistake.
    let scheduled = RECTIFICATION
        .replace("date: 2024-11-01", "date: 2024-12-20")
        .replace("completed: 2024-10-15", "completed: 2024-12-18");
    let site = TestSite::valid()
        .file("content/2024/rectifications/transport.md", &scheduled)
        .built();
    assert!(!site.out().join("2024/rectifications/transport").exists());
    let preview = Options {
        drafts: true,
        ..TestSite::options()
    };
    pingyi::build(site.root(), &site.out(), &preview)
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(
        site.out()
            .join("2024/rectifications/transport/index.html")
            .is_file()
    );
    // Past its own date it is an error again.
    let site = TestSite::valid().file(
        "content/2024/rectifications/transport.md",
        &scheduled.replace("completed: 2024-12-18", "completed: 2024-12-21"),
    );
    let e = pingyi::check(site.root(), &preview).unwrap_err();
    let e: Vec<_> = e.iter().filter(|d| d.is_error()).collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].message.contains("晚于本文档的发布日期 2024-12-20"),
        "{}",
        e[0].message
    );
}

#[test]
fn dates_before_1949_or_after_2100_are_errors_naming_the_field() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "notices/plan.md",
            "date: 2024-02-10",
            "date: 0023-02-10",
            "content/2024/notices/plan.md:4:7",
            "date",
        ),
        (
            "notices/plan.md",
            "written_date: 2024-02-08",
            "written_date: 1900-02-08",
            "content/2024/notices/plan.md:11:15",
            "written_date",
        ),
        (
            "rectifications/transport.md",
            "deadline: 2024-06-30",
            "deadline: 2106-06-30",
            "content/2024/rectifications/transport.md:13:15",
            "items[0].deadline",
        ),
        (
            "rectifications/transport.md",
            "{date: 2024-09-01,",
            "{date: 1024-09-01,",
            "content/2024/rectifications/transport.md:23:16",
            "items[1].progress[0].date",
        ),
        (
            "review.md",
            "start: 2024-02-01",
            "start: 1948-12-31",
            "content/2024/review.md:9:25",
            "stages[0].start",
        ),
    ];
    for &(doc, from, to, at, field) in cases {
        let original = match doc {
            "notices/plan.md" => NOTICE,
            "review.md" => REVIEW,
            _ => RECTIFICATION,
        };
        assert!(original.contains(from), "{from}");
        let rel = format!("content/2024/{doc}");
        let site = TestSite::valid().file(&rel, &original.replacen(from, to, 1));
        // A review that does not parse leaves the others naming an unknown review.
        let errors: Vec<Diagnostic> = site
            .errors()
            .into_iter()
            .filter(|d| d.path == Path::new(&rel))
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let e = &errors[0];
        assert_eq!(e.location(), at, "{field}: {e}");
        assert!(
            e.message.contains(&format!("字段 `{field}`"))
                && e.message.contains("1949-01-01")
                && e.message.contains("2100-12-31"),
            "{field}: {}",
            e.message
        );
    }
    // A review's year and site.yaml's archived years, too (the other documents then name a
    // review that does not parse: left out here).
    let site = TestSite::valid()
        .file(
            "content/2024/review.md",
            &REVIEW.replace("year: 2024", "year: 20244"),
        )
        .file("site.yaml", &format!("{SITE_YAML}archived_years: [23]\n"));
    let errors: Vec<String> = error_lines(&site)
        .into_iter()
        .filter(|e| e.starts_with("content/2024/review.md") || e.starts_with("site.yaml"))
        .collect();
    assert_eq!(
        errors,
        [
            "content/2024/review.md:6:1 年度 20244 不在 1949 至 2100 之间,多半是笔误",
            "site.yaml:10:1 年度 23 不在 1949 至 2100 之间,多半是笔误",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Linear checking: the speed is measured by bench/overdue_ledger.sh; this is its correctness.

#[test]
fn every_overdue_warning_names_its_own_deadline_line() {
    const ITEMS: usize = 3000;
    let mut text = String::from(
        "---\ntitle: 整改台账\ntype: rectification\ndate: 2024-11-01\nreview: \"2024\"\ndepartment: housing\nitems:\n",
    );
    let mut expected = Vec::new();
    for i in 0..ITEMS {
        // Three layouts: block, block with a progress list and a comment before the deadline,
        // and flow style on one line.
        let deadline = format!("2024-{:02}-{:02}", 1 + i % 10, 1 + i % 28);
        match i % 3 {
            0 => text.push_str(&format!(
                "  - id: \"{i}\"\n    problem: 问题{i}\n    measures: 措施\n    responsible: 科室\n    deadline: {deadline}\n    status: registered\n"
            )),
            1 => text.push_str(&format!(
                "  - id: \"{i}\"\n    problem: 问题{i}\n    measures: 措施\n    progress:\n      - {{date: 2024-01-02, note: 督办}}\n    responsible: 科室\n    # 时限见文件\n    deadline: {deadline}\n    status: in_progress\n"
            )),
            _ => text.push_str(&format!(
                "  - {{id: \"{i}\", problem: 问题{i}, measures: 措施, responsible: 科室, deadline: {deadline}, status: in_progress}}\n"
            )),
        }
        // The deadline is the item's last line but one, or its only line.
        let last = text.lines().count();
        let line = if i % 3 == 2 { last } else { last - 1 };
        expected.push((i, line, deadline));
    }
    text.push_str("---\n台账。\n");
    let site = TestSite::valid().file("content/2024/rectifications/ledger.md", &text);
    let warnings = pingyi::check(site.root(), &TestSite::options())
        .unwrap_or_else(|e| panic!("{}", describe(&pingyi::BuildError::Content(e))));
    let mut overdue: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|d| d.path == Path::new("content/2024/rectifications/ledger.md"))
        .collect();
    overdue.sort_by_key(|d| d.line);
    assert_eq!(overdue.len(), ITEMS);
    for (d, (i, line, deadline)) in overdue.iter().zip(&expected) {
        assert_eq!(d.line, Some(*line), "item {i}: {d}");
        assert!(
            d.message
                .starts_with(&format!("整改事项 {i} 已逾期:时限 {deadline}")),
            "{d}"
        );
        assert!(
            d.source_line
                .as_deref()
                .unwrap()
                .contains(&format!("deadline: {deadline}")),
            "{d}"
        );
    }
}
