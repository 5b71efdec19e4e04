//! A reader of the index files, as the search page reads them: for tests and tools.

use std::collections::BTreeMap;

use super::fold;
use super::tokens::{BIGRAM, UNIGRAM, han, word_code};

/// Postings of each code in one shard (or the facets file): code → (id, in_title).
pub fn decode(bytes: &[u8]) -> BTreeMap<u32, Vec<(u32, bool)>> {
    let mut out = BTreeMap::new();
    if !bytes.starts_with(b"PYS1") {
        return out;
    }
    let mut at = 4;
    let next = |at: &mut usize| -> u32 {
        let (mut v, mut shift) = (0u32, 0);
        while let Some(&b) = bytes.get(*at) {
            *at += 1;
            v |= u32::from(b & 0x7F) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        v
    };
    while at + 4 <= bytes.len() {
        let code = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        at += 4;
        let n = next(&mut at);
        let mut id = 0;
        let list: Vec<(u32, bool)> = (0..n)
            .map(|_| {
                let v = next(&mut at);
                id += v >> 1;
                (id, v & 1 == 1)
            })
            .collect();
        out.insert(code, list);
    }
    out
}

/// The pieces of a term a document must contain as written: the term split where it has
/// neither Chinese nor letters and digits (`〔2024〕12号` → `2024`, `12号`), folded.
pub fn pieces(term: &str) -> Vec<String> {
    term.chars()
        .map(fold)
        .collect::<String>()
        .split(|c: char| han(c).is_none() && !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a document (its `search/docs/{id}.json`) holds every piece of every term, each
/// within one field: what the search page checks before it shows a candidate.
pub fn matches(doc: &serde_json::Value, terms: &[&str]) -> bool {
    let s = |k: &str| doc[k].as_str().unwrap_or_default().to_string();
    let mut fields = vec![s("title"), s("doc_number"), s("speaker"), s("text")];
    for d in doc["departments"].as_array().into_iter().flatten() {
        fields.push(d.as_str().unwrap_or_default().to_string());
    }
    for i in doc["items"].as_array().into_iter().flatten() {
        for k in ["id", "problem", "measures", "responsible"] {
            fields.push(i[k].as_str().unwrap_or_default().to_string());
        }
        for n in i["notes"].as_array().into_iter().flatten() {
            fields.push(n.as_str().unwrap_or_default().to_string());
        }
    }
    let hay: String = fields.join("\n").chars().map(fold).collect();
    terms
        .iter()
        .all(|t| pieces(t).iter().all(|p| hay.contains(p.as_str())))
}

/// The codes a query term needs: a run of one Han character as that character, longer
/// runs as their bigrams, words whole. Every document holding the term holds them all.
pub fn query_codes(term: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    let mut run: Vec<u32> = Vec::new();
    let mut word = String::new();
    let end_run = |run: &mut Vec<u32>, codes: &mut Vec<u32>| {
        match run.len() {
            0 => {}
            1 => codes.push(UNIGRAM | run[0]),
            _ => codes.extend(run.windows(2).map(|w| BIGRAM | (w[0] << 15) | w[1])),
        }
        run.clear();
    };
    for c in term.chars().map(fold) {
        if let Some(code) = han(c) {
            if !word.is_empty() {
                codes.push(word_code(&word));
                word.clear();
            }
            run.push(code);
        } else {
            end_run(&mut run, &mut codes);
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else if !word.is_empty() {
                codes.push(word_code(&word));
                word.clear();
            }
        }
    }
    end_run(&mut run, &mut codes);
    if !word.is_empty() {
        codes.push(word_code(&word));
    }
    codes.sort_unstable();
    codes.dedup();
    codes
}
