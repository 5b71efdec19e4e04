//! The slips a Chinese input method makes in YAML, found line by line where a field's key
//! stands: a full-width colon (`speaker：王建国`), no space after the colon (`speaker:王建国`),
//! a Tab or a full-width space in the indentation, and text in full-width quotes. libyaml sees
//! them only as a puzzle on the next line; here each is named on its own line, with the fix.

/// One slip, at a 1-based line of the YAML block and a 1-based column in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slip {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
    /// The line cannot be what the editor meant. Text in full-width quotes may be meant
    /// (a title may quote a slogan), so it is named only where the YAML around it fails.
    pub certain: bool,
}

/// What the lines before tell about the next one.
#[derive(Default)]
struct Context {
    /// Inside a `|` or `>` block: lines indented more than this column are its text.
    block_over: Option<usize>,
    /// The key column and whether the last field had plain text after its colon: a line
    /// indented more than that column continues the text.
    plain_over: Option<usize>,
    /// Open `[` and `{` of a flow collection still to be closed.
    flow_depth: usize,
}

/// Every slip in `yaml`, in line order.
pub(super) fn scan(yaml: &str) -> Vec<Slip> {
    let mut out = Vec::new();
    let mut cx = Context::default();
    for (i, line) in yaml.lines().enumerate() {
        let n = i + 1;
        let rest = line.trim_start_matches([' ', '\t', '\u{3000}']);
        let indent = line.len() - rest.len();
        let indent_chars = line[..indent].chars().count();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if cx.flow_depth > 0 {
            cx.flow_depth = depth_after(cx.flow_depth, rest);
            continue;
        }
        // A line that opens with a Tab or a full-width space continues nothing: YAML reads
        // neither as indentation.
        let odd_start = line.starts_with(['\t', '\u{3000}']);
        let inside = cx
            .block_over
            .or(cx.plain_over)
            .is_some_and(|c| indent_chars > c);
        if inside && !odd_start {
            continue;
        }
        cx.block_over = None;
        cx.plain_over = None;
        if let Some(s) = indentation(n, &line[..indent]) {
            out.push(s);
        }
        // Past the `- ` of list items, the key.
        let mut key_col = indent_chars;
        let mut entry = rest;
        while let Some(r) = entry
            .strip_prefix("- ")
            .or(entry.strip_prefix('-').filter(|r| r.is_empty()))
        {
            let r2 = r.trim_start_matches(' ');
            key_col += entry.len() - r2.len();
            entry = r2;
        }
        if let Some(s) = key_slip(n, key_col, entry) {
            out.push(s);
            continue;
        }
        let Some((_, value)) = split_key(entry) else {
            continue;
        };
        let value = value.trim();
        if let Some(s) = quote_slip(n, line, value) {
            out.push(s);
        }
        if is_block_indicator(value) {
            cx.block_over = Some(key_col);
        } else if value.starts_with(['[', '{']) {
            cx.flow_depth = depth_after(0, value);
        } else if !value.is_empty() && !value.starts_with('#') {
            cx.plain_over = Some(key_col);
        }
    }
    out
}

/// A Tab or a full-width space in a line's indentation.
fn indentation(n: usize, indent: &str) -> Option<Slip> {
    let (at, c) = indent.chars().enumerate().find(|(_, c)| *c != ' ')?;
    let (message, hint) = if c == '\t' {
        (
            "行首用了 Tab 键缩进,YAML 只认空格",
            "把行首的 Tab 换成空格,与上下同级的字段对齐(每级缩进两个空格)",
        )
    } else {
        (
            "行首有全角空格(中文输入法打出的空格),YAML 只认半角空格",
            "切换到英文输入法,把行首的全角空格换成半角空格",
        )
    };
    Some(Slip {
        line: n,
        column: at + 1,
        message: message.into(),
        hint: hint.into(),
        certain: true,
    })
}

/// `key: value` → (`key`, `value`), when `entry` has a key: a colon followed by a space or the
/// end of the line.
fn split_key(entry: &str) -> Option<(&str, &str)> {
    if entry.starts_with(['"', '\'', '[', '{', '|', '>']) {
        return None;
    }
    let at = entry
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| entry[i + 1..].is_empty() || entry[i + 1..].starts_with([' ', '\t']))?;
    Some((&entry[..at], &entry[at + 1..]))
}

/// A key written with a full-width colon, or with no space after its colon.
fn key_slip(n: usize, key_col: usize, entry: &str) -> Option<Slip> {
    let ascii_key = split_key(entry).map(|(k, _)| k.len());
    if let Some(at) = entry.find('：')
        && ascii_key.is_none_or(|k| at < k)
    {
        let key = &entry[..at];
        let value = entry[at + '：'.len_utf8()..].trim();
        if looks_like_key(key) {
            let english = super::translate::english_key(key).unwrap_or(key);
            let rename = if english == key {
                String::new()
            } else {
                format!("字段名也要用英文,`{key}` 写作 `{english}`;")
            };
            return Some(Slip {
                line: n,
                column: key_col + key.chars().count() + 1,
                message: format!("`{key}` 后面是全角冒号“：”,YAML 只认英文冒号“:”"),
                hint: format!(
                    "{rename}改成 `{english}: {value}`:切换到英文输入法打冒号,冒号后加一个空格"
                ),
                certain: true,
            });
        }
    }
    if ascii_key.is_none() {
        let end = entry.find(':')?;
        let (key, value) = (&entry[..end], &entry[end + 1..]);
        let ident = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident && !value.is_empty() && !value.starts_with(['/', ':']) {
            return Some(Slip {
                line: n,
                column: key_col + key.chars().count() + 2,
                message: format!("`{key}:` 的冒号后面缺少空格"),
                hint: format!("改成 `{key}: {value}`:冒号后加一个空格"),
                certain: true,
            });
        }
    }
    None
}

/// A field name an editor may have meant: short, one word, no punctuation.
fn looks_like_key(key: &str) -> bool {
    let count = key.chars().count();
    (1..=12).contains(&count) && key.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Text opened with a full-width quote.
fn quote_slip(n: usize, line: &str, value: &str) -> Option<Slip> {
    let open = value
        .chars()
        .next()
        .filter(|c| matches!(c, '“' | '‘' | '＂' | '「'))?;
    let column = line[..line.find(value)?].chars().count() + 1;
    let close = match open {
        '“' => '”',
        '‘' => '’',
        '「' => '」',
        _ => open,
    };
    let inner = value.trim_start_matches(open).trim_end_matches(close);
    Some(Slip {
        line: n,
        column,
        message: format!("文本用中文引号 {open}{close} 括了起来,YAML 只认英文引号 \" \""),
        hint: format!("改成 \"{inner}\":切换到英文输入法打双引号"),
        certain: false,
    })
}

/// `|`, `>`, `|-`, `>+2`…, perhaps followed by a comment: the text follows on the next lines.
fn is_block_indicator(value: &str) -> bool {
    let v = value.split(" #").next().unwrap_or("").trim_end();
    v.starts_with(['|', '>']) && v[1..].chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// Open brackets after `line`, from `depth` before it; quotes are skipped.
fn depth_after(mut depth: usize, line: &str) -> usize {
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '#') if depth == 0 => break,
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(yaml: &str) -> Slip {
        let s = scan(yaml);
        assert_eq!(s.len(), 1, "{s:#?}");
        s.into_iter().next().unwrap()
    }

    #[test]
    fn full_width_colon() {
        let s = one("title: 讲话\nspeaker：王建国\ntype: speech\n");
        assert_eq!((s.line, s.column), (2, 8));
        assert_eq!(
            s.message,
            "`speaker` 后面是全角冒号“：”,YAML 只认英文冒号“:”"
        );
        assert_eq!(
            s.hint,
            "改成 `speaker: 王建国`:切换到英文输入法打冒号,冒号后加一个空格"
        );
        let s = one("标题：关于评议的通知\n");
        assert_eq!(
            s.hint,
            "字段名也要用英文,`标题` 写作 `title`;改成 `title: 关于评议的通知`:切换到英文输入法打冒号,冒号后加一个空格"
        );
        let s = one("items:\n  - id: a\n    status：done\n");
        assert_eq!((s.line, s.column), (3, 11));
    }

    #[test]
    fn full_width_colons_in_text_are_text() {
        for yaml in [
            "title: 通知：关于评议\n",
            "summary: |\n  说明：本次评议\n  范围：全市\n",
            "summary: 本次评议\n  范围：全市\n",
            "tags: [\n  评议：一,\n  二]\n",
            "# 说明：注释\ntitle: a\n",
        ] {
            assert_eq!(scan(yaml), vec![], "{yaml}");
        }
    }

    #[test]
    fn missing_space_after_colon() {
        let s = one("title: a\nspeaker:王建国\n");
        assert_eq!((s.line, s.column), (2, 9));
        assert_eq!(s.message, "`speaker:` 的冒号后面缺少空格");
        assert_eq!(s.hint, "改成 `speaker: 王建国`:冒号后加一个空格");
        assert_eq!(scan("links:\n  - https://example.gov.cn\n"), vec![]);
    }

    #[test]
    fn tab_and_full_width_space_indentation() {
        let s = one("items:\n\t- id: a\n");
        assert_eq!((s.line, s.column), (2, 1));
        assert_eq!(s.message, "行首用了 Tab 键缩进,YAML 只认空格");
        let s = one("items:\n  \u{3000}- id: a\n");
        assert_eq!((s.line, s.column), (2, 3));
        assert!(s.message.starts_with("行首有全角空格"));
    }

    #[test]
    fn full_width_quotes_are_named_but_not_certain() {
        let s = one("venue: “市人民会堂: 第一会议室”\n");
        assert_eq!((s.line, s.column, s.certain), (1, 8, false));
        assert_eq!(
            s.hint,
            "改成 \"市人民会堂: 第一会议室\":切换到英文输入法打双引号"
        );
    }
}
