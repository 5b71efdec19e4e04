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
fn a_review_left_out_of_the_build_is_named_as_such_not_as_unknown() {
    // The review is scheduled for later than the notice that cites it: the notice would go out
    // citing a review page that is not there yet.
    let site = TestSite::valid().file(
        "content/2024/review.md",
        &REVIEW.replacen("date: 2024-02-01", "date: 2099-02-01", 1),
    );
    let errors = site.errors();
    assert!(!errors.is_empty());
    for e in &errors {
        assert_eq!(
            e.message, "评议活动 `2024` 是定时发布、尚未到发布日期的文档,这次不发布",
            "{e:?}"
        );
        assert!(
            e.hint.as_deref().unwrap().contains("等它发布了再发布本文"),
            "{e:?}"
        );
    }
    // Previewed with drafts and scheduled documents, it is there.
    let mut opts = TestSite::options();
    opts.drafts = true;
    assert!(pingyi::check(site.root(), &opts).is_ok());
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
    assert_eq!(
        errors[0].message,
        "链接 `secret.md` 指向的文档是草稿(draft: true),发布后会成为死链"
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("发布那篇文档(删去它的 draft: true),或等它发布后再加这个链接")
    );
    assert_eq!(
        errors[1].location(),
        "content/2024/speeches/mobilization.md:11:15"
    );
    assert_eq!(
        errors[1].message,
        "链接 `../notices/plan2.md` 指向的文件 content/2024/notices/plan2.md 不存在"
    );
}

#[test]
fn a_link_to_a_scheduled_document_says_to_wait() {
    let site = TestSite::valid()
        .file(
            "content/2024/notices/later.md",
            "---\ntitle: 以后\ntype: notice\ndate: 2099-03-01\nreview: \"2024\"\n---\n",
        )
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("方案正文。", "方案正文。见[以后](later.md)。"),
        );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), "content/2024/notices/plan.md:13:7");
    assert_eq!(
        errors[0].message,
        "链接 `later.md` 指向的文档是定时发布、尚未到发布日期,发布后会成为死链"
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("等那篇文档到了发布日期再加这个链接,或把本文的 date 改到它的发布日期之后")
    );
}

#[test]
fn a_link_missing_its_folder_is_told_the_path_that_exists() {
    // Written from the speech's folder as if the notice sat beside it.
    let site = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("../notices/plan.md", "plan.md"),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].location(),
        "content/2024/speeches/mobilization.md:11:15"
    );
    assert_eq!(
        errors[0].message,
        "链接 `plan.md` 指向的文件 content/2024/speeches/plan.md 不存在"
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("是不是 `../notices/plan.md`?站点里叫 plan.md 的文档只有这一篇")
    );
    // With no file of that name, the general hint.
    let site = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("../notices/plan.md", "../notices/nothing.md"),
    );
    assert_eq!(
        site.errors()[0].hint.as_deref(),
        Some("写相对于本文件的路径,例如 ../speeches/mobilization.md")
    );
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
        // The site map for readers, and the folder of the XML sitemap's parts.
        "sitemap",
        "sitemaps",
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

// ---------------------------------------------------------------------------------------------
// The slips of a Chinese input method, each named on its own line with the fix.

/// Every error of building a valid site whose speech has `from` replaced by `to`:
/// (location, message, hint).
fn speech_errors(from: &str, to: &str) -> Vec<(String, String, String)> {
    assert!(SPEECH.contains(from), "{from}");
    let site = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replacen(from, to, 1),
    );
    match site.build() {
        Ok(_) => Vec::new(),
        Err(_) => site
            .errors()
            .into_iter()
            .map(|e| (e.location(), e.message, e.hint.unwrap_or_default()))
            .collect(),
    }
}

const AT: &str = "content/2024/speeches/mobilization.md";

#[test]
fn a_full_width_colon_is_named_on_its_own_line() {
    assert_eq!(
        speech_errors("speaker: 李明华", "speaker：王建国"),
        [(
            format!("{AT}:6:8"),
            "`speaker` 后面是全角冒号“：”,YAML 只认英文冒号“:”".to_string(),
            "改成 `speaker: 王建国`:切换到英文输入法打冒号,冒号后加一个空格".to_string()
        )]
    );
    // A Chinese field name too: the whole front matter read as one line of text before.
    assert_eq!(
        speech_errors("title: 在", "标题：在"),
        [(
            format!("{AT}:2:3"),
            "`标题` 后面是全角冒号“：”,YAML 只认英文冒号“:”".to_string(),
            "字段名也要用英文,`标题` 写作 `title`;改成 `title: 在工作评议动员会上的讲话`:切换到英文输入法打冒号,冒号后加一个空格".to_string()
        )]
    );
}

#[test]
fn a_colon_without_a_space_is_named_on_its_own_line() {
    assert_eq!(
        speech_errors("speaker: 李明华", "speaker:李明华"),
        [(
            format!("{AT}:6:9"),
            "`speaker:` 的冒号后面缺少空格".to_string(),
            "改成 `speaker: 李明华`:冒号后加一个空格".to_string()
        )]
    );
}

#[test]
fn a_tab_in_the_indentation_is_named_on_its_own_line() {
    let site = TestSite::valid().file(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replacen("    status: in_progress", "\tstatus: in_progress", 1),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].location(),
        "content/2024/rectifications/transport.md:14:1"
    );
    assert_eq!(errors[0].message, "行首用了 Tab 键缩进,YAML 只认空格");
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("把行首的 Tab 换成空格,与上下同级的字段对齐(每级缩进两个空格)")
    );
}

#[test]
fn full_width_quotes_are_named_where_they_break_the_yaml() {
    assert_eq!(
        speech_errors("occasion: 工作评议动员会", "occasion: “动员会: 第一次”"),
        [(
            format!("{AT}:8:11"),
            "文本用中文引号 “” 括了起来,YAML 只认英文引号 \" \"".to_string(),
            "改成 \"动员会: 第一次\":切换到英文输入法打双引号".to_string()
        )]
    );
    // Quotes that break nothing are text, as a title may quote a slogan.
    assert_eq!(
        speech_errors("occasion: 工作评议动员会", "occasion: “四下基层”动员会"),
        []
    );
}

#[test]
fn a_field_written_twice_is_shown_where_it_repeats() {
    assert_eq!(
        speech_errors("speaker: 李明华", "speaker: 李明华\nspeaker: 王建国"),
        [(
            format!("{AT}:7:1"),
            "字段 `speaker` 写了两次,第 6 行已经写过".to_string(),
            "删去其中一处,或把两处的内容合在一起".to_string()
        )]
    );
    // Within a ledger item.
    let site = TestSite::valid().file(
        "content/2024/rectifications/transport.md",
        &RECTIFICATION.replacen(
            "    status: in_progress",
            "    status: in_progress\n    status: done",
            1,
        ),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].location(),
        "content/2024/rectifications/transport.md:15:1"
    );
    assert_eq!(
        errors[0].message,
        "`items` 第 1 项: 字段 `status` 写了两次,第 14 行已经写过"
    );
}

#[test]
fn every_problem_of_a_front_matter_in_one_run() {
    let text = SPEECH
        .replace("date: 2024-02-20", "date: 2024-02-30")
        .replace("speaker: 李明华", "speaker：李明华")
        .replace("occasion: 工作评议动员会", "ocasion: 工作评议动员会")
        .replace("tags: [工作评议]", "tags: [工作评议");
    let site = TestSite::valid().file("content/2024/speeches/mobilization.md", &text);
    let found: Vec<(String, String)> = site
        .errors()
        .into_iter()
        .map(|e| (e.location(), e.message))
        .collect();
    assert_eq!(
        found,
        [
            (
                format!("{AT}:4:7"),
                "字段 `date`: 日期 `2024-02-30` 不存在,请检查月份和日".to_string()
            ),
            (
                format!("{AT}:6:8"),
                "`speaker` 后面是全角冒号“：”,YAML 只认英文冒号“:”".to_string()
            ),
            (format!("{AT}:8:1"), "未知字段 `ocasion`".to_string()),
            (
                format!("{AT}:9:1"),
                "YAML 格式错误: 方括号 [ ] 没有成对".to_string()
            ),
        ]
    );
}

#[test]
fn every_bad_item_of_a_ledger_in_one_run() {
    let text = RECTIFICATION
        .replace("status: in_progress", "status: inprogress")
        .replace("status: done", "status: finished");
    let site = TestSite::valid().file("content/2024/rectifications/transport.md", &text);
    let found: Vec<(String, String)> = site
        .errors()
        .into_iter()
        .map(|e| (e.location(), e.message))
        .collect();
    assert_eq!(
        found,
        [
            (
                "content/2024/rectifications/transport.md:14:13".to_string(),
                "`items` 第 1 项的 `status`: 取值 `inprogress` 无效".to_string()
            ),
            (
                "content/2024/rectifications/transport.md:20:13".to_string(),
                "`items` 第 2 项的 `status`: 取值 `finished` 无效".to_string()
            ),
        ]
    );
}

#[test]
fn no_message_speaks_rust_serde_or_libyaml() {
    let broken = [
        (
            "title: 在工作评议动员会上的讲话",
            "在工作评议动员会上的讲话",
        ),
        ("tags: [工作评议]", "tags: {a: 1}"),
        ("tags: [工作评议]", "tags: 工作评议: 动员"),
        ("speaker: 李明华", "speaker: [a, b]"),
        ("speaker: 李明华", "speaker:\n  name: a"),
        ("speaker: 李明华", "speaker: @李明华"),
        ("speaker: 李明华", "speaker: \"a\\q\""),
        ("speaker: 李明华", "speaker: *x"),
        ("speaker: 李明华", "speaker: \"未闭合"),
        ("speaker: 李明华", "  - 李明华"),
        ("date: 2024-02-20", "date: [2024]"),
        ("date: 2024-02-20", "date: 2024年2月20日"),
        ("type: speech", "type: 讲话"),
    ];
    for (from, to) in broken {
        let errors = speech_errors(from, to);
        assert!(!errors.is_empty(), "{to} built");
        for (at, message, hint) in errors {
            let all = format!("{message} {hint}");
            for word in [
                "struct",
                "Raw",
                "expected",
                "found",
                "invalid",
                "sequence",
                "string",
                "mapping",
                "serde",
                "Option",
                "Vec<",
                "scalar",
                "while parsing",
            ] {
                assert!(!all.contains(word), "{to} → {at}: {all}");
            }
        }
    }
}

#[test]
fn a_syntax_error_in_the_sites_own_template_names_that_file_and_line() {
    let site = TestSite::valid().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title }</p>\n{% endblock content %}\n",
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), "templates/page.html:3:18");
    assert_eq!(errors[0].message, "模板有错: 这里是 `}`,应为 }}");
    let site = TestSite::valid().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | nofilter }}\n{% endblock content %}\n",
    );
    let errors = site.errors();
    assert_eq!(errors[0].location(), "templates/page.html:3:17");
    assert_eq!(errors[0].message, "模板有错: 没有名为 `nofilter` 的过滤器");
}
