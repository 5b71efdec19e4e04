//! [`Site`]: the published documents with their rendered Markdown, and ([`index`]) the indexes
//! the pages are built from (by type, year, review, department, tag). Built from parsed
//! documents by a pure function; nothing here reads the disk but the metadata of attachments
//! and images.

use rustc_hash::FxHasher;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator};
use crate::document::{Document, Identity, Kind};
use crate::load::slash_path;
use crate::markdown::{self, LinkTarget, RefKind, Rendered};
use crate::slug;

use crate::incremental;
pub use crate::incremental::{CachedRender, RenderCache};

pub mod index;
pub mod tracked;
pub use index::Index;

/// Options that decide what is published.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Include drafts and scheduled documents (previews).
    pub drafts: bool,
    pub today: Date,
    /// Overrides `base_url` (previews).
    pub base_url: Option<String>,
}

/// A file found on disk and copied next to its page: an attachment, or an image of the body.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    /// The attachment's title; empty for an image.
    pub title: String,
    /// The file name, as published next to the page (its URL percent-encodes it).
    pub name: String,
    /// Relative to the site root.
    pub source: PathBuf,
    pub size: u64,
    /// When the file last changed: an edit that keeps the size is copied again too.
    pub modified: Option<SystemTime>,
}

/// A published document with its HTML.
#[derive(Debug, Clone)]
pub struct Page {
    /// Shared with the builder's cache, so a rebuild does not copy unchanged documents.
    pub doc: Arc<Document>,
    /// The body as HTML, its headings and first paragraph.
    pub content: Arc<Rendered>,
    /// 摘要: `summary`, else the first paragraph.
    pub summary: String,
    pub attachments: Vec<AttachmentFile>,
    /// The body's images, copied next to the page like the attachments.
    pub images: Vec<AttachmentFile>,
    /// Changes whenever anything shown of this document changes: what the page itself and
    /// pages that show the whole document compare to know whether to render again.
    pub hash: u64,
    /// Changes when what a list shows of it changes (title, URL, date, summary, 文号, type,
    /// departments, tags).
    pub card_hash: u64,
    /// Changes when its ledger, or what a ledger row shows of it, changes (rectifications;
    /// 0 for other documents).
    pub ledger_hash: u64,
}

/// Everything the renderer needs, already checked.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub today: Date,
    /// Published documents, newest first (then by URL): the order of every list.
    pub pages: Vec<Arc<Page>>,
    /// Tag name → URL slug (pinyin, made unique).
    pub tag_slugs: BTreeMap<String, String>,
    /// The 归档文件目录 when the site is a year being archived (`pingyi archive`): pages show
    /// their 档号 and the catalogue has a page. `None` in every build.
    pub catalogue: Option<Arc<crate::archive::Catalogue>>,
    /// What can be read of the documents that failed to load (a site with any does not build).
    pub unread: Vec<Identity>,
    /// Reviews left out of this build (drafts, scheduled), by id: why.
    pub withheld_reviews: BTreeMap<String, &'static str>,
}

const DRAFT: &str = "草稿(draft: true)";

/// Why a document is left out of this build.
fn excluded(doc: &Document, opts: &BuildOptions) -> Option<&'static str> {
    if opts.drafts {
        return None;
    }
    if doc.draft {
        return Some(DRAFT);
    }
    if doc.date.is_some_and(|d| d > opts.today) {
        return Some("定时发布、尚未到发布日期");
    }
    None
}

/// The path of `to` as a link in a document under `dir` writes it:
/// `content/2024/speeches` → `content/2024/notices/x.md` is `../notices/x.md`.
pub fn relative_path(dir: &Path, to: &Path) -> String {
    let from: Vec<_> = dir.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// `content/2024/speeches` + `../notices/x.md` → `content/2024/notices/x.md`, or `None` if the
/// path climbs out of the site.
pub fn join_relative(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut out: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let decoded = crate::url::decode(rel);
    for c in Path::new(decoded.as_ref()).components() {
        match c {
            Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(PathBuf::from(out.join("/")))
}

/// Renders the body of `doc`, recording every reference it resolves and what to: a later
/// build reuses the result while each still resolves the same.
fn render_markdown(
    doc: &Arc<Document>,
    base_path: &str,
    unsafe_html: bool,
    resolve_ref: &dyn Fn(RefKind, &str) -> LinkTarget,
) -> CachedRender {
    let links = std::sync::Mutex::new(Vec::new());
    let resolve = |kind: RefKind, link: &str| {
        let t = resolve_ref(kind, link);
        links
            .lock()
            .expect("not poisoned")
            .push((kind, link.to_string(), t.clone()));
        t
    };
    let rendered = markdown::render(doc.body(), unsafe_html, &resolve);
    CachedRender {
        doc: Arc::clone(doc),
        base_path: base_path.to_string(),
        unsafe_html,
        links: links.into_inner().expect("not poisoned"),
        content: Arc::new(rendered),
        page: None,
    }
}

/// The Markdown problems of `doc`'s body as diagnostics at their lines, in one pass over the
/// text: a document may have thousands.
fn problems(doc: &Document, content: &Rendered, diags: &mut Vec<Diagnostic>) {
    let mut locator = Locator::new(&doc.text);
    for p in &content.problems {
        let d = if p.is_error {
            Diagnostic::error(&doc.source, &p.message)
        } else {
            Diagnostic::warning(&doc.source, &p.message)
        };
        let at = doc.body_offset + p.offset;
        diags.push(d.at_offset(&mut locator, at).with_hint(p.hint.clone()));
    }
}

/// Tag name → URL slug: pinyin, made unique with `-2`, `-3`, … in tag order.
fn tag_slugs(pages: &[Arc<Page>]) -> BTreeMap<String, String> {
    let tags: BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| p.doc.tags.iter().map(String::as_str))
        .collect();
    let mut tag_slugs = BTreeMap::new();
    let mut used = BTreeSet::new();
    for t in tags {
        let base = slug::derive_capped(t).unwrap_or_else(|| "tag".into());
        let mut s = base.clone();
        let mut n = 2;
        while !used.insert(s.clone()) {
            s = format!("{base}-{n}");
            n += 1;
        }
        tag_slugs.insert(t.to_string(), s);
    }
    tag_slugs
}

/// Where links between documents lead: each source path's URL, and whether it is published.
struct Links<'a> {
    by_source: FxHashMap<&'a str, (&'a str, Option<&'static str>)>,
    unparsed: &'a BTreeMap<PathBuf, Identity>,
    base_path: &'a str,
}

impl<'a> Links<'a> {
    fn new(
        docs: &'a [Arc<Document>],
        unparsed: &'a BTreeMap<PathBuf, Identity>,
        opts: &BuildOptions,
        base_path: &'a str,
    ) -> Links<'a> {
        let by_source = docs
            .iter()
            .map(|d| {
                (
                    d.source.to_str().unwrap_or_default(),
                    (d.url(), excluded(d, opts)),
                )
            })
            .collect();
        Links {
            by_source,
            unparsed,
            base_path,
        }
    }

    /// A link written in a document under `dir`.
    fn resolve(&self, dir: &Path, link: &str) -> LinkTarget {
        let Some(target) = join_relative(dir, link) else {
            return LinkTarget::broken(format!("链接 `{link}` 指向站点之外"));
        };
        match self.by_source.get(target.to_str().unwrap_or_default()) {
            Some((url, None)) => LinkTarget::Url(format!("{}{url}", self.base_path)),
            Some((_, Some(why))) => LinkTarget::Broken {
                message: format!("链接 `{link}` 指向的文档是{why},发布后会成为死链"),
                hint: Some(
                    if *why == DRAFT {
                        "发布那篇文档(删去它的 draft: true),或等它发布后再加这个链接"
                    } else {
                        "等那篇文档到了发布日期再加这个链接,或把本文的 date 改到它的发布日期之后"
                    }
                    .into(),
                ),
            },
            None if self.unparsed.contains_key(&target) => LinkTarget::Url(link.to_string()),
            None => LinkTarget::Broken {
                message: format!(
                    "链接 `{link}` 指向的文件 {} 不存在",
                    slash_path(&target).display()
                ),
                hint: self.same_name(dir, &target),
            },
        }
    }

    /// For a link to a file that is not there: the relative path of the one document of
    /// that file name, or the paths of those there are.
    fn same_name(&self, dir: &Path, target: &Path) -> Option<String> {
        let name = target.file_name()?.to_str()?;
        let mut found: Vec<String> = self
            .by_source
            .keys()
            .filter(|s| Path::new(s).file_name().and_then(|n| n.to_str()) == Some(name))
            .map(|s| relative_path(dir, Path::new(s)))
            .collect();
        found.sort();
        match found.as_slice() {
            [] => None,
            [one] => Some(format!("是不是 `{one}`?站点里叫 {name} 的文档只有这一篇")),
            many => Some(format!("站点里叫 {name} 的文档有: {}", many.join("、"))),
        }
    }
}

/// Builds the site from parsed documents: leaves out drafts and scheduled documents, renders
/// Markdown with links resolved (taking from `previous`, a builder's last, what
/// [`incremental::reusable`] says can be used again; a one-shot build passes none), finds
/// attachments. Returns the site, every diagnostic
/// (link and attachment problems; rules over the whole site are in `validate`) and what a next
/// build may reuse.
///
/// `unread` are sources that exist but failed to load, with what can be read of them: links to
/// them are not reported again, and `validate` does not blame others for their absence.
pub fn assemble(
    root: &Path,
    mut config: Config,
    docs: &[Arc<Document>],
    unread: &BTreeMap<PathBuf, Identity>,
    opts: &BuildOptions,
    previous: &RenderCache,
) -> (Site, Vec<Diagnostic>, RenderCache) {
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    let base_path = base_path(&config.base_url);
    let unsafe_html = config.markdown.unsafe_html;
    let links = Links::new(docs, unread, opts, &base_path);

    type Assembled = (Option<(Arc<Page>, Arc<CachedRender>)>, Vec<Diagnostic>);
    let results: Vec<Assembled> = docs
        .par_iter()
        .map(|doc| {
            let doc = Arc::clone(doc);
            let mut diags = Vec::new();
            if excluded(&doc, opts).is_some() {
                return (None, diags);
            }
            let dir = doc.dir().to_path_buf();
            let images = Images::new(root, &doc, &base_path);
            let resolve_ref = |kind: RefKind, link: &str| match kind {
                RefKind::Document => links.resolve(&dir, link),
                RefKind::Image => images.resolve(link),
            };
            let reusable =
                incremental::reusable(previous, &doc, &base_path, unsafe_html, &resolve_ref);
            let cached = match reusable {
                Some(c) => Arc::clone(c),
                None => {
                    images.forget();
                    Arc::new(render_markdown(&doc, &base_path, unsafe_html, &resolve_ref))
                }
            };
            problems(&doc, &cached.content, &mut diags);
            // Attachments and images are looked at on every build: their files may have
            // changed.
            let images = images.found.into_inner();
            if let (Some(page), true) = (
                &cached.page,
                doc.attachments.is_empty() && images.is_empty(),
            ) {
                let page = Arc::clone(page);
                return (Some((page, cached)), diags);
            }
            let page = Arc::new(make_page(root, &doc, &cached, images, &mut diags));
            let mut next = (*cached).clone();
            next.page = Some(Arc::clone(&page));
            (Some((page, Arc::new(next))), diags)
        })
        .collect();

    let mut pages = Vec::new();
    let mut diags = Vec::new();
    let mut next_cache = RenderCache::default();
    next_cache.reserve(results.len());
    for (p, d) in results {
        if let Some((page, cached)) = p {
            next_cache.insert(page.doc.source.clone(), cached);
            pages.push(page);
        }
        diags.extend(d);
    }
    // Unstable is enough: URLs are unique in any site that builds.
    pages.sort_unstable_by(|a, b| {
        b.doc
            .date
            .cmp(&a.doc.date)
            .then_with(|| a.url().cmp(b.url()))
    });

    let tag_slugs = tag_slugs(&pages);
    let withheld_reviews = docs
        .iter()
        .filter_map(|d| match &d.details {
            crate::document::Details::Review(r) => Some((r.id.clone(), excluded(d, opts)?)),
            _ => None,
        })
        .collect();
    let site = Site {
        config,
        today: opts.today,
        pages,
        tag_slugs,
        catalogue: None,
        unread: unread.values().cloned().collect(),
        withheld_reviews,
    };
    (site, diags, next_cache)
}

/// The page of `doc`: its summary, attachments, URL and the hashes rebuilds compare.
fn make_page(
    root: &Path,
    doc: &Arc<Document>,
    cached: &CachedRender,
    images: Vec<AttachmentFile>,
    diags: &mut Vec<Diagnostic>,
) -> Page {
    let attachments = find_attachments(root, doc, diags);
    let summary = doc
        .summary
        .clone()
        .unwrap_or_else(|| cached.content.first_paragraph.clone());
    let hash = {
        let mut h = FxHasher::default();
        doc.hash.hash(&mut h);
        cached.links.hash(&mut h);
        for a in &attachments {
            (&a.name, a.size).hash(&mut h);
        }
        h.finish()
    };
    let url = doc.url();
    let card_hash = {
        let mut h = FxHasher::default();
        (
            &doc.title,
            &url,
            doc.date,
            &summary,
            &doc.doc_number,
            doc.kind,
            doc.departments(),
            &doc.tags,
            doc.review_id(),
        )
            .hash(&mut h);
        h.finish()
    };
    // What a ledger row shows of its document: not the summary, so editing the text of a
    // report does not render the tracker again.
    let ledger_hash = match &doc.details {
        crate::document::Details::Rectification(r) => {
            let mut h = FxHasher::default();
            (&doc.title, &url, doc.year(), doc.review_id()).hash(&mut h);
            // Round, phase and date decide which report holds an item's latest state.
            (&r.department, r.round, r.phase, doc.date).hash(&mut h);
            r.items.hash(&mut h);
            h.finish()
        }
        _ => 0,
    };
    Page {
        doc: Arc::clone(doc),
        content: Arc::clone(&cached.content),
        summary,
        attachments,
        images,
        hash,
        card_hash,
        ledger_hash,
    }
}

/// `rel` (inside `content/`) as a plain file of the site, not through a link out of it.
fn locate(root: &Path, rel: &Path) -> Option<std::fs::Metadata> {
    let abs = root.join(rel);
    let inside = abs
        .canonicalize()
        .ok()
        .zip(root.canonicalize().ok())
        .is_some_and(|(a, r)| a.starts_with(r));
    let meta = std::fs::metadata(&abs).ok().filter(|m| m.is_file())?;
    inside.then_some(meta)
}

/// The file `rel` as copied next to a page.
fn copied(title: &str, rel: &Path, meta: &std::fs::Metadata) -> AttachmentFile {
    AttachmentFile {
        title: title.to_string(),
        name: file_name(rel),
        source: slash_path(rel),
        size: meta.len(),
        modified: meta.modified().ok(),
    }
}

fn file_name(rel: &Path) -> String {
    rel.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The attachments of `doc` that exist inside `content/`; a diagnostic for each that does not,
/// and for one that would be published under the name another file of the page has.
fn find_attachments(
    root: &Path,
    doc: &Document,
    diags: &mut Vec<Diagnostic>,
) -> Vec<AttachmentFile> {
    let mut attachments: Vec<AttachmentFile> = Vec::new();
    if doc.attachments.is_empty() {
        return attachments;
    }
    // Each attachment's line from one pass over the front matter, not a search for each.
    let files = crate::frontmatter::split(&doc.source, &doc.text)
        .map(|s| crate::frontmatter::KeyLines::new(&s, "file"))
        .ok();
    let mut locator = Locator::new(&doc.text);
    let mut from = 1;
    for a in &doc.attachments {
        let line = files.as_ref().and_then(|f| f.from(from)).unwrap_or(1);
        from = line + 1;
        let found = join_relative(doc.dir(), &a.file)
            .filter(|p| p.starts_with(crate::load::CONTENT_DIR))
            .and_then(|rel| Some((locate(root, &rel)?, rel)));
        match found {
            Some((meta, rel)) => {
                let file = copied(&a.title, &rel, &meta);
                let twin = attachments
                    .iter()
                    .find(|o| o.name == file.name && o.source != file.source);
                if file.name == "index.html" {
                    diags.push(
                        Diagnostic::error(
                            &doc.source,
                            format!("附件 `{}` 发布后会盖住本页的 index.html", a.file),
                        )
                        .at_line(&mut locator, line, 1)
                        .with_hint("给这个文件改名"),
                    );
                } else if let Some(twin) = twin {
                    diags.push(
                        Diagnostic::error(
                            &doc.source,
                            format!(
                                "附件 `{}` 与 {} 发布后同名 `{}`,会互相覆盖",
                                a.file,
                                twin.source.display(),
                                file.name
                            ),
                        )
                        .at_line(&mut locator, line, 1)
                        .with_hint("给其中一个文件改名"),
                    );
                } else {
                    attachments.push(file);
                }
            }
            None => diags.push(
                Diagnostic::error(&doc.source, format!("附件 `{}` 不存在", a.file))
                    .at_line(&mut locator, line, 1)
                    .with_hint("附件文件放在文档旁边(content/ 之内),file 写相对于文档的路径"),
            ),
        }
    }
    attachments
}

/// Finds the images of one document's body while its Markdown is rendered: each must be a
/// file inside `content/`, and no two files may be published under one name next to the page.
struct Images<'a> {
    root: &'a Path,
    doc: &'a Document,
    /// Where the copies are published: `{base_path}{document URL}`.
    page_url: String,
    /// Published name → the file it is: the page itself, its attachments, then the images
    /// met so far.
    taken: RefCell<BTreeMap<String, PathBuf>>,
    found: RefCell<Vec<AttachmentFile>>,
}

impl<'a> Images<'a> {
    fn new(root: &'a Path, doc: &'a Document, base_path: &str) -> Images<'a> {
        let images = Images {
            root,
            doc,
            page_url: format!("{base_path}{}", doc.url()),
            taken: RefCell::default(),
            found: RefCell::default(),
        };
        images.forget();
        images
    }

    /// Back to no image found, before the body is rendered again.
    fn forget(&self) {
        let mut taken = self.taken.borrow_mut();
        taken.clear();
        taken.insert("index.html".into(), self.doc.source.clone());
        for a in &self.doc.attachments {
            if let Some(rel) = join_relative(self.doc.dir(), &a.file) {
                taken.entry(file_name(&rel)).or_insert(slash_path(&rel));
            }
        }
        self.found.borrow_mut().clear();
    }

    fn resolve(&self, src: &str) -> LinkTarget {
        let Some(rel) =
            join_relative(self.doc.dir(), src).filter(|p| p.starts_with(crate::load::CONTENT_DIR))
        else {
            return LinkTarget::broken(format!("图片 `{src}` 在 content/ 之外,不会发布"));
        };
        let Some(meta) = locate(self.root, &rel) else {
            return LinkTarget::broken(format!(
                "图片 `{src}` 不存在(找的是 {})",
                slash_path(&rel).display()
            ));
        };
        let file = copied("", &rel, &meta);
        // A source would be published as it is, a draft's too.
        if file.name.to_ascii_lowercase().ends_with(".md") {
            return LinkTarget::broken(format!("图片 `{src}` 是一篇文档的源文件,不是图片"));
        }
        let mut taken = self.taken.borrow_mut();
        match taken.get(&file.name) {
            Some(other) if *other == self.doc.source => {
                return LinkTarget::broken(format!("图片 `{src}` 发布后会盖住本页的 index.html"));
            }
            Some(other) if *other != file.source => {
                return LinkTarget::broken(format!(
                    "图片 `{src}` 与 {} 发布后同名 `{}`,会互相覆盖",
                    other.display(),
                    file.name
                ));
            }
            _ => {}
        }
        let url = format!("{}{}", self.page_url, crate::url::segment(&file.name));
        // Shown before, or an attachment: copied already.
        if !taken.contains_key(&file.name) {
            taken.insert(file.name.clone(), file.source.clone());
            self.found.borrow_mut().push(file);
        }
        LinkTarget::Url(url)
    }
}

/// The path part of a base URL: `https://x.gov.cn/rd` → `/rd`; empty at the host's root.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|x| x.1).unwrap_or(base_url);
    match rest.find('/') {
        Some(i) => rest[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

impl Page {
    /// Site-relative URL of the document.
    pub fn url(&self) -> &str {
        self.doc.url()
    }

    /// Every file copied next to the page: its attachments and its images.
    pub fn copies(&self) -> impl Iterator<Item = &AttachmentFile> {
        self.attachments.iter().chain(&self.images)
    }
}

impl Site {
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Page> {
        self.pages
            .iter()
            .map(|p| &**p)
            .filter(move |p| p.doc.kind == kind)
    }

    /// Years that have at least one dated document, newest first.
    pub fn years(&self) -> Vec<i32> {
        let set: BTreeSet<i32> = self
            .pages
            .iter()
            .filter(|p| p.doc.kind != Kind::Page)
            .filter_map(|p| p.doc.year())
            .collect();
        set.into_iter().rev().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_within_the_site() {
        let dir = Path::new("content/2024/speeches");
        assert_eq!(
            join_relative(dir, "../notices/plan.md").unwrap(),
            PathBuf::from("content/2024/notices/plan.md")
        );
        assert_eq!(
            join_relative(dir, "./%E8%AE%B2%E8%AF%9D.md").unwrap(),
            PathBuf::from("content/2024/speeches/讲话.md")
        );
        assert_eq!(join_relative(dir, "../../../../etc/passwd"), None);
        assert_eq!(join_relative(dir, "/etc/passwd"), None);
    }

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://rd.example.gov.cn"), "");
        assert_eq!(base_path("https://www.example.gov.cn/rd/"), "/rd");
        assert_eq!(base_path("http://127.0.0.1:1111"), "");
    }
}
