//! Hostile and broken input, one case per input, each with its exact outcome: a diagnostic that
//! names the file and line, or output that is safe. Markup in every value the theme shows,
//! script in bodies, `javascript:` in every disguise, paths that try to leave the site, YAML
//! bombs, huge files and lines, the encodings Windows editors write, files that vanish.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pingyi::Diagnostic;

use crate::support::*;

/// The one error of building `site`: (location, message).
fn one_error(site: &TestSite) -> (String, String) {
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    (errors[0].location(), errors[0].message.clone())
}

fn with_notice(front: &str, body: &str) -> TestSite {
    let text = NOTICE.replace("---\n方案正文。\n", &format!("{front}---\n{body}"));
    TestSite::valid().file("content/2024/notices/plan.md", &text)
}

/// Every built file, relative path and text.
fn outputs(site: &TestSite) -> Vec<(PathBuf, String)> {
    snapshot(&site.out())
        .into_iter()
        .map(|(p, b)| {
            (
                pingyi::load::slash_path(&p),
                String::from_utf8_lossy(&b).into_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Markup in every value the theme shows.

/// A YAML string that closes an attribute, opens a script and an image with a handler; `mark`
/// says which field it came from.
fn evil(mark: &str) -> String {
    format!("\"\\\"'><script>alert({mark})</script><img src=x onerror=alert({mark})>\"")
}

#[test]
fn markup_in_every_shown_value_is_escaped_everywhere() {
    let site_yaml = format!(
        "title: {}\nbase_url: https://rd.example.gov.cn\ndescription: {}\norganizer: {}\noperator: {}\nsite_code: {}\nicp: {}\npolice_record: {}\ncontact: {{phone: {}, email: {}, address: {}}}\ndepartments:\n  - id: housing\n    name: {}\n    short_name: {}\n  - id: transport\n    name: {}\n",
        evil("site_title"),
        evil("site_description"),
        evil("organizer"),
        evil("operator"),
        evil("site_code"),
        evil("icp"),
        evil("police_record"),
        evil("phone"),
        evil("email"),
        evil("address"),
        evil("department_name"),
        evil("short_name"),
        evil("department_name2"),
    );
    let review = REVIEW
        .replace(
            "title: 2024年度工作评议",
            &format!("title: {}", evil("review_title")),
        )
        .replace(
            "{name: 评议准备,",
            &format!("{{name: {},", evil("stage_name")),
        );
    let speech = SPEECH
        .replace(
            "title: 在工作评议动员会上的讲话",
            &format!("title: {}", evil("speech_title")),
        )
        .replace("speaker: 李明华", &format!("speaker: {}", evil("speaker")))
        .replace(
            "speaker_title: 市人大常委会主任",
            &format!("speaker_title: {}", evil("speaker_title")),
        )
        .replace(
            "occasion: 工作评议动员会",
            &format!("occasion: {}\nvenue: {}", evil("occasion"), evil("venue")),
        )
        .replace("tags: [工作评议]", &format!("tags: [{}]", evil("tag")));
    let notice = NOTICE
        .replace(
            "title: 关于开展2024年度工作评议的实施方案",
            &format!(
                "title: {}\nsummary: {}",
                evil("notice_title"),
                evil("summary")
            ),
        )
        .replace(
            "doc_number: 测人大常〔2024〕3号",
            &format!("doc_number: {}", evil("doc_number")),
        )
        .replace(
            "index_no: CS-2024-001",
            &format!("index_no: {}", evil("index_no")),
        )
        .replace(
            "issuer: 测试市人大常委会办公厅",
            &format!(
                "issuer: {}\nattachments:\n  - {{title: {}, file: plan.pdf}}",
                evil("issuer"),
                evil("attachment_title")
            ),
        );
    let rectification = RECTIFICATION
        .replace(
            "title: 测试市交通运输局整改情况报告",
            &format!("title: {}", evil("rectification_title")),
        )
        .replace(
            "problem: 公交准点率低",
            &format!("problem: {}", evil("problem")),
        )
        .replace(
            "measures: 优化线路",
            &format!("measures: {}", evil("measures")),
        )
        .replace(
            "responsible: 公交科",
            &format!("responsible: {}", evil("responsible")),
        )
        .replace("id: \"1\"", &format!("id: {}", evil("item_id")))
        .replace(
            "note: 开展专项整治",
            &format!("note: {}", evil("progress_note")),
        );
    let site = TestSite::empty()
        .file("site.yaml", &site_yaml)
        .file("content/2024/review.md", &review)
        .file("content/2024/speeches/mobilization.md", &speech)
        .file("content/2024/notices/plan.md", &notice)
        .file("content/2024/notices/plan.pdf", "%PDF-1.4")
        .file("content/2024/rectifications/transport.md", &rectification)
        .built();

    let built = outputs(&site);
    let markup: Vec<&(PathBuf, String)> = built
        .iter()
        .filter(|(p, _)| matches!(p.extension().and_then(|e| e.to_str()), Some("html" | "xml")))
        .collect();
    assert!(markup.len() >= 20, "{} pages", markup.len());
    for (path, text) in &markup {
        for raw in ["<script>alert(", "<img src=x", "\"'><"] {
            assert!(!text.contains(raw), "{} holds `{raw}`", path.display());
        }
    }
    // Each value is shown, as text.
    for mark in [
        "site_title",
        "site_description",
        "organizer",
        "operator",
        "icp",
        "police_record",
        "phone",
        "email",
        "address",
        "department_name",
        "department_name2",
        "review_title",
        "stage_name",
        "speech_title",
        "speaker",
        "speaker_title",
        "occasion",
        "venue",
        "tag",
        "notice_title",
        "summary",
        "doc_number",
        "index_no",
        "issuer",
        "attachment_title",
        "rectification_title",
        "problem",
        "measures",
        "responsible",
        "item_id",
        "progress_note",
    ] {
        let shown = format!("&lt;script&gt;alert({mark})");
        assert!(
            markup
                .iter()
                .any(|(p, t)| p.extension().is_some_and(|e| e == "html") && t.contains(&shown)),
            "`{mark}` is shown escaped on no page"
        );
    }
    // The open data keep the values exactly as written.
    let json = site.read("data/2024/items.json");
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        items
            .to_string()
            .contains("<script>alert(problem)</script>")
    );
}

#[test]
fn markup_in_a_tag_cannot_reach_its_url() {
    let site = TestSite::valid()
        .file(
            "content/2024/speeches/mobilization.md",
            &SPEECH.replace(
                "tags: [工作评议]",
                "tags: [\"../../../etc\", \"<b>住房</b>\", \"/\"]",
            ),
        )
        .built();
    let mut tag_pages: Vec<String> = outputs(&site)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .filter(|p| p.starts_with("tags/") && p.ends_with("index.html"))
        .collect();
    tag_pages.sort();
    assert_eq!(
        tag_pages,
        [
            "tags/b-zhu-fang-b/index.html",
            "tags/etc/index.html",
            "tags/index.html",
            "tags/tag/index.html",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Raw HTML and script in bodies.

/// The body of the notice as built: the inner HTML of its `div.body`.
fn body_html(body: &str) -> (String, Vec<Diagnostic>) {
    let site = with_notice("", body);
    let report = site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
    let page = site.html("2024/notices/plan/index.html");
    let sel = scraper::Selector::parse("div.body").unwrap();
    let inner = page
        .select(&sel)
        .next()
        .map_or(String::new(), |e| e.inner_html());
    let warnings = report
        .warnings
        .iter()
        .filter(|w| w.path.ends_with("plan.md"))
        .cloned()
        .collect();
    (inner.trim().to_string(), warnings)
}

#[test]
fn raw_html_in_a_body_is_shown_as_text() {
    for (body, expected) in [
        (
            "<script>alert(1)</script>\n",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>",
        ),
        (
            "<SCRIPT SRC=//x.cn/a.js></SCRIPT>\n",
            "<p>&lt;SCRIPT SRC=//x.cn/a.js&gt;&lt;/SCRIPT&gt;\n</p>",
        ),
        (
            "文字<img src=x onerror=alert(1)>文字\n",
            "<p>文字&lt;img src=x onerror=alert(1)&gt;文字</p>",
        ),
        (
            "<iframe src=\"https://x.cn\"></iframe>\n",
            "<p>&lt;iframe src=\"https://x.cn\"&gt;&lt;/iframe&gt;\n</p>",
        ),
        (
            "<style>body{display:none}</style>\n",
            "<p>&lt;style&gt;body{display:none}&lt;/style&gt;\n</p>",
        ),
        ("<!-- <script>x</script> -->\n", ""),
        (
            "<a href=\"javascript:alert(1)\">点</a>\n",
            "<p>&lt;a href=\"javascript:alert(1)\"&gt;点&lt;/a&gt;</p>",
        ),
        (
            "[点](https://x.cn \"\\\"onmouseover=alert(1)\")\n",
            "<p><a href=\"https://x.cn\" title=\"&quot;onmouseover=alert(1)\">点</a></p>",
        ),
        (
            "## 标题 {#\"><script>}\n",
            "<h2 id=\"标题\">标题 {#\"&gt;&lt;script&gt;}</h2>",
        ),
    ] {
        let (html, warnings) = body_html(body);
        assert_eq!(html, expected, "{body}");
        // Shown as text, raw HTML is a warning at its line; an editor's note is dropped.
        let raw = body.contains('<') && !body.starts_with("<!--");
        let lines: Vec<_> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(13)][..usize::from(raw)], "{body}");
    }
}

#[test]
fn javascript_links_in_every_disguise_keep_only_their_text() {
    let disguises = [
        "[点我](javascript:alert(1))",
        "[点我](JaVaScRiPt:alert(1))",
        "[点我]( javascript:alert(1) )",
        "[点我](<java\tscript:alert(1)>)",
        "[点我](javascript&#58;alert(1))",
        "[点我](&#x6A;avascript:alert(1))",
        "[点我](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[点我](javascript&colon;alert(1))",
        "[点我](java&Tab;script:alert(1))",
        "[点我](vbscript:msgbox(1))",
        "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[点我][r]\n\n[r]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "![点我](javascript:alert(1))",
        "[![点我](data:image/svg+xml,<svg/onload=alert(1)>)](javascript:alert(2))",
    ];
    for md in disguises {
        let (html, warnings) = body_html(&format!("{md}\n"));
        let text = if md.starts_with("<javascript") {
            "javascript:alert(1)"
        } else {
            "点我"
        };
        assert_eq!(html, format!("<p>{text}</p>"), "{md}");
        assert_eq!(
            warnings[0].location(),
            "content/2024/notices/plan.md:13:1",
            "{md}"
        );
        for w in &warnings {
            assert_eq!(w.line, Some(13), "{md}");
            assert!(w.message.contains("不安全"), "{md}: {}", w.message);
        }
    }
}

#[test]
fn percent_encoded_schemes_stay_harmless_relative_links() {
    // A browser reads neither as a `javascript:` URL: a scheme cannot be percent-encoded.
    for (md, href) in [
        ("[点](%6Aavascript:alert(1))", "%6Aavascript:alert(1)"),
        ("[点](javascript%3Aalert(1))", "javascript%3Aalert(1)"),
    ] {
        let (html, _) = body_html(&format!("{md}\n"));
        assert_eq!(html, format!("<p><a href=\"{href}\">点</a></p>"), "{md}");
    }
}

#[test]
fn a_pasted_data_image_is_dropped_with_a_short_warning() {
    let image = format!(
        "![图一](data:image/png;base64,{})",
        "iVBORw0KGgo".repeat(200_000)
    );
    let (html, warnings) = body_html(&format!("见下图。\n\n{image}\n"));
    assert_eq!(html, "<p>见下图。</p>\n<p>图一</p>");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].location(), "content/2024/notices/plan.md:15:1");
    assert!(warnings[0].to_string().len() < 600, "{}", warnings[0]);
}

// ---------------------------------------------------------------------------------------------
// Paths that try to leave the site.

#[test]
fn slugs_that_leave_the_site_are_refused() {
    for slug in [
        "../../etc",
        "/etc/passwd",
        "a/b",
        "..\\\\..\\\\x",
        "\".\"",
        "\"..\"",
    ] {
        let site = with_notice(&format!("slug: {slug}\n"), "正文\n");
        let (at, msg) = one_error(&site);
        assert_eq!(at, "content/2024/notices/plan.md:12:1", "{slug}");
        assert!(!msg.contains('\0'), "{msg}");
        assert!(
            msg.starts_with("slug `") && msg.ends_with("` 不能用在网址中"),
            "{slug}: {msg}"
        );
    }
}

#[test]
fn review_and_department_ids_that_leave_the_site_are_refused() {
    let site = TestSite::valid().file(
        "content/2024/review.md",
        &REVIEW.replace("id: \"2024\"", "id: \"../2024\""),
    );
    let errors = site.errors();
    let e = errors
        .iter()
        .find(|e| e.path.ends_with("review.md"))
        .unwrap();
    assert_eq!(e.location(), "content/2024/review.md:5:1");
    assert_eq!(e.message, "评议活动 id `../2024` 不能用在网址中");

    let site = TestSite::valid().file(
        "site.yaml",
        &SITE_YAML.replace("id: housing", "id: ../../housing"),
    );
    let errors = site.errors();
    assert_eq!(errors[0].location(), "site.yaml:6:1");
    assert!(
        errors[0].message.contains("部门 id `../../housing`"),
        "{}",
        errors[0].message
    );
}

#[test]
fn attachment_paths_that_leave_the_site_are_refused() {
    for (file, message) in [
        ("../../../site.yaml", "附件 `../../../site.yaml` 不存在"),
        (
            "../../../../../../../etc/passwd",
            "附件 `../../../../../../../etc/passwd` 不存在",
        ),
        ("/etc/passwd", "附件路径 `/etc/passwd` 无效"),
        ("..\\..\\site.yaml", "附件路径 `..\\..\\site.yaml` 无效"),
        ("\"\"", "附件路径 `` 无效"),
        ("\"plan.pdf\\n\"", "附件路径 `plan.pdf\\n` 无效"),
    ] {
        let site = with_notice(
            &format!("attachments:\n  - {{title: 全文, file: {file}}}\n"),
            "正文\n",
        )
        .file("content/2024/notices/plan.pdf", "%PDF");
        let (at, msg) = one_error(&site);
        assert_eq!(at, "content/2024/notices/plan.md:13:1", "{file}");
        assert_eq!(msg, message, "{file}");
    }
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused_for_folders_and_attachments() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), NOTICE).unwrap();
    std::fs::write(outside.path().join("secret.pdf"), "secret").unwrap();
    let site = TestSite::valid();
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/2024/elsewhere")).unwrap();
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/elsewhere");
    assert_eq!(msg, "符号链接指向站点目录之外,已拒绝");

    let site = with_notice(
        "attachments:\n  - {title: 全文, file: leak.pdf}\n",
        "正文\n",
    );
    std::os::unix::fs::symlink(
        outside.path().join("secret.pdf"),
        site.root().join("content/2024/notices/leak.pdf"),
    )
    .unwrap();
    let errors: Vec<(String, String)> = site
        .errors()
        .iter()
        .map(|e| (e.location(), e.message.clone()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "content/2024/notices/leak.pdf".to_string(),
                "符号链接指向站点目录之外,已拒绝".to_string()
            ),
            (
                "content/2024/notices/plan.md:13:1".to_string(),
                "附件 `leak.pdf` 不存在".to_string()
            ),
        ]
    );
    assert!(!site.out().exists());
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
#[cfg(unix)]
#[test]
fn a_static_folder_that_is_a_symlink_out_of_the_site_publishes_nothing_of_it() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "机密").unwrap();
    let site = TestSite::valid();
    std::os::unix::fs::symlink(outside.path(), site.root().join("static")).unwrap();
    let site = site.built();
    assert!(!site.out().join("secret.txt").exists());
    assert!(
        outputs(&site)
            .iter()
            .all(|(_, text)| !text.contains("机密"))
    );
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
#[cfg(unix)]
#[test]
fn a_symlink_loop_through_a_file_is_reported() {
    let site = TestSite::valid();
    let dir = site.root().join("content/2024/notices");
    std::os::unix::fs::symlink(dir.join("b.md"), dir.join("a.md")).unwrap();
    std::os::unix::fs::symlink(dir.join("a.md"), dir.join("b.md")).unwrap();
    let errors = site.errors();
    let at: Vec<String> = errors.iter().map(|e| e.location()).collect();
    assert_eq!(
        at,
        ["content/2024/notices/a.md", "content/2024/notices/b.md"]
    );
}

// ---------------------------------------------------------------------------------------------
// YAML bombs, deep nesting, huge documents and lines.

#[test]
fn a_yaml_alias_bomb_is_an_error_at_its_line() {
    let mut front =
        String::from("tags: &a [\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\"]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        front.push_str(&format!("x{name}: &{name} [{refs}]\n"));
    }
    let site = with_notice(&front, "正文\n");
    let start = Instant::now();
    let errors = site.errors();
    assert!(start.elapsed() < Duration::from_secs(10));
    // Every field of the bomb is unknown, each named at its line; none is expanded.
    let found: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.location(), e.message.clone()))
        .collect();
    let expected: Vec<(String, String)> = ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(13..)
        .map(|(name, line)| {
            (
                format!("content/2024/notices/plan.md:{line}:1"),
                format!("未知字段 `x{name}`"),
            )
        })
        .collect();
    assert_eq!(found, expected);

    // The same bomb in a known field: its type stops it before anything is expanded.
    let front = front
        .replace("xb: &b", "summary: &b")
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    let (at, msg) = one_error(&with_notice(&front, "正文\n"));
    assert_eq!(at, "content/2024/notices/plan.md:13:10");
    assert_eq!(msg, "字段 `summary`: 类型不对: 应为文本,这里是列表");
}

#[test]
fn deep_nesting_is_an_error_at_its_line() {
    let deep = format!("tags: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let (at, msg) = one_error(&with_notice(&deep, "正文\n"));
    assert_eq!(at, "content/2024/notices/plan.md:12:8");
    assert_eq!(msg, "`tags` 第 1 项: 类型不对: 应为文本,这里是列表");
    let deep = format!("x: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    let (at, msg) = one_error(&with_notice(&deep, "正文\n"));
    assert_eq!(at, "content/2024/notices/plan.md:12:1");
    assert_eq!(msg, "未知字段 `x`");
}

#[test]
fn a_50_mb_document_is_refused_without_being_read() {
    let site = TestSite::valid();
    let path = site.root().join("content/2024/notices/huge.md");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/notices/huge.md");
    assert_eq!(msg, "文档超过 10 MB,不予处理");
}

#[test]
fn a_document_just_under_the_limit_builds() {
    let para = "本次评议围绕住房保障、交通出行等群众关心的问题展开,各部门认真整改。\n\n";
    let body = para.repeat((9 * 1024 * 1024) / para.len());
    let site = with_notice("", &body).built();
    let html = site.read("2024/notices/plan/index.html");
    assert!(html.len() > 9 * 1024 * 1024);
}

#[test]
fn thousands_of_problems_on_one_long_line_stay_cheap() {
    // 50,000 dangerous links on one 850 KB line: each warning keeps a bounded piece of it.
    let line = "[a](javascript:x)".repeat(50_000);
    let start = Instant::now();
    let (html, warnings) = body_html(&format!("{line}\n"));
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(html, format!("<p>{}</p>", "a".repeat(50_000)));
    assert_eq!(warnings.len(), 50_000);
    assert_eq!(
        warnings[49_999].location(),
        "content/2024/notices/plan.md:13:849984"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.source_line.as_ref().unwrap().len() < 200)
    );
    // Each warning once kept the whole line: 19 GB, and the build was killed.
    #[cfg(target_os = "linux")]
    {
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid buffer for the call.
        assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) }, 0);
        let peak_mb = usage.ru_maxrss / 1024;
        assert!(peak_mb < 2048, "the test process peaked at {peak_mb} MB");
    }
}

#[test]
fn a_very_long_title_line_is_shown_cut_in_its_diagnostic() {
    let long = "长".repeat(200_000);
    let (at, msg) = one_error(&with_notice(&format!("title2: {long}\n"), "正文\n"));
    assert_eq!(at, "content/2024/notices/plan.md:12:1");
    assert_eq!(msg, "未知字段 `title2`");
    let site = with_notice(&format!("title2: {long}\n"), "正文\n");
    let shown = site.errors()[0].to_string();
    assert!(shown.len() < 1000, "{} bytes", shown.len());
    assert!(
        shown.contains("12 | title2: 长长长") && shown.contains("长..."),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings and line endings.

fn notice_bytes(encode: impl Fn(&str) -> Vec<u8>) -> TestSite {
    TestSite::valid().bytes("content/2024/notices/plan.md", &encode(NOTICE))
}

#[test]
fn gbk_is_named_with_its_line() {
    // The notice with its title in GBK: "测试" is B2 E2 CA D4.
    let gbk = NOTICE.as_bytes();
    let title = "关于开展2024年度工作评议的实施方案".as_bytes();
    let at = gbk.windows(title.len()).position(|w| w == title).unwrap();
    let mut bytes = gbk[..at].to_vec();
    bytes.extend_from_slice(b"\xB2\xE2\xCA\xD4");
    bytes.extend_from_slice(&gbk[at + title.len()..]);
    let site = TestSite::valid().bytes("content/2024/notices/plan.md", &bytes);
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/notices/plan.md:2");
    assert_eq!(msg, "文件不是 UTF-8 编码,很可能是 GBK(GB2312/GB18030)编码");
}

#[test]
fn utf16_with_a_bom_either_way_is_named() {
    for big_endian in [false, true] {
        let site = notice_bytes(|t| {
            format!("\u{feff}{t}")
                .encode_utf16()
                .flat_map(|u| {
                    if big_endian {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        });
        let (at, msg) = one_error(&site);
        assert_eq!(at, "content/2024/notices/plan.md");
        assert_eq!(
            msg,
            "文件是 UTF-16 编码(Windows 记事本里叫“Unicode”),不是 UTF-8"
        );
    }
}

#[test]
fn utf8_bom_crlf_lone_cr_and_mixed_line_ends_all_build_the_same_page() {
    let plain = TestSite::valid()
        .built()
        .read("2024/notices/plan/index.html");
    for (name, text) in [
        ("bom", format!("\u{feff}{NOTICE}")),
        ("crlf", NOTICE.replace('\n', "\r\n")),
        (
            "bom+crlf",
            format!("\u{feff}{}", NOTICE.replace('\n', "\r\n")),
        ),
        ("cr", NOTICE.replace('\n', "\r")),
        (
            "mixed",
            NOTICE
                .lines()
                .enumerate()
                .map(|(i, l)| format!("{l}{}", ["\n", "\r\n", "\r"][i % 3]))
                .collect(),
        ),
    ] {
        let site = TestSite::valid()
            .file("content/2024/notices/plan.md", &text)
            .built();
        assert_eq!(site.read("2024/notices/plan/index.html"), plain, "{name}");
    }
}

#[test]
fn crlf_keeps_line_numbers_right() {
    let text = NOTICE
        .replace("issuer: 测试市", "issuer: 测试市: ")
        .replace('\n', "\r\n");
    let (at, msg) = one_error(&TestSite::valid().file("content/2024/notices/plan.md", &text));
    assert!(at.starts_with("content/2024/notices/plan.md:10:"), "{at}");
    assert!(msg.starts_with("YAML 格式错误: 这一行多了冒号"), "{msg}");
}

#[test]
fn an_empty_file_is_named() {
    let site = TestSite::valid().file("content/2024/notices/empty.md", "");
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/notices/empty.md:1:1");
    assert_eq!(msg, "文件是空的");
}

#[test]
fn front_matter_never_closed_is_named() {
    let site = TestSite::valid().file(
        "content/2024/notices/open.md",
        "---\ntitle: 没有结尾\ntype: notice\ndate: 2024-03-01\n\n正文很长很长。\n",
    );
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/notices/open.md:1:1");
    assert_eq!(msg, "front matter 没有结束的 `---`");
}

#[test]
fn a_word_document_saved_as_md_is_named() {
    let site = TestSite::valid().bytes(
        "content/2024/notices/word.md",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
    );
    let (at, msg) = one_error(&site);
    assert_eq!(at, "content/2024/notices/word.md");
    assert_eq!(msg, "文件是 Word/WPS 等办公软件的文档,不是 Markdown 文本");
}

#[test]
fn text_pasted_from_a_web_page_keeps_line_numbers() {
    // U+2028 (a web page's line separator) inside a value: libyaml breaks lines there.
    let text = NOTICE.replace(
        "issuer: 测试市人大常委会办公厅",
        "issuer: 测试市\u{2028}人大\nissur: x",
    );
    let (at, msg) = one_error(&TestSite::valid().file("content/2024/notices/plan.md", &text));
    assert_eq!(at, "content/2024/notices/plan.md:11:1");
    assert_eq!(msg, "未知字段 `issur`");
}

// ---------------------------------------------------------------------------------------------
// Files that change under the build.

#[test]
fn a_file_that_vanishes_between_the_walk_and_the_read_is_named() {
    let site = TestSite::valid();
    let (listed, diags) = pingyi::load::list_content(site.root());
    assert!(diags.is_empty());
    let gone = Path::new("content/2024/notices/plan.md");
    assert!(listed.iter().any(|p| p == gone));
    std::fs::remove_file(site.root().join(gone)).unwrap();
    let (read, diags) = pingyi::load::read_sources(site.root(), &listed);
    assert_eq!(read.len(), listed.len() - 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].location(), "content/2024/notices/plan.md");
    assert_eq!(
        diags[0].message,
        "文件在读取时已不存在(刚被删除、改名或替换),请重新生成"
    );
}

#[test]
fn a_file_replaced_by_a_folder_between_the_walk_and_the_read_is_named() {
    let site = TestSite::valid();
    let (listed, _) = pingyi::load::list_content(site.root());
    let path = site.root().join("content/2024/notices/plan.md");
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let (_, diags) = pingyi::load::read_sources(site.root(), &listed);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].location(), "content/2024/notices/plan.md");
    assert_eq!(diags[0].message, "这是一个文件夹,不是文件");
}

#[test]
fn a_file_that_grows_past_the_limit_after_the_walk_is_refused() {
    let site = TestSite::valid();
    let (listed, _) = pingyi::load::list_content(site.root());
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(site.root().join("content/2024/notices/plan.md"))
        .unwrap();
    file.set_len(11 * 1024 * 1024).unwrap();
    let (_, diags) = pingyi::load::read_sources(site.root(), &listed);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "文档超过 10 MB,不予处理");
}

// ---------------------------------------------------------------------------------------------
// What the fuzzers found, kept: every input they crashed on, through the same checks.

#[test]
fn fuzzer_findings_stay_fixed() {
    let dir = repo().join("fuzz/regressions");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&dir).into_iter().map(Result::unwrap) {
        if !entry.file_type().is_file() {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(entry.path()).unwrap();
        let target = entry.path().parent().unwrap().file_name().unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let lines = text.lines().count().max(1);
        let check = |d: &Diagnostic| {
            let _ = d.to_string();
            if let Some(line) = d.line {
                assert!(line <= lines + 1, "{}: {d}", entry.path().display());
            }
        };
        match target.to_str().unwrap() {
            "frontmatter" => {
                let path = Path::new("content/a.md");
                if let Ok(split) = pingyi::frontmatter::split(path, &text)
                    && let Err(ds) = pingyi::yaml::from_yaml_all::<serde_json::Value>(
                        path,
                        &text,
                        split.yaml,
                        split.yaml_line,
                    )
                {
                    ds.iter().for_each(check);
                }
                if let Err(ds) = pingyi::Config::parse(Path::new("site.yaml"), &text) {
                    ds.iter().for_each(check);
                }
            }
            "document" => {
                let path = Path::new("content/2024/notices/a.md");
                if let Ok(text) = pingyi::load::decode(path, bytes.clone())
                    && let Err(ds) = pingyi::Document::parse(path, &text)
                {
                    ds.iter().for_each(check);
                }
            }
            "markdown" => {
                let body = String::from_utf8_lossy(&bytes[1.min(bytes.len())..]);
                let r = pingyi::markdown::render(&body, false, &|_, p| {
                    pingyi::markdown::LinkTarget::broken(p.to_string())
                });
                for p in &r.problems {
                    assert!(body.is_char_boundary(p.offset));
                }
            }
            other => panic!("unknown fuzz target {other}"),
        }
    }
    assert!(seen > 0, "no findings under {}", dir.display());
}
