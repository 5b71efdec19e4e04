//! The build's stages, one benchmark each, on a generated 1,000-document site: front matter,
//! Markdown, loading the whole site (read, parse, assemble, check), rendering every page in
//! memory, and a whole build into a folder. Stages are timed single-run by criterion, so a
//! change to one shows apart from the noise of the others.
//!
//!     cargo bench --bench stages

#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pingyi::markdown::{self, LinkTarget};
use pingyi::theme::Theme;
use pingyi::{Date, Document, Options, load, render};

const DOCUMENTS: usize = 1000;

fn stages(c: &mut Criterion) {
    // On tmpfs where there is one: disk writes would drown the generator's own cost.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("temporary folder");
    let root = dir.path().join("site");
    gen_corpus::generate(&root, DOCUMENTS, 1, 3000);
    let opts = Options {
        today: Some(Date::parse("2026-11-27").expect("a date")),
        ..Options::default()
    };
    let (rels, _) = load::list_content(&root);
    let (files, _) = load::read_sources(&root, &rels);
    let docs: Vec<Document> = files
        .iter()
        .map(|f| Document::parse(&f.rel, &f.text).expect("the corpus parses"))
        .collect();
    let (site, _) = pingyi::load_site(&root, &opts).expect("the corpus passes check");
    let theme = Theme::load(&root, &site.config).expect("the theme loads");

    let mut g = c.benchmark_group(format!("{DOCUMENTS} documents"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("parse documents", |b| {
        b.iter(|| {
            for f in &files {
                black_box(Document::parse(&f.rel, &f.text).is_ok());
            }
        })
    });
    g.bench_function("markdown", |b| {
        b.iter(|| {
            for d in &docs {
                let body = &d.text[d.body_offset..];
                black_box(markdown::render(body, false, &|_, href| {
                    LinkTarget::Url(href.to_string())
                }));
            }
        })
    });
    g.bench_function("load and check the site", |b| {
        b.iter(|| black_box(pingyi::load_site(&root, &opts).is_ok()))
    });
    g.bench_function("render every page", |b| {
        b.iter(|| black_box(render::render(&site, &theme).map(|o| o.len()).ok()))
    });
    let out = dir.path().join("public");
    g.bench_function("whole build", |b| {
        b.iter(|| black_box(pingyi::build(&root, &out, &opts).is_ok()))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
