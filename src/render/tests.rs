//! Watch keys against renders: each family's key is written by hand beside its render, so a
//! field a view starts to show but the key does not hash would serve a stale page in watch
//! only. These tests change every front-matter field of every type of document in the
//! example site, one at a time, and require every page whose bytes change to change its key.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::output::Output;

/// "Today" for the example site, whose documents run to late 2026.
fn options() -> crate::Options {
    crate::Options {
        today: Some(crate::Date::parse("2026-11-27").expect("a date")),
        ..crate::Options::default()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("readable");
        let dest = to.join(e.path().strip_prefix(from).expect("under it"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("a folder");
        } else {
            std::fs::copy(e.path(), &dest).expect("a copy");
        }
    }
}

/// URL → (key, outputs) of the site at `root`, or `None` when it has errors.
fn keyed(root: &Path) -> Option<BTreeMap<String, (u64, Vec<Output>)>> {
    let (site, _) = crate::load_site(root, &options()).ok()?;
    let theme = crate::theme::Theme::load(root, &site.config).ok()?;
    let all = super::keyed_renders(&site, &theme);
    Some(all.into_iter().map(|(u, k, o)| (u, (k, o))).collect())
}

/// `value` changed the way its kind of value (under `name`) allows, or `None`.
fn mutate_value(name: &str, value: &str) -> Option<String> {
    let v = value.trim();
    let is_date = |s: &str| {
        let b = s.as_bytes();
        s.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && s.bytes().filter(u8::is_ascii_digit).count() == 8
    };
    // Values that must stay one of a few: the next of them.
    let rotations: [&[&str]; 6] = [
        &["in_progress", "registered"],
        &["work", "follow_up", "special"],
        &["plan", "announcement", "call_for_opinions", "result"],
        &["满意", "基本满意", "不满意"],
        &["education", "ecology", "market", "housing", "transport"],
        &["\"2025\"", "\"2026\""],
    ];
    if let Some(r) = rotations.iter().find(|r| r.contains(&v)) {
        let i = r.iter().position(|x| *x == v)?;
        return Some(r[(i + 1) % r.len()].to_string());
    }
    Some(if is_date(v) {
        let day: u32 = v[8..].parse().ok()?;
        let day = if day < 28 { day + 1 } else { day - 1 };
        format!("{}{day:02}", &v[..8])
    } else if let Ok(n) = v.parse::<u32>() {
        (n + 1).to_string()
    } else if let Some(inner) = v.strip_prefix('[') {
        // Departments must be known: one fewer. Tags may be anything: one more.
        match (name, inner.split_once(", ")) {
            ("departments", Some((_, rest))) => format!("[{rest}"),
            ("departments", None) => return None,
            _ => format!("[新标签, {inner}"),
        }
    } else if name == "slug" {
        format!("{v}-x")
    } else {
        match v {
            "true" => "false".into(),
            "false" => "true".into(),
            "done" => return None,
            _ => format!("改{v}"),
        }
    })
}

/// Every edit of one field `line` allows, as (field name, changed line): one for a plain
/// `key: value`, one a key for a flow mapping (`- {name: …, start: …}`).
fn mutations(line: &str) -> Vec<(String, String)> {
    let indent = line.len() - line.trim_start().len();
    let body = line.trim_start().trim_start_matches("- ");
    let prefix = &line[..line.len() - body.len()];
    if let Some(inner) = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        let pairs: Vec<&str> = inner.split(", ").collect();
        return (0..pairs.len())
            .filter_map(|i| {
                let (k, v) = pairs[i].split_once(": ")?;
                let changed = mutate_value(k, v)?;
                let mut edited = pairs.clone();
                let pair = format!("{k}: {changed}");
                edited[i] = &pair;
                Some((
                    format!("{indent}/{k}"),
                    format!("{prefix}{{{}}}", edited.join(", ")),
                ))
            })
            .collect();
    }
    let Some((k, v)) = body.split_once(": ") else {
        return Vec::new();
    };
    match mutate_value(k, v) {
        Some(changed) if !k.contains(' ') => {
            vec![(format!("{indent}/{k}"), format!("{prefix}{k}: {changed}"))]
        }
        _ => Vec::new(),
    }
}

fn md_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(|e| e.expect("readable").into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

/// Pages whose bytes differ between `a` and `b` but whose key does not.
fn stale(
    a: &BTreeMap<String, (u64, Vec<Output>)>,
    b: &BTreeMap<String, (u64, Vec<Output>)>,
) -> Vec<String> {
    a.iter()
        .filter_map(|(url, (key, out))| {
            let (key2, out2) = b.get(url)?;
            (key == key2 && out != out2).then(|| url.clone())
        })
        .collect()
}

#[test]
fn every_field_a_page_shows_is_in_its_key() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("content"), &root.join("content"));
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).expect("site.yaml");
    let before = keyed(root).expect("the example builds");

    let mut tried: HashSet<String> = HashSet::new();
    let mut failures = Vec::new();
    for path in md_files(root) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let kind = text
            .lines()
            .find_map(|l| l.strip_prefix("type: "))
            .unwrap_or("page")
            .to_string();
        let lines: Vec<&str> = text.lines().collect();
        let end = lines
            .iter()
            .skip(1)
            .position(|l| *l == "---")
            .map_or(0, |e| e + 1);
        let mut edits: Vec<(String, String)> = Vec::new();
        for (n, line) in lines.iter().enumerate().take(end).skip(1) {
            for (name, changed) in mutations(line) {
                let name = format!("{kind}/{name}");
                if name.ends_with("/type") || tried.contains(&name) {
                    continue;
                }
                let mut edited = lines.clone();
                edited[n] = &changed;
                edits.push((name, edited.join("\n") + "\n"));
            }
        }
        edits.push((format!("{kind}/body"), format!("{text}\n追加的一段。\n")));
        for (name, edited) in edits {
            if tried.contains(&name) {
                continue;
            }
            std::fs::write(&path, &edited).expect("writable");
            // An edit the site refuses (a date out of order, an unknown id) tests nothing.
            if let Some(after) = keyed(root) {
                tried.insert(name.clone());
                for url in stale(&before, &after) {
                    failures.push(format!("{name} ({}): {url}", path.display()));
                }
            }
        }
        std::fs::write(&path, &text).expect("writable");
    }
    assert!(
        failures.is_empty(),
        "pages that change with a field their key misses:\n{}",
        failures.join("\n")
    );
    // Every type of document, with its own fields, was edited.
    for kind in crate::kind::KINDS.iter().map(|k| k.name) {
        assert!(
            tried.contains(&format!("{kind}/body")),
            "{kind} untested: {tried:?}"
        );
    }
    assert!(
        tried.len() > 60,
        "only {} fields tried: {tried:?}",
        tried.len()
    );
}
