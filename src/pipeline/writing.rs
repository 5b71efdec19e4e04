//! Writing one build's pages: into a staging folder swapped in whole, or, for a rebuild over
//! what the same builder wrote, only the files whose bytes changed.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{BuildError, Warnings};
use crate::diagnostic::{self, Diagnostic};
use crate::incremental;
use crate::output::{self, Manifest, Output, compress};
use crate::render::{self, RenderError};
use crate::site::Site;
use crate::theme::Theme;

/// One build's writing: its rendered pages into the output folder, either only the files that
/// changed (a rebuild over what this builder wrote) or everything (through a staging folder).
pub(super) struct Writing<'a> {
    pub(super) root: &'a Path,
    pub(super) out: &'a Path,
    pub(super) site: &'a Site,
    pub(super) theme: &'a Theme,
    pub(super) warnings: &'a Warnings,
    pub(super) progress: Option<&'a render::Progress<'a>>,
    /// HTML pages written, for the report.
    pub(super) pages: AtomicUsize,
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
    pub(super) fn changes(
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
    /// Without `keys`, no later build continues this one: the staged files need no
    /// fingerprints to compare against.
    pub(super) fn everything(
        &self,
        keys: Option<&mut incremental::RenderKeys>,
        statics: Vec<Output>,
    ) -> Result<Manifest, BuildError> {
        let once = keys.is_none();
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
