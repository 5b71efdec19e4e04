//! Reading the site from disk: walking `content/` in a stable order, skipping editor junk,
//! refusing symlinks that leave the site, and decoding files to text. Parsing is elsewhere.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

pub const CONTENT_DIR: &str = "content";

/// A Markdown source as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators: `content/2024/speeches/x.md`.
    pub rel: PathBuf,
    pub text: String,
}

/// Hidden files and the droppings of editors (Vim's `4913` and swap files, Emacs backups and
/// locks): never content.
pub fn is_junk(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Decodes a file: UTF-8 only, a BOM dropped, CRLF turned into LF.
pub fn decode(rel: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::error(
            rel,
            "文件是 UTF-16 编码(Windows 记事本里叫“Unicode”),不是 UTF-8",
        )
        .with_hint("请用编辑器把文件另存为 UTF-8 编码"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(if s.contains('\r') {
            s.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            s.to_string()
        }),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let mut d =
                Diagnostic::error(rel, "文件不是 UTF-8 编码,很可能是 GBK(GB2312/GB18030)编码");
            d.line = Some(line);
            Err(d.with_hint(
                "请用编辑器把文件另存为 UTF-8 编码,或运行: iconv -f GBK -t UTF-8 原文件 > 新文件",
            ))
        }
    }
}

/// Relative path with `/` separators, whatever the platform.
pub fn slash_path(p: &Path) -> PathBuf {
    PathBuf::from(
        p.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Lists `<root>/content/**/*.md`, sorted, without junk; symlinks leading outside `root` are
/// reported and skipped.
pub fn list_content(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "找不到 content 文件夹")
                .with_hint("文档放在站点根目录的 content/ 下;用 --root 指定站点目录"),
        );
        return (files, diags);
    }
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_junk(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(slash_path)
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                let message = if e.loop_ancestor().is_some() {
                    "符号链接形成了循环(指向自己的上级文件夹),已跳过".to_string()
                } else {
                    format!("无法读取: {e}")
                };
                diags.push(Diagnostic::error(rel, message));
                continue;
            }
        };
        let rel = slash_path(entry.path().strip_prefix(root).unwrap_or(entry.path()));
        if entry.path_is_symlink() {
            let inside = entry
                .path()
                .canonicalize()
                .map(|real| real.starts_with(&root_real))
                .unwrap_or(false);
            if !inside {
                diags.push(
                    Diagnostic::error(rel, "符号链接指向站点目录之外,已拒绝")
                        .with_hint("请把文件复制到站点目录内,而不是链接到外面"),
                );
                continue;
            }
        }
        let is_md = entry
            .path()
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        if entry.file_type().is_file() && is_md {
            files.push(rel);
        }
    }
    (files, diags)
}

/// Reads and decodes the listed files in parallel; order is kept.
pub fn read_sources(root: &Path, rels: &[PathBuf]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let results: Vec<Result<SourceFile, Diagnostic>> = rels
        .par_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(rel))
                .map_err(|e| Diagnostic::error(rel.clone(), format!("无法读取: {e}")))?;
            let text = decode(rel, &bytes)?;
            Ok(SourceFile {
                rel: rel.clone(),
                text,
            })
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_recognised() {
        for j in [
            ".hidden.md",
            "a.md~",
            ".#a.md",
            "a.md.swp",
            "4913",
            "#a.md#",
        ] {
            assert!(is_junk(j), "{j}");
        }
        assert!(!is_junk("speech.md"));
    }

    #[test]
    fn decode_strips_bom_and_crlf() {
        let s = decode(Path::new("a.md"), b"\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\n").unwrap();
        assert_eq!(s, "---\ntitle: a\n---\n");
    }

    #[test]
    fn utf16_is_named() {
        let text: Vec<u8> = "\u{feff}---\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode(Path::new("a.md"), &text).unwrap_err();
        assert!(d.message.contains("UTF-16"), "{}", d.message);
    }

    #[test]
    fn gbk_is_named() {
        // "讲话" in GBK on line 2.
        let d = decode(Path::new("a.md"), b"---\ntitle: \xBD\xB2\xBB\xB0\n").unwrap_err();
        assert!(d.message.contains("不是 UTF-8"));
        assert!(d.message.contains("GBK"));
        assert_eq!(d.location(), "a.md:2");
    }
}
