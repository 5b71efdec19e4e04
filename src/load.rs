//! Reading the site from disk: walking `content/` in a stable order, skipping editor junk,
//! refusing symlinks that leave the site, and decoding files to text. Parsing is elsewhere.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

pub const CONTENT_DIR: &str = "content";

/// The largest document pingyi reads: far beyond any real one (a report of thousands of ledger
/// items is a few megabytes), small enough that no file can make a build run out of memory.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// A Markdown source as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators: `content/2024/speeches/x.md`.
    pub rel: PathBuf,
    pub text: String,
}

/// "Too many levels of symbolic links" on Linux and the BSDs alike enough to name it.
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

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
        // Word and WPS keep `~$name.docx` beside a document they have open.
        || name.starts_with("~$")
}

/// Decodes a file: UTF-8 only, a BOM dropped, CRLF turned into LF. The text keeps the
/// buffer it was read into.
pub fn decode(rel: &Path, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    // With a BOM, or without one: then every other byte of `---` is a NUL.
    let utf16 = bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || (bytes.len() >= 4
            && ((bytes[1] == 0 && bytes[3] == 0) || (bytes[0] == 0 && bytes[2] == 0)));
    if utf16 {
        return Err(Diagnostic::error(
            rel,
            "文件是 UTF-16 编码(Windows 记事本里叫“Unicode”),不是 UTF-8",
        )
        .with_hint("请用编辑器把文件另存为 UTF-8 编码"));
    }
    // A Word, WPS or OpenDocument file (a zip) renamed to `.md`, or another binary file.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(Diagnostic::error(
            rel,
            "文件是 Word/WPS 等办公软件的文档,不是 Markdown 文本",
        )
        .with_hint("请把内容复制到文本编辑器中,另存为 UTF-8 编码的 .md 文件;原文件可作为附件(attachments)发布"));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        let mut d = Diagnostic::error(rel, "文件含有空字符(NUL),不是文本文件");
        d.line = Some(bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1);
        return Err(d.with_hint("Markdown 文档应是 UTF-8 编码的纯文本"));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Chinese text is all multi-byte sequences, which the standard check takes one at a time:
    // the SIMD check first, and the standard one for where an error is.
    let checked = match simdutf8::basic::from_utf8(&bytes) {
        Ok(_) => Ok(()),
        Err(_) => std::str::from_utf8(&bytes).map(|_| ()),
    };
    match checked {
        Ok(()) => {
            // SAFETY: `bytes` was checked to be UTF-8 just above.
            let s = unsafe { String::from_utf8_unchecked(bytes) };
            Ok(if s.contains('\r') {
                s.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                s
            })
        }
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
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_junk(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
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
                } else if e.io_error().and_then(std::io::Error::raw_os_error) == Some(ELOOP) {
                    "符号链接形成了循环(几个链接互相指向),已跳过".to_string()
                } else if e
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                {
                    "符号链接指向的文件不存在,已跳过".to_string()
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
                // Nothing under a refused folder is read either.
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
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

/// Reads one file, at most [`MAX_DOCUMENT_BYTES`] of it, explaining in Chinese why not.
pub fn read_file(root: &Path, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let failed = |e: std::io::Error| {
        let message = match e.kind() {
            // Listed a moment ago: deleted, renamed or replaced since (an editor saving, a
            // `git checkout`). The next build reads it again.
            std::io::ErrorKind::NotFound => {
                "文件在读取时已不存在(刚被删除、改名或替换),请重新生成".to_string()
            }
            // Windows answers "access denied" to opening a folder as a file.
            std::io::ErrorKind::PermissionDenied if root.join(rel).is_dir() => {
                "这是一个文件夹,不是文件".to_string()
            }
            std::io::ErrorKind::PermissionDenied => "没有读取这个文件的权限".to_string(),
            std::io::ErrorKind::IsADirectory => "这是一个文件夹,不是文件".to_string(),
            _ => format!("无法读取: {e}"),
        };
        Diagnostic::error(rel, message)
    };
    let file = std::fs::File::open(root.join(rel)).map_err(failed)?;
    // Sized from the file, so most files take one read and one to see the end.
    let size = file
        .metadata()
        .map_or(0, |m| m.len())
        .min(MAX_DOCUMENT_BYTES);
    let mut bytes = Vec::with_capacity(size as usize + 1);
    // `take`: the file may grow between a look at its size and the read.
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Diagnostic::error(
            rel,
            format!("文档超过 {} MB,不予处理", MAX_DOCUMENT_BYTES / 1024 / 1024),
        )
        .with_hint("请把内容拆分为几篇文档;扫描件、表格等大文件请作为附件(attachments)发布"));
    }
    Ok(bytes)
}

/// Reads and decodes the listed files in parallel; order is kept.
pub fn read_sources(root: &Path, rels: &[PathBuf]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let results: Vec<Result<SourceFile, Diagnostic>> = rels
        .par_iter()
        .map(|rel| {
            let bytes = read_file(root, rel)?;
            let text = decode(rel, bytes)?;
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
            "~$plan.docx",
        ] {
            assert!(is_junk(j), "{j}");
        }
        assert!(!is_junk("speech.md"));
    }

    #[test]
    fn decode_strips_bom_and_crlf() {
        let s = decode(
            Path::new("a.md"),
            b"\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\n".to_vec(),
        )
        .unwrap();
        assert_eq!(s, "---\ntitle: a\n---\n");
    }

    #[test]
    fn utf16_is_named() {
        let text: Vec<u8> = "\u{feff}---\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode(Path::new("a.md"), text.clone()).unwrap_err();
        assert!(d.message.contains("UTF-16"), "{}", d.message);
        let text: Vec<u8> = "---\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(Path::new("a.md"), text.clone()).unwrap_err();
        assert!(d.message.contains("UTF-16"), "{}", d.message);
    }

    #[test]
    fn office_and_binary_files_are_named() {
        let d = decode(Path::new("a.md"), b"PK\x03\x04\x14\x00\x06\x00".to_vec()).unwrap_err();
        assert!(d.message.contains("Word/WPS"), "{}", d.message);
        let d = decode(Path::new("a.md"), b"---\ntitle: a\n\x00\x01".to_vec()).unwrap_err();
        assert_eq!(d.location(), "a.md:3");
        assert!(d.message.contains("空字符"), "{}", d.message);
    }

    #[test]
    fn gbk_is_named() {
        // "讲话" in GBK on line 2.
        let d = decode(
            Path::new("a.md"),
            b"---\ntitle: \xBD\xB2\xBB\xB0\n".to_vec(),
        )
        .unwrap_err();
        assert!(d.message.contains("不是 UTF-8"));
        assert!(d.message.contains("GBK"));
        assert_eq!(d.location(), "a.md:2");
    }
}
