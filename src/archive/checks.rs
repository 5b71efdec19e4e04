//! What `verify` looks for in each file of a bundle besides its digest: whether it is of a
//! format known and readable (可用性), and whether it is safe to open (安全性: no program,
//! no name that leads out of the folder it is unpacked to).

/// Why a file of a bundle is not usable, if it is not: its format unknown, or its bytes not
/// what its name says.
pub fn unusable(path: &str, bytes: &[u8]) -> Option<String> {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let ok = match ext.as_str() {
        "html" | "htm" => match std::str::from_utf8(text) {
            Ok(t) => t
                .trim_start()
                .get(..9)
                .is_some_and(|s| s.eq_ignore_ascii_case("<!doctype")),
            Err(_) => return Some("不是 UTF-8 编码的文本".into()),
        },
        "json" => {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(text) {
                return Some(format!("JSON 无法解析: {e}"));
            }
            true
        }
        "xml" | "xsd" => std::str::from_utf8(text).is_ok_and(|t| t.starts_with("<?xml")),
        "css" | "js" | "csv" | "md" | "yaml" | "yml" | "txt" | "svg" => {
            if std::str::from_utf8(text).is_err() {
                return Some("不是 UTF-8 编码的文本".into());
            }
            true
        }
        "pdf" => starts(b"%PDF-"),
        "ofd" => return zip_problem(bytes, Some("OFD.xml")),
        "xlsx" | "docx" | "pptx" | "zip" => return zip_problem(bytes, None),
        // The OLE container of .doc, .xls and WPS's own formats.
        "doc" | "xls" | "ppt" | "wps" | "et" | "dps" => starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
        "png" => starts(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => starts(b"\xFF\xD8\xFF"),
        "gif" => starts(b"GIF87a") || starts(b"GIF89a"),
        "webp" => starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"),
        "ico" => starts(b"\0\0\x01\0"),
        "woff2" => starts(b"wOF2"),
        "woff" => starts(b"wOFF"),
        _ => return Some("格式未知,无法确认能否长期读取".into()),
    };
    (!ok).then(|| format!("内容与扩展名 .{ext} 不符"))
}

/// Why the zip container `bytes` (an .xlsx, an .ofd) is not sound: it does not open, an entry
/// does not unpack, or the entry its format needs is not there.
fn zip_problem(bytes: &[u8], needs: Option<&str>) -> Option<String> {
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return Some(format!("不是完好的 zip 容器: {e}")),
    };
    if let Some(name) = needs
        && zip.index_for_name(name).is_none()
    {
        return Some(format!("缺少 {name}"));
    }
    for i in 0..zip.len() {
        let read = zip
            .by_index(i)
            .and_then(|mut f| Ok(std::io::copy(&mut f, &mut std::io::sink())?));
        if let Err(e) = read {
            return Some(format!("其中第 {} 项无法解压: {e}", i + 1));
        }
    }
    None
}

/// Why a file of a bundle is not safe to open, if it is not: a program, by its name or its
/// first bytes.
pub fn unsafe_file(path: &str, bytes: &[u8]) -> Option<String> {
    const PROGRAMS: &[&str] = &[
        "exe", "dll", "com", "scr", "msi", "bat", "cmd", "ps1", "vbs", "vbe", "wsf", "wsh", "hta",
        "cpl", "lnk", "jar", "sh", "apk", "app", "elf", "so", "dylib",
    ];
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if PROGRAMS.contains(&ext.as_str()) {
        return Some(format!("可执行程序(.{ext})"));
    }
    let magic: [(&[u8], &str); 6] = [
        (b"MZ", "Windows 程序"),
        (b"\x7fELF", "Linux 程序"),
        (b"\xCF\xFA\xED\xFE", "macOS 程序"),
        (b"\xCE\xFA\xED\xFE", "macOS 程序"),
        (b"\xCA\xFE\xBA\xBE", "macOS 程序或 Java 类"),
        (b"#!", "脚本程序"),
    ];
    magic
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, what)| format!("内容是{what}"))
}

/// Why an entry's name would put a file outside the folder the bundle is unpacked to.
pub fn leads_out(name: &str) -> Option<&'static str> {
    let parts = || name.split(['/', '\\']);
    if name.starts_with(['/', '\\']) {
        Some("是绝对路径")
    } else if name.as_bytes().get(1) == Some(&b':') {
        Some("带盘符")
    } else if parts().any(|p| p == "..") {
        Some("含 ..,指向上级目录")
    } else if name.contains('\\') {
        Some("用 \\ 分隔,在 Windows 上会解出另外的路径")
    } else if name.contains('\0') {
        Some("含空字符")
    } else {
        None
    }
    .filter(|_| !name.is_empty())
}

/// A zip of `entries`, for the tests of the checks above.
#[cfg(test)]
fn small_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let files = entries
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    crate::bundle::zip_files(&files, zip::DateTime::default()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_usable_when_their_bytes_are_what_their_names_say() {
        assert_eq!(unusable("a/index.html", b"<!DOCTYPE html><p>"), None);
        assert!(unusable("a/index.html", b"\xff\xfe<").is_some());
        assert_eq!(unusable("a/x.pdf", b"%PDF-1.7\n"), None);
        assert!(unusable("a/x.pdf", b"<html>").unwrap().contains(".pdf"));
        let ofd = small_zip(&[("OFD.xml", b"<?xml?>")]);
        assert_eq!(unusable("a/x.ofd", &ofd), None);
        let not_ofd = small_zip(&[("x.xml", b"")]);
        assert!(unusable("a/x.ofd", &not_ofd).unwrap().contains("OFD.xml"));
        assert!(unusable("a/x.docx", b"PK\x03\x04broken").is_some());
        assert!(unusable("a/x.rar", b"Rar!").unwrap().contains("未知"));
        assert!(unusable("data/x.json", b"{").is_some());
    }

    #[test]
    fn programs_and_names_that_leave_the_folder_are_unsafe() {
        assert!(unsafe_file("2025/a/setup.exe", b"").is_some());
        assert!(unsafe_file("2025/a/report.pdf", b"MZ\x90\0").is_some());
        assert!(unsafe_file("2025/a/run.txt", b"#!/bin/sh\n").is_some());
        assert_eq!(unsafe_file("assets/site.js", b"(function(){})"), None);
        assert!(leads_out("../etc/passwd").is_some());
        assert!(leads_out("/etc/passwd").is_some());
        assert!(leads_out("C:/Windows/x").is_some());
        assert!(leads_out("a\\..\\..\\x").is_some());
        assert_eq!(leads_out("2025/speeches/a/index.html"), None);
    }
}
