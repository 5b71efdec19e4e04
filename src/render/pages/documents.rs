//! A document's own page (review, speech, notice, rectification, opinion, investigation or
//! free page) and, beside it,
//! its search document: planning, URL, watch key, the [`DocView`] and the render.

use std::borrow::Cow;
use std::hash::Hash;
use std::path::Path;

use rustc_hash::FxHasher;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::document::{Details, Kind, NoticeKind};
use crate::output::Output;
use crate::site::Page;
use crate::theme::Theme;

use super::super::context::Ctx;
use super::super::view::{
    AttachmentView, ChannelView, DocView, InvestigationView, ItemView, Link, NoticeView,
    OpinionView, PointView, RectificationView, TocEntry, human_size, iso, tally, vote_of_round,
    votes,
};
use super::super::{Job, Jobs};
use super::{cards, full, ledgers, opinion_link, rows, templated};

/// Page `i` of `site.pages`.
pub struct Document(pub usize);

pub fn plan<'a>(cx: &Ctx<'a>) -> Vec<Box<dyn Job + 'a>> {
    (0..cx.site.pages.len())
        .map(|i| Box::new(Document(i)) as Box<dyn Job + 'a>)
        .collect()
}

impl Job for Document {
    fn url<'s>(&'s self, cx: &Ctx<'s>) -> Cow<'s, str> {
        Cow::Borrowed(cx.site.pages[self.0].url())
    }

    fn paths(&self, cx: &Ctx<'_>, _jobs: &Jobs<'_>) -> Vec<String> {
        vec![
            format!("{}index.html", &self.url(cx)[1..]),
            crate::search::doc_path(cx.site, self.0),
        ]
    }

    fn key(&self, cx: &Ctx<'_>, h: &mut FxHasher) {
        let (site, ix, i) = (cx.site, &cx.index, self.0);
        let p = &*site.pages[i];
        full(h, [p]);
        // Its search document's file is named by its search id.
        crate::search::doc_id(site, i).hash(h);
        let (prev, next) = ix.neighbours(i);
        cards(
            h,
            [prev, next].into_iter().flatten().map(|j| &*site.pages[j]),
        );
        cards(h, ix.related(i).into_iter().map(|j| &*site.pages[j]));
        // Its review: the link, and for a rectification the votes on its department.
        if let Some(r) = p.doc.review.as_deref().and_then(|r| ix.review(r)) {
            full(h, [r]);
        }
        if p.doc.kind == Kind::Review {
            let members = p.doc.review_id().and_then(|r| ix.by_review.get(r));
            ledgers(h, ix.pages_at(members));
            // Each department's chain begins with its opinion.
            full(
                h,
                ix.pages_at(members).filter(|m| m.doc.kind == Kind::Opinion),
            );
        }
        // An opinion lists under each point the department's items that answer it.
        if let Details::Opinion(o) = &p.doc.details {
            rows(h, ix.pages_at(ix.by_dept.get(o.department.as_str())));
        }
        // A ledger item a later report carried on: that report; the points items answer.
        opinion_link(h, cx, p);
        if let Details::Rectification(r) = &p.doc.details {
            for j in 0..r.items.len() {
                if let Some(&(k, _)) = ix.later.get(&(i, j)) {
                    (j, site.pages[k].card_hash).hash(h);
                }
            }
        }
    }

    fn render(
        &self,
        cx: &Ctx<'_>,
        theme: &Theme,
        _jobs: &Jobs<'_>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let p = &*cx.site.pages[self.0];
        let url = p.url();
        let mut ctx = cx.base_context(&p.doc.title, url);
        let kind = p.doc.kind.info();
        if p.doc.kind == Kind::Review {
            ctx.insert("review", &cx.review_view(p, true));
        }
        ctx.insert("column", kind.label);
        // Columns and listed kinds have a list page to go back to; free pages have none.
        if kind.nav.is_some() || kind.listed {
            ctx.insert("column_url", &cx.url(&format!("/{}/", p.doc.kind.plural())));
        }
        ctx.insert("doc", &doc_view(cx, self.0));
        cx.mark_archived(&mut ctx, p.doc.year());
        cx.mark_preview(&mut ctx, &p.doc);
        Ok(vec![
            templated(theme, kind.template, url, &ctx)?,
            crate::search::doc_output(cx.site, self.0),
        ])
    }

    fn sitemap(&self, cx: &Ctx<'_>) -> Option<Option<Date>> {
        Some(cx.site.pages[self.0].doc.date)
    }
}

/// What the page of document `i` shows of it.
fn doc_view<'s>(cx: &'s Ctx<'_>, i: usize) -> DocView<'s> {
    let p: &'s Page = &cx.site.pages[i];
    let d = &p.doc;
    let url = d.url();
    let tags = d
        .tags
        .iter()
        .map(|t| Link {
            title: t.clone(),
            url: cx.url(&format!("/tags/{}/", cx.site.tag_slugs[t])),
        })
        .collect();
    let (prev, next) = cx.index.neighbours(i);
    let prev = prev.map(|j| cx.doc_link(&cx.site.pages[j]));
    let next = next.map(|j| cx.doc_link(&cx.site.pages[j]));
    let related = cx
        .index
        .related(i)
        .into_iter()
        .map(|j| cx.card(&cx.site.pages[j]))
        .collect();
    DocView {
        title: &d.title,
        url: cx.url(url),
        kind: d.kind.name(),
        kind_label: d.kind.label(),
        date: iso(d.date),
        date_zh: d.date.map(Date::zh),
        year: d.year(),
        summary: &p.summary,
        tags,
        index_no: d.index_no.as_deref(),
        issuer: d.issuer.as_deref(),
        doc_number: d.doc_number.as_deref(),
        written_date: iso(d.written_date),
        archive_code: cx.site.catalogue.as_ref().and_then(|c| c.code_of(url)),
        attachments: attachments(cx, p),
        content: &p.content.html,
        toc: p
            .content
            .headings
            .iter()
            .map(|(level, id, title)| TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
            })
            .collect(),
        review: d
            .review
            .as_deref()
            .and_then(|r| cx.index.review(r))
            .map(|r| cx.doc_link(r)),
        departments: d
            .departments()
            .into_iter()
            .map(|x| cx.dept_link(x))
            .collect(),
        speech: match &d.details {
            Details::Speech(s) => Some(s),
            _ => None,
        },
        notice: notice(cx, p),
        rectification: rectification(cx, p),
        opinion: opinion(cx, p),
        investigation: investigation(cx, p),
        prev,
        next,
        related,
    }
}

fn attachments(cx: &Ctx<'_>, p: &Page) -> Vec<AttachmentView> {
    p.attachments
        .iter()
        .map(|a| AttachmentView {
            title: a.title.clone(),
            url: cx.url(&format!("{}{}", p.url(), crate::url::segment(&a.name))),
            ext: Path::new(&a.name)
                .extension()
                .map(|e| e.to_string_lossy().to_uppercase())
                .unwrap_or_default(),
            size: human_size(a.size),
            bytes: a.size,
        })
        .collect()
}

/// A rectification's ledger, with the vote of its round on its department in its review: the
/// report of round 1 shows round 1's verdict, even once round 2 has been voted on.
fn rectification<'s>(cx: &'s Ctx<'_>, p: &'s Page) -> Option<RectificationView<'s>> {
    let Details::Rectification(r) = &p.doc.details else {
        return None;
    };
    let vote = p
        .doc
        .review_id()
        .and_then(|id| cx.index.review(id))
        .and_then(|p| match &p.doc.details {
            Details::Review(review) => vote_of_round(votes(review, &r.department), r.round),
            _ => None,
        });
    let items = cx.items_of(p);
    let mut tally = tally(&r.items, cx.site.today);
    // An item a later report carried on is overdue there, if at all.
    tally.overdue = items.iter().filter(|i| i.overdue).count();
    Some(RectificationView {
        department: cx.dept_link(&r.department),
        round: r.round,
        phase: r.phase.label(),
        items,
        tally,
        verdict: vote.as_ref().map(|v| v.verdict),
        votes: vote.into_iter().collect(),
    })
}

/// A notice's kind and deadline; a call for opinions' channels, and how many opinions came in
/// once its deadline has passed.
fn notice<'s>(cx: &Ctx<'_>, p: &'s Page) -> Option<NoticeView<'s>> {
    let Details::Notice(n) = &p.doc.details else {
        return None;
    };
    let calls = n.notice_kind == Some(NoticeKind::CallForOpinions);
    let closed = n.deadline.is_some_and(|d| d < cx.site.today);
    Some(NoticeView {
        notice_kind: n.notice_kind.map(|k| match k {
            NoticeKind::Plan => "plan",
            NoticeKind::Announcement => "announcement",
            NoticeKind::CallForOpinions => "call_for_opinions",
            NoticeKind::Result => "result",
        }),
        notice_kind_label: n.notice_kind.map(|k| k.label()),
        deadline: iso(n.deadline),
        channels: if calls {
            n.channels
                .iter()
                .map(|c| ChannelView {
                    kind: c.kind.name(),
                    kind_label: c.kind.label(),
                    value: &c.value,
                    note: c.note.as_deref(),
                    href: c.href(),
                })
                .collect()
        } else {
            Vec::new()
        },
        received: n.received.filter(|_| calls && closed),
        closed,
    })
}

/// An opinion's department, dates and numbered points.
fn opinion<'s>(cx: &'s Ctx<'_>, p: &'s Page) -> Option<OpinionView<'s>> {
    let Details::Opinion(o) = &p.doc.details else {
        return None;
    };
    // The department's items in this review, each once as it now stands.
    let rows = cx.index.tracker_by_dept.get(o.department.as_str());
    let answering = |id: &str| -> Vec<ItemView<'s>> {
        rows.into_iter()
            .flatten()
            .filter(|&&(i, j)| {
                let q = &cx.site.pages[i].doc;
                match &q.details {
                    Details::Rectification(r) if q.review == p.doc.review => {
                        r.items.get(j).and_then(|x| x.point.as_deref()) == Some(id)
                    }
                    _ => false,
                }
            })
            .filter_map(|&(i, j)| cx.tracked_view(i, j))
            .collect()
    };
    Some(OpinionView {
        department: cx.dept_link(&o.department),
        issued: iso(o.issued),
        reply_deadline: iso(o.reply_deadline),
        points: o
            .points
            .iter()
            .map(|pt| PointView {
                id: &pt.id,
                text: &pt.text,
                items: answering(&pt.id),
            })
            .collect(),
    })
}

/// An investigation's departments, team, questionnaires and activities.
fn investigation<'s>(cx: &Ctx<'_>, p: &'s Page) -> Option<InvestigationView<'s>> {
    let Details::Investigation(inv) = &p.doc.details else {
        return None;
    };
    let team = inv.team.as_ref();
    Some(InvestigationView {
        departments: inv.departments.iter().map(|d| cx.dept_link(d)).collect(),
        leader: team.and_then(|t| t.leader.as_deref()),
        members: team.and_then(|t| t.members),
        deputies: team.and_then(|t| t.deputies),
        questionnaires: inv.questionnaires,
        activities: &inv.activities,
    })
}
