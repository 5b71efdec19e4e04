//! Precompressed copies (`site.yaml`'s `precompress`): `x.html.gz` and `x.html.br` beside each
//! text file of the site, for nginx's `gzip_static` and `brotli_static` to send without
//! compressing on every request. They are outputs like any other, written by the same writer,
//! so a rebuild that changes a page changes its copies and removing a page removes them.

use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Content, Output};

/// A compressed form the server can send as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Gzip => ".gz",
            Encoding::Brotli => ".br",
        }
    }

    fn compress(self, bytes: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            Encoding::Gzip => {
                // No name and no time in the header: the same page gives the same bytes. The
                // default level: the best one took half as long again for a percent or two.
                let mut e = flate2::GzBuilder::new()
                    .mtime(0)
                    .write(Vec::new(), flate2::Compression::default());
                e.write_all(bytes)?;
                e.finish()
            }
            Encoding::Brotli => {
                let mut out = Vec::new();
                // Quality 5 of 11: smaller than gzip's best, at a few times gzip's time;
                // 9 took a minute more for 10,000 documents (README, "Precompressed copies").
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 5,
                    lgwin: 22,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
                Ok(out)
            }
        }
    }
}

/// The files worth compressing: text. Images, PDFs and archives are compressed already.
const TEXT: &[&str] = &[
    ".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".csv",
];

/// Whether `path` (an output path) gets compressed copies.
pub fn is_text(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    TEXT.iter().any(|ext| lower.ends_with(ext))
}

/// The output paths of `path`'s compressed copies.
pub fn copy_paths<'a>(
    path: &'a str,
    encodings: &'a [Encoding],
) -> impl Iterator<Item = String> + 'a {
    encodings
        .iter()
        .filter(move |_| is_text(path))
        .map(move |e| format!("{path}{}", e.suffix()))
}

/// `o`'s compressed copies (none unless it is text); `root` is the site's folder, which a
/// copied file's path is relative to.
pub fn copies(o: &Output, root: &Path, encodings: &[Encoding]) -> io::Result<Vec<Output>> {
    if encodings.is_empty() || !is_text(&o.path) {
        return Ok(Vec::new());
    }
    let read;
    let bytes: &[u8] = match &o.content {
        Content::Bytes(b) => b,
        Content::Copy(rel) => {
            read = std::fs::read(root.join(rel))?;
            &read
        }
    };
    encodings
        .iter()
        .map(|&e| {
            Ok(Output::bytes(
                format!("{}{}", o.path, e.suffix()),
                e.compress(bytes)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_gets_copies_that_decompress_to_it() {
        let page = "<p>整改情况</p>".repeat(200).into_bytes();
        let o = Output::bytes("2024/notices/a/index.html", page.clone());
        let copies = copies(&o, Path::new("."), &[Encoding::Gzip, Encoding::Brotli]).unwrap();
        let paths: Vec<&str> = copies.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "2024/notices/a/index.html.gz",
                "2024/notices/a/index.html.br"
            ]
        );
        let bytes = |c: &Output| match &c.content {
            Content::Bytes(b) => b.clone(),
            Content::Copy(_) => unreachable!(),
        };
        let mut gunzip = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&bytes(&copies[0])[..]),
            &mut gunzip,
        )
        .unwrap();
        assert_eq!(gunzip, page);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &bytes(&copies[1])[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, page);
        assert!(bytes(&copies[0]).len() < page.len() / 10);
        // The same page, the same bytes.
        let again = super::copies(&o, Path::new("."), &[Encoding::Gzip]).unwrap();
        assert_eq!(bytes(&again[0]), bytes(&copies[0]));
    }

    #[test]
    fn images_and_documents_get_none() {
        for path in ["a/photo.jpg", "a/plan.pdf", "search/facets.bin", "a/b.zip"] {
            let o = Output::bytes(path, vec![0; 4096]);
            assert!(
                copies(&o, Path::new("."), &[Encoding::Gzip])
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(copy_paths(path, &[Encoding::Gzip]).count(), 0);
        }
        assert_eq!(
            copy_paths("feed.xml", &[Encoding::Gzip]).collect::<Vec<_>>(),
            ["feed.xml.gz"]
        );
    }
}
