//! The rules for a review's 满意度测评 results (`results`): each names a department of the
//! review, once per round; its head counts add up; its verdict is what the votes give under
//! `site.yaml`'s `satisfaction` (a warning); a later round follows a round voted 不满意 (a
//! warning). Every diagnostic points at the line of its own result.

use rustc_hash::FxHashMap;

use crate::config::{Basis, Satisfaction};
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Review, Verdict, VoteResult};
use crate::frontmatter::{self, Split, has_key};

use super::Known;

/// The file lines of one result: its first, and the one after its last.
type Span = (usize, usize);

/// Checks every result of review `r` in `doc`.
pub(super) fn check(known: &Known<'_>, doc: &Document, r: &Review, diags: &mut Vec<Diagnostic>) {
    let Ok(split) = frontmatter::split(&doc.source, &doc.text) else {
        return;
    };
    let spans = row_spans(&split, r.results.len());
    let mut seen: FxHashMap<(&str, u32), usize> = FxHashMap::default();
    for (v, &span) in r.results.iter().zip(&spans) {
        let line = |key: &str| key_in(&split, span, key);
        let at = |d: Diagnostic, key: &str| d.at(&doc.text, line(key), 1);
        let dept = line("department");
        if !known.dept_ids.contains(&v.department.as_str()) {
            diags.push(known.unknown_dept(doc, "department", dept, &v.department));
        } else if !r.departments.contains(&v.department) {
            diags.push(at(
                Diagnostic::error(
                    &doc.source,
                    format!(
                        "测评结果中的部门 `{}` 不在本次评议的 departments 中",
                        v.department
                    ),
                )
                .with_hint("测评的部门须是本次评议的受评部门:请改正部门 id,或把它加入 departments"),
                "department",
            ));
        }
        if v.round == 0 {
            diags.push(at(
                Diagnostic::error(&doc.source, "测评轮次 round 从 1 开始")
                    .with_hint("第一次测评写 round: 1(也可不写),再次测评写 2、3……"),
                "round",
            ));
        } else if let Some(first) = seen.insert((&v.department, v.round), line("round")) {
            seen.insert((&v.department, v.round), first);
            diags.push(at(
                Diagnostic::error(
                    &doc.source,
                    format!(
                        "部门 `{}` 第{}轮的测评结果写了两次(第 {first} 行已有)",
                        v.department, v.round
                    ),
                )
                .with_hint("同一部门每轮测评只写一项;再次整改后重新测评的,写下一轮的 round"),
                "round",
            ));
        }
        if let Some((key, d)) = head_counts(doc, v) {
            diags.push(at(d, key));
        }
        if let Some(d) = contradicted(known.satisfaction, doc, v) {
            diags.push(at(d, "verdict"));
        }
        if let Some(d) = out_of_turn(r, doc, v) {
            diags.push(at(d, "round"));
        }
    }
}

/// Where each of `count` results is: one span a list item in block style; the `results:`
/// line for every result when they are not laid out one to an item (a flow list).
fn row_spans(split: &Split<'_>, count: usize) -> Vec<Span> {
    let Some(at) = frontmatter::key_line(split, "results", 1) else {
        return vec![(1, 2); count];
    };
    let (mut starts, mut indent, mut end) = (Vec::new(), None, at + 1);
    for (n, line) in split.numbered_lines().skip(at + 1 - split.yaml_line) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this = line.len() - trimmed.len();
        let item = trimmed == "-" || trimmed.starts_with("- ");
        if this == 0 && !item {
            break;
        }
        if item && indent.is_none_or(|i| i == this) {
            indent = Some(this);
            starts.push(n);
        }
        end = n + 1;
    }
    if starts.len() != count {
        return vec![(at, at + 1); count];
    }
    let next = starts.iter().skip(1).copied().chain([end]);
    starts.iter().copied().zip(next).collect()
}

/// The line of `key` within `span`, else the span's first line.
fn key_in(split: &Split<'_>, (start, end): Span, key: &str) -> usize {
    let pattern = format!("{key}:");
    split
        .numbered_lines()
        .skip(start.saturating_sub(split.yaml_line))
        .take(end.saturating_sub(start))
        .find(|(_, l)| has_key(l, &pattern))
        .map_or(start, |(n, _)| n)
}

/// Votes counted from more people than were present, or more present than there are
/// members: the error and the key it is about.
fn head_counts(doc: &Document, v: &VoteResult) -> Option<(&'static str, Diagnostic)> {
    let counted = v.counted();
    let error = |message: String| Diagnostic::error(&doc.source, message);
    if let (Some(present), Some(members)) = (v.present, v.members)
        && present > members
    {
        return Some((
            "present",
            error(format!(
                "出席人数 present: {present} 多于组成人员总数 members: {members}"
            ))
            .with_hint("出席人数不会超过组成人员总数;请核对会议记录"),
        ));
    }
    let (key, whom, most, short) = match (v.present, v.members) {
        (Some(p), _) => ("present", "出席人数 present", p, "出席人数"),
        (None, Some(m)) => ("members", "组成人员总数 members", m, "组成人员总数"),
        (None, None) => return None,
    };
    (counted > u64::from(most)).then(|| {
        (
            key,
            error(format!(
                "部门 `{}` 第{}轮的票数合计 {counted} 多于{whom}: {most}",
                v.department, v.round
            ))
            .with_hint(format!(
                "满意、基本满意、不满意三项票数之和不会超过{short};请核对票数"
            )),
        )
    })
}

/// A verdict the votes do not give under `s`: a warning.
fn contradicted(s: Satisfaction, doc: &Document, v: &VoteResult) -> Option<Diagnostic> {
    let basis = match s.basis {
        Basis::Members => v.members.map(u64::from),
        Basis::Present => v.present.map(u64::from),
        Basis::Cast => v.cast(),
    }?;
    let expected = s.verdict(Some(basis), v.satisfied, v.basically_satisfied)?;
    if expected == v.verdict {
        return None;
    }
    let votes = [
        ("满意", v.satisfied),
        ("基本满意", v.basically_satisfied),
        ("不满意", v.unsatisfied),
    ]
    .iter()
    .filter_map(|(label, n)| n.map(|n| format!("{label} {n} 票")))
    .collect::<Vec<_>>()
    .join("、");
    let percent = |share: f64| format!("{}%", (share * 10_000.0).round() / 100.0);
    Some(
        Diagnostic::warning(
            &doc.source,
            format!(
                "部门 `{}` 第{}轮测评结论写的是{},但按票数({votes},{} {basis})应为{}",
                v.department,
                v.round,
                v.verdict.label(),
                s.basis.label(),
                expected.label()
            ),
        )
        .with_hint(format!(
            "按 site.yaml 的 satisfaction:满意票超过{}的 {} 为满意,满意与基本满意票合计超过 {} 为基本满意,否则为不满意;请核对票数和结论",
            s.basis.label(),
            percent(s.satisfied),
            percent(s.basically_satisfied)
        )),
    )
}

/// A round after the first that does not follow a round of its department voted 不满意: a
/// warning (a department is voted on again only after it was found 不满意).
fn out_of_turn(r: &Review, doc: &Document, v: &VoteResult) -> Option<Diagnostic> {
    if v.round <= 1 {
        return None;
    }
    let before = v.round - 1;
    let earlier = r
        .results
        .iter()
        .find(|e| e.department == v.department && e.round == before);
    let message = match earlier {
        None => format!(
            "部门 `{}` 有第{}轮测评,却没有第{before}轮的测评结果",
            v.department, v.round
        ),
        Some(e) if e.verdict != Verdict::Unsatisfied => format!(
            "部门 `{}` 第{before}轮测评为{},不需要第{}轮测评",
            v.department,
            e.verdict.label(),
            v.round
        ),
        Some(_) => return None,
    };
    Some(
        Diagnostic::warning(&doc.source, message)
            .with_hint("测评不满意的部门再次整改后才重新测评;请核对 round 和上一轮的 verdict"),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::date::Date;
    use crate::document::Details;

    const SITE: &str = "title: 站\nbase_url: https://x.gov.cn\ndepartments:\n  - {id: housing, name: 住建局}\n  - {id: transport, name: 交通局}\n  - {id: water, name: 水务局}\n";

    /// The diagnostics of a review whose `results:` is `results`, as `line: message`.
    fn check_results(satisfaction: &str, results: &str) -> Vec<(usize, bool, String)> {
        let config = Config::parse(Path::new("site.yaml"), &format!("{SITE}{satisfaction}"))
            .expect("a valid config");
        let text = format!(
            "---\ntitle: 评议\ntype: review\ndate: 2025-03-01\nid: \"2025\"\nyear: 2025\ndepartments: [housing, transport]\nresults:\n{results}---\n正文\n"
        );
        let doc = Document::parse(Path::new("content/2025/review.md"), &text)
            .unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        let Details::Review(r) = &doc.details else {
            panic!("a review")
        };
        let known = known(&config);
        let mut diags = Vec::new();
        check(&known, &doc, r, &mut diags);
        diags
            .into_iter()
            .map(|d| (d.line.unwrap_or(0), d.is_error(), d.message))
            .collect()
    }

    const GOOD: &str = "  - {department: housing, round: 1, meeting: 第二十次会议, date: 2025-10-29, members: 45, present: 40, satisfied: 29, basically_satisfied: 8, unsatisfied: 1, verdict: 满意}\n  - {department: transport, round: 1, satisfied: 6, basically_satisfied: 11, unsatisfied: 21, verdict: 不满意}\n  - {department: transport, round: 2, verdict: 基本满意}\n";

    /// What the tests' review is checked against: `config`'s departments, review 2025.
    fn known(config: &Config) -> Known<'_> {
        Known {
            dept_ids: config.departments.iter().map(|d| d.id.as_str()).collect(),
            review_ids: vec!["2025"],
            today: Date::parse("2026-01-01").expect("a date"),
            satisfaction: config.satisfaction,
            review_years: Default::default(),
            latest: Default::default(),
            points: Default::default(),
            words: Vec::new(),
            unread: Default::default(),
            withheld_reviews: Default::default(),
        }
    }
    #[test]
    fn consistent_results_pass() {
        assert_eq!(check_results("", GOOD), []);
        // Block style, and a result with the verdict alone.
        let block = "  - department: housing\n    members: 45\n    present: 40\n    satisfied: 21\n    verdict: 满意\n  - department: transport\n    verdict: 不满意\n";
        assert_eq!(check_results("", block), []);
    }

    #[test]
    fn a_department_voted_twice_in_a_round_is_an_error_at_the_second() {
        let results = "  - {department: housing, satisfied: 29, basically_satisfied: 8, unsatisfied: 1, verdict: 满意}\n  - department: housing\n    round: 1\n    verdict: 满意\n";
        let d = check_results("", results);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, 11);
        assert!(d[0].1);
        assert!(
            d[0].2.contains("第1轮的测评结果写了两次(第 9 行已有)"),
            "{d:?}"
        );
    }

    #[test]
    fn head_counts_must_add_up() {
        let results = "  - {department: housing, members: 45, present: 46, verdict: 满意}\n  - department: transport\n    present: 40\n    satisfied: 30\n    basically_satisfied: 8\n    unsatisfied: 3\n    verdict: 满意\n  - {department: transport, round: 2, members: 10, satisfied: 11, verdict: 满意}\n";
        let d = check_results("", results);
        let errors: Vec<_> = d.iter().filter(|d| d.1).collect();
        assert_eq!(errors.len(), 3, "{d:?}");
        assert_eq!(errors[0].0, 9);
        assert!(
            errors[0]
                .2
                .contains("出席人数 present: 46 多于组成人员总数 members: 45")
        );
        assert_eq!(errors[1].0, 11, "the line of `present`");
        assert!(errors[1].2.contains("票数合计 41 多于出席人数 present: 40"));
        assert_eq!(errors[2].0, 16);
        assert!(
            errors[2]
                .2
                .contains("票数合计 11 多于组成人员总数 members: 10")
        );
        assert!(
            check_results("", "  - {department: housing, round: 0, verdict: 满意}\n")[0]
                .2
                .contains("从 1 开始")
        );
    }

    #[test]
    fn a_verdict_the_votes_contradict_is_a_warning_at_its_line() {
        let results = "  - department: housing\n    present: 40\n    satisfied: 2\n    basically_satisfied: 8\n    unsatisfied: 30\n    verdict: 满意\n";
        let d = check_results("", results);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, 14, "the line of `verdict`");
        assert!(!d[0].1, "a warning");
        assert!(
            d[0].2.contains("写的是满意") && d[0].2.contains("应为不满意"),
            "{d:?}"
        );
        // Exactly half is not more than half: 20 of 40 present is 基本满意 at best.
        let half = "  - {department: housing, present: 40, satisfied: 20, basically_satisfied: 1, unsatisfied: 19, verdict: 满意}\n";
        assert!(check_results("", half)[0].2.contains("应为基本满意"));
    }

    #[test]
    fn the_basis_and_shares_come_from_site_yaml() {
        // 24 of 45 members is more than half; of 30 cast it is not more than 0.8.
        let vote = "  - {department: housing, members: 45, present: 40, satisfied: 24, basically_satisfied: 4, unsatisfied: 2, verdict: 满意}\n";
        assert_eq!(check_results("satisfaction: {basis: members}\n", vote), []);
        let strict = "satisfaction: {basis: cast, satisfied: 0.8, basically_satisfied: 0.9}\n";
        let d = check_results(strict, vote);
        assert!(d[0].2.contains("应为基本满意"), "{d:?}");
        // Without the number the basis needs, the verdict is not judged.
        let bare = "  - {department: housing, satisfied: 1, verdict: 满意}\n";
        assert_eq!(check_results("satisfaction: {basis: members}\n", bare), []);
    }

    #[test]
    fn a_later_round_follows_a_round_voted_unsatisfied() {
        let results = "  - {department: housing, verdict: 基本满意}\n  - {department: housing, round: 2, verdict: 满意}\n  - {department: transport, round: 3, verdict: 满意}\n";
        let d = check_results("", results);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].0, d[0].1), (10, false));
        assert!(d[0].2.contains("第1轮测评为基本满意,不需要第2轮测评"));
        assert_eq!(d[1].0, 11);
        assert!(d[1].2.contains("没有第2轮的测评结果"));
    }

    #[test]
    fn a_department_not_of_the_site_or_the_review_is_an_error_at_its_line() {
        let results = "  - {department: housing, verdict: 满意}\n  - {department: housng, verdict: 满意}\n  - {department: water, verdict: 满意}\n";
        let d = check_results("", results);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].0, 10);
        assert!(d[0].2.contains("未知部门 `housng`"));
        assert_eq!(d[1].0, 11);
        assert!(d[1].2.contains("不在本次评议的 departments 中"));
    }

    /// Every problem of a run is reported, each with a hint on what to do.
    #[test]
    fn every_problem_is_reported_with_a_hint() {
        let config = Config::parse(Path::new("site.yaml"), SITE).expect("a valid config");
        let text = "---\ntitle: 评议\ntype: review\ndate: 2025-03-01\nid: \"2025\"\nyear: 2025\ndepartments: [housing]\nresults:\n  - {department: housng, round: 0, verdict: 满意}\n  - {department: water, verdict: 满意}\n  - {department: housing, round: 3, members: 4, present: 5, satisfied: 1, basically_satisfied: 0, unsatisfied: 0, verdict: 不满意}\n  - {department: housing, round: 3, verdict: 满意}\n---\n";
        let doc = Document::parse(Path::new("r.md"), text).expect("parses");
        let Details::Review(r) = &doc.details else {
            panic!("a review")
        };
        let known = known(&config);
        let mut diags = Vec::new();
        check(&known, &doc, r, &mut diags);
        // An unknown department and round 0; a department not of the review; present above
        // members, and no round 2 before round 3; round 3 twice, and again no round 2.
        let lines: Vec<_> = diags.iter().map(|d| (d.line, d.is_error())).collect();
        assert_eq!(
            lines,
            [
                (Some(9), true),
                (Some(9), true),
                (Some(10), true),
                (Some(11), true),
                (Some(11), false),
                (Some(12), true),
                (Some(12), false),
            ],
            "{diags:#?}"
        );
        assert!(diags.iter().all(|d| d.hint.is_some()), "{diags:#?}");
    }

    /// Watch reuses a document's diagnostics while `Known::fingerprint` stays: a change of
    /// `satisfaction` in site.yaml must change it, or a verdict would be judged by the old rule.
    #[test]
    fn the_fingerprint_covers_satisfaction() {
        let known = |s: Satisfaction| Known {
            dept_ids: vec!["housing"],
            review_ids: vec!["2025"],
            today: Date::parse("2026-01-01").expect("a date"),
            satisfaction: s,
            review_years: Default::default(),
            latest: Default::default(),
            points: Default::default(),
            words: Vec::new(),
            unread: Default::default(),
            withheld_reviews: Default::default(),
        };
        let default = Satisfaction::default();
        let fingerprint = known(default).fingerprint();
        for other in [
            Satisfaction {
                basis: Basis::Members,
                ..default
            },
            Satisfaction {
                satisfied: 0.6,
                ..default
            },
            Satisfaction {
                basically_satisfied: 0.4,
                ..default
            },
        ] {
            assert_ne!(known(other).fingerprint(), fingerprint, "{other:?}");
        }
        assert_eq!(known(default).fingerprint(), fingerprint);
    }

    #[test]
    fn results_in_a_flow_list_point_at_their_key() {
        let text = "---\ntitle: 评议\ntype: review\ndate: 2025-03-01\nid: \"2025\"\nyear: 2025\ndepartments: [housing]\nresults: [{department: housing, verdict: 满意}, {department: housing, verdict: 满意}]\n---\n";
        let doc = Document::parse(Path::new("r.md"), text).expect("parses");
        let split = frontmatter::split(Path::new("r.md"), text).expect("splits");
        assert_eq!(row_spans(&split, 2), [(8, 9), (8, 9)]);
        assert_eq!(doc.line_of("results", 1), 8);
    }
}
