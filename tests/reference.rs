//! The documentation against the code: docs/front-matter.md lists exactly the fields the
//! parser accepts, for exactly the types that accept them, with the right ones required; the
//! examples of docs/editing.md parse.
//!
//! What the code accepts is read from the code's own behaviour (the "unknown field" hint,
//! the "field does not apply to this type" and "missing fields" errors), not from a second
//! list kept here, so a field added to the parser without a row in the docs fails this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pingyi::kind::KINDS;
use pingyi::{Config, Document};

use crate::support::repo;

/// The tables of the fields only some types have.
const OWN: [&str; 6] = [
    "review",
    "speech",
    "notice",
    "rectification",
    "opinion",
    "investigation",
];
const UNKNOWN: &str = "xyzzy_not_a_field";

/// One documented table: field → its 必填 cell.
type Table = BTreeMap<String, String>;

/// Every `<!-- fields: NAME -->` table of docs/front-matter.md.
fn documented() -> BTreeMap<String, Table> {
    let text = std::fs::read_to_string(repo().join("docs/front-matter.md")).unwrap();
    let mut tables = BTreeMap::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- fields:")
            .and_then(|s| s.strip_suffix("-->"))
        else {
            continue;
        };
        let mut table = Table::new();
        // Header and separator, then rows until the table ends.
        for row in lines.by_ref().skip(2) {
            if !row.starts_with('|') {
                break;
            }
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let field = cells[1].trim_matches('`').to_string();
            assert!(
                table.insert(field.clone(), cells[2].to_string()).is_none(),
                "`{field}` twice in table {name}"
            );
        }
        assert!(!table.is_empty(), "table {name} has no rows");
        tables.insert(name.trim().to_string(), table);
    }
    tables
}

/// The field names listed by an "unknown field" hint: `可用的字段: a, b, c`.
fn listed(hint: &str) -> BTreeSet<String> {
    let list = hint.rsplit([':', '：']).next().unwrap_or_default();
    list.split([',', '，', '、'])
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_doc(front: &str) -> Result<Document, Vec<pingyi::Diagnostic>> {
    Document::parse(
        Path::new("content/x.md"),
        &format!("---\n{front}\n---\n正文。\n"),
    )
}

/// The fields the document parser accepts at the place where `front` puts [`UNKNOWN`].
fn accepted_by_document(front: &str) -> BTreeSet<String> {
    let errors = parse_doc(front).expect_err(front);
    let d = errors
        .iter()
        .find(|d| d.message.contains(UNKNOWN))
        .unwrap_or_else(|| panic!("no unknown-field error for\n{front}\n{errors:?}"));
    listed(d.hint.as_deref().unwrap_or_default())
}

fn accepted_by_config(yaml: &str) -> BTreeSet<String> {
    let text = format!("title: 测试\nbase_url: https://example.gov.cn\n{yaml}\n");
    let errors = Config::parse(Path::new("site.yaml"), &text).expect_err(yaml);
    let d = errors
        .iter()
        .find(|d| d.message.contains(UNKNOWN))
        .unwrap_or_else(|| panic!("no unknown-field error for\n{yaml}\n{errors:?}"));
    listed(d.hint.as_deref().unwrap_or_default())
}

fn names(t: &Table) -> BTreeSet<String> {
    t.keys().cloned().collect()
}

fn same(what: &str, documented: BTreeSet<String>, code: BTreeSet<String>) {
    let undocumented: Vec<_> = code.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&code).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "docs/front-matter.md disagrees with the code on {what}:\n  \
         in the code, not in the docs: {undocumented:?}\n  \
         in the docs, not in the code: {unknown:?}"
    );
}

#[test]
fn every_field_is_documented_and_every_documented_field_exists() {
    let docs = documented();
    let t = |name: &str| {
        names(
            docs.get(name)
                .unwrap_or_else(|| panic!("docs/front-matter.md has no table {name}")),
        )
    };
    let top = accepted_by_document(&format!("title: x\ntype: page\n{UNKNOWN}: 1"));
    let documented_top: BTreeSet<String> =
        std::iter::once("document").chain(OWN).flat_map(t).collect();
    same("the fields of a document", documented_top, top);

    let nested = [
        ("attachments", format!("attachments:\n  - {UNKNOWN}: 1")),
        ("stages", format!("stages:\n  - {UNKNOWN}: 1")),
        ("results", format!("results:\n  - {UNKNOWN}: 1")),
        ("items", format!("items:\n  - {UNKNOWN}: 1")),
        (
            "progress",
            format!("items:\n  - progress:\n      - {UNKNOWN}: 1"),
        ),
        (
            "extensions",
            format!("items:\n  - extensions:\n      - {UNKNOWN}: 1"),
        ),
        (
            "verified",
            format!("items:\n  - verified: {{{UNKNOWN}: 1}}"),
        ),
        ("channels", format!("channels:\n  - {UNKNOWN}: 1")),
        ("points", format!("points:\n  - {UNKNOWN}: 1")),
        ("team", format!("team: {{{UNKNOWN}: 1}}")),
        ("activities", format!("activities:\n  - {UNKNOWN}: 1")),
    ];
    for (name, yaml) in nested {
        let front = format!("title: x\ntype: review\n{yaml}");
        same(&format!("`{name}`"), t(name), accepted_by_document(&front));
    }

    same(
        "site.yaml",
        t("site"),
        accepted_by_config(&format!("{UNKNOWN}: 1")),
    );
    let site_nested = [
        ("contact", format!("contact: {{{UNKNOWN}: 1}}")),
        (
            "site.departments",
            format!("departments:\n  - {UNKNOWN}: 1"),
        ),
        ("markdown", format!("markdown: {{{UNKNOWN}: 1}}")),
        ("gov_badge", format!("gov_badge: {{{UNKNOWN}: 1}}")),
        ("satisfaction", format!("satisfaction: {{{UNKNOWN}: 1}}")),
        (
            "archive",
            format!("archive: {{fonds: J1, agency: x, {UNKNOWN}: 1}}"),
        ),
    ];
    for (name, yaml) in site_nested {
        same(
            &format!("site.yaml `{name}`"),
            t(name),
            accepted_by_config(&yaml),
        );
    }
}

/// Whether the parser takes `field` on a document of `kind`: with the first sample value
/// its type deserialises, does it say the field does not apply?
fn applies(kind: &str, field: &str) -> bool {
    // A value of each shape the front matter has; YAML reads `2024-01-01` as text too.
    const SAMPLES: [&str; 8] = [
        "2024-01-01",
        "1",
        "true",
        "[]",
        "plan",
        "{}",
        "work",
        "永久",
    ];
    for sample in SAMPLES {
        let result = parse_doc(&format!("title: x\ntype: {kind}\n{field}: {sample}"));
        let errors = match result {
            Ok(_) => return true,
            Err(e) => e,
        };
        let not_here = format!("字段 `{field}` 不适用于 type: {kind}");
        if errors.iter().any(|d| d.message.contains(&not_here)) {
            return false;
        }
        // Past deserialisation: the only errors left are about the document, not the value.
        let deserialised = errors
            .iter()
            .any(|d| d.message.contains("不适用于") || d.message.contains("缺少必填字段"));
        if deserialised {
            return true;
        }
    }
    panic!("no sample value of field `{field}` deserialises; add one to SAMPLES");
}

/// The fields the parser requires on a document of `kind`, from its "missing fields" error.
fn required_by_code(kind: &str) -> BTreeSet<String> {
    let mut required: BTreeSet<String> = ["title", "type"].map(String::from).into();
    if let Err(errors) = parse_doc(&format!("title: x\ntype: {kind}")) {
        let d = errors
            .iter()
            .find(|d| d.message.starts_with("缺少必填字段"))
            .unwrap_or_else(|| panic!("{errors:?}"));
        required.extend(listed(&d.message));
    }
    required
}

/// What the docs say a `必填` cell means for `kind`: `是`, or `是（page 除外）`.
fn required_in_docs(cell: &str, kind: &str) -> bool {
    cell.starts_with('是') && !cell.contains(&format!("{kind} 除外"))
}

#[test]
fn each_type_takes_and_requires_what_the_docs_say() {
    let docs = documented();
    let common = &docs["document"];
    let all_fields: BTreeSet<String> = std::iter::once("document")
        .chain(OWN)
        .flat_map(|t| names(&docs[t]))
        .collect();
    // Every kind of the table, so that a new kind without its docs fails here.
    for kind in KINDS.iter().map(|k| k.name) {
        let own = docs.get(kind).cloned().unwrap_or_default();
        let documented: BTreeSet<String> = names(common).union(&names(&own)).cloned().collect();
        let code: BTreeSet<String> = all_fields
            .iter()
            // `title` and `type` are in every sample document already.
            .filter(|f| ["title", "type"].contains(&f.as_str()) || applies(kind, f))
            .cloned()
            .collect();
        same(
            &format!("which fields `type: {kind}` takes"),
            documented,
            code,
        );

        let documented_required: BTreeSet<String> = common
            .iter()
            .chain(own.iter())
            .filter(|(_, cell)| required_in_docs(cell, kind))
            .map(|(f, _)| f.clone())
            .collect();
        same(
            &format!("which fields `type: {kind}` requires"),
            documented_required,
            required_by_code(kind),
        );
    }
}

#[test]
fn the_editors_guide_examples_parse() {
    let text = std::fs::read_to_string(repo().join("docs/editing.md")).unwrap();
    let mut examples = 0;
    let mut in_block = false;
    let mut block = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            if in_block && block.starts_with("---\n") {
                examples += 1;
                if let Err(errors) = Document::parse(Path::new("content/2026/example.md"), &block) {
                    panic!(
                        "an example in docs/editing.md does not parse:\n{block}\n{}",
                        errors[0]
                    );
                }
            }
            in_block = !in_block;
            block.clear();
        } else if in_block {
            block.push_str(line);
            block.push('\n');
        }
    }
    assert!(examples >= KINDS.len(), "only {examples} examples found");
}
