//! Change detection for `watch`: a [`Manifest`] of what the output folder holds, by
//! fingerprint, and [`write_changes`], which writes only the files whose fingerprint changed
//! (each through a temporary file and a rename, so no reader sees half a file) and removes
//! those the site no longer has.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::files::{remove_file, reserved, write_one};
use super::{Content, MARKER, Output, is_contained, ownership, publish};

/// What an output folder holds: path → fingerprint of the bytes (or, for a copied file, of
/// its source's path, size and time), so a rebuild can skip files that did not change.
pub type Manifest = rustc_hash::FxHashMap<String, [u8; 32]>;

pub(super) fn fingerprint(root: &Path, o: &Output) -> [u8; 32] {
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
    if outputs.iter().any(|o| o.path == MARKER) {
        return Err(reserved());
    }
    let changed: Vec<(&Output, [u8; 32])> = outputs
        .par_iter()
        .map(|o| (o, fingerprint(root, o)))
        .filter(|(o, fp)| manifest.get(&o.path) != Some(fp))
        .collect();
    // The marker lists what the folder holds. New files are listed before they are written,
    // so a watch killed meanwhile never leaves a file of its own that the next build would
    // take for someone else's.
    let came: Vec<&str> = changed
        .iter()
        .map(|(o, _)| o.path.as_str())
        .filter(|p| !manifest.contains_key(*p))
        .collect();
    if !came.is_empty() {
        ownership::write_marker(
            out,
            manifest
                .keys()
                .map(String::as_str)
                .chain(came.iter().copied()),
        )?;
    }
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
        // On Windows a program reading the file (a browser, the preview) blocks its
        // replacement for a moment.
        publish::retry(&dest, || std::fs::rename(&tmp, &dest))
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
        match remove_file(&file) {
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
    if !gone.is_empty() {
        ownership::write_marker(out, manifest.keys().map(String::as_str))?;
    }
    Ok((changed.len(), gone.len()))
}
