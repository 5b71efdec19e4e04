//! The one writer. A full build goes through [`Staging`]: into a folder beside the output,
//! then swapped into place, so a failed build never touches the published site. A rebuild in
//! `watch` goes through [`write_changes`]: only changed files, each replaced atomically.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`, after the staged files are flushed
//! to disk: killed or cut off from power at any instant, the output folder is the complete old
//! site or the complete new one. What a killed build leaves beside it, the next build removes.

use std::collections::{BTreeSet, HashMap, HashSet};
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

/// Where the old site goes when the swap takes two renames (not on Linux).
fn old_dir(out: &Path) -> PathBuf {
    sibling(out, "pingyi-old")
}

/// Removes a folder and everything in it, many files at once (an old site has tens of
/// thousands). Never follows a symlink: a link is removed, not what it points to. A folder
/// that is not there is fine.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => {
            remove_contents(dir)?;
            std::fs::remove_dir(dir)
        }
        Ok(_) => std::fs::remove_file(dir),
    }
}

fn remove_contents(dir: &Path) -> io::Result<()> {
    let entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|e| {
        let path = e.path();
        let gone = |r: io::Result<()>| match r {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            r => r,
        };
        // `file_type` does not follow symlinks.
        if e.file_type()?.is_dir() {
            remove_contents(&path)?;
            gone(std::fs::remove_dir(&path))
        } else {
            gone(std::fs::remove_file(&path))
        }
    })
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
    /// The folders made so far.
    dirs: Mutex<HashSet<PathBuf>>,
    /// Whether to fingerprint what is written: only a later incremental build needs it.
    fingerprints: bool,
    committed: bool,
}

impl Staging {
    /// Starts an empty staging folder for `out`. What a killed build left (its staging folder,
    /// or the old site it had not finished removing) goes first.
    pub fn new(root: &Path, out: &Path) -> io::Result<Staging> {
        let dir = staging_dir(out);
        remove_tree(&dir)?;
        remove_tree(&old_dir(out))?;
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            root: root.to_path_buf(),
            dir,
            manifest: Mutex::new(Manifest::new()),
            dirs: Mutex::new(HashSet::new()),
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
            // Each folder is made once: most files share theirs with others.
            let known = self.dirs.lock().expect("not poisoned").contains(parent);
            if !known {
                std::fs::create_dir_all(parent)?;
                self.dirs
                    .lock()
                    .expect("not poisoned")
                    .insert(parent.to_path_buf());
            }
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
            let _ = remove_tree(&self.dir);
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

/// Puts `staging` in place of `out`, then removes the old site.
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    // The new files reach the disk before the rename that publishes them: after a power cut
    // the output folder is never a complete tree of empty or truncated files.
    sync_filesystem(staging)?;
    match exchange(staging, out)? {
        Swapped::Exchanged => {
            // `staging` now holds the old site.
            sync_parent(out);
            remove_tree(staging)
        }
        Swapped::Missing => {
            std::fs::rename(staging, out)?;
            sync_parent(out);
            Ok(())
        }
        Swapped::Unsupported => {
            // Two renames: between them there is no output folder, and a build killed there
            // leaves the old site in `old_dir`, removed by the next build.
            let old = old_dir(out);
            remove_tree(&old)?;
            std::fs::rename(out, &old)?;
            if let Err(e) = std::fs::rename(staging, out) {
                // Put the published site back.
                let _ = std::fs::rename(&old, out);
                return Err(e);
            }
            sync_parent(out);
            remove_tree(&old)
        }
    }
}

enum Swapped {
    /// `staging` and `out` traded places in one step.
    Exchanged,
    /// There is no `out` yet: a plain rename will do.
    Missing,
    /// The system or file system cannot exchange: two renames it is.
    Unsupported,
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<Swapped> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // The system call rather than glibc's wrapper, which older glibc lacks.
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(Swapped::Exchanged);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENOENT) => Ok(Swapped::Missing),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM) => {
            Ok(Swapped::Unsupported)
        }
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, b: &Path) -> io::Result<Swapped> {
    Ok(if b.exists() {
        Swapped::Unsupported
    } else {
        Swapped::Missing
    })
}

/// Flushes the file system that holds `dir`: one `syncfs` instead of one `fsync` per file.
#[cfg(target_os = "linux")]
fn sync_filesystem(dir: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(dir)?;
    // SAFETY: `f` is an open descriptor for the duration of the call.
    if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_filesystem(dir: &Path) -> io::Result<()> {
    // Elsewhere: every file, then every folder.
    for e in walkdir::WalkDir::new(dir) {
        let e = e.map_err(io::Error::other)?;
        if e.file_type().is_file() {
            std::fs::File::open(e.path())?.sync_all()?;
        }
    }
    Ok(())
}

/// Makes the rename that published the site durable. Best effort: not every system can.
fn sync_parent(out: &Path) {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
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

    #[test]
    fn leftovers_of_a_killed_build_are_removed_by_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for dir in [staging_dir(&out), old_dir(&out), out.clone()] {
            std::fs::create_dir_all(dir.join("2024/a")).unwrap();
            std::fs::write(dir.join("2024/a/index.html"), "half").unwrap();
        }
        let staging = Staging::new(tmp.path(), &out).unwrap();
        staging
            .write(&Output::bytes("index.html", b"new".to_vec()))
            .unwrap();
        staging.commit(&out).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["public"]);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("2024").exists());
    }

    #[cfg(unix)]
    #[test]
    fn removing_a_tree_never_follows_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let keep = tmp.path().join("keep");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("precious.txt"), "x").unwrap();
        let tree = tmp.path().join("tree");
        std::fs::create_dir_all(tree.join("a/b")).unwrap();
        std::fs::write(tree.join("a/b/f.html"), "x").unwrap();
        std::os::unix::fs::symlink(&keep, tree.join("a/link")).unwrap();
        std::os::unix::fs::symlink(keep.join("precious.txt"), tree.join("file-link")).unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert!(keep.join("precious.txt").is_file());
        remove_tree(&tree).unwrap();
    }
}
