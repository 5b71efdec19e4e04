//! One integration-test binary: a module per feature, sharing the fixture helper in `support`.

mod support;

mod archive;
mod archive_record;
mod archive_sign;
mod atomic;
mod build;
mod cli;
mod delta;
mod diagnostics;
mod example_site;
mod furniture;
mod golden;
mod hostile;
mod incremental;
mod init;
mod ledger;
mod publishing;
mod record;
mod record_ledger;
mod reference;
mod safety;
mod search;
mod serve;
mod trust_content;
mod trust_files;
mod trust_markup;
mod walkthrough;
mod watch;
mod words;
