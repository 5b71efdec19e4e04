//! What published text may hold: no control characters (but tab and line feed) and no Unicode
//! noncharacters. They are invisible to an editor, a NUL lands in HTML as it is, and U+FFFE or
//! ESC makes the Atom feed ill-formed XML.

/// Whether `c` may never be published. Line feeds are judged by the caller (where a line
/// break belongs); CR is refused, since files have none left after decoding and only a YAML
/// escape writes one.
pub fn forbidden(c: char) -> bool {
    let n = u32::from(c);
    (c.is_control() && c != '\t' && c != '\n')
        // Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// The byte offset and character of the first forbidden character of `s`. Bytes that cannot
/// start one are skipped without decoding: Chinese text has none of the lead bytes tested.
pub fn find_forbidden(s: &str) -> Option<(usize, char)> {
    let b = s.as_bytes();
    b.iter().enumerate().find_map(|(i, &x)| {
        // ASCII controls; C1 (0xC2 0x80..0x9F); U+FDD0..U+FFFF (0xEF ..); other planes.
        let candidate = x < 0x20 || x == 0x7F || x == 0xC2 || x == 0xEF || x >= 0xF0;
        if !candidate {
            return None;
        }
        let c = s[i..].chars().next()?;
        forbidden(c).then_some((i, c))
    })
}

/// `U+001B`, with a name for the ones editors may have heard of.
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => "空字符 NUL",
        '\u{1b}' => "转义符 ESC",
        '\r' => "回车符 CR",
        '\u{7f}' => "删除符 DEL",
        '\u{85}' => "下一行符 NEL",
        _ if c.is_control() => "控制字符",
        _ => "Unicode 非字符",
    };
    format!("{name}(U+{:04X})", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_controls_and_noncharacters_among_chinese() {
        for c in [
            '\0',
            '\u{7}',
            '\u{1b}',
            '\r',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            let s = format!("整改（措施）：“完成”{c}尾");
            assert_eq!(find_forbidden(&s), Some((s.find(c).unwrap(), c)), "{c:?}");
        }
        for ok in [
            "整改（措施）：“完成”\t换\n行",
            "ÿ é € ﷏ ﷰ \u{fffd} 😀 \u{2028}",
        ] {
            assert_eq!(find_forbidden(ok), None, "{ok:?}");
        }
    }
}
