//! Facets: each document's type, year and departments, as postings of their own
//! (`search/facets.bin`), and `search/meta.json`, which names them for the search page's
//! filters and says how the index is sharded.

use std::collections::BTreeMap;

use serde::Serialize;

use super::VERSION;
use super::postings::encode;
use crate::document::Kind;
use crate::kind::{KINDS, KindInfo};
use crate::output::Output;
use crate::site::Site;

/// Facet codes (types, years, departments) have the top bits clear.
const FACET_TYPE: u32 = 1 << 20;
const FACET_YEAR: u32 = 2 << 20;
const FACET_DEPT: u32 = 3 << 20;

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

/// `search/facets.bin` and `search/meta.json`, for an index of `1 << bits` shards.
pub(super) fn outputs(site: &Site, bits: u32) -> [Output; 2] {
    let n = site.pages.len();
    // Facets: type, year and department of each document, as postings of their own.
    let mut facets: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    // The search page's type filter, in facet-code order (the kind table's `facet`).
    let mut kinds: Vec<&KindInfo> = KINDS.iter().collect();
    kinds.sort_by_key(|k| k.facet);
    for (i, p) in site.pages.iter().enumerate().rev() {
        let id = ((n - 1 - i) as u32) << 1;
        let k = p.doc.kind.info().facet;
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
    let facets_file = Output::bytes("search/facets.bin", bytes);

    let facet = |code: u32, value: String, label: String| Facet { code, value, label };
    let meta = Meta {
        version: VERSION,
        bits,
        documents: n,
        types: kinds
            .iter()
            .filter(|k| facets.contains_key(&(FACET_TYPE | k.facet)))
            .map(|k| facet(FACET_TYPE | k.facet, k.name.into(), k.label.into()))
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
    let meta = Output::bytes(
        "search/meta.json",
        serde_json::to_vec(&meta).expect("plain data serialises"),
    );
    [facets_file, meta]
}
