//! Year archives: one review year filed away as a zip that browses from disk with no server,
//! with a manifest of SHA-256 checksums (DA/T 80-2019, GB/T 18894-2016), and the check of such
//! a bundle against its manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::bundle::FileEntry;
use crate::bundle::{Held, compare, entry, read_folder, read_zip, zip_files};
use crate::diagnostic::Diagnostic;
use crate::output::Content;
use crate::pipeline::{BuildError, Options, load_site};
use crate::site::{Page, Site};
use crate::theme::Theme;

/// The manifest's name inside the bundle.
pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "pingyi-archive/1";

/// A year's bundle, ready to write.
pub struct Bundle {
    pub year: i32,
    /// The zip file.
    pub bytes: Vec<u8>,
    /// Files in the bundle, the manifest not counted.
    pub files: usize,
    pub documents: usize,
}

/// `manifest.json`: what the bundle holds and what it was made from.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub generator: String,
    pub site: String,
    pub base_url: String,
    pub year: i32,
    /// The build's "today", ISO: the date the ledger's 逾期 flags were judged on.
    pub built: String,
    /// Every file of the bundle but the manifest, by path.
    pub files: Vec<FileEntry>,
    /// The source files the year was built from: `site.yaml` and its documents.
    pub sources: Vec<FileEntry>,
}

/// Builds the bundle of `year`: its documents, review cycle, rectification ledger and
/// department pages with that year's documents only, its archive index (also as the bundle's
/// `index.html`), attachments, the theme's assets and the year's open data. Links between
/// those are relative; links to anything else go to the live site and are marked.
pub fn archive(root: &Path, year: i32, opts: &Options) -> Result<Bundle, BuildError> {
    let (site, _) = load_site(root, opts).map_err(BuildError::Content)?;
    let pages: Vec<_> = site
        .pages
        .iter()
        .filter(|p| p.doc.year() == Some(year))
        .cloned()
        .collect();
    if pages.is_empty() {
        let years: BTreeSet<i32> = site.pages.iter().filter_map(|p| p.doc.year()).collect();
        let years: Vec<String> = years.iter().map(i32::to_string).collect();
        return Err(BuildError::Io(format!(
            "站点中没有 {year} 年度的文档(有文档的年度: {})",
            years.join("、")
        )));
    }
    let sources: Vec<_> = pages.iter().map(|p| p.doc.source.clone()).collect();
    let documents = pages.len();
    let mut files = year_files(root, &site, pages, year)?;

    let base_path = crate::site::base_path(&site.config.base_url);
    let held: BTreeSet<String> = files.keys().cloned().collect();
    for (path, bytes) in files.iter_mut() {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            *bytes = relink(&html, path, &base_path, &site.config.base_url, &held).into_bytes();
        }
    }

    let read = |src: &Path| read_source(root, src);
    let mut source_entries = vec![entry("site.yaml".into(), &read(Path::new("site.yaml"))?)];
    for src in &sources {
        let rel = crate::load::slash_path(src).to_string_lossy().into_owned();
        source_entries.push(entry(rel, &read(src)?));
    }
    source_entries.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        format: FORMAT.into(),
        generator: format!("pingyi {}", env!("CARGO_PKG_VERSION")),
        site: site.config.title.clone(),
        base_url: site.config.base_url.clone(),
        year,
        built: site.today.to_string(),
        files: files.iter().map(|(p, b)| entry(p.clone(), b)).collect(),
        sources: source_entries,
    };
    let count = files.len();
    let json = serde_json::to_string_pretty(&manifest).expect("plain data serialises") + "\n";
    files.insert(MANIFEST.to_string(), json.into_bytes());

    let bytes =
        zip_files(&files, zip_time(site.today)).map_err(|e| BuildError::Io(e.to_string()))?;
    Ok(Bundle {
        year,
        bytes,
        files: count,
        documents,
    })
}

/// The year's pages, rendered from the year alone, with the theme's files; the year's archive
/// page is also the bundle's start page, `index.html`.
fn year_files(
    root: &Path,
    site: &Site,
    pages: Vec<Arc<Page>>,
    year: i32,
) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    let theme = Theme::load(root, &site.config).map_err(BuildError::Content)?;
    let review_ids: Vec<String> = pages
        .iter()
        .filter_map(|p| match &p.doc.details {
            crate::document::Details::Review(r) => Some(r.id.clone()),
            _ => None,
        })
        .collect();
    let departments: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| p.doc.departments())
        .map(str::to_string)
        .collect();
    // The year alone: department pages and the ledger show that year as it stood.
    let year_site = Site {
        config: site.config.clone(),
        today: site.today,
        pages,
        tag_slugs: site.tag_slugs.clone(),
    };
    let outputs = crate::render::render(&year_site, &theme).map_err(|e| match e {
        crate::render::RenderError::Content(d) => BuildError::Content(d),
        crate::render::RenderError::Sink(e) => BuildError::Io(e.to_string()),
    })?;

    let start = format!("archive/{year}/index.html");
    let wanted = |path: &str| {
        path.starts_with(&format!("{year}/"))
            || path.starts_with(&format!("data/{year}/"))
            || path == "departments/index.html"
            || departments
                .iter()
                .any(|d| path.starts_with(&format!("departments/{d}/")))
            || path.starts_with("rectification-tracker/")
            || path == start
            || review_ids
                .iter()
                .any(|id| path.starts_with(&format!("reviews/{id}/")))
    };
    let read = |src: &Path| read_source(root, src);
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for o in outputs
        .into_iter()
        .filter(|o| wanted(&o.path))
        .chain(theme.static_outputs())
    {
        let bytes = match o.content {
            Content::Bytes(b) => b,
            Content::Copy(src) => read(&src)?,
        };
        files.insert(o.path, bytes);
    }
    let start_page = files
        .get(&start)
        .cloned()
        .ok_or_else(|| BuildError::Io(format!("没有生成 {start}")))?;
    files.insert("index.html".to_string(), start_page);
    Ok(files)
}

/// A file of the site, named relative to its root.
fn read_source(root: &Path, src: &Path) -> Result<Vec<u8>, BuildError> {
    std::fs::read(root.join(src))
        .map_err(|e| BuildError::Io(format!("无法读取 {}: {e}", src.display())))
}

/// The zip's one time for every entry: the build's date, so the same content and day give the
/// same bytes.
fn zip_time(day: crate::date::Date) -> zip::DateTime {
    let d = day.0;
    zip::DateTime::from_date_and_time(
        u16::try_from(d.year()).unwrap_or(1980).clamp(1980, 2107),
        d.month() as u8,
        d.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default()
}

/// Rewrites the site-absolute `href` and `src` values of `html`, a page at `at` in the
/// bundle: to a relative path where the bundle holds the target (a folder URL to its
/// `index.html`, as `file://` needs), else to the live site's address, marked with
/// `data-outside-archive`.
fn relink(
    html: &str,
    at: &str,
    base_path: &str,
    base_url: &str,
    held: &BTreeSet<String>,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    loop {
        let next = [" href=\"", " src=\"", " action=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min();
        let Some((i, len)) = next else {
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
                let cut = path.find(['#', '?']).unwrap_or(path.len());
                let (file_url, suffix) = path.split_at(cut);
                let target = if file_url.ends_with('/') {
                    format!("{}index.html", &file_url[1..])
                } else {
                    file_url[1..].to_string()
                };
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

/// `/x/y/` (after the site's base path) for a site-absolute URL; `None` for any other.
fn site_path(value: &str, base_path: &str) -> Option<String> {
    if value.starts_with("//") {
        return None;
    }
    let path = value.strip_prefix(base_path)?;
    path.starts_with('/').then(|| path.to_string())
}

/// The path from the folder of `from` to `to`, both relative to the bundle's root.
fn relative(from: &str, to: &str) -> String {
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

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    pub year: i32,
    pub checked: usize,
    /// In the manifest, not in the bundle.
    pub missing: Vec<String>,
    /// In the bundle, not in the manifest.
    pub extra: Vec<String>,
    /// Size or SHA-256 differ from the manifest.
    pub altered: Vec<String>,
    /// Names the zip holds more than once: an unzip tool may keep either copy, so the one
    /// checked is not necessarily the one read.
    pub duplicated: Vec<String>,
    /// Entries that are not plain files (symlinks, devices, pipes), with what they are: a
    /// bundle holds files only, and a link can lead anywhere (`/etc/passwd`).
    pub not_files: Vec<(String, &'static str)>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.altered.is_empty()
            && self.duplicated.is_empty()
            && self.not_files.is_empty()
    }
}

/// Checks a bundle (the zip, or the folder it was unpacked to) against its `manifest.json`.
/// Besides the files' bytes, a bundle must hold plain files only, each name once.
pub fn verify(path: &Path) -> Result<Verification, Diagnostic> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    let mut held = Held::default();
    if path.is_dir() {
        read_folder(path, &mut held)?;
    } else {
        read_zip(path, &mut held, &|_| Some(u64::MAX))?;
    }
    let Held {
        mut files,
        duplicated,
        not_files,
        ..
    } = held;
    let manifest = files
        .remove(MANIFEST)
        .ok_or_else(|| fail(format!("归档包中没有 {MANIFEST},无法校验")))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|e| fail(format!("{MANIFEST} 无法解析: {e}")))?;
    if manifest.format != FORMAT {
        return Err(fail(format!(
            "{MANIFEST} 的格式是 `{}`,本程序只认 `{FORMAT}`",
            manifest.format
        )));
    }
    let found: Vec<FileEntry> = files.iter().map(|(p, b)| entry(p.clone(), b)).collect();
    let d = compare(&manifest.files, &found);
    Ok(Verification {
        year: manifest.year,
        checked: manifest.files.len(),
        duplicated: duplicated
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        not_files,
        missing: d.missing,
        altered: d.altered,
        extra: d.extra,
    })
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
