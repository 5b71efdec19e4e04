//! Content that could hurt the office without crashing anything: a name too long for the file
//! system, control characters written as YAML escapes, dates that cannot be true, and a large
//! overdue ledger whose warnings must each point at their own item. Each case asserts what an
//! editor sees: the error with its file, line and field, or the page that is published.

use std::path::Path;

use pingyi::yaml::field_label;
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

/// The folders under `dir` of the built site, by name.
fn folders(site: &TestSite, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.out().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn notice(front: &str) -> String {
    NOTICE.replace("---\n方案正文。\n", &format!("{front}---\n方案正文。\n"))
}

// ---------------------------------------------------------------------------------------------
// Every path fits the file system.

/// 77 characters: a file name of 231 bytes, whose pinyin is over 255 (a path segment no file
/// system takes).
const LONG_NAME: &str = "关于进一步加强和改进全市住房保障工作推进保障性租赁住房建设切实解决新市民青年人住房困难问题的实施意见和配套措施说明以及城镇老旧小区改造中加装电梯的补充规定";

#[test]
fn a_long_chinese_file_name_builds_at_a_short_stable_address() {
    let rel = format!("content/2024/notices/{LONG_NAME}.md");
    let built = |other: &str| {
        TestSite::valid()
            .file(&rel, &NOTICE.replace("方案正文", "长文件名的通知"))
            .file(
                "content/2024/notices/another.md",
                &NOTICE.replace("方案正文", other),
            )
            .built()
    };
    let site = built("一");
    let slugs: Vec<String> = folders(&site, "2024/notices")
        .into_iter()
        .filter(|s| s.starts_with("guan-yu-jin-yi-bu"))
        .collect();
    assert_eq!(slugs.len(), 1, "{slugs:?}");
    let slug = &slugs[0];
    assert!(slug.len() <= 80, "{slug} is {} bytes", slug.len());
    assert!(
        site.read(&format!("2024/notices/{slug}/index.html"))
            .contains("长文件名的通知")
    );
    // The same name gives the same address in another build of another site.
    let again = built("二");
    assert!(
        again
            .out()
            .join(format!("2024/notices/{slug}/index.html"))
            .is_file()
    );
}

#[test]
fn two_long_names_that_begin_alike_get_two_addresses() {
    let a = format!("content/2024/notices/{LONG_NAME}(一).md");
    let b = format!("content/2024/notices/{LONG_NAME}(二).md");
    let site = TestSite::valid().file(&a, NOTICE).file(&b, NOTICE).built();
    let slugs: Vec<String> = folders(&site, "2024/notices")
        .into_iter()
        .filter(|s| s.starts_with("guan-yu"))
        .collect();
    assert_eq!(slugs.len(), 2, "{slugs:?}");
    assert!(slugs.iter().all(|s| s.len() <= 80), "{slugs:?}");
}

#[test]
fn long_tags_get_short_distinct_addresses() {
    let speech = SPEECH.replace(
        "tags: [工作评议]",
        &format!("tags: [\"{LONG_NAME}一\", \"{LONG_NAME}二\", 工作评议]"),
    );
    let site = TestSite::valid()
        .file("content/2024/speeches/mobilization.md", &speech)
        .built();
    let tags = folders(&site, "tags");
    let long: Vec<&String> = tags.iter().filter(|t| t.starts_with("guan-yu")).collect();
    assert_eq!(long.len(), 2, "{tags:?}");
    assert!(long.iter().all(|t| t.len() <= 80), "{tags:?}");
    assert!(tags.contains(&"gong-zuo-ping-yi".to_string()), "{tags:?}");
    for t in long {
        assert!(
            site.read(&format!("tags/{t}/index.html"))
                .contains("在工作评议动员会上的讲话")
        );
    }
}

#[test]
fn an_explicit_slug_over_255_bytes_is_an_error_at_its_line() {
    let site = TestSite::valid().file(
        "content/2024/notices/plan.md",
        &notice(&format!("slug: {}\n", "a".repeat(256))),
    );
    let e = one_error(&site);
    assert_eq!(e.location(), "content/2024/notices/plan.md:12:1");
    assert!(
        e.message.contains("256 字节") && e.message.contains("255"),
        "{}",
        e.message
    );
}

#[test]
fn an_address_an_older_build_derived_from_a_long_name_can_be_kept() {
    // Before slugs were cut, this file name was published at its whole pinyin (150 bytes).
    let name = "关于进一步加强和改进全市住房保障工作推进保障性租赁住房建设的实施意见";
    let old = pingyi::slug::derive(name).unwrap();
    assert!(old.len() > 80, "{old}");
    let site = TestSite::valid()
        .file(
            &format!("content/2024/notices/{name}.md"),
            &notice(&format!("slug: {old}\n")),
        )
        .built();
    assert!(
        site.out()
            .join(format!("2024/notices/{old}/index.html"))
            .is_file(),
        "the old address is kept"
    );
}

#[test]
fn review_and_department_ids_over_80_bytes_are_errors_at_their_lines() {
    let id = "x".repeat(300);
    let site = TestSite::valid()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}  - id: {id}\n    name: 测试市第三局\n"),
        )
        .file(
            "content/2024/review.md",
            &REVIEW.replace("id: \"2024\"", &format!("id: \"{id}\"")),
        );
    let errors = error_lines(&site);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("site.yaml:10:1 部门 id 长 300 字节")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/2024/review.md:5:1 评议活动 id 长 300 字节")),
        "{errors:#?}"
    );
}

#[test]
fn a_document_at_the_address_another_one_derives_is_an_error_naming_both() {
    let long = format!("content/2024/notices/{LONG_NAME}.md");
    // Find the address the long name gets, then give a second document that slug.
    let site = TestSite::valid().file(&long, NOTICE).built();
    let slug = folders(&site, "2024/notices")
        .into_iter()
        .find(|s| s.starts_with("guan-yu"))
        .unwrap();
    let site = TestSite::valid().file(&long, NOTICE).file(
        "content/2024/notices/other.md",
        &notice(&format!("slug: {slug}\n")),
    );
    let errors = error_lines(&site);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for e in &errors {
        assert!(
            e.contains(&format!("/2024/notices/{slug}/"))
                && e.contains(&long)
                && e.contains("content/2024/notices/other.md"),
            "{e}"
        );
    }
}

#[test]
fn attachments_that_would_share_a_path_are_errors_naming_the_document() {
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &notice(
                "attachments:\n  - {title: 一, file: a/x.pdf}\n  - {title: 二, file: b/x.pdf}\n  - {title: 三, file: index.html}\n",
            ),
        )
        .file("content/2024/notices/a/x.pdf", "%PDF-1")
        .file("content/2024/notices/b/x.pdf", "%PDF-2")
        .file("content/2024/notices/index.html", "<p>");
    let errors = error_lines(&site);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with("content/2024/notices/plan.md:14:1 附件 `b/x.pdf`"),
        "{errors:#?}"
    );
    assert!(errors[0].contains("a/x.pdf"), "{errors:#?}");
    assert!(
        errors[1].starts_with("content/2024/notices/plan.md:15:1 附件 `index.html`"),
        "{errors:#?}"
    );
}

#[test]
fn a_page_at_the_search_page_address_is_an_error_naming_it() {
    let site = TestSite::valid().file(
        "content/search.md",
        "---\ntitle: 搜索\ntype: page\n---\n正文\n",
    );
    let e = one_error(&site);
    assert_eq!(e.location(), "content/search.md:1:1");
    assert!(e.message.contains("/search/"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// No control characters in the output.

#[test]
fn control_characters_written_as_yaml_escapes_are_errors_naming_the_field() {
    // (document, text replaced, replacement, line, field in the message, character named)
    let cases: &[(&str, &str, &str, usize, &str, &str)] = &[
        (
            "notices/plan.md",
            "title: 关于开展2024年度工作评议的实施方案",
            "title: \"关于\\0开展\"",
            2,
            "title",
            "U+0000",
        ),
        (
            "notices/plan.md",
            "issuer: 测试市人大常委会办公厅",
            "issuer: \"\\e[2J测试市\"",
            10,
            "issuer",
            "U+001B",
        ),
        (
            "speeches/mobilization.md",
            "tags: [工作评议]",
            "tags: [工作评议, \"\\uFFFE\"]",
            9,
            "tags[1]",
            "U+FFFE",
        ),
        (
            "speeches/mobilization.md",
            "speaker: 李明华",
            "speaker: \"李\\N明华\"",
            6,
            "speaker",
            "U+0085",
        ),
        (
            "rectifications/transport.md",
            "problem: 出租车拒载",
            "problem: \"出租车\\x1b拒载\"",
            16,
            "items[1].problem",
            "U+001B",
        ),
        (
            "rectifications/transport.md",
            "note: 开展专项整治",
            "note: \"专项\\uFFFF整治\"",
            23,
            "items[1].progress[0].note",
            "U+FFFF",
        ),
        (
            "rectifications/transport.md",
            "responsible: 公交科",
            "responsible: \"公交科\\uFDD0\"",
            12,
            "items[0].responsible",
            "U+FDD0",
        ),
        (
            "notices/plan.md",
            "index_no: CS-2024-001",
            "index_no: \"CS\\a-2024\"",
            9,
            "index_no",
            "U+0007",
        ),
        (
            "notices/plan.md",
            "doc_number: 测",
            "attachments: [{title: \"方案\\r全文\", file: plan.pdf}]\ndoc_number: 测",
            8,
            "attachments[0].title",
            "U+000D",
        ),
        // A NUL cannot reach a path either (`hostile::slugs_that_leave_the_site_are_refused`).
        (
            "notices/plan.md",
            "index_no: CS-2024-001",
            "index_no: CS-2024-001\nslug: \"a\\0b\"",
            10,
            "slug",
            "U+0000",
        ),
        (
            "notices/plan.md",
            "doc_number: 测",
            "attachments: [{title: 全文, file: \"plan\\0.pdf\"}]\ndoc_number: 测",
            8,
            "attachments[0].file",
            "U+0000",
        ),
    ];
    for &(doc, from, to, line, field, named) in cases {
        let rel = format!("content/2024/{doc}");
        let original = match doc {
            "notices/plan.md" => NOTICE,
            "speeches/mobilization.md" => SPEECH,
            _ => RECTIFICATION,
        };
        assert!(original.contains(from), "{from}");
        let text = original.replacen(from, to, 1);
        let site = TestSite::valid()
            .file(&rel, &text)
            .file("content/2024/notices/plan.pdf", "%PDF");
        let e = one_error(&site);
        assert_eq!(e.path, Path::new(&rel), "{field}: {e}");
        assert_eq!(e.line, Some(line), "{field}: {e}");
        assert!(
            e.message.contains(&field_label(field)) && e.message.contains(named),
            "{field}: {}",
            e.message
        );
        assert!(
            e.hint.as_deref().unwrap_or_default().contains("转义"),
            "{e}"
        );
    }
}

#[test]
fn control_characters_in_site_yaml_are_errors_naming_the_field() {
    let site = TestSite::valid().file(
        "site.yaml",
        &SITE_YAML.replace(
            "organizer: 测试市人大常委会办公厅",
            "organizer: \"测试市\\e]0;owned\\a办公厅\"",
        ),
    );
    let e = one_error(&site);
    assert_eq!(e.location(), "site.yaml:3:12");
    assert!(
        e.message.contains("字段 `organizer`") && e.message.contains("ESC"),
        "{}",
        e.message
    );
}

#[test]
fn line_breaks_only_in_the_fields_that_hold_running_text() {
    // A title on two lines is a mistake, at its line.
    let site = TestSite::valid().file(
        "content/2024/notices/plan.md",
        &NOTICE.replace(
            "title: 关于开展2024年度工作评议的实施方案",
            "title: \"第一行\\n第二行\"",
        ),
    );
    let e = one_error(&site);
    assert_eq!(e.line, Some(2));
    assert!(
        e.message.contains("字段 `title`") && e.message.contains("不能换行"),
        "{}",
        e.message
    );
    // Running text may have line breaks, and a `|` block's last line break is no mistake.
    let rectification = RECTIFICATION
        .replace(
            "problem: 公交准点率低",
            "problem: |\n      公交准点率低\n      高峰时段尤甚",
        )
        .replace("note: 开展专项整治", "note: \"开展\\n专项整治\"");
    let notice = NOTICE.replace(
        "title: 关于开展2024年度工作评议的实施方案",
        "title: |\n  关于开展2024年度工作评议的实施方案\nsummary: >\n  第一段\n\n  第二段\n",
    );
    TestSite::valid()
        .file("content/2024/rectifications/transport.md", &rectification)
        .file("content/2024/notices/plan.md", &notice)
        .built();
}

#[test]
fn control_characters_in_a_body_are_errors_at_their_line_and_never_reach_the_feed() {
    let body = "第一段。\n\n第二段\u{1b}[31m红字,\u{fffe}又一个。\n\n第三段\u{7}。\n";
    let site = TestSite::valid().file(
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。\n", body),
    );
    let e = one_error(&site);
    assert_eq!(e.location(), "content/2024/notices/plan.md:15:4");
    assert!(
        e.message.contains("ESC") && e.message.contains("共有 3 处"),
        "{}",
        e.message
    );
    // Nor can one hide a scheme from the link filter
    // (`hostile::javascript_links_in_every_disguise_keep_only_their_text`).
    let site = TestSite::valid().file(
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。", "[点我](<\u{1}javascript:alert(1)>)"),
    );
    let e = one_error(&site);
    assert_eq!(e.location(), "content/2024/notices/plan.md:13:7");
    assert!(e.message.contains("U+0001"), "{}", e.message);
    // Tabs stay fine.
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("方案正文。", "方案\t正文。"),
        )
        .built();
    assert!(
        !site
            .read("feed.xml")
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
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
        (
            "review.md",
            "round: 1, satisfied: 10",
            "round: 1, date: 0023-10-29, satisfied: 10",
            "content/2024/review.md:14:45",
            "results[0].date",
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
            e.message.contains(&field_label(field))
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
// Votes that cannot be true.

/// The review of the test site with `results` in place of its own.
fn review_with_results(results: &str) -> String {
    let start = REVIEW.find("results:\n").unwrap();
    let end = REVIEW.rfind("---\n").unwrap();
    format!("{}results:\n{results}{}", &REVIEW[..start], &REVIEW[end..])
}

/// `location message` of every diagnostic of the review, errors and warnings alike.
fn review_diagnostics(site: &TestSite) -> Vec<String> {
    let all = match pingyi::check(site.root(), &TestSite::options()) {
        Ok(warnings) => warnings,
        Err(diags) => diags,
    };
    all.iter()
        .filter(|d| d.path == Path::new("content/2024/review.md"))
        .map(|d| {
            let level = if d.is_error() { "error" } else { "warning" };
            format!("{} {level} {}", d.location(), d.message)
        })
        .collect()
}

#[test]
fn every_impossible_vote_of_a_review_is_reported_at_its_line_in_one_run() {
    let results = "  - {department: transport, round: 1, members: 45, satisfied: 10, basically_satisfied: 12, unsatisfied: 18, verdict: 不满意}
  - {department: transport, round: 1, verdict: 不满意}
  - {department: housing, members: 45, present: 46, verdict: 满意}
  - department: transport
    round: 2
    present: 40
    satisfied: 30
    basically_satisfied: 8
    unsatisfied: 5
    verdict: 满意
";
    let site = TestSite::valid().file("content/2024/review.md", &review_with_results(results));
    let diags = review_diagnostics(&site);
    assert_eq!(
        diags,
        [
            "content/2024/review.md:15:1 error 部门 `transport` 第1轮的测评结果写了两次(第 14 行已有)",
            "content/2024/review.md:16:1 error 出席人数 present: 46 多于组成人员总数 members: 45",
            "content/2024/review.md:19:1 error 部门 `transport` 第2轮的票数合计 43 多于出席人数 present: 40",
        ],
    );
    // The other documents of the review are checked against it as usual: nothing else.
    assert_eq!(site.errors().len(), 3);
}

#[test]
fn a_vote_whose_verdict_the_counts_contradict_is_a_warning_at_its_line() {
    let results = "  - department: transport
    members: 45
    present: 40
    satisfied: 2
    basically_satisfied: 8
    unsatisfied: 30
    verdict: 满意
";
    let site = TestSite::valid().file("content/2024/review.md", &review_with_results(results));
    assert_eq!(
        review_diagnostics(&site),
        [
            "content/2024/review.md:20:1 warning 部门 `transport` 第1轮测评结论写的是满意,但按票数(满意 2 票、基本满意 8 票、不满意 30 票,出席人数 40)应为不满意"
        ],
    );
    // The site builds: a warning does not stop the publication.
    site.build().unwrap();

    // Under site.yaml's `satisfaction`, the same counts may bear the verdict out.
    let results = "  - {department: transport, members: 45, present: 40, satisfied: 21, basically_satisfied: 8, unsatisfied: 11, verdict: 满意}\n";
    let site = TestSite::valid().file("content/2024/review.md", &review_with_results(results));
    assert_eq!(review_diagnostics(&site), Vec::<String>::new());
    let site = site.file(
        "site.yaml",
        &format!("{SITE_YAML}satisfaction: {{basis: members, satisfied: 0.5}}\n"),
    );
    let diags = review_diagnostics(&site);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].contains("组成人员总数 45)应为基本满意"),
        "{diags:?}"
    );
}

#[test]
fn a_second_round_after_a_round_not_voted_unsatisfied_is_a_warning() {
    let results = "  - {department: transport, round: 1, verdict: 基本满意}
  - {department: transport, round: 2, verdict: 满意}
  - {department: housing, round: 2, verdict: 满意}
";
    let site = TestSite::valid().file("content/2024/review.md", &review_with_results(results));
    assert_eq!(
        review_diagnostics(&site),
        [
            "content/2024/review.md:15:1 warning 部门 `transport` 第1轮测评为基本满意,不需要第2轮测评",
            "content/2024/review.md:16:1 warning 部门 `housing` 有第2轮测评,却没有第1轮的测评结果",
        ],
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
