//! pingyi (评议): a static site generator for the work-review records of a people's congress
//! standing committee.
//!
//! The pipeline runs one way: [`load`] reads `site.yaml`, `content/` and the theme;
//! [`document`] and [`config`] parse; [`site`] assembles and renders Markdown; [`validate`]
//! checks the whole site; [`render`] turns it into outputs through the theme; [`output`]
//! is the one writer. [`build`] and [`check`] run it once, end to end; a [`Builder`] keeps
//! what it read between runs, so [`watch`] reruns it after every change, redoing only what
//! [`incremental`] says changed, and [`serve`] previews the result. [`archive`] files a review year away as a bundle an archivist accepts (档号,
//! catalogue, metadata, sources, SM2 signature) and checks one (四性检测); [`delta`] carries
//! the difference between two builds across a one-way gateway and applies it; [`bundle`] is
//! what they share (SHA-256 and SM3 entries, a deterministic zip). [`scaffold`] writes a
//! new site (`pingyi init`) and new documents (`pingyi new`). [`console`] readies the terminal
//! (Windows: colours) for `main.rs`. [`kind`] is the table of document kinds: names, URL
//! folders, labels, templates, fields. [`sheet`] carries the rectification ledger to and from
//! Excel workbooks (`pingyi ledger`): the template departments fill in, import, export.

#![warn(clippy::print_stdout, clippy::print_stderr)]
// A diagnostic is an error on the cold path, and it is what every stage returns: boxing it
// would only add noise.
#![allow(clippy::result_large_err)]

pub mod anchors;
pub mod archive;
pub mod bundle;
pub mod config;
pub mod console;
pub mod date;
pub mod delta;
pub mod diagnostic;
pub mod document;
pub mod frontmatter;
pub mod incremental;
pub mod kind;
pub mod load;
pub mod markdown;
pub mod output;
pub mod plain;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sheet;
pub mod site;
pub mod slug;
pub mod theme;
pub mod url;
pub mod validate;
pub mod watch;
pub mod yaml;

mod pipeline;

pub use config::Config;
pub use date::Date;
pub use diagnostic::{Diagnostic, Severity};
pub use document::Document;
pub use pipeline::{
    BuildError, BuildProgress, BuildReport, Builder, Change, Observer, Options, build,
    build_observed, check, check_as_if, load_site,
};
pub use site::Site;
