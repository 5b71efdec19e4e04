//! A department's way through one review, as the record shows it: 评议意见 → 整改方案 →
//! 整改情况报告 → 测评, round after round until a vote is not 不满意; and, in a sentence,
//! where it stands now. The review page shows the sentence, the department page the chain.

use serde::Serialize;

use crate::date::Date;
use crate::document::{Details, Phase, Review, Status};
use crate::site::Page;

use super::context::Ctx;
use super::view::{Link, VoteView};

/// One department's chain in one review.
#[derive(Debug, Clone, Serialize)]
pub struct Chain {
    pub steps: Vec<Step>,
    /// Where it stands, in a sentence a reader understands.
    pub stands: String,
    /// `waiting` (the next step is the department's or the committee's), `redo` (voted
    /// 不满意, rectifying again) or `done` (voted, and not 不满意).
    pub state: &'static str,
}

/// One step: a document or a vote.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `opinion`, `plan`, `report` or `vote`.
    pub kind: &'static str,
    pub label: String,
    pub round: u32,
    pub date: Option<Date>,
    /// The document, for all but a vote.
    pub doc: Option<Link>,
    /// The vote, for a vote.
    pub vote: Option<VoteView>,
}

impl<'a> Ctx<'a> {
    /// The chain of department `dept` in review `r` (the page `review`), with its `votes`
    /// oldest first.
    pub fn chain(&self, review: &Page, r: &Review, dept: &str, votes: &[VoteView]) -> Chain {
        let members: Vec<&Page> = self
            .index
            .pages_at(self.index.by_review.get(r.id.as_str()))
            .filter(|p| !std::ptr::eq(*p, review))
            .collect();
        let mut steps = Vec::new();
        let mut reply_deadline = None;
        for p in &members {
            if let Details::Opinion(o) = &p.doc.details
                && o.department == dept
            {
                reply_deadline = o.reply_deadline;
                steps.push(Step {
                    kind: "opinion",
                    label: "评议意见".to_string(),
                    round: 0,
                    date: o.issued.or(p.doc.date),
                    doc: Some(self.doc_link(p)),
                    vote: None,
                });
            }
        }
        let mut rects: Vec<(u32, Phase, Option<Date>, &Page)> = members
            .iter()
            .filter_map(|p| match &p.doc.details {
                Details::Rectification(x) if x.department == dept => {
                    Some((x.round, x.phase, p.doc.date, *p))
                }
                _ => None,
            })
            .collect();
        // Oldest first: by round, the plan before the report, then by date.
        rects.sort_by_key(|&(round, phase, date, _)| (round, phase, date));
        let rounds = rects
            .iter()
            .map(|r| r.0)
            .chain(votes.iter().map(|v| v.round))
            .max()
            .unwrap_or(0);
        for round in 1..=rounds {
            for &(_, phase, date, p) in rects.iter().filter(|x| x.0 == round) {
                steps.push(Step {
                    kind: match phase {
                        Phase::Plan => "plan",
                        Phase::Report => "report",
                    },
                    label: format!("第{round}轮{}", phase.label()),
                    round,
                    date,
                    doc: Some(self.doc_link(p)),
                    vote: None,
                });
            }
            for v in votes.iter().filter(|v| v.round == round) {
                steps.push(Step {
                    kind: "vote",
                    label: format!("第{round}轮满意度测评"),
                    round,
                    date: None,
                    doc: None,
                    vote: Some(v.clone()),
                });
            }
        }
        let (mut stands, state) = self.stands(&steps, r, dept);
        // Until the department reports, the date its report is due.
        if let (Some(due), false) = (reply_deadline, steps.iter().any(|s| s.kind == "report")) {
            stands.push_str(&format!("（整改情况报告应于 {due} 前报送）"));
        }
        Chain {
            steps,
            stands,
            state,
        }
    }

    /// Where a chain stands, from its last step.
    fn stands(&self, steps: &[Step], r: &Review, dept: &str) -> (String, &'static str) {
        let Some(last) = steps.last() else {
            return ("评议进行中，尚未进入整改".to_string(), "waiting");
        };
        let round = last.round;
        match (last.kind, &last.vote) {
            ("opinion", _) => ("已交办评议意见，待报送整改方案".to_string(), "waiting"),
            ("plan", _) => (format!("第{round}轮整改方案已报送，整改中"), "waiting"),
            ("report", _) => (
                format!("第{round}轮整改情况报告已报送，待满意度测评"),
                "waiting",
            ),
            (_, Some(v)) if v.verdict == "不满意" => (
                format!("第{round}轮满意度测评为不满意，正在再次整改"),
                "redo",
            ),
            (_, Some(v)) => {
                let open = self
                    .dept_items(dept)
                    .filter(|(p, _)| p.doc.review.as_ref() == Some(&r.id))
                    .filter(|(_, i)| matches!(i.status, Status::Registered | Status::InProgress))
                    .count();
                let rest = if open > 0 {
                    format!("，尚有 {open} 项整改事项未完成，继续跟踪督办")
                } else {
                    String::new()
                };
                (
                    format!("第{round}轮满意度测评为{}{rest}", v.verdict),
                    "done",
                )
            }
            _ => (String::new(), "waiting"),
        }
    }
}
