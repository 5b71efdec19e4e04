//! The stages run end to end. A [`Builder`] keeps what it has read between runs, so `watch`
//! re-reads only what changed; `build` and `check` are one run of a fresh builder.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{self, Diagnostic};
use crate::document::Document;
use crate::incremental::{self, Memory};
use crate::load;
use crate::output::{self, Manifest, Output, compress};
use crate::render::{self, RenderError};
use crate::site::{self, BuildOptions, Site};
use crate::theme::Theme;

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

/// What changed on disk, as far as a rebuild cares.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// A file under `content/` (relative to the site root), added, changed or removed.
    Content(PathBuf),
    /// Something under `content/` that may be a folder: list the folder again.
    Rescan,
    /// A template of the theme or of the site.
    Template,
    /// A static file of the theme or of the site.
    Static,
    /// `site.yaml`: everything may change.
    Config,
}

/// A content file as last read.
struct Source {
    stamp: Option<(u64, SystemTime)>,
    parsed: Result<Arc<Document>, Vec<Diagnostic>>,
}

/// The site as last read, kept between builds.
pub struct Builder {
    root: PathBuf,
    opts: Options,
    /// `None` until the first load.
    sources: Option<BTreeMap<PathBuf, Source>>,
    /// Problems found while listing `content/` (symlinks out of the site, unreadable folders).
    list_diags: Vec<Diagnostic>,
    config: Option<Result<Config, Vec<Diagnostic>>>,
    theme: Option<Result<Theme, Vec<Diagnostic>>>,
    /// What the output folder holds, when this builder wrote it.
    manifest: Option<(PathBuf, Manifest)>,
    /// Markdown, keys and diagnostics of the last build (`incremental`).
    memory: Memory,
    /// Stage timings of the build under way.
    stages: Vec<(&'static str, Duration)>,
    /// Builds once and is gone: nothing is kept for a next build.
    once: bool,
    observer: Option<Observer>,
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

fn parse_source(rel: &Path, text: &str) -> Result<Arc<Document>, Vec<Diagnostic>> {
    Document::parse(rel, text).map(Arc::new)
}

impl Builder {
    pub fn new(root: &Path, opts: Options) -> Builder {
        Builder {
            root: root.to_path_buf(),
            opts,
            sources: None,
            list_diags: Vec::new(),
            config: None,
            theme: None,
            manifest: None,
            memory: Memory::default(),
            stages: Vec::new(),
            once: false,
            observer: None,
        }
    }

    /// Reports the progress of every later build to `observer`.
    pub fn observe(&mut self, observer: Observer) {
        self.observer = Some(observer);
    }

    fn stage(&self, stage: &'static str) {
        if let Some(o) = &self.observer {
            o(BuildProgress {
                stage,
                done: 0,
                total: 0,
            });
        }
    }

    /// Forgets what `changes` make stale; the next [`Builder::load`] reads it again.
    pub fn apply(&mut self, changes: &[Change]) {
        for change in changes {
            match change {
                Change::Config => {
                    self.config = None;
                    self.theme = None;
                    self.memory.keys.clear();
                }
                Change::Template | Change::Static => {
                    self.theme = None;
                    self.memory.keys.clear();
                }
                Change::Rescan => self.rescan(),
                Change::Content(rel) => self.reread(rel),
            }
        }
    }

    fn read_all(&mut self) {
        let (paths, diags) = load::list_content(&self.root);
        // Only watch compares stamps, to see what changed; each is taken before its file is
        // read (see `reread`).
        let stamps: HashMap<&PathBuf, (u64, SystemTime)> = if self.once {
            HashMap::new()
        } else {
            paths
                .par_iter()
                .filter_map(|p| Some((p, stamp(&self.root.join(p))?)))
                .collect()
        };
        let (files, read_diags) = load::read_sources(&self.root, &paths);
        // Into a list first: files come sorted, and a map built from a sorted list does not
        // compare paths once per insertion.
        let parsed: Vec<(PathBuf, Source)> = files
            .into_par_iter()
            .map(|f| {
                let source = Source {
                    stamp: stamps.get(&f.rel).copied(),
                    // The text moves into its document: no second copy of every source.
                    parsed: Document::parse_owned(&f.rel, f.text).map(Arc::new),
                };
                (f.rel, source)
            })
            .collect();
        let mut read: BTreeMap<PathBuf, Source> = parsed.into_iter().collect();
        for d in read_diags {
            read.insert(
                d.path.clone(),
                Source {
                    stamp: None,
                    parsed: Err(vec![d]),
                },
            );
        }
        self.sources = Some(read);
        self.list_diags = diags;
    }

    /// Lists `content/` again: reads new files and files whose size or time changed, drops
    /// vanished ones.
    fn rescan(&mut self) {
        let Some(sources) = &mut self.sources else {
            return;
        };
        let (paths, diags) = load::list_content(&self.root);
        self.list_diags = diags;
        let listed: HashSet<&PathBuf> = paths.iter().collect();
        sources.retain(|p, _| listed.contains(p));
        let stale: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| {
                sources
                    .get(p)
                    .is_none_or(|s| s.stamp.is_none() || s.stamp != stamp(&self.root.join(p)))
            })
            .collect();
        for p in stale {
            self.reread(&p);
        }
    }

    fn reread(&mut self, rel: &Path) {
        let Some(sources) = &mut self.sources else {
            return;
        };
        // Sources are named with `/`; a caller on Windows may name one with `\`.
        let rel = &load::slash_path(rel);
        let abs = self.root.join(rel);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_md = rel
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        let junk = rel
            .components()
            .any(|c| load::is_junk(&c.as_os_str().to_string_lossy()));
        if abs.is_dir() || (!is_md && !abs.exists() && !name.contains('.')) {
            // A folder appeared, vanished or was renamed.
            self.rescan();
            return;
        }
        if !is_md || junk {
            return;
        }
        if !abs.is_file() {
            sources.remove(rel);
            return;
        }
        // A symlink (or a file under one) is judged by the same listing rules as a full read.
        if std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink()) {
            sources.remove(rel);
            self.rescan();
            return;
        }
        // The stamp before the read: a change made while the file is read then shows as a
        // changed stamp at the next look, instead of a new stamp on the old text.
        let before = stamp(&abs);
        let (files, diags) = load::read_sources(&self.root, &[rel.to_path_buf()]);
        let parsed = match (files.first(), diags.into_iter().next()) {
            (Some(f), _) => parse_source(rel, &f.text),
            (None, Some(d)) => Err(vec![d]),
            (None, None) => return,
        };
        sources.insert(
            rel.to_path_buf(),
            Source {
                stamp: before,
                parsed,
            },
        );
    }

    /// Loads whatever is not loaded yet, then assembles and validates the site. `Ok` holds the
    /// warnings; `Err` every diagnostic of the run (errors and warnings), sorted.
    pub fn load(&mut self) -> Result<(Site, &Theme, Warnings), Vec<Diagnostic>> {
        let mut lap = Instant::now();
        self.stage(READ);
        if self.sources.is_none() {
            self.read_all();
        }
        if self.config.is_none() {
            self.config = Some(Config::load(&self.root));
        }
        let mut diags = self.list_diags.clone();
        let sources = self.sources.as_ref().expect("read above");
        let mut docs = Vec::with_capacity(sources.len());
        let mut unparsed = HashSet::new();
        for (path, s) in sources {
            match &s.parsed {
                Ok(d) => docs.push(Arc::clone(d)),
                Err(d) => {
                    unparsed.insert(path.clone());
                    diags.extend(d.iter().cloned());
                }
            }
        }
        let config = match self.config.as_ref().expect("loaded above") {
            Ok(c) => c.clone(),
            Err(d) => {
                diags.extend(d.iter().cloned());
                diagnostic::sort(&mut diags);
                return Err(diags);
            }
        };
        if self.theme.is_none() {
            self.theme = Some(Theme::load(&self.root, &config));
        }
        let today = match self.opts.today {
            Some(t) => t,
            None => Date::today_in(&config.timezone).unwrap_or(Date(jiff::civil::date(1970, 1, 1))),
        };
        let build_opts = BuildOptions {
            drafts: self.opts.drafts,
            today,
            base_url: self.opts.base_url.clone(),
        };
        self.stages.push((READ, lap.elapsed()));
        self.stage(ASSEMBLE);
        lap = Instant::now();
        let (site, site_diags, markdown) = site::assemble(
            &self.root,
            config,
            &docs,
            &unparsed,
            &build_opts,
            &self.memory.markdown,
        );
        self.memory.markdown = markdown;
        diags.extend(site_diags);
        self.stages.push((ASSEMBLE, lap.elapsed()));
        self.stage(CHECK);
        lap = Instant::now();
        let (per_doc, site_wide) = self.memory.checked.validate(&site);
        diags.extend(site_wide);
        let theme = match self.theme.as_ref().expect("loaded above") {
            Ok(t) => Some(t),
            Err(d) => {
                diags.extend(d.iter().cloned());
                None
            }
        };
        // The documents' own diagnostics come shared and sorted; merge only when there are
        // others.
        let all = if diags.is_empty() {
            per_doc
        } else {
            diags.extend(per_doc.iter().cloned());
            diagnostic::sort(&mut diags);
            Arc::new(diags)
        };
        self.stages.push((CHECK, lap.elapsed()));
        match theme {
            Some(t) if !all.iter().any(Diagnostic::is_error) => Ok((site, t, all)),
            _ => Err(Arc::try_unwrap(all).unwrap_or_else(|a| (*a).clone())),
        }
    }

    /// Builds into `out`. With any error nothing is written and `out` stays as it was. The
    /// first build writes a staging folder and swaps it in; later builds of this builder
    /// replace only the files whose bytes changed, each atomically.
    pub fn build(&mut self, out: &Path) -> Result<BuildReport, BuildError> {
        let start = Instant::now();
        self.stages.clear();
        output::check_output_dir(&self.root, out).map_err(BuildError::Io)?;
        let root = self.root.clone();
        let incremental = matches!(&self.manifest, Some((dir, _)) if dir == out && out.is_dir());
        if !incremental {
            self.memory.keys.clear();
        }
        let mut keys = std::mem::take(&mut self.memory.keys);
        // Taken out while the theme (borrowed from the builder) is in use; put back below.
        let mut previous = self.manifest.take().filter(|_| incremental);
        let once = self.once;
        let observer = self.observer.clone();
        let (site, theme, warnings) = match self.load() {
            Ok(loaded) => loaded,
            Err(d) => {
                self.manifest = previous;
                return Err(BuildError::Content(d));
            }
        };
        let statics = theme.static_outputs();
        let documents = site.pages.len();
        if let Some(o) = &observer {
            o(BuildProgress {
                stage: RENDER,
                done: 0,
                total: 0,
            });
        }
        let progress = |done, total| {
            if let Some(o) = &observer {
                o(BuildProgress {
                    stage: RENDER,
                    done,
                    total,
                });
            }
        };
        let w = Writing {
            root: &root,
            out,
            site: &site,
            theme,
            warnings: &warnings,
            progress: observer
                .is_some()
                .then_some(&progress as &render::Progress<'_>),
            pages: AtomicUsize::new(0),
        };
        let result = match &mut previous {
            Some((_, manifest)) => w.changes(&mut keys, manifest, statics),
            None => w
                .everything((!once).then_some(&mut keys), once, statics)
                .map(|manifest| {
                    let written = manifest.len();
                    previous = Some((out.to_path_buf(), manifest));
                    (written, 0)
                }),
        };
        let pages = w.pages.into_inner();
        self.manifest = previous;
        let (written, removed) = result?;
        let loaded: Duration = self.stages.iter().map(|s| s.1).sum();
        self.stages
            .push((RENDER, start.elapsed().saturating_sub(loaded)));
        let files = self.manifest.as_ref().map_or(0, |(_, m)| m.len());
        // Only a written build's keys describe what is on disk.
        self.memory.keys = keys;
        Ok(BuildReport {
            documents,
            pages,
            files,
            written,
            removed,
            warnings,
            elapsed: start.elapsed(),
            stages: std::mem::take(&mut self.stages),
        })
    }
}

/// One build's writing: its rendered pages into the output folder, either only the files that
/// changed (a rebuild over what this builder wrote) or everything (through a staging folder).
struct Writing<'a> {
    root: &'a Path,
    out: &'a Path,
    site: &'a Site,
    theme: &'a Theme,
    warnings: &'a Warnings,
    progress: Option<&'a render::Progress<'a>>,
    /// HTML pages written, for the report.
    pages: AtomicUsize,
}

impl Writing<'_> {
    fn count(&self, o: &Output) {
        if o.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Hands `o` to `put`, then its compressed copies when `site.yaml` asks for them.
    fn emit(
        &self,
        o: Output,
        mut put: impl FnMut(Output) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let copies = compress::copies(&o, self.root, &self.site.config.precompress)?;
        put(o)?;
        copies.into_iter().try_for_each(put)
    }

    fn io(&self, e: std::io::Error) -> BuildError {
        match output::refusal(&e) {
            // A folder pingyi will not touch: the message says which and what to do.
            Some(why) => BuildError::Io(why.to_string()),
            None => BuildError::Io(format!("写入 {} 失败: {e}", self.out.display())),
        }
    }

    fn failed(&self, e: RenderError) -> BuildError {
        match e {
            RenderError::Content(mut d) => {
                d.extend(self.warnings.iter().cloned());
                diagnostic::sort(&mut d);
                BuildError::Content(d)
            }
            // Two outputs at one path is the site's doing, not the disk's.
            RenderError::Sink(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                BuildError::Content(vec![Diagnostic::error("static", e.to_string())])
            }
            RenderError::Sink(e) => self.io(e),
        }
    }

    /// Few files change: collect them, and write only once every page rendered, so a failed
    /// rebuild leaves the site as it was. Returns the files written and removed.
    fn changes(
        &self,
        keys: &mut incremental::RenderKeys,
        manifest: &mut Manifest,
        statics: Vec<Output>,
    ) -> Result<(usize, usize), BuildError> {
        let changed = std::sync::Mutex::new(Vec::new());
        let sink = |o: Output| {
            self.count(&o);
            self.emit(o, |o| {
                changed.lock().expect("not poisoned").push(o);
                Ok(())
            })
        };
        let mut live = incremental::render_changed(
            self.site,
            self.theme,
            Some(keys),
            &sink,
            &|| Ok(()),
            self.progress,
        )
        .map_err(|e| self.failed(e))?;
        let mut outputs = changed.into_inner().expect("not poisoned");
        if let Some(live) = &mut live {
            live.extend(statics.iter().map(|o| o.path.clone()));
            let encodings = &self.site.config.precompress;
            let copies: Vec<String> = live
                .iter()
                .flat_map(|p| compress::copy_paths(p, encodings))
                .collect();
            live.extend(copies);
        }
        for o in statics {
            self.emit(o, |o| {
                outputs.push(o);
                Ok(())
            })
            .map_err(|e| self.io(e))?;
        }
        output::write_changes(self.root, self.out, manifest, &outputs, live.as_ref())
            .map_err(|e| self.io(e))
    }

    /// Everything changes: stream pages into the staging folder as they are rendered instead
    /// of holding the whole site in memory. The folder is readied (the previous build
    /// surveyed) while the renderer plans its jobs. Returns what was published.
    fn everything(
        &self,
        keys: Option<&mut incremental::RenderKeys>,
        once: bool,
        statics: Vec<Output>,
    ) -> Result<Manifest, BuildError> {
        let ready = std::sync::OnceLock::new();
        let prepare = || {
            let staging = output::Staging::new(self.root, self.out)?;
            let _ = ready.set(if once {
                staging.without_fingerprints()
            } else {
                staging
            });
            Ok(())
        };
        let staging = || ready.get().expect("readied before any output");
        let sink = |o: Output| {
            self.count(&o);
            self.emit(o, |o| staging().write(&o))
        };
        incremental::render_changed(self.site, self.theme, keys, &sink, &prepare, self.progress)
            .map_err(|e| self.failed(e))?;
        statics
            .into_iter()
            .try_for_each(|o| self.emit(o, |o| staging().write(&o)))
            .map_err(|e| self.failed(RenderError::Sink(e)))?;
        let staging: output::Staging = ready.into_inner().expect("readied");
        staging.commit(self.out).map_err(|e| self.io(e))
    }
}

/// Loads, assembles and validates a site once.
pub fn load_site(root: &Path, opts: &Options) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut b = Builder::new(root, opts.clone());
    b.load().map(|(site, _, warnings)| {
        (
            site,
            Arc::try_unwrap(warnings).unwrap_or_else(|a| (*a).clone()),
        )
    })
}

/// Loads and validates; writes nothing.
pub fn check(root: &Path, opts: &Options) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    load_site(root, opts).map(|(_, warnings)| warnings)
}

/// Loads and validates the site as if the content file `rel` (relative to `root`) held `text`:
/// what [`check`] will say once it is written (`pingyi ledger import` runs it before it
/// writes). Every diagnostic of the run, errors and warnings; the disk is only read.
pub fn check_as_if(root: &Path, opts: &Options, rel: &Path, text: &str) -> Vec<Diagnostic> {
    let mut b = Builder::new(root, opts.clone());
    b.once = true;
    b.read_all();
    if let Some(sources) = &mut b.sources {
        let parsed = parse_source(rel, text);
        sources.insert(
            rel.to_path_buf(),
            Source {
                stamp: None,
                parsed,
            },
        );
    }
    match b.load() {
        Ok((_, _, warnings)) => warnings.to_vec(),
        Err(diags) => diags,
    }
}

/// Builds the site into `out`. With any error, nothing is written and `out` stays as it was.
pub fn build(root: &Path, out: &Path, opts: &Options) -> Result<BuildReport, BuildError> {
    build_observed(root, out, opts, None)
}

/// [`build`], reporting its progress to `observer`.
pub fn build_observed(
    root: &Path,
    out: &Path,
    opts: &Options,
    observer: Option<Observer>,
) -> Result<BuildReport, BuildError> {
    let mut builder = Builder::new(root, opts.clone());
    builder.once = true;
    builder.observer = observer;
    let report = builder.build(out);
    // Freeing every document of a large site takes tens of milliseconds the caller need
    // not wait for; a command that exits next never waits for it at all.
    std::thread::spawn(move || drop(builder));
    report
}
