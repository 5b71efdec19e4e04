//! Year archives: the bundle browses from disk, verifies, is reproducible; a closed year's pages
//! say so; adding a year never changes an earlier year's pages.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

use crate::support::*;

pub(crate) fn options() -> pingyi::Options {
    pingyi::Options {
        today: Some(pingyi::Date::parse("2026-11-27").unwrap()),
        ..pingyi::Options::default()
    }
}

pub(crate) fn bundle_of(site: &TestSite, year: i32) -> Vec<u8> {
    match pingyi::archive::archive(site.root(), year, &options()) {
        Ok(b) => b.bytes,
        Err(e) => panic!("archive failed: {}", describe(&e)),
    }
}

/// Unpacks a zip into `dir`.
fn unzip(bytes: &[u8], dir: &Path) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let dest = dir.join(&name);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        std::fs::write(dest, data).unwrap();
    }
}

pub(crate) fn unpacked(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    unzip(bytes, dir.path());
    dir
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn the_first_years_bundle_browses_from_disk_and_verifies() {
    let site = TestSite::example();
    let bytes = bundle_of(&site, 2025);
    let dir = unpacked(&bytes);
    let root = dir.path();

    // What the issue lists: the cycle, documents, ledger, departments, start page, open data.
    for path in [
        "index.html",
        "archive/2025/index.html",
        "reviews/2025/index.html",
        "2025/rectifications/housing-round-1/index.html",
        "2025/speeches/mobilization-speech/index.html",
        "rectification-tracker/index.html",
        "departments/housing/index.html",
        "assets/site.css",
        "data/2025/documents.json",
        "data/2025/items.json",
        "data/2025/items.csv",
        "manifest.json",
    ] {
        assert!(root.join(path).is_file(), "{path} missing from the bundle");
    }
    // Nothing of the other year.
    assert!(!root.join("2026").exists());
    assert!(!root.join("reviews/2026").exists());

    let mut checked = 0;
    for file in html_files(root) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        let sel = scraper::Selector::parse("a[href], link[href], script[src], img[src]").unwrap();
        for el in doc.select(&sel) {
            let v = el.value();
            let url = v.attr("href").or(v.attr("src")).unwrap();
            if v.attr("data-outside-archive").is_some() {
                assert!(
                    url.starts_with("https://rd.example.gov.cn/"),
                    "{}: outside link {url} must go to the live site",
                    file.display()
                );
                continue;
            }
            if url.starts_with('#')
                || url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
                || url.starts_with("tel:")
            {
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{}: {url} is site-absolute and would not open from disk",
                file.display()
            );
            let target = file
                .parent()
                .unwrap()
                .join(url.split(['#', '?']).next().unwrap());
            assert!(
                target.is_file(),
                "{}: {url} does not resolve inside the bundle",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} internal links checked");

    // The start page is the year's archive index, with its links made from the bundle's root.
    let start = std::fs::read_to_string(root.join("index.html")).unwrap();
    assert!(start.contains("2025"));
    assert!(
        start.contains(r#"href="reviews/2025/index.html""#),
        "{start}"
    );

    let v = pingyi::archive::verify(root, None).unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.year, 2025);
    assert_eq!(v.checked, walkdir_count(root) - 1);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["built"], "2026-11-27");
    assert!(
        manifest["generator"]
            .as_str()
            .unwrap()
            .starts_with("pingyi ")
    );
    // The sources are inside, byte for byte: site.yaml and every Markdown file of the year.
    assert_eq!(
        std::fs::read(root.join("sources/site.yaml")).unwrap(),
        std::fs::read(site.root().join("site.yaml")).unwrap()
    );
    for e in walkdir::WalkDir::new(site.root().join("content/2025")) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(site.root()).unwrap();
        let held = root.join("sources").join(rel);
        assert_eq!(
            std::fs::read(&held).ok().as_deref(),
            Some(std::fs::read(e.path()).unwrap().as_slice()),
            "{} not in sources/ as it is",
            rel.display()
        );
    }
    assert!(!root.join("sources/content/2026").exists());
}

fn walkdir_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count()
}

#[test]
fn attachments_go_into_their_years_bundle() {
    let site = TestSite::example();
    let dir = unpacked(&bundle_of(&site, 2026));
    let page =
        std::fs::read_to_string(dir.path().join("2026/notices/review-plan/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let pdf = attrs(&doc, "a[href$='.pdf']", "href");
    assert!(!pdf.is_empty(), "no attachment link");
    assert!(
        dir.path()
            .join("2026/notices/review-plan")
            .join(&pdf[0])
            .is_file(),
        "{pdf:?} not in the bundle"
    );
}

#[test]
fn the_same_content_and_day_give_the_same_bytes() {
    let site = TestSite::example();
    assert!(bundle_of(&site, 2025) == bundle_of(&site, 2025));
}

#[test]
fn verify_names_every_altered_missing_and_extra_file() {
    let site = TestSite::example();
    let bytes = bundle_of(&site, 2025);

    let altered = unpacked(&bytes);
    let page = altered
        .path()
        .join("2025/speeches/mobilization-speech/index.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replacen("讲话", "讲 话", 1)).unwrap();
    let v = pingyi::archive::verify(altered.path(), None).unwrap();
    assert_eq!(v.altered, ["2025/speeches/mobilization-speech/index.html"]);
    assert!(v.missing.is_empty() && v.extra.is_empty() && !v.is_intact());

    let missing = unpacked(&bytes);
    std::fs::remove_file(missing.path().join("data/2025/items.csv")).unwrap();
    let v = pingyi::archive::verify(missing.path(), None).unwrap();
    assert_eq!(v.missing, ["data/2025/items.csv"]);
    assert!(v.altered.is_empty() && v.extra.is_empty());

    let extra = unpacked(&bytes);
    std::fs::write(extra.path().join("2025/notes.txt"), "后加的文件").unwrap();
    let v = pingyi::archive::verify(extra.path(), None).unwrap();
    assert_eq!(v.extra, ["2025/notes.txt"]);
    assert!(v.altered.is_empty() && v.missing.is_empty());
}

/// A file of the bundle's search index as the search page gets it: `search/x.bin.js` hands
/// over `search/x.bin` as base64, `search/x.json.js` `search/x.json` as JSON.
fn index_file(root: &Path, path: &str) -> Vec<u8> {
    let script = std::fs::read_to_string(root.join(format!("{path}.js"))).unwrap();
    let data = script
        .strip_prefix(&format!("PingyiSearch.put(\"{path}\","))
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{path}.js is not a PingyiSearch.put call: {script}"));
    if !path.ends_with(".bin") {
        return data.as_bytes().to_vec();
    }
    let data = data.trim_matches('"').trim_end_matches('=');
    const ABC: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextets: Vec<u32> = data.chars().map(|c| ABC.find(c).unwrap() as u32).collect();
    let mut out = Vec::new();
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, s)| n | s << (18 - 6 * i));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

/// Search in the bundle works from disk: the year's own index, each file a script the page
/// loads with `<script>`; every search form and every result opens the bundle's own pages.
#[test]
fn the_bundle_searches_its_year_alone_from_disk() {
    let site = TestSite::example();
    let bundle = pingyi::archive::archive(site.root(), 2025, &options())
        .unwrap_or_else(|e| panic!("archive failed: {}", describe(&e)));
    let dir = unpacked(&bundle.bytes);
    let root = dir.path();

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for path in [
        "search/index.html",
        "search/meta.json.js",
        "search/facets.bin.js",
        "search/index/0.bin.js",
        "search/docs/0.json.js",
    ] {
        assert!(root.join(path).is_file(), "{path} missing from the bundle");
        assert!(listed.contains(&path), "{path} not in the manifest");
    }
    // Only what the page loads from disk: no file a server would send.
    assert!(
        !listed
            .iter()
            .any(|p| p.starts_with("search/") && !p.ends_with(".js") && !p.ends_with(".html"))
    );

    // The year's documents, and no other.
    let meta: serde_json::Value =
        serde_json::from_slice(&index_file(root, "search/meta.json")).unwrap();
    let documents = meta["documents"].as_u64().unwrap() as u32;
    assert_eq!(documents as usize, bundle.documents);
    assert_eq!(meta["years"].as_array().unwrap().len(), 1, "{meta}");
    let docs: Vec<serde_json::Value> = (0..documents)
        .map(|id| {
            serde_json::from_slice(&index_file(root, &format!("search/docs/{id}.json"))).unwrap()
        })
        .collect();
    assert!(
        !root
            .join(format!("search/docs/{documents}.json.js"))
            .exists()
    );
    for doc in &docs {
        assert_eq!(doc["year"], 2025, "{}", doc["title"]);
        // Relative to the search page, and a page of the bundle.
        let url = doc["url"].as_str().unwrap();
        assert!(
            url.starts_with("../") && url.ends_with("/index.html"),
            "{url}"
        );
        assert!(root.join("search").join(url).is_file(), "{url}");
        assert!(doc.get("outside_archive").is_none(), "{url}");
    }

    // The shards, read as docs/search.md lays them out: 动员会 finds the 2025 speech, whose
    // title says it, and ids name only the year's documents.
    let bits = meta["bits"].as_u64().unwrap() as u32;
    let mut found: Option<Vec<u32>> = None;
    for code in pingyi::search::read::query_codes("动员会") {
        let n = pingyi::search::shard_of(code, bits);
        let shard =
            pingyi::search::read::decode(&index_file(root, &format!("search/index/{n}.bin")));
        assert!(shard.values().flatten().all(|(id, _)| *id < documents));
        let ids: Vec<u32> = shard[&code].iter().map(|(id, _)| *id).collect();
        found = Some(match found {
            None => ids,
            Some(f) => f.into_iter().filter(|id| ids.contains(id)).collect(),
        });
    }
    let titles: Vec<&str> = found
        .unwrap()
        .iter()
        .map(|&id| docs[id as usize]["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"在2025年度市人大常委会工作评议动员会上的讲话"),
        "{titles:?}"
    );
    assert!(!titles.iter().any(|t| t.contains("2026")), "{titles:?}");

    // Every search form, on every page, leads to the bundle's own search page.
    let search_page = root.join("search/index.html").canonicalize().unwrap();
    let mut forms = 0;
    for file in html_files(root) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for form in doc.select(&scraper::Selector::parse("form").unwrap()) {
            let action = form.value().attr("action").unwrap();
            let target = file.parent().unwrap().join(action).canonicalize();
            assert!(
                form.value().attr("data-outside-archive").is_none()
                    && target.is_ok_and(|t| t == search_page),
                "{}: form to {action}",
                file.display()
            );
            forms += 1;
        }
    }
    // The masthead's box on every page, and the search page's own.
    assert_eq!(forms, html_files(root).len() + 1);
    let page = std::fs::read_to_string(root.join("search/index.html")).unwrap();
    assert!(
        page.contains(r#"data-search=".." data-search-load="script""#),
        "{page}"
    );
}

/// The zip itself, through the command line: intact exits 0; one changed entry exits 1 and
/// is named.
#[test]
fn the_commands_archive_and_verify_a_zip() {
    let site = TestSite::example();
    let zip_path = site.root().join("archives/2025.zip");
    Command::cargo_bin("pingyi")
        .unwrap()
        .args(["archive", "2025", "--today", "2026-11-27", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stderr(contains(format!(
            "archives{}2025.zip",
            std::path::MAIN_SEPARATOR
        )));
    Command::cargo_bin("pingyi")
        .unwrap()
        .arg("verify")
        .arg(&zip_path)
        .assert()
        .success()
        .stderr(contains("完好"));

    // Rewrite the zip with one entry changed.
    let bytes = std::fs::read(&zip_path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "data/2025/items.json" {
            data.extend_from_slice(b" ");
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let tampered = site.root().join("tampered.zip");
    std::fs::write(&tampered, out.finish().unwrap().into_inner()).unwrap();
    Command::cargo_bin("pingyi")
        .unwrap()
        .arg("verify")
        .arg(&tampered)
        .assert()
        .code(1)
        .stderr(contains("被改动: data/2025/items.json"));

    Command::cargo_bin("pingyi")
        .unwrap()
        .args(["archive", "2019", "--today", "2026-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(contains("没有 2019 年度的文档"));
}

/// Copies the example's 2026 into 2027, as an office adds next year's documents.
fn add_year_2027(site: &TestSite) {
    let from = site.root().join("content/2026");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let dest = site
            .root()
            .join("content/2027")
            .join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path())
                .unwrap()
                .replace("2026-", "2027-")
                .replace("\"2026\"", "\"2027\"")
                .replace("year: 2026", "year: 2027")
                .replace("2026年", "2027年");
            std::fs::write(dest, text).unwrap();
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn adding_a_year_changes_no_page_of_an_earlier_year() {
    let site = TestSite::example();
    let mut opts = options();
    opts.today = Some(pingyi::Date::parse("2027-12-31").unwrap());
    let out = site.out();
    pingyi::build(site.root(), &out, &opts).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let earlier = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        [
            "2025",
            "2026",
            "reviews/2025",
            "reviews/2026",
            "data/2025",
            "data/2026",
        ]
        .iter()
        .flat_map(|d| {
            snapshot(&dir.join(d))
                .into_iter()
                .map(move |(p, b)| (Path::new(d).join(p), b))
        })
        .collect()
    };
    let before = earlier(&out);
    assert!(before.len() > 20, "{}", before.len());

    add_year_2027(&site);
    let report =
        pingyi::build(site.root(), &out, &opts).unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(
        out.join("2027/rectifications/market-round-1/index.html")
            .is_file()
    );
    assert!(report.documents > 30);
    let after = earlier(&out);
    assert_eq!(before.len(), after.len());
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{} changed when 2027 was added", path.display());
    }
}

#[test]
fn a_closed_years_pages_say_it_is_archived() {
    let site = TestSite::example();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    std::fs::write(
        site.root().join("site.yaml"),
        format!("{yaml}archived_years: [2025]\n"),
    )
    .unwrap();
    pingyi::build(site.root(), &site.out(), &options())
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    for page in [
        "2025/speeches/mobilization-speech/index.html",
        "reviews/2025/index.html",
        "archive/2025/index.html",
    ] {
        let notes = texts(&site.html(page), ".archived-note");
        assert_eq!(notes.len(), 1, "{page}");
        assert!(
            notes[0].contains("2025年度工作评议已归档"),
            "{page}: {notes:?}"
        );
    }
    for page in [
        "2026/notices/review-plan/index.html",
        "reviews/2026/index.html",
    ] {
        assert!(
            texts(&site.html(page), ".archived-note").is_empty(),
            "{page}"
        );
    }
}
