//! Year archives: one review year filed away as a zip that browses from disk with no server,
//! with a manifest of SHA-256 checksums (DA/T 80-2019, GB/T 18894-2016), and the check of such
//! a bundle against its manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod relink;
mod search;
mod verify;

pub use crate::bundle::FileEntry;
pub use verify::{Verification, verify};

use crate::bundle::{entry, zip_files};
use crate::output::Content;
use crate::pipeline::{BuildError, Options, load_site};
use crate::site::{Page, Site};
use crate::theme::Theme;
use relink::relink;

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

/// The year's pages, rendered from the year alone, with the theme's files and the year's own
/// search; the year's archive page is also the bundle's start page, `index.html`.
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
            || search::wanted(path)
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
    // The year's own search, loaded by script so it works from disk.
    search::bundle_search(&mut files, &site.config.base_url)?;
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
