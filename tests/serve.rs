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
        Server::spawn_with(site, TestSite::options())
    }

    /// [`Server::spawn`] with these build options.
    fn spawn_with(site: &TestSite, options: pingyi::Options) -> Server {
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
            serve(&root, options, &sopts, flag, move |ev| match ev {
                ServeEvent::Listening(url) => {
                    let _ = tx.send(url);
                }
                ServeEvent::Build(b) => {
                    let _ = btx.send(matches!(b, pingyi::watch::WatchEvent::Built { .. }));
                }
            })
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
        Server::get_from(&self.addr, path)
    }

    /// Sends `request` as it is; returns the status and the head of the answer. The server may
    /// close the connection before reading everything: that is an answer too.
    fn raw(&self, request: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(request.as_bytes());
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
            if raw.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        let head = String::from_utf8_lossy(&raw).into_owned();
        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head)
    }

    fn get_from(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
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
    for (path, expected) in [
        ("/../secret.txt", 403),
        ("/../../secret.txt", 403),
        ("/2024/../../secret.txt", 403),
        ("/%2e%2e/secret.txt", 403),
        ("/%2E%2E%2Fsecret.txt", 403),
        ("/.%2e/secret.txt", 403),
        ("/assets/..%2f..%2fsecret.txt", 403),
        ("/..%5csecret.txt", 403),
        ("/..\\secret.txt", 403),
        ("/%5c..%5csecret.txt", 403),
        ("/%00", 403),
        ("/index.html%00.txt", 403),
        ("/%zz", 403),
        ("/%c0%ae%c0%ae/secret.txt", 403),
        ("//etc/passwd", 404),
        ("/%2fetc%2fpasswd", 404),
        // On Windows a colon names a drive or a file's hidden stream: refused outright.
        ("/C:/Windows/win.ini", if cfg!(windows) { 403 } else { 404 }),
        ("/index.html::$DATA", if cfg!(windows) { 403 } else { 404 }),
        ("/CON", 404),
        ("/2024/NUL.html", 404),
    ] {
        let (status, body) = server.text(path);
        assert_eq!(status, expected, "{path}");
        assert!(
            !body.contains("机密") && !body.contains("root:"),
            "{path} leaked"
        );
    }
    // Raw bytes hyper itself refuses before any handler sees them.
    for raw in ["GET /\0 HTTP/1.1", "GET ../secret.txt HTTP/1.1"] {
        let (status, _) = server.raw(&format!("{raw}\r\nHost: x\r\n\r\n"));
        assert_eq!(status, 400, "{raw}");
    }
    // An absolute-form target is a path like any other.
    let (status, body) = server.raw(&format!(
        "GET http://{}/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert_eq!(status, 403);
    assert!(!body.contains("机密"));
}

#[test]
fn a_folder_without_its_slash_redirects_within_the_preview() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    for (path, location) in [
        ("/reviews", "/reviews/"),
        ("//reviews", "/reviews/"),
        ("///2024", "/2024/"),
        ("/2024/notices", "/2024/notices/"),
    ] {
        let (status, head) = server.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(status, 301, "{path}");
        assert!(
            head.contains(&format!("\r\nlocation: {location}\r\n")),
            "{path}: {head}"
        );
    }
}

#[test]
fn oversized_requests_are_refused_and_the_server_stays_up() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    // A megabyte of headers.
    let header = format!("X-Junk: {}\r\n", "a".repeat(8192)).repeat(128);
    let (status, _) = server.raw(&format!("GET / HTTP/1.1\r\nHost: x\r\n{header}\r\n"));
    assert_eq!(status, 431);
    // One header line of a megabyte.
    let (status, _) = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: x\r\nCookie: {}\r\n\r\n",
        "a".repeat(1 << 20)
    ));
    assert_eq!(status, 431);
    // A megabyte of path.
    let (status, _) = server.raw(&format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a/".repeat(1 << 19)
    ));
    assert_eq!(status, 431);
    // Many headers, each small.
    let (status, _) = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: x\r\n{}\r\n",
        "X-A: b\r\n".repeat(1000)
    ));
    assert_eq!(status, 431);
    // A body announced as 10 GB, to a server that takes none.
    let (status, _) = server.raw(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\nabc",
    );
    assert_eq!(status, 405);
    // Not HTTP at all.
    let (status, _) = server.raw("\x16\x03\x01\x02\x00\x01\x00\x01\x7f\x03\x03\r\n\r\n");
    assert_eq!(status, 400);
    assert_eq!(server.text("/").0, 200, "still serving");
}

#[test]
fn many_connections_at_once_are_all_answered() {
    let site = TestSite::valid();
    let server = Server::start(&site);
    // Idle connections that never send a request (slowloris) take no one's turn.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for i in 0..25 {
                    let path =
                        ["/", "/2024/notices/plan/", "/assets/site.css", "/nope/"][(t + i) % 4];
                    statuses.push((path, Server::get_from(&addr, path).0));
                }
                statuses
            })
        })
        .collect();
    let mut answered = 0;
    for t in threads {
        for (path, status) in t.join().unwrap() {
            let expected = if path == "/nope/" { 404 } else { 200 };
            assert_eq!(status, expected, "{path}");
            answered += 1;
        }
    }
    assert_eq!(answered, 400);
    drop(idle);
    assert_eq!(server.text("/").0, 200, "still serving");
}

// Unix only: makes symlinks, which Windows allows only with administrator rights or
// developer mode (and Wine not at all).
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
    // A slow machine (qemu-user in CI) may read the save half-written and fail a build first:
    // the fix shows within a few builds.
    assert!((0..5).any(|_| server.next_build()), "the fix recovers");
    let (_, body) = server.text("/");
    assert!(body.contains(r#"<script type="application/json" id="pingyi-status">null</script>"#));
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

/// What `pingyi serve` previews by default: drafts and scheduled documents, each marked on its
/// page, which `build` never publishes.
#[test]
fn a_preview_shows_drafts_and_scheduled_documents_marked_as_such() {
    let draft = SPEECH.replace("tags: [工作评议]", "tags: [工作评议]\ndraft: true");
    let scheduled = NOTICE.replace("date: 2024-", "date: 2099-");
    assert_ne!(scheduled, NOTICE, "the notice is dated in 2024");
    let site = TestSite::valid()
        .file("content/2024/speeches/mobilization.md", &draft)
        .file("content/2099/notices/later.md", &scheduled);
    let preview = pingyi::Options {
        drafts: true,
        ..TestSite::options()
    };
    let server = Server::spawn_with(&site, preview);
    assert!(server.next_build(), "first build");
    let (status, _, body) = server.get("/2024/speeches/mobilization/");
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>草稿</strong>本文带有 draft: true"),
        "{page}"
    );
    let (status, _, body) = server.get("/2099/notices/later/");
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>定时发布</strong>本文将于 2099-"),
        "{page}"
    );
    // A published document carries no notice.
    let (_, _, body) = server.get("/2024/rectifications/transport/");
    assert!(!String::from_utf8(body).unwrap().contains("preview-notice"));
    drop(server);

    // `build` publishes neither, and nothing says 草稿.
    let site = site.built();
    assert!(!site.out().join("2024/speeches/mobilization").exists());
    assert!(!site.out().join("2099/notices/later").exists());
}
