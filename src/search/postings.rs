//! Postings: for each token code, the documents that hold it, gathered a chunk of documents
//! at a time, encoded per shard (LEB128 varints of id gaps, the title bit in the lowest),
//! and a shard's chunk parts merged in order.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::docs::doc_tokens;
use super::read;
use super::tokens::{UNIGRAM, shard_of};
use crate::site::Site;

/// Appends one token's postings: its code, the count, and each document as
/// `(id - previous id) << 1 | in_title`, in LEB128 varints.
pub(super) fn encode(out: &mut Vec<u8>, code: u32, postings: &[u32]) {
    out.extend_from_slice(&code.to_le_bytes());
    varint(out, postings.len() as u32);
    let mut prev = 0;
    for &p in postings {
        let (id, title) = (p >> 1, p & 1);
        varint(out, ((id - prev) << 1) | title);
        prev = id;
    }
}

pub(super) fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One token's postings while they are gathered: documents in increasing id order, each a
/// varint of `(id - previous id) << 1 | in_title` (the first from 0), as [`encode`] writes.
#[derive(Default)]
pub(super) struct Postings {
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
pub(super) struct Gather {
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
pub(super) fn chunk_parts(site: &Site, ids: std::ops::Range<usize>, bits: u32) -> Vec<Vec<u8>> {
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
pub(super) fn merge(parts: &[&[u8]]) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let mut bytes = b"PYS1".to_vec();
        encode(&mut bytes, UNIGRAM | 5, &[1, 4 << 1, (300 << 1) | 1]);
        let d = read::decode(&bytes);
        assert_eq!(d[&(UNIGRAM | 5)], [(0, true), (4, false), (300, true)]);
    }
}
