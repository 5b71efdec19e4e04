//! What pingyi may touch and what it shows: a build replaces only a folder it wrote, and
//! never a file someone else put there; `verify` accepts plain files only, each name once;
//! `serve` cleans up however it is stopped, and its overlay's script survives any error text;
//! file names reach the terminal with their control characters escaped.

// The imports of the Unix-only tests (symlinks, pipes, signals) go unused elsewhere.
#![cfg_attr(not(unix), allow(unused_imports))]

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command as Cmd;
use pingyi::BuildError;
use predicates::prelude::*;
use predicates::str::contains;

use crate::support::*;

const MARKER: &str = ".pingyi-manifest";

fn pingyi() -> Cmd {
    Cmd::cargo_bin("pingyi").unwrap()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The refusal of a build into `out`, which must write nothing.
fn refused(site: &TestSite, out: &Path) -> String {
    match pingyi::build(site.root(), out, &TestSite::options()) {
        Err(BuildError::Io(msg)) => msg,
        Err(e) => panic!("expected a refusal, got {}", describe(&e)),
        Ok(_) => panic!("the build into {} was not refused", out.display()),
    }
}

// ---- Never lose a file pingyi did not write ----

#[test]
fn a_folder_pingyi_did_not_write_is_refused_and_left_as_it_was() {
    let site = TestSite::valid();
    let www = tempfile::tempdir().unwrap();
    let out = www.path().join("html");
    std::fs::create_dir_all(out.join("tongji")).unwrap();
    std::fs::write(out.join("index.html"), "<h1>It works!</h1>").unwrap();
    std::fs::write(out.join("tongji/report.xlsx"), "统计").unwrap();
    let before = snapshot(&out);
    pingyi()
        .args(["build", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            contains("不是 pingyi 生成的")
                .and(contains("`index.html`、`tongji`"))
                .and(contains("请先清空这个目录,或用 --output 另选一个目录"))
                .and(contains("旧版 pingyi")),
        );
    assert_eq!(snapshot(&out), before);
    // Nothing beside it either: no staging folder, no previous build.
    assert_eq!(names(www.path()), ["html"]);

    // Emptied, it is written into.
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::create_dir(&out).unwrap();
    pingyi::build(site.root(), &out, &TestSite::options()).unwrap();
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_file_added_to_a_built_site_is_refused_by_name_and_kept() {
    let site = TestSite::valid().built();
    let out = site.out();
    std::fs::write(out.join("2024/评议报告.pdf"), "added by hand").unwrap();
    std::fs::write(out.join("baidu_verify.html"), "token").unwrap();
    let before = snapshot(&out);
    let site = site.file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("同志们", "各位"),
    );
    let msg = refused(&site, &out);
    for needed in ["2024/评议报告.pdf", "baidu_verify.html", "static/"] {
        assert!(msg.contains(needed), "{needed} not in: {msg}");
    }
    assert_eq!(snapshot(&out), before, "the refused build changed the site");

    // Put where the message says, it is published by the next build.
    std::fs::remove_file(out.join("2024/评议报告.pdf")).unwrap();
    std::fs::rename(
        out.join("baidu_verify.html"),
        site.root().join("static/baidu_verify.html"),
    )
    .or_else(|_| {
        std::fs::create_dir_all(site.root().join("static"))?;
        std::fs::write(site.root().join("static/baidu_verify.html"), "token")
    })
    .unwrap();
    let _ = std::fs::remove_file(out.join("baidu_verify.html"));
    site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(site.read("baidu_verify.html"), "token");
}

#[test]
fn folders_beside_the_output_are_removed_or_written_over_only_if_pingyi_left_them() {
    let site = TestSite::valid();
    let out = site.out();
    for kept in [
        ".public.pingyi-previous",
        ".public.pingyi-staging",
        ".public.pingyi-old",
    ] {
        let dir = site.root().join(kept);
        std::fs::create_dir_all(dir.join("backup")).unwrap();
        std::fs::write(dir.join("backup/site-2023.tar"), "old site").unwrap();
        let msg = refused(&site, &out);
        assert!(msg.contains(kept) && msg.contains("`backup`"), "{msg}");
        assert_eq!(
            std::fs::read_to_string(dir.join("backup/site-2023.tar")).unwrap(),
            "old site"
        );
        assert!(!out.exists(), "{kept}: built anyway");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // Those pingyi left are its own: twice built, the previous build is written over.
    let site = site.built().built();
    let _ = site.built();
}

#[test]
fn an_output_of_an_older_pingyi_is_refused_once_with_what_to_do() {
    let site = TestSite::valid().built().built();
    // An older pingyi wrote no marker.
    let out = site.out();
    let previous = site.root().join(".public.pingyi-previous");
    std::fs::remove_file(out.join(MARKER)).unwrap();
    std::fs::remove_file(previous.join(MARKER)).unwrap();
    let msg = refused(&site, &out);
    assert!(
        msg.contains("旧版 pingyi") && msg.contains("删除这个目录"),
        "{msg}"
    );
    std::fs::remove_dir_all(&out).unwrap();
    let msg = refused(&site, &out);
    assert!(
        msg.contains(".public.pingyi-previous") && msg.contains("旧版 pingyi"),
        "{msg}"
    );
    std::fs::remove_dir_all(&previous).unwrap();
    let _ = site.built().built();
}

/// The files under `out` but the marker, and the files its marker lists, both sorted.
fn held_and_listed(out: &Path) -> (Vec<String>, Vec<String>) {
    let mut held: Vec<String> = snapshot(out)
        .into_iter()
        // The marker names files with `/` on every platform.
        .map(|(p, _)| pingyi::load::slash_path(&p).to_string_lossy().into_owned())
        .filter(|p| p != MARKER)
        .collect();
    let marker: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(MARKER)).unwrap()).unwrap();
    let mut listed: Vec<String> = marker["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    held.sort();
    listed.sort();
    (held, listed)
}

#[test]
fn watch_keeps_the_list_of_what_it_wrote_so_a_later_build_is_not_refused() {
    let site = TestSite::valid();
    let out = site.out();
    let mut b = pingyi::Builder::new(site.root(), TestSite::options());
    b.build(&out).unwrap();
    // A document added, then another removed, as watch rebuilds after each.
    let added = Path::new("content/2024/speeches/second.md");
    let site = site.file(
        added.to_str().unwrap(),
        &SPEECH
            .replace("在工作评议动员会上的讲话", "在第二次会议上的讲话")
            .replace("详见[评议方案](../notices/plan.md)。", ""),
    );
    b.apply(&[pingyi::Change::Content(added.to_path_buf())]);
    let report = b.build(&out).unwrap();
    assert!(report.written > 0);
    let (held, listed) = held_and_listed(&out);
    assert_eq!(held, listed);
    assert!(held.iter().any(|p| p.contains("second")), "{held:?}");

    let removed = Path::new("content/2024/notices/plan.md");
    std::fs::remove_file(site.root().join(removed)).unwrap();
    let site = site.file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("详见[评议方案](../notices/plan.md)。", ""),
    );
    b.apply(&[
        pingyi::Change::Content(removed.to_path_buf()),
        pingyi::Change::Content(PathBuf::from("content/2024/speeches/mobilization.md")),
    ]);
    let report = b.build(&out).unwrap();
    assert!(report.removed > 0);
    let (held, listed) = held_and_listed(&out);
    assert_eq!(held, listed);
    // A build after watch finds only its own files.
    site.build().unwrap_or_else(|e| panic!("{}", describe(&e)));
}

// ---- verify is strict ----

fn options_2026() -> pingyi::Options {
    pingyi::Options {
        today: Some(pingyi::Date::parse("2026-11-27").unwrap()),
        ..pingyi::Options::default()
    }
}

/// The example site's 2025 bundle, rewritten through `edit`, which gets each entry's name and
/// bytes in order and the writer.
fn rewritten_bundle(
    edit: impl Fn(&str, &[u8], &mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>),
) -> Vec<u8> {
    let site = TestSite::example();
    let bytes = pingyi::archive::archive(site.root(), 2025, &options_2026())
        .unwrap_or_else(|e| panic!("{}", describe(&e)))
        .bytes;
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..from.len() {
        let mut f = from.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        drop(f);
        edit(&name, &data, &mut to);
    }
    to.finish().unwrap().into_inner()
}

fn stored() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

fn verify(path: &Path) -> assert_cmd::assert::Assert {
    pingyi().arg("verify").arg(path).assert()
}

#[test]
fn verify_reports_a_name_held_twice_with_the_altered_copy_first() {
    // The writer refuses a name twice: the altered copy goes in under a name of the same
    // length, renamed in the bytes afterwards.
    let zip = rewritten_bundle(|name, data, to| {
        if name == "data/2025/items.json" {
            to.start_file("data/2025/items.jsoX", stored()).unwrap();
            to.write_all(b"[]").unwrap();
        }
        to.start_file(name, stored()).unwrap();
        to.write_all(data).unwrap();
    });
    let from = b"data/2025/items.jsoX";
    let mut zip = zip;
    let mut renamed = 0;
    for i in 0..zip.len() - from.len() {
        if &zip[i..i + from.len()] == from {
            zip[i + from.len() - 1] = b'n';
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "the local header and the central directory");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("2025.zip");
    std::fs::write(&path, zip).unwrap();
    verify(&path).code(1).stderr(
        contains("重名")
            .and(contains("data/2025/items.json"))
            .and(contains("不完好")),
    );
}

// Unix only: makes a symlink and a named pipe, which Windows allows only with administrator
// rights (and Wine not at all), or has not.
#[cfg(unix)]
#[test]
fn verify_reports_symlinks_and_other_non_files_in_a_zip_and_in_a_folder() {
    let zip = rewritten_bundle(|name, data, to| {
        to.start_file(name, stored()).unwrap();
        to.write_all(data).unwrap();
        if name == "index.html" {
            to.add_symlink("passwd.html", "/etc/passwd", stored())
                .unwrap();
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("2025.zip");
    std::fs::write(&path, &zip).unwrap();
    verify(&path)
        .code(1)
        .stderr(contains("passwd.html: 符号链接(归档包只应有普通文件)"));

    // Unpacked, with the manifest's files intact: a link to /etc/passwd and a pipe beside them.
    let dir = tmp.path().join("2025");
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    for i in 0..from.len() {
        let mut f = from.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        if f.is_symlink() {
            continue;
        }
        let dest = dir.join(&name);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        std::fs::write(dest, data).unwrap();
    }
    verify(&dir).code(0).stderr(contains("完好"));
    std::os::unix::fs::symlink("/etc/passwd", dir.join("2025/passwd.html")).unwrap();
    let fifo = std::ffi::CString::new(dir.join("pipe").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    verify(&dir).code(1).stderr(
        contains("2025/passwd.html: 符号链接(归档包只应有普通文件)")
            .and(contains("pipe: 不是普通文件(归档包只应有普通文件)")),
    );
}

// ---- serve cleans up; its overlay survives any error text ----

/// `pingyi serve` on a free port with its own temporary folder; the address and a channel of
/// its standard error lines.
#[cfg(unix)] // Used only by the Unix-only tests below.
fn serve(
    site: &TestSite,
    tmp: &Path,
) -> (
    std::process::Child,
    String,
    std::sync::mpsc::Receiver<String>,
) {
    let mut child = pingyi_process()
        .args(["serve", "--port", "0", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .env("TMPDIR", tmp)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve says where it listens");
    let start = line.find("http://").unwrap_or_else(|| panic!("{line}"));
    let addr = line[start + 7..].split('/').next().unwrap().to_string();
    (child, addr, rx)
}

/// Waits for a line of the server's that holds `needle`.
#[cfg(unix)] // Used only by the Unix-only tests below.
fn wait_line(rx: &std::sync::mpsc::Receiver<String>, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_secs(1))
            && line.contains(needle)
        {
            return;
        }
    }
    panic!("no line with {needle}");
}

#[cfg(unix)] // Used only by the Unix-only tests below.
fn get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = Vec::new();
    s.read_to_end(&mut body).unwrap();
    String::from_utf8_lossy(&body).into_owned()
}

#[cfg(unix)]
#[test]
fn serve_stopped_by_sigterm_or_sighup_leaves_no_copy_of_the_site() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let site = TestSite::valid();
        let tmp = tempfile::tempdir().unwrap();
        let (mut child, addr, rx) = serve(&site, tmp.path());
        wait_line(&rx, "首次生成");
        assert!(get(&addr, "/").contains("200 OK"));
        assert_eq!(names(tmp.path()).len(), 1, "the preview's copy of the site");
        // SAFETY: a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "signal {signal}: still running");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "signal {signal}: {status}");
        assert_eq!(names(tmp.path()), Vec::<String>::new(), "signal {signal}");
    }
}

#[cfg(unix)]
#[test]
fn the_overlay_script_survives_an_error_quoting_script_and_comment_markup() {
    let site = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace(
            "speaker: 李明华",
            "speker: \"<!--<script>alert(1)</script>\"",
        ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, addr, rx) = serve(&site, tmp.path());
    wait_line(&rx, "发现 1 个错误");
    let page = get(&addr, "/");
    let _ = child.kill();
    let _ = child.wait();
    let body = &page[page.find("\r\n\r\n").unwrap() + 4..];
    let doc = scraper::Html::parse_document(body);
    // The error is data, read back exactly.
    let data = texts(&doc, "script#pingyi-status[type=\"application/json\"]");
    assert_eq!(data.len(), 1, "{body}");
    let error: String = serde_json::from_str(&data[0]).unwrap();
    assert!(error.contains("<!--<script>alert(1)</script>"), "{error}");
    // The code is whole, and the page after it is still HTML, not script text.
    let code: Vec<String> = texts(&doc, "script:not([type])");
    assert_eq!(code.len(), 1, "{body}");
    assert!(code[0].ends_with("})();"), "{}", code[0]);
    assert_eq!(texts(&doc, "p"), ["网站尚未生成。"]);
}

// ---- File names reach the terminal escaped ----

#[cfg(unix)]
#[test]
fn file_names_with_control_characters_are_shown_escaped() {
    let bad = SPEECH.replace("speaker: 李明华", "speker: 李明华");
    let site = TestSite::valid()
        .file("content/2024/speeches/\x1b]0;pwned\x07.md", &bad)
        .file("content/2024/speeches/\x1b[2Kerase.md", &bad)
        .file("content/2024/speeches/\u{9b}2Jcsi.md", &bad);
    for cmd in ["check", "build"] {
        let out = pingyi()
            .args([cmd, "--today", "2024-11-27", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !err.chars().any(|c| c != '\n' && c.is_control()),
            "{cmd}: raw control characters reach the terminal: {err:?}"
        );
        for shown in [
            "content/2024/speeches/\\x1b]0;pwned\\x07.md:",
            "content/2024/speeches/\\x1b[2Kerase.md:",
            "content/2024/speeches/\\u{9b}2Jcsi.md:",
        ] {
            assert!(err.contains(shown), "{cmd}: {shown} not in {err}");
        }
    }
    // JSON escapes them all, C1 controls included, and reads back as the real names.
    let out = pingyi()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2024-11-27",
            "--root",
        ])
        .arg(site.root())
        .output()
        .unwrap();
    let json = String::from_utf8(out.stdout).unwrap();
    let json = json.trim_end();
    assert!(!json.chars().any(char::is_control), "{json:?}");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"content/2024/speeches/\u{9b}2Jcsi.md"),
        "{files:?}"
    );
}
