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

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::Kind;
use crate::output::{Content, Output};
use crate::site::Site;
use crate::theme::Theme;

mod chain;
mod context;
mod feed;
mod open_data;
mod pages;
mod sitemap;
mod view;

use context::Ctx;
/// Escaping for XML text: the feed's, and the archive metadata's.
pub(crate) use feed::xml_escape;
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
    jobs.extend(pages::site_map::plan());
    jobs.extend(pages::archive::plan(cx));
    jobs.extend(pages::catalogue::plan(cx));
    jobs.extend(pages::documents::plan(cx));
    jobs.extend(pages::ledger::plan(cx));
    jobs.extend(pages::lists::plan(cx));
    jobs.extend(pages::departments::plan(cx));
    jobs.extend(pages::tags::plan(cx));
    jobs
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
    render_into(
        site,
        theme,
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

/// [`render`] of the pages whose URL `keep` takes, without the attachments: a page rendered
/// again once what it shows is known (an archive's catalogue, after the files it counts).
pub fn render_some(
    site: &Site,
    theme: &Theme,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Output>, RenderError> {
    let plan = Plan::new(site, None);
    let which = |i: usize| keep(&plan.jobs[i].url(&plan.cx));
    let all = std::sync::Mutex::new(Vec::new());
    plan.render(
        theme,
        &which,
        &|o| {
            all.lock().expect("not poisoned").push(o);
            Ok(())
        },
        None,
    )?;
    Ok(all.into_inner().expect("not poisoned"))
}

/// Renders every output of the site into `sink` as soon as each is ready, attachments last;
/// `prepare` runs while the jobs are planned.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    sink: &Sink<'_>,
    prepare: &Prepare<'_>,
    progress: Option<&Progress<'_>>,
) -> Result<(), RenderError> {
    let (plan, prepared) = rayon::join(|| Plan::new(site, None), prepare);
    prepared.map_err(RenderError::Sink)?;
    plan.render(theme, &|_| true, sink, progress)?;
    copies(site).try_for_each(sink).map_err(RenderError::Sink)
}

/// The attachments and images of every page, copied next to it.
pub fn copies(site: &Site) -> impl Iterator<Item = Output> + '_ {
    site.pages.iter().flat_map(|p| {
        p.copies().map(|a| Output {
            path: format!("{}{}", &p.url()[1..], a.name),
            content: Content::Copy(a.source.clone()),
        })
    })
}

/// The jobs of a site, planned: what a render renders, whole or in part. A build no later
/// build continues renders every job; `incremental` renders those whose key changed.
pub struct Plan<'a> {
    cx: Ctx<'a>,
    jobs: Vec<Box<dyn Job + 'a>>,
}

impl<'a> Plan<'a> {
    /// Plans the site's jobs. `search` is the search index's cache, when a later build
    /// continues this one; it comes back from [`Plan::into_search_cache`].
    pub fn new(site: &'a Site, search: Option<crate::search::Cache>) -> Plan<'a> {
        let mut cx = Ctx::new(site);
        cx.search = search.map(std::sync::Mutex::new);
        let jobs = plan(&cx);
        Plan { cx, jobs }
    }

    /// Each job's URL and watch key, in job order.
    pub fn keys(&self) -> Vec<(Cow<'_, str>, u64)> {
        let salt = site_salt(self.cx.site);
        self.jobs
            .par_iter()
            .map(|job| (job.url(&self.cx), key(&self.cx, job.as_ref(), salt)))
            .collect()
    }

    /// Every file the site has, relative to the output folder (attachments too).
    pub fn paths(&self) -> BTreeSet<String> {
        let mut paths: BTreeSet<String> = self
            .jobs
            .iter()
            .flat_map(|j| j.paths(&self.cx, &self.jobs))
            .collect();
        paths.extend(copies(self.cx.site).map(|o| o.path));
        paths
    }

    /// Renders the jobs `which` picks (by position in job order) in parallel into `sink`:
    /// every template error, or the first sink error.
    pub fn render(
        &self,
        theme: &Theme,
        which: &(dyn Fn(usize) -> bool + Sync),
        sink: &Sink<'_>,
        progress: Option<&Progress<'_>>,
    ) -> Result<(), RenderError> {
        let todo: Vec<&dyn Job> = (0..self.jobs.len())
            .filter(|&i| which(i))
            .map(|i| self.jobs[i].as_ref())
            .collect();
        run(&self.cx, theme, &todo, &self.jobs, sink, progress)
    }

    /// The search index's cache as the render left it.
    pub fn into_search_cache(self) -> Option<crate::search::Cache> {
        let m = self.cx.search?;
        Some(m.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
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
