//! Each kind of mistake an editor makes is reported with the file and line, all at once.

use crate::support::*;

/// Builds a valid site with `rel` replaced by `text`; returns the single error's location and
/// message.
fn one_error(rel: &str, text: &str) -> (String, String, Option<String>) {
    let site = TestSite::valid().file(rel, text);
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    (e.location(), e.message.clone(), e.hint.clone())
}

#[test]
fn broken_yaml() {
    let (at, msg, _) = one_error(
        "content/2024/notices/plan.md",
        &NOTICE.replace("issuer: 测试市", "issuer: 测试市: "),
    );
    assert!(at.starts_with("content/2024/notices/plan.md:10:"), "{at}");
    assert!(msg.contains("YAML"), "{msg}");
}

#[test]
fn unknown_field_with_suggestion() {
    let (at, msg, hint) = one_error(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("speaker: 李明华", "speaker: 李明华\nspeker: 李明华"),
    );
    assert_eq!(at, "content/2024/speeches/mobilization.md:7:1");
    assert_eq!(msg, "未知字段 `speker`");
    assert_eq!(hint.as_deref(), Some("是不是 `speaker`?"));
}

#[test]
fn missing_fields() {
    let (at, msg, _) = one_error(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("speaker: 李明华\n", ""),
    );
    assert_eq!(at, "content/2024/speeches/mobilization.md:3:1");
    assert!(
        msg.contains("缺少必填字段") && msg.contains("speaker"),
        "{msg}"
    );
}

#[test]
fn bad_date() {
    let (at, msg, _) = one_error(
        "content/2024/notices/plan.md",
        &NOTICE.replace("date: 2024-02-10", "date: 2024-02-30"),
    );
    assert_eq!(at, "content/2024/notices/plan.md:4:7");
    assert!(
        msg.contains("2024-02-30") && msg.contains("不存在"),
        "{msg}"
    );
}

#[test]
fn bad_enum() {
    let (at, msg, hint) = one_error(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replace("status: in_progress", "status: inprogress"),
    );
    assert_eq!(at, "content/2024/rectifications/transport.md:14:13");
    assert!(msg.contains("`inprogress`"), "{msg}");
    assert!(hint.unwrap().contains("in_progress"));
}

#[test]
fn unknown_department() {
    let (at, msg, hint) = one_error(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replace("department: transport", "department: transprot"),
    );
    assert_eq!(at, "content/2024/rectifications/transport.md:6:1");
    assert_eq!(msg, "未知部门 `transprot`");
    assert!(hint.unwrap().contains("是不是 `transport`"));
}

#[test]
fn unknown_review() {
    let (at, msg, _) = one_error(
        "content/2024/notices/plan.md",
        &NOTICE.replace("review: \"2024\"", "review: \"2042\""),
    );
    assert_eq!(at, "content/2024/notices/plan.md:5:1");
    assert!(msg.contains("未知评议活动 `2042`"));
}

#[test]
fn completed_only_when_done() {
    let (at, msg, _) = one_error(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replace(
            "    status: done\n    completed: 2024-10-15\n",
            "    status: done\n",
        ),
    );
    assert_eq!(at, "content/2024/rectifications/transport.md:20:1");
    assert!(msg.contains("completed"));
}

#[test]
fn two_documents_at_one_url() {
    let site = TestSite::valid().file(
        "content/2024/notices/other.md",
        &NOTICE.replace("doc_number", "slug: plan\ndoc_number"),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| e.message.contains("/2024/notices/plan/"))
    );
    assert_eq!(errors[0].location(), "content/2024/notices/other.md:8:1");
}

#[test]
fn slug_that_cannot_be_a_url() {
    let (at, msg, hint) = one_error(
        "content/2024/notices/plan.md",
        &NOTICE.replace("doc_number", "slug: 实施方案\ndoc_number"),
    );
    assert_eq!(at, "content/2024/notices/plan.md:8:1");
    assert!(msg.contains("slug"));
    assert!(hint.unwrap().contains("shi-shi-fang-an"));
}

#[test]
fn missing_attachment() {
    let (at, msg, _) = one_error(
        "content/2024/notices/plan.md",
        &NOTICE.replace(
            "---\n方案",
            "attachments:\n  - {title: 全文, file: plan.pdf}\n---\n方案",
        ),
    );
    assert_eq!(at, "content/2024/notices/plan.md:13:1");
    assert!(msg.contains("plan.pdf"));
}

#[test]
fn broken_link_and_link_to_a_draft() {
    let site = TestSite::valid()
        .file("content/2024/speeches/mobilization.md", &SPEECH.replace("../notices/plan.md", "../notices/plan2.md"))
        .file("content/2024/notices/secret.md", "---\ntitle: 草稿\ntype: notice\ndate: 2024-03-01\nreview: \"2024\"\ndraft: true\n---\n")
        .file("content/2024/notices/plan.md", &NOTICE.replace("方案正文。", "方案正文。\n\n另见[草稿](secret.md)。"));
    let errors = site.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].location(), "content/2024/notices/plan.md:15:3");
    assert!(errors[0].message.contains("草稿"));
    assert_eq!(
        errors[1].location(),
        "content/2024/speeches/mobilization.md:11:15"
    );
    assert!(errors[1].message.contains("不存在"));
}

#[test]
fn file_that_is_not_utf8() {
    let site = TestSite::valid().bytes(
        "content/2024/notices/gbk.md",
        b"---\ntitle: \xBD\xB2\xBB\xB0\ntype: notice\n---\n",
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location(), "content/2024/notices/gbk.md:2");
    assert!(errors[0].message.contains("UTF-8") && errors[0].message.contains("GBK"));
}

#[test]
fn missing_closing_fence() {
    let (at, msg, hint) = one_error(
        "content/2024/notices/plan.md",
        "---\ntitle: 无结尾\ntype: notice\n\n正文\n",
    );
    assert_eq!(at, "content/2024/notices/plan.md:1:1");
    assert!(msg.contains("---"));
    assert!(hint.unwrap().contains("忘了"));
}

#[test]
fn unknown_key_in_site_yaml() {
    let (at, msg, hint) = one_error("site.yaml", &format!("{SITE_YAML}theem: default\n"));
    assert_eq!(at, "site.yaml:10:1");
    assert_eq!(msg, "未知字段 `theem`");
    assert_eq!(hint.as_deref(), Some("是不是 `theme`?"));
}

#[test]
fn template_error_names_the_template() {
    let site = TestSite::valid().file(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope }}{% endblock content %}",
    );
    let errors = site.errors();
    assert!(
        errors[0].path.ends_with("templates/tag.html"),
        "{errors:#?}"
    );
    assert!(errors[0].message.contains("nope"));
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("date: 2024-02-10", "date: 2024-02-30"),
        )
        .file(
            "content/2024/speeches/mobilization.md",
            &SPEECH.replace("speaker: 李明华", "speker: 李明华"),
        )
        .file(
            "content/2024/rectifications/transport.md",
            &RECTIFICATION.replace("department: transport", "department: nobody"),
        );
    let errors = site.errors();
    let files: Vec<_> = errors
        .iter()
        .map(|e| e.path.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "content/2024/notices/plan.md",
            "content/2024/rectifications/transport.md",
            "content/2024/speeches/mobilization.md",
        ]
    );
}

#[test]
fn empty_ledger() {
    let text = RECTIFICATION[..RECTIFICATION.find("items:").unwrap()].to_string()
        + "items: []\n---\n整改情况。\n";
    let (at, msg, _) = one_error("content/2024/rectifications/transport.md", &text);
    assert_eq!(at, "content/2024/rectifications/transport.md:8:1");
    assert!(msg.contains("items 是空的"), "{msg}");
}

#[test]
fn utf16_file() {
    let bytes: Vec<u8> = format!("\u{feff}{NOTICE}")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let site = TestSite::valid().bytes("content/2024/notices/plan.md", &bytes);
    let errors = site.errors();
    assert_eq!(errors[0].location(), "content/2024/notices/plan.md");
    assert!(errors[0].message.contains("UTF-16"));
}

#[test]
fn missing_type_lists_every_kind() {
    let (at, msg, hint) = one_error("content/about.md", "---\ntitle: 关于本站\n---\n");
    assert_eq!(at, "content/about.md:1:1");
    assert_eq!(msg, "缺少必填字段: type");
    assert_eq!(
        hint.as_deref(),
        Some(
            "type 可选: review(评议活动)、speech(讲话)、notice(通知公告)、rectification(整改公告)、page(页面)、opinion(评议意见)、investigation(调查报告)"
        )
    );
}

#[test]
fn page_slug_that_takes_a_column_folder() {
    for slug in [
        "speeches",
        "notices",
        "rectifications",
        // Lists that are not in the main navigation are folders of the site all the same.
        "opinions",
        "investigations",
        "reviews",
        "departments",
        "2024",
    ] {
        let (at, msg, _) = one_error(
            "content/x.md",
            &format!("---\ntitle: 页\ntype: page\nslug: \"{slug}\"\n---\n"),
        );
        assert_eq!(at, "content/x.md:4:1");
        assert_eq!(msg, format!("页面网址 /{slug}/ 已被网站栏目占用"));
    }
    // `pages` is no folder of the site's: a page may take it.
    let site = TestSite::valid()
        .file(
            "content/x.md",
            "---\ntitle: 页\ntype: page\nslug: pages\n---\n",
        )
        .built();
    assert!(site.out().join("pages/index.html").is_file());
}

#[test]
fn theme_without_a_template_it_needs() {
    let site = TestSite::valid();
    for name in ["speech.html", "reviews.html"] {
        std::fs::remove_file(site.root().join("themes/default/templates").join(name)).unwrap();
    }
    let errors = site.errors();
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.path.display().to_string(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "themes/default/templates/reviews.html".to_string(),
                "缺少模板"
            ),
            (
                "themes/default/templates/speech.html".to_string(),
                "缺少模板"
            ),
        ]
    );
}
