//! Tokenizing: Chinese as single characters and overlapping bigrams (as Lucene's CJK analysis
//! does), other text as folded, lower-cased words, each a 32-bit code; and which shard a code
//! goes to.

pub(super) const UNIGRAM: u32 = 1 << 30;
pub(super) const BIGRAM: u32 = 2 << 30;
pub(super) const WORD: u32 = 3 << 30;

/// The Han characters indexed as Chinese: CJK Unified Ideographs and Extension A, which hold
/// every character of government documents; their offset fits 15 bits, a bigram 30.
pub(super) fn han(c: char) -> Option<u32> {
    let cp = c as u32;
    (0x3400..=0x9FFF).contains(&cp).then(|| cp - 0x3400)
}

/// Full-width ASCII (ＡＢＣ１２３, common in Chinese text) as ASCII, and lower case.
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// FNV-1a over the word's bytes, to 30 bits: words share the token space without a
/// dictionary. Two words that collide give a candidate the page then drops, never a miss.
pub(super) fn word_code(word: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for b in word.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    WORD | (h & 0x3FFF_FFFF)
}

/// The tokens of `text`: each Han character, each pair of adjacent Han characters, and each
/// run of ASCII letters and digits (after [`fold`]). Anything else separates.
pub fn tokens(text: &str, out: &mut Vec<u32>) {
    let mut t = Tokenizer::new(|code| out.push(code));
    t.text(text);
    t.finish();
}

/// [`tokens`] over text that arrives in pieces (the body, as [`walk_html`] gives it), each
/// token handed to `emit` as it is found.
pub(super) struct Tokenizer<F: FnMut(u32)> {
    emit: F,
    prev: Option<u32>,
    word: String,
}

impl<F: FnMut(u32)> Tokenizer<F> {
    pub(super) fn new(emit: F) -> Self {
        Tokenizer {
            emit,
            prev: None,
            word: String::new(),
        }
    }

    pub(super) fn flush(&mut self) {
        if !self.word.is_empty() {
            (self.emit)(word_code(&self.word));
            self.word.clear();
        }
    }

    #[inline]
    pub(super) fn char(&mut self, c: char) {
        // Most of a body is Han characters: they skip the folding.
        if let Some(code) = han(c) {
            self.flush();
            (self.emit)(UNIGRAM | code);
            if let Some(p) = self.prev {
                (self.emit)(BIGRAM | (p << 15) | code);
            }
            self.prev = Some(code);
            return;
        }
        let c = fold(c);
        self.prev = None;
        if c.is_ascii_alphanumeric() {
            self.word.push(c);
        } else {
            self.flush();
        }
    }

    pub(super) fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    pub(super) fn finish(mut self) {
        self.flush();
    }
}

/// Which shard holds `code`, of `1 << bits` shards (Fibonacci hashing; the script does the
/// same with `Math.imul`).
pub fn shard_of(code: u32, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    (code.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::read;

    fn strings(text: &str) -> Vec<String> {
        let mut t = Vec::new();
        tokens(text, &mut t);
        t.iter()
            .map(|&c| match c & 0xC000_0000 {
                UNIGRAM => char::from_u32((c & 0x7FFF) + 0x3400).unwrap().to_string(),
                BIGRAM => [(c >> 15) & 0x7FFF, c & 0x7FFF]
                    .iter()
                    .map(|x| char::from_u32(x + 0x3400).unwrap())
                    .collect(),
                _ => "#".to_string(),
            })
            .collect()
    }

    #[test]
    fn chinese_is_characters_and_bigrams_and_words_are_whole() {
        assert_eq!(
            strings("老旧小区"),
            ["老", "旧", "老旧", "小", "旧小", "区", "小区"]
        );
        // Punctuation and digits break the run: no bigram across 〕 or 12.
        assert_eq!(strings("〔2024〕12号"), ["#", "#", "号"]);
        let mut a = Vec::new();
        tokens("ICP备案", &mut a);
        let mut b = Vec::new();
        tokens("ｉｃｐ 备案", &mut b);
        assert_eq!(a, b, "full-width and case fold to the same words");
    }

    #[test]
    fn a_query_uses_bigrams_and_keeps_lone_characters() {
        let q = read::query_codes("12号");
        assert_eq!(q.len(), 2);
        let q = read::query_codes("老旧小区");
        assert_eq!(q.len(), 3, "three bigrams, no unigrams");
        assert_eq!(read::query_codes("区").len(), 1);
    }
}
