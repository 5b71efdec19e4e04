//! Files carried as a checkable bundle, shared by year archives ([`crate::archive`]) and
//! delta packages ([`crate::delta`]): a file's size and SHA-256 ([`FileEntry`]), a zip written
//! the same way every time, reading a zip or a folder back entry by entry (links and devices
//! reported, never followed; names given twice reported), and the comparison of what was found
//! with what a manifest lists. What a manifest holds besides its files is each caller's.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::diagnostic::Diagnostic;

/// One file in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// SM3 (GB/T 32905), in archives: what Chinese electronic-records practice checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
}

impl FileEntry {
    /// Whether `found` is the file this entry lists: size and SHA-256, and SM3 where listed.
    pub fn matches(&self, found: &FileEntry) -> bool {
        self.size == found.size
            && self.sha256 == found.sha256
            && (self.sm3.is_none() || self.sm3 == found.sm3)
    }
}

/// The SHA-256 of `bytes`, in lower-case hex (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SM3 of `bytes`, in lower-case hex (as `gmssl sm3` and `openssl dgst -sm3` print it).
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex(&sm3::Sm3::digest(bytes))
}

/// Lower-case hex, as `sha256sum` and `openssl dgst` print.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest entry of a file at `path` holding `bytes`.
pub fn entry(path: String, bytes: &[u8]) -> FileEntry {
    FileEntry {
        path,
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        sm3: None,
    }
}

/// [`entry`] with the SM3 digest too, as archives list their files.
pub fn entry_sm3(path: String, bytes: &[u8]) -> FileEntry {
    FileEntry {
        sm3: Some(sm3_hex(bytes)),
        ..entry(path, bytes)
    }
}

/// The most entries a zip may hold: far above any site (50,000 documents make about 150,000
/// files), far below what would exhaust memory listing a hostile one.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Sorted entries, one fixed time and fixed permissions: the same files give the same bytes.
pub fn zip_files(
    files: &BTreeMap<String, Vec<u8>>,
    time: zip::DateTime,
) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in files {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// What a bundle holds, as read: its files, the names given twice, what is not a file, and
/// the names of entries left unread because the reader did not want them.
#[derive(Default)]
pub struct Held {
    pub files: BTreeMap<String, Vec<u8>>,
    pub duplicated: Vec<String>,
    pub not_files: Vec<(String, &'static str)>,
    pub unread: Vec<String>,
}

/// What a folder entry that is not a plain file is, in the words `verify` reports.
fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_symlink() {
        "符号链接"
    } else {
        "不是普通文件"
    }
}

/// The unix file type bits of a mode, and that of a plain file.
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;

/// An unpacked bundle, every file read. Links are not followed: one is reported, never read
/// through.
pub fn read_folder(path: &Path, held: &mut Held) -> Result<(), Diagnostic> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    for (rel, what) in walk(path).map_err(|e| fail(format!("无法读取: {e}")))? {
        match what {
            Ok(file) => {
                let bytes = std::fs::read(&file).map_err(|e| fail(format!("无法读取: {e}")))?;
                held.files.insert(rel, bytes);
            }
            Err(kind) => held.not_files.push((rel, kind)),
        }
    }
    Ok(())
}

/// Every entry under `dir` but folders, sorted: its relative `/`-separated name and either
/// its path (a plain file) or what else it is.
type Walked = Vec<(String, Result<std::path::PathBuf, &'static str>)>;

fn walk(dir: &Path) -> Result<Walked, walkdir::Error> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e?;
        let rel = e
            .path()
            .strip_prefix(dir)
            .map(crate::load::slash_path)
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let t = e.file_type();
        if t.is_dir() {
            continue;
        }
        found.push((
            rel,
            if t.is_file() {
                Ok(e.into_path())
            } else {
                Err(kind_of(t))
            },
        ));
    }
    Ok(found)
}

/// What a folder holds, hashed file by file (never held in memory whole, so a site of any
/// size can be checked), with the entries that are not plain files.
#[derive(Debug, Default)]
pub struct Hashed {
    /// Sorted by path.
    pub files: Vec<FileEntry>,
    pub not_files: Vec<(String, &'static str)>,
}

/// Hashes every file under `dir` but those named in `skip` (relative paths), many at once.
pub fn hash_folder(dir: &Path, skip: &[&str]) -> std::io::Result<Hashed> {
    let walked = walk(dir).map_err(std::io::Error::other)?;
    let mut hashed = Hashed::default();
    let mut plain = Vec::new();
    for (rel, what) in walked {
        if skip.contains(&rel.as_str()) {
            continue;
        }
        match what {
            Ok(file) => plain.push((rel, file)),
            Err(kind) => hashed.not_files.push((rel, kind)),
        }
    }
    hashed.files = plain
        .into_par_iter()
        .map(|(rel, file)| {
            std::fs::read(&file)
                .map(|bytes| entry(rel, &bytes))
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", file.display())))
        })
        .collect::<std::io::Result<_>>()?;
    Ok(hashed)
}

/// A zip bundle, every entry of its central directory. `want` says, for each name, how many
/// bytes at most to read of it (one more is read, so that a longer entry shows as altered
/// without being unpacked whole); `None` leaves it unread, its name in [`Held::unread`].
pub fn read_zip(
    path: &Path,
    held: &mut Held,
    want: &dyn Fn(&str) -> Option<u64>,
) -> Result<(), Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::error(path, format!("无法打开: {e}")))?;
    read_zip_bytes(path, &bytes, held, want)
}

/// [`read_zip`] of bytes already read; `path` names them in messages.
pub fn read_zip_bytes(
    path: &Path,
    bytes: &[u8],
    held: &mut Held,
    want: &dyn Fn(&str) -> Option<u64>,
) -> Result<(), Diagnostic> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    let reader = std::io::Cursor::new(bytes);
    let invalid =
        |e: zip::result::ZipError| fail(format!("不是有效的 zip 文件(可能不完整或已损坏): {e}"));
    // `ZipArchive` keys entries by name and keeps one of two that share it; the iterable
    // reader walks the central directory as it is, every entry.
    let mut zip =
        zip::unstable::read::ZipIterable::try_new(reader.clone(), zip::read::Config::default())
            .map_err(invalid)?;
    let mut entries = zip
        .files_with_cloned_reader(zip::ZipReadOptions::default())
        .map_err(invalid)?;
    let mut i = 0;
    while let Some(f) = entries.next() {
        i += 1;
        if i > MAX_ENTRIES {
            return Err(fail(format!(
                "zip 中的项超过 {MAX_ENTRIES} 个,不是 pingyi 生成的,没有读下去"
            )));
        }
        let f = f.map_err(|e| fail(format!("第 {i} 项无法读取: {e}")))?;
        let name = f
            .name()
            .map_err(|e| fail(format!("第 {i} 项的文件名无法读取: {e}")))?
            .into_owned();
        if f.is_symlink() {
            held.not_files.push((name, "符号链接"));
            continue;
        }
        if f.is_dir() {
            continue;
        }
        if f.unix_mode()
            .is_some_and(|m| m & S_IFMT != 0 && m & S_IFMT != S_IFREG)
        {
            held.not_files.push((name, "不是普通文件"));
            continue;
        }
        let Some(limit) = want(&name) else {
            held.unread.push(name);
            continue;
        };
        let mut bytes = Vec::new();
        f.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("{name} 无法解压: {e}")))?;
        // The first copy is the one checked; the name is reported either way.
        match held.files.entry(name) {
            std::collections::btree_map::Entry::Occupied(e) => {
                held.duplicated.push(e.key().clone())
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(bytes);
            }
        }
    }
    Ok(())
}

/// How what was found differs from what a manifest lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Differences {
    /// Listed, not found.
    pub missing: Vec<String>,
    /// Found, size or SHA-256 not as listed.
    pub altered: Vec<String>,
    /// Found, not listed.
    pub extra: Vec<String>,
}

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.altered.is_empty() && self.extra.is_empty()
    }
}

/// Compares `found` with `listed`, each by path.
pub fn compare<'a>(
    listed: &[FileEntry],
    found: impl IntoIterator<Item = &'a FileEntry>,
) -> Differences {
    let found: BTreeMap<&str, &FileEntry> =
        found.into_iter().map(|f| (f.path.as_str(), f)).collect();
    let names: BTreeSet<&str> = listed.iter().map(|f| f.path.as_str()).collect();
    let mut d = Differences::default();
    for f in listed {
        match found.get(f.path.as_str()) {
            None => d.missing.push(f.path.clone()),
            Some(g) if !f.matches(g) => d.altered.push(f.path.clone()),
            Some(_) => {}
        }
    }
    d.extra = found
        .keys()
        .filter(|p| !names.contains(*p))
        .map(|p| p.to_string())
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_missing_altered_and_extra_files() {
        let listed = vec![entry("a".into(), b"1"), entry("b".into(), b"2")];
        let found = [entry("b".into(), b"two"), entry("c".into(), b"3")];
        let d = compare(&listed, &found);
        assert_eq!(d.missing, ["a"]);
        assert_eq!(d.altered, ["b"]);
        assert_eq!(d.extra, ["c"]);
        assert!(compare(&listed, &listed).is_empty());
    }

    #[test]
    fn a_zip_is_the_same_bytes_every_time_and_reads_back() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("b/x".to_string(), b"x".to_vec()),
            ("a".to_string(), vec![]),
        ]
        .into();
        let a = zip_files(&files, zip::DateTime::default()).unwrap();
        assert_eq!(a, zip_files(&files, zip::DateTime::default()).unwrap());
        let mut held = Held::default();
        let want = |name: &str| (name != "a").then_some(0);
        read_zip_bytes(Path::new("t.zip"), &a, &mut held, &want).unwrap();
        // One byte past the limit is read: enough to see the entry is longer.
        assert_eq!(held.files["b/x"], b"x");
        assert_eq!(held.unread, ["a"]);
    }
}
