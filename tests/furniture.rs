//! The site's furniture: the icon every page links, and the site map for readers at
//! `/sitemap/` (网站地图), which the footer links, `sitemap.xml` lists and watch keeps current.

use pingyi::{Builder, Change};

use crate::support::*;

/// Every HTML page of a built site, relative to its output folder.
fn html_pages(out: &std::path::Path) -> Vec<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The sizes an .ico holds, read from its directory (ICONDIR, then 16-byte entries whose first
/// two bytes are width and height, 0 meaning 256).
fn ico_sizes(bytes: &[u8]) -> Vec<(u32, u32)> {
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "not an icon file");
    let count = u16::from_le_bytes([bytes[4], bytes[5]]) as usize;
    let px = |b: u8| if b == 0 { 256 } else { u32::from(b) };
    let mut sizes: Vec<(u32, u32)> = (0..count)
        .map(|i| {
            let e = &bytes[6 + 16 * i..6 + 16 * (i + 1)];
            (px(e[0]), px(e[1]))
        })
        .collect();
    sizes.sort();
    sizes
}

#[test]
fn the_site_has_an_icon_and_every_page_links_it() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let icon = std::fs::read(site.out().join("favicon.ico")).expect("favicon.ico at the root");
    assert_eq!(ico_sizes(&icon), [(16, 16), (32, 32), (48, 48)]);
    let pages = html_pages(&site.out());
    assert!(pages.len() > 40, "{pages:?}");
    for page in pages {
        let html = site.html(&page);
        let icons: Vec<String> = attrs(&html, "link[rel=icon]", "href");
        assert_eq!(icons, ["/favicon.ico"], "{page}");
    }
}

#[test]
fn under_a_path_prefix_the_icon_and_the_site_map_carry_it() {
    let site = TestSite::valid();
    let mut opts = TestSite::options();
    opts.base_url = Some("https://www.example.gov.cn/rdpy/".into());
    pingyi::build(site.root(), &site.out(), &opts).unwrap();
    // The file is at the site's root, which is the prefix on the server.
    assert!(site.out().join("favicon.ico").is_file());
    for page in ["index.html", "sitemap/index.html", "404.html"] {
        let html = site.html(page);
        assert_eq!(
            attrs(&html, "link[rel=icon]", "href"),
            ["/rdpy/favicon.ico"],
            "{page}"
        );
        assert!(
            attrs(&html, ".foot-links a", "href").contains(&"/rdpy/sitemap/".to_string()),
            "{page}'s footer"
        );
    }
    let map = site.html("sitemap/index.html");
    let hrefs = attrs(&map, "main a", "href");
    assert!(hrefs.len() > 20, "{hrefs:?}");
    for href in &hrefs {
        assert!(href.starts_with("/rdpy/"), "{href}");
    }
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://www.example.gov.cn/rdpy/sitemap/</loc>")
    );
}

#[test]
fn the_site_map_shows_columns_reviews_departments_years_and_services() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let map = site.html("sitemap/index.html");
    assert_eq!(texts(&map, "h1"), ["网站地图"]);
    assert_eq!(
        texts(&map, "main h2"),
        [
            "网站栏目",
            "评议活动",
            "受评部门",
            "历年归档与开放数据",
            "网站服务"
        ]
    );
    let hrefs = attrs(&map, "main a", "href");
    let has = |u: &str| hrefs.iter().any(|h| h == u);
    // Every column of the main navigation, and the lists that are not in it.
    let home = site.html("index.html");
    for nav in attrs(&home, ".mainnav a", "href") {
        assert!(has(&nav), "column {nav} missing");
    }
    for u in ["/opinions/", "/investigations/", "/tags/", "/search/"] {
        assert!(has(u), "{u} missing");
    }
    // Each review, each department, each year with its open data, the free pages.
    for u in [
        "/reviews/2025/",
        "/reviews/2026/",
        "/reviews/2025/#g-opinion",
        "/departments/housing/",
        "/departments/market/",
        "/archive/2025/",
        "/archive/2026/",
        "/data/2025/items.csv",
        "/data/2026/results.json",
        "/about/",
        "/feed.xml",
        "/sitemap.xml",
    ] {
        assert!(has(u), "{u} missing from {hrefs:?}");
    }
    // Counts by type, not the documents themselves.
    assert!(!has("/2025/notices/review-plan/"));
    let review = texts(&map, ".map-review")
        .into_iter()
        .find(|t| t.contains("2025年度"))
        .unwrap();
    assert!(review.contains("通知公告5篇"), "{review}");
    assert!(review.contains("评议准备"), "{review}");
    // Every page's footer leads to it, and the XML sitemap lists it.
    assert!(attrs(&home, ".foot-links a", "href").contains(&"/sitemap/".to_string()));
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://rd.example.gov.cn/sitemap/</loc>")
    );
}

#[test]
fn watch_renders_the_site_map_again_when_documents_come_and_go() {
    let site = TestSite::example();
    let opts = TestSite::example_options();
    let mut b = Builder::new(site.root(), opts.clone());
    b.build(&site.out()).unwrap();
    let count = |site: &TestSite| {
        texts(&site.html("sitemap/index.html"), ".map-review")
            .into_iter()
            .find(|t| t.contains("2025年度"))
            .unwrap()
    };
    assert!(count(&site).contains("通知公告5篇"));

    let plan = std::fs::read_to_string(site.root().join("content/2025/notices/review-plan.md"))
        .unwrap()
        .replacen("\ntitle: ", "\nslug: plan-copy\ntitle: 又一份", 1);
    let rel = "content/2025/notices/plan-copy.md";
    std::fs::write(site.root().join(rel), plan).unwrap();
    b.apply(&[Change::Content(rel.into())]);
    b.build(&site.out()).unwrap();
    assert!(count(&site).contains("通知公告6篇"), "{}", count(&site));

    std::fs::remove_file(site.root().join(rel)).unwrap();
    b.apply(&[Change::Content(rel.into())]);
    b.build(&site.out()).unwrap();
    assert!(count(&site).contains("通知公告5篇"), "{}", count(&site));
}
