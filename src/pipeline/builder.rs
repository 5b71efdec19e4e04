//! What `watch` and `serve` keep between builds: each content file as last read (with its
//! size and time, to see what changed), `site.yaml`, the theme, what the output folder holds,
//! and `incremental`'s memory. A rebuild reads again only what [`Change`]s name, then runs the
//! same stages as a one-shot build.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use super::{
    BuildError, BuildReport, Content, Observer, Options, READ, RENDER, Timings, Warnings, Writing,
    assemble_and_check,
};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Unread};
use crate::incremental::Memory;
use crate::load;
use crate::output::{self, Manifest};
use crate::render;
use crate::site::Site;
use crate::theme::Theme;

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
    parsed: Result<Arc<Document>, Unread>,
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
    observer: Option<Observer>,
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

fn parse_source(rel: &Path, text: String) -> Result<Arc<Document>, Unread> {
    Document::read(rel, text).map(Arc::new)
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
            observer: None,
        }
    }

    /// Reports the progress of every later build to `observer`.
    pub fn observe(&mut self, observer: Observer) {
        self.observer = Some(observer);
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
        // Stamps show what changed by the next look; each is taken before its file is read
        // (see `reread`).
        let stamps: HashMap<&PathBuf, (u64, SystemTime)> = paths
            .par_iter()
            .filter_map(|p| Some((p, stamp(&self.root.join(p))?)))
            .collect();
        let (files, read_diags) = load::read_sources(&self.root, &paths);
        // Into a list first: files come sorted, and a map built from a sorted list does not
        // compare paths once per insertion.
        let parsed: Vec<(PathBuf, Source)> = files
            .into_par_iter()
            .map(|f| {
                let source = Source {
                    stamp: stamps.get(&f.rel).copied(),
                    // The text moves into its document: no second copy of every source.
                    parsed: parse_source(&f.rel, f.text),
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
                    parsed: Err(Unread::unreadable(d)),
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
        let parsed = match (files.into_iter().next(), diags.into_iter().next()) {
            (Some(f), _) => parse_source(rel, f.text),
            (None, Some(d)) => Err(Unread::unreadable(d)),
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
        self.load_timed(&mut Timings::new(None))
    }

    fn load_timed(
        &mut self,
        timings: &mut Timings,
    ) -> Result<(Site, &Theme, Warnings), Vec<Diagnostic>> {
        timings.begin(READ);
        if self.sources.is_none() {
            self.read_all();
        }
        let config = self.config.get_or_insert_with(|| Config::load(&self.root));
        let sources = self.sources.as_ref().expect("read above");
        let content = Content::gather(
            sources.iter().map(|(p, s)| (p, &s.parsed)),
            &self.list_diags,
        );
        let config = match config {
            Ok(c) => &*c,
            Err(d) => return Err(content.refused(d)),
        };
        let theme = self
            .theme
            .get_or_insert_with(|| Theme::load(&self.root, config));
        let (site, warnings) = assemble_and_check(
            &self.root,
            &self.opts,
            content,
            config,
            theme.as_ref().map_err(Vec::as_slice),
            Some(&mut self.memory),
            timings,
        )?;
        let theme = theme
            .as_ref()
            .expect("a theme that failed to load failed the run");
        Ok((site, theme, warnings))
    }

    /// Builds into `out`. With any error nothing is written and `out` stays as it was. The
    /// first build writes a staging folder and swaps it in; later builds of this builder
    /// replace only the files whose bytes changed, each atomically.
    pub fn build(&mut self, out: &Path) -> Result<BuildReport, BuildError> {
        let start = Instant::now();
        output::check_output_dir(&self.root, out).map_err(BuildError::Io)?;
        let root = self.root.clone();
        let incremental = matches!(&self.manifest, Some((dir, _)) if dir == out && out.is_dir());
        if !incremental {
            self.memory.keys.clear();
        }
        let mut keys = std::mem::take(&mut self.memory.keys);
        // Taken out while the theme (borrowed from the builder) is in use; put back below.
        let mut previous = self.manifest.take().filter(|_| incremental);
        let mut timings = Timings::new(self.observer.clone());
        let (site, theme, warnings) = match self.load_timed(&mut timings) {
            Ok(loaded) => loaded,
            Err(d) => {
                self.manifest = previous;
                return Err(BuildError::Content(d));
            }
        };
        let statics = theme.static_outputs();
        let documents = site.pages.len();
        timings.begin(RENDER);
        let progress = |done, total| timings.progress(done, total);
        let w = Writing {
            root: &root,
            out,
            site: &site,
            theme,
            warnings: &warnings,
            progress: timings
                .observer
                .is_some()
                .then_some(&progress as &render::Progress<'_>),
            pages: AtomicUsize::new(0),
        };
        let result = match &mut previous {
            Some((_, manifest)) => w.changes(&mut keys, manifest, statics),
            None => w.everything(Some(&mut keys), statics).map(|manifest| {
                let written = manifest.len();
                previous = Some((out.to_path_buf(), manifest));
                (written, 0)
            }),
        };
        let pages = w.pages.into_inner();
        self.manifest = previous;
        let (written, removed) = result?;
        timings.end();
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
            stages: timings.done,
        })
    }
}
