//! Content that could hurt the office without crashing anything: a name too long for the file
//! system, control characters written as YAML escapes, dates that cannot be true, and a large
//! overdue ledger whose warnings must each point at their own item. Each case asserts what an
//! editor sees: the error with its file, line and field, or the page that is published.

use std::path::Path;

use pingyi::Diagnostic;

use crate::support::*;

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
