//! The stages run end to end: read, parse, assemble, check, render, write. `build`, `check`
//! and `load_site` run them once, straight through; a [`Builder`] (`builder.rs`) keeps what
//! it read and what `incremental` remembers between runs, for `watch` and `serve`. Both go
//! through [`assemble_and_check`], and write through `writing.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{self, Diagnostic};
use crate::document::{Document, Identity, Unread};
use crate::incremental::{Memory, RenderCache};
use crate::load;
use crate::output;
use crate::render;
use crate::site::{self, BuildOptions, Site};
use crate::theme::Theme;

mod builder;
mod writing;

pub use builder::{Builder, Change};
use writing::Writing;

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
    /// HTML pages rendered by this run (every page on a first build).
    pub pages: usize,
    /// Files the site has.
    pub files: usize,
    /// Files written by this run (all of them on a first build).
    pub written: usize,
    /// Files removed because nothing produces them any more.
    pub removed: usize,
    pub warnings: Warnings,
    pub elapsed: Duration,
    /// How long each stage took, in order: for `--timings` and benchmarks.
    pub stages: Vec<(&'static str, Duration)>,
}

/// The warnings of a build, sorted; shared, because a large site may carry thousands and a
/// rebuild that changes none of them should not copy them.
pub type Warnings = Arc<Vec<Diagnostic>>;

/// How far a build has got, for a progress bar: told at the start of each stage (`done` and
/// `total` 0) and, while rendering, after each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    /// The stage under way, as `--timings` names it.
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

/// Watches a build's [`BuildProgress`]; called from many threads.
pub type Observer = Arc<dyn Fn(BuildProgress) + Send + Sync>;

/// The stages, in order, as they are reported and timed.
const READ: &str = "读取与解析";
const ASSEMBLE: &str = "组装与 Markdown";
const CHECK: &str = "检查";
const RENDER: &str = "渲染与写入";

/// Each content file as read: its document, or why it has none. By path, so that documents
/// and their problems come in the same order however they were read.
type Parsed = BTreeMap<PathBuf, Result<Arc<Document>, Unread>>;

/// Lists, reads and parses every content file, across cores. Also the listing's problems
/// (symlinks out of the site, unreadable folders).
fn read_content(root: &Path) -> (Parsed, Vec<Diagnostic>) {
    let (paths, listing) = load::list_content(root);
    let (files, read_diags) = load::read_sources(root, &paths);
    let parsed: Vec<_> = files
        .into_par_iter()
        .map(|f| {
            // The text moves into its document: no second copy of every source.
            let doc = Document::read(&f.rel, f.text).map(Arc::new);
            (f.rel, doc)
        })
        .collect();
    // Files come sorted: a map built from a sorted list does not compare paths once per
    // insertion.
    let mut read: Parsed = parsed.into_iter().collect();
    for d in read_diags {
        read.insert(d.path.clone(), Err(Unread::unreadable(d)));
    }
    (read, listing)
}

/// The documents that parsed, what can be read of those that did not, and every problem so
/// far.
struct Content {
    docs: Vec<Arc<Document>>,
    unread: BTreeMap<PathBuf, Identity>,
    diags: Vec<Diagnostic>,
}

impl Content {
    fn gather<'a>(
        files: impl Iterator<Item = (&'a PathBuf, &'a Result<Arc<Document>, Unread>)>,
        listing: &[Diagnostic],
    ) -> Content {
        let mut content = Content {
            docs: Vec::new(),
            unread: BTreeMap::new(),
            diags: listing.to_vec(),
        };
        for (path, parsed) in files {
            match parsed {
                Ok(d) => content.docs.push(Arc::clone(d)),
                Err(u) => {
                    content.unread.insert(path.clone(), u.identity.clone());
                    content.diags.extend(u.diags.iter().cloned());
                }
            }
        }
        content
    }

    /// Every problem of a run that stopped at `more` (`site.yaml`'s), sorted.
    fn refused(mut self, more: &[Diagnostic]) -> Vec<Diagnostic> {
        self.diags.extend(more.iter().cloned());
        diagnostic::sort(&mut self.diags);
        self.diags
    }
}

/// Times the stages of a build and tells an observer when each begins.
struct Timings {
    observer: Option<Observer>,
    done: Vec<(&'static str, Duration)>,
    current: Option<(&'static str, Instant)>,
}

impl Timings {
    fn new(observer: Option<Observer>) -> Timings {
        Timings {
            observer,
            done: Vec::new(),
            current: None,
        }
    }

    fn begin(&mut self, stage: &'static str) {
        self.end();
        if let Some(o) = &self.observer {
            o(BuildProgress {
                stage,
                done: 0,
                total: 0,
            });
        }
        self.current = Some((stage, Instant::now()));
    }

    fn end(&mut self) {
        if let Some((stage, since)) = self.current.take() {
            self.done.push((stage, since.elapsed()));
        }
    }

    /// Rendering's progress, page by page, for the observer.
    fn progress(&self, done: usize, total: usize) {
        if let Some(o) = &self.observer {
            o(BuildProgress {
                stage: RENDER,
                done,
                total,
            });
        }
    }
}

/// The stages after reading: assembles the documents into a site and checks it. `Ok` holds
/// the site and its warnings; `Err` every diagnostic of the run (errors and warnings),
/// sorted. With `memory` (a builder's), unchanged documents' Markdown and checks are reused
/// and what this run made is remembered.
fn assemble_and_check(
    root: &Path,
    opts: &Options,
    content: Content,
    config: &Config,
    theme: Result<&Theme, &[Diagnostic]>,
    memory: Option<&mut Memory>,
    timings: &mut Timings,
) -> Result<(Site, Warnings), Vec<Diagnostic>> {
    let today = match opts.today {
        Some(t) => t,
        None => Date::today_in(&config.timezone).unwrap_or(Date(jiff::civil::date(1970, 1, 1))),
    };
    let build_opts = BuildOptions {
        drafts: opts.drafts,
        today,
        base_url: opts.base_url.clone(),
    };
    let Content {
        docs,
        unread,
        mut diags,
    } = content;
    timings.begin(ASSEMBLE);
    let none = RenderCache::default();
    let previous = memory.as_ref().map_or(&none, |m| &m.markdown);
    let (site, site_diags, markdown) =
        site::assemble(root, config.clone(), &docs, &unread, &build_opts, previous);
    diags.extend(site_diags);
    timings.begin(CHECK);
    let (per_doc, site_wide) = match memory {
        Some(memory) => {
            memory.markdown = markdown;
            memory.checked.validate(&site)
        }
        None => {
            // Nothing continues this build: what a next one could reuse is freed off the
            // critical path, like the rest of the run's data.
            std::thread::spawn(move || drop(markdown));
            let (per_doc, site_wide) = crate::validate::validate(&site);
            (Arc::new(per_doc), site_wide)
        }
    };
    diags.extend(site_wide);
    if let Err(d) = theme {
        diags.extend(d.iter().cloned());
    }
    // The documents' own diagnostics come shared and sorted; merge only when there are
    // others.
    let all = if diags.is_empty() {
        per_doc
    } else {
        diags.extend(per_doc.iter().cloned());
        diagnostic::sort(&mut diags);
        Arc::new(diags)
    };
    timings.end();
    if theme.is_ok() && !all.iter().any(Diagnostic::is_error) {
        Ok((site, all))
    } else {
        Err(Arc::try_unwrap(all).unwrap_or_else(|a| (*a).clone()))
    }
}

/// A site read and checked once, with its theme.
struct Loaded {
    site: Site,
    theme: Theme,
    warnings: Warnings,
}

/// Reads, parses, assembles and checks the site at `root` once, with `replace` standing in
/// for what one content file holds.
fn load_once(
    root: &Path,
    opts: &Options,
    replace: Option<(&Path, &str)>,
    timings: &mut Timings,
) -> Result<Loaded, Vec<Diagnostic>> {
    timings.begin(READ);
    let (mut parsed, listing) = read_content(root);
    if let Some((rel, text)) = replace {
        let doc = Document::read(rel, text.to_string()).map(Arc::new);
        parsed.insert(rel.to_path_buf(), doc);
    }
    let content = Content::gather(parsed.iter(), &listing);
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(d) => return Err(content.refused(&d)),
    };
    let theme = Theme::load(root, &config);
    let (site, warnings) = assemble_and_check(
        root,
        opts,
        content,
        &config,
        theme.as_ref().map_err(Vec::as_slice),
        None,
        timings,
    )?;
    // Freeing every document of a large site takes tens of milliseconds the caller need not
    // wait for; a command that exits next never waits for it at all.
    std::thread::spawn(move || drop(parsed));
    let theme = theme.expect("a theme that failed to load failed the run");
    Ok(Loaded {
        site,
        theme,
        warnings,
    })
}

/// Loads, assembles and validates a site once.
pub fn load_site(root: &Path, opts: &Options) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let loaded = load_once(root, opts, None, &mut Timings::new(None))?;
    let warnings = Arc::try_unwrap(loaded.warnings).unwrap_or_else(|a| (*a).clone());
    Ok((loaded.site, warnings))
}

/// Loads and validates; writes nothing.
pub fn check(root: &Path, opts: &Options) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    load_site(root, opts).map(|(_, warnings)| warnings)
}

/// Loads and validates the site as if the content file `rel` (relative to `root`) held `text`:
/// what [`check`] will say once it is written (`pingyi ledger import` runs it before it
/// writes). Every diagnostic of the run, errors and warnings; the disk is only read.
pub fn check_as_if(root: &Path, opts: &Options, rel: &Path, text: &str) -> Vec<Diagnostic> {
    match load_once(root, opts, Some((rel, text)), &mut Timings::new(None)) {
        Ok(loaded) => loaded.warnings.to_vec(),
        Err(diags) => diags,
    }
}

/// Builds the site into `out`. With any error, nothing is written and `out` stays as it was.
pub fn build(root: &Path, out: &Path, opts: &Options) -> Result<BuildReport, BuildError> {
    build_observed(root, out, opts, None)
}

/// [`build`], reporting its progress to `observer`: every stage once, then the whole site
/// through a staging folder swapped in at the end.
pub fn build_observed(
    root: &Path,
    out: &Path,
    opts: &Options,
    observer: Option<Observer>,
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    output::check_output_dir(root, out).map_err(BuildError::Io)?;
    let mut timings = Timings::new(observer);
    let loaded = load_once(root, opts, None, &mut timings).map_err(BuildError::Content)?;
    timings.begin(RENDER);
    let progress = |done, total| timings.progress(done, total);
    let w = Writing {
        root,
        out,
        site: &loaded.site,
        theme: &loaded.theme,
        warnings: &loaded.warnings,
        progress: timings
            .observer
            .is_some()
            .then_some(&progress as &render::Progress<'_>),
        pages: AtomicUsize::new(0),
    };
    let manifest = w.everything(None, loaded.theme.static_outputs())?;
    let pages = w.pages.into_inner();
    timings.end();
    let report = BuildReport {
        documents: loaded.site.pages.len(),
        pages,
        files: manifest.len(),
        written: manifest.len(),
        removed: 0,
        warnings: Arc::clone(&loaded.warnings),
        elapsed: start.elapsed(),
        stages: timings.done,
    };
    std::thread::spawn(move || drop(loaded));
    Ok(report)
}
