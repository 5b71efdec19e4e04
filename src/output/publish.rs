//! Publishing a staged site: the flush, then the swap of the staging folder into the output's
//! place, and what differs between systems.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`. Elsewhere (Windows, macOS, file
//! systems without the exchange) it takes two renames: the old site is parked beside the
//! output as `.public.pingyi-old`, the new one renamed into place. A build killed between the
//! two leaves no output folder and the old site whole in `.public.pingyi-old`; the next build
//! first puts it back ([`recover`]), so the output is again the complete old site before
//! anything else is written, and a failed build leaves it so. Never a half-written site.
//!
//! Windows refuses to rename or remove a file, or a folder with a file in it, that another
//! program holds open: Explorer showing the folder, an editor, a virus scanner or the search
//! indexer for a moment, a web server sending the file. Such a refusal is tried again for a
//! few seconds ([`retry`]); if it lasts, the error names the file and what to close, and the
//! published site is left as it was.

use std::io;
use std::path::Path;
use std::time::Duration;

use super::files::{is_dir, remove_tree};
use super::staging::{old_dir, previous_dir};

/// How long a refusal from a program holding a file open is tried again.
const PATIENCE: Duration = Duration::from_secs(5);

/// True if `e` is Windows refusing because another program holds the file open (sharing or
/// lock violation, or access denied, which is what a rename of a folder with an open file in it
/// gets). Never elsewhere, where the same numbers mean other things.
pub(super) fn is_busy(e: &io::Error) -> bool {
    // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// Runs `step`, and again while it fails with [`is_busy`], waiting longer each time, for up to
/// [`PATIENCE`]; then gives its error, with what to do about it.
pub(super) fn retry<T>(path: &Path, mut step: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let mut wait = Duration::from_millis(10);
    let mut waited = Duration::ZERO;
    loop {
        match step() {
            Err(e) if is_busy(&e) && waited < PATIENCE => {
                std::thread::sleep(wait);
                waited += wait;
                wait = (wait * 2).min(Duration::from_millis(500));
            }
            Err(e) if is_busy(&e) => return Err(busy(path, e)),
            r => return r,
        }
    }
}

/// A file or folder another program would not let go of, as the error says it.
#[derive(Debug)]
struct Held(String);

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Held {}

fn busy(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        Held(format!(
            "无法移动或删除 {}:它或其中的文件正被其他程序占用,或没有权限({e})。\
             请关闭打开它的资源管理器窗口、编辑器或网页服务器后重新生成",
            path.display()
        )),
    )
}

/// True for an error of [`busy`], or one it would have been.
fn is_held(e: &io::Error) -> bool {
    is_busy(e) || e.get_ref().is_some_and(|inner| inner.is::<Held>())
}

/// Renames, waiting out programs that hold a file of `from` open.
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    retry(from, || std::fs::rename(from, to))
}

/// Puts back the old site a build killed between the two renames left beside a missing output
/// folder. Nothing to do otherwise.
pub(super) fn recover(out: &Path) -> io::Result<()> {
    let old = old_dir(out);
    if is_dir(&old) && std::fs::symlink_metadata(out).is_err() {
        rename(&old, out)?;
        sync_parent(out);
    }
    Ok(())
}

/// Puts `staging` in place of `out`, then keeps the old site as the previous build.
pub(super) fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
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
            keep_as_previous(&rename, staging, out)
        }
        Swapped::Missing => {
            rename(staging, out)?;
            sync_parent(out);
            Ok(())
        }
        Swapped::Unsupported => swap_in_two_steps(staging, out, &rename),
    }
}

/// Two renames: between them there is no output folder, and a build killed there leaves the
/// old site in `old_dir`, put back by the next build ([`recover`]). `rename` is a parameter so
/// that a test can refuse a step.
fn swap_in_two_steps(
    staging: &Path,
    out: &Path,
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let old = old_dir(out);
    remove_tree(&old)?;
    rename(out, &old)?;
    if let Err(e) = rename(staging, out) {
        // Put the published site back; the staging folder goes with the build.
        rename(&old, out)?;
        return Err(e);
    }
    sync_parent(out);
    keep_as_previous(rename, &old, out)
}

/// The site just replaced becomes the previous build, for the next build to write over. The
/// new site is published already: if a program still holds a file of the old one, it stays
/// where it is for the next build to remove, and this build has succeeded all the same.
fn keep_as_previous(
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
    old: &Path,
    out: &Path,
) -> io::Result<()> {
    match rename(old, &previous_dir(out)) {
        Err(e) if is_held(&e) => Ok(()),
        r => r,
    }
}

enum Swapped {
    /// `staging` and `out` traded places in one step.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Exchanged,
    /// There is no `out` yet: a plain rename will do.
    Missing,
    /// The system or file system cannot exchange: two renames it is.
    Unsupported,
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<Swapped> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    // rustix makes the system call itself: glibc's wrapper is missing from older glibc.
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Swapped::Exchanged),
        Err(Errno::NOENT) => Ok(Swapped::Missing),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP | Errno::PERM) => {
            Ok(Swapped::Unsupported)
        }
        Err(e) => Err(e.into()),
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
    let f = std::fs::File::open(dir)?;
    Ok(rustix::fs::syncfs(&f)?)
}

/// Elsewhere: every file. Each is opened for writing, because Windows flushes a file
/// (`FlushFileBuffers`) only through a handle that may write: read-only, every build failed
/// with "access denied". The writer leaves no file read-only (`write_one`).
#[cfg(not(target_os = "linux"))]
fn sync_filesystem(dir: &Path) -> io::Result<()> {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.map_err(io::Error::other)?;
        if e.file_type().is_file() {
            std::fs::OpenOptions::new()
                .write(true)
                .open(e.path())
                .and_then(|f| f.sync_all())
                .map_err(|err| {
                    io::Error::new(err.kind(), format!("{}: {err}", e.path().display()))
                })?;
        }
    }
    Ok(())
}

/// Makes the rename that published the site durable. Best effort: not every system can (Windows
/// cannot open a folder as a file).
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

    fn site(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/index.html"), text).unwrap();
    }

    fn text(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("a/index.html")).unwrap_or_default()
    }

    /// The two-rename swap, as on Windows, refused at its second rename (a program holding a
    /// file of the new site): the old site is put back, whole; then allowed, the new site is
    /// published and the old one kept as the previous build.
    #[test]
    fn the_two_step_swap_puts_the_old_site_back_when_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, staging) = (tmp.path().join("public"), tmp.path().join("staging"));
        site(&out, "old");
        site(&staging, "new");
        let refuse_into_out = |from: &Path, to: &Path| {
            if from == staging {
                Err(busy(from, io::Error::other("held")))
            } else {
                std::fs::rename(from, to)
            }
        };
        let e = swap_in_two_steps(&staging, &out, &refuse_into_out).unwrap_err();
        assert!(e.to_string().contains("正被其他程序占用"), "{e}");
        assert!(e.to_string().contains("staging"), "{e}");
        assert_eq!(text(&out), "old");
        assert_eq!(text(&staging), "new");
        assert!(!old_dir(&out).exists());

        swap_in_two_steps(&staging, &out, &super::rename).unwrap();
        assert_eq!(text(&out), "new");
        assert_eq!(text(&previous_dir(&out)), "old");
        assert!(!old_dir(&out).exists() && !staging.exists());
    }

    /// A build killed between the two renames: no output folder, the old site parked. The next
    /// build's first step puts it back.
    #[test]
    fn the_old_site_a_killed_swap_parked_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        site(&old_dir(&out), "old");
        recover(&out).unwrap();
        assert_eq!(text(&out), "old");
        assert!(!old_dir(&out).exists());
        // With an output folder there, the parked one is a leftover: not put anywhere.
        site(&old_dir(&out), "older");
        recover(&out).unwrap();
        assert_eq!(text(&out), "old");
    }

    fn build(dir: &Path, out: &Path, outputs: &[super::super::Output]) -> io::Result<()> {
        let staging = super::super::Staging::new(dir, out)?;
        for o in outputs {
            staging.write(o)?;
        }
        staging.commit(out).map(drop)
    }

    /// A static file marked read-only, as files copied from a disc or a share often are: each
    /// build flushes, rewrites or removes its copy, which Windows refuses for a read-only file.
    #[test]
    fn a_read_only_source_file_builds_again_and_again() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("logo.png");
        std::fs::write(&src, "png").unwrap();
        let mut permissions = std::fs::metadata(&src).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&src, permissions.clone()).unwrap();
        let out = tmp.path().join("public");
        let logo = super::super::Output {
            path: "logo.png".into(),
            content: super::super::Content::Copy("logo.png".into()),
        };
        for _ in 0..3 {
            build(tmp.path(), &out, std::slice::from_ref(&logo)).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(out.join("logo.png")).unwrap(),
            "png"
        );
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&src, permissions).unwrap();
    }

    /// A file of the build being written over, held open by another program (on Windows, a
    /// web server sending it): waited for, and the build succeeds; held for good, the build
    /// stops naming it, and the published site is as it was.
    #[cfg(windows)]
    #[test]
    fn a_file_held_open_is_waited_for_then_named() {
        use std::os::windows::fs::OpenOptionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let page = |t: &str| super::super::Output::bytes("a/index.html", t.as_bytes().to_vec());
        build(tmp.path(), &out, &[page("1")]).unwrap();
        build(tmp.path(), &out, &[page("2")]).unwrap();
        // Opened as most Windows programs open a file: no one else may delete it meanwhile.
        let hold = || {
            std::fs::OpenOptions::new()
                .read(true)
                .share_mode(0)
                .open(previous_dir(&out).join("a/index.html"))
                .unwrap()
        };
        let held = hold();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        build(tmp.path(), &out, &[page("3")]).unwrap();
        release.join().unwrap();
        assert_eq!(text(&out), "3");

        let _held = hold();
        let e = build(tmp.path(), &out, &[page("4")]).unwrap_err();
        assert!(e.to_string().contains("正被其他程序占用"), "{e}");
        assert!(e.to_string().contains("index.html"), "{e}");
        assert_eq!(text(&out), "3");
    }

    /// The old site held open after the new one is published: the build has succeeded.
    #[test]
    fn an_old_site_held_open_does_not_fail_a_published_build() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        site(&out, "new");
        site(&old_dir(&out), "old");
        let held = |_: &Path, to: &Path| Err(busy(to, io::Error::other("held")));
        keep_as_previous(&held, &old_dir(&out), &out).unwrap();
        assert_eq!(text(&out), "new");
    }
}
