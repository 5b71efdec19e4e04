//! Golden output: one page of every type from the repository's example site, compared byte for
//! byte with the expected files under `tests/golden/`, so a template or view change shows up
//! as a diff a reviewer can read.
//!
//! When a change to the output is intended, rewrite the expected files and review the diff:
//!
//! ```text
//! PINGYI_UPDATE_GOLDEN=1 cargo test --test integration golden
//! git diff tests/golden/
//! ```
//!
//! To cover a new page type, add its output path to [`GOLDEN`] and run the command above.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Output paths (relative to the built site) that have an expected file of the same path under
/// `tests/golden/`. Chosen to reach the most template branches with few files: the speech has
/// a venue and tags, the notice an attachment and a document number, the rectification an
/// overdue item and a 督办 record, the review and the department a re-vote (the review with
/// its meetings and head counts), the report of the round voted 不满意 its own round's verdict,
/// the opinion its numbered points, the investigation its team and activities; the search
/// document is that rectification's, with its ledger.
const GOLDEN: &[&str] = &[
    // documents, one of each kind
    "2025/speeches/mobilization-speech/index.html",
    "2026/notices/review-plan/index.html",
    "2025/rectifications/housing-round-1/index.html",
    "2025/rectifications/transport-round-1/index.html",
    "reviews/2025/index.html",
    // a review that writes no `kind` and no meetings: as before they existed
    "reviews/2026/index.html",
    "about/index.html",
    "2025/opinions/housing/index.html",
    "2025/investigations/housing/index.html",
    // a call for opinions, closed, with its channels and the opinions received
    "2025/notices/call-for-opinions/index.html",
    // lists and indexes
    "index.html",
    "speeches/index.html",
    "notices/index.html",
    "rectifications/index.html",
    "opinions/index.html",
    "investigations/index.html",
    "reviews/index.html",
    "departments/index.html",
    "departments/transport/index.html",
    "rectification-tracker/index.html",
    "rectification-tracker/carried-over/index.html",
    "archive/index.html",
    "archive/2025/index.html",
    "tags/index.html",
    "tags/gong-zuo-ping-yi/index.html",
    "404.html",
    "sitemap/index.html",
    // machine-readable
    "robots.txt",
    "feed.xml",
    "sitemap.xml",
    "data/2025/items.json",
    "data/2025/documents.json",
    "data/2025/results.json",
    "data/2025/results.csv",
    "search/index.html",
    "search/meta.json",
    "search/docs/12.json",
];

/// Files in `tests/golden/` that are not expected output.
const NOT_GOLDEN: &[&str] = &[".gitattributes"];

const UPDATE: &str = "PINGYI_UPDATE_GOLDEN";

fn golden_dir() -> PathBuf {
    repo().join("tests/golden")
}

#[test]
fn example_site_matches_the_golden_files() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let dir = golden_dir();
    let update = std::env::var_os(UPDATE).is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();

    for rel in GOLDEN {
        let actual = std::fs::read(site.out().join(rel))
            .unwrap_or_else(|e| panic!("{rel} was not built: {e}"));
        let path = dir.join(rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "tests/golden/{rel} differs from the build:\n{}",
                first_difference(&expected, &actual)
            )),
            Err(e) => failures.push(format!("tests/golden/{rel} cannot be read: {e}")),
        }
    }

    // An expected file that no entry of GOLDEN names would never be checked.
    for stray in files_under(&dir) {
        let name = stray.to_string_lossy().replace('\\', "/");
        if GOLDEN.contains(&name.as_str()) || NOT_GOLDEN.contains(&name.as_str()) {
            continue;
        }
        if update {
            std::fs::remove_file(dir.join(&stray)).unwrap();
        } else {
            failures.push(format!(
                "tests/golden/{name} is not in GOLDEN (tests/golden.rs): add it there or delete it"
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended: {UPDATE}=1 cargo test --test integration golden, \
         then review `git diff tests/golden/`.",
        failures.join("\n\n")
    );
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir).into_iter().map(|(path, _)| path).collect()
}

/// The first hunk of differing lines, with context, numbered by line: ` ` and `-` in the
/// expected file, `+` in what the build wrote. Lines are matched within a window after the
/// first difference, which is enough to read a change without a diff library.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    const CONTEXT: usize = 2;
    const WINDOW: usize = 80;
    const SHOWN: usize = 30;
    let (e, a) = (
        String::from_utf8_lossy(expected),
        String::from_utf8_lossy(actual),
    );
    let (e, a): (Vec<&str>, Vec<&str>) = (e.split('\n').collect(), a.split('\n').collect());
    let head = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let ew = &e[head..e.len().min(head + WINDOW)];
    let aw = &a[head..a.len().min(head + WINDOW)];
    // lcs[i][j]: the longest common subsequence of ew[i..] and aw[j..].
    let mut lcs = vec![vec![0usize; aw.len() + 1]; ew.len() + 1];
    for i in (0..ew.len()).rev() {
        for j in (0..aw.len()).rev() {
            lcs[i][j] = if ew[i] == aw[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = format!(
        "first difference at line {} (expected {} lines, built {})\n",
        head + 1,
        e.len(),
        a.len()
    );
    let mut line = |sign: char, n: usize, text: &str| {
        out.push_str(&format!("{n:>5} {sign} {text}\n"));
    };
    for (n, text) in e[..head]
        .iter()
        .enumerate()
        .skip(head.saturating_sub(CONTEXT))
    {
        line(' ', n + 1, text);
    }
    let (mut i, mut j, mut same, mut shown) = (0, 0, 0, 0);
    while (i < ew.len() || j < aw.len()) && same < CONTEXT && shown < SHOWN {
        if i < ew.len() && j < aw.len() && ew[i] == aw[j] {
            line(' ', head + i + 1, ew[i]);
            (i, j, same) = (i + 1, j + 1, same + 1);
        } else if j == aw.len() || (i < ew.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
            line('-', head + i + 1, ew[i]);
            (i, same) = (i + 1, 0);
        } else {
            line('+', head + j + 1, aw[j]);
            (j, same) = (j + 1, 0);
        }
        shown += 1;
    }
    if e[head + i..] != a[head + j..] {
        out.push_str("      … and more differences after these\n");
    }
    out
}

#[test]
fn a_difference_is_shown_from_its_first_line() {
    let shown = first_difference(b"a\nb\nc\nd\ne\n", b"a\nb\nc\nX\ne\n");
    assert!(shown.starts_with("first difference at line 4"), "{shown}");
    assert!(shown.contains("    3   c\n"), "{shown}");
    assert!(shown.contains("    4 - d\n"), "{shown}");
    assert!(shown.contains("    4 + X\n"), "{shown}");
    assert!(shown.contains("    5   e\n"), "{shown}");
    assert!(!shown.contains("more differences"), "{shown}");
}

#[test]
fn only_the_first_of_two_changes_is_shown_in_full() {
    let expected = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    let actual = "1\nB\n3\n4\n5\n6\n7\nH\n9\n";
    let shown = first_difference(expected.as_bytes(), actual.as_bytes());
    assert!(shown.contains("    2 - 2\n    2 + B\n"), "{shown}");
    assert!(!shown.contains("H"), "{shown}");
    assert!(shown.contains("more differences"), "{shown}");
}
