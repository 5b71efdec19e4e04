//! The ledger as a record across reports, checked on the example site against its sources: an
//! item keeps its id through a department's plan and reports, the tracker shows it once in its
//! latest state and links every report that carried it, an approved extension moves the
//! deadline in force, an earlier report never calls an item overdue that a later one carried
//! on, and the home page counts what earlier reviews left open.

use std::collections::BTreeMap;

use pingyi::document::{Details, Item, Phase, Status};
use pingyi::{Date, Document};

use crate::support::*;

/// One report's facts: (source, title, round, phase, date).
type Report = (String, String, u32, Phase, Option<Date>);

/// Every item of the example's rectifications by (review, department, id): each report that
/// carried it with its state there, oldest first by the record model's order.
fn items_from_sources() -> BTreeMap<(String, String, String), Vec<(Report, Item)>> {
    let mut all: BTreeMap<_, Vec<(Report, Item)>> = BTreeMap::new();
    for e in walkdir::WalkDir::new(repo().join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = e.path().strip_prefix(repo()).unwrap();
        let doc = Document::parse(rel, &std::fs::read_to_string(e.path()).unwrap()).unwrap();
        let Details::Rectification(r) = &doc.details else {
            continue;
        };
        if doc.draft {
            continue;
        }
        for item in &r.items {
            let key = (
                doc.review.clone().unwrap(),
                r.department.clone(),
                item.id.clone(),
            );
            let report = (
                rel.display().to_string(),
                doc.title.clone(),
                r.round,
                r.phase,
                doc.date,
            );
            all.entry(key).or_default().push((report, item.clone()));
        }
    }
    for seen in all.values_mut() {
        seen.sort_by_key(|(r, _)| (r.2, r.3, r.4));
    }
    all
}

fn today() -> Date {
    TestSite::example_options().today.unwrap()
}

#[test]
fn the_tracker_shows_each_item_once_in_its_latest_state_with_every_report() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let html = site.html("rectification-tracker/index.html");
    let sources = items_from_sources();
    let config = pingyi::Config::load(site.root()).unwrap();

    let rows = scraper::Selector::parse("table.ledger tbody tr").unwrap();
    let cell = |row: scraper::ElementRef<'_>, class: &str| {
        let sel = scraper::Selector::parse(&format!("td.{class}")).unwrap();
        row.select(&sel)
            .next()
            .map(|c| c.text().collect::<String>())
            .unwrap_or_default()
    };
    let shown: Vec<_> = html.select(&rows).collect();
    assert_eq!(shown.len(), sources.len(), "each item once");
    let mut carried_by_three = false;
    for ((_, dept, id), seen) in &sources {
        let d = config.departments.iter().find(|d| &d.id == dept).unwrap();
        let number = format!("{}-{id}", d.short_name.as_deref().unwrap_or(&d.name));
        // Within one department an item id repeats only across reviews.
        let candidates: Vec<_> = shown
            .iter()
            .filter(|r| cell(**r, "c-id") == number)
            .filter(|r| {
                seen.iter()
                    .all(|(rep, _)| cell(**r, "c-src").contains(&rep.1))
            })
            .collect();
        assert_eq!(candidates.len(), 1, "{number}: {seen:#?}");
        let row = *candidates[0];
        let (latest_report, latest) = seen.last().unwrap();
        let status = row.value().attr("class").unwrap();
        assert!(
            status.contains(&format!("row-{}", latest.status.name())),
            "{number}: {status}"
        );
        assert_eq!(
            status.contains("is-overdue"),
            latest.is_overdue(today()),
            "{number}"
        );
        // The deadline in force first, the original beside it when extended.
        let deadline = cell(row, "c-date");
        match latest.deadline_in_force() {
            Some(d) => assert!(deadline.starts_with(&d.to_string()), "{number}: {deadline}"),
            None => assert_eq!(latest.status, Status::Ongoing),
        }
        if let Some(e) = latest.extensions.last() {
            let original = latest.deadline.unwrap().to_string();
            assert!(deadline.contains(&format!("原定 {original}")), "{deadline}");
            assert!(deadline.contains(&format!("批准延期至 {}", e.deadline)));
        }
        // The latest report first, then every report that carried it.
        let src = cell(row, "c-src");
        assert!(src.contains(&latest_report.1), "{number}: {src}");
        if seen.len() > 1 {
            let history = src
                .split("历次报告：")
                .nth(1)
                .unwrap_or_default()
                .to_string();
            for (r, _) in seen {
                assert!(history.contains(&r.1), "{number}: {src}");
            }
            carried_by_three |= seen.len() == 3;
        }
    }
    assert!(
        carried_by_three,
        "the example carries an item through a plan and two reports"
    );

    // The tally counts each item once, as it now stands.
    let latest: Vec<&Item> = sources.values().map(|s| &s.last().unwrap().1).collect();
    let count = |s: Status| latest.iter().filter(|i| i.status == s).count();
    let stats = texts(&html, ".stats dd");
    assert_eq!(stats[0], format!("{}项", latest.len()));
    assert_eq!(stats[1], format!("{}项", count(Status::Done)));
    let overdue = latest.iter().filter(|i| i.is_overdue(today())).count();
    assert_eq!(stats[4], format!("{overdue}项"));
    assert_eq!(stats[5], format!("{}项", count(Status::Ongoing)));
}

#[test]
fn an_earlier_report_points_to_where_its_items_now_stand() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let sources = items_from_sources();
    let page = site.html("2025/rectifications/transport-round-1/index.html");
    let rows = scraper::Selector::parse("table.ledger tbody tr").unwrap();
    let mut pointed = 0;
    for row in page.select(&rows) {
        let id: String = row
            .select(&scraper::Selector::parse("td.c-id").unwrap())
            .next()
            .unwrap()
            .text()
            .collect();
        let seen = &sources[&("2025".to_string(), "transport".to_string(), id.clone())];
        let (latest_report, latest) = seen.last().unwrap();
        let here = seen
            .iter()
            .find(|(r, _)| r.0.ends_with("transport-round-1.md"))
            .unwrap();
        let text: String = row.text().collect();
        // Overdue only where the item now stands.
        assert_eq!(
            row.value().attr("class").unwrap().contains("is-overdue"),
            here.0 == *latest_report && latest.is_overdue(today()),
            "{id}"
        );
        if here.0 != *latest_report {
            assert!(
                text.contains(&format!("最新进展见{}", latest_report.1)),
                "{id}: {text}"
            );
            pointed += 1;
        }
        // The page shows the item as this report stated it.
        assert!(text.contains(here.1.status.label()), "{id}: {text}");
    }
    assert_eq!(pointed, 4, "all four items went on into the round-2 report");
    let plan = site.read("2025/rectifications/transport-plan/index.html");
    assert!(plan.contains("第1轮整改 · 整改方案"));
    let report = site.read("2025/rectifications/transport-round-2/index.html");
    assert!(report.contains("第2轮整改 · 整改情况报告"));
}

#[test]
fn the_home_page_counts_what_earlier_reviews_left_open() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let sources = items_from_sources();
    // The current review of the example is 2026's.
    let open: Vec<&Item> = sources
        .iter()
        .filter(|((review, _, _), _)| review.as_str() < "2026")
        .map(|(_, s)| &s.last().unwrap().1)
        .filter(|i| matches!(i.status, Status::Registered | Status::InProgress))
        .collect();
    let overdue = open.iter().filter(|i| i.is_overdue(today())).count();
    assert!(!open.is_empty() && overdue > 0, "the example has both");
    let home = site.html("index.html");
    let figure = texts(&home, ".cr-figures .carried-over dd");
    assert_eq!(
        figure,
        [format!("{}项，逾期 {overdue} 项", open.len())],
        "{open:#?}"
    );
    // The figure links the page that lists them: those items and no other, overdue first.
    let link = attrs(&home, ".cr-figures .carried-over dd a", "href");
    assert_eq!(link, ["/rectification-tracker/carried-over/"]);
    let listed = site.html("rectification-tracker/carried-over/index.html");
    let problems = texts(&listed, "table.ledger tbody td.c-problem");
    assert_eq!(problems.len(), open.len(), "{problems:#?}");
    for item in &open {
        assert!(
            problems.iter().any(|p| p.starts_with(&item.problem)),
            "{} not listed",
            item.problem
        );
    }
    let overdue_rows = listed
        .select(&scraper::Selector::parse("table.ledger tbody tr").unwrap())
        .map(|tr| tr.value().classes().any(|c| c == "is-overdue"))
        .collect::<Vec<_>>();
    assert_eq!(overdue_rows.iter().filter(|o| **o).count(), overdue);
    assert!(
        overdue_rows.is_sorted_by(|a, b| a >= b),
        "overdue first: {overdue_rows:?}"
    );
    assert_eq!(texts(&listed, "h1"), ["往年未完成的整改事项"]);
}

/// An item's own rules, each as an editor would break it.
#[test]
fn ledger_items_that_break_the_rules_are_named_on_their_line() {
    let item = |extra: &str| {
        format!(
            "---\ntitle: 整改情况报告\ntype: rectification\ndate: 2024-10-01\nreview: \"2024\"\ndepartment: transport\nitems:\n  - id: \"1\"\n    problem: 问题\n    measures: 措施\n    responsible: 科室\n{extra}---\n正文\n"
        )
    };
    let cases = [
        ("    status: in_progress\n", "缺少整改时限 deadline", 8),
        (
            "    deadline: 2024-09-30\n    status: in_progress\n    verified: {by: 城建环资工委, date: 2024-09-30}\n",
            "不应填写销号核验 verified",
            14,
        ),
        (
            "    deadline: 2024-09-30\n    status: done\n    completed: 2024-09-20\n    verified: {by: 城建环资工委, date: 2024-09-10}\n",
            "核验日期 2024-09-10 早于完成日期 2024-09-20",
            15,
        ),
        (
            "    deadline: 2024-09-30\n    extensions:\n      - {approved: 2024-09-01, deadline: 2024-12-31}\n      - {approved: 2024-11-01, deadline: 2024-12-01}\n    status: in_progress\n",
            "延期时限 2024-12-01 不晚于此前的时限 2024-12-31",
            13,
        ),
    ];
    for (extra, message, line) in cases {
        let site = TestSite::valid().file("content/2024/rectifications/transport.md", &item(extra));
        let errors = site.errors();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].message.contains(message),
            "{:?}",
            errors[0].message
        );
        assert_eq!(errors[0].line, Some(line), "{message}");
    }
    // The same items written right build: an ongoing measure needs no deadline, a verified
    // 销号 on its day, extensions moving later.
    for extra in [
        "    status: ongoing\n",
        "    deadline: 2024-09-30\n    status: done\n    completed: 2024-09-20\n    verified: {by: 城建环资工委, date: 2024-09-20}\n",
        "    deadline: 2024-09-30\n    extensions:\n      - {approved: 2024-09-01, deadline: 2024-12-31}\n    status: in_progress\n",
    ] {
        TestSite::valid()
            .file("content/2024/rectifications/transport.md", &item(extra))
            .built();
    }
}

/// An extension in force keeps an item from being overdue; an ongoing measure never is.
#[test]
fn the_deadline_in_force_decides_overdue() {
    let item = |extra: &str| {
        format!(
            "---\ntitle: 整改情况报告\ntype: rectification\ndate: 2024-10-01\nreview: \"2024\"\ndepartment: transport\nitems:\n  - id: \"1\"\n    problem: 问题\n    measures: 措施\n    responsible: 科室\n{extra}---\n正文\n"
        )
    };
    let overdue = |extra: &str| {
        let site = TestSite::valid()
            .file("content/2024/rectifications/transport.md", &item(extra))
            .built();
        let page = site.read("2024/rectifications/transport/index.html");
        page.contains("is-overdue")
    };
    // Today is 2024-11-27 for these sites.
    assert!(overdue(
        "    deadline: 2024-09-30\n    status: in_progress\n"
    ));
    assert!(!overdue(
        "    deadline: 2024-09-30\n    extensions:\n      - {approved: 2024-09-20, deadline: 2025-03-31}\n    status: in_progress\n"
    ));
    assert!(overdue(
        "    deadline: 2024-06-30\n    extensions:\n      - {approved: 2024-06-20, deadline: 2024-09-30}\n    status: in_progress\n"
    ));
    assert!(!overdue("    status: ongoing\n"));
}

/// A 销号 dated before the review's year is most likely a typo in the year: a warning on its
/// line, and the site still builds.
#[test]
fn an_item_closed_before_its_review_year_is_questioned() {
    let text = |completed: &str| {
        format!(
            "---\ntitle: 整改情况报告\ntype: rectification\ndate: 2024-10-01\nreview: \"2024\"\ndepartment: transport\nitems:\n  - id: \"1\"\n    problem: 问题\n    measures: 措施\n    responsible: 科室\n    deadline: 2024-09-30\n    status: done\n    completed: {completed}\n---\n正文\n"
        )
    };
    let warnings = |completed: &str| {
        let site =
            TestSite::valid().file("content/2024/rectifications/transport.md", &text(completed));
        let report = site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
        report
            .warnings
            .iter()
            .filter(|w| w.message.contains("早于评议年度"))
            .map(|w| (w.message.clone(), w.line))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        warnings("2023-12-20"),
        [(
            "整改事项 1 的完成日期 completed: 2023-12-20 早于评议年度 2024".to_string(),
            Some(14)
        )]
    );
    assert!(warnings("2024-01-02").is_empty());
}

/// The department page shows its way through a review as the record has it: its opinion, each
/// plan and report of each round, oldest first, each round's vote after its report, and where it
/// stands after the last step; the review page gives that last sentence.
#[test]
fn a_department_page_shows_the_chain_round_by_round() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let review_src = std::fs::read_to_string(repo().join("content/2025/review.md")).unwrap();
    let review =
        Document::parse(std::path::Path::new("content/2025/review.md"), &review_src).unwrap();
    let Details::Review(r) = &review.details else {
        panic!("a review")
    };
    let votes: Vec<_> = r
        .results
        .iter()
        .filter(|v| v.department == "transport")
        .collect();
    // The reports, from the sources.
    let mut reports: Vec<(u32, Phase, Option<Date>, String)> = Vec::new();
    for e in std::fs::read_dir(repo().join("content/2025/rectifications")).unwrap() {
        let path = e.unwrap().path();
        let rel = path.strip_prefix(repo()).unwrap().to_path_buf();
        let doc = Document::parse(&rel, &std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Details::Rectification(x) = &doc.details
            && x.department == "transport"
        {
            reports.push((x.round, x.phase, doc.date, doc.title.clone()));
        }
    }
    reports.sort();
    let mut expected = Vec::new();
    // The chain begins with the opinion to the department.
    for e in std::fs::read_dir(repo().join("content/2025/opinions")).unwrap() {
        let path = e.unwrap().path();
        let rel = path.strip_prefix(repo()).unwrap().to_path_buf();
        let doc = Document::parse(&rel, &std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Details::Opinion(o) = &doc.details
            && o.department == "transport"
        {
            expected.push(format!("评议意见|{}", doc.title));
        }
    }
    assert_eq!(expected.len(), 1, "the example has transport's opinion");
    let last_round = votes.iter().map(|v| v.round).max().unwrap();
    for round in 1..=last_round {
        for (_, phase, _, title) in reports.iter().filter(|x| x.0 == round) {
            expected.push(format!("第{round}轮{}|{title}", phase.label()));
        }
        for v in votes.iter().filter(|v| v.round == round) {
            expected.push(format!("第{round}轮满意度测评|{}", v.verdict.label()));
        }
    }
    let page = site.html("departments/transport/index.html");
    let steps: Vec<String> = page
        .select(&scraper::Selector::parse("ol.chain li").unwrap())
        .map(|li| {
            let label = li
                .select(&scraper::Selector::parse(".chain-label").unwrap())
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let what = li
                .select(&scraper::Selector::parse("a, .verdict").unwrap())
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            format!("{label}|{what}")
        })
        .collect();
    assert_eq!(steps, expected);
    let last = votes.iter().max_by_key(|v| v.round).unwrap();
    let stands = format!("第{}轮满意度测评为{}", last.round, last.verdict.label());
    let shown = texts(&page, ".chain-stands");
    assert!(shown[0].starts_with(&stands), "{shown:?}");
    let review_page = site.html("reviews/2025/index.html");
    assert!(
        texts(&review_page, ".chain-stands")
            .iter()
            .any(|s| s.starts_with(&stands))
    );
}

/// An opinion lists under each of its points the items answering it, each once with the
/// status its latest report gives; an item links back to its point.
#[test]
fn an_opinion_lists_under_each_point_the_items_that_answer_it() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let sources = items_from_sources();
    let page = site.html("2025/opinions/transport/index.html");
    let points = scraper::Selector::parse("ol.points > li").unwrap();
    let items = scraper::Selector::parse(".point-items li").unwrap();
    let mut linked = 0;
    for li in page.select(&points) {
        let id = li.value().attr("id").unwrap().trim_start_matches("point-");
        let shown: Vec<String> = li
            .select(&items)
            .map(|x| x.text().collect::<String>())
            .collect();
        let expected: Vec<&(Report, Item)> = sources
            .iter()
            .filter(|((review, dept, _), _)| review == "2025" && dept == "transport")
            .map(|(_, seen)| seen.last().unwrap())
            .filter(|(_, item)| item.point.as_deref() == Some(id))
            .collect();
        assert_eq!(shown.len(), expected.len(), "point {id}: {shown:?}");
        for (report, item) in expected {
            assert!(
                shown.iter().any(|s| s.contains(&report.1)
                    && s.contains(&item.problem)
                    && s.contains(item.status.label())),
                "point {id}: {shown:?}"
            );
            linked += 1;
        }
    }
    assert!(
        linked >= 5,
        "the example answers every point of transport's opinion"
    );
    // And back: the tracker links each item to its point.
    let tracker = site.read("rectification-tracker/index.html");
    assert!(tracker.contains("/2025/opinions/transport/#point-4\">对应评议意见第4条</a>"));
}

/// `point` names a point of the department's opinion in the same review; anything else is an
/// error on its line.
#[test]
fn an_item_answering_a_point_the_opinion_does_not_have_is_an_error() {
    let opinion = "---\ntitle: 评议意见\ntype: opinion\ndate: 2024-09-01\nreview: \"2024\"\ndepartment: transport\npoints:\n  - {id: 1, text: 第一条}\n  - {id: 2, text: 第二条}\n---\n正文\n";
    let report = |point: &str| {
        format!(
            "---\ntitle: 整改情况报告\ntype: rectification\ndate: 2024-10-01\nreview: \"2024\"\ndepartment: transport\nitems:\n  - id: \"1\"\n    point: {point}\n    problem: 问题\n    measures: 措施\n    responsible: 科室\n    deadline: 2024-12-31\n    status: in_progress\n---\n正文\n"
        )
    };
    let with_opinion = |point: &str| {
        TestSite::valid()
            .file("content/2024/opinions/transport.md", opinion)
            .file("content/2024/rectifications/transport.md", &report(point))
    };
    with_opinion("2").built();
    with_opinion("\"1\"").built();
    let errors = with_opinion("3").errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("评议意见第 3 条不存在"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].line, Some(9));
    assert!(errors[0].hint.as_deref().unwrap().contains("第 1、2 条"));
    // No opinion to the department at all.
    let errors = TestSite::valid()
        .file("content/2024/rectifications/transport.md", &report("1"))
        .errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("没有给本部门的评议意见"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].line, Some(9));
}

/// Every diagnostic of a check of `site`, as `file level message`.
fn all_diagnostics(site: &TestSite) -> Vec<String> {
    let all = match pingyi::check(site.root(), &TestSite::example_options()) {
        Ok(warnings) => warnings,
        Err(diags) => diags,
    };
    all.iter()
        .map(|d| {
            let level = if d.is_error() { "error" } else { "warning" };
            format!("{} {level} {}", d.path.display(), d.message)
        })
        .collect()
}

/// The example site with `rel`'s text changed by replacing `from` with `to`.
fn example_with(rel: &str, from: &str, to: &str) -> TestSite {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    TestSite::example().file(rel, &text.replacen(from, to, 1))
}

#[test]
fn a_document_that_fails_to_load_is_not_blamed_on_the_documents_that_name_it() {
    // The example builds with one warning: 住建局-3 overdue in housing's only report.
    let clean = all_diagnostics(&TestSite::example());
    assert_eq!(clean.len(), 1, "{clean:?}");
    let others = |diags: Vec<String>, broken: &str| -> Vec<String> {
        let unrelated = diags.iter().filter(|d| !clean.contains(d));
        unrelated
            .filter(|d| !d.starts_with(broken))
            .cloned()
            .collect()
    };

    // A review that fails (a negative count): its documents do not become "unknown review
    // 2025, did you mean 2026?", which would have an editor break them.
    let review = "content/2025/review.md";
    let site = example_with(review, "unsatisfied: 21", "unsatisfied: -21");
    let diags = all_diagnostics(&site);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with(review) && d.contains("-21")),
        "{diags:?}"
    );
    assert_eq!(others(diags, review), Vec::<String>::new());

    // An opinion that fails (a date that is a typo): the items answering its points are not
    // told the department has no opinion.
    let opinion = "content/2025/opinions/transport.md";
    let site = example_with(opinion, "issued: 2025-09-03", "issued: 0023-09-03");
    let diags = all_diagnostics(&site);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with(opinion) && d.contains("issued")),
        "{diags:?}"
    );
    assert_eq!(others(diags, opinion), Vec::<String>::new());

    // The latest report that fails (a 销号 verified before it was done): the earlier report's
    // items, carried on there, are not called overdue.
    let latest = "content/2025/rectifications/transport-round-2.md";
    let site = example_with(latest, "date: 2025-12-11", "date: 2024-12-11");
    let diags = all_diagnostics(&site);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with(latest) && d.contains("核验日期")),
        "{diags:?}"
    );
    assert_eq!(others(diags, latest), Vec::<String>::new());

    // A review id that is wrong while another review fails is still named.
    let notice = "content/2025/notices/review-plan.md";
    let text = std::fs::read_to_string(repo().join(notice)).unwrap();
    let site = site.file(
        notice,
        &text.replacen("review: \"2025\"", "review: \"2052\"", 1),
    );
    let diags = all_diagnostics(&site);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with(notice) && d.contains("未知评议活动 `2052`")),
        "{diags:?}"
    );
}

#[test]
fn open_data_gives_each_items_origin_extensions_and_verification_as_its_report_says() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let sources = items_from_sources();
    let date = |d: Option<Date>| d.map_or(serde_json::Value::Null, |d| d.to_string().into());
    let mut checked = (0, 0, 0);
    for year in ["2025", "2026"] {
        let json: serde_json::Value =
            serde_json::from_str(&site.read(&format!("data/{year}/items.json"))).unwrap();
        let csv = site.read(&format!("data/{year}/items.csv"));
        let rows = json.as_array().unwrap();
        assert_eq!(
            csv.lines().count(),
            rows.len() + 1,
            "{year}: a CSV line a JSON row"
        );
        for (row, line) in rows.iter().zip(csv.lines().skip(1)) {
            let key = |k: &str| row[k].as_str().unwrap().to_string();
            let seen = &sources[&(key("review"), key("department"), key("id"))];
            // The row of the report it names: its state there.
            let (_, item) = seen
                .iter()
                .find(|(r, _)| {
                    row["url"].as_str().unwrap().contains(
                        &r.0.replace('\\', "/")
                            .replace("content/", "/")
                            .replace(".md", "/"),
                    )
                })
                .unwrap_or_else(|| panic!("{row}"));
            assert_eq!(
                row["point"],
                item.point
                    .as_deref()
                    .map_or(serde_json::Value::Null, Into::into),
                "{row}"
            );
            assert_eq!(
                row["source"],
                item.source
                    .as_deref()
                    .map_or(serde_json::Value::Null, Into::into),
                "{row}"
            );
            assert_eq!(
                row["deadline_in_force"],
                date(item.deadline_in_force()),
                "{row}"
            );
            let extensions: Vec<String> = row["extensions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{} {}",
                        e["approved"].as_str().unwrap(),
                        e["deadline"].as_str().unwrap()
                    )
                })
                .collect();
            let written: Vec<String> = item
                .extensions
                .iter()
                .map(|e| format!("{} {}", e.approved, e.deadline))
                .collect();
            assert_eq!(extensions, written, "{row}");
            let verified = item.verified.as_ref();
            assert_eq!(
                row["verified_by"],
                verified.map_or(serde_json::Value::Null, |v| v.by.as_str().into()),
                "{row}"
            );
            assert_eq!(
                row["verified_date"],
                date(verified.map(|v| v.date)),
                "{row}"
            );
            // The CSV says the same, in its own columns.
            for e in &item.extensions {
                assert!(
                    line.contains(&format!("{} 批准延期至 {}", e.approved, e.deadline)),
                    "{line}"
                );
            }
            if let Some(v) = verified {
                assert!(line.contains(&format!("{},{}", v.by, v.date)), "{line}");
            }
            checked.0 += usize::from(!item.extensions.is_empty());
            checked.1 += usize::from(verified.is_some());
            checked.2 += usize::from(item.point.is_some());
        }
    }
    // The example has each of them, so the comparisons above compared something.
    assert!(
        checked.0 > 0 && checked.1 > 0 && checked.2 > 0,
        "{checked:?}"
    );
}
