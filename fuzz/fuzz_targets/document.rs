//! A whole document from raw bytes, as a build reads it: decoding, splitting, parsing and the
//! checks on one document. No panic; every diagnostic names the file and a line that exists.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pingyi::document::Details;
use pingyi::{Document, load};

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("content/2024/notices/a.md");
    let text = match load::decode(path, bytes.to_vec()) {
        Ok(t) => t,
        Err(d) => {
            let _ = d.to_string();
            return;
        }
    };
    let lines = text.lines().count().max(1);
    match Document::parse(path, &text) {
        Ok(doc) => {
            assert!(doc.body_offset <= doc.text.len());
            let _ = (doc.url(), doc.year(), doc.departments(), doc.review_id());
            if let Details::Rectification(r) = &doc.details {
                let keys = [&r.lines.deadline, &r.lines.completed, &r.lines.point];
                for (name, at) in ["deadline", "completed", "point"].iter().zip(keys) {
                    assert_eq!(at.len(), r.items.len(), "{name} lines");
                    for &l in at {
                        assert!(l <= lines, "{name} line {l} of {lines}");
                    }
                }
            }
            let _ = doc.error_at("file", 1, "x").to_string();
        }
        Err(ds) => {
            assert!(!ds.is_empty());
            for d in ds {
                assert_eq!(d.path, path);
                let _ = d.to_string();
                if let Some(l) = d.line {
                    assert!(l <= lines + 1, "line {l} of {lines}: {d}");
                }
            }
        }
    }
});
