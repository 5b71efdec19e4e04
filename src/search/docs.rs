//! A document as search sees it: `search/docs/{id}.json`, what a result shows and the text a
//! query is checked against; and the document's tokens, field by field, for the index.

use serde::Serialize;

use super::doc_path;
use super::text::{Piece, html_text, walk_html};
use super::tokens::Tokenizer;
use crate::document::Details;
use crate::output::Output;
use crate::site::{Page, Site};

/// A ledger item as the search page shows it.
#[derive(Serialize)]
struct ItemDoc<'a> {
    /// Its row's anchor on the document page: `item-{n}`, n from 1.
    n: usize,
    id: &'a str,
    problem: &'a str,
    measures: &'a str,
    responsible: &'a str,
    status: &'static str,
    notes: Vec<&'a str>,
}

/// `search/docs/{id}.json`: what a result shows, and the text the page checks a query
/// against.
#[derive(Serialize)]
struct SearchDoc<'a> {
    title: &'a str,
    url: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<String>,
    year: Option<i32>,
    doc_number: Option<&'a str>,
    departments: Vec<String>,
    speaker: Option<&'a str>,
    text: String,
    items: Vec<ItemDoc<'a>>,
}

fn search_doc<'a>(site: &'a Site, p: &'a Page) -> SearchDoc<'a> {
    let d = &p.doc;
    let items = match &d.details {
        Details::Rectification(r) => r
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| ItemDoc {
                n: n + 1,
                id: &i.id,
                problem: &i.problem,
                measures: &i.measures,
                responsible: &i.responsible,
                status: i.status.label(),
                notes: i.progress.iter().map(|pr| pr.note.as_str()).collect(),
            })
            .collect(),
        _ => Vec::new(),
    };
    SearchDoc {
        title: &d.title,
        url: format!(
            "{}{}",
            crate::site::base_path(&site.config.base_url),
            p.url()
        ),
        kind: d.kind.name(),
        kind_label: d.kind.label(),
        date: d.date.map(crate::date::Date::iso),
        year: d.year(),
        doc_number: d.doc_number.as_deref(),
        departments: d
            .departments()
            .into_iter()
            .map(|id| site.config.department_name(id).to_string())
            .collect(),
        speaker: match &d.details {
            Details::Speech(s) => Some(s.speaker.as_str()),
            _ => None,
        },
        text: {
            let mut text = html_text(&p.content.html);
            for t in detail_texts(d) {
                text.push('\n');
                text.push_str(t);
            }
            text
        },
        items,
    }
}

/// What an opinion's points and an investigation's team and activities say, searched as
/// fields of their own.
fn detail_texts(d: &crate::document::Document) -> Vec<&str> {
    match &d.details {
        Details::Opinion(o) => o.points.iter().map(|p| p.text.as_str()).collect(),
        Details::Investigation(i) => {
            let leader = i.team.as_ref().and_then(|t| t.leader.as_deref());
            leader
                .into_iter()
                .chain(i.activities.iter().flat_map(|a| {
                    [Some(a.kind.as_str()), a.place.as_deref(), a.note.as_deref()]
                        .into_iter()
                        .flatten()
                }))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Page `p`'s tokens, as its search document holds them, each handed to `emit` with whether
/// it is the title's (the title comes first): every field apart, so no bigram joins two; the
/// body read straight from its HTML.
pub(super) fn doc_tokens(site: &Site, p: &Page, mut emit: impl FnMut(u32, bool)) {
    let d = &p.doc;
    let mut field = |text: &str, title: bool| {
        let mut t = Tokenizer::new(|code| emit(code, title));
        t.text(text);
        t.finish();
    };
    field(&d.title, true);
    if let Some(n) = &d.doc_number {
        field(n, false);
    }
    for id in d.departments() {
        field(site.config.department_name(id), false);
    }
    if let Details::Speech(s) = &d.details {
        field(&s.speaker, false);
    }
    for text in detail_texts(d) {
        field(text, false);
    }
    if let Details::Rectification(r) = &d.details {
        for i in &r.items {
            for f in [&i.id, &i.problem, &i.measures, &i.responsible] {
                field(f, false);
            }
            for pr in &i.progress {
                field(&pr.note, false);
            }
        }
    }
    let mut t = Tokenizer::new(|code| emit(code, false));
    walk_html(&p.content.html, &mut |piece| match piece {
        Piece::Text(s) => t.text(s),
        Piece::Char(c) => t.char(c),
        Piece::Break => t.char('\n'),
    });
    t.finish();
}

/// `search/docs/{id}.json` of page `i`: written with its page, so a rebuild that renders
/// the page writes it too.
pub fn doc_output(site: &Site, i: usize) -> Output {
    let doc = search_doc(site, &site.pages[i]);
    // Sized for the text and the ledger, so the file is written without regrowing.
    let mut bytes = Vec::with_capacity(doc.text.len() + 1024 * (doc.items.len() + 1));
    serde_json::to_writer(&mut bytes, &doc).expect("plain data serialises");
    Output::bytes(doc_path(site, i), bytes)
}
