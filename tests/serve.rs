//! The preview server: status codes, content types, traversal attempts, the reload script and
//! the error overlay, including when the very first build fails.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pingyi::serve::{ServeEvent, ServeOptions, serve};

use crate::support::*;

struct Server {
    addr: String,
    stop: Arc<AtomicBool>,
    builds: mpsc::Receiver<bool>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Server {
    /// Starts a server and waits for its first build to succeed.
    fn start(site: &TestSite) -> Server {
        let s = Server::spawn(site);
        assert!(s.next_build(), "first build");
        s
    }

    /// Starts a server; the first build's outcome is the first `next_build`.
    fn spawn(site: &TestSite) -> Server {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (btx, brx) = mpsc::channel();
        let root = site.root().to_path_buf();
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let sopts = ServeOptions {
                bind: "127.0.0.1".parse().unwrap(),
                port: 0,
                poll: false,
            };
            serve(
                &root,
                TestSite::options(),
                &sopts,
                flag,
                move |ev| match ev {
                    ServeEvent::Listening(url) => {
                        let _ = tx.send(url);
                    }
                    ServeEvent::Build(b) => {
                        let _ = btx.send(matches!(b, pingyi::watch::WatchEvent::Built { .. }));
                    }
                },
            )
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server listening");
        let addr = url.trim_start_matches("http://").to_string();
        Server {
            addr,
            stop,
            builds: brx,
            thread: Some(thread),
        }
    }

    /// Waits for the next build; true if it succeeded.
    fn next_build(&self) -> bool {
        self.builds
            .recv_timeout(Duration::from_secs(30))
            .expect("a build")
    }

    /// A raw GET, so that paths reach the server exactly as written.
    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head[9..12].parse().unwrap();
        let ctype = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(str::to_string)
            })
            .unwrap_or_default();
        (status, ctype, raw[split + 4..].to_vec())
    }

    fn text(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.get(path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn with_attachments() -> TestSite {
    let fm = "attachments:\n  - {title: 方案, file: plan.ofd}\n  - {title: 说明, file: plan.docx}\n  - {title: 台账, file: plan.xlsx}\n  - {title: 全文, file: plan.pdf}\n---\n方案";
    TestSite::valid()
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("---\n方案", fm),
        )
        .bytes("content/2024/notices/plan.ofd", b"ofd")
        .bytes("content/2024/notices/plan.docx", b"docx")
        .bytes("content/2024/notices/plan.xlsx", b"xlsx")
        .bytes("content/2024/notices/plan.pdf", b"%PDF")
}

#[test]
fn status_codes_and_content_types() {
    let site = with_attachments();
    let server = Server::start(&site);
    let (status, ctype, _) = server.get("/");
    assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"));
    let (status, body) = server.text("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面未找到"), "the site's own 404.html");
    let (status, _, _) = server.get("/reviews");
    assert_eq!(status, 301);
    for (file, ctype) in [
        ("plan.ofd", "application/ofd"),
        (
            "plan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "plan.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("plan.pdf", "application/pdf"),
    ] {
        let (status, got, _) = server.get(&format!("/2024/notices/plan/{file}"));
        assert_eq!((status, got.as_str()), (200, ctype), "{file}");
    }
    assert_eq!(server.get("/assets/site.css").1, "text/css; charset=utf-8");
    assert_eq!(server.get("/feed.xml").1, "application/xml; charset=utf-8");
}

#[test]
fn traversal_attempts_are_refused() {
    let site = TestSite::valid().file("secret.txt", "机密");
    let server = Server::start(&site);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%00",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
    ] {
        let (status, body) = server.text(path);
        assert!(
            status == 403 || status == 404 || status == 400,
            "{path}: {status}"
        );
        assert!(
            !body.contains("机密") && !body.contains("root:"),
            "{path} leaked"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_built_site_are_not_followed() {
    // A symlink placed in the site's static/ is copied as a file by the build, so plant one
    // in the served folder itself through a static file that is a symlink to a directory.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "机密").unwrap();
    let site = TestSite::valid();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("static/out")).unwrap();
    let server = Server::start(&site);
    let (_, body) = server.text("/out/secret.txt");
    assert!(!body.contains("机密"));
}

#[test]
fn pages_get_the_reload_script_and_links_to_the_preview() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    let (_, body) = server.text("/2024/notices/plan/");
    assert!(body.contains("new EventSource(\"/__pingyi/events\")"));
    let script = body.find("EventSource").unwrap();
    assert!(
        script < body.rfind("</body>").unwrap(),
        "script inside the body"
    );
    assert!(
        body.contains(&format!(
            "href=\"http://{}/2024/notices/plan/\"",
            server.addr
        )),
        "canonical points at the preview"
    );
    assert!(!body.contains("rd.example.gov.cn"));
    let (_, css) = server.text("/assets/site.css");
    assert!(!css.contains("EventSource"), "only HTML gets the script");
}

#[test]
fn a_failed_build_shows_an_overlay_until_fixed() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    std::fs::write(
        site.root().join("content/2024/notices/plan.md"),
        NOTICE.replace("date: 2024-02-10", "date: 2024-02-30"),
    )
    .unwrap();
    assert!(!server.next_build());
    let (status, body) = server.text("/");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(
        body.contains("content/2024/notices/plan.md:4:7"),
        "overlay with file and line"
    );
    assert!(body.contains("2024-02-30"));

    std::fs::write(site.root().join("content/2024/notices/plan.md"), NOTICE).unwrap();
    assert!(server.next_build());
    let (_, body) = server.text("/");
    assert!(body.contains("var first=null"));
}

#[test]
fn the_server_starts_even_when_the_first_build_fails() {
    let site = TestSite::valid().file("content/2024/notices/plan.md", "---\ntitle: 没有结尾\n");
    let server = Server::spawn(&site);
    assert!(!server.next_build());
    let (status, body) = server.text("/");
    assert_eq!(status, 500);
    assert!(body.contains("content/2024/notices/plan.md:1:1"), "{body}");
    assert!(body.contains("EventSource"), "reloads by itself when fixed");

    std::fs::write(site.root().join("content/2024/notices/plan.md"), NOTICE).unwrap();
    assert!(server.next_build());
    let start = Instant::now();
    let (status, _) = server.text("/");
    assert_eq!(status, 200, "after {:?}", start.elapsed());
}

#[test]
fn events_stream_tells_pages_to_reload() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET /__pingyi/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    std::fs::write(
        site.root().join("content/2024/notices/plan.md"),
        NOTICE.replace("方案正文。", "新的"),
    )
    .unwrap();
    while !seen.contains("\"generation\":2") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"));
}
