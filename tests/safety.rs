//! Nothing from content runs in a reader's browser, and nothing is read or written outside the
//! site.

use crate::support::*;

#[test]
fn front_matter_values_are_escaped() {
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE
                .replace(
                    "关于开展2024年度工作评议的实施方案",
                    "\"<script>alert(1)</script>\"",
                )
                .replace("CS-2024-001", "\"<img src=x onerror=alert(1)>\""),
        )
        .built();
    for page in [
        "2024/notices/plan/index.html",
        "notices/index.html",
        "index.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains("<script>alert"), "{page}");
        assert!(!html.contains("<img src=x"), "{page}");
    }
    assert!(
        site.read("2024/notices/plan/index.html")
            .contains("&lt;script&gt;")
    );
    assert!(site.read("feed.xml").contains("&lt;script&gt;"));
}

#[test]
fn raw_html_in_markdown_is_escaped_unless_the_site_opts_in() {
    let body = "正文<script>alert(1)</script>\n\n<div onclick=\"x()\">块</div>\n\n[点我](javascript:alert(1))\n";
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("方案正文。\n", body),
        )
        .built();
    let html = site.read("2024/notices/plan/index.html");
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<div onclick"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("点我"));

    let site = TestSite::valid()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}markdown: {{unsafe_html: true}}\n"),
        )
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("方案正文。\n", body),
        )
        .built();
    let html = site.read("2024/notices/plan/index.html");
    assert!(html.contains("<div onclick"));
    assert!(
        !html.contains("javascript:"),
        "dangerous links stay dropped even then"
    );
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), NOTICE).unwrap();
    let site = TestSite::valid();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.root().join("content/2024/notices/secret.md"),
    )
    .unwrap();
    let errors = site.errors();
    assert_eq!(errors[0].location(), "content/2024/notices/secret.md");
    assert!(errors[0].message.contains("符号链接"));
}

#[test]
fn attachments_outside_the_content_folder_are_refused() {
    let site = TestSite::valid().file("site-secret.txt", "secret").file(
        "content/2024/notices/plan.md",
        &NOTICE.replace(
            "---\n方案",
            "attachments:\n  - {title: 全文, file: ../../../site-secret.txt}\n---\n方案",
        ),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].message.contains("附件"));
}

#[test]
fn output_folder_that_holds_the_site_is_refused() {
    let site = TestSite::valid();
    match pingyi::build(site.root(), site.root(), &TestSite::options()) {
        Err(pingyi::BuildError::Io(msg)) => assert!(msg.contains("输出目录")),
        other => panic!("{other:?}"),
    }
    assert!(site.root().join("content/2024/review.md").is_file());
}

#[test]
fn editor_junk_and_hidden_files_are_not_content() {
    let site = TestSite::valid()
        .file("content/2024/notices/plan.md~", "not yaml at all: [")
        .file("content/2024/notices/.#plan.md", "junk")
        .file("content/2024/notices/.plan.md.swp", "junk")
        .file("content/2024/notices/4913", "junk")
        .file("content/.hidden/x.md", "junk");
    site.build().unwrap();
}

#[test]
fn bom_and_crlf_are_accepted() {
    let crlf = format!("\u{feff}{}", NOTICE.replace('\n', "\r\n"));
    let site = TestSite::valid()
        .file("content/2024/notices/plan.md", &crlf)
        .built();
    let page = site.html("2024/notices/plan/index.html");
    assert_eq!(texts(&page, "h1"), ["关于开展2024年度工作评议的实施方案"]);
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let site = TestSite::valid();
    std::os::unix::fs::symlink("..", site.root().join("content/2024/loop")).unwrap();
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), "content/2024/loop");
    assert!(errors[0].message.contains("循环"));
}

/// A ledger text that a spreadsheet would run as a formula stays text in `items.csv`, and
/// as written in `items.json`.
#[test]
fn open_data_csv_never_carries_a_formula() {
    let formula = "=HYPERLINK(\"http://evil.example\",\"点击\")";
    let doc = RECTIFICATION
        .replace("problem: 公交准点率低", &format!("problem: '{formula}'"))
        .replace("responsible: 公交科", "responsible: \"@公交科\"");
    let site = TestSite::valid()
        .file("content/2024/rectifications/transport.md", &doc)
        .built();
    let csv = site.read("data/2024/items.csv");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点击\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",'@公交科,"), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&site.read("data/2024/items.json")).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|row| row["problem"].as_str().unwrap().starts_with("=HYPERLINK(")),
        "{json}"
    );
}
