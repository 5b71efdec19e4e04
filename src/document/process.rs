//! The review's record beyond its notices: the committee's opinion to one department (评议意见,
//! numbered points) and the investigation's report (调查报告: team, questionnaires,
//! activities), and the channels a call for opinions gives readers. The checks here need only
//! the document itself; whether departments exist, one opinion per department, and the order
//! of activities (a warning) are `validate`'s.

use serde::{Deserialize, Deserializer, Serialize};

use super::{Raw, Report};
use crate::config::is_url_safe;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator};
use crate::frontmatter::{KeyLines, key_line};

/// One numbered point of an opinion.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Written `1` or `"1"`: the point's number, unique within its opinion. Its anchor on
    /// the page is `point-{id}`.
    #[serde(deserialize_with = "number_or_text")]
    pub id: String,
    pub text: String,
}

/// A point's id as a string, from a YAML number or string.
pub(super) fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number or a string")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.trim().to_string())
        }
    }
    d.deserialize_any(V)
}

/// 评议意见: what the committee asks of one department, point by point.
#[derive(Debug, Clone, Serialize)]
pub struct Opinion {
    pub department: String,
    /// 交办日期; the document's `date` when not written.
    pub issued: Option<Date>,
    /// 答复期限: when the department's report is due.
    pub reply_deadline: Option<Date>,
    pub points: Vec<Point>,
}

/// 调查组: who investigated.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// 调查组组长.
    #[serde(default)]
    pub leader: Option<String>,
    /// 人数.
    #[serde(default)]
    pub members: Option<u32>,
    /// 其中人大代表.
    #[serde(default)]
    pub deputies: Option<u32>,
}

/// One visit, 座谈会 or inspection of an investigation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub date: Date,
    /// 视察, 座谈, 暗访…: free text.
    pub kind: String,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// 调查报告.
#[derive(Debug, Clone, Serialize)]
pub struct Investigation {
    pub departments: Vec<String>,
    pub team: Option<Team>,
    /// 问卷份数.
    pub questionnaires: Option<u32>,
    /// Oldest first (a warning otherwise).
    pub activities: Vec<Activity>,
    /// The file line of each activity (its `date:`), for that warning.
    #[serde(skip)]
    pub activity_lines: Vec<usize>,
}

/// How a reader sends an opinion in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Mail,
    Email,
    Phone,
    Web,
    Visit,
}

impl ChannelKind {
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Mail => "mail",
            ChannelKind::Email => "email",
            ChannelKind::Phone => "phone",
            ChannelKind::Web => "web",
            ChannelKind::Visit => "visit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Mail => "信函",
            ChannelKind::Email => "电子邮件",
            ChannelKind::Phone => "电话",
            ChannelKind::Web => "网上留言",
            ChannelKind::Visit => "来访",
        }
    }
}

/// One of a call for opinions' channels.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub kind: ChannelKind,
    pub value: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Channel {
    /// Where a reader's click goes: `mailto:` for an email address, `tel:` for a phone number
    /// (its digits and `+` alone), the address itself for an http(s) web address; `None`
    /// for anything else, which the page shows as text.
    pub fn href(&self) -> Option<String> {
        let v = self.value.trim();
        match self.kind {
            ChannelKind::Email => {
                let plain = !v.is_empty()
                    && v.contains('@')
                    && !v.contains(|c: char| c.is_whitespace() || "<>\"'?&#:/\\".contains(c));
                plain.then(|| format!("mailto:{v}"))
            }
            ChannelKind::Phone => {
                let digits: String = v
                    .chars()
                    .take_while(|c| !matches!(c, '（' | '(' | '，' | ','))
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                (digits.len() >= 3).then(|| format!("tel:{digits}"))
            }
            ChannelKind::Web => {
                let lower = v.to_ascii_lowercase();
                let web = (lower.starts_with("https://") || lower.starts_with("http://"))
                    && !v.contains(|c: char| c.is_whitespace() || c.is_control());
                web.then(|| v.to_string())
            }
            ChannelKind::Mail | ChannelKind::Visit => None,
        }
    }
}

/// The opinion's fields, with its points checked: not empty, ids usable in a URL, unique.
pub(super) fn opinion(r: &mut Report<'_>, raw: &mut Raw, present: &[&str]) -> Opinion {
    let points = raw.points.take().unwrap_or_default();
    if points.is_empty() && present.contains(&"points") {
        r.at_key(
            "points",
            1,
            "评议意见的 points 是空的".into(),
            Some("逐条写出评议意见,每条写 id 和 text,例如 - {id: 1, text: 意见内容}".into()),
        );
    }
    let from = key_line(r.split, "points", 1).unwrap_or(1);
    let (ids, mut locator) = (KeyLines::new(r.split, "id"), Locator::new(r.text));
    // Each id with the line it was first written on.
    let mut seen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut next = from;
    for p in &points {
        let line = ids.from(next).unwrap_or(next);
        next = line + 1;
        if !is_url_safe(&p.id) {
            r.diags.push(
                Diagnostic::error(r.path, format!("评议意见的编号 id `{}` 无效", p.id))
                    .at_line(&mut locator, line, 1)
                    .with_hint("编号写数字,例如 id: 1;也可用小写字母、数字和 -"),
            );
        } else if let Some(first) = seen.get(p.id.as_str()) {
            r.diags.push(
                Diagnostic::error(r.path, format!("评议意见的编号 id `{}` 重复", p.id))
                    .at_line(&mut locator, line, 1)
                    .with_hint(format!(
                        "第 {first} 行已有这个编号;每条意见的编号须各不相同"
                    )),
            );
        } else {
            seen.insert(&p.id, line);
        }
        if p.text.trim().is_empty() {
            r.diags.push(
                Diagnostic::error(r.path, format!("评议意见第 {} 条的 text 是空的", p.id)).at_line(
                    &mut locator,
                    line,
                    1,
                ),
            );
        }
    }
    let (issued, reply_deadline) = (raw.issued.or(raw.date), raw.reply_deadline);
    if let (Some(i), Some(d)) = (issued, reply_deadline)
        && d < i
    {
        r.at_key(
            "reply_deadline",
            1,
            format!("答复期限 reply_deadline: {d} 早于交办日期 {i}"),
            Some("答复期限应在交办日期之后".into()),
        );
    }
    Opinion {
        department: raw.department.take().unwrap_or_default(),
        issued,
        reply_deadline,
        points,
    }
}

/// The investigation's fields, with its team checked: no more deputies than members.
pub(super) fn investigation(r: &mut Report<'_>, raw: &mut Raw) -> Investigation {
    let team = raw.team.take();
    if let Some(Team {
        members: Some(m),
        deputies: Some(d),
        ..
    }) = &team
        && d > m
    {
        let at = key_line(r.split, "team", 1).unwrap_or(1);
        let line = key_line(r.split, "deputies", at).unwrap_or(at);
        let mut locator = Locator::new(r.text);
        r.diags.push(
            Diagnostic::error(
                r.path,
                format!("调查组中人大代表 {d} 人,多于调查组总人数 {m} 人"),
            )
            .at_line(&mut locator, line, 1)
            .with_hint("members 是调查组总人数,deputies 是其中的人大代表人数"),
        );
    }
    let activities = raw.activities.take().unwrap_or_default();
    let at = key_line(r.split, "activities", 1).unwrap_or(1);
    let dates = KeyLines::new(r.split, "date");
    let mut next = at + 1;
    let activity_lines = activities
        .iter()
        .map(|_| {
            let line = dates.from(next).unwrap_or(at);
            next = line + 1;
            line
        })
        .collect();
    Investigation {
        departments: raw.departments.take().unwrap_or_default(),
        team,
        questionnaires: raw.questionnaires,
        activities,
        activity_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Details, Document};

    fn opinion(points: &str) -> Result<Document, Vec<Diagnostic>> {
        Document::parse(
            std::path::Path::new("content/2024/opinions/a.md"),
            &format!(
                "---\ntitle: 意见\ntype: opinion\ndate: 2024-09-05\nreview: \"2024\"\ndepartment: housing\npoints:\n{points}---\n"
            ),
        )
    }

    #[test]
    fn point_ids_may_be_numbers_or_text_and_are_anchors() {
        let d =
            opinion("  - {id: 1, text: 一}\n  - {id: \"2\", text: 二}\n  - {id: 3a, text: 三}\n")
                .unwrap();
        let Details::Opinion(o) = &d.details else {
            panic!()
        };
        let ids: Vec<_> = o.points.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3a"]);
        // Not written: issued on the day it was published.
        assert_eq!(o.issued, d.date);
        assert_eq!(d.url(), "/2024/opinions/a/");
    }

    #[test]
    fn a_point_id_that_cannot_be_an_anchor_or_an_empty_list_is_refused() {
        let e = opinion("  - {id: 第一条, text: 一}\n").unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].location(), "content/2024/opinions/a.md:8:1");
        let e = Document::parse(
            std::path::Path::new("content/a.md"),
            "---\ntitle: 意见\ntype: opinion\ndate: 2024-09-05\nreview: \"2024\"\ndepartment: housing\npoints: []\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].location(), "content/a.md:7:1");
        assert!(e[0].message.contains("points 是空的"), "{}", e[0].message);
    }

    #[test]
    fn a_reply_deadline_before_the_opinion_was_issued_is_refused() {
        let e = Document::parse(
            std::path::Path::new("content/a.md"),
            "---\ntitle: 意见\ntype: opinion\ndate: 2024-09-05\nreview: \"2024\"\ndepartment: housing\nreply_deadline: 2024-09-01\npoints:\n  - {id: 1, text: 一}\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].location(), "content/a.md:7:1");
    }

    fn channel(kind: ChannelKind, value: &str) -> Channel {
        Channel {
            kind,
            value: value.into(),
            note: None,
        }
    }

    #[test]
    fn only_plain_addresses_become_links() {
        use ChannelKind::*;
        let href = |k, v| channel(k, v).href();
        assert_eq!(
            href(Email, "rd@example.gov.cn").as_deref(),
            Some("mailto:rd@example.gov.cn")
        );
        assert_eq!(href(Email, "a@b.cn?subject=x"), None);
        assert_eq!(
            href(Phone, "0000-12345678（工作日）").as_deref(),
            Some("tel:000012345678")
        );
        assert_eq!(href(Phone, "请来电"), None);
        assert_eq!(
            href(Web, "https://rd.example.gov.cn/ly/").as_deref(),
            Some("https://rd.example.gov.cn/ly/")
        );
        assert_eq!(href(Web, "javascript:alert(1)"), None);
        assert_eq!(href(Web, "www.example.gov.cn"), None);
        assert_eq!(href(Mail, "示例市人民路1号"), None);
    }
}
