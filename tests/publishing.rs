//! Publishing: the `.gz` and `.br` copies nginx sends as they are, beside every text file and
//! kept in step with the pages by every rebuild; and a site under a path prefix, every address
//! of which carries the prefix.

use std::io::Read;
use std::path::{Path, PathBuf};

use pingyi::{Builder, Change};

use crate::support::*;

const TEXT: &[&str] = &["html", "css", "js", "xml", "json", "svg", "txt", "csv"];

fn is_text(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT.contains(&e))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

fn with_site_yaml(site: TestSite, extra: &str) -> TestSite {
    let path = site.root().join("site.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{yaml}{extra}")).unwrap();
    site
}

/// Every text file of `out` has copies that read back as it, and nothing else has any.
fn assert_copies_match(out: &Path, step: &str) {
    let files = snapshot(out);
    let find = |p: &PathBuf| files.iter().find(|(q, _)| q == p).map(|(_, b)| b);
    let mut text = 0;
    for (path, bytes) in &files {
        let name = path.to_string_lossy();
        if name.ends_with(".gz") || name.ends_with(".br") {
            let original = PathBuf::from(&name[..name.len() - 3]);
            assert!(find(&original).is_some(), "{step}: {name} without its file");
            continue;
        }
        let gz = find(&PathBuf::from(format!("{name}.gz")));
        let br = find(&PathBuf::from(format!("{name}.br")));
        if is_text(path) {
            text += 1;
            assert_eq!(&gunzip(gz.expect("a .gz")), bytes, "{step}: {name}.gz");
            assert_eq!(&unbrotli(br.expect("a .br")), bytes, "{step}: {name}.br");
        } else {
            assert!(gz.is_none() && br.is_none(), "{step}: {name} is not text");
        }
    }
    assert!(text > 50, "{step}: only {text} text files");
}

#[test]
fn precompressed_copies_sit_beside_every_text_file_and_read_back_as_it() {
    let site = with_site_yaml(TestSite::example(), "precompress: [gzip, brotli]\n");
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    assert_copies_match(&site.out(), "build");
    // Page, stylesheet, script, feed, open data: the files a reader's browser asks for.
    for path in [
        "index.html",
        "assets/site.css",
        "assets/site.js",
        "feed.xml",
        "sitemap.xml",
        "data/2025/documents.json",
        "data/2025/items.csv",
    ] {
        assert!(site.out().join(format!("{path}.gz")).is_file(), "{path}");
    }
    // An attachment (a PDF) is compressed already.
    let pdfs: Vec<_> = snapshot(&site.out())
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert!(!pdfs.is_empty());
    for (pdf, _) in pdfs {
        assert!(!site.out().join(format!("{}.gz", pdf.display())).exists());
    }
}

#[test]
fn without_the_setting_there_are_no_copies() {
    let site = TestSite::example();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    assert!(snapshot(&site.out()).iter().all(|(p, _)| {
        let n = p.to_string_lossy();
        !n.ends_with(".gz") && !n.ends_with(".br")
    }));
}

#[test]
fn a_rebuild_keeps_the_copies_in_step_with_the_pages() {
    let site = with_site_yaml(TestSite::example(), "precompress: [gzip, brotli]\n");
    let mut b = Builder::new(site.root(), TestSite::example_options());
    b.build(&site.out()).unwrap();
    let speeches = site.root().join("content/2025/speeches");
    let speech = std::fs::read_dir(&speeches)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let rel = speech.strip_prefix(site.root()).unwrap().to_path_buf();
    let text = std::fs::read_to_string(&speech).unwrap();
    std::fs::write(&speech, text.replacen("\ntitle: ", "\ntitle: 改过的", 1)).unwrap();
    b.apply(&[Change::Content(rel.clone())]);
    b.build(&site.out()).unwrap();
    assert_copies_match(&site.out(), "after an edit");
    let page = snapshot(&site.out()).into_iter().find(|(p, b)| {
        p.to_string_lossy().ends_with("index.html")
            && String::from_utf8_lossy(b).contains("<h1>改过的")
    });
    assert!(page.is_some(), "the edited page was rewritten");

    // A new document, then the same one gone: its page's copies come and go with it.
    let copy = rel.with_file_name("copy-for-test.md");
    std::fs::write(
        site.root().join(&copy),
        text.replacen("\ntitle: ", "\ntitle: 复制的", 1),
    )
    .unwrap();
    b.apply(&[Change::Content(copy.clone())]);
    b.build(&site.out()).unwrap();
    assert_copies_match(&site.out(), "after an addition");
    let copies = |out: &Path| {
        snapshot(out)
            .into_iter()
            .filter(|(p, _)| p.to_string_lossy().contains("copy-for-test"))
            .count()
    };
    assert_eq!(copies(&site.out()), 3, "index.html, .gz and .br");
    std::fs::remove_file(site.root().join(&copy)).unwrap();
    b.apply(&[Change::Content(copy)]);
    b.build(&site.out()).unwrap();
    assert_copies_match(&site.out(), "after a removal");
    assert_eq!(copies(&site.out()), 0);
}

#[test]
fn under_a_path_prefix_every_address_carries_it() {
    let site = TestSite::example();
    let path = site.root().join("site.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let base = yaml
        .lines()
        .find(|l| l.starts_with("base_url:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &path,
        yaml.replace(&base, "base_url: https://www.example.gov.cn/rd/"),
    )
    .unwrap();
    pingyi::build(site.root(), &site.out(), &TestSite::example_options()).unwrap();
    let attribute = attributes();
    let mut seen = 0;
    for (file, bytes) in snapshot(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        let name = file.to_string_lossy();
        if name.ends_with(".html") {
            for value in attribute(&text) {
                seen += 1;
                assert!(
                    !value.starts_with('/') || value.starts_with("/rd/") || value == "/rd",
                    "{name}: {value}"
                );
                assert!(!value.starts_with("https://rd.example"), "{name}: {value}");
            }
        }
        if name.ends_with(".xml") || name.ends_with(".json") || name.ends_with(".csv") {
            for (i, _) in text.match_indices("https://www.example.gov.cn") {
                assert!(
                    text[i..].starts_with("https://www.example.gov.cn/rd/"),
                    "{name}: {}",
                    &text[i..(i + 60).min(text.len())]
                );
            }
        }
    }
    assert!(seen > 1000, "only {seen} addresses");
    let search = std::fs::read_to_string(site.out().join("search/index.html")).unwrap();
    assert!(search.contains("data-search=\"/rd\""));
    let robots = std::fs::read_to_string(site.out().join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://www.example.gov.cn/rd/sitemap.xml"));
}

/// The values of every `href`, `src` and `action` in `html`.
fn attributes() -> impl Fn(&str) -> Vec<String> {
    |html: &str| {
        let mut out = Vec::new();
        for attr in [" href=\"", " src=\"", " action=\""] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_string());
                }
            }
        }
        out
    }
}
