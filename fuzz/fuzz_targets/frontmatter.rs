//! Front-matter splitting, key lookup and YAML parsing (as front matter and as `site.yaml`),
//! with every diagnostic displayed: none of it may panic, and every line it names exists.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pingyi::{Config, frontmatter, yaml};

fuzz_target!(|text: &str| {
    let path = Path::new("content/a.md");
    let lines = text.lines().count().max(1);
    let check = |d: &pingyi::Diagnostic| {
        let _ = d.to_string();
        if let Some(line) = d.line {
            assert!(line <= lines + 1, "line {line} of {lines}: {d}");
        }
    };
    match frontmatter::split(path, text) {
        Ok(split) => {
            assert!(split.yaml_line >= 1 && split.body_line >= split.yaml_line);
            for key in ["title", "id", "file", "status", "deadline", "items"] {
                if let Some(l) = frontmatter::key_line(&split, key, 1) {
                    assert!(l >= split.yaml_line && l < split.body_line, "{key} at {l}");
                }
            }
            // Every problem at once: a broken block is read again field by field.
            if let Err(ds) =
                yaml::from_yaml_all::<serde_yaml::Value>(path, text, split.yaml, split.yaml_line)
            {
                ds.iter().for_each(check);
            }
        }
        Err(d) => check(&d),
    }
    if let Err(ds) = Config::parse(Path::new("site.yaml"), text) {
        ds.iter().for_each(check);
    }
});
