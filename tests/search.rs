//! Site search: the index finds every substring of a document, never characters that are only
//! near each other, and holds nothing unpublished. These read the written files the way the
//! search page does (`search::read`); tests/browser runs the page's own script.

use std::collections::BTreeMap;
use std::path::Path;

use pingyi::search::{read, shard_of};
use serde_json::Value;

use crate::support::*;

// tests/atomic.rs includes the generator too; each test module keeps its own copy.
#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod gen_corpus;

/// The search files of a built site, read as the page reads them.
struct Index<'a> {
    out: &'a Path,
    bits: u32,
    shards: BTreeMap<usize, BTreeMap<u32, Vec<(u32, bool)>>>,
}

impl<'a> Index<'a> {
    fn open(out: &'a Path) -> Index<'a> {
        let meta: Value =
            serde_json::from_slice(&std::fs::read(out.join("search/meta.json")).unwrap()).unwrap();
        Index {
            out,
            bits: meta["bits"].as_u64().unwrap() as u32,
            shards: BTreeMap::new(),
        }
    }

    fn doc(&self, id: u32) -> Value {
        let path = self.out.join(format!("search/docs/{id}.json"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    /// Ids of the documents holding every code of the query, then checked against their text.
    fn search(&mut self, q: &str) -> Vec<u32> {
        let terms: Vec<&str> = q.split_whitespace().collect();
        let codes: Vec<u32> = terms.iter().flat_map(|t| read::query_codes(t)).collect();
        let mut result: Option<Vec<u32>> = None;
        for code in codes {
            let n = shard_of(code, self.bits);
            let out = self.out;
            let shard = self.shards.entry(n).or_insert_with(|| {
                read::decode(&std::fs::read(out.join(format!("search/index/{n}.bin"))).unwrap())
            });
            let ids: Vec<u32> = shard
                .get(&code)
                .map(|l| l.iter().map(|p| p.0).collect())
                .unwrap_or_default();
            result = Some(match result {
                None => ids,
                Some(r) => r.into_iter().filter(|id| ids.contains(id)).collect(),
            });
        }
        result
            .unwrap_or_default()
            .into_iter()
            .filter(|&id| read::matches(&self.doc(id), &terms))
            .collect()
    }
}

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c)
}

#[test]
fn every_random_chinese_substring_finds_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    gen_corpus::generate(&root, 300, 7, 2000);
    let out = dir.path().join("public");
    let mut opts = TestSite::options();
    opts.today = Some(pingyi::Date::parse("2026-11-27").unwrap());
    pingyi::build(&root, &out, &opts).unwrap_or_else(|e| panic!("{}", describe(&e)));

    let mut index = Index::open(&out);
    let documents = std::fs::read_dir(out.join("search/docs")).unwrap().count() as u32;
    assert!(documents >= 300, "{documents}");
    // xorshift, so the run is the same every time.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut rand = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut tried = 0;
    while tried < 500 {
        let id = rand(documents as usize) as u32;
        let doc = index.doc(id);
        let field = if rand(4) == 0 { "title" } else { "text" };
        let chars: Vec<char> = doc[field].as_str().unwrap().chars().collect();
        let len = 2 + rand(5);
        if chars.len() <= len {
            continue;
        }
        let start = rand(chars.len() - len);
        let q: String = chars[start..start + len].iter().collect();
        if !q.chars().all(is_han) {
            continue;
        }
        tried += 1;
        let found = index.search(&q);
        assert!(
            found.contains(&id),
            "{q} (from document {id}'s {field}) not found: {found:?}"
        );
    }
}

const APART: &str = "\
---
title: 关于一段话的说明
type: notice
date: 2024-03-01
review: 2024
---

一段话写在这里。段简单明了。简单的事情要做好。老旧的小区也要改造。
";

#[test]
fn characters_only_near_each_other_do_not_match() {
    let site = TestSite::valid()
        .file("content/2024/notices/apart.md", APART)
        .built();
    let out = site.out();
    let mut index = Index::open(&out);
    let apart = (0..)
        .map(|id| index.doc(id))
        .position(|d| d["title"] == "关于一段话的说明")
        .unwrap() as u32;
    // Each of 一段, 段简, 简单 is in the text, but 一段简单 is not.
    assert!(index.search("段简").contains(&apart));
    assert!(index.search("一段话").contains(&apart));
    assert!(!index.search("一段简单").contains(&apart));
    // 老旧 and 小区 are there; 老旧小区 is not.
    assert!(index.search("小区").contains(&apart));
    assert!(!index.search("老旧小区").contains(&apart));
    // Two terms need both, anywhere.
    assert!(index.search("一段话 老旧").contains(&apart));
    assert!(!index.search("一段话 住建").contains(&apart));
}

#[test]
fn words_numbers_and_full_width_forms_are_found() {
    let site = TestSite::valid().built();
    let out = site.out();
    let mut index = Index::open(&out);
    let notice = (0..)
        .map(|id| index.doc(id))
        .position(|d| d["kind"] == "notice")
        .unwrap() as u32;
    let number = index.doc(notice)["doc_number"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(index.search(&number).contains(&notice), "{number}");
    // The year and number alone, as a reader types them, and in full-width digits.
    let digits: String = number
        .chars()
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    let wide: String = digits
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    assert!(index.search(&digits).contains(&notice));
    assert!(index.search(&wide).contains(&notice));
}

const DRAFT: &str = "\
---
title: 尚未发布的草稿
type: notice
date: 2024-03-01
review: 2024
draft: true
---

这里有一个独一无二的词：琥珀蜻蜓。
";

const SCHEDULED: &str = "\
---
title: 定时发布的通知
type: notice
date: 2099-03-01
review: 2024
---

这里有另一个独一无二的词：翡翠螳螂。
";

#[test]
fn drafts_and_scheduled_documents_are_not_in_the_index() {
    let site = TestSite::valid()
        .file("content/2024/notices/draft.md", DRAFT)
        .file("content/2024/notices/later.md", SCHEDULED)
        .built();
    let out = site.out();
    let mut index = Index::open(&out);
    assert!(index.search("琥珀蜻蜓").is_empty());
    assert!(index.search("翡翠螳螂").is_empty());
    assert!(
        !index.search("整改").is_empty(),
        "the index has the published ones"
    );
    for e in std::fs::read_dir(out.join("search/docs")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(
            !text.contains("草稿") && !text.contains("定时发布"),
            "{text}"
        );
    }
}

#[test]
fn the_search_page_works_without_a_server_and_says_what_it_needs() {
    let site = TestSite::valid().built();
    let page = site.html("search/index.html");
    let form = attrs(&page, "form.search-form", "action");
    assert_eq!(form, ["/search/"]);
    assert_eq!(attrs(&page, "label[for=search-q]", "for").len(), 1);
    let noscript = site.read("search/index.html");
    assert!(noscript.contains("<noscript>"));
    assert!(noscript.contains("需要浏览器启用 JavaScript"));
    assert!(site.out().join("assets/search.js").is_file());
    // Every page offers the search box.
    let home = site.html("index.html");
    assert_eq!(attrs(&home, "form.site-search input", "name"), ["q"]);
}
