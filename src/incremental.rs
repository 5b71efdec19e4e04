//! What watch remembers between builds, as a layer over the stages: each document's rendered
//! Markdown with what it depended on ([`RenderCache`], which `site::assemble` consults), each
//! output's key (a hash of what it is rendered from) and the search index's cache
//! ([`RenderKeys`]), and each document's diagnostics ([`Checked`]), so a rebuild redoes only
//! what its inputs changed. `validate` and `render` themselves know nothing of earlier builds.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown::{LinkTarget, RefKind, Rendered};
use crate::render::{Plan, Prepare, Progress, RenderError, Sink};
use crate::site::{Page, Site};
use crate::theme::Theme;
use crate::validate::{Known, check_document, site_wide};

/// Everything a builder remembers of its last build to redo only what changed: one value,
/// so a build that no later build continues simply has none.
#[derive(Debug, Default)]
pub struct Memory {
    /// Markdown rendered by the last build, reused for unchanged documents.
    pub markdown: RenderCache,
    /// What each output of the last build was made from; empty forces a full render.
    pub keys: RenderKeys,
    /// Each document's diagnostics from the last build.
    pub checked: Checked,
}

/// Each document's diagnostics from the last run, reused while the document and what it is
/// checked against ([`Known::fingerprint`]) are unchanged.
#[derive(Debug, Default)]
pub struct Checked {
    known: u64,
    /// By the address of the document's `Arc`, which the entry keeps alive.
    docs: FxHashMap<usize, (Arc<Document>, Arc<Vec<Diagnostic>>)>,
    /// All of them, sorted, while no document's changed.
    sorted: Option<Arc<Vec<Diagnostic>>>,
}

impl Checked {
    /// [`crate::validate::validate`], checking again only the documents that changed. The
    /// documents' diagnostics come sorted and shared: the same list as last time when nothing
    /// changed (a large site may carry thousands of overdue warnings).
    pub fn validate(&mut self, site: &Site) -> (Arc<Vec<Diagnostic>>, Vec<Diagnostic>) {
        let known = Known::of(site);
        if self.known != known.fingerprint() {
            self.docs.clear();
            self.sorted = None;
            self.known = known.fingerprint();
        }
        type Result = (Arc<Document>, Arc<Vec<Diagnostic>>, bool);
        let checked: Vec<Result> = site
            .pages
            .par_iter()
            .map(
                |page| match self.docs.get(&(Arc::as_ptr(&page.doc) as usize)) {
                    Some((doc, d)) if Arc::ptr_eq(doc, &page.doc) => {
                        (Arc::clone(doc), Arc::clone(d), false)
                    }
                    _ => {
                        let mut d = check_document(&known, &page.doc);
                        crate::diagnostic::sort(&mut d);
                        (Arc::clone(&page.doc), Arc::new(d), true)
                    }
                },
            )
            .collect();
        let unchanged = self.sorted.is_some()
            && checked.len() == self.docs.len()
            && checked.iter().all(|c| !c.2);
        if !unchanged {
            self.docs.clear();
            let mut all = Vec::new();
            for (doc, d, _) in checked {
                all.extend(d.iter().cloned());
                self.docs.insert(Arc::as_ptr(&doc) as usize, (doc, d));
            }
            crate::diagnostic::sort(&mut all);
            self.sorted = Some(Arc::new(all));
        }
        let per_doc = Arc::clone(self.sorted.as_ref().expect("set above"));
        (per_doc, site_wide(site))
    }
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

/// The Markdown (and page) the last build made from `doc`, when it can be used again: made
/// from this very document, for the same base path and raw-HTML setting, and every link and
/// image of it still resolves as it did. Replaying the references also finds the images
/// again: their files may have changed.
pub fn reusable<'c>(
    previous: &'c RenderCache,
    doc: &Arc<Document>,
    base_path: &str,
    unsafe_html: bool,
    resolve: &dyn Fn(RefKind, &str) -> LinkTarget,
) -> Option<&'c Arc<CachedRender>> {
    previous.get(&doc.source).filter(|c| {
        Arc::ptr_eq(&c.doc, doc)
            && c.base_path == base_path
            && c.unsafe_html == unsafe_html
            && c.links.iter().all(|(k, l, t)| resolve(*k, l) == *t)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    /// The remembered diagnostics are those a fresh check gives, when what documents are
    /// checked against changes under unchanged documents: today, the departments.
    #[test]
    fn remembered_diagnostics_are_those_of_a_fresh_check() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut site, _) =
            crate::load_site(root, &crate::Options::default()).expect("the example site loads");
        let mut memo = Checked::default();
        let mut seen = Vec::new();
        for (today, departments) in [
            ("2026-11-27", 5),
            ("2027-12-31", 5),
            ("2027-12-31", 4),
            ("2026-11-27", 5),
        ] {
            let mut site_now = site.clone();
            site_now.today = Date::parse(today).expect("a date");
            site_now.config.departments.truncate(departments);
            let (per_doc, site_wide) = memo.validate(&site_now);
            let fresh = crate::validate::validate(&site_now);
            assert_eq!(
                ((*per_doc).clone(), site_wide),
                fresh,
                "{today} {departments}"
            );
            seen.push(per_doc.len());
        }
        // Each change made a difference to check against.
        assert!(seen[1] > seen[0] && seen[2] > seen[1], "{seen:?}");
        site.today = Date::parse("2026-11-27").expect("a date");
        assert_eq!(memo.validate(&site).0.len(), seen[0]);
    }
}
