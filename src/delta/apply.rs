//! Applying a package: [`open`] reads it and checks every carried file against the manifest
//! before anything else happens; [`check_base`] checks that a folder is the site the package
//! was made from; [`apply`] stages the new site beside the folder (unchanged files copied from
//! it, each checked again as it is read; carried files from the package; removed files left
//! out), swaps it in through the one writer and checks the result, file by file.
//!
//! A package is read into memory whole and every one of its entries looked at; names other
//! than `manifest.json` and the carried files (a `../` or an absolute path among them) are
//! never unpacked, and no entry is unpacked beyond the size the manifest gives it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::{Error, FILES, FORMAT, MANIFEST, Manifest};
use crate::bundle::{FileEntry, Held, compare, entry, hash_folder, read_zip_bytes, sha256_hex};
use crate::output::{MARKER, Output, Staging, is_contained, ownership, refusal, staging_dir};

/// The largest manifest read: about a million files' entries.
const MAX_MANIFEST: u64 = 256 << 20;

/// A package whose carried files all match its manifest.
pub struct Package {
    pub manifest: Manifest,
    /// The SHA-256 of `manifest.json`, hex.
    pub fingerprint: String,
    /// Carried files by path in the site, checked.
    files: BTreeMap<String, Vec<u8>>,
}

/// Reads the package at `path` and checks it: a manifest that parses and agrees with itself,
/// every carried file present once and as the manifest lists it, nothing else in the zip.
/// The fingerprint is worked out even when a check fails, if the manifest could be read.
pub fn open(path: &Path) -> Result<Package, (Option<String>, Error)> {
    let bytes = std::fs::read(path).map_err(|e| {
        (
            None,
            Error::Io(format!("无法读取差异包 {}: {e}", path.display())),
        )
    })?;
    let damaged = |lines: Vec<String>| Error::Damaged(lines);
    let read = |held: &mut Held, want: &dyn Fn(&str) -> Option<u64>| {
        read_zip_bytes(path, &bytes, held, want)
            .map_err(|d| damaged(vec![format!("{} {}", path.display(), d.message)]))
    };
    let mut first = Held::default();
    let only_manifest = |name: &str| (name == MANIFEST).then_some(MAX_MANIFEST);
    read(&mut first, &only_manifest).map_err(|e| (None, e))?;
    let Some(json) = first.files.remove(MANIFEST) else {
        return Err((
            None,
            damaged(vec![format!(
                "差异包中没有 {MANIFEST},不是 pingyi delta 生成的差异包"
            )]),
        ));
    };
    let fingerprint = sha256_hex(&json);
    let with = |e: Error| (Some(fingerprint.clone()), e);
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|e| with(damaged(vec![format!("{MANIFEST} 无法解析: {e}")])))?;
    let problems = manifest_problems(&manifest);
    if !problems.is_empty() {
        return Err(with(damaged(problems)));
    }
    let new: BTreeMap<&str, &FileEntry> =
        manifest.new.iter().map(|f| (f.path.as_str(), f)).collect();
    let carried: BTreeSet<&str> = manifest.carried().map(String::as_str).collect();
    let want = |name: &str| {
        if name == MANIFEST {
            return Some(MAX_MANIFEST);
        }
        let path = name.strip_prefix(FILES)?;
        carried.contains(path).then(|| new[path].size)
    };
    let mut held = Held::default();
    read(&mut held, &want).map_err(with)?;
    held.files.remove(MANIFEST);
    let files: BTreeMap<String, Vec<u8>> = held
        .files
        .into_iter()
        .map(|(name, bytes)| (name[FILES.len()..].to_string(), bytes))
        .collect();
    let listed: Vec<FileEntry> = carried.iter().map(|p| new[p].clone()).collect();
    let found: Vec<FileEntry> = files.iter().map(|(p, b)| entry(p.clone(), b)).collect();
    let d = compare(&listed, &found);
    let mut lines = Vec::new();
    lines.extend(d.missing.iter().map(|p| format!("缺失: {FILES}{p}")));
    lines.extend(d.altered.iter().map(|p| format!("被改动: {FILES}{p}")));
    for name in held.unread {
        let unsafe_path = name.split('/').any(|c| c == "..")
            || name.starts_with('/')
            || name.contains('\\')
            || name.contains(':');
        lines.push(if unsafe_path {
            format!("路径不安全(会写到目标目录之外): {name}")
        } else {
            format!("多出(清单中没有): {name}")
        });
    }
    let duplicated: BTreeSet<String> = held.duplicated.into_iter().collect();
    lines.extend(
        duplicated
            .iter()
            .map(|p| format!("重名(差异包中有不止一项叫这个名字): {p}")),
    );
    lines.extend(
        held.not_files
            .iter()
            .map(|(p, what)| format!("{what}(差异包只应有普通文件): {p}")),
    );
    if !lines.is_empty() {
        return Err(with(damaged(lines)));
    }
    Ok(Package {
        manifest,
        fingerprint,
        files,
    })
}

/// What is wrong with a manifest on its own: its format, a path that would leave the folder,
/// a hash that is not one, a name twice, or lists of changes that do not follow from the two
/// sites.
fn manifest_problems(m: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    if m.format != FORMAT {
        problems.push(format!(
            "{MANIFEST} 的格式是 `{}`,本程序只认 `{FORMAT}`",
            m.format
        ));
        return problems;
    }
    for (list, files) in [("old", &m.old), ("new", &m.new)] {
        let mut seen = BTreeSet::new();
        for f in files {
            if !is_contained(&f.path) {
                problems.push(format!(
                    "{MANIFEST} 的 {list} 中路径不安全(会写到目标目录之外): {}",
                    f.path
                ));
            } else if !seen.insert(f.path.as_str()) {
                problems.push(format!("{MANIFEST} 的 {list} 中重复列出: {}", f.path));
            }
            let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
            if f.sha256.len() != 64 || !f.sha256.chars().all(hex) {
                problems.push(format!(
                    "{MANIFEST} 的 {list} 中 {} 的 SHA-256 不是 64 位十六进制数",
                    f.path
                ));
            }
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let expected = Manifest::between(m.old.clone(), m.new.clone());
    for (list, got, want) in [
        ("added", &m.added, &expected.added),
        ("changed", &m.changed, &expected.changed),
        ("removed", &m.removed, &expected.removed),
    ] {
        if got != want {
            problems.push(format!(
                "{MANIFEST} 的 {list} 与 old、new 两份文件清单对不上"
            ));
        }
    }
    if let Some(marker) = m.new.iter().find(|f| f.path == MARKER) {
        let names = m
            .new
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| *p != MARKER);
        if sha256_hex(&ownership::marker_bytes(names)) != marker.sha256 {
            problems.push(format!(
                "新版网站的 {MARKER} 与本程序写出的不同:差异包可能由另一版本的 pingyi 生成,\
                 请在两边使用同一版本"
            ));
        }
    } else if !m.new.is_empty() {
        problems.push(format!("{MANIFEST} 的 new 中没有 {MARKER}"));
    }
    problems
}

/// Which site a folder a package applies to is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The one the package was made from: it applies.
    Old,
    /// The one it makes: applied already, nothing to do.
    New,
}

/// Checks that `dir` is the site the package was made from: every file, by size and SHA-256,
/// none missing, none more. A folder that is not there is one with no files.
pub fn check_base(package: &Package, dir: &Path) -> Result<Base, Error> {
    let found = if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Io(format!("{} 不是目录", dir.display())));
        }
        let hashed = hash_folder(dir, &[]).map_err(|e| Error::io(dir, e))?;
        let odd = hashed.not_files.into_iter().map(|(p, kind)| {
            // Hashes no file can have: a link or a device differs from any listed file.
            FileEntry {
                path: p,
                size: u64::MAX,
                sha256: kind.to_string(),
                sm3: None,
            }
        });
        hashed.files.into_iter().chain(odd).collect()
    } else {
        Vec::new()
    };
    let d = compare(&package.manifest.old, &found);
    if d.is_empty() {
        Ok(Base::Old)
    } else if compare(&package.manifest.new, &found).is_empty() {
        Ok(Base::New)
    } else {
        Err(Error::WrongBase(d))
    }
}

/// Applies `package` to `dir`; see the module's header. A folder that is the new site already
/// is left as it is.
pub fn apply(package: &Package, dir: &Path) -> Result<Base, Error> {
    apply_with(package, dir, &|_| Ok(()))
}

/// [`apply`], with `before_swap` called once the new site is staged, given the staging
/// folder; an error from it stops the run there, as an interruption would.
pub fn apply_with(
    package: &Package,
    dir: &Path,
    before_swap: &dyn Fn(&Path) -> std::io::Result<()>,
) -> Result<Base, Error> {
    if check_base(package, dir)? == Base::New {
        return Ok(Base::New);
    }
    let writer = |e: std::io::Error| match refusal(&e) {
        Some(r) => Error::Io(r.to_string()),
        None => Error::io(dir, e),
    };
    let staging = Staging::new(dir, dir)
        .map_err(writer)?
        .without_fingerprints();
    package
        .manifest
        .new
        .par_iter()
        .filter(|f| f.path != MARKER)
        .try_for_each(|f| {
            let bytes = match package.files.get(&f.path) {
                Some(b) => b.clone(),
                None => {
                    let bytes = std::fs::read(dir.join(&f.path)).map_err(|e| Error::io(dir, e))?;
                    // Checked a moment ago, but something may write the folder meanwhile.
                    if entry(f.path.clone(), &bytes) != *f {
                        return Err(Error::WrongBase(crate::bundle::Differences {
                            altered: vec![f.path.clone()],
                            ..Default::default()
                        }));
                    }
                    bytes
                }
            };
            staging
                .write(&Output::bytes(f.path.clone(), bytes))
                .map_err(writer)
        })?;
    before_swap(&staging_dir(dir)).map_err(|e| Error::io(dir, e))?;
    staging.commit(dir).map_err(writer)?;
    let hashed = hash_folder(dir, &[]).map_err(|e| Error::io(dir, e))?;
    let d = compare(&package.manifest.new, &hashed.files);
    if d.is_empty() && hashed.not_files.is_empty() {
        Ok(Base::Old)
    } else {
        Err(Error::NotAsBuilt(d))
    }
}
