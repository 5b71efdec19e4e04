//! The review's record beyond notices: opinions (评议意见) and their numbered points,
//! investigations (调查报告) and their teams, a call for opinions' channels. Each rule with a
//! site that keeps it and one that breaks it; and the example site's pages against their
//! sources.

use crate::support::*;

const OPINION: &str = "---
title: 关于测试市住房和城乡建设局工作的评议意见
type: opinion
date: 2024-09-05
review: \"2024\"
department: housing
issued: 2024-09-03
reply_deadline: 2024-10-31
doc_number: 测人大常〔2024〕20号
points:
  - id: 1
    text: 保障房审核周期长。
  - id: 2
    text: 加装电梯推进慢，<b>协调</b>难。
---
常委会提出以下评议意见。
";

const INVESTIGATION: &str = "---
title: 关于测试市住房和城乡建设局工作情况的调查报告
type: investigation
date: 2024-07-20
review: \"2024\"
departments: [housing]
team:
  leader: 王立新
  members: 12
  deputies: 8
questionnaires: 5600
activities:
  - {date: 2024-05-12, kind: 视察, place: 城东片区老旧小区, note: 实地查看12个改造项目}
  - {date: 2024-05-20, kind: 座谈, place: 市住房和城乡建设局, note: 听取基层代表意见}
---
调查情况如下。
";

const CALL: &str = "---
title: 关于公开征集意见建议的公告
type: notice
date: 2024-03-01
review: \"2024\"
notice_kind: call_for_opinions
deadline: 2024-12-31
channels:
  - {kind: email, value: rd@example.gov.cn, note: 邮件主题请注明“工作评议”}
  - {kind: phone, value: 0000-1234567}
  - {kind: web, value: \"javascript:alert(1)\"}
  - {kind: web, value: \"https://rd.example.gov.cn/ly/?a=1&b=2\"}
  - {kind: mail, value: \"<script>alert(1)</script>测试市人民路1号\"}
received: 321
---
欢迎提出意见建议。
";

const OPINION_PATH: &str = "content/2024/opinions/housing.md";
const INVESTIGATION_PATH: &str = "content/2024/investigations/housing.md";
const CALL_PATH: &str = "content/2024/notices/call.md";

fn with_record() -> TestSite {
    TestSite::valid()
        .file(OPINION_PATH, OPINION)
        .file(INVESTIGATION_PATH, INVESTIGATION)
        .file(CALL_PATH, CALL)
}

/// The build's warnings, as `file:line: message`.
fn warnings(site: &TestSite) -> Vec<String> {
    let report = site
        .build()
        .unwrap_or_else(|e| panic!("build failed: {}", describe(&e)));
    report
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.location(), w.message))
        .collect()
}

/// The overdue item `TestSite::valid` carries is its one warning.
fn without_overdue(w: Vec<String>) -> Vec<String> {
    w.into_iter().filter(|w| !w.contains("已逾期")).collect()
}

#[test]
fn an_opinion_shows_its_department_dates_and_every_point_with_an_anchor() {
    let site = with_record();
    assert!(without_overdue(warnings(&site)).is_empty());
    let page = site.html("2024/opinions/housing/index.html");
    assert_eq!(attrs(&page, "ol.points > li", "id"), ["point-1", "point-2"]);
    assert_eq!(
        texts(&page, "ol.points .point-body p"),
        ["保障房审核周期长。", "加装电梯推进慢，<b>协调</b>难。"]
    );
    let facts = texts(&page, ".facts div").join(" ");
    assert!(facts.contains("交办日期2024年9月3日"), "{facts}");
    assert!(facts.contains("答复期限2024年10月31日"), "{facts}");
    assert_eq!(
        attrs(&page, ".doc-tags a", "href"),
        ["/departments/housing/"]
    );
    // Listed, on its department's and its review's pages.
    for list in [
        "opinions/index.html",
        "departments/housing/index.html",
        "reviews/2024/index.html",
    ] {
        let hrefs = attrs(&site.html(list), "a", "href");
        assert!(
            hrefs.iter().any(|h| h == "/2024/opinions/housing/"),
            "{list}: {hrefs:?}"
        );
    }
}

#[test]
fn issued_defaults_to_the_date() {
    let site = with_record()
        .file(OPINION_PATH, &OPINION.replace("issued: 2024-09-03\n", ""))
        .built();
    let facts = texts(&site.html("2024/opinions/housing/index.html"), ".facts div").join(" ");
    assert!(facts.contains("交办日期2024年9月5日"), "{facts}");
}

#[test]
fn a_point_id_used_twice_is_an_error_at_the_second() {
    let site = with_record().file(OPINION_PATH, &OPINION.replace("  - id: 2\n", "  - id: 1\n"));
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), format!("{OPINION_PATH}:13:1"));
    assert_eq!(errors[0].message, "评议意见的编号 id `1` 重复");
    assert!(errors[0].hint.as_deref().unwrap().contains("第 11 行"));
}

#[test]
fn an_opinion_without_its_department_or_points_names_both() {
    let text = OPINION.replace("department: housing\n", "");
    let text = &text[..text.find("points:").unwrap()];
    let site = with_record().file(OPINION_PATH, &format!("{text}---\n正文\n"));
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("department") && errors[0].message.contains("points"),
        "{}",
        errors[0].message
    );
}

#[test]
fn an_opinion_to_an_unknown_department_is_an_error() {
    let site = with_record().file(
        OPINION_PATH,
        &OPINION.replace("department: housing", "department: housin"),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), format!("{OPINION_PATH}:6:1"));
    assert_eq!(errors[0].message, "未知部门 `housin`");
}

#[test]
fn two_opinions_to_one_department_in_one_review_name_both_files() {
    let second = "content/2024/opinions/housing-again.md";
    let site = with_record().file(second, OPINION);
    let errors = site.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for e in &errors {
        assert!(
            e.message.contains(OPINION_PATH) && e.message.contains(second),
            "{}",
            e.message
        );
        assert!(e.location().ends_with(":6:1"), "{}", e.location());
    }
    // Another department's opinion in the same review is fine.
    with_record()
        .file(
            second,
            &OPINION.replace("department: housing", "department: transport"),
        )
        .built();
}

#[test]
fn an_investigation_shows_its_team_questionnaires_and_activities() {
    let site = with_record().built();
    let page = site.html("2024/investigations/housing/index.html");
    assert_eq!(
        texts(&page, ".facts dt"),
        ["调查组组长", "调查组人数", "其中人大代表", "问卷调查"]
    );
    assert_eq!(
        texts(&page, ".facts dd"),
        ["王立新", "12人", "8人", "5600份"]
    );
    assert_eq!(
        texts(&page, "table.activities tbody td.c-kind"),
        ["视察", "座谈"]
    );
    assert_eq!(
        attrs(&page, "table.activities time", "datetime"),
        ["2024-05-12", "2024-05-20"]
    );
    let hrefs = attrs(&site.html("investigations/index.html"), "a", "href");
    assert!(hrefs.iter().any(|h| h == "/2024/investigations/housing/"));
}

#[test]
fn more_deputies_than_members_is_an_error_at_deputies() {
    let site = with_record().file(
        INVESTIGATION_PATH,
        &INVESTIGATION.replace("deputies: 8", "deputies: 13"),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), format!("{INVESTIGATION_PATH}:10:1"));
    assert!(errors[0].message.contains("13"), "{}", errors[0].message);
}

#[test]
fn activities_out_of_date_order_are_a_warning_at_the_later_one() {
    let site = with_record().file(
        INVESTIGATION_PATH,
        &INVESTIGATION.replace("date: 2024-05-20", "date: 2024-05-01"),
    );
    let w = without_overdue(warnings(&site));
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].starts_with(&format!("{INVESTIGATION_PATH}:14:1: ")),
        "{}",
        w[0]
    );
    assert!(w[0].contains("2024-05-01"), "{}", w[0]);
}

#[test]
fn an_investigation_of_an_unknown_department_is_an_error() {
    let site = with_record().file(
        INVESTIGATION_PATH,
        &INVESTIGATION.replace("departments: [housing]", "departments: [housing, water]"),
    );
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), format!("{INVESTIGATION_PATH}:6:1"));
}

#[test]
fn channels_are_links_only_where_safe_and_everything_is_escaped() {
    let site = with_record().built();
    let html = site.read("2024/notices/call/index.html");
    let page = site.html("2024/notices/call/index.html");
    assert_eq!(
        attrs(&page, ".channels a", "href"),
        [
            "mailto:rd@example.gov.cn",
            "tel:00001234567",
            "https://rd.example.gov.cn/ly/?a=1&b=2"
        ]
    );
    assert_eq!(
        texts(&page, ".channel-kind"),
        ["电子邮件", "电话", "网上留言", "网上留言", "信函"]
    );
    // The script is text, not markup; the javascript: address is not a link.
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;")
    );
    assert!(!html.contains("href=\"javascript:"));
    assert!(texts(&page, ".channel-value")[2].contains("javascript:alert(1)"));
}

#[test]
fn opinions_received_are_shown_once_the_deadline_has_passed() {
    // Today is 2024-11-27: open until the end of the year.
    let open = with_record().built();
    let page = open.html("2024/notices/call/index.html");
    assert!(texts(&page, ".received").is_empty());
    assert!(!open.read("2024/notices/call/index.html").contains("321"));

    let closed = with_record()
        .file(
            CALL_PATH,
            &CALL.replace("deadline: 2024-12-31", "deadline: 2024-10-31"),
        )
        .built();
    let received = texts(&closed.html("2024/notices/call/index.html"), ".received").join("");
    assert!(received.contains("共收到群众意见建议 321 条"), "{received}");
}

#[test]
fn channels_on_a_notice_that_calls_for_no_opinions_are_a_warning_with_a_hint() {
    let site = with_record().file(
        CALL_PATH,
        &CALL.replace(
            "notice_kind: call_for_opinions",
            "notice_kind: announcement",
        ),
    );
    let report = site
        .build()
        .unwrap_or_else(|e| panic!("build failed: {}", describe(&e)));
    let w: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| !w.message.contains("已逾期"))
        .collect();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert_eq!(w[0].location(), format!("{CALL_PATH}:8:1"));
    assert!(w[0].message.contains("channels"), "{}", w[0].message);
    assert!(w[0].hint.as_deref().unwrap().contains("call_for_opinions"));
    assert!(w[1].message.contains("received"), "{}", w[1].message);
    // Not shown on the page.
    let page = site.html("2024/notices/call/index.html");
    assert!(texts(&page, ".channels").is_empty());
}

#[test]
fn a_channel_of_an_unknown_kind_lists_the_kinds() {
    let site = with_record().file(CALL_PATH, &CALL.replace("kind: phone", "kind: fax"));
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0]
            .location()
            .starts_with(&format!("{CALL_PATH}:10:"))
    );
    let all = format!(
        "{} {}",
        errors[0].message,
        errors[0].hint.clone().unwrap_or_default()
    );
    for kind in ["mail", "email", "phone", "web", "visit"] {
        assert!(all.contains(kind), "{all}");
    }
}

/// The front matter of a file of the example site, as YAML.
fn front_matter(rel: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    let yaml = text.split("---\n").nth(1).unwrap();
    serde_yaml::from_str(yaml).unwrap()
}

fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        other => panic!("not a scalar: {other:?}"),
    }
}

#[test]
fn the_example_sites_record_pages_show_what_their_sources_say() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let read = |rel: &str| {
        scraper::Html::parse_document(&std::fs::read_to_string(site.out().join(rel)).unwrap())
    };

    // Each opinion: exactly its points, in order, each with its anchor.
    for dept in ["housing", "transport"] {
        let source = front_matter(&format!("content/2025/opinions/{dept}.md"));
        let points = source["points"].as_sequence().unwrap();
        let page = read(&format!("2025/opinions/{dept}/index.html"));
        let ids: Vec<String> = points
            .iter()
            .map(|p| format!("point-{}", scalar(&p["id"])))
            .collect();
        let shown: Vec<String> = points.iter().map(|p| scalar(&p["text"])).collect();
        assert_eq!(attrs(&page, "ol.points > li", "id"), ids, "{dept}");
        assert_eq!(texts(&page, "ol.points .point-body p"), shown, "{dept}");
        assert_eq!(
            ids,
            (1..=ids.len())
                .map(|n| format!("point-{n}"))
                .collect::<Vec<_>>(),
            "{dept}: points numbered 1..n"
        );
    }

    // The investigation: its team's numbers from the source.
    let source = front_matter("content/2025/investigations/housing.md");
    let team = &source["team"];
    let page = read("2025/investigations/housing/index.html");
    assert_eq!(
        texts(&page, ".facts dd"),
        [
            scalar(&team["leader"]),
            format!("{}人", scalar(&team["members"])),
            format!("{}人", scalar(&team["deputies"])),
            format!("{}份", scalar(&source["questionnaires"])),
        ]
    );
    assert_eq!(
        texts(&page, "table.activities tbody tr").len(),
        source["activities"].as_sequence().unwrap().len()
    );

    // The call for opinions: its email and phone as links a reader can use, and the count.
    let source = front_matter("content/2025/notices/call-for-opinions.md");
    let page = read("2025/notices/call-for-opinions/index.html");
    let hrefs = attrs(&page, ".channels a", "href");
    for c in source["channels"].as_sequence().unwrap() {
        let value = scalar(&c["value"]);
        match scalar(&c["kind"]).as_str() {
            "email" => assert!(hrefs.contains(&format!("mailto:{value}")), "{hrefs:?}"),
            "phone" => {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                assert!(hrefs.contains(&format!("tel:{digits}")), "{hrefs:?}");
            }
            _ => {}
        }
    }
    let received = texts(&page, ".received").join("");
    assert!(
        received.contains(&scalar(&source["received"])),
        "{received}"
    );

    // The published announcement of the opinions keeps its URL and links to both.
    let notice = attrs(
        &read("2025/notices/review-opinions/index.html"),
        ".body a",
        "href",
    );
    assert_eq!(
        notice,
        ["/2025/opinions/housing/", "/2025/opinions/transport/"]
    );

    // Lists, and the search page's type filter.
    for (list, n) in [("opinions/index.html", 2), ("investigations/index.html", 1)] {
        let titles = texts(&read(list), ".doclist-title");
        assert_eq!(titles.len(), n, "{list}: {titles:?}");
    }
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("search/meta.json")).unwrap(),
    )
    .unwrap();
    let types: Vec<(u64, &str)> = meta["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["code"].as_u64().unwrap() & 0xFFFFF,
                t["label"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(types.contains(&(5, "评议意见")), "{types:?}");
    assert!(types.contains(&(6, "调查报告")), "{types:?}");
    // Open data carries the opinion's points and the investigation's team.
    let docs: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("data/2025/documents.json")).unwrap(),
    )
    .unwrap();
    let docs = docs.as_array().unwrap();
    let of_type = |t: &str| docs.iter().filter(|d| d["type"] == t).collect::<Vec<_>>();
    assert_eq!(of_type("opinion").len(), 2);
    assert_eq!(
        of_type("opinion")[0]["opinion"]["points"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        of_type("investigation")[0]["investigation"]["team"]["deputies"],
        8
    );
}
