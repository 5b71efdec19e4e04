//! A valid site builds into every page of the content model, each showing what a reader needs.

use crate::support::*;

#[test]
fn every_url_of_the_content_model_is_built() {
    let site = TestSite::valid()
        .file(
            "content/about.md",
            "---\ntitle: 关于本站\ntype: page\n---\n本站介绍。\n",
        )
        .built();
    for path in [
        "index.html",
        "404.html",
        "2024/speeches/mobilization/index.html",
        "2024/notices/plan/index.html",
        "2024/rectifications/transport/index.html",
        "reviews/index.html",
        "reviews/2024/index.html",
        "speeches/index.html",
        "notices/index.html",
        "rectifications/index.html",
        "departments/index.html",
        "departments/housing/index.html",
        "departments/transport/index.html",
        "rectification-tracker/index.html",
        "archive/index.html",
        "archive/2024/index.html",
        "tags/index.html",
        "tags/gong-zuo-ping-yi/index.html",
        "about/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/2024/items.json",
        "data/2024/items.csv",
        "assets/site.css",
    ] {
        assert!(site.out().join(path).is_file(), "{path} missing");
    }
}

#[test]
fn document_page_shows_disclosure_fields_it_has_and_no_others() {
    let site = TestSite::valid().built();
    let notice = site.html("2024/notices/plan/index.html");
    let terms = texts(&notice, ".disclosure dt");
    assert_eq!(
        terms,
        ["索引号", "发布机构", "文号", "成文日期", "发布日期"]
    );
    let values = texts(&notice, ".disclosure dd");
    assert_eq!(values[2], "测人大常〔2024〕3号");
    assert_eq!(values[3], "2024-02-08");
    assert_eq!(
        attrs(&notice, "meta[name=ArticleTitle]", "content"),
        ["关于开展2024年度工作评议的实施方案"]
    );
    assert_eq!(
        attrs(&notice, "meta[name=PubDate]", "content"),
        ["2024-02-10"]
    );
    assert_eq!(
        attrs(&notice, "meta[name=SiteIDCode]", "content"),
        ["1234567890"]
    );

    let speech = site.html("2024/speeches/mobilization/index.html");
    let head = texts(&speech, ".speech-head").join("");
    assert!(
        head.contains("市人大常委会主任")
            && head.contains("李明华")
            && head.contains("工作评议动员会")
    );
    assert_eq!(texts(&speech, ".disclosure dt"), ["发布日期", "主题分类"]);
    assert!(
        speech.html().contains("2024年2月20日"),
        "Chinese date in running text"
    );
}

#[test]
fn links_between_sources_become_urls() {
    let site = TestSite::valid().built();
    let speech = site.html("2024/speeches/mobilization/index.html");
    assert!(attrs(&speech, ".body a", "href").contains(&"/2024/notices/plan/".to_string()));
    assert_eq!(attrs(&speech, ".body h2", "id"), ["一提高认识"]);
}

#[test]
fn ledger_shows_status_labels_and_flags_overdue_items() {
    let site = TestSite::valid().built();
    let page = site.html("2024/rectifications/transport/index.html");
    let rows = texts(&page, "table.ledger tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("整改中") && rows[0].contains("逾期"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("已销号")
            && rows[1].contains("2024-10-15")
            && rows[1].contains("开展专项整治")
    );
    assert!(!rows[1].contains("逾期"));
    assert_eq!(attrs(&page, "progress", "value"), ["1"]);
}

#[test]
fn overdue_is_judged_against_today() {
    let site = TestSite::valid();
    let mut opts = TestSite::options();
    // Before the deadline; `drafts` also shows documents dated after "today".
    opts.today = Some(pingyi::Date::parse("2024-06-01").unwrap());
    opts.drafts = true;
    let report = pingyi::build(site.root(), &site.out(), &opts).unwrap();
    assert!(report.warnings.is_empty());
    assert!(
        !site
            .read("2024/rectifications/transport/index.html")
            .contains("badge-overdue")
    );

    let report = site.build().unwrap();
    assert_eq!(report.warnings.len(), 1);
    let w = &report.warnings[0];
    assert!(w.message.contains("已逾期"));
    assert_eq!(
        w.location(),
        "content/2024/rectifications/transport.md:13:1"
    );
}

#[test]
fn review_page_marks_the_current_stage_and_every_vote_round() {
    let site = TestSite::valid().built();
    let page = site.html("reviews/2024/index.html");
    let current = texts(&page, ".stage-current strong");
    assert_eq!(current, ["整改落实"]);
    let rounds = texts(&page, "table.votes tbody tr");
    assert_eq!(rounds.len(), 2);
    assert!(rounds[0].contains("第1轮") && rounds[0].contains("不满意"));
    assert!(rounds[1].contains("第2轮") && rounds[1].contains("基本满意"));
    let groups = texts(&page, ".body ~ section h2, article section h2");
    assert!(groups.iter().any(|g| g == "领导讲话"), "{groups:?}");

    let home = site.html("index.html");
    assert_eq!(
        texts(&home, ".current-review .stage-current strong"),
        ["整改落实"]
    );
}

#[test]
fn department_and_tracker_pages_list_the_ledger() {
    let site = TestSite::valid()
        .file(
            "content/2024/rectifications/housing.md",
            &RECTIFICATION
                .replace("department: transport", "department: housing")
                .replace("交通运输局", "住房和城乡建设局")
                .replace("deadline: 2024-06-30", "deadline: 2025-06-30"),
        )
        .built();
    let dept = site.html("departments/transport/index.html");
    assert_eq!(texts(&dept, "table.ledger tbody tr").len(), 2);
    assert!(texts(&dept, "h2").iter().any(|h| h == "整改公告"));

    let tracker = site.html("rectification-tracker/index.html");
    let rows = texts(&tracker, "table.ledger tbody tr");
    assert_eq!(rows.len(), 4);
    assert!(rows[0].contains("逾期"), "overdue first: {}", rows[0]);
    // Then by department in site.yaml order (housing before transport), open before closed.
    assert!(rows[1].contains("住房和城乡建设局") && rows[1].contains("整改中"));
    assert!(rows[2].contains("住房和城乡建设局") && rows[2].contains("已销号"));
    assert!(rows[3].contains("交通运输局"));
}

#[test]
fn lists_are_paginated_twenty_a_page() {
    let mut site = TestSite::valid();
    for i in 0..24 {
        site = site.file(
            &format!("content/2024/notices/n{i:02}.md"),
            &format!("---\ntitle: 通知{i:02}\ntype: notice\ndate: 2024-03-{:02}\nreview: \"2024\"\ntags: [批量]\n---\n正文\n", i + 1),
        );
    }
    let site = site.built();
    let first = site.html("notices/index.html");
    assert_eq!(texts(&first, ".doclist li").len(), 20);
    assert_eq!(texts(&first, ".doclist li a")[0], "通知23", "newest first");
    let second = site.html("notices/page/2/index.html");
    assert_eq!(texts(&second, ".doclist li").len(), 5);
    assert_eq!(attrs(&second, ".pager a[rel=prev]", "href"), ["/notices/"]);
    // Tag pages are paginated the same way.
    assert_eq!(
        texts(&site.html("tags/pi-liang/index.html"), ".doclist li").len(),
        20
    );
    assert_eq!(
        texts(&site.html("tags/pi-liang/page/2/index.html"), ".doclist li").len(),
        4
    );
}

#[test]
fn drafts_and_scheduled_documents_wait() {
    let site = TestSite::valid()
        .file("content/2024/notices/draft.md", "---\ntitle: 草稿\ntype: notice\ndate: 2024-03-01\nreview: \"2024\"\ndraft: true\n---\n")
        .file("content/2024/notices/later.md", "---\ntitle: 定时\ntype: notice\ndate: 2024-12-25\nreview: \"2024\"\n---\n")
        .built();
    assert!(!site.out().join("2024/notices/draft").exists());
    assert!(!site.out().join("2024/notices/later").exists());
    assert!(!site.read("sitemap.xml").contains("draft"));

    let mut opts = TestSite::options();
    opts.drafts = true;
    pingyi::build(site.root(), &site.out(), &opts).unwrap();
    assert!(site.out().join("2024/notices/draft/index.html").is_file());
    assert!(site.out().join("2024/notices/later/index.html").is_file());
}

#[test]
fn builds_are_byte_identical() {
    let site = TestSite::example();
    site.build().unwrap();
    let first = snapshot(&site.out());
    site.build().unwrap();
    assert_eq!(first, snapshot(&site.out()));
}

#[test]
fn site_templates_override_the_theme_per_file() {
    let site = TestSite::valid()
        .file("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>自定义404</h1>{% endblock content %}")
        .file("static/assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .built();
    assert!(site.read("404.html").contains("自定义404"));
    assert!(
        site.read("index.html")
            .contains("测试市人大常委会工作评议公开网"),
        "other templates from the theme"
    );
    assert!(site.out().join("assets/logo.svg").is_file());
    assert!(site.out().join("assets/site.css").is_file());
}

#[test]
fn attachments_are_copied_next_to_their_page() {
    let site = TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace(
                "---\n方案",
                "attachments:\n  - {title: 实施方案全文, file: files/plan.pdf}\n---\n方案",
            ),
        )
        .bytes("content/2024/notices/files/plan.pdf", b"%PDF-1.4 test")
        .built();
    assert_eq!(
        std::fs::read(site.out().join("2024/notices/plan/plan.pdf")).unwrap(),
        b"%PDF-1.4 test"
    );
    let page = site.html("2024/notices/plan/index.html");
    assert_eq!(
        attrs(&page, ".attachments a", "href"),
        ["/2024/notices/plan/plan.pdf"]
    );
    assert!(texts(&page, ".attachments li")[0].contains("PDF"));
}

#[test]
fn feed_sitemap_robots_and_open_data() {
    let site = TestSite::valid().built();
    let feed = site.read("feed.xml");
    assert!(feed.starts_with("<?xml"));
    assert_eq!(feed.matches("<entry>").count(), 4);
    assert!(feed.contains("<id>https://rd.example.gov.cn/2024/rectifications/transport/</id>"));
    assert!(feed.contains("<updated>2024-11-01T00:00:00+08:00</updated>"));

    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://rd.example.gov.cn/2024/speeches/mobilization/</loc><lastmod>2024-02-20</lastmod>"));
    assert!(!sitemap.contains("404"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://rd.example.gov.cn/sitemap.xml")
    );

    let json: serde_json::Value = serde_json::from_str(&site.read("data/2024/items.json")).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["department"], "transport");
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[1]["completed"], "2024-10-15");
    let csv = std::fs::read(site.out().join("data/2024/items.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.lines().nth(1).unwrap().contains("是"));
}

#[test]
fn a_base_url_with_a_path_prefixes_every_link() {
    let site = TestSite::valid();
    let mut opts = TestSite::options();
    opts.base_url = Some("https://www.example.gov.cn/rdpy/".into());
    pingyi::build(site.root(), &site.out(), &opts).unwrap();
    let home = site.html("index.html");
    for href in attrs(&home, "a", "href") {
        assert!(
            href.starts_with("/rdpy/")
                || href.starts_with('#')
                || href.starts_with("https://")
                || href.starts_with("mailto:"),
            "{href}"
        );
    }
    let speech = site.html("2024/speeches/mobilization/index.html");
    assert!(attrs(&speech, ".body a", "href").contains(&"/rdpy/2024/notices/plan/".to_string()));
}

#[test]
fn chinese_file_names_get_pinyin_urls() {
    let site = TestSite::valid()
        .file(
            "content/关于本站.md",
            "---\ntitle: 关于本站\ntype: page\n---\n",
        )
        .built();
    assert!(site.out().join("guan-yu-ben-zhan/index.html").is_file());
}

#[test]
fn rectification_page_shows_the_vote_of_its_own_round() {
    // Round 1 was voted 不满意, round 2 基本满意: the round-1 report shows round 1 alone.
    let site = TestSite::valid()
        .file(
            "content/2024/rectifications/transport-2.md",
            &RECTIFICATION
                .replace("round: 1", "round: 2")
                .replace("date: 2024-11-01", "date: 2024-11-20"),
        )
        .built();
    let page = site.html("2024/rectifications/transport/index.html");
    // The text table, for screen readers, has its round…
    let rounds = texts(&page, ".votes-section table.votes tbody tr");
    assert_eq!(rounds.len(), 1, "{rounds:?}");
    assert!(rounds[0].contains("第1轮") && rounds[0].contains("不满意"));
    // …and the chart draws it as three segments in inline SVG.
    assert_eq!(texts(&page, ".vote-row").len(), 1);
    assert_eq!(attrs(&page, ".vote-row svg rect.seg-s", "width"), ["25.0%"]);
    // Its round's verdict heads the page, not the later round's.
    assert_eq!(texts(&page, ".doc-tags .verdict"), ["不满意"]);

    let page = site.html("2024/rectifications/transport-2/index.html");
    assert_eq!(texts(&page, ".doc-tags .verdict"), ["基本满意"]);
    let rounds = texts(&page, ".votes-section table.votes tbody tr");
    assert_eq!(rounds.len(), 1, "{rounds:?}");
    assert!(rounds[0].contains("第2轮") && rounds[0].contains("基本满意"));

    // A round not voted on yet says so, and gets no chart.
    let site = TestSite::valid()
        .file(
            "content/2024/rectifications/housing.md",
            &RECTIFICATION
                .replace("department: transport", "department: housing")
                .replace("交通运输局", "住房和城乡建设局"),
        )
        .built();
    let page = site.html("2024/rectifications/housing/index.html");
    assert!(texts(&page, ".votes-section").is_empty());
    assert!(texts(&page, ".doc-tags .verdict").is_empty());
    assert_eq!(texts(&page, ".doc-tags .pending"), ["本轮尚未测评"]);
}

#[test]
fn a_vote_published_without_counts_shows_its_verdict_alone_and_its_meeting_escaped() {
    let review = REVIEW.replace(
        "  - {department: transport, round: 1, satisfied: 10, basically_satisfied: 12, unsatisfied: 18, verdict: 不满意}\n",
        "  - {department: transport, round: 1, meeting: \"<b>第5次</b>会议\", date: 2024-10-29, verdict: 不满意}\n",
    );
    let site = TestSite::valid()
        .file("content/2024/review.md", &review)
        .built();
    let page = site.html("2024/rectifications/transport/index.html");
    assert_eq!(texts(&page, ".doc-tags .verdict"), ["不满意"]);
    assert_eq!(texts(&page, ".vote-row .pending"), ["未公布票数"]);
    let rounds = texts(&page, "table.votes tbody tr");
    assert_eq!(rounds.len(), 1);
    assert!(
        rounds[0].contains("未公布") && rounds[0].contains("不满意"),
        "{rounds:?}"
    );

    let html = site.read("reviews/2024/index.html");
    assert!(
        html.contains("<td>&lt;b&gt;第5次&lt;/b&gt;会议</td>"),
        "the meeting is escaped"
    );
    assert!(!html.contains("<b>第5次"));
    let page = scraper::Html::parse_document(&html);
    let rows = texts(&page, "table.vote-results tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("<b>第5次</b>会议") && rows[0].contains("2024年10月29日"),
        "{rows:?}"
    );
    assert!(
        rows[0].contains("—") && rows[0].contains("不满意"),
        "{rows:?}"
    );
}

#[test]
fn the_timeline_fills_each_stage_as_far_as_today() {
    let site = TestSite::valid().built();
    let page = site.html("reviews/2024/index.html");
    // Today is 2024-11-27: three stages are over, 57 of the last stage's 91 days have passed.
    assert_eq!(
        attrs(&page, ".stages .stage-done .fill", "width"),
        ["100%", "100%", "100%"]
    );
    assert_eq!(
        attrs(&page, ".stages .stage-current .fill", "width"),
        ["62%"]
    );
    assert_eq!(
        attrs(&page, ".stages [aria-current=step] .stage-name", "class").len(),
        1
    );
}

#[test]
fn theme_furniture_works_without_script_and_the_gov_badge_is_opt_in() {
    let site = TestSite::valid().built();
    let home = site.html("index.html");
    // The only script is the theme's own, and what it drives is hidden until it runs. Each
    // asset's address carries a fingerprint of the bytes published, so a server may let
    // browsers keep it and a changed file is fetched anew.
    let versioned = |path: &str| {
        let bytes = std::fs::read(site.out().join(path)).unwrap();
        format!("/{path}?v={}", &blake3::hash(&bytes).to_hex()[..10])
    };
    assert_eq!(attrs(&home, "script", "src"), [versioned("assets/site.js")]);
    assert_eq!(attrs(&home, "[data-reader-tools]", "hidden"), [""]);
    assert_eq!(
        attrs(&home, "link[rel=stylesheet]", "href"),
        [versioned("assets/site.css"), versioned("assets/print.css")]
    );
    assert!(site.out().join("assets/site.js").is_file());
    assert!(site.out().join("assets/print.css").is_file());
    assert!(texts(&home, ".gov-badge").is_empty());
    assert_eq!(attrs(&home, "a.skip", "href"), ["#main"]);

    // A static image with its link, for sites whose readers have no internet access.
    let site = TestSite::valid()
        .file(
            "site.yaml",
            &format!(
                "{SITE_YAML}gov_badge: {{image: assets/conac.png, link: \"https://bszs.conac.cn/\"}}\n"
            ),
        )
        .built();
    let home = site.html("404.html");
    assert_eq!(attrs(&home, ".gov-badge img", "src"), ["/assets/conac.png"]);
    assert_eq!(
        attrs(&home, ".gov-badge a", "href"),
        ["https://bszs.conac.cn/"]
    );

    // The official script, where the site configures it.
    let site = TestSite::valid()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}gov_badge: {{script: \"https://dcs.conac.cn/js/x.js\"}}\n"),
        )
        .built();
    let home = site.html("index.html");
    assert_eq!(
        attrs(&home, ".gov-badge script", "src"),
        ["https://dcs.conac.cn/js/x.js"]
    );
}

#[test]
fn the_tracker_is_paginated_most_urgent_first() {
    let mut items = String::new();
    for i in 0..120 {
        // Every tenth item is overdue; the rest are open with a later deadline.
        let deadline = if i % 10 == 0 {
            "2024-06-30"
        } else {
            "2025-06-30"
        };
        items.push_str(&format!(
            "  - {{id: \"{i}\", problem: 问题{i}, measures: 措施, responsible: 科室, deadline: {deadline}, status: in_progress}}\n"
        ));
    }
    let text = format!(
        "---\ntitle: 大台账\ntype: rectification\ndate: 2024-11-01\nreview: \"2024\"\ndepartment: housing\nitems:\n{items}---\n"
    );
    let site = TestSite::valid()
        .file("content/2024/rectifications/big.md", &text)
        .built();
    let first = site.html("rectification-tracker/index.html");
    let rows = texts(&first, "table.ledger tbody tr");
    assert_eq!(rows.len(), 100);
    // 12 overdue items of the big ledger and 1 of the transport one come first.
    assert!(
        rows[..13].iter().all(|r| r.contains("逾期")),
        "{:?}",
        &rows[..13]
    );
    assert!(!rows[13].contains("逾期"));
    let second = site.html("rectification-tracker/page/2/index.html");
    assert_eq!(texts(&second, "table.ledger tbody tr").len(), 22);
    assert!(
        site.read("sitemap.xml")
            .contains("/rectification-tracker/page/2/")
    );
    // A department's ledger is paginated the same way; the overview is on its first page.
    let dept = site.html("departments/housing/index.html");
    assert_eq!(texts(&dept, "table.ledger tbody tr").len(), 100);
    assert!(dept.html().contains("参加的评议"));
    let dept2 = site.html("departments/housing/page/2/index.html");
    assert_eq!(texts(&dept2, "table.ledger tbody tr").len(), 20);
    assert!(!dept2.html().contains("参加的评议"));
}
