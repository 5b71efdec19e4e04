//! The one writer. A full build goes through [`Staging`]: into a folder beside the output,
//! then swapped into place, so a failed build never touches the published site. A rebuild in
//! `watch` goes through [`write_changes`]: only changed files, each replaced atomically.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file to copy, relative to the site root.
    Copy(PathBuf),
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative to the output folder, `/`-separated: `2024/speeches/x/index.html`.
    pub path: String,
    pub content: Content,
}

impl Output {
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>) -> Output {
        Output {
            path: path.into(),
            content: Content::Bytes(bytes),
        }
    }
}

/// True if `path` stays inside the folder it is joined to: relative, no `..`, no root.
pub fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Refuses output folders whose replacement would destroy the site's sources.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let abs = |p: &Path| {
        std::path::absolute(p).map(|a| {
            // Resolve `..` lexically; the folder may not exist yet.
            let mut r = PathBuf::new();
            for c in a.components() {
                match c {
                    Component::ParentDir => {
                        r.pop();
                    }
                    Component::CurDir => {}
                    c => r.push(c),
                }
            }
            r
        })
    };
    let root = abs(root).map_err(|e| e.to_string())?;
    let out = abs(out).map_err(|e| e.to_string())?;
    if root.starts_with(&out) {
        return Err(format!(
            "输出目录 {} 包含站点本身,生成时会被整个替换",
            out.display()
        ));
    }
    for src in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(src)) {
            return Err(format!("输出目录 {} 位于站点的 {src}/ 之中", out.display()));
        }
    }
    if out.join(crate::config::CONFIG_FILE).exists() || out.join(".git").exists() {
        return Err(format!(
            "输出目录 {} 看起来是一个站点或代码仓库(含 site.yaml 或 .git),拒绝覆盖",
            out.display()
        ));
    }
    Ok(())
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// The staging folder a build writes into before the swap.
pub fn staging_dir(out: &Path) -> PathBuf {
    sibling(out, "pingyi-staging")
}

/// What an output folder holds: path → fingerprint of the bytes (or, for a copied file, of
/// its source's path, size and time), so a rebuild can skip files that did not change.
pub type Manifest = HashMap<String, [u8; 32]>;

fn fingerprint(root: &Path, o: &Output) -> [u8; 32] {
    match &o.content {
        Content::Bytes(b) => *blake3::hash(b).as_bytes(),
        Content::Copy(src) => {
            let mut h = blake3::Hasher::new();
            h.update(src.to_string_lossy().as_bytes());
            if let Ok(m) = std::fs::metadata(root.join(src)) {
                h.update(&m.len().to_le_bytes());
                if let Ok(t) = m.modified().and_then(|t| {
                    t.duration_since(std::time::UNIX_EPOCH)
                        .map_err(io::Error::other)
                }) {
                    h.update(&t.as_nanos().to_le_bytes());
                }
            }
            *h.finalize().as_bytes()
        }
    }
}

fn write_one(root: &Path, dest: &Path, content: &Content) -> io::Result<()> {
    match content {
        Content::Bytes(b) => std::fs::write(dest, b),
        Content::Copy(src) => std::fs::copy(root.join(src), dest).map(|_| ()),
    }
    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dest.display())))
}

/// A build being written: files go into a staging folder beside the output as they are
/// rendered, so a large site is never held in memory whole; [`Staging::commit`] swaps it in.
/// Dropped without a commit, it removes itself and the output stays as it was.
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    manifest: Mutex<Manifest>,
    /// Whether to fingerprint what is written: only a later incremental build needs it.
    fingerprints: bool,
    committed: bool,
}

impl Staging {
    /// Starts an empty staging folder for `out` (a leftover one from a killed build goes).
    pub fn new(root: &Path, out: &Path) -> io::Result<Staging> {
        let dir = staging_dir(out);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            root: root.to_path_buf(),
            dir,
            manifest: Mutex::new(Manifest::new()),
            fingerprints: true,
            committed: false,
        })
    }

    /// For a build that no later build continues: its manifest lists the files written
    /// without fingerprinting their bytes (a tenth of the work at 10,000 documents).
    pub fn without_fingerprints(mut self) -> Staging {
        self.fingerprints = false;
        self
    }

    /// Writes one output; callable from many threads at once.
    pub fn write(&self, o: &Output) -> io::Result<()> {
        if !is_contained(&o.path) {
            return Err(io::Error::other(format!(
                "拒绝写出输出目录之外的路径: {}",
                o.path
            )));
        }
        let dest = self.dir.join(&o.path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        write_one(&self.root, &dest, &o.content)?;
        let fp = if self.fingerprints {
            fingerprint(&self.root, o)
        } else {
            [0; 32]
        };
        let previous = self
            .manifest
            .lock()
            .expect("not poisoned")
            .insert(o.path.clone(), fp);
        if previous.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("两个来源都要生成 /{}(静态文件与页面重名?)", o.path),
            ));
        }
        Ok(())
    }

    /// Puts the staged site in place of `out`; returns what it holds.
    pub fn commit(mut self, out: &Path) -> io::Result<Manifest> {
        swap_in(&self.dir, out)?;
        self.committed = true;
        Ok(std::mem::take(
            &mut *self.manifest.lock().expect("not poisoned"),
        ))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Brings `out`, which holds `manifest`, up to date: writes those of `outputs` whose
/// fingerprint changed, each through a temporary file and a rename so no reader sees half a
/// file; removes files that are not in `live` (every path the site now has; `None` when no
/// output came or went). Returns (written, removed).
pub fn write_changes(
    root: &Path,
    out: &Path,
    manifest: &mut Manifest,
    outputs: &[Output],
    live: Option<&BTreeSet<String>>,
) -> io::Result<(usize, usize)> {
    if let Some(bad) = outputs.iter().find(|o| !is_contained(&o.path)) {
        return Err(io::Error::other(format!(
            "拒绝写出输出目录之外的路径: {}",
            bad.path
        )));
    }
    let changed: Vec<(&Output, [u8; 32])> = outputs
        .par_iter()
        .map(|o| (o, fingerprint(root, o)))
        .filter(|(o, fp)| manifest.get(&o.path) != Some(fp))
        .collect();
    changed.par_iter().try_for_each(|(o, _)| {
        let dest = out.join(&o.path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.pingyi-tmp"));
        write_one(root, &tmp, &o.content)?;
        std::fs::rename(&tmp, &dest)
    })?;
    for (o, fp) in &changed {
        manifest.insert(o.path.clone(), *fp);
    }
    let Some(live) = live else {
        return Ok((changed.len(), 0));
    };
    let gone: Vec<String> = manifest
        .keys()
        .filter(|p| !live.contains(*p))
        .cloned()
        .collect();
    for path in &gone {
        manifest.remove(path);
        let file = out.join(path);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        // Remove the folders the file leaves empty, up to the output folder.
        let mut dir = file.parent();
        while let Some(d) = dir {
            if d == out || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok((changed.len(), gone.len()))
}

/// Moves `staging` to `out`, keeping the old site until the new one is in place.
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let old = sibling(out, "pingyi-old");
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    if out.exists() {
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the published site back.
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(staging, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_contained_paths_are_written() {
        assert!(is_contained("2024/speeches/a/index.html"));
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "a\\..\\x"] {
            assert!(!is_contained(bad), "{bad}");
        }
    }

    #[test]
    fn output_dir_must_not_swallow_the_site() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/srv/site/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/srv/site")).is_err());
        assert!(check_output_dir(root, Path::new("/srv")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/public/../..")).is_err());
    }

    #[test]
    fn swap_replaces_the_old_site_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/index.html"), "old").unwrap();
        let staging = Staging::new(tmp.path(), &out).unwrap();
        staging
            .write(&Output::bytes("a/index.html", b"new".to_vec()))
            .unwrap();
        staging.commit(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old").exists());
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }
}
