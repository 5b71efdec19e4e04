//! A builder that rebuilds after each change must leave exactly what a clean build of the same
//! files leaves, whatever the sequence of changes.

use std::path::PathBuf;

use pingyi::{Builder, Change};

use crate::support::*;

/// "Today" for the example site, whose documents run to late 2026.
fn options() -> pingyi::Options {
    pingyi::Options {
        today: Some(pingyi::Date::parse("2026-11-27").unwrap()),
        ..pingyi::Options::default()
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn md_files(site: &TestSite) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(site.root()).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

/// Whether any document names `rel`'s file: removing or hiding it would break a link.
fn linked_to(site: &TestSite, files: &[PathBuf], rel: &std::path::Path) -> bool {
    let name = rel.file_name().unwrap().to_string_lossy().into_owned();
    files.iter().any(|f| {
        std::fs::read_to_string(site.root().join(f))
            .unwrap()
            .contains(&name)
    })
}

fn assert_same_as_clean_build(site: &TestSite, step: &str) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    pingyi::build(site.root(), &out, &options()).unwrap();
    let (a, b) = (snapshot(&site.out()), snapshot(&out));
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "after {step}");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "after {step}: {} differs", path.display());
    }
}

#[test]
fn any_sequence_of_changes_ends_like_a_clean_build() {
    let site = TestSite::example();
    let mut b = Builder::new(site.root(), options());
    b.build(&site.out()).unwrap();
    let mut rng = Lcg(20241127);

    for step in 0..60 {
        let files = md_files(&site);
        let rel = files[rng.next(files.len())].clone();
        let path = site.root().join(&rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let (what, changes) = match rng.next(12) {
            0 => {
                std::fs::write(&path, text.replacen("\ntitle: ", "\ntitle: 改", 1)).unwrap();
                ("title", vec![Change::Content(rel.clone())])
            }
            1 => {
                std::fs::write(&path, format!("{text}\n\n追加的一段。\n")).unwrap();
                ("body", vec![Change::Content(rel.clone())])
            }
            2 if text.contains("\ndate: 2025-") => {
                std::fs::write(&path, text.replacen("\ndate: 2025-", "\ndate: 2024-", 1)).unwrap();
                ("date and year", vec![Change::Content(rel.clone())])
            }
            3 if !text.contains("type: review") => {
                let copy = rel.with_file_name(format!("copy{step}.md"));
                std::fs::write(site.root().join(&copy), &text).unwrap();
                let slugged = if text.contains("\nslug:") {
                    text.replacen("\nslug: ", &format!("\nslug: c{step}-"), 1)
                } else {
                    text.clone()
                };
                std::fs::write(site.root().join(&copy), slugged).unwrap();
                ("add", vec![Change::Content(copy)])
            }
            4 if files.len() > 15
                && !text.contains("type: review")
                && !text.contains("type: page") =>
            {
                // Only documents nothing links to can go without breaking the build.
                if linked_to(&site, &files, &rel) {
                    continue;
                }
                std::fs::remove_file(&path).unwrap();
                ("delete", vec![Change::Content(rel.clone())])
            }
            5 if text.contains("tags: [") => {
                std::fs::write(
                    &path,
                    text.replacen("tags: [", &format!("tags: [新标签{step}, "), 1),
                )
                .unwrap();
                ("new tag", vec![Change::Content(rel.clone())])
            }
            6 if text.contains("status: in_progress") => {
                let done = text.replacen(
                    "status: in_progress",
                    "status: done\n    completed: 2026-11-01",
                    1,
                );
                std::fs::write(&path, done).unwrap();
                ("item done", vec![Change::Content(rel.clone())])
            }
            7 => {
                let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
                std::fs::write(
                    site.root().join("site.yaml"),
                    yaml.replacen("title: ", "title: 新", 1),
                )
                .unwrap();
                ("site.yaml", vec![Change::Config])
            }
            8 if !text.contains("draft: true") && text.contains("type: notice") => {
                if linked_to(&site, &files, &rel) {
                    continue;
                }
                std::fs::write(
                    &path,
                    text.replacen("\ntitle: ", "\ndraft: true\ntitle: ", 1),
                )
                .unwrap();
                ("draft", vec![Change::Content(rel.clone())])
            }
            9 if text.contains("\nsummary: ") => {
                std::fs::write(&path, text.replacen("\nsummary: ", "\nsummary: 改", 1)).unwrap();
                ("summary", vec![Change::Content(rel.clone())])
            }
            10 if text.contains("note: ") => {
                std::fs::write(&path, text.replacen("note: ", "note: 改", 1)).unwrap();
                ("progress note", vec![Change::Content(rel.clone())])
            }
            11 if text.contains("notice_kind: ") => {
                let kinds = ["plan", "announcement", "call_for_opinions", "result"];
                let now = kinds
                    .iter()
                    .position(|k| text.contains(&format!("notice_kind: {k}\n")))
                    .unwrap_or(0);
                let (from, to) = (kinds[now], kinds[(now + 1) % kinds.len()]);
                let edited = text.replacen(
                    &format!("notice_kind: {from}\n"),
                    &format!("notice_kind: {to}\n"),
                    1,
                );
                std::fs::write(&path, edited).unwrap();
                ("notice kind", vec![Change::Content(rel.clone())])
            }
            _ => continue,
        };
        b.apply(&changes);
        let step = format!("step {step}: {what} {}", rel.display());
        if let Err(e) = b.build(&site.out()) {
            panic!("{step}: {}", describe(&e));
        }
        assert_same_as_clean_build(&site, &step);
    }
}

#[test]
fn an_unchanged_rebuild_writes_nothing_and_a_body_edit_little() {
    let site = TestSite::example();
    let mut b = Builder::new(site.root(), options());
    let first = b.build(&site.out()).unwrap();
    assert_eq!(first.written, first.files);

    let again = b.build(&site.out()).unwrap();
    assert_eq!((again.written, again.removed), (0, 0));

    let rel = PathBuf::from("content/2026/speeches/government-speech.md");
    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
    std::fs::write(site.root().join(&rel), format!("{text}\n补充一段。\n")).unwrap();
    b.apply(&[Change::Content(rel)]);
    let edit = b.build(&site.out()).unwrap();
    // The page, its search document, and the few index shards that hold its new words.
    assert!(
        edit.written >= 2 && edit.written <= 12,
        "wrote {}",
        edit.written
    );
    assert!(
        site.read("2026/speeches/government-speech/index.html")
            .contains("补充一段")
    );
}

/// When the system drops file events (its queue overflowed in a burst of saves), watch asks
/// for everything to be read again: every change made meanwhile shows, reported or not.
#[test]
fn after_events_were_lost_everything_changed_meanwhile_shows() {
    let site = TestSite::example();
    let mut b = Builder::new(site.root(), options());
    b.build(&site.out()).unwrap();

    // Changes of every sort, none of them reported.
    let files = md_files(&site);
    let edited = site.root().join(&files[0]);
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{text}\n\n没有报告的改动。\n")).unwrap();
    let added = files[1].with_file_name("unreported.md");
    let copy = std::fs::read_to_string(site.root().join(&files[1])).unwrap();
    std::fs::write(
        site.root().join(&added),
        copy.replacen("\ntitle: ", "\ntitle: 新增", 1).replacen(
            "\nslug: ",
            "\nslug: unreported-",
            1,
        ),
    )
    .unwrap();
    let css = site.root().join("themes/default/static/assets/site.css");
    let style = std::fs::read_to_string(&css).unwrap();
    std::fs::write(&css, format!("{style}\n/* 没有报告 */\n")).unwrap();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    std::fs::write(
        site.root().join("site.yaml"),
        yaml.replacen("title: ", "title: 新", 1),
    )
    .unwrap();

    // What watch applies after a lost-events notice (src/watch.rs).
    b.apply(&[Change::Config, Change::Rescan]);
    b.build(&site.out()).unwrap();
    assert_same_as_clean_build(&site, "lost events");
    let home = std::fs::read_to_string(site.out().join("index.html")).unwrap();
    assert!(home.contains("新"), "site.yaml's new title is shown");
}
