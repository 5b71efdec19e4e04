//! What watch remembers between builds, as a layer over the stages: each document's rendered
//! Markdown with what it depended on ([`RenderCache`], which `site::assemble` consults), each
//! output's key (a hash of what it is rendered from) and the search index's cache
//! ([`RenderKeys`]), so a rebuild redoes only what its inputs changed. `render` itself knows
//! nothing of earlier builds. (`validate` keeps its own per-document cache, `ValidateCache`.)

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use crate::document::Document;
use crate::markdown::{LinkTarget, RefKind, Rendered};
use crate::render::{Plan, Prepare, Progress, RenderError, Sink};
use crate::site::{Page, Site};
use crate::theme::Theme;

/// Everything a builder remembers of its last build to redo only what changed: one value,
/// so a build that no later build continues simply has none.
#[derive(Debug, Default)]
pub struct Memory {
    /// Markdown rendered by the last build, reused for unchanged documents.
    pub markdown: RenderCache,
    /// What each output of the last build was made from; empty forces a full render.
    pub keys: RenderKeys,
    /// Each document's diagnostics from the last build.
    pub checked: crate::validate::ValidateCache,
}

/// Markdown rendered for a document, with what it depended on, so a rebuild can reuse it.
#[derive(Debug, Clone)]
pub struct CachedRender {
    pub(crate) doc: Arc<Document>,
    pub(crate) base_path: String,
    pub(crate) unsafe_html: bool,
    /// Every link to a source file and every image the body has, and what it resolved to.
    pub(crate) links: Vec<(RefKind, String, LinkTarget)>,
    pub(crate) content: Arc<Rendered>,
    /// The page made from it, reused while nothing it depends on changes.
    pub(crate) page: Option<Arc<Page>>,
}

/// What the last build rendered, by source path. An entry is used only for the very document
/// it was made from (`Arc::ptr_eq`): a re-read file is a new document.
pub type RenderCache = FxHashMap<PathBuf, Arc<CachedRender>>;

/// What the last render rendered: each job's URL (and each attachment's path) → a hash of
/// everything it reads, and the run that last saw it.
#[derive(Debug, Default)]
pub struct RenderKeys {
    entries: FxHashMap<String, (u64, u32)>,
    generation: u32,
    /// The search index as last built: a rebuild redoes only what an edit touched.
    search: crate::search::Cache,
}

impl RenderKeys {
    /// Forgets everything: the next render renders every output.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.search = crate::search::Cache::default();
    }

    /// Whether the output at `url` was last rendered from something else.
    fn stale(&self, url: &str, key: u64) -> bool {
        self.entries.get(url).map(|e| e.0) != Some(key)
    }

    /// Records this run's keys, by URL (or attachment path); entries not touched belong to
    /// outputs that are gone. Whether outputs came or went.
    fn record<'k>(&mut self, all: impl Iterator<Item = (&'k str, u64)>) -> bool {
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let mut added = false;
        for (url, key) in all {
            match self.entries.get_mut(url) {
                Some(e) => *e = (key, generation),
                None => {
                    self.entries.insert(url.to_string(), (key, generation));
                    added = true;
                }
            }
        }
        let before = self.entries.len();
        self.entries.retain(|_, e| e.1 == generation);
        added || self.entries.len() != before
    }
}

/// Renders the outputs whose inputs changed since `keys` were recorded, hands each to `sink`
/// as soon as it is ready (attachments too), and updates `keys`. Returns every path the site
/// has when outputs came or went since the last render, `None` otherwise. Without `keys`
/// (a build no later build continues) it is [`crate::render::render_into`].
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    keys: Option<&mut RenderKeys>,
    sink: &Sink<'_>,
    prepare: &Prepare<'_>,
    progress: Option<&Progress<'_>>,
) -> Result<Option<BTreeSet<String>>, RenderError> {
    let Some(keys) = keys else {
        crate::render::render_into(site, theme, sink, prepare, progress)?;
        return Ok(None);
    };
    // The search index's cache goes to the render, and comes back after.
    let search = std::mem::take(&mut keys.search);
    let (plan, prepared) = rayon::join(|| Plan::new(site, Some(search)), prepare);
    prepared.map_err(RenderError::Sink)?;
    let keyed = plan.keys();
    let stale = |i: usize| keys.stale(&keyed[i].0, keyed[i].1);
    let rendered = plan.render(theme, &stale, sink, progress);
    let live = (|| {
        rendered?;
        // Attachments and images are keyed by where they come from, their size and time.
        let mut attachments = Vec::new();
        for p in &site.pages {
            for a in p.copies() {
                let mut h = FxHasher::default();
                (&a.source, a.size, a.modified).hash(&mut h);
                attachments.push((format!("{}{}", &p.url()[1..], a.name), h.finish()));
            }
        }
        crate::render::copies(site)
            .try_for_each(sink)
            .map_err(RenderError::Sink)?;
        let all = keyed
            .iter()
            .map(|(u, k)| (u.as_ref(), *k))
            .chain(attachments.iter().map(|(p, k)| (p.as_str(), *k)));
        // The full list of files is needed only when outputs came or went.
        Ok(keys.record(all).then(|| plan.paths()))
    })();
    drop(keyed);
    if let Some(search) = plan.into_search_cache() {
        keys.search = search;
    }
    live
}
