//! The stages run end to end: `check` loads and validates, `build` also renders and writes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{self, Diagnostic};
use crate::document::Document;
use crate::load;
use crate::output;
use crate::render;
use crate::site::{self, BuildOptions, Site};
use crate::theme::Theme;
use crate::validate::validate;

/// What the command line decides.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Include drafts and scheduled documents.
    pub drafts: bool,
    /// Pins "today"; else today in the site's time zone.
    pub today: Option<Date>,
    pub base_url: Option<String>,
}

/// Why a build did not write.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files (exit code 1); includes the warnings of the run.
    Content(Vec<Diagnostic>),
    /// The disk or the command line (exit code 2).
    Io(String),
}

#[derive(Debug)]
pub struct BuildReport {
    pub documents: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Loads, assembles and validates the site. `Ok` holds the warnings; `Err` every diagnostic
/// of the run (errors and warnings), sorted.
pub fn load_site(
    root: &Path,
    opts: &Options,
) -> Result<(Site, Theme, Vec<Diagnostic>), Vec<Diagnostic>> {
    let config = Config::load(root);
    let (paths, mut diags) = load::list_content(root);
    let (sources, read_diags) = load::read_sources(root, &paths);
    diags.extend(read_diags);
    let parsed: Vec<Result<Document, Vec<Diagnostic>>> = sources
        .par_iter()
        .map(|s| Document::parse(&s.rel, &s.text))
        .collect();
    let mut docs = Vec::with_capacity(parsed.len());
    let mut unparsed: HashSet<PathBuf> = paths.iter().cloned().collect();
    for p in parsed {
        match p {
            Ok(d) => {
                unparsed.remove(&d.source);
                docs.push(d);
            }
            Err(d) => diags.extend(d),
        }
    }
    let config = match config {
        Ok(c) => c,
        Err(d) => {
            diags.extend(d);
            diagnostic::sort(&mut diags);
            return Err(diags);
        }
    };
    let theme = Theme::load(root, &config);
    let today = match opts.today {
        Some(t) => t,
        None => Date::today_in(&config.timezone).unwrap_or(Date(jiff::civil::date(1970, 1, 1))),
    };
    let build_opts = BuildOptions {
        drafts: opts.drafts,
        today,
        base_url: opts.base_url.clone(),
    };
    let (site, site_diags) = site::assemble(root, config, docs, &unparsed, &build_opts);
    diags.extend(site_diags);
    diags.extend(validate(&site));
    let theme = match theme {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    diagnostic::sort(&mut diags);
    match theme {
        Some(t) if !diags.iter().any(Diagnostic::is_error) => Ok((site, t, diags)),
        _ => Err(diags),
    }
}

/// Loads and validates; writes nothing.
pub fn check(root: &Path, opts: &Options) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    load_site(root, opts).map(|(_, _, warnings)| warnings)
}

/// Builds the site into `out`. With any error, nothing is written and `out` stays as it was.
pub fn build(root: &Path, out: &Path, opts: &Options) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    output::check_output_dir(root, out).map_err(BuildError::Io)?;
    let (site, theme, warnings) = load_site(root, opts).map_err(BuildError::Content)?;
    let mut outputs = render::render(&site, &theme).map_err(|mut d| {
        d.extend(warnings.iter().cloned());
        diagnostic::sort(&mut d);
        BuildError::Content(d)
    })?;
    outputs.extend(theme.static_outputs());
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    let dupes: Vec<Diagnostic> = outputs
        .windows(2)
        .filter(|w| w[0].path == w[1].path)
        .map(|w| {
            Diagnostic::error(
                w[0].path.clone(),
                format!("两个来源都要生成 /{}(静态文件与页面重名?)", w[0].path),
            )
        })
        .collect();
    if !dupes.is_empty() {
        return Err(BuildError::Content(dupes));
    }
    output::write_site(root, out, &outputs)
        .map_err(|e| BuildError::Io(format!("写入 {} 失败: {e}", out.display())))?;
    Ok(BuildReport {
        documents: site.pages.len(),
        files: outputs.len(),
        warnings,
        elapsed: start.elapsed(),
    })
}
