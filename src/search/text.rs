//! The text of a document's HTML body, as search reads it: block ends as line breaks,
//! inline markup dropped, the character references it knows decoded.

/// A piece of an HTML body's text, in order: see [`walk_html`].
pub(super) enum Piece<'a> {
    Text(&'a str),
    Char(char),
    /// A tag that is not inline: the text on either side does not run together.
    Break,
}

/// The body's text as a reader sees it: tags dropped (inline ones without a break, so a
/// phrase split by `<strong>` stays whole), entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    walk_html(html, &mut |piece| match piece {
        Piece::Text(t) => out.push_str(t),
        Piece::Char(c) => out.push(c),
        Piece::Break => {
            if !out.ends_with('\n') && !out.is_empty() {
                out.push('\n');
            }
        }
    });
    // Trimmed in place: the text is a document's length.
    out.truncate(out.trim_end().len());
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
    out
}

/// Walks `html` as [`html_text`] reads it, without building the string: the index tokenizes
/// the pieces as they come.
pub(super) fn walk_html(html: &str, f: &mut impl FnMut(Piece<'_>)) {
    fn inline(name: &str) -> bool {
        let b = name.as_bytes();
        if b.len() > 6 {
            return false;
        }
        let mut l = [0u8; 6];
        for (d, c) in l.iter_mut().zip(b) {
            *d = c.to_ascii_lowercase();
        }
        matches!(
            &l[..b.len()],
            b"a" | b"abbr"
                | b"b"
                | b"code"
                | b"del"
                | b"em"
                | b"i"
                | b"kbd"
                | b"mark"
                | b"s"
                | b"span"
                | b"strong"
                | b"sub"
                | b"sup"
                | b"u"
        )
    }
    // One pass for both `<` and `&`: a document's HTML is walked twice a build.
    let b = html.as_bytes();
    let (mut at, mut text) = (0, 0);
    while let Some(found) = memchr::memchr2(b'<', b'&', &b[at..]) {
        let i = at + found;
        if i > text {
            f(Piece::Text(&html[text..i]));
        }
        if b[i] == b'<' {
            let Some(gt) = memchr::memchr(b'>', &b[i..]) else {
                return;
            };
            let tag = html[i + 1..i + gt].trim_start_matches('/');
            let name = &tag[..tag
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tag.len())];
            if !inline(name) {
                f(Piece::Break);
            }
            at = i + gt + 1;
        } else {
            // A reference ends at a `;` within ten bytes, before any tag.
            let window = &b[i..b.len().min(i + 11)];
            let end = memchr::memchr2(b';', b'<', window).filter(|&e| window[e] == b';');
            match end.and_then(|e| entity(&html[i + 1..i + e]).map(|c| (c, e))) {
                Some((c, e)) => {
                    f(Piece::Char(c));
                    at = i + e + 1;
                }
                None => {
                    f(Piece::Char('&'));
                    at = i + 1;
                }
            }
        }
        text = at;
    }
    if text < b.len() {
        f(Piece::Text(&html[text..]));
    }
}

/// The character a reference names (`amp`, `#39`, `#x4E2D`), if it is one we read.
pub(super) fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "#39" | "apos" => Some('\''),
        "nbsp" => Some(' '),
        n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
            .ok()
            .and_then(char::from_u32),
        n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_keeps_inline_phrases_whole() {
        assert_eq!(
            html_text(
                "<p>推进<strong>老旧</strong>小区改造</p><ul><li>一</li><li>二&amp;三</li></ul>"
            ),
            "推进老旧小区改造\n一\n二&三"
        );
    }

    #[test]
    fn body_text_decodes_references_it_knows_and_keeps_the_rest() {
        assert_eq!(
            html_text(
                "<p>a &amp; b &#x4E2D;&#20013; &bogus; &lt;i&gt; x&y;z &toolongentityname; &a<b>;</b></p>"
            ),
            "a & b 中中 &bogus; <i> x&y;z &toolongentityname; &a;"
        );
    }
}
