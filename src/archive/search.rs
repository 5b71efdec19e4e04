//! Search inside a year's bundle: the year's own index, each of its files wrapped as a script
//! the search page loads with `<script>` (a page opened from `file://` cannot `fetch`), and
//! results that open the bundle's pages. The index's bytes are a build's (docs/search.md):
//! only their wrapping differs, so the search core reads them unchanged.

use std::collections::BTreeMap;

use serde_json::Value;

use super::relink::{bundle_file, relative, site_path};
use crate::pipeline::BuildError;

/// The search page, rendered for the year alone.
const PAGE: &str = "search/index.html";
/// The attribute the search page reads its site's base path from.
const BASE_ATTR: &str = " data-search=\"";

/// Whether a file of the year site belongs to its search: the page and the index.
pub(super) fn wanted(path: &str) -> bool {
    path.starts_with("search/")
}

/// Turns the year's search files into the bundle's: each index file as a script
/// (`search/index/3.bin` → `search/index/3.bin.js`), each result's link to its page in the
/// bundle, and the search page told to load those scripts from the bundle's root. `files` must
/// already hold every page of the bundle, so the links can be checked against it.
pub(super) fn bundle_search(
    files: &mut BTreeMap<String, Vec<u8>>,
    base_url: &str,
) -> Result<(), BuildError> {
    let base_path = crate::site::base_path(base_url);
    let index: Vec<String> = files
        .keys()
        .filter(|p| wanted(p) && p.as_str() != PAGE)
        .cloned()
        .collect();
    for path in index {
        let Some(bytes) = files.remove(&path) else {
            continue;
        };
        let script = if path.ends_with(".bin") {
            put(&path, &format!("\"{}\"", base64(&bytes)))
        } else if path.ends_with(".json") {
            let mut value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| BuildError::Io(format!("{path} 不是有效的 JSON: {e}")))?;
            if path.starts_with("search/docs/") {
                link_result(&mut value, &base_path, base_url, files);
            }
            put(&path, &json_literal(&value))
        } else {
            // Not a file the search script reads: kept as it is.
            files.insert(path, bytes);
            continue;
        };
        files.insert(format!("{path}.js"), script.into_bytes());
    }
    if let Some(page) = files.get_mut(PAGE) {
        *page = scripted_page(&String::from_utf8_lossy(page)).into_bytes();
    }
    Ok(())
}

/// The script that hands the file `path` to the search script.
fn put(path: &str, data: &str) -> String {
    format!("PingyiSearch.put(\"{path}\",{data});\n")
}

/// A result's `url`, relative to the search page when the bundle holds its page; else the
/// live site's address, with `outside_archive` so the page marks it as the bundle's other
/// links to the live site are marked.
fn link_result(
    doc: &mut Value,
    base_path: &str,
    base_url: &str,
    files: &BTreeMap<String, Vec<u8>>,
) {
    let Some(url) = doc.get("url").and_then(Value::as_str) else {
        return;
    };
    let Some(path) = site_path(url, base_path) else {
        return;
    };
    let (target, suffix) = bundle_file(&path);
    if files.contains_key(crate::url::decode(&target).as_ref()) {
        doc["url"] = Value::from(format!("{}{suffix}", relative(PAGE, &target)));
    } else {
        doc["url"] = Value::from(format!("{base_url}{path}"));
        doc["outside_archive"] = Value::from(true);
    }
}

/// JSON as a script's expression. JSON is a subset of JavaScript since ES2019; U+2028 and
/// U+2029, which older engines take for line ends, are escaped all the same.
fn json_literal(value: &Value) -> String {
    value
        .to_string()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The search page with its base path the bundle's root, as seen from the page, and marked to
/// load the index by script.
fn scripted_page(html: &str) -> String {
    let Some(at) = html.find(BASE_ATTR) else {
        return html.to_string();
    };
    let start = at + BASE_ATTR.len();
    let Some(len) = html[start..].find('"') else {
        return html.to_string();
    };
    format!(
        "{}..\" data-search-load=\"script{}",
        &html[..start],
        &html[start + len..]
    )
}

/// Standard base64 (RFC 4648, with padding), which the browser's `atob` reads.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648s() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        assert_eq!(base64(&[0xFF, 0xFE, 0x00]), "//4A");
    }

    #[test]
    fn the_index_becomes_scripts_and_results_open_the_bundles_pages() {
        let mut files: BTreeMap<String, Vec<u8>> = [
            (
                PAGE,
                r#"<form action="/rd/search/" data-search="/rd">"#.as_bytes(),
            ),
            ("2025/speeches/a/index.html", b"<p>"),
            ("search/index/0.bin", b"PYS1"),
            ("search/meta.json", br#"{"version":1,"bits":0}"#),
            (
                "search/docs/0.json",
                r#"{"title":"讲话","url":"/rd/2025/speeches/a/"}"#.as_bytes(),
            ),
            (
                "search/docs/1.json",
                r#"{"title":"关于","url":"/rd/about/"}"#.as_bytes(),
            ),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
        bundle_search(&mut files, "https://x.cn/rd").unwrap();
        let text = |p: &str| String::from_utf8(files[p].clone()).unwrap();
        assert!(!files.contains_key("search/index/0.bin"));
        assert_eq!(
            text("search/index/0.bin.js"),
            "PingyiSearch.put(\"search/index/0.bin\",\"UFlTMQ==\");\n"
        );
        assert_eq!(
            text("search/meta.json.js"),
            "PingyiSearch.put(\"search/meta.json\",{\"bits\":0,\"version\":1});\n"
        );
        assert!(text("search/docs/0.json.js").contains(r#""url":"../2025/speeches/a/index.html""#));
        let outside = text("search/docs/1.json.js");
        assert!(
            outside.contains(r#""url":"https://x.cn/rd/about/""#),
            "{outside}"
        );
        assert!(outside.contains(r#""outside_archive":true"#), "{outside}");
        assert_eq!(
            text(PAGE),
            r#"<form action="/rd/search/" data-search=".." data-search-load="script">"#
        );
    }

    #[test]
    fn line_separators_are_escaped_for_older_engines() {
        let v = Value::from("a\u{2028}b");
        assert_eq!(json_literal(&v), "\"a\\u2028b\"");
    }
}
