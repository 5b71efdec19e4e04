//! `verify`: a bundle checked against its manifest.

use std::collections::BTreeSet;
use std::path::Path;

use super::{FORMAT, MANIFEST, Manifest, PublicKey, SIGNATURE, SignatureCheck, sign};
use crate::bundle::{FileEntry, Held, compare, entry, read_folder, read_zip};
use crate::diagnostic::Diagnostic;

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    pub year: i32,
    pub checked: usize,
    /// In the manifest, not in the bundle.
    pub missing: Vec<String>,
    /// In the bundle, not in the manifest.
    pub extra: Vec<String>,
    /// Size or SHA-256 differ from the manifest.
    pub altered: Vec<String>,
    /// Names the zip holds more than once: an unzip tool may keep either copy, so the one
    /// checked is not necessarily the one read.
    pub duplicated: Vec<String>,
    /// Entries that are not plain files (symlinks, devices, pipes), with what they are: a
    /// bundle holds files only, and a link can lead anywhere (`/etc/passwd`).
    pub not_files: Vec<(String, &'static str)>,
    /// `manifest.sig` checked, with the key when one was given.
    pub signature: SignatureCheck,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.altered.is_empty()
            && self.duplicated.is_empty()
            && self.not_files.is_empty()
            && self.signature.is_acceptable()
    }
}

/// Checks a bundle (the zip, or the folder it was unpacked to) against its `manifest.json`.
/// Besides the files' bytes, a bundle must hold plain files only, each name once. With `key`,
/// it must also be signed by that key ([`SignatureCheck`]).
pub fn verify(path: &Path, key: Option<&PublicKey>) -> Result<Verification, Diagnostic> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    let mut held = Held::default();
    if path.is_dir() {
        read_folder(path, &mut held)?;
    } else {
        read_zip(path, &mut held, &|_| Some(u64::MAX))?;
    }
    let Held {
        mut files,
        duplicated,
        not_files,
        ..
    } = held;
    let manifest = files
        .remove(MANIFEST)
        .ok_or_else(|| fail(format!("归档包中没有 {MANIFEST},无法校验")))?;
    let signature = sign::check(&manifest, files.remove(SIGNATURE).as_deref(), key);
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|e| fail(format!("{MANIFEST} 无法解析: {e}")))?;
    if manifest.format != FORMAT {
        return Err(fail(format!(
            "{MANIFEST} 的格式是 `{}`,本程序只认 `{FORMAT}`",
            manifest.format
        )));
    }
    let found: Vec<FileEntry> = files.iter().map(|(p, b)| entry(p.clone(), b)).collect();
    let d = compare(&manifest.files, &found);
    Ok(Verification {
        year: manifest.year,
        checked: manifest.files.len(),
        duplicated: duplicated
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        not_files,
        missing: d.missing,
        altered: d.altered,
        extra: d.extra,
        signature,
    })
}
