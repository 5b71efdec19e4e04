//! Links in an archived page: to a relative path where the bundle holds the target, so the
//! bundle browses from `file://`; to the live site, marked, where it does not.

use std::collections::BTreeSet;

/// Rewrites the site-absolute `href` and `src` values of `html`, a page at `at` in the
/// bundle: to a relative path where the bundle holds the target (a folder URL to its
/// `index.html`, as `file://` needs), else to the live site's address, marked with
/// `data-outside-archive`.
pub(super) fn relink(
    html: &str,
    at: &str,
    base_path: &str,
    base_url: &str,
    held: &BTreeSet<String>,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    loop {
        let Some((i, len)) = next_attribute(rest) else {
            out.push_str(rest);
            return out;
        };
        let value_start = i + len;
        out.push_str(&rest[..value_start]);
        let Some(value_len) = rest[value_start..].find('"') else {
            out.push_str(&rest[value_start..]);
            return out;
        };
        let value = &rest[value_start..value_start + value_len];
        rest = &rest[value_start + value_len..];
        match site_path(value, base_path) {
            None => out.push_str(value),
            Some(path) => {
                let (target, suffix) = bundle_file(&path);
                // File names are percent-encoded in URLs, and held as they are.
                if held.contains(crate::url::decode(&target).as_ref()) {
                    out.push_str(&relative(at, &target));
                    out.push_str(suffix);
                } else {
                    out.push_str(base_url);
                    out.push_str(&path);
                    out.push('"');
                    out.push_str(" data-outside-archive=\"\"");
                    rest = &rest[1..];
                }
            }
        }
    }
}

/// The file a site path (`/x/y/#h`) names, relative to the bundle's root (`x/y/index.html`,
/// still percent-encoded), and what follows it (`#h`).
pub(super) fn bundle_file(path: &str) -> (String, &str) {
    let cut = path.find(['#', '?']).unwrap_or(path.len());
    let (file_url, suffix) = path.split_at(cut);
    let file_url = file_url.strip_prefix('/').unwrap_or(file_url);
    let target = if file_url.ends_with('/') || file_url.is_empty() {
        format!("{file_url}index.html")
    } else {
        file_url.to_string()
    };
    (target, suffix)
}

/// Where the first ` href="`, ` src="` or ` action="` of `html` starts, and its length. One pass
/// over `html`: searching for each in turn from every link would read a long page (a
/// catalogue of a thousand rows) again for every link on it.
fn next_attribute(html: &str) -> Option<(usize, usize)> {
    html.match_indices("=\"").find_map(|(eq, _)| {
        [" href", " src", " action"]
            .iter()
            .find(|a| html[..eq].ends_with(*a))
            .map(|a| (eq - a.len(), a.len() + 2))
    })
}

/// `/x/y/` (after the site's base path) for a site-absolute URL; `None` for any other.
pub(super) fn site_path(value: &str, base_path: &str) -> Option<String> {
    if value.starts_with("//") {
        return None;
    }
    let path = value.strip_prefix(base_path)?;
    path.starts_with('/').then(|| path.to_string())
}

/// The path from the folder of `from` to `to`, both relative to the bundle's root.
pub(super) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_page_folder() {
        assert_eq!(
            relative("2025/speeches/a/index.html", "2025/speeches/b/index.html"),
            "../b/index.html"
        );
        assert_eq!(
            relative("2025/speeches/a/index.html", "assets/site.css"),
            "../../../assets/site.css"
        );
        assert_eq!(
            relative("index.html", "archive/2025/index.html"),
            "archive/2025/index.html"
        );
    }

    #[test]
    fn links_inside_become_relative_and_others_go_to_the_live_site() {
        let held: BTreeSet<String> = ["2025/a/x/index.html", "assets/site.css", "index.html"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let html = r##"<link href="/assets/site.css"><a href="/2025/a/x/#h2">x</a> <a href="/speeches/">s</a> <a href="https://other.cn/">o</a> <a href="#top">t</a> <img src="/2025/a/x/missing.png">"##;
        let out = relink(html, "2025/a/y/index.html", "", "https://rd.gov.cn", &held);
        assert_eq!(
            out,
            r##"<link href="../../../assets/site.css"><a href="../x/index.html#h2">x</a> <a href="https://rd.gov.cn/speeches/" data-outside-archive="">s</a> <a href="https://other.cn/">o</a> <a href="#top">t</a> <img src="https://rd.gov.cn/2025/a/x/missing.png" data-outside-archive="">"##
        );
    }

    #[test]
    fn a_base_path_is_taken_off_before_looking_up() {
        let held: BTreeSet<String> = ["index.html".to_string()].into();
        let out = relink(
            r#"<a href="/rd/">首页</a>"#,
            "index.html",
            "/rd",
            "https://x.cn/rd",
            &held,
        );
        assert_eq!(out, r#"<a href="index.html">首页</a>"#);
    }
}
