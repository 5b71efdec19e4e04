//! What a body's markup may put on the public site: an editor's note never, raw HTML only as
//! text and with a warning, images as local copies, URLs that are valid and lead to a file,
//! and ids that are unique on their page.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use pingyi::{Builder, Change, Diagnostic};

use crate::support::*;

const PLAN: &str = "content/2024/notices/plan.md";
const PAGE: &str = "2024/notices/plan/index.html";

/// The notice with `front` added to its front matter and `body` as its body (which begins on
/// line 13 plus the lines of `front`).
fn with_notice(front: &str, body: &str) -> TestSite {
    let text = NOTICE.replace("---\n方案正文。\n", &format!("{front}---\n{body}"));
    TestSite::valid().file(PLAN, &text)
}

fn with_unsafe_html(site: TestSite) -> TestSite {
    site.file(
        "site.yaml",
        &format!(
            "{SITE_YAML}markdown: {{unsafe_html: true}}\narchive: {{fonds: T001, agency: 测试}}\n"
        ),
    )
}

/// Builds `site`; its warnings about the notice, or every diagnostic if it fails.
fn notice_warnings(site: &TestSite) -> Vec<Diagnostic> {
    let report = site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
    report
        .warnings
        .iter()
        .filter(|w| w.path.ends_with("plan.md"))
        .cloned()
        .collect()
}

/// The errors of checking `site`, as `location: message`.
fn check_errors(site: &TestSite) -> Vec<String> {
    match pingyi::check(site.root(), &TestSite::options()) {
        Ok(w) => panic!("expected errors, got only {w:#?}"),
        Err(d) => d
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect(),
    }
}

/// Every file of the built site and of its 2024 archive bundle, as text.
fn every_output(site: &TestSite) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = snapshot(&site.out())
        .into_iter()
        .map(|(p, b)| {
            (
                p.to_string_lossy().into_owned(),
                String::from_utf8_lossy(&b).into_owned(),
            )
        })
        .collect();
    let bundle = pingyi::archive::archive(site.root(), 2024, &TestSite::options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle.bytes)).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = format!("archive.zip/{}", f.name().unwrap());
        // `sources/` is the editors' files byte for byte, notes included: the record the
        // 档案室 keeps, not a page (docs/archive.md says to keep the bundle off the web).
        // Every page, catalogue and metadata file made from them is checked.
        if name.starts_with("archive.zip/sources/") {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        all.push((name, String::from_utf8_lossy(&data).into_owned()));
    }
    assert!(all.len() > 40, "{}", all.len());
    all
}

// ---------------------------------------------------------------------------------------------
// Editors' notes and raw HTML.

/// Notes in every place a note is written: the first line, inside the first paragraph, a block
/// of its own, several lines, a list, a quote, a heading.
const NOTES: &str = "\
<!-- 内部备注甲:待主任审核,不要公开 -->
首段文字<!-- 内部备注乙 -->继续首段。

<!-- 内部备注丙:
第二行也不公开 -->

- 一项<!-- 内部备注丁
跨行 -->完

> <!-- 内部备注戊 -->
> 引文

## 小标题 <!-- 内部备注己 -->

<!-- 内部备注庚:a -- b > c -->

正文结束。
";

#[test]
fn an_editors_note_never_reaches_any_output() {
    for site in [
        with_notice("", NOTES),
        with_unsafe_html(with_notice("", NOTES)),
    ] {
        let warnings = notice_warnings(&site);
        assert!(warnings.is_empty(), "a note is no problem: {warnings:#?}");
        let outputs = every_output(&site);
        for (path, text) in &outputs {
            for secret in ["内部备注", "第二行也不公开", "跨行"] {
                assert!(!text.contains(secret), "{secret} in {path}");
            }
        }
        // What is not a note is published, the first paragraph as the summary too.
        let page = site.html(PAGE);
        assert_eq!(
            texts(&page, "div.body p"),
            ["首段文字继续首段。", "引文", "正文结束。"]
        );
        assert_eq!(texts(&page, "div.body li"), ["一项完"]);
        assert_eq!(texts(&page, "div.body h2"), ["小标题"]);
        let json = site.read("data/2024/documents.json");
        assert!(
            json.contains("\"summary\":\"首段文字继续首段。\""),
            "{json}"
        );
        assert!(site.read("feed.xml").contains("首段文字继续首段。"));
    }
}

#[test]
fn a_note_left_open_is_an_error_at_its_line() {
    // In a paragraph the parser reads no comment, and would publish the note as text.
    let site = with_notice("", "正文。\n\n文字<!-- 内部备注\n\n下一段。\n");
    let errors = check_errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(&format!("{PLAN}:15:3: 备注 `<!--` 没有结束的 `-->`")),
        "{errors:#?}"
    );
    // On a line of its own it hides everything after it.
    let site = with_notice("", "正文。\n\n<!-- 内部备注\n\n下一段。\n");
    let errors = check_errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(&format!("{PLAN}:15:1: 备注 `<!--` 没有结束的 `-->`")),
        "{errors:#?}"
    );
}

#[test]
fn raw_html_stays_text_and_each_line_of_it_is_a_warning() {
    let body = "正文<b>粗</b>体。\n\n<div class=\"x\">块</div>\n\n<!-- 备注 --> <span>尾</span>\n\n`<b>代码</b>`\n";
    let site = with_notice("", body);
    let warnings = notice_warnings(&site);
    let at: Vec<String> = warnings.iter().map(Diagnostic::location).collect();
    assert_eq!(
        at,
        [
            format!("{PLAN}:13:3"),
            format!("{PLAN}:15:1"),
            format!("{PLAN}:17:13"),
        ]
    );
    assert!(
        warnings[0].message.contains("<b>") && warnings[0].message.contains("显示为文字"),
        "{}",
        warnings[0].message
    );
    assert!(warnings.iter().all(|w| !w.is_error() && w.hint.is_some()));
    let page = site.html(PAGE);
    assert_eq!(
        texts(&page, "div.body p"),
        [
            "正文<b>粗</b>体。",
            "<div class=\"x\">块</div>",
            "<span>尾</span>",
            "<b>代码</b>"
        ]
    );
    assert!(!site.read("feed.xml").contains("备注"));

    // A site that opts in writes its HTML itself: no warning, and still no note.
    let site = with_unsafe_html(with_notice("", body));
    assert!(notice_warnings(&site).is_empty());
    let html = site.read(PAGE);
    assert!(html.contains("<div class=\"x\">块</div>") && html.contains("<b>粗</b>"));
    assert!(!html.contains("备注"));
}

// ---------------------------------------------------------------------------------------------
// Images.

#[test]
fn a_relative_image_is_copied_beside_the_page_and_shown_everywhere() {
    let site = with_notice(
        "",
        "会议现场:\n\n![会场照片](photo.jpg)\n\n![第二会场](<../images/会场 #2.png> \"第二会场\")\n\n再次:![会场照片](./photo.jpg)\n",
    )
    .bytes("content/2024/notices/photo.jpg", b"\xff\xd8jpeg bytes")
    .bytes("content/2024/images/会场 #2.png", b"\x89PNG bytes")
    .file(
        "site.yaml",
        &SITE_YAML.replace(
            "https://rd.example.gov.cn",
            "https://www.example.gov.cn/rd",
        ),
    );
    assert!(notice_warnings(&site).is_empty());
    let out = site.out();
    assert_eq!(
        std::fs::read(out.join("2024/notices/plan/photo.jpg")).unwrap(),
        b"\xff\xd8jpeg bytes"
    );
    assert_eq!(
        std::fs::read(out.join("2024/notices/plan/会场 #2.png")).unwrap(),
        b"\x89PNG bytes"
    );
    let page = site.html(PAGE);
    assert_eq!(
        attrs(&page, "div.body img", "src"),
        [
            "/rd/2024/notices/plan/photo.jpg",
            "/rd/2024/notices/plan/%E4%BC%9A%E5%9C%BA%20%232.png",
            "/rd/2024/notices/plan/photo.jpg",
        ]
    );
    assert_eq!(attrs(&page, "div.body img", "alt")[1], "第二会场");
    // The feed shows the same body: its images load from the site, wherever it is read.
    let feed = site.read("feed.xml");
    assert!(
        feed.contains("src=&quot;/rd/2024/notices/plan/photo.jpg&quot;"),
        "{feed}"
    );
    // An image is not an attachment.
    assert!(texts(&page, ".attachments li").is_empty());
}

#[test]
fn image_problems_are_named_with_their_line() {
    let body = "\
![缺](missing.jpg)
![外](../../../../../etc/passwd)
![站点之外](../../../site.yaml)
![甲](a/photo.jpg)
![乙](b/photo.jpg)
![本机](file:///C:/Users/办公室/照片.jpg)
![自己](index.html)
![源文件](../speeches/mobilization.md)
";
    let site = with_notice("", body)
        .bytes("content/2024/notices/a/photo.jpg", b"a")
        .bytes("content/2024/notices/b/photo.jpg", b"b")
        .bytes("content/2024/notices/index.html", b"<p>x</p>");
    let errors = check_errors(&site);
    let expected = [
        (
            13,
            "图片 `missing.jpg` 不存在(找的是 content/2024/notices/missing.jpg)",
        ),
        (
            14,
            "图片 `../../../../../etc/passwd` 在 content/ 之外,不会发布",
        ),
        (15, "图片 `../../../site.yaml` 在 content/ 之外,不会发布"),
        (
            17,
            "图片 `b/photo.jpg` 与 content/2024/notices/a/photo.jpg 发布后同名 `photo.jpg`,会互相覆盖",
        ),
        (
            18,
            "图片地址 `file:///C:/Users/办公室/照片.jpg` 是本机文件或其他协议,读者打不开",
        ),
        (19, "图片 `index.html` 发布后会盖住本页的 index.html"),
        (
            20,
            "图片 `../speeches/mobilization.md` 是一篇文档的源文件,不是图片",
        ),
    ];
    let expected: Vec<String> = expected
        .iter()
        .map(|(line, msg)| format!("{PLAN}:{line}:1: {msg}"))
        .collect();
    assert_eq!(errors, expected);
    // `build` refuses as `check` does, and writes nothing.
    assert_eq!(site.errors().len(), expected.len());
    assert!(!site.out().exists());
}

#[test]
fn two_files_under_one_published_name_are_an_error() {
    let front =
        "attachments:\n  - {title: 甲, file: a/plan.pdf}\n  - {title: 乙, file: b/plan.pdf}\n";
    let site = with_notice(
        &format!("{front}  - {{title: 丙, file: index.html}}\n"),
        "![图](c/plan.pdf)\n",
    )
    .bytes("content/2024/notices/index.html", b"<p>x</p>")
    .bytes("content/2024/notices/a/plan.pdf", b"a")
    .bytes("content/2024/notices/b/plan.pdf", b"b")
    .bytes("content/2024/notices/c/plan.pdf", b"c");
    assert_eq!(
        check_errors(&site),
        [
            format!(
                "{PLAN}:14:1: 附件 `b/plan.pdf` 与 content/2024/notices/a/plan.pdf 发布后同名 `plan.pdf`,会互相覆盖"
            ),
            format!("{PLAN}:15:1: 附件 `index.html` 发布后会盖住本页的 index.html"),
            format!(
                "{PLAN}:17:1: 图片 `c/plan.pdf` 与 content/2024/notices/a/plan.pdf 发布后同名 `plan.pdf`,会互相覆盖"
            ),
        ]
    );
    // The same file as an attachment and an image is published once, and is no clash.
    let site = with_notice(
        front.split("  - {title: 乙").next().unwrap(),
        "![图](a/plan.pdf)\n",
    )
    .bytes("content/2024/notices/a/plan.pdf", b"a")
    .built();
    assert_eq!(
        attrs(&site.html(PAGE), "div.body img", "src"),
        ["/2024/notices/plan/plan.pdf"]
    );
}

#[test]
fn an_image_from_another_host_is_a_warning() {
    let site = with_notice(
        "",
        "![外站](https://img.example.com/a.png)\n\n![无协议](//img.example.com/b.png)\n\n[链接](https://www.npc.gov.cn/)\n",
    );
    let warnings = notice_warnings(&site);
    let at: Vec<String> = warnings.iter().map(Diagnostic::location).collect();
    assert_eq!(at, [format!("{PLAN}:13:1"), format!("{PLAN}:15:1")]);
    for w in &warnings {
        assert!(w.message.contains("来自其他网站"), "{}", w.message);
        assert!(w.hint.as_deref().unwrap().contains("文档旁边"));
    }
}

#[test]
fn an_image_edited_in_place_is_copied_again_by_the_next_build() {
    let site = with_notice("", "![会场照片](photo.jpg)\n")
        .bytes("content/2024/notices/photo.jpg", b"first version");
    let mut builder = Builder::new(site.root(), TestSite::options());
    builder.build(&site.out()).unwrap();
    let copy = site.out().join("2024/notices/plan/photo.jpg");
    assert_eq!(std::fs::read(&copy).unwrap(), b"first version");

    // The same size, a later time: what an editor's "save" does to a retouched photo.
    let source = site.root().join("content/2024/notices/photo.jpg");
    std::fs::write(&source, b"other version").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&source)
        .unwrap()
        .set_modified(later)
        .unwrap();
    builder.apply(&[Change::Content("content/2024/notices/photo.jpg".into())]);
    builder.build(&site.out()).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), b"other version");

    // Gone, the image is an error, and the last good site stays.
    std::fs::remove_file(&source).unwrap();
    builder.apply(&[Change::Content("content/2024/notices/photo.jpg".into())]);
    assert!(builder.build(&site.out()).is_err());
    assert_eq!(std::fs::read(&copy).unwrap(), b"other version");
}

// ---------------------------------------------------------------------------------------------
// URLs.

/// Whether `url` is a valid URL string (WHATWG): URL code points and `%XX` escapes only, and
/// at most one `#`.
fn is_valid_url(url: &str) -> bool {
    let (before, fragment) = url.split_once('#').unwrap_or((url, ""));
    let ok = |s: &str| {
        let b: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == '%' {
                if !(i + 2 < b.len()
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit())
                {
                    return false;
                }
                i += 3;
                continue;
            }
            let allowed = c.is_ascii_alphanumeric()
                || "!$&'()*+,-./:;=?@_~".contains(c)
                || (c >= '\u{a0}' && !('\u{fdd0}'..='\u{fdef}').contains(&c));
            if !allowed {
                return false;
            }
            i += 1;
        }
        true
    };
    ok(before) && ok(fragment) && !fragment.contains('#')
}

/// `%XX` escapes decoded, as a web server reads a path.
fn decode(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if let (b'%', Some(Ok(n))) = (b[i], hex.map(|h| u8::from_str_radix(h, 16))) {
            out.push(n);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The file a site-absolute URL leads to in `dir`, where the site's root is `base_path`.
fn resolves(dir: &Path, url: &str, base_path: &str) -> bool {
    let path = url.split(['#', '?']).next().unwrap();
    let Some(path) = path.strip_prefix(base_path) else {
        return false;
    };
    let mut file = decode(path.trim_start_matches('/'));
    if file.is_empty() || file.ends_with('/') {
        file.push_str("index.html");
    }
    dir.join(file).is_file()
}

const ODD_NAMES: [&str; 5] = [
    "方案 #2.pdf",
    // Windows allows no `?` in a file name.
    if cfg!(windows) {
        "a;b%c.pdf"
    } else {
        "a?b%c.pdf"
    },
    "附 件(一).docx",
    "100%.xlsx",
    "[草案]{终稿}.ofd",
];

fn site_with_odd_names() -> TestSite {
    let mut front = String::from("attachments:\n");
    for name in ODD_NAMES {
        front.push_str(&format!("  - {{title: \"{name}\", file: \"{name}\"}}\n"));
    }
    let mut site = with_notice(&front, "正文。\n\n![会场 #1](<会场 #1.jpg>)\n");
    for name in ODD_NAMES {
        site = site.bytes(&format!("content/2024/notices/{name}"), name.as_bytes());
    }
    site.bytes("content/2024/notices/会场 #1.jpg", b"jpg")
}

#[test]
fn every_url_on_every_page_is_valid_and_leads_to_a_built_file() {
    let site = site_with_odd_names();
    site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
    let out = site.out();
    // The files keep their names.
    for name in ODD_NAMES {
        assert_eq!(
            std::fs::read(out.join("2024/notices/plan").join(name)).unwrap(),
            name.as_bytes()
        );
    }
    let mut checked = 0;
    for (path, bytes) in snapshot(&out) {
        if path.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let page = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        for (sel, attr) in [("[href]", "href"), ("[src]", "src")] {
            for url in attrs(&page, sel, attr) {
                assert!(is_valid_url(&url), "{url} in {}", path.display());
                if url.starts_with('/') && !url.starts_with("//") {
                    assert!(resolves(&out, &url, ""), "{url} in {}", path.display());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked}");
    let page = site.html(PAGE);
    let links = attrs(&page, "a[href*='/2024/notices/plan/']", "href");
    assert!(
        links.contains(&"/2024/notices/plan/%E6%96%B9%E6%A1%88%20%232.pdf".to_string()),
        "{links:#?}"
    );
    assert_eq!(
        links.iter().filter(|l| !l.ends_with("/plan/")).count(),
        ODD_NAMES.len()
    );
}

#[test]
fn open_data_feed_and_sitemap_carry_valid_urls_that_lead_to_files() {
    let site = site_with_odd_names();
    site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
    let out = site.out();
    let base = "https://rd.example.gov.cn";
    let docs: serde_json::Value =
        serde_json::from_str(&site.read("data/2024/documents.json")).unwrap();
    let mut urls = Vec::new();
    for d in docs.as_array().unwrap() {
        urls.push(d["url"].as_str().unwrap().to_string());
        for a in d["attachments"].as_array().unwrap() {
            urls.push(a["url"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        urls.iter()
            .filter(|u| u.contains("/plan/") && !u.ends_with('/'))
            .count(),
        5
    );
    for tag in ["loc", "link href=\""] {
        for xml in [site.read("sitemap.xml"), site.read("feed.xml")] {
            for piece in xml.split(&format!("<{tag}")).skip(1) {
                let piece = piece.trim_start_matches('>');
                let end = piece.find(['<', '"']).unwrap();
                urls.push(piece[..end].replace("&amp;", "&"));
            }
        }
    }
    assert!(urls.len() > 25, "{}", urls.len());
    for url in &urls {
        assert!(is_valid_url(url), "{url}");
        let path = url.strip_prefix(base).unwrap_or_else(|| panic!("{url}"));
        if path.ends_with(".xml") {
            continue;
        }
        assert!(resolves(&out, path, ""), "{url}");
    }

    // In the year's bundle the attachments are linked relatively, and still found.
    let bundle = pingyi::archive::archive(site.root(), 2024, &TestSite::options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle.bytes)).unwrap();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        files.insert(name, data);
    }
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(&files[PAGE]));
    let hrefs: BTreeSet<String> = attrs(&page, "a[href]", "href").into_iter().collect();
    for name in ODD_NAMES {
        let encoded = hrefs
            .iter()
            .find(|h| decode(h) == name)
            .unwrap_or_else(|| panic!("{name} not linked relatively: {hrefs:#?}"));
        assert!(is_valid_url(encoded), "{encoded}");
        assert!(files.contains_key(&format!("2024/notices/plan/{name}")));
    }
}

// ---------------------------------------------------------------------------------------------
// Ids.

/// Every `id` of a page, in order.
fn ids(page: &scraper::Html) -> Vec<String> {
    attrs(page, "[id]", "id")
}

const HEADINGS: &str = "\
正文[^1],再引[^1],另见[^note b]。

## main

## 1

## Item 1

## ledger-h

## 标题 {#main}

## 脚注 {#fn-1}

## 1

[^1]: 第一条脚注。
[^note b]: 第二条脚注。
[^1]: 重复的定义。
";

#[test]
fn every_id_on_a_page_is_unique_and_every_fragment_link_lands_on_its_target() {
    // A rectification page: the theme's own ids, and one for each ledger row.
    let text = RECTIFICATION.replace("整改情况如下。\n", HEADINGS);
    let site = TestSite::valid()
        .file("content/2024/rectifications/transport.md", &text)
        .built();
    let page = site.html("2024/rectifications/transport/index.html");
    let all = ids(&page);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{all:#?}");
    for id in ["main", "item-1", "ledger-h"] {
        assert!(
            all.iter().any(|i| i == id),
            "the theme's {id} is gone: {all:#?}"
        );
    }
    let headings = attrs(&page, "div.body h2", "id");
    assert_eq!(
        headings,
        [
            "h-main",
            "1",
            "h-item-1",
            "h-ledger-h",
            "h-main-1",
            "h-fn-1",
            "1-1"
        ]
    );
    // A table of contents made from the rendered headings links to the same ids.
    let r = pingyi::markdown::render(HEADINGS, false, &|_, p| {
        pingyi::markdown::LinkTarget::broken(p.to_string())
    });
    let toc: Vec<&str> = r.headings.iter().map(|h| h.1.as_str()).collect();
    assert_eq!(headings, toc);
    // Every `#` link of the page lands on an element, and a footnote link on its footnote.
    let by_id = |id: &str| {
        let sel = scraper::Selector::parse(&format!("[id=\"{id}\"]")).unwrap();
        page.select(&sel).next()
    };
    for href in attrs(&page, "[href^='#']", "href") {
        assert!(by_id(&href[1..]).is_some(), "{href} leads nowhere");
    }
    let refs = attrs(&page, "sup.footnote-reference a", "href");
    assert_eq!(refs, ["#fn-1", "#fn-1", "#fn-note-b"]);
    let target = by_id("fn-1").unwrap();
    assert_eq!(
        target.value().classes().collect::<Vec<_>>(),
        ["footnote-definition"]
    );
    assert!(target.text().collect::<String>().contains("第一条脚注"));
    // And back from the footnote to where it was cited.
    assert_eq!(
        attrs(&page, "sup.footnote-definition-label a", "href"),
        ["#fnref-1", "#fnref-note-b"]
    );
    assert!(
        !site
            .read("2024/rectifications/transport/index.html")
            .contains("重复的定义")
    );
}

#[test]
fn a_footnote_defined_twice_is_a_warning_at_the_second() {
    let site = with_notice("", HEADINGS);
    let warnings = notice_warnings(&site);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].location(), format!("{PLAN}:31:1"));
    assert_eq!(warnings[0].message, "脚注 [^1] 重复定义,只用第一个定义");
}

/// The ids the default theme's templates write: literal ones, and the literal beginning of
/// those made from data (`item-{{ loop.index }}`, `id={"g-" ~ g.kind}`).
fn theme_ids() -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut fixed, mut prefixes) = (BTreeSet::new(), BTreeSet::new());
    let dir = repo().join("themes/default/templates");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("id=") {
            // An attribute of its own, not `data-id=` or `aria-labelledby=`.
            if !text[..i].ends_with(|c: char| c.is_ascii_whitespace()) {
                continue;
            }
            let rest = &text[i + 3..];
            if let Some(value) = rest.strip_prefix('"') {
                let value = &value[..value.find('"').unwrap()];
                match value.find("{{") {
                    None => fixed.insert(value.to_string()),
                    // `{{ id }}`: the component's argument, read where it is called.
                    Some(0) => false,
                    Some(k) => prefixes.insert(value[..k].to_string()),
                };
            } else if let Some(expr) = rest.strip_prefix("{\"") {
                prefixes.insert(expr[..expr.find('"').unwrap()].to_string());
            } else {
                panic!(
                    "{}: an id this test cannot read: {}",
                    path.display(),
                    &rest[..40.min(rest.len())]
                );
            }
        }
    }
    (fixed, prefixes)
}

#[test]
fn every_id_the_theme_writes_is_kept_from_headings() {
    let (fixed, prefixes) = theme_ids();
    assert!(
        fixed.contains("main") && prefixes.contains("item-"),
        "{fixed:?} {prefixes:?}"
    );
    let listed: BTreeSet<String> = pingyi::anchors::THEME_IDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        fixed, listed,
        "the theme's ids and anchors::THEME_IDS differ"
    );
    let listed: BTreeSet<String> = pingyi::anchors::THEME_ID_PREFIXES
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        prefixes, listed,
        "the theme's id prefixes and anchors::THEME_ID_PREFIXES differ"
    );
    // A heading named like any of them is given another id.
    let taken = fixed
        .iter()
        .cloned()
        .chain(prefixes.iter().map(|p| format!("{p}x")));
    for id in taken {
        let r = pingyi::markdown::render(&format!("## 标题 {{#{id}}}\n"), false, &|_, p| {
            pingyi::markdown::LinkTarget::broken(p.to_string())
        });
        assert_eq!(r.headings[0].1, format!("h-{id}"), "{id}");
    }
}
