//! Year archives: one review year filed away as a zip that browses from disk with no server,
//! with each document's 档号, catalogue, metadata and sources, a manifest of SHA-256 and SM3
//! digests (DA/T 80-2019, GB/T 18894-2016) signed with SM2 when asked, and the check of such a
//! bundle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

mod catalogue;
mod checks;
mod keys;
mod metadata;
mod relink;
mod search;
mod settings;
mod sign;
mod verify;

pub use crate::bundle::FileEntry;
pub use catalogue::{Catalogue, Row};
pub use keys::{
    DISTINGUISHING_ID, Fingerprint, KeyFiles, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PublicKey,
    SigningKey, write_key_pair,
};
pub use settings::{ArchiveSettings, Retention};
pub use sign::{SIGNATURE, SignatureCheck};
pub use verify::{Property, Verification, verify};

use crate::bundle::{entry_sm3, zip_files};
use crate::output::Content;
use crate::pipeline::{BuildError, Options, load_site};
use crate::site::Site;
use crate::theme::Theme;
use catalogue::{CATALOGUE_CSV, CATALOGUE_XLSX, SOURCES};
use metadata::SCHEMA_PATH;
use relink::relink;

/// The manifest's name inside the bundle.
pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "pingyi-archive/2";
/// Bundles of the first format (no catalogue, no SM3, sources hashed but not held) still
/// verify.
const FORMAT_1: &str = "pingyi-archive/1";

/// A year's bundle, ready to write.
pub struct Bundle {
    pub year: i32,
    /// The zip file.
    pub bytes: Vec<u8>,
    /// Files in the bundle, the manifest and its signature not counted.
    pub files: usize,
    pub documents: usize,
    /// The 归档文件目录, as the bundle holds it.
    pub catalogue: Catalogue,
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
    /// 全宗号 and 立档单位 (from format 2).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fonds: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agency: String,
    /// Every file of the bundle but the manifest (and its signature), by path, with size,
    /// SHA-256 and (from format 2) SM3.
    pub files: Vec<FileEntry>,
    /// Each 件 of the catalogue with the files that are it (from format 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Record>,
    /// Format 1 only: the sources, hashed but not held. Format 2 holds them under `sources/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FileEntry>,
}

/// A 件 in the manifest: its 档号, its metadata file and its files.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    pub code: String,
    pub metadata: String,
    pub files: Vec<String>,
}

/// Builds the bundle of `year`: its documents, review cycle, rectification ledger and
/// department pages with that year's documents only, its archive index (also as the bundle's
/// `index.html`), attachments, the theme's assets and the year's open data; the catalogue
/// with each document's 档号 and metadata; and the sources the year was built from. Links
/// between those are relative; links to anything else go to the live site and are marked.
pub fn archive(root: &Path, year: i32, opts: &Options) -> Result<Bundle, BuildError> {
    archive_signed(root, year, opts, None)
}

/// [`archive`], and with a key, `manifest.json` signed in [`SIGNATURE`] beside it.
pub fn archive_signed(
    root: &Path,
    year: i32,
    opts: &Options,
    key: Option<&SigningKey>,
) -> Result<Bundle, BuildError> {
    let (site, _) = load_site(root, opts).map_err(BuildError::Content)?;
    let settings = site.config.archive.clone().ok_or_else(no_settings)?;
    let pages = pages_of(&site, year)?;
    let documents = pages.len();
    let mut catalogue = Catalogue::new(&site, &settings, year, &pages);
    let theme = Theme::load(root, &site.config).map_err(BuildError::Content)?;
    // The year alone: department pages and the ledger show that year as it stood.
    let mut year_site = Site {
        config: site.config.clone(),
        today: site.today,
        pages,
        tag_slugs: site.tag_slugs.clone(),
        catalogue: Some(Arc::new(catalogue.clone())),
        unread: Vec::new(),
        withheld_reviews: BTreeMap::new(),
    };
    let mut files = year_files(root, &year_site, &theme, year)?;
    add_sources(root, &catalogue, &mut files)?;

    // Every file the bundle will hold, for the links between them.
    let mut held: BTreeSet<String> = files.keys().cloned().collect();
    held.extend(catalogue.rows.iter().map(Row::metadata_path));
    held.extend([CATALOGUE_CSV, CATALOGUE_XLSX, SCHEMA_PATH].map(String::from));
    let base_path = crate::site::base_path(&site.config.base_url);
    let relinked = |path: &str, bytes: &[u8]| {
        let html = String::from_utf8_lossy(bytes);
        relink(&html, path, &base_path, &site.config.base_url, &held).into_bytes()
    };
    for (path, bytes) in files.iter_mut() {
        if path.ends_with(".html") {
            *bytes = relinked(path, bytes);
        }
    }

    catalogue.count_files(&files);
    let xml: Vec<(String, Vec<u8>)> = catalogue
        .rows
        .par_iter()
        .map(|row| {
            let xml = metadata::xml(&catalogue, row, &site.config.base_url);
            (row.metadata_path(), xml.into_bytes())
        })
        .collect();
    files.extend(xml);
    files.insert(SCHEMA_PATH.into(), metadata::SCHEMA.as_bytes().to_vec());
    files.insert(CATALOGUE_CSV.into(), catalogue.csv());
    let xlsx = catalogue.xlsx(site.today).map_err(BuildError::Io)?;
    files.insert(CATALOGUE_XLSX.into(), xlsx);
    // The catalogue's page counts the files above: rendered once they are known.
    year_site.catalogue = Some(Arc::new(catalogue.clone()));
    let page = crate::render::render_some(&year_site, &theme, &|url| url == "/catalogue/")
        .map_err(render_error)?;
    for o in page {
        if let Content::Bytes(b) = o.content {
            files.insert(o.path.clone(), relinked(&o.path, &b));
        }
    }

    let manifest = manifest(&site, year, &catalogue, &files);
    let count = files.len();
    let json = serde_json::to_string_pretty(&manifest).expect("plain data serialises") + "\n";
    if let Some(key) = key {
        let signature = sign::sign_manifest(key, json.as_bytes()).map_err(BuildError::Io)?;
        files.insert(SIGNATURE.to_string(), signature);
    }
    files.insert(MANIFEST.to_string(), json.into_bytes());

    let bytes =
        zip_files(&files, zip_time(site.today)).map_err(|e| BuildError::Io(e.to_string()))?;
    Ok(Bundle {
        year,
        bytes,
        files: count,
        documents,
        catalogue,
    })
}

/// The documents of `year`; an error naming the years there are when it has none.
fn pages_of(site: &Site, year: i32) -> Result<Vec<Arc<crate::site::Page>>, BuildError> {
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
    Ok(pages)
}

/// The manifest of a bundle holding `files`. The catalogue's files were hashed when it counted
/// them, and are not changed since: their entries are taken as they are.
fn manifest(
    site: &Site,
    year: i32,
    catalogue: &Catalogue,
    files: &BTreeMap<String, Vec<u8>>,
) -> Manifest {
    let counted: BTreeMap<&str, &FileEntry> = catalogue
        .rows
        .iter()
        .flat_map(|r| &r.files)
        .map(|f| (f.path.as_str(), f))
        .collect();
    Manifest {
        format: FORMAT.into(),
        generator: format!("pingyi {}", env!("CARGO_PKG_VERSION")),
        site: site.config.title.clone(),
        base_url: site.config.base_url.clone(),
        year,
        built: site.today.to_string(),
        fonds: catalogue.fonds.clone(),
        agency: catalogue.agency.clone(),
        // Digests over both cores: SM3 is the slowest step of a large year.
        files: files
            .par_iter()
            .map(|(p, b)| match counted.get(p.as_str()) {
                Some(&f) => f.clone(),
                None => entry_sm3(p.clone(), b),
            })
            .collect(),
        records: catalogue
            .rows
            .iter()
            .map(|r| Record {
                code: r.code.clone(),
                metadata: r.metadata_path(),
                files: r.files.iter().map(|f| f.path.clone()).collect(),
            })
            .collect(),
        sources: Vec::new(),
    }
}

/// Why a site without `archive:` settings cannot be archived.
fn no_settings() -> BuildError {
    BuildError::Io(
        "site.yaml 没有归档设置,无法编制档号。请在 site.yaml 中加上(全宗号由档案馆给定):\n  \
         archive: {fonds: J012, agency: 示例市人大常委会办公厅, retention: 永久}"
            .to_string(),
    )
}

fn render_error(e: crate::render::RenderError) -> BuildError {
    match e {
        crate::render::RenderError::Content(d) => BuildError::Content(d),
        crate::render::RenderError::Sink(e) => BuildError::Io(e.to_string()),
    }
}

/// `sources/`: `site.yaml`, and each document's Markdown and the original files of its
/// attachments and images, byte for byte.
fn add_sources(
    root: &Path,
    catalogue: &Catalogue,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), BuildError> {
    let mut add = |rel: &str| -> Result<(), BuildError> {
        let bytes = read_source(root, Path::new(rel))?;
        files.insert(format!("{SOURCES}{rel}"), bytes);
        Ok(())
    };
    add("site.yaml")?;
    for row in &catalogue.rows {
        add(&row.source)?;
        for original in &row.originals {
            add(original)?;
        }
    }
    Ok(())
}

/// The year's pages, rendered from the year alone, with the theme's files and the year's own
/// search; the year's archive page is also the bundle's start page, `index.html`.
fn year_files(
    root: &Path,
    year_site: &Site,
    theme: &Theme,
    year: i32,
) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    let pages = &year_site.pages;
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
    let outputs = crate::render::render(year_site, theme).map_err(render_error)?;

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
            || path.starts_with("catalogue/")
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
    search::bundle_search(&mut files, &year_site.config.base_url)?;
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
