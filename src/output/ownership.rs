//! What in and beside an output folder is pingyi's, and how it knows: every folder it writes
//! holds a marker file at its root, [`MARKER`], which in a finished build lists the files that
//! build wrote. A folder without the marker is someone else's (another program's site, a
//! server's default page, an older pingyi's output), and a file the list does not name was put
//! there by hand: pingyi refuses to write over, move or remove either, and says what to do.
//!
//! The marker is published with the site. It names only the site's own public files, in order,
//! and nothing about the sources, the machine or the time of the build.

use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// The marker's name, at the root of the output folder and of the folders kept beside it.
pub const MARKER: &str = ".pingyi-manifest";

/// How every marker begins: recognising a folder reads no more than this.
const HEADER: &str = "{\"format\": \"pingyi-output/1\",\n";

/// How many entries a refusal names before it counts the rest.
const NAMED: usize = 5;

/// A folder pingyi will not touch, and why, for the person who runs it: shown as it is, with
/// exit code 2.
#[derive(Debug)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refuse(message: String) -> io::Error {
    io::Error::other(Refused(message))
}

/// The message of a refusal carried by `e`, if it is one.
pub fn refusal(e: &io::Error) -> Option<&str> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
        .map(|r| r.0.as_str())
}

/// The marker's text for a folder holding `files` (sorted here, so the same site gives the
/// same bytes).
fn marker_text(mut files: Vec<&str>) -> String {
    files.sort_unstable();
    files.dedup();
    let mut s =
        String::with_capacity(HEADER.len() + 64 + files.iter().map(|f| f.len() + 4).sum::<usize>());
    s.push_str(HEADER);
    s.push_str("\"generator\": \"pingyi\",\n\"files\": [");
    for (i, f) in files.iter().enumerate() {
        s.push_str(if i == 0 { "\n" } else { ",\n" });
        s.push_str(&serde_json::to_string(f).expect("a string serialises"));
    }
    s.push_str("\n]}\n");
    s
}

/// Writes the marker of `dir` listing `files`, through a temporary file and a rename: a reader
/// (or a build killed meanwhile) sees the old marker or the new one, never half of one.
pub fn write_marker<'a>(dir: &Path, files: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    let text = marker_text(files.into_iter().collect());
    let tmp = dir.join(format!(".{MARKER}.pingyi-tmp"));
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    drop(f);
    std::fs::rename(&tmp, dir.join(MARKER))
}

/// The marker's bytes for a folder holding `files`: what a build writes, for a caller that
/// must know it before writing (`pingyi apply` checks a package's marker against it).
pub fn marker_bytes<'a>(files: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    marker_text(files.into_iter().collect()).into_bytes()
}

/// The files the marker of `dir` lists; `None` if it holds none or a damaged one.
pub fn listed(dir: &Path) -> Option<Vec<String>> {
    if !is_marked(dir) {
        return None;
    }
    std::fs::read(dir.join(MARKER)).ok().and_then(|b| parse(&b))
}

/// True if `dir` holds pingyi's marker: a plain file (not a link) that begins as one.
pub fn is_marked(dir: &Path) -> bool {
    let path = dir.join(MARKER);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; HEADER.len()];
    std::fs::File::open(&path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == *HEADER.as_bytes())
}

/// A file pingyi leaves for an instant while it replaces one (`watch`, the marker): its own.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".pingyi-tmp")
}

/// Up to [`NAMED`] names, then how many more.
fn some_of(mut names: Vec<String>) -> String {
    names.sort();
    let total = names.len();
    let mut shown: Vec<String> = names
        .into_iter()
        .take(NAMED)
        .map(|n| format!("`{n}`"))
        .collect();
    if total > NAMED {
        shown.push(format!("等共 {total} 项"));
    }
    shown.join("、")
}

/// The names in `dir`, at its top.
fn entries(dir: &Path) -> io::Result<Vec<String>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect()
}

/// Refuses `out` unless it is absent, empty, or pingyi's with nothing added: a build replaces
/// the whole folder, and what it replaces must be what it wrote.
pub fn check_output(out: &Path) -> io::Result<()> {
    let meta = match std::fs::metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        r => r?,
    };
    if !meta.is_dir() {
        return Err(refuse(format!(
            "输出路径 {} 是一个文件,不是目录;请用 --output 另选一个目录",
            out.display()
        )));
    }
    // Read once: the marker is a plain file that begins as one (see `is_marked`).
    let marker = out.join(MARKER);
    let plain = std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file());
    let listed = match std::fs::read(&marker) {
        Ok(bytes) if plain && bytes.starts_with(HEADER.as_bytes()) => {
            parse(&bytes).ok_or_else(|| {
                refuse(format!(
                    "输出目录 {} 中的 {MARKER} 已损坏,无法知道哪些文件是 pingyi 生成的,所以没有写入任何文件。\
                     请检查目录中的文件,把需要的移到别处,清空这个目录后重新生成",
                    out.display()
                ))
            })?
        }
        _ => {
            let found = entries(out)?;
            if found.is_empty() {
                return Ok(());
            }
            return Err(refuse(format!(
                "输出目录 {} 不是空的,也不是 pingyi 生成的(其中没有 {MARKER}):里面有 {}。\
                 生成会替换整个目录,为免丢失这些文件,没有写入任何文件。\
                 请先清空这个目录,或用 --output 另选一个目录;\
                 如果它是旧版 pingyi 生成的网站,删除这个目录(和它旁边以 .{}.pingyi- 开头的目录)后重新生成一次即可",
                out.display(),
                some_of(found),
                out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            )));
        }
    };
    let listed: FxHashSet<&str> = listed.iter().map(String::as_str).collect();
    let added = unlisted(out, "", &listed)?;
    if added.is_empty() {
        return Ok(());
    }
    Err(refuse(format!(
        "输出目录 {} 中有 pingyi 没有生成的文件:{}。生成会替换整个目录,这些文件会从网站上消失,\
         所以没有写入任何文件。要随网站发布的文件请放进站点的 static/ 目录(会原样复制到网站),\
         不需要的请删除,然后重新生成",
        out.display(),
        some_of(added)
    )))
}

/// The files listed in a marker's text; `None` if it is not one.
fn parse(bytes: &[u8]) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Marker {
        files: Vec<String>,
    }
    serde_json::from_slice::<Marker>(bytes)
        .ok()
        .map(|m| m.files)
}

/// What under `dir` (at `rel` in the output) is neither a folder, nor listed, nor pingyi's own.
fn unlisted(dir: &Path, rel: &str, listed: &FxHashSet<&str>) -> io::Result<Vec<String>> {
    let found = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    found
        .par_iter()
        .map(|e| -> io::Result<Vec<String>> {
            let name = e.file_name();
            let shown = name.to_string_lossy();
            let path = if rel.is_empty() {
                shown.to_string()
            } else {
                format!("{rel}/{shown}")
            };
            // `file_type` does not follow symlinks: a link someone put there is theirs.
            if e.file_type()?.is_dir() {
                return unlisted(&e.path(), &path, listed);
            }
            let ours = name.to_str().is_some()
                && (listed.contains(path.as_str())
                    || (rel.is_empty() && path == MARKER)
                    || is_temporary(&shown));
            Ok(if ours { Vec::new() } else { vec![path] })
        })
        .try_reduce(Vec::new, |mut a, b| {
            a.extend(b);
            Ok(a)
        })
}

/// Refuses `dir`, a folder pingyi keeps beside the output (staging, previous build, old site),
/// if it is there and not recognisably pingyi's: marked, or holding nothing but pingyi's
/// temporary files (a build killed between making the folder and marking it).
pub fn check_kept(dir: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        r => r?,
    };
    if meta.is_dir() && (is_marked(dir) || entries(dir)?.iter().all(|name| is_temporary(name))) {
        return Ok(());
    }
    let what = if meta.is_dir() {
        format!("里面有 {}", some_of(entries(dir)?))
    } else {
        "它不是目录".to_string()
    };
    Err(refuse(format!(
        "{} 不是 pingyi 留下的(没有 {MARKER}),{what}。pingyi 在输出目录旁用这个名字存放上一版网站,\
         但不会删除或改写不是它写的文件,所以没有写入任何文件。请检查其中的文件,需要的移到别处,\
         然后删除它;如果它是旧版 pingyi 留下的,直接删除即可",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_lists_its_files_in_order_and_is_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        write_marker(tmp.path(), ["b/index.html", "a \"q\".pdf", "index.html"]).unwrap();
        assert!(is_marked(tmp.path()));
        let text = std::fs::read(tmp.path().join(MARKER)).unwrap();
        assert_eq!(
            parse(&text).unwrap(),
            ["a \"q\".pdf", "b/index.html", "index.html"]
        );
        // Written again, it replaces the old one and leaves nothing else.
        write_marker(tmp.path(), []).unwrap();
        assert_eq!(entries(tmp.path()).unwrap(), [MARKER]);
        assert!(
            parse(&std::fs::read(tmp.path().join(MARKER)).unwrap())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_folder_killed_before_its_marker_was_in_place_is_still_pingyis() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(".public.pingyi-staging");
        std::fs::create_dir(&dir).unwrap();
        check_kept(&dir).unwrap();
        std::fs::write(dir.join(format!(".{MARKER}.pingyi-tmp")), "{\"form").unwrap();
        check_kept(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "someone's").unwrap();
        assert!(refusal(&check_kept(&dir).unwrap_err()).is_some());
    }

    #[test]
    fn an_output_with_a_damaged_marker_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(MARKER), format!("{HEADER}\"files\": [\"a")).unwrap();
        std::fs::write(tmp.path().join("a"), "x").unwrap();
        let e = check_output(tmp.path()).unwrap_err();
        assert!(refusal(&e).unwrap().contains("已损坏"));
    }

    #[test]
    fn a_file_of_another_name_or_text_is_not_a_marker() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_marked(tmp.path()));
        std::fs::write(tmp.path().join(MARKER), "{\"files\": []}").unwrap();
        assert!(!is_marked(tmp.path()));
    }
}
