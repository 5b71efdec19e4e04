//! What pages exist and how they are rendered: the job list and the parallel loop that renders
//! it into a sorted list of [`Output`]s. Each page family (its planning, URL, watch key and
//! render) is a file of [`pages`]; the views templates receive are in [`view`]; the Atom feed,
//! the sitemap and open data, written without templates because their format is fixed, have
//! a file each.

use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::{Content, Output};
use crate::site::Site;
use crate::theme::Theme;

mod context;
mod feed;
mod open_data;
mod pages;
mod sitemap;
mod view;

use context::Ctx;
pub use view::{Link, human_size};

/// Documents per list page.
pub const PER_PAGE: usize = 20;
/// Ledger items per tracker page.
pub const TRACKER_PER_PAGE: usize = 100;

/// One output (or a few: a document and its search file, a year's open data) to render. Each
/// page family implements it in its own file, so a new page is one file and a line in
/// [`plan`].
trait Job: Send + Sync {
    /// The site-relative URL it answers.
    fn url<'s>(&'s self, cx: &Ctx<'s>) -> Cow<'s, str>;

    /// The files it writes, relative to the output folder.
    fn paths(&self, cx: &Ctx<'_>, _jobs: &Jobs<'_>) -> Vec<String> {
        let url = self.url(cx);
        if url.ends_with('/') {
            vec![format!("{}index.html", &url[1..])]
        } else {
            vec![url[1..].to_string()]
        }
    }

    /// Hashes everything it reads but what every page shows (the salt, [`site_salt`]): when
    /// the hash is unchanged, so is the output.
    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher);

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic>;

    /// Listed in the sitemap (with its date), or `None` for a file that is not a page.
    fn sitemap(&self, _cx: &Ctx<'_>) -> Option<Option<Date>> {
        Some(None)
    }
}

/// Every job of a render.
type Jobs<'a> = [Box<dyn Job + 'a>];

/// The jobs of the site, the longest first: a long one started last keeps one thread busy
/// after the others are done.
fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    let mut jobs: Vec<Box<dyn Job + 'a>> = vec![Box::new(pages::search::SearchIndex)];
    jobs.extend(open_data::plan(cx));
    jobs.push(Box::new(sitemap::Sitemap));
    jobs.push(Box::new(feed::Feed));
    jobs.extend(pages::home::plan());
    jobs.extend(pages::reviews::plan());
    jobs.extend(pages::fixed::plan());
    jobs.extend(pages::archive::plan(cx));
    jobs.extend(pages::documents::plan(cx));
    jobs.extend(pages::ledger::plan(cx));
    jobs.extend(pages::lists::plan(cx));
    jobs.extend(pages::departments::plan(cx));
    jobs.extend(pages::tags::plan(cx));
    jobs
}

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
}

/// Everything a job reads, hashed: when it is unchanged, so is the job's output. `salt`
/// covers what every page shows (the site's settings, "today", tags, free pages).
fn key(cx: &Ctx<'_>, job: &dyn Job, salt: u64) -> u64 {
    let mut h = FxHasher::default();
    salt.hash(&mut h);
    job.key(cx, &mut h);
    h.finish()
}

/// What every page shows: a change here renders everything again.
fn site_salt(site: &Site) -> u64 {
    let mut h = FxHasher::default();
    serde_json::to_string(&site.config)
        .unwrap_or_default()
        .hash(&mut h);
    site.today.hash(&mut h);
    site.tag_slugs.hash(&mut h);
    for p in site.of_kind(Kind::Page) {
        (&p.doc.title, p.url()).hash(&mut h);
    }
    h.finish()
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Templates failed on the site's data.
    Content(Vec<Diagnostic>),
    /// The sink could not take an output (disk full, two outputs at one path).
    Sink(std::io::Error),
}

/// Where rendered outputs go, as soon as each is ready; called from many threads.
pub type Sink<'s> = dyn Fn(Output) -> std::io::Result<()> + Sync + 's;

/// Readies the sink (the writer's folder) while the jobs are planned, before any output:
/// planning takes one thread, and the other is free.
pub type Prepare<'p> = dyn Fn() -> std::io::Result<()> + Sync + 'p;

/// Told `(pages rendered, pages to render)` after each page, from many threads: for a
/// progress bar.
pub type Progress<'p> = dyn Fn(usize, usize) + Sync + 'p;

/// Renders every page of the site and the machine-readable files, sorted by path.
pub fn render(site: &Site, theme: &Theme) -> Result<Vec<Output>, RenderError> {
    let all = std::sync::Mutex::new(Vec::new());
    render_changed(
        site,
        theme,
        None,
        &|o| {
            all.lock().expect("not poisoned").push(o);
            Ok(())
        },
        &|| Ok(()),
        None,
    )?;
    let mut all = all.into_inner().expect("not poisoned");
    all.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}

/// Renders the outputs whose inputs changed since `keys` were recorded, hands each to `sink`
/// as soon as it is ready (attachments too), and updates `keys`. Returns every path the site
/// has when outputs came or went since the last render, `None` otherwise. Without `keys`
/// (a build no later build continues) it renders everything and records nothing.
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    keys: Option<&mut RenderKeys>,
    sink: &Sink<'_>,
    prepare: &Prepare<'_>,
    progress: Option<&Progress<'_>>,
) -> Result<Option<BTreeSet<String>>, RenderError> {
    let mut keys = keys;
    let ((mut cx, jobs), prepared) = rayon::join(
        || {
            let cx = Ctx::new(site);
            let jobs = plan(&cx);
            (cx, jobs)
        },
        prepare,
    );
    prepared.map_err(RenderError::Sink)?;
    // The search index's cache goes to the one job that uses it, and comes back after.
    cx.search = keys
        .as_mut()
        .map(|k| std::sync::Mutex::new(std::mem::take(&mut k.search)));
    let salt = site_salt(site);
    let keyed: Vec<(Cow<'_, str>, u64)> = match &keys {
        Some(_) => jobs
            .par_iter()
            .map(|job| (job.url(&cx), key(&cx, job.as_ref(), salt)))
            .collect(),
        None => Vec::new(),
    };
    let stale = |i: usize| match (&keys, keyed.get(i)) {
        (Some(keys), Some((url, key))) => keys.entries.get(url.as_ref()).map(|e| e.0) != Some(*key),
        _ => true,
    };
    let todo: Vec<&dyn Job> = (0..jobs.len())
        .filter(|&i| stale(i))
        .map(|i| jobs[i].as_ref())
        .collect();
    let rendered = run(&cx, theme, &todo, &jobs, sink, progress);
    if let (Some(k), Some(m)) = (keys.as_mut(), cx.search.take()) {
        k.search = m.into_inner().unwrap_or_else(|e| e.into_inner());
    }
    rendered?;

    // Attachments and images are keyed too, by where they come from, their size and time.
    let mut attachments = Vec::new();
    for p in &site.pages {
        for a in p.copies() {
            let path = format!("{}{}", &p.url()[1..], a.name);
            let mut h = FxHasher::default();
            (&a.source, a.size, a.modified).hash(&mut h);
            attachments.push((path, h.finish(), a.source.clone()));
        }
    }
    for (path, _, source) in &attachments {
        sink(Output {
            path: path.clone(),
            content: Content::Copy(source.clone()),
        })
        .map_err(RenderError::Sink)?;
    }

    let Some(keys) = keys else {
        return Ok(None);
    };
    let all = keyed
        .iter()
        .map(|(u, k)| (u.as_ref(), *k))
        .chain(attachments.iter().map(|(p, k, _)| (p.as_str(), *k)));
    // The full list of files is needed only when outputs came or went.
    let live = record(keys, all).then(|| {
        let mut live: BTreeSet<String> = jobs.iter().flat_map(|j| j.paths(&cx, &jobs)).collect();
        live.extend(attachments.into_iter().map(|(path, _, _)| path));
        live
    });
    Ok(live)
}

/// Renders `todo` in parallel into `sink`: every template error, or the first sink error.
fn run(
    cx: &Ctx<'_>,
    theme: &Theme,
    todo: &[&dyn Job],
    jobs: &Jobs<'_>,
    sink: &Sink<'_>,
    progress: Option<&Progress<'_>>,
) -> Result<(), RenderError> {
    let total = todo.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(), RenderError>> = todo
        .par_iter()
        // One job at a time to a thread, so an idle thread can always take the next.
        .with_max_len(1)
        .map(|job| match job.render(cx, theme, jobs) {
            Ok(outputs) => outputs
                .into_iter()
                .try_for_each(sink)
                .map_err(RenderError::Sink),
            Err(d) => Err(RenderError::Content(vec![d])),
        })
        .inspect(|_| {
            if let Some(p) = progress {
                p(
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    total,
                );
            }
        })
        .collect();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(RenderError::Content(d)) => diags.extend(d),
            Err(e @ RenderError::Sink(_)) => return Err(e),
        }
    }
    if !diags.is_empty() {
        return Err(RenderError::Content(diags));
    }
    Ok(())
}

/// Records this run's keys, by URL (or attachment path); entries not touched belong to outputs
/// that are gone. Whether outputs came or went.
fn record<'k>(keys: &mut RenderKeys, all: impl Iterator<Item = (&'k str, u64)>) -> bool {
    keys.generation = keys.generation.wrapping_add(1);
    let generation = keys.generation;
    let mut added = false;
    for (url, key) in all {
        match keys.entries.get_mut(url) {
            Some(e) => *e = (key, generation),
            None => {
                keys.entries.insert(url.to_string(), (key, generation));
                added = true;
            }
        }
    }
    let before = keys.entries.len();
    keys.entries.retain(|_, e| e.1 == generation);
    added || keys.entries.len() != before
}

/// Each job's URL → its watch key and the files it renders: what the test that keys and
/// renders agree compares.
#[cfg(test)]
fn keyed_renders(site: &Site, theme: &Theme) -> Vec<(String, u64, Vec<Output>)> {
    let cx = Ctx::new(site);
    let jobs = plan(&cx);
    let salt = site_salt(site);
    jobs.iter()
        .map(|job| {
            let outputs = job.render(&cx, theme, &jobs).expect("the example renders");
            (
                job.url(&cx).into_owned(),
                key(&cx, job.as_ref(), salt),
                outputs,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
