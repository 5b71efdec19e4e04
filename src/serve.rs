//! The preview server: `watch` into a temporary folder, serve it on 127.0.0.1 with the right
//! content types, reload open pages after each build, and show the diagnostics over every page
//! while the latest build has failed. Never serves a file outside the built site.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::watch as channel;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

use crate::pipeline::Options;
use crate::watch::{WatchEvent, WatchOptions, watch};

const EVENTS_PATH: &str = "/__pingyi/events";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub poll: bool,
}

/// What the server tells its caller.
#[derive(Debug)]
pub enum ServeEvent {
    /// The server listens; the preview is at this address.
    Listening(String),
    Build(WatchEvent),
}

/// The state every open page follows.
#[derive(Debug, Clone, Default, Serialize)]
struct Status {
    /// Counts successful builds: a page from an older one reloads.
    generation: u64,
    /// The diagnostics of the latest build, if it failed.
    error: Option<String>,
}

struct Shared {
    site: PathBuf,
    status: channel::Receiver<Status>,
}

/// Content types by extension; the documents offices publish included.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "ofd" => "application/ofd",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "zip" => "application/zip",
        "wps" => "application/vnd.ms-works",
        _ => "application/octet-stream",
    }
}

/// Where a request path leads inside `site`.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its slash: redirect so relative links work.
    AddSlash,
    NotFound,
    /// `..`, an absolute path, a NUL, or a symlink out of the site.
    Forbidden,
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Maps a URL path to a file of `site`, refusing anything that would leave it.
pub fn resolve(site: &Path, url_path: &str) -> Resolved {
    let Some(bytes) = percent_decode(url_path) else {
        return Resolved::Forbidden;
    };
    let Ok(decoded) = String::from_utf8(bytes) else {
        return Resolved::Forbidden;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Resolved::Forbidden;
    }
    // On Windows a colon names a drive (`C:`) or a file's alternate stream (`index.html::$DATA`,
    // the same file under another name): no URL of a built site has one.
    if cfg!(windows) && decoded.contains(':') {
        return Resolved::Forbidden;
    }
    let mut rel = PathBuf::new();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut comps = Path::new(seg).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(c)), None) => rel.push(c),
            (Some(Component::CurDir), None) => {}
            _ => return Resolved::Forbidden,
        }
    }
    let mut path = site.join(&rel);
    if path.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::AddSlash;
        }
        path.push("index.html");
    }
    if !path.is_file() {
        return Resolved::NotFound;
    }
    let inside = path
        .canonicalize()
        .ok()
        .zip(site.canonicalize().ok())
        .is_some_and(|(p, s)| p.starts_with(s));
    if inside {
        Resolved::File(path)
    } else {
        Resolved::Forbidden
    }
}

/// The script every HTML page gets: reload after a build, an overlay while a build fails.
/// The error text (which quotes the site's files, and so may say `</script>` or `<!--<script`)
/// is data, not code: JSON in an element of its own just before the script (found as its
/// sibling: a page may have its own element of that id), every `<`, `>` and `&` escaped, so
/// no text can end the element or change how the HTML parser reads it.
fn client_script(status: &Status) -> String {
    let error = serde_json::to_string(&status.error)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let code = CLIENT
        .trim_end()
        .replace("__GENERATION__", &status.generation.to_string())
        .replace("__EVENTS__", EVENTS_PATH);
    format!(
        r#"<script type="application/json" id="pingyi-status">{error}</script><script>{code}</script>"#
    )
}

/// The page's side of the preview: reload after a build; while a build fails, an opaque
/// dialog with the errors (read aloud as an alert, closed with Esc or its button, then a
/// button to open it again).
const CLIENT: &str = include_str!("serve/client.js");

/// Puts `script` before `</body>` (or at the end).
pub fn inject(html: &str, script: &str) -> String {
    let lower = html.to_ascii_lowercase();
    match lower.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &html[..i], &html[i..]),
        None => format!("{html}{script}"),
    }
}

fn html_response(status: StatusCode, html: String) -> Response {
    let mut r = Response::new(Body::from(html));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_cache(r)
}

fn no_cache(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn file(path: &Path, status: StatusCode, live: &Status) -> Response {
    let Ok(bytes) = tokio::fs::read(path).await else {
        return (StatusCode::NOT_FOUND, "未找到").into_response();
    };
    let ctype = content_type(path);
    if ctype.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        return html_response(status, inject(&html, &client_script(live)));
    }
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    no_cache(r)
}

async fn files(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let live = shared.status.borrow().clone();
    match resolve(&shared.site, uri.path()) {
        Resolved::File(p) => file(&p, StatusCode::OK, &live).await,
        Resolved::AddSlash => {
            // From the path's own segments: `//host` must not become a redirect to another
            // site (a browser reads `//host/` as an address on another server).
            let to = format!("/{}/", uri.path().trim_matches('/'));
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Resolved::Forbidden => (StatusCode::FORBIDDEN, "禁止访问站点之外的文件").into_response(),
        Resolved::NotFound => {
            let page = shared.site.join("404.html");
            if page.is_file() {
                file(&page, StatusCode::NOT_FOUND, &live).await
            } else {
                // No site yet: the very first build failed. Show why; reload when fixed.
                let html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正在生成</title></head><body><p>网站尚未生成。</p></body></html>";
                let code = if live.error.is_some() {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NOT_FOUND
                };
                html_response(code, inject(html, &client_script(&live)))
            }
        }
    }
}

async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let stream = WatchStream::new(shared.status.clone()).map(|s| {
        Ok::<Event, Infallible>(
            Event::default().data(serde_json::to_string(&s).unwrap_or_default()),
        )
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Binds, builds, serves and rebuilds until `stop` is set. Every build and the address are
/// reported through `on_event`.
pub fn serve(
    root: &Path,
    mut opts: Options,
    sopts: &ServeOptions,
    stop: Arc<AtomicBool>,
    mut on_event: impl FnMut(ServeEvent) + Send + 'static,
) -> Result<(), String> {
    let addr = SocketAddr::new(sopts.bind, sopts.port);
    let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            format!(
                "端口 {} 已被占用(也许另一个 pingyi serve 正在运行);请用 --port 换一个端口",
                sopts.port
            )
        }
        _ => format!("无法监听 {addr}: {e}"),
    })?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let host = match local.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{}", local.port());
    // Links in the preview point at the preview, not at the published site.
    opts.base_url = Some(url.clone());

    let tmp = tempfile::Builder::new()
        .prefix("pingyi-serve-")
        .tempdir()
        .map_err(|e| format!("无法创建临时目录: {e}"))?;
    let site = tmp.path().join("site");
    let (tx, rx) = channel::channel(Status::default());

    on_event(ServeEvent::Listening(url));
    let watcher = {
        let root = root.to_path_buf();
        let site = site.clone();
        let stop = Arc::clone(&stop);
        let wopts = WatchOptions { poll: sopts.poll };
        std::thread::spawn(move || {
            let result = watch(&root, &site, opts, &wopts, &stop, |ev| {
                tx.send_modify(|s| match &ev {
                    WatchEvent::Built { .. } => {
                        s.generation += 1;
                        s.error = None;
                    }
                    WatchEvent::Failed { diagnostics, .. } => {
                        s.error = Some(
                            diagnostics
                                .iter()
                                .filter(|d| d.is_error())
                                .map(|d| d.to_string())
                                .collect::<Vec<_>>()
                                .join("\n\n"),
                        );
                    }
                    WatchEvent::WriteFailed { message, .. } => s.error = Some(message.clone()),
                });
                on_event(ServeEvent::Build(ev));
            });
            // The loop only ends early on a watcher failure; the server must stop too.
            stop.store(true, Ordering::SeqCst);
            result
        })
    };

    let shared = Arc::new(Shared { site, status: rx });
    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(get(files))
        .with_state(shared);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        let stop = Arc::clone(&stop);
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                while !stop.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await
            .map_err(|e| e.to_string())
    });
    // Open event streams never end by themselves: do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    let watched = watcher
        .join()
        .unwrap_or_else(|_| Err("监视线程异常退出".into()));
    drop(tmp);
    served.and(watched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_of_office_documents() {
        assert_eq!(content_type(Path::new("a.ofd")), "application/ofd");
        assert!(content_type(Path::new("a.DOCX")).contains("wordprocessingml"));
        assert!(content_type(Path::new("a.xlsx")).contains("spreadsheetml"));
        assert_eq!(content_type(Path::new("a.pdf")), "application/pdf");
        assert_eq!(
            content_type(Path::new("a.unknown")),
            "application/octet-stream"
        );
    }

    #[test]
    fn paths_never_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("a")).unwrap();
        std::fs::write(site.join("a/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        assert_eq!(
            resolve(&site, "/a/"),
            Resolved::File(site.join("a/index.html"))
        );
        assert_eq!(resolve(&site, "/a"), Resolved::AddSlash);
        assert_eq!(resolve(&site, "/b/"), Resolved::NotFound);
        for bad in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/a%5c..%5c..%5csecret.txt",
            "/%00",
        ] {
            assert_eq!(resolve(&site, bad), Resolved::Forbidden, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt"))
                .unwrap();
            assert_eq!(resolve(&site, "/link.txt"), Resolved::Forbidden);
        }
    }

    #[test]
    fn script_goes_before_the_body_ends_and_cannot_break_out() {
        let s = Status {
            generation: 3,
            error: Some("</script><b>x".into()),
        };
        let page = inject("<html><body><p>正文</p></BODY></html>", &client_script(&s));
        assert!(page.contains("var gen=3"));
        assert!(page.ends_with("</script></BODY></html>"));
        assert!(!page.contains("</script><b>"));
    }
}
