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

/// The longest slug pingyi derives, and the longest id it takes, in bytes: far within the 255
/// a file name may have, and still an address a reader can take in.
pub const MAX_BYTES: usize = 80;

/// The longest `slug:` an editor may write: a file name's limit. Longer than [`MAX_BYTES`], so
/// an address derived by an older pingyi from a long file name (anything that built) can be
/// kept by writing it out: published addresses never have to move.
pub const MAX_WRITTEN_BYTES: usize = 255;

/// Characters of the hash a cut slug ends with.
const HASH_CHARS: usize = 8;

/// `slug` (made from `text`) as it goes into a path: unchanged up to [`MAX_BYTES`]; longer, cut
/// at a word boundary and ended with a hash of the whole of `text`, so the same text always
/// gives the same slug and two long texts that begin alike do not share one.
pub fn cap(slug: String, text: &str) -> String {
    if slug.len() <= MAX_BYTES {
        return slug;
    }
    let room = MAX_BYTES - HASH_CHARS - 1;
    // Slugs are ASCII: any byte is a character boundary.
    let cut = match slug.as_bytes()[..=room].iter().rposition(|&b| b == b'-') {
        Some(at) if at > 0 => at,
        _ => room,
    };
    let hash = blake3::hash(text.as_bytes()).to_hex();
    format!(
        "{}-{}",
        slug[..cut].trim_end_matches('-'),
        &hash.as_str()[..HASH_CHARS]
    )
}

/// [`derive()`], capped to [`MAX_BYTES`] by [`cap`].
pub fn derive_capped(text: &str) -> Option<String> {
    derive(text).map(|s| cap(s, text))
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
    fn long_slugs_are_cut_at_a_word_and_end_with_a_hash_of_the_text() {
        assert_eq!(
            derive_capped("关于本站").as_deref(),
            Some("guan-yu-ben-zhan")
        );
        let long = "关于进一步加强和改进全市住房保障工作推进保障性租赁住房建设的实施意见";
        let a = derive_capped(long).unwrap();
        assert!(a.len() <= MAX_BYTES, "{a}");
        assert!(a.starts_with("guan-yu-jin-yi-bu-jia-qiang"), "{a}");
        // Cut between syllables, then the hash.
        let (words, hash) = a.rsplit_once('-').unwrap();
        assert!(derive(long).unwrap().starts_with(&format!("{words}-")));
        assert_eq!(hash.len(), HASH_CHARS);
        assert_eq!(derive_capped(long).unwrap(), a);
        // A different ending, the same beginning: another slug.
        let b = derive_capped(&format!("{long}(修订)")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.rsplit_once('-').unwrap().0, b.rsplit_once('-').unwrap().0);
        // One word longer than the room: cut inside it.
        let word = "x".repeat(300);
        let c = cap(word.clone(), &word);
        assert_eq!(c.len(), MAX_BYTES);
        assert!(c.starts_with(&"x".repeat(MAX_BYTES - HASH_CHARS - 1)));
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
