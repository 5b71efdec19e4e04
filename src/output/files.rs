//! Single files and trees for the writer: writing one output, removing a file or a whole
//! folder without ever following a link, and, on Windows, waiting out programs that hold a
//! file open and clearing read-only marks, so a later build can always replace what an
//! earlier one wrote.

use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::{Content, MARKER, publish};

/// A real folder, not a link to one.
pub(super) fn is_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Writes `content` to `dest`, a new file; the error names `dest`.
pub(super) fn write_one(root: &Path, dest: &Path, content: &Content) -> io::Result<()> {
    match content {
        Content::Bytes(b) => std::fs::write(dest, b),
        // A copy keeps the source's read-only mark, which on Windows stops the flush and the
        // removal of the file by later builds.
        Content::Copy(src) => std::fs::copy(root.join(src), dest).and_then(|_| {
            if cfg!(windows) {
                writable(dest)
            } else {
                Ok(())
            }
        }),
    }
    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dest.display())))
}

/// Replaces (or creates) the file `path` with `bytes` through a temporary file beside it, flushed
/// to disk, and a rename: a reader, or a crash meanwhile, sees the old file or the new one, never
/// half of one. For the files pingyi writes outside a site's output (`pingyi ledger`: a
/// rectification document, a workbook); the temporary name is one `load` never reads as
/// content.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.pingyi-tmp"));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        // A document's permissions stay as they were.
        .and_then(|()| match std::fs::metadata(path) {
            Ok(m) => std::fs::set_permissions(&tmp, m.permissions()),
            Err(_) => Ok(()),
        })
        .and_then(|()| publish::retry(path, || std::fs::rename(&tmp, path)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// Removes a folder and everything in it, many files at once (an old site has tens of
/// thousands). Never follows a symlink: a link is removed, not what it points to. A folder
/// that is not there is fine.
pub(super) fn remove_tree(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => {
            remove_contents(dir)?;
            publish::retry(dir, || std::fs::remove_dir(dir))
        }
        Ok(_) => remove_file(dir),
    }
}

/// Removes a file, waiting out a program that holds it open (Windows). On Windows also one
/// marked read-only, which it otherwise refuses to remove: an older pingyi copied a read-only
/// static file as it was.
pub(super) fn remove_file(path: &Path) -> io::Result<()> {
    publish::retry(path, || match std::fs::remove_file(path) {
        Err(e) if cfg!(windows) && e.kind() == io::ErrorKind::PermissionDenied => {
            writable(path)?;
            std::fs::remove_file(path)
        }
        r => r,
    })
}

/// Clears a file's read-only mark (Windows): the writer leaves none, so that a later build can
/// flush and remove every file it wrote.
fn writable(path: &Path) -> io::Result<()> {
    let mut permissions = std::fs::symlink_metadata(path)?.permissions();
    if permissions.readonly() {
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(path, permissions)?;
    }
    Ok(())
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
            gone(publish::retry(&path, || std::fs::remove_dir(&path)))
        } else {
            gone(remove_file(&path))
        }
    })
}

/// A static file or page that would take the marker's name.
pub(super) fn reserved() -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("/{MARKER} 是 pingyi 用来识别自己所生成目录的文件,网站中的文件不能用这个名字"),
    )
}

// Unix only: Windows lets only administrators make symlinks.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

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
