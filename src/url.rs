//! Percent-encoding for the URLs pingyi makes from file names. A name may hold `#`, `?`, `%`,
//! spaces or Chinese; the file on disk keeps its name, and only its URL is encoded, so that
//! every `href`, `src`, feed link and open-data address is a valid URL.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// What a path segment cannot hold as it is: WHATWG's path percent-encode set, plus the
/// characters that would end the segment (`/`, `\`) or be read as an escape (`%`). Every byte
/// beyond ASCII is encoded too, so the URL reads the same in sitemaps and CSV files.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file name as one segment of a URL: `方案 #2.pdf` → `%E6%96%B9%E6%A1%88%20%232.pdf`.
pub fn segment(name: &str) -> Cow<'_, str> {
    utf8_percent_encode(name, SEGMENT).into()
}

/// A URL path back to the text it encodes; left as it is if the bytes are not UTF-8.
pub fn decode(path: &str) -> Cow<'_, str> {
    percent_decode_str(path)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_one_segment_and_come_back() {
        for (name, url) in [
            ("plan.pdf", "plan.pdf"),
            ("方案 #2.pdf", "%E6%96%B9%E6%A1%88%20%232.pdf"),
            ("a?b%c.png", "a%3Fb%25c.png"),
            ("a/b\\c.png", "a%2Fb%5Cc.png"),
        ] {
            assert_eq!(segment(name), url);
            assert_eq!(decode(url), name);
        }
        assert_eq!(decode("%FF%E6"), "%FF%E6");
    }
}
