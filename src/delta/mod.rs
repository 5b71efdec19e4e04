//! Delta packages, for sites published across a one-way gateway (网闸) or by disc: the
//! difference between two built sites as one zip ([`make`]), and its application to the
//! published copy of the older one ([`apply`]), which ends as the newer one, byte for byte,
//! or stays as it was.
//!
//! The package holds the added and changed files under `files/`, and `manifest.json`: the
//! size and SHA-256 of every file of both sites (pingyi's marker, `.pingyi-manifest`,
//! included) and the paths added, changed and removed. The manifest's own SHA-256 is the
//! package's fingerprint, which the operator writes down on one side and compares on the
//! other: the files are checked against the manifest, the manifest against the fingerprint.
//!
//! Writing the published folder is the writer's ([`crate::output::Staging`]): the new site
//! is staged beside it and swapped in, as `build` does. Nothing here prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bundle::{Differences, FileEntry, entry, hash_folder, sha256_hex, zip_files};
use crate::output::{MARKER, ownership};

mod apply;

pub use apply::{Base, Package, apply, apply_with, check_base, open};

/// The manifest's name inside the package.
pub const MANIFEST: &str = "manifest.json";
/// The folder of the package that holds the added and changed files.
pub const FILES: &str = "files/";
const FORMAT: &str = "pingyi-delta/1";

/// `manifest.json`: both sites, file by file, and what changed between them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub generator: String,
    /// Every file of the site the package applies to, sorted by path.
    pub old: Vec<FileEntry>,
    /// Every file of the site it makes, sorted by path.
    pub new: Vec<FileEntry>,
    /// In `new` only; carried in the package.
    pub added: Vec<String>,
    /// In both, with other bytes; carried in the package.
    pub changed: Vec<String>,
    /// In `old` only.
    pub removed: Vec<String>,
}

impl Manifest {
    /// Works out what changed from `old` to `new`.
    fn between(old: Vec<FileEntry>, new: Vec<FileEntry>) -> Manifest {
        let before: BTreeMap<&str, &FileEntry> = old.iter().map(|f| (f.path.as_str(), f)).collect();
        let after: BTreeSet<&str> = new.iter().map(|f| f.path.as_str()).collect();
        let (mut added, mut changed) = (Vec::new(), Vec::new());
        for f in &new {
            match before.get(f.path.as_str()) {
                None => added.push(f.path.clone()),
                Some(b) if *b != f => changed.push(f.path.clone()),
                Some(_) => {}
            }
        }
        let removed = old
            .iter()
            .filter(|f| !after.contains(f.path.as_str()))
            .map(|f| f.path.clone())
            .collect();
        Manifest {
            format: FORMAT.into(),
            generator: format!("pingyi {}", env!("CARGO_PKG_VERSION")),
            old,
            new,
            added,
            changed,
            removed,
        }
    }

    /// The files the package carries: added, then changed.
    pub fn carried(&self) -> impl Iterator<Item = &String> {
        self.added.iter().chain(&self.changed)
    }
}

/// A package, made.
pub struct Delta {
    /// The zip file.
    pub bytes: Vec<u8>,
    /// The SHA-256 of its `manifest.json`, hex.
    pub fingerprint: String,
    pub manifest: Manifest,
}

/// Why a package was not made or not applied. Whatever the reason, the published folder is
/// as it was, except after [`Error::NotAsBuilt`].
#[derive(Debug)]
pub enum Error {
    /// A folder or file that cannot be read or written, or that may not be used as asked.
    Io(String),
    /// The package is damaged or was altered: each problem, a line each.
    Damaged(Vec<String>),
    /// The package's fingerprint is not the one the operator expected.
    OtherFingerprint { expected: String, found: String },
    /// The folder is not the site the package was made from.
    WrongBase(Differences),
    /// After the swap the folder is not the new site (the disk, or another program writing
    /// meanwhile): the site it replaced is kept beside it.
    NotAsBuilt(Differences),
}

impl Error {
    fn io(path: &Path, e: impl std::fmt::Display) -> Error {
        Error::Io(format!("{}: {e}", path.display()))
    }
}

/// The zip's one time for every entry: the zip format's first day, so the same two sites give
/// the same bytes whenever the package is made.
fn zip_time() -> zip::DateTime {
    zip::DateTime::default()
}

/// Makes the package that turns `old` into `new`, both folders `pingyi build` wrote (`old`
/// may be empty: a first publication). `output` is where it is to be written, refused inside
/// either folder.
pub fn make(old: &Path, new: &Path, output: &Path) -> Result<Delta, Error> {
    for (dir, what) in [(old, "旧版"), (new, "新版")] {
        if !dir.is_dir() {
            return Err(Error::Io(format!(
                "找不到{what}网站目录 {}(应是 pingyi build 生成的目录)",
                dir.display()
            )));
        }
        let canonical = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
        if absolute(output).starts_with(&canonical) {
            return Err(Error::Io(format!(
                "差异包 {} 不能写在{what}网站目录 {} 之中:它会成为网站的一个文件",
                output.display(),
                dir.display()
            )));
        }
    }
    let before = site_files(old, "旧版")?;
    let after = site_files(new, "新版")?;
    let manifest = Manifest::between(before, after);
    let mut files = BTreeMap::new();
    let listed: BTreeMap<&str, &FileEntry> =
        manifest.new.iter().map(|f| (f.path.as_str(), f)).collect();
    for path in manifest.carried() {
        let bytes = std::fs::read(new.join(path)).map_err(|e| Error::io(&new.join(path), e))?;
        // Read twice (hashed, then packed): a file changed in between would make a package
        // that can never apply.
        if entry(path.clone(), &bytes) != *listed[path.as_str()] {
            return Err(Error::Io(format!(
                "{} 在生成差异包的过程中被改动了;请等生成网站结束后重试",
                new.join(path).display()
            )));
        }
        files.insert(format!("{FILES}{path}"), bytes);
    }
    let json = serde_json::to_string_pretty(&manifest).expect("plain data serialises") + "\n";
    let fingerprint = sha256_hex(json.as_bytes());
    files.insert(MANIFEST.to_string(), json.into_bytes());
    let bytes = zip_files(&files, zip_time()).map_err(|e| Error::io(output, e))?;
    Ok(Delta {
        bytes,
        fingerprint,
        manifest,
    })
}

/// Every file of a built site, hashed. Refused unless it is pingyi's output as it was written:
/// plain files only, each listed in its marker, each the marker lists there.
fn site_files(dir: &Path, what: &str) -> Result<Vec<FileEntry>, Error> {
    let hashed = hash_folder(dir, &[]).map_err(|e| Error::io(dir, e))?;
    if let Some((path, kind)) = hashed.not_files.first() {
        return Err(Error::Io(format!(
            "{what}网站目录 {} 中的 {path} 是{kind},网站只应有普通文件",
            dir.display(),
        )));
    }
    if hashed.files.is_empty() {
        return Ok(Vec::new());
    }
    let Some(listed) = ownership::listed(dir) else {
        return Err(Error::Io(format!(
            "{what}网站目录 {} 不是 pingyi build 生成的(其中没有 {MARKER},或它已损坏);\
             请指定 pingyi build 的输出目录",
            dir.display()
        )));
    };
    let found: BTreeSet<&str> = hashed
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| *p != MARKER)
        .collect();
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    if let Some(p) = found.difference(&listed).next() {
        return Err(Error::Io(format!(
            "{what}网站目录 {} 中有 pingyi 没有生成的文件 {p};\
             要随网站发布的文件请放进站点的 static/ 目录,重新生成后再制作差异包",
            dir.display()
        )));
    }
    if let Some(p) = listed.difference(&found).next() {
        return Err(Error::Io(format!(
            "{what}网站目录 {} 不完整:缺少 {p};请重新生成后再制作差异包",
            dir.display()
        )));
    }
    Ok(hashed.files)
}

/// `path` made absolute, links in the part that exists resolved and `..` taken lexically
/// after it: the package's file need not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    let (mut resolved, mut rest) = (PathBuf::new(), &parts[..]);
    for n in (1..=parts.len()).rev() {
        if let Ok(c) = parts[..n].iter().collect::<PathBuf>().canonicalize() {
            (resolved, rest) = (c, &parts[n..]);
            break;
        }
    }
    for part in rest {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(n) => resolved.push(n),
            _ => {}
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_changed_is_worked_out_from_the_two_listings() {
        let old = vec![entry("a".into(), b"1"), entry("b".into(), b"2")];
        let new = vec![entry("b".into(), b"two"), entry("c".into(), b"3")];
        let m = Manifest::between(old, new);
        assert_eq!(m.added, ["c"]);
        assert_eq!(m.changed, ["b"]);
        assert_eq!(m.removed, ["a"]);
        assert_eq!(m.carried().collect::<Vec<_>>(), ["c", "b"]);
    }

    #[test]
    fn a_path_not_yet_there_is_made_absolute_under_its_real_parent() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(
            absolute(&tmp.path().join("x/../y/d.zip")),
            real.join("y/d.zip")
        );
    }
}
