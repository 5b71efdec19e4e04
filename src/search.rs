//! Site search: an index of every published document and its ledger items, written at build
//! time as files a browser fetches on demand, so search needs no server (format in
//! docs/search.md). Chinese is indexed as single characters and overlapping bigrams, as
//! Lucene's CJK analysis does, so every substring of two or more characters is found; other
//! text as lower-cased words. `themes/default/static/assets/search.js` reads it.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::document::{Details, Kind};
use crate::output::Output;
use crate::site::{Page, Site};

/// The index's format version, in `search/meta.json`.
pub const VERSION: u32 = 1;
/// What one shard of postings should weigh: a query of a few terms fetches a few shards.
const SHARD_BYTES: usize = 20 * 1024;
/// Documents tokenized at a time in watch, which keeps each chunk's part of every shard: an
/// edit re-reads and re-merges only its chunk. A one-shot build takes every document at once,
/// so there is nothing to merge.
const CHUNK_DOCS: usize = 128;

const UNIGRAM: u32 = 1 << 30;
const BIGRAM: u32 = 2 << 30;
const WORD: u32 = 3 << 30;
/// Facet codes (types, years, departments) have the top bits clear.
const FACET_TYPE: u32 = 1 << 20;
const FACET_YEAR: u32 = 2 << 20;
const FACET_DEPT: u32 = 3 << 20;

/// The Han characters indexed as Chinese: CJK Unified Ideographs and Extension A, which hold
/// every character of government documents; their offset fits 15 bits, a bigram 30.
fn han(c: char) -> Option<u32> {
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
fn word_code(word: &str) -> u32 {
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
struct Tokenizer<F: FnMut(u32)> {
    emit: F,
    prev: Option<u32>,
    word: String,
}

impl<F: FnMut(u32)> Tokenizer<F> {
    fn new(emit: F) -> Self {
        Tokenizer {
            emit,
            prev: None,
            word: String::new(),
        }
    }

    fn flush(&mut self) {
        if !self.word.is_empty() {
            (self.emit)(word_code(&self.word));
            self.word.clear();
        }
    }

    #[inline]
    fn char(&mut self, c: char) {
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

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    fn finish(mut self) {
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

/// A ledger item as the search page shows it.
#[derive(Serialize)]
struct ItemDoc<'a> {
    /// Its row's anchor on the document page: `item-{n}`, n from 1.
    n: usize,
    id: &'a str,
    problem: &'a str,
    measures: &'a str,
    responsible: &'a str,
    status: &'static str,
    notes: Vec<&'a str>,
}

/// `search/docs/{id}.json`: what a result shows, and the text the page checks a query
/// against.
#[derive(Serialize)]
struct SearchDoc<'a> {
    title: &'a str,
    url: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<String>,
    year: Option<i32>,
    doc_number: Option<&'a str>,
    departments: Vec<String>,
    speaker: Option<&'a str>,
    text: String,
    items: Vec<ItemDoc<'a>>,
}

/// A piece of an HTML body's text, in order: see [`walk_html`].
enum Piece<'a> {
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
fn walk_html(html: &str, f: &mut impl FnMut(Piece<'_>)) {
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
fn entity(name: &str) -> Option<char> {
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

fn search_doc<'a>(site: &'a Site, p: &'a Page) -> SearchDoc<'a> {
    let d = &p.doc;
    let items = match &d.details {
        Details::Rectification(r) => r
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| ItemDoc {
                n: n + 1,
                id: &i.id,
                problem: &i.problem,
                measures: &i.measures,
                responsible: &i.responsible,
                status: i.status.label(),
                notes: i.progress.iter().map(|pr| pr.note.as_str()).collect(),
            })
            .collect(),
        _ => Vec::new(),
    };
    SearchDoc {
        title: &d.title,
        url: format!(
            "{}{}",
            crate::site::base_path(&site.config.base_url),
            p.url()
        ),
        kind: d.kind.name(),
        kind_label: d.kind.label(),
        date: d.date.map(crate::date::Date::iso),
        year: d.year(),
        doc_number: d.doc_number.as_deref(),
        departments: d
            .departments()
            .into_iter()
            .map(|id| site.config.department_name(id).to_string())
            .collect(),
        speaker: match &d.details {
            Details::Speech(s) => Some(s.speaker.as_str()),
            _ => None,
        },
        text: html_text(&p.content.html),
        items,
    }
}

/// Page `p`'s tokens, as its search document holds them, each handed to `emit` with whether
/// it is the title's (the title comes first): every field apart, so no bigram joins two; the
/// body read straight from its HTML.
fn doc_tokens(site: &Site, p: &Page, mut emit: impl FnMut(u32, bool)) {
    let d = &p.doc;
    let mut field = |text: &str, title: bool| {
        let mut t = Tokenizer::new(|code| emit(code, title));
        t.text(text);
        t.finish();
    };
    field(&d.title, true);
    if let Some(n) = &d.doc_number {
        field(n, false);
    }
    for id in d.departments() {
        field(site.config.department_name(id), false);
    }
    if let Details::Speech(s) = &d.details {
        field(&s.speaker, false);
    }
    if let Details::Rectification(r) = &d.details {
        for i in &r.items {
            for f in [&i.id, &i.problem, &i.measures, &i.responsible] {
                field(f, false);
            }
            for pr in &i.progress {
                field(&pr.note, false);
            }
        }
    }
    let mut t = Tokenizer::new(|code| emit(code, false));
    walk_html(&p.content.html, &mut |piece| match piece {
        Piece::Text(s) => t.text(s),
        Piece::Char(c) => t.char(c),
        Piece::Break => t.char('\n'),
    });
    t.finish();
}

#[derive(Serialize)]
struct Facet {
    code: u32,
    value: String,
    label: String,
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    /// Shards are `search/index/{n}.bin`, n < 2^bits.
    bits: u32,
    documents: usize,
    types: Vec<Facet>,
    years: Vec<Facet>,
    departments: Vec<Facet>,
}

/// Appends one token's postings: its code, the count, and each document as
/// `(id - previous id) << 1 | in_title`, in LEB128 varints.
fn encode(out: &mut Vec<u8>, code: u32, postings: &[u32]) {
    out.extend_from_slice(&code.to_le_bytes());
    varint(out, postings.len() as u32);
    let mut prev = 0;
    for &p in postings {
        let (id, title) = (p >> 1, p & 1);
        varint(out, ((id - prev) << 1) | title);
        prev = id;
    }
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// How many shards (as a power of two): from the amount of text, which the postings follow
/// (about a posting per three bytes of Chinese body, two bytes each once encoded).
fn shard_bits(site: &Site) -> u32 {
    let bytes: usize = site
        .pages
        .iter()
        .map(|p| p.content.html.len() + p.doc.title.len())
        .sum();
    (bytes / SHARD_BYTES)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
        .min(12)
}

/// The paths [`index`] writes.
pub fn paths(site: &Site) -> Vec<String> {
    let mut paths = vec![
        "search/meta.json".to_string(),
        "search/facets.bin".to_string(),
    ];
    paths.extend((0..1usize << shard_bits(site)).map(|n| format!("search/index/{n}.bin")));
    paths
}

/// The search id of the site's page `i`: pages are newest first, ids oldest first, so a new
/// document takes the next id and every other keeps its own (and its file).
pub fn doc_id(site: &Site, i: usize) -> usize {
    site.pages.len() - 1 - i
}

/// Where page `i`'s search document goes.
pub fn doc_path(site: &Site, i: usize) -> String {
    format!("search/docs/{}.json", doc_id(site, i))
}

/// `search/docs/{id}.json` of page `i`: written with its page, so a rebuild that renders
/// the page writes it too.
pub fn doc_output(site: &Site, i: usize) -> Output {
    let doc = search_doc(site, &site.pages[i]);
    // Sized for the text and the ledger, so the file is written without regrowing. sonic-rs
    // writes the same bytes as serde_json, but scans strings sixteen bytes at a time where
    // serde_json looks at every byte of the Chinese text (a twentieth of a build's work).
    let mut bytes = Vec::with_capacity(doc.text.len() + 1024 * (doc.items.len() + 1));
    sonic_rs::to_writer(&mut bytes, &doc).expect("plain data serialises");
    Output::bytes(doc_path(site, i), bytes)
}

/// What a watch rebuild keeps of the last index: each chunk's encoded parts and each shard's
/// bytes, so an edit re-reads only its chunk and re-merges only the shards whose part changed.
#[derive(Default)]
pub struct Cache {
    bits: u32,
    /// Per chunk: a hash of what it was built from, and its part of every shard.
    chunks: Vec<(u64, Vec<Vec<u8>>)>,
    shards: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "search::Cache({} chunks)", self.chunks.len())
    }
}

/// One token's postings while they are gathered: documents in increasing id order, each a
/// varint of `(id - previous id) << 1 | in_title` (the first from 0), as [`encode`] writes.
#[derive(Default)]
struct Postings {
    count: u32,
    last: u32,
    bytes: Vec<u8>,
}

impl Postings {
    /// Adds document `id` unless it is there already: a document's title tokens come first,
    /// so the first sighting says whether the title has it.
    fn add(&mut self, id: u32, in_title: bool) {
        if self.count > 0 && self.last == id {
            return;
        }
        let prev = if self.count == 0 { 0 } else { self.last };
        varint(&mut self.bytes, ((id - prev) << 1) | u32::from(in_title));
        self.count += 1;
        self.last = id;
    }

    /// Appends `later`, all of whose documents come after this one's: only its first entry,
    /// counted from 0, is written again, from this one's last document.
    fn append(&mut self, later: Postings) {
        if self.count == 0 {
            *self = later;
            return;
        }
        let (mut first, mut len, mut shift) = (0u32, 0, 0);
        for &b in &later.bytes {
            first |= u32::from(b & 0x7F) << shift;
            len += 1;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let id = first >> 1;
        varint(&mut self.bytes, ((id - self.last) << 1) | (first & 1));
        self.bytes.extend_from_slice(&later.bytes[len..]);
        self.count += later.count;
        self.last = later.last;
    }
}

/// Postings of a run of documents, gathered in id order: one lookup per token (a single
/// character's by index), no sorting, and only the encoded bytes kept.
#[derive(Default)]
struct Gather {
    /// Single characters, by code: half of all tokens, and the most frequent.
    chars: Vec<Postings>,
    lists: FxHashMap<u32, Postings>,
}

impl Gather {
    fn add(&mut self, site: &Site, id: usize) {
        let page = &site.pages[site.pages.len() - 1 - id];
        let id = id as u32;
        let Gather { chars, lists } = self;
        if chars.is_empty() {
            chars.resize_with(1 << 15, Postings::default);
        }
        doc_tokens(site, page, |code, title| {
            let list = if code & 0xC000_0000 == UNIGRAM {
                &mut chars[(code & 0x7FFF) as usize]
            } else {
                lists.entry(code).or_default()
            };
            list.add(id, title);
        });
    }

    /// Every token's postings, single characters among them.
    fn into_lists(self) -> impl Iterator<Item = (u32, Postings)> {
        let chars = self
            .chars
            .into_iter()
            .enumerate()
            .filter(|(_, p)| p.count > 0)
            .map(|(c, p)| (UNIGRAM | c as u32, p));
        chars.chain(self.lists)
    }
}

/// A chunk's part of every shard: its documents' postings, by code.
fn chunk_parts(site: &Site, ids: std::ops::Range<usize>, bits: u32) -> Vec<Vec<u8>> {
    // One contiguous run of documents per thread, joined in order after.
    let runs = rayon::current_num_threads().clamp(1, ids.len().div_ceil(64).max(1));
    let step = ids.len().div_ceil(runs);
    let gathered: Vec<Gather> = (0..runs)
        .into_par_iter()
        .map(|r| {
            let mut g = Gather::default();
            let start = ids.start + r * step;
            for id in start..(start + step).min(ids.end) {
                g.add(site, id);
            }
            g
        })
        .collect();
    let mut all: FxHashMap<u32, Postings> = FxHashMap::default();
    for g in gathered {
        for (code, list) in g.into_lists() {
            match all.entry(code) {
                std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().append(list),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(list);
                }
            }
        }
    }
    let mut shards: Vec<Vec<(u32, Postings)>> = (0..1usize << bits).map(|_| Vec::new()).collect();
    for (code, list) in all {
        shards[shard_of(code, bits)].push((code, list));
    }
    shards
        .into_par_iter()
        .map(|mut lists| {
            lists.sort_unstable_by_key(|(code, _)| *code);
            let mut bytes = b"PYS1".to_vec();
            for (code, list) in lists {
                bytes.extend_from_slice(&code.to_le_bytes());
                varint(&mut bytes, list.count);
                bytes.extend_from_slice(&list.bytes);
            }
            bytes
        })
        .collect()
}

/// A shard from its parts, one per chunk, in chunk order.
fn merge(parts: &[&[u8]]) -> Vec<u8> {
    if let [one] = parts {
        return one.to_vec();
    }
    let mut lists: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for part in parts {
        for (code, list) in read::decode(part) {
            lists
                .entry(code)
                .or_default()
                .extend(list.into_iter().map(|(id, t)| (id << 1) | u32::from(t)));
        }
    }
    let mut bytes = b"PYS1".to_vec();
    for (code, list) in &lists {
        encode(&mut bytes, *code, list);
    }
    bytes
}

/// The index: `search/meta.json`, `search/facets.bin` and the shards under `search/index/`
/// (each document's own file comes with its page, [`doc_output`]). With a `cache` (watch), only
/// what changed since the last call is tokenized and merged again.
pub fn index(site: &Site, cache: Option<&mut Cache>) -> Vec<Output> {
    let n = site.pages.len();
    let bits = shard_bits(site);
    let shards = 1usize << bits;
    let chunk_docs = if cache.is_some() {
        CHUNK_DOCS
    } else {
        n.max(1)
    };
    let mut fresh = Cache::default();
    let cache = cache.unwrap_or(&mut fresh);
    let reset = cache.bits != bits || cache.shards.len() != shards;
    if reset {
        *cache = Cache {
            bits,
            chunks: Vec::new(),
            shards: vec![Vec::new(); shards],
        };
    }
    // Documents a chunk at a time, oldest first: each chunk's postings are sorted and encoded
    // per shard, about two bytes a posting, before the next chunk is read. Chunks cover
    // increasing ids, so a shard's parts join in order.
    let chunks = n.div_ceil(chunk_docs);
    // A fresh index writes every shard, even empty ones; a rebuild only those that changed.
    let mut changed = vec![reset; shards];
    for c in 0..chunks.max(cache.chunks.len()) {
        if c >= chunks {
            for (s, part) in cache.chunks[c].1.iter().enumerate() {
                changed[s] |= part.len() > 4;
            }
            continue;
        }
        let ids = c * chunk_docs..((c + 1) * chunk_docs).min(n);
        let mut h = rustc_hash::FxHasher::default();
        for id in ids.clone() {
            std::hash::Hash::hash(&(id, site.pages[n - 1 - id].hash), &mut h);
        }
        let key = std::hash::Hasher::finish(&h);
        if cache.chunks.get(c).is_some_and(|(k, _)| *k == key) {
            continue;
        }
        let parts = chunk_parts(site, ids, bits);
        match cache.chunks.get_mut(c) {
            Some(old) => {
                for (s, (a, b)) in old.1.iter().zip(&parts).enumerate() {
                    changed[s] |= a != b;
                }
                *old = (key, parts);
            }
            None => {
                for (s, part) in parts.iter().enumerate() {
                    changed[s] |= part.len() > 4;
                }
                cache.chunks.push((key, parts));
            }
        }
    }
    cache.chunks.truncate(chunks);
    let chunk_list = &cache.chunks;
    let merged: Vec<(usize, Vec<u8>)> = changed
        .par_iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .map(|(s, _)| {
            let parts: Vec<&[u8]> = chunk_list.iter().map(|(_, p)| p[s].as_slice()).collect();
            (s, merge(&parts))
        })
        .collect();
    for (s, bytes) in merged {
        cache.shards[s] = bytes;
    }
    let mut outputs: Vec<Output> = cache
        .shards
        .iter()
        .enumerate()
        .filter(|(s, _)| changed[*s])
        .map(|(s, bytes)| {
            let bytes = if bytes.is_empty() {
                b"PYS1".to_vec()
            } else {
                bytes.clone()
            };
            Output::bytes(format!("search/index/{s}.bin"), bytes)
        })
        .collect();

    // Facets: type, year and department of each document, as postings of their own.
    let mut facets: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let kinds = [
        Kind::Review,
        Kind::Speech,
        Kind::Notice,
        Kind::Rectification,
        Kind::Page,
    ];
    for (i, p) in site.pages.iter().enumerate().rev() {
        let id = ((n - 1 - i) as u32) << 1;
        let k = kinds.iter().position(|k| *k == p.doc.kind).unwrap_or(0) as u32;
        facets.entry(FACET_TYPE | k).or_default().push(id);
        if let Some(y) = p.doc.year().filter(|_| p.doc.kind != Kind::Page) {
            facets
                .entry(FACET_YEAR | (y.clamp(0, 0xFFFF) as u32))
                .or_default()
                .push(id);
        }
        for d in p.doc.departments() {
            if let Some(i) = site.config.departments.iter().position(|x| x.id == d) {
                facets.entry(FACET_DEPT | i as u32).or_default().push(id);
            }
        }
    }
    let mut bytes = b"PYS1".to_vec();
    for (code, list) in &facets {
        encode(&mut bytes, *code, list);
    }
    outputs.push(Output::bytes("search/facets.bin", bytes));

    let facet = |code: u32, value: String, label: String| Facet { code, value, label };
    let meta = Meta {
        version: VERSION,
        bits,
        documents: n,
        types: kinds
            .iter()
            .enumerate()
            .filter(|(i, _)| facets.contains_key(&(FACET_TYPE | *i as u32)))
            .map(|(i, k)| facet(FACET_TYPE | i as u32, k.name().into(), k.label().into()))
            .collect(),
        years: facets
            .keys()
            .filter(|c| *c & 0xFFF0_0000 == FACET_YEAR)
            .rev()
            .map(|c| facet(*c, (c & 0xFFFF).to_string(), format!("{}年", c & 0xFFFF)))
            .collect(),
        departments: site
            .config
            .departments
            .iter()
            .enumerate()
            .filter(|(i, _)| facets.contains_key(&(FACET_DEPT | *i as u32)))
            .map(|(i, d)| facet(FACET_DEPT | i as u32, d.id.clone(), d.name.clone()))
            .collect(),
    };
    outputs.push(Output::bytes(
        "search/meta.json",
        serde_json::to_vec(&meta).expect("plain data serialises"),
    ));
    outputs
}

/// A reader of the index files, as the search page reads them: for tests and tools.
pub mod read {
    use super::*;

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_documents_are_the_json_serde_json_would_write() {
        // Every kind of character a string can need escaped, and some that must pass as is.
        let text: String = (0u8..0x80).map(char::from).collect::<String>()
            + "整改\u{2028}\u{2029}\u{85}😀</script>\"";
        let item = ItemDoc {
            n: 1,
            id: "1",
            problem: &text,
            measures: "",
            responsible: "市民政局",
            status: "done",
            notes: vec![&text, "2024-01-01 已完成"],
        };
        assert_eq!(
            sonic_rs::to_string(&item).unwrap(),
            serde_json::to_string(&item).unwrap()
        );
    }

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

    #[test]
    fn postings_round_trip() {
        let mut bytes = b"PYS1".to_vec();
        encode(&mut bytes, UNIGRAM | 5, &[1, 4 << 1, (300 << 1) | 1]);
        let d = read::decode(&bytes);
        assert_eq!(d[&(UNIGRAM | 5)], [(0, true), (4, false), (300, true)]);
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
