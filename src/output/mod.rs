//! What a build produces, as plain values: [`Output`] (a path and its [`Content`]) and the
//! rule for the paths it may have. Render, theme, search and archive make these and import
//! nothing else from here; writing them is the writer's, in the modules below:
//!
//! - [`staging`]: a full build, written into a folder beside the output, then swapped in;
//! - `previous`: writing that folder over the previous build, which is faster than anew;
//! - `publish`: the flush and the swap, and what differs between systems;
//! - [`changes`]: a rebuild in `watch`, only changed files, each replaced atomically;
//! - [`compress`]: the `.gz` and `.br` copies of text files, when `site.yaml` asks for them;
//! - [`replace_file`]: one file outside the output (a document, a workbook), atomically;
//! - [`ownership`]: the marker that tells pingyi's folders from any other, which alone are
//!   ever written over, moved or removed.

use std::path::{Component, Path, PathBuf};

pub mod changes;
pub mod compress;
mod files;
pub mod ownership;
mod previous;
mod publish;
pub mod staging;

pub use changes::{Manifest, write_changes};
pub use files::replace_file;
pub use ownership::{MARKER, Refused, refusal};
pub use staging::{Staging, check_output_dir, previous_dir, staging_dir};

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
}
