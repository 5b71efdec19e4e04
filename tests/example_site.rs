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
                let path = href.split('#').next().unwrap().trim_start_matches('/');
                let target = site.out().join(path);
                let ok = target.is_file() || target.join("index.html").is_file();
                assert!(ok, "{} links to missing {href}", entry.path().display());
            }
        }
    }
}
