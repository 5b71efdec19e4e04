//! Themes: Tera templates parsed once from `themes/<name>/templates/`, where a file of the same
//! name in the site's own `templates/` replaces the theme's; and the static files of both.
//! The default theme is also compiled into the binary: a site without its own
//! `themes/default/` uses that copy, so `pingyi` works from any folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry, include_dir};
use tera::{Context, Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::load::{is_junk, slash_path};
use crate::output::{Content, Output};

mod errors;

/// The templates the renderer asks for besides each kind's own (in the kind table).
pub const REQUIRED: &[&str] = &[
    "index.html",
    "list.html",
    "reviews.html",
    "departments.html",
    "department.html",
    "tracker.html",
    "archive_index.html",
    "archive.html",
    "tags.html",
    "tag.html",
    "404.html",
    "search.html",
    "sitemap.html",
];

/// The default theme as it was when the binary was built (`build.rs` keeps it current).
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name under which [`DEFAULT_THEME`] is found when the site has no folder of that name.
pub const DEFAULT_THEME_NAME: &str = "default";

/// Where the built-in theme's files say they come from, in error messages.
const BUILTIN_LABEL: &str = "(内置主题 default)";

/// The files of a compiled-in folder, sorted, with paths relative to `dir`'s root.
pub fn embedded_files(dir: &'static Dir<'static>) -> Vec<(PathBuf, &'static [u8])> {
    fn walk(entries: &'static [DirEntry<'static>], out: &mut Vec<(PathBuf, &'static [u8])>) {
        for e in entries {
            match e {
                DirEntry::Dir(d) => walk(d.entries(), out),
                DirEntry::File(f) => out.push((f.path().to_path_buf(), f.contents())),
            }
        }
    }
    let mut out = Vec::new();
    walk(dir.entries(), &mut out);
    out.sort();
    out
}

/// The built-in default theme's files, less any editor junk that was beside them at build time.
pub fn builtin_theme_files() -> Vec<(PathBuf, &'static [u8])> {
    let mut files = embedded_files(&DEFAULT_THEME);
    files.retain(|(p, _)| {
        !p.components()
            .any(|c| is_junk(&c.as_os_str().to_string_lossy()))
    });
    files
}

pub struct Theme {
    tera: Tera,
    /// Template name → the file it came from, relative to the site root, and its text: what
    /// an error in it points at.
    sources: errors::Sources,
    /// Static files: output path → a file relative to the site root, or the built-in bytes.
    /// The site wins.
    statics: BTreeMap<String, Content>,
    /// Template name → the largest page it has rendered: the next one's buffer is made that
    /// size, so a long list page is not copied as its buffer grows.
    sizes: BTreeMap<String, std::sync::atomic::AtomicUsize>,
}

/// `2024-05-12` → `2024年5月12日`; anything else is shown as written.
fn zh_date(value: &str, _: Kwargs, _: &State) -> String {
    Date::parse(value)
        .map(Date::zh)
        .unwrap_or_else(|_| value.to_string())
}

/// `done` → `已销号`.
fn status_label(value: &str, _: Kwargs, _: &State) -> String {
    match value {
        "registered" => "已登记",
        "in_progress" => "整改中",
        "done" => "已销号",
        other => other,
    }
    .to_string()
}

/// Tera's default escaper writes byte by byte through `dyn Write`; this one writes the runs
/// between special characters whole. Same five characters, same entities.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    loop {
        let i = bytes[start..]
            .iter()
            .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
            .map_or(bytes.len(), |n| start + n);
        out.write_all(&bytes[start..i])?;
        let Some(&b) = bytes.get(i) else {
            return Ok(());
        };
        out.write_all(match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => b"&#39;",
        })?;
        start = i + 1;
    }
}

/// Files under `dir`, relative to `dir`, junk skipped, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        // A `static/` that is itself a symlink is not followed out of the site, like the
        // symlinks inside it (skipped below: they are not files).
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_junk(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(slash_path))
        .collect()
}

/// A diagnostic for each template the renderer asks for (each kind's and [`REQUIRED`]) that
/// neither the theme nor the site has.
fn missing_templates(theme_rel: &Path, texts: &Templates) -> Vec<Diagnostic> {
    let kinds = crate::kind::KINDS.iter().map(|k| k.template);
    kinds
        .chain(REQUIRED.iter().copied())
        .filter(|name| !texts.contains_key(*name))
        .map(|name| {
            // Named with `/` on every platform, as diagnostics of content are.
            let path = crate::load::slash_path(&theme_rel.join("templates").join(name));
            Diagnostic::error(path, "缺少模板")
                .with_hint("主题必须提供这个模板,或在站点的 templates/ 中提供")
        })
        .collect()
}

/// Template name → (its file, relative to the site root, and text): the built-in theme's or
/// the site's theme's, each replaced by a file of the same name in the site's `templates/`.
type Templates = BTreeMap<String, (PathBuf, String)>;

fn read_templates(
    root: &Path,
    theme_rel: &Path,
    builtin_files: &[(PathBuf, &'static [u8])],
    builtin: bool,
) -> (Templates, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut templates = Templates::new();
    for (rel, bytes) in builtin_files {
        let Ok(name) = rel.strip_prefix("templates") else {
            continue;
        };
        let name = slash_path(name).to_string_lossy().into_owned();
        let path = Path::new(BUILTIN_LABEL).join(rel);
        match crate::load::decode(&path, bytes.to_vec()) {
            Ok(text) => {
                templates.insert(name, (path, text));
            }
            Err(d) => diags.push(d),
        }
    }
    let theme_templates = (!builtin).then(|| theme_rel.join("templates"));
    for base in theme_templates
        .into_iter()
        .chain([PathBuf::from("templates")])
    {
        for rel in files_under(&root.join(&base)) {
            let name = rel.to_string_lossy().into_owned();
            // Named with `/` on every platform, as diagnostics of content are.
            let path = slash_path(&base.join(&rel));
            match std::fs::read(root.join(&path)) {
                Ok(bytes) => match crate::load::decode(&path, bytes) {
                    Ok(text) => {
                        templates.insert(name, (path, text));
                    }
                    Err(d) => diags.push(d),
                },
                Err(e) => diags.push(Diagnostic::error(path, format!("无法读取模板: {e}"))),
            }
        }
    }
    (templates, diags)
}

/// Static file (output path) → where its bytes come from: the built-in theme's, the site's
/// theme's, then the site's own `static/`, each replacing a file of the same path before it.
fn read_statics(
    root: &Path,
    theme_rel: &Path,
    builtin_files: &[(PathBuf, &'static [u8])],
    builtin: bool,
) -> BTreeMap<String, Content> {
    let mut statics = BTreeMap::new();
    for (rel, bytes) in builtin_files {
        if let Ok(path) = rel.strip_prefix("static") {
            let path = slash_path(path).to_string_lossy().into_owned();
            statics.insert(path, Content::Bytes(bytes.to_vec()));
        }
    }
    let theme_static = (!builtin).then(|| theme_rel.join("static"));
    for base in theme_static.into_iter().chain([PathBuf::from("static")]) {
        for rel in files_under(&root.join(&base)) {
            statics.insert(
                rel.to_string_lossy().into_owned(),
                Content::Copy(base.join(&rel)),
            );
        }
    }
    statics
}

/// The templates' `asset(path="assets/site.css")`: the file's address under the site's path
/// prefix, with `?v=` and a fingerprint of its bytes for a stylesheet or script, so a server
/// may let browsers keep it for a year (deploy/nginx.conf does) and a changed file is fetched
/// anew. Any other path is given without one.
fn asset_urls(
    root: &Path,
    statics: &BTreeMap<String, Content>,
    base: String,
) -> impl Fn(Kwargs, &State) -> tera::TeraResult<String> + Send + Sync + 'static {
    let versions: BTreeMap<String, String> = statics
        .iter()
        .filter(|(path, _)| path.ends_with(".css") || path.ends_with(".js"))
        .filter_map(|(path, content)| {
            let bytes = match content {
                Content::Bytes(b) => b.clone(),
                Content::Copy(rel) => std::fs::read(root.join(rel)).ok()?,
            };
            let hash = blake3::hash(&bytes).to_hex();
            Some((path.clone(), hash[..10].to_string()))
        })
        .collect();
    move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("path")?;
        let path = path.trim_start_matches('/');
        Ok(match versions.get(path) {
            Some(v) => format!("{base}/{path}?v={v}"),
            None => format!("{base}/{path}"),
        })
    }
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let theme_rel = PathBuf::from("themes").join(&config.theme);
        let theme_dir = root.join(&theme_rel);
        // A site's own copy of the default theme wins; without one, the built-in copy.
        let builtin = !theme_dir.is_dir() && config.theme == DEFAULT_THEME_NAME;
        if !theme_dir.is_dir() && !builtin {
            return Err(vec![
                Diagnostic::error("site.yaml", format!("找不到主题 `{}`", config.theme))
                    .with_hint(format!("主题应位于 {}/", theme_rel.display())),
            ]);
        }
        let builtin_files = if builtin {
            builtin_theme_files()
        } else {
            Vec::new()
        };
        let (templates, mut diags) = read_templates(root, &theme_rel, &builtin_files, builtin);
        diags.extend(missing_templates(&theme_rel, &templates));
        if !diags.is_empty() {
            return Err(diags);
        }

        let statics = read_statics(root, &theme_rel, &builtin_files, builtin);
        let asset = asset_urls(root, &statics, crate::site::base_path(&config.base_url));

        let mut tera = Tera::default();
        // Filters and functions first: Tera 2 checks their names when templates are added.
        tera.register_filter("zh_date", zh_date);
        tera.register_filter("status_label", status_label);
        tera.register_function("asset", asset);
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.set_escape_fn(escape_html);
        let added = tera.add_raw_templates(
            templates
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        );
        let sources = errors::Sources(templates);
        if let Err(e) = added {
            return Err(sources.diagnose(&e, "", ""));
        }
        let sizes = sources
            .0
            .keys()
            .map(|name| (name.clone(), std::sync::atomic::AtomicUsize::new(16 * 1024)))
            .collect();
        Ok(Theme {
            tera,
            sources,
            statics,
            sizes,
        })
    }

    /// Renders a page to bytes. Straight into a buffer: a `String` would check all of every
    /// page for UTF-8 once more, and the writer wants bytes anyway.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<Vec<u8>, tera::Error> {
        use std::sync::atomic::Ordering::Relaxed;
        let size = self.sizes.get(name);
        let mut out = Vec::with_capacity(size.map_or(32 * 1024, |s| s.load(Relaxed)));
        self.tera.render_to(name, ctx, &mut out)?;
        if let Some(s) = size {
            s.fetch_max(out.len(), Relaxed);
        }
        Ok(out)
    }

    /// Renders a page as [`Theme::render`] does; an error is a diagnostic at the template's
    /// file and line, saying it was rendering `url`.
    pub fn render_page(&self, name: &str, url: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        self.render(name, ctx).map_err(|e| {
            let mut all = self.sources.diagnose(&e, &format!("渲染 {url} 时"), name);
            all.swap_remove(0)
        })
    }

    /// The static files to copy, site files replacing theme files of the same path.
    pub fn static_outputs(&self) -> Vec<Output> {
        self.statics
            .iter()
            .map(|(path, content)| Output {
                path: path.clone(),
                content: content.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        escape_html(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_the_five_characters_wherever_they_stand() {
        assert_eq!(
            escaped(r#"<a href="x">'甲'&乙</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;甲&#39;&amp;乙&lt;/a&gt;"
        );
        // Before, inside and after each sixteen-byte step, and at the very end.
        let plain = "整改台账公开";
        for n in 0..40 {
            for c in ['&', '<', '>', '"', '\''] {
                let text: String = "评".repeat(n / 3) + &"x".repeat(n % 3) + &c.to_string();
                let want = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;");
                assert_eq!(escaped(&text), want, "{text}");
                assert_eq!(escaped(&(text.clone() + plain)), want + plain, "{text}");
            }
        }
        assert_eq!(escaped(""), "");
        assert_eq!(escaped(&plain.repeat(9)), plain.repeat(9));
    }
}
