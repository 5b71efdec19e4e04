//! A full build's writer: [`Staging`] writes every file into a folder beside the output as it
//! is rendered, then has it swapped in (`publish`), so a failed or killed build never touches
//! the published site. Also the names of the folders kept beside the output, and the check
//! that an output folder would not swallow the site's sources.
//!
//! The site the swap replaces is kept beside the output as the previous build, and the next
//! build is written over it ([`super::previous`]); what a killed build leaves beside the
//! output, the next one writes over or removes.

use std::collections::HashSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::changes::{Manifest, fingerprint};
use super::files::{is_dir, remove_tree, reserved, write_one};
use super::previous::{rewrite_one, survey};
use super::{MARKER, Output, is_contained, ownership, publish};

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
pub(super) fn old_dir(out: &Path) -> PathBuf {
    sibling(out, "pingyi-old")
}

/// The site before the last build: the next build is written over it.
pub fn previous_dir(out: &Path) -> PathBuf {
    sibling(out, "pingyi-previous")
}

/// A build being written: files go into a staging folder beside the output as they are
/// rendered, so a large site is never held in memory whole; [`Staging::commit`] swaps it in.
/// Dropped without a commit, it removes itself and the output stays as it was.
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    manifest: Mutex<Manifest>,
    /// The folders made so far, or there from the build written over.
    dirs: Mutex<FxHashSet<PathBuf>>,
    /// The files of the build written over that are not written yet: those left at the
    /// commit are removed.
    stale: Mutex<FxHashSet<String>>,
    /// Its folders that held nothing.
    empty: Vec<PathBuf>,
    /// Whether to fingerprint what is written: only a later incremental build needs it.
    fingerprints: bool,
    committed: bool,
}

impl Staging {
    /// Starts the staging folder for `out`: the previous build, to be written over, or a
    /// folder a killed build left; else an empty one.
    ///
    /// Refuses, touching nothing, an output folder that is not pingyi's or holds files it did
    /// not write, and a folder beside it, of a name it uses, that it did not leave.
    pub fn new(root: &Path, out: &Path) -> io::Result<Staging> {
        let dir = staging_dir(out);
        let previous = previous_dir(out);
        let old = old_dir(out);
        ownership::check_output(out)?;
        for kept in [&old, &dir, &previous] {
            ownership::check_kept(kept)?;
        }
        // Killed between the two renames of a swap: the old site back in place first.
        publish::recover(out)?;
        remove_tree(&old)?;
        if is_dir(&dir) {
            remove_tree(&previous)?;
        } else {
            remove_tree(&dir)?;
            if is_dir(&previous) {
                std::fs::rename(&previous, &dir)?;
            } else {
                remove_tree(&previous)?;
                std::fs::create_dir_all(&dir)?;
            }
        }
        // Marked before anything is written: a build killed from here on leaves a folder the
        // next one knows as its own.
        if !ownership::is_marked(&dir) {
            ownership::write_marker(&dir, [])?;
        }
        let found = survey(&dir, "")?;
        Ok(Staging {
            root: root.to_path_buf(),
            manifest: Mutex::new(Manifest::default()),
            dirs: Mutex::new(found.dirs.into_iter().chain([dir.clone()]).collect()),
            stale: Mutex::new(found.files.into_iter().collect()),
            empty: found.empty,
            dir,
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
        if o.path == MARKER {
            return Err(reserved());
        }
        let dest = self.dir.join(&o.path);
        let over = self
            .stale
            .lock()
            .expect("not poisoned")
            .remove(o.path.as_str());
        if !(over && rewrite_one(&self.root, &dest, &o.content)?) {
            if let Some(parent) = dest.parent() {
                self.make_dir(parent)?;
            }
            if let Err(e) = write_one(&self.root, &dest, &o.content) {
                // A folder of the build written over where a file goes now; one this build
                // wrote into stays, and the clash is an error.
                let prefix = format!("{}/", o.path);
                let ours = || {
                    let m = self.manifest.lock().expect("not poisoned");
                    m.keys().any(|k| k.starts_with(&prefix))
                };
                if !is_dir(&dest) || ours() {
                    return Err(e);
                }
                remove_tree(&dest)?;
                write_one(&self.root, &dest, &o.content)?;
            }
        }
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

    /// Makes `dir` (inside the staging folder) and the folders above it, once.
    fn make_dir(&self, dir: &Path) -> io::Result<()> {
        // Each folder is made once: most files share theirs with others.
        if self.dirs.lock().expect("not poisoned").contains(dir) {
            return Ok(());
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            // A file of the build written over where a folder goes now; one this build wrote
            // stays, and the clash is an error.
            for above in dir.ancestors().take_while(|a| *a != self.dir) {
                if std::fs::symlink_metadata(above).is_ok_and(|m| !m.is_dir()) {
                    let rel = above.strip_prefix(&self.dir).unwrap_or(above);
                    let rel = rel.to_str().unwrap_or_default();
                    if !self.stale.lock().expect("not poisoned").remove(rel) {
                        return Err(e);
                    }
                    std::fs::remove_file(above)?;
                }
            }
            std::fs::create_dir_all(dir)?;
        }
        self.dirs
            .lock()
            .expect("not poisoned")
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// Puts the staged site in place of `out`; returns what it holds.
    pub fn commit(mut self, out: &Path) -> io::Result<Manifest> {
        // What the build written over had and this one has not: its files, then the folders
        // they leave empty, deepest first (removing one that is not empty fails, as it should).
        let stale = std::mem::take(&mut *self.stale.lock().expect("not poisoned"));
        stale.par_iter().try_for_each(|rel| {
            match std::fs::remove_file(self.dir.join(rel)) {
                // Already gone with its folder, which a file of this build replaced.
                Err(e)
                    if !matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    Err(e)
                }
                _ => Ok(()),
            }
        })?;
        let mut emptied: Vec<PathBuf> = stale
            .iter()
            .flat_map(|rel| Path::new(rel).ancestors().skip(1))
            .filter(|a| !a.as_os_str().is_empty())
            .map(|a| self.dir.join(a))
            .chain(std::mem::take(&mut self.empty))
            .filter(|d| *d != self.dir)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        emptied.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in emptied {
            let _ = std::fs::remove_dir(d);
        }
        {
            let manifest = self.manifest.lock().expect("not poisoned");
            ownership::write_marker(&self.dir, manifest.keys().map(String::as_str))?;
        }
        publish::swap_in(&self.dir, out)?;
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::output::{refusal, write_changes};

    #[test]
    fn output_dir_must_not_swallow_the_site() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/srv/site/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/srv/site")).is_err());
        assert!(check_output_dir(root, Path::new("/srv")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/public/../..")).is_err());
    }

    /// The names in `dir`, pingyi's marker left out.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != MARKER)
            .collect();
        v.sort();
        v
    }

    fn build(out: &Path, files: &[(&str, &str)]) -> io::Result<Manifest> {
        let staging = Staging::new(out.parent().unwrap(), out)?;
        for (path, text) in files {
            staging.write(&Output::bytes(*path, text.as_bytes().to_vec()))?;
        }
        staging.commit(out)
    }

    #[test]
    fn swap_replaces_the_old_site_and_keeps_it_as_the_previous_build() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("old/index.html", "old")]).unwrap();
        build(&out, &[("a/index.html", "new")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old").exists());
        assert_eq!(names(tmp.path()), [".public.pingyi-previous", "public"]);
        let previous = previous_dir(&out);
        assert_eq!(
            std::fs::read_to_string(previous.join("old/index.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn leftovers_of_a_killed_build_are_written_over_or_removed_by_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for dir in [
            staging_dir(&out),
            old_dir(&out),
            previous_dir(&out),
            out.clone(),
        ] {
            std::fs::create_dir_all(dir.join("2024/a")).unwrap();
            std::fs::write(dir.join("2024/a/index.html"), "half").unwrap();
            ownership::write_marker(&dir, ["2024/a/index.html"]).unwrap();
        }
        build(&out, &[("index.html", "new")]).unwrap();
        assert_eq!(names(tmp.path()), [".public.pingyi-previous", "public"]);
        assert_eq!(names(&out), ["index.html"]);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_killed_build_marks_its_staging_folder_before_it_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(tmp.path(), &out).unwrap();
        staging
            .write(&Output::bytes("a/index.html", b"half".to_vec()))
            .unwrap();
        // Killed here: the half-written folder stays, and is known as pingyi's.
        std::mem::forget(staging);
        assert!(ownership::is_marked(&staging_dir(&out)));
        build(&out, &[("b/index.html", "new")]).unwrap();
        assert_eq!(names(&out), ["b"]);
        assert_eq!(names(tmp.path()), ["public"]);
    }

    #[test]
    fn folders_pingyi_did_not_write_are_refused_and_left_as_they_were() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Beside the output, under each name pingyi keeps there, a folder someone else made.
        for dir in [staging_dir(&out), old_dir(&out), previous_dir(&out)] {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("mine.txt"), "keep").unwrap();
            let e = build(&out, &[("index.html", "new")]).unwrap_err();
            let why = refusal(&e).expect("a refusal");
            assert!(
                why.contains(&dir.display().to_string()) && why.contains("mine.txt"),
                "{why}"
            );
            assert_eq!(
                std::fs::read_to_string(dir.join("mine.txt")).unwrap(),
                "keep"
            );
            assert!(!out.exists());
            std::fs::remove_dir_all(&dir).unwrap();
        }
        // An empty one is a build killed before it marked its folder: nothing to lose.
        std::fs::create_dir_all(staging_dir(&out)).unwrap();
        build(&out, &[("index.html", "new")]).unwrap();
        // In the output, a file no build wrote.
        std::fs::create_dir_all(out.join("docs")).unwrap();
        std::fs::write(out.join("docs/mine.pdf"), "keep").unwrap();
        let e = build(&out, &[("index.html", "newer")]).unwrap_err();
        assert!(refusal(&e).unwrap().contains("docs/mine.pdf"));
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("docs/mine.pdf")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn a_rebuild_in_place_keeps_the_marker_listing_what_the_folder_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut manifest = build(&out, &[("a/index.html", "1"), ("b/index.html", "1")]).unwrap();
        let outputs = [
            Output::bytes("a/index.html", b"2".to_vec()),
            Output::bytes("c/index.html", b"2".to_vec()),
        ];
        let live: BTreeSet<String> = outputs.iter().map(|o| o.path.clone()).collect();
        write_changes(tmp.path(), &out, &mut manifest, &outputs, Some(&live)).unwrap();
        assert_eq!(names(&out), ["a", "c"]);
        // The next full build finds nothing it did not write.
        build(&out, &[("a/index.html", "3")]).unwrap();
    }

    #[test]
    fn a_build_written_over_the_previous_one_has_its_files_and_no_others() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = [
            ("index.html", "1"),
            ("a/index.html", "a1"),
            ("gone/index.html", "g1"),
            ("gone/deep/x.json", "g1"),
            ("was-a-file", "f1"),
            ("was-a-folder/index.html", "d1"),
        ];
        build(&out, &first).unwrap();
        build(&out, &first).unwrap();
        // The third build is written over the first.
        let third = [
            ("index.html", "3"),
            ("a/index.html", "a3"),
            ("new/index.html", "n3"),
            ("was-a-file/index.html", "f3"),
            ("was-a-folder", "d3"),
        ];
        build(&out, &third).unwrap();
        let mut files: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
            .map(|e| {
                let rel = crate::load::slash_path(e.path().strip_prefix(&out).unwrap());
                let text = std::fs::read_to_string(e.path()).unwrap();
                format!("{}={text}", rel.display())
            })
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "a/index.html=a3",
                "index.html=3",
                "new/index.html=n3",
                "was-a-file/index.html=f3",
                "was-a-folder=d3"
            ]
        );
        assert!(!out.join("gone").exists());
        assert_eq!(names(tmp.path()), [".public.pingyi-previous", "public"]);
    }

    #[test]
    fn a_clash_within_one_build_is_still_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = [("x/index.html", "1"), ("y", "1")];
        build(&out, &files).unwrap();
        build(&out, &files).unwrap();
        assert!(build(&out, &[("a", "1"), ("a/index.html", "2")]).is_err());
        assert!(build(&out, &[("b/index.html", "1"), ("b", "2")]).is_err());
        // The published site is the last good one.
        assert_eq!(names(&out), ["x", "y"]);
    }

    #[cfg(unix)]
    #[test]
    fn writing_over_the_previous_build_never_goes_through_a_link() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = [
            ("a/index.html", "1"),
            ("b/index.html", "1"),
            ("c/index.html", "1"),
        ];
        build(&out, &files).unwrap();
        build(&out, &files).unwrap();
        // The previous build, about to be written over: one file is now a symlink to a file
        // outside, one has a second name outside (`cp -al`), one folder is a symlink.
        let previous = previous_dir(&out);
        let keep = tmp.path().join("keep");
        std::fs::create_dir_all(keep.join("dir")).unwrap();
        std::fs::write(keep.join("target.html"), "keep").unwrap();
        std::fs::remove_file(previous.join("a/index.html")).unwrap();
        std::os::unix::fs::symlink(keep.join("target.html"), previous.join("a/index.html"))
            .unwrap();
        std::fs::hard_link(previous.join("b/index.html"), keep.join("linked.html")).unwrap();
        std::fs::remove_dir_all(previous.join("c")).unwrap();
        std::os::unix::fs::symlink(keep.join("dir"), previous.join("c")).unwrap();
        let rewritten = std::fs::metadata(previous.join("b/index.html"))
            .unwrap()
            .ino();

        let files = [
            ("a/index.html", "2"),
            ("b/index.html", "2"),
            ("c/index.html", "2"),
        ];
        build(&out, &files).unwrap();
        for (path, text) in files {
            let p = out.join(path);
            assert!(std::fs::symlink_metadata(&p).unwrap().is_file(), "{path}");
            assert_eq!(std::fs::read_to_string(&p).unwrap(), text, "{path}");
        }
        assert_eq!(
            std::fs::read_to_string(keep.join("target.html")).unwrap(),
            "keep"
        );
        assert_eq!(
            std::fs::read_to_string(keep.join("linked.html")).unwrap(),
            "1"
        );
        assert_ne!(
            std::fs::metadata(out.join("b/index.html")).unwrap().ino(),
            rewritten
        );
        assert_eq!(names(&keep.join("dir")), Vec::<String>::new());
    }

    #[cfg(unix)]
    #[test]
    fn a_name_no_output_can_have_is_removed_from_the_previous_build() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("a/index.html", "1")]).unwrap();
        build(&out, &[("a/index.html", "2")]).unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"\xBD\xB2.html");
        std::fs::write(previous_dir(&out).join("a").join(odd), "GBK").unwrap();
        build(&out, &[("a/index.html", "3")]).unwrap();
        assert_eq!(names(&out.join("a")), ["index.html"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_of_the_previous_build_is_rewritten_in_place() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("a/index.html", "longer text"), ("b", "1")]).unwrap();
        build(&out, &[("a/index.html", "2"), ("b", "2")]).unwrap();
        let ino = std::fs::metadata(previous_dir(&out).join("a/index.html"))
            .unwrap()
            .ino();
        // Shorter than what it is written over, and longer.
        build(&out, &[("a/index.html", "3"), ("b", "a longer text")]).unwrap();
        let now = out.join("a/index.html");
        assert_eq!(std::fs::metadata(&now).unwrap().ino(), ino);
        assert_eq!(std::fs::read_to_string(now).unwrap(), "3");
        assert_eq!(
            std::fs::read_to_string(out.join("b")).unwrap(),
            "a longer text"
        );
    }
}
