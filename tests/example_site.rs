//! The repository's own example site builds cleanly and has every page of the content model.

use crate::support::*;

#[test]
fn example_site_builds_with_every_url() {
    let site = TestSite::example();
    let report = pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(report.documents >= 16, "{}", report.documents);
    // Exactly the one overdue item the example carries.
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);

    for path in [
        "index.html",
        "404.html",
        "speeches/index.html",
        "notices/index.html",
        "rectifications/index.html",
        "opinions/index.html",
        "investigations/index.html",
        "2025/opinions/housing/index.html",
        "2025/opinions/transport/index.html",
        "2025/investigations/housing/index.html",
        "reviews/2025/index.html",
        "reviews/2026/index.html",
        "rectification-tracker/index.html",
        "archive/2025/index.html",
        "archive/2026/index.html",
        "about/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/2025/items.json",
        "data/2025/items.csv",
        "data/2025/documents.json",
        "data/2026/items.json",
        "data/2026/items.csv",
        "data/2025/results.json",
        "data/2025/results.csv",
        "data/2026/results.json",
        "data/2026/results.csv",
    ] {
        assert!(site.out().join(path).is_file(), "{path} missing");
    }
    for kind in ["speeches", "notices", "rectifications"] {
        for year in [2025, 2026] {
            let dir = site.out().join(format!("{year}/{kind}"));
            assert!(
                std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0) > 0,
                "{year}/{kind}"
            );
        }
    }
    for d in ["housing", "transport", "education", "ecology", "market"] {
        assert!(
            site.out()
                .join(format!("departments/{d}/index.html"))
                .is_file()
        );
    }

    // Every internal link of every page leads to a page that was built.
    for entry in walkdir::WalkDir::new(site.out())
        .into_iter()
        .map(Result::unwrap)
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html =
                scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
            for href in attrs(&html, "a", "href")
                .into_iter()
                .chain(attrs(&html, "link", "href"))
            {
                if !href.starts_with('/') {
                    continue;
                }
                let path = href
                    .split(['#', '?'])
                    .next()
                    .unwrap()
                    .trim_start_matches('/');
                let target = site.out().join(path);
                let ok = target.is_file() || target.join("index.html").is_file();
                assert!(ok, "{} links to missing {href}", entry.path().display());
            }
        }
    }
}

/// Each rectification report shows the verdict its review's `results` record for its own
/// department and round, or 本轮尚未测评: never another round's. The expectation is read from
/// the example's front matter, so that it holds however the example grows.
#[test]
fn every_rectification_shows_the_verdict_of_its_own_round() {
    use pingyi::document::{Details, Document};

    // A third round of transport's rectification, not yet voted on.
    let round_2 =
        std::fs::read_to_string(repo().join("content/2025/rectifications/transport-round-2.md"))
            .unwrap();
    let site = TestSite::example().file(
        "content/2025/rectifications/transport-round-3.md",
        &round_2.replacen("round: 2", "round: 3", 1),
    );
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));

    let docs: Vec<Document> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let rel = e.path().strip_prefix(site.root()).unwrap();
            Document::parse(rel, &std::fs::read_to_string(e.path()).unwrap()).unwrap()
        })
        .collect();
    let verdict_of = |review: &str, department: &str, round: u32| {
        docs.iter().find_map(|d| match &d.details {
            Details::Review(r) if r.id == review => Some(
                r.results
                    .iter()
                    .find(|v| v.department == department && v.round == round)
                    .map(|v| v.verdict.label()),
            ),
            _ => None,
        })?
    };
    let mut shown = Vec::new();
    for d in &docs {
        let Details::Rectification(r) = &d.details else {
            continue;
        };
        let page = site.html(&format!("{}index.html", &d.url()[1..]));
        let verdicts = texts(&page, ".verdict");
        let expected = verdict_of(d.review_id().unwrap(), &r.department, r.round);
        match expected {
            Some(v) => {
                assert_eq!(texts(&page, ".doc-tags .verdict"), [v], "{}", d.url());
                assert!(verdicts.iter().all(|x| x == v), "{}: {verdicts:?}", d.url());
                assert_eq!(texts(&page, "table.votes tbody tr").len(), 1, "{}", d.url());
            }
            None => {
                assert!(verdicts.is_empty(), "{}: {verdicts:?}", d.url());
                assert_eq!(texts(&page, ".doc-tags .pending"), ["本轮尚未测评"]);
            }
        }
        shown.push((d.url().to_string(), expected));
    }
    assert!(shown.len() >= 7, "{shown:?}");
    // Transport's round-1 report was voted 不满意; round 2 满意; round 3 not yet.
    for (url, verdict) in [
        ("/2025/rectifications/transport-round-1/", Some("不满意")),
        ("/2025/rectifications/transport-round-2/", Some("满意")),
        ("/2025/rectifications/transport-round-3/", None),
    ] {
        assert!(
            shown.contains(&(url.to_string(), verdict)),
            "{url}: {shown:?}"
        );
    }
}

/// The review page lists every vote with its meeting, date and head counts, and its kind; the
/// year's open data has every vote.
#[test]
fn the_review_page_and_open_data_show_every_vote() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let page = site.html("reviews/2025/index.html");
    assert_eq!(texts(&page, ".doc-tags .kind")[0], "工作评议");
    let rows = texts(&page, "table.vote-results tbody tr");
    // Each row as the review's front matter has it.
    let source = std::fs::read_to_string(repo().join("content/2025/review.md")).unwrap();
    let review =
        pingyi::Document::parse(std::path::Path::new("content/2025/review.md"), &source).unwrap();
    let pingyi::document::Details::Review(r) = &review.details else {
        panic!("a review")
    };
    let config = pingyi::Config::load(site.root()).unwrap();
    assert_eq!(rows.len(), r.results.len(), "{rows:?}");
    for (row, v) in rows.iter().zip(&r.results) {
        let d = v.date.unwrap();
        let expected = [
            config.department_name(&v.department).to_string(),
            format!("第{}轮", v.round),
            v.meeting.clone().unwrap(),
            format!("{}年{}月{}日", d.year(), d.0.month(), d.0.day()),
            format!("{}人", v.members.unwrap()),
            format!("{}人", v.present.unwrap()),
            format!("{}票", v.satisfied.unwrap()),
            v.verdict.label().to_string(),
        ];
        for text in &expected {
            assert!(row.contains(text.as_str()), "{text} not in {row}");
        }
    }
    // 2026's review writes neither `kind` nor meetings: neither is shown.
    let page = site.html("reviews/2026/index.html");
    assert_eq!(texts(&page, ".doc-tags .kind"), ["2026年度"]);
    assert!(texts(&page, "table.vote-results").is_empty());

    let json: serde_json::Value =
        serde_json::from_str(&site.read("data/2025/results.json")).unwrap();
    let votes = json.as_array().unwrap();
    // Every vote of the source, in its order, with its facts.
    assert_eq!(votes.len(), r.results.len());
    for (json, v) in votes.iter().zip(&r.results) {
        assert_eq!(json["department"], v.department.as_str());
        assert_eq!(json["round"], v.round);
        assert_eq!(json["meeting"], v.meeting.as_deref().unwrap());
        assert_eq!(json["date"], v.date.unwrap().to_string());
        assert_eq!(json["members"], v.members.unwrap());
        assert_eq!(json["present"], v.present.unwrap());
        assert_eq!(json["satisfied"], v.satisfied.unwrap());
        assert_eq!(json["verdict"], v.verdict.label());
    }
    let csv = site.read("data/2025/results.csv");
    assert!(csv.starts_with("\u{feff}年度,评议活动,部门编号,部门,测评轮次,测评会议,测评日期,组成人员,出席人数,满意,基本满意,不满意,测评结论\n"), "{csv}");
    let last = r.results.last().unwrap();
    let row = format!(
        "\n2025,2025,{},{},{},{},{},{},{},{},{},{},{}\n",
        last.department,
        config.department_name(&last.department),
        last.round,
        last.meeting.as_deref().unwrap(),
        last.date.unwrap(),
        last.members.unwrap(),
        last.present.unwrap(),
        last.satisfied.unwrap(),
        last.basically_satisfied.unwrap(),
        last.unsatisfied.unwrap(),
        last.verdict.label()
    );
    assert!(csv.contains(&row), "{row} not in {csv}");
    // 2026's votes, without meetings, have empty cells and nulls there.
    let csv = site.read("data/2026/results.csv");
    assert!(
        csv.contains("\n2026,2026,education,示例市教育局,1,,,,,31,6,1,满意\n"),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("data/2026/results.json")).unwrap();
    assert!(json[0]["meeting"].is_null() && json[0]["members"].is_null());
}
