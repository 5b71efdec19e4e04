//! Site search: an index of every published document and its ledger items, written at build
//! time as files a browser fetches on demand, so search needs no server (format in
//! docs/search.md). Chinese is indexed as single characters and overlapping bigrams, as
//! Lucene's CJK analysis does, so every substring of two or more characters is found; other
//! text as lower-cased words. `themes/default/static/assets/search.js` reads it.
//!
//! One concern a file: `tokens` (characters, bigrams, words as codes), `text` (an HTML
//! body's text), `docs` (each document's JSON file and its tokens), `postings` (gathered,
//! encoded and merged per shard), `facets` (type, year, department, and `meta.json`), and
//! [`read`], the index as the search page reads it. What watch keeps between rebuilds is the
//! [`Cache`] here.

use rayon::prelude::*;

use crate::output::Output;
use crate::site::Site;
use postings::{chunk_parts, merge};

mod docs;
mod facets;
mod postings;
pub mod read;
mod text;
mod tokens;

pub use docs::doc_output;
pub use text::html_text;
pub use tokens::{fold, shard_of, tokens};

/// The index's format version, in `search/meta.json`.
pub const VERSION: u32 = 1;
/// What one shard of postings should weigh: a query of a few terms fetches a few shards.
const SHARD_BYTES: usize = 20 * 1024;
/// Documents tokenized at a time in watch, which keeps each chunk's part of every shard: an
/// edit re-reads and re-merges only its chunk. A one-shot build takes every document at once,
/// so there is nothing to merge.
const CHUNK_DOCS: usize = 128;

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

/// The index: `search/meta.json`, `search/facets.bin` and the shards under `search/index/`
/// (each document's own file comes with its page, [`doc_output`]). With a `cache` (watch), only
/// what changed since the last call is tokenized and merged again.
pub fn index(site: &Site, cache: Option<&mut Cache>) -> Vec<Output> {
    let mut outputs = shards(site, cache);
    outputs.extend(facets::outputs(site, shard_bits(site)));
    outputs
}

/// The shards under `search/index/`: all of them for a fresh index, else those whose part
/// of some chunk changed since the last call.
fn shards(site: &Site, cache: Option<&mut Cache>) -> Vec<Output> {
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
    cache
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
        .collect()
}
