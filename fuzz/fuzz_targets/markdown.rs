//! Markdown rendering with link rewriting, as the site assembles it: no panic, problem offsets
//! that point into the body, and, with raw HTML off, no element or link that can run script.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pingyi::markdown::{LinkTarget, RefKind, is_dangerous_url, render};
use pingyi::site::join_relative;

/// Every `href`/`src` value in `html`, entities decoded as a browser would.
fn urls(html: &str) -> Vec<String> {
    let mut v = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            v.push(
                rest[..end]
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            );
        }
    }
    v
}

fuzz_target!(|input: (bool, &str)| {
    let (unsafe_html, body) = input;
    let dir = Path::new("content/2024/notices");
    // Documents and images alike: a URL inside the site, or broken.
    let resolve = |_: RefKind, p: &str| match join_relative(dir, p) {
        Some(t) if t.starts_with("content") => LinkTarget::Url(format!("/{}/", t.display())),
        _ => LinkTarget::broken(format!("链接的文件 `{p}` 不存在")),
    };
    let r = render(body, unsafe_html, &resolve);
    for p in &r.problems {
        assert!(p.offset <= body.len() && body.is_char_boundary(p.offset));
    }
    if !unsafe_html {
        let lower = r.html.to_ascii_lowercase();
        for tag in [
            "<script", "<iframe", "<object", "<embed", "<style", "<svg", "<form",
        ] {
            assert!(!lower.contains(tag), "{tag} in {}", r.html);
        }
        assert!(no_handler(&lower), "event handler in {}", r.html);
        for url in urls(&r.html) {
            assert!(!is_dangerous_url(&url), "{url} in {}", r.html);
        }
    }
});

/// No `on…=` event-handler attribute inside a tag (outside quoted values).
fn no_handler(html: &str) -> bool {
    let (mut in_tag, mut in_quote) = (false, false);
    let b = html.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'"' if in_tag => in_quote = !in_quote,
            b'<' if !in_quote => in_tag = true,
            b'>' if !in_quote => in_tag = false,
            b' ' if in_tag && !in_quote && html[i + 1..].starts_with("on") => {
                let name: String = html[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if html[i + 1 + name.len()..].starts_with('=') {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}
