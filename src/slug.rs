//! URL segments derived from Chinese text (file names, tags, headings): pinyin for slugs, so a
//! URL is never Chinese or percent-encoded by accident.

use pinyin::ToPinyin;

/// `关于本站` → `guan-yu-ben-zhan`; `2024年 动员会` → `2024-nian-dong-yuan-hui`.
/// `None` when nothing usable is left.
pub fn derive(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut dash = false;
    let push_word = |out: &mut String, word: &str, dash: &mut bool| {
        if *dash && !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
        *dash = false;
    };
    let mut ascii_run = String::new();
    for (c, py) in text.chars().zip(text.to_pinyin()) {
        if c.is_ascii_alphanumeric() {
            ascii_run.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii_run.is_empty() {
            push_word(&mut out, &ascii_run, &mut dash);
            ascii_run.clear();
        }
        dash = true;
        if let Some(p) = py {
            push_word(&mut out, p.plain(), &mut dash);
            dash = true;
        }
    }
    if !ascii_run.is_empty() {
        push_word(&mut out, &ascii_run, &mut dash);
    }
    if out.is_empty() { None } else { Some(out) }
}

/// An anchor id for a heading: keeps Chinese as it is (browsers handle it in fragments),
/// drops punctuation, joins words with `-`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        // Han characters, most of a heading, need no case or class lookup.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            id.push(c);
            continue;
        }
        for c in c.to_lowercase() {
            push_id_char(&mut id, c);
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "section".into()
    } else {
        id.to_string()
    }
}

fn push_id_char(id: &mut String, c: char) {
    if c.is_alphanumeric() {
        id.push(c);
    } else if (c.is_whitespace() || c == '-' || c == '_') && !id.is_empty() && !id.ends_with('-') {
        id.push('-');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_slugs() {
        assert_eq!(derive("关于本站").as_deref(), Some("guan-yu-ben-zhan"));
        assert_eq!(
            derive("2024年 动员会").as_deref(),
            Some("2024-nian-dong-yuan-hui")
        );
        assert_eq!(derive("Plan_B").as_deref(), Some("plan-b"));
        assert_eq!(derive("住房保障").as_deref(), Some("zhu-fang-bao-zhang"));
        assert_eq!(derive("、。"), None);
    }

    #[test]
    fn heading_ids_keep_chinese() {
        assert_eq!(
            heading_id("一、端正态度,自觉接受监督"),
            "一端正态度自觉接受监督"
        );
        assert_eq!(heading_id("Part One: 总体要求"), "part-one-总体要求");
        assert_eq!(heading_id("!!!"), "section");
    }
}
