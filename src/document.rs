//! A document: front matter deserialised and checked for the rules that need only the
//! document itself, its slug and URL.
//!
//! What differs between kinds is in `kind` (names, fields, required fields); what only one
//! kind has is in `details`, the rectification ledger's items in `ledger`. Rules that need the
//! whole site (ids that exist, unique URLs, links, overdue items) are in `validate`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::Retention;
use crate::config::is_url_safe;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Locator};
use crate::frontmatter::{self, KeyLines, Split, key_line};
use crate::slug;
use crate::yaml::from_yaml_all;

mod details;
mod identity;
mod ledger;
mod process;

use crate::kind::KINDS;
pub use crate::kind::Kind;
pub use details::{
    Details, Notice, NoticeKind, Phase, Rectification, Review, ReviewKind, Speech, Stage, Verdict,
    VoteResult,
};
pub use identity::{Identity, Unread};
pub use ledger::{Extension, Item, Progress, Status, Verified};
pub use process::{Activity, Channel, ChannelKind, Investigation, Opinion, Point, Team};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub title: String,
    /// Relative to the document's folder.
    pub file: String,
}

/// The front matter as written: every field of every type, all optional, so that missing and
/// misplaced fields are reported together rather than one at a time. It is where each field's
/// type is written; which kinds own a field is [`crate::kind`]'s table (a test holds the two
/// together). One struct rather than one per kind flattened into it: serde's `flatten` reads
/// through a buffer that drops the line and column of a nested value's error, and does not
/// work with `deny_unknown_fields`, which names a misspelt field.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    #[serde(rename = "type")]
    kind: Option<Kind>,
    date: Option<Date>,
    review: Option<String>,
    slug: Option<String>,
    summary: Option<String>,
    tags: Option<Vec<String>>,
    index_no: Option<String>,
    issuer: Option<String>,
    doc_number: Option<String>,
    written_date: Option<Date>,
    retention: Option<Retention>,
    attachments: Option<Vec<Attachment>>,
    draft: Option<bool>,
    // review
    id: Option<String>,
    /// The review's `kind` (`type` is the document's kind).
    #[serde(rename = "kind")]
    review_kind: Option<ReviewKind>,
    year: Option<i32>,
    departments: Option<Vec<String>>,
    stages: Option<Vec<Stage>>,
    results: Option<Vec<VoteResult>>,
    // speech
    speaker: Option<String>,
    speaker_title: Option<String>,
    occasion: Option<String>,
    venue: Option<String>,
    // notice
    notice_kind: Option<NoticeKind>,
    deadline: Option<Date>,
    channels: Option<Vec<Channel>>,
    received: Option<u32>,
    // opinion (and `department`)
    issued: Option<Date>,
    reply_deadline: Option<Date>,
    points: Option<Vec<Point>>,
    // investigation (and `departments`)
    team: Option<Team>,
    questionnaires: Option<u32>,
    activities: Option<Vec<Activity>>,
    // rectification
    department: Option<String>,
    round: Option<u32>,
    phase: Option<Phase>,
    items: Option<Vec<Item>>,
}

/// A parsed document. Markdown is rendered later, once every document's URL is known.
#[derive(Debug, Clone)]
pub struct Document {
    /// Relative to the site root: `content/2024/speeches/x.md`.
    pub source: PathBuf,
    /// The whole file, kept so later rules can point at a line.
    pub text: String,
    /// A hash of `text`: what a rebuild compares to know whether the document changed.
    pub hash: u64,
    pub title: String,
    pub kind: Kind,
    /// Required for every type but `page`.
    pub date: Option<Date>,
    pub review: Option<String>,
    pub slug: String,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub index_no: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub written_date: Option<Date>,
    /// 保管期限 when archived; else the site's `archive.retention`.
    pub retention: Option<Retention>,
    pub attachments: Vec<Attachment>,
    pub draft: bool,
    pub body_line: usize,
    /// Byte offset of the body in `text`.
    pub body_offset: usize,
    /// Site-relative URL, from the content model's table; see [`Document::url`].
    url: String,
    pub details: Details,
}

impl Raw {
    fn present(&self) -> Vec<&'static str> {
        let set = [
            ("id", self.id.is_some()),
            ("kind", self.review_kind.is_some()),
            ("year", self.year.is_some()),
            ("departments", self.departments.is_some()),
            ("stages", self.stages.is_some()),
            ("results", self.results.is_some()),
            ("speaker", self.speaker.is_some()),
            ("speaker_title", self.speaker_title.is_some()),
            ("occasion", self.occasion.is_some()),
            ("venue", self.venue.is_some()),
            ("notice_kind", self.notice_kind.is_some()),
            ("deadline", self.deadline.is_some()),
            ("department", self.department.is_some()),
            ("round", self.round.is_some()),
            ("phase", self.phase.is_some()),
            ("items", self.items.is_some()),
            ("review", self.review.is_some()),
            ("channels", self.channels.is_some()),
            ("received", self.received.is_some()),
            ("issued", self.issued.is_some()),
            ("reply_deadline", self.reply_deadline.is_some()),
            ("points", self.points.is_some()),
            ("team", self.team.is_some()),
            ("questionnaires", self.questionnaires.is_some()),
            ("activities", self.activities.is_some()),
        ];
        set.into_iter().filter(|x| x.1).map(|x| x.0).collect()
    }
}

/// Collects diagnostics for one document, each pointing at a line of its front matter.
struct Report<'a> {
    path: &'a Path,
    text: &'a str,
    split: &'a Split<'a>,
    diags: Vec<Diagnostic>,
}

impl Report<'_> {
    fn at_key(&mut self, key: &str, from: usize, message: String, hint: Option<String>) {
        let line = key_line(self.split, key, from).unwrap_or(1);
        let mut d = Diagnostic::error(self.path, message).at(self.text, line, 1);
        d.hint = hint;
        self.diags.push(d);
    }
}

/// A value as a message shows it: control characters (a NUL, a line break) written out.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether a year, like a date, lies within [`Date::EARLIEST`] and [`Date::LATEST`].
pub fn content_year(year: i32) -> bool {
    (i32::from(Date::EARLIEST.year())..=i32::from(Date::LATEST.year())).contains(&year)
}

pub fn year_message(year: i32) -> String {
    format!(
        "年度 {year} 不在 {} 至 {} 之间,多半是笔误",
        Date::EARLIEST.year(),
        Date::LATEST.year()
    )
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Document {
    /// Parses one document; `path` is relative to the site root and only names the file in
    /// diagnostics and fixes the default slug. Pure: unit tests call it with inline text.
    pub fn parse(path: &Path, text: &str) -> Result<Document, Vec<Diagnostic>> {
        Document::parse_owned(path, text.to_string())
    }

    /// [`Document::parse`], keeping `source` as the document's text instead of a copy: a
    /// build holds every document's text, and two copies at once of a large site's is a
    /// lot of memory to touch.
    pub fn parse_owned(path: &Path, source: String) -> Result<Document, Vec<Diagnostic>> {
        Document::parse_keeping(path, source).map_err(|(d, _)| d)
    }

    /// [`Document::parse_owned`] for a build: a document that fails keeps, beside its
    /// problems, what can still be read of it ([`Identity`]).
    pub fn read(path: &Path, source: String) -> Result<Document, Unread> {
        Document::parse_keeping(path, source).map_err(|(diags, text)| Unread {
            identity: Identity::scan(path, &text),
            diags,
        })
    }

    /// Parses `source`, handing it back with the problems when it fails.
    fn parse_keeping(path: &Path, source: String) -> Result<Document, (Vec<Diagnostic>, String)> {
        let text = source.as_str();
        let split = match frontmatter::split(path, text) {
            Ok(split) => split,
            Err(d) => return Err((vec![d], source)),
        };
        let mut raw: Raw = if split.yaml.trim().is_empty() {
            Raw::default()
        } else {
            match from_yaml_all(path, text, split.yaml, split.yaml_line) {
                Ok(raw) => raw,
                Err(d) => return Err((d, source)),
            }
        };
        let mut r = Report {
            path,
            text,
            split: &split,
            diags: Vec::new(),
        };
        check_body(&mut r);
        let title = non_empty(raw.title.clone());
        let Some(kind) = raw.kind else {
            let missing = if title.is_none() {
                "title、type"
            } else {
                "type"
            };
            let kinds: Vec<String> = KINDS
                .iter()
                .map(|k| format!("{}({})", k.name, k.short_label))
                .collect();
            r.diags.push(
                Diagnostic::error(path, format!("缺少必填字段: {missing}"))
                    .at(text, 1, 1)
                    .with_hint(format!("type 可选: {}", kinds.join("、"))),
            );
            return Err((r.diags, source));
        };
        let present = raw.present();
        check_fields(&mut r, &raw, kind, &present, title.is_none());
        let slug = resolve_slug(&mut r, non_empty(raw.slug.take()));
        let details = details::parse(&mut r, kind, &mut raw, &present);
        check_attachments(&mut r, raw.attachments.as_deref().unwrap_or_default());
        if !r.diags.is_empty() {
            return Err((r.diags, source));
        }

        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            text.hash(&mut h);
            h.finish()
        };
        let (body_line, body_offset) = (split.body_line, text.len() - split.body.len());
        let mut doc = Document {
            source: path.to_path_buf(),
            text: source,
            hash,
            title: title.unwrap_or_default(),
            kind,
            date: raw.date,
            review: non_empty(raw.review),
            slug,
            summary: non_empty(raw.summary),
            tags: raw
                .tags
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| non_empty(Some(t)))
                .collect(),
            index_no: non_empty(raw.index_no),
            issuer: non_empty(raw.issuer),
            doc_number: non_empty(raw.doc_number),
            written_date: raw.written_date,
            retention: raw.retention,
            attachments: raw.attachments.unwrap_or_default(),
            draft: raw.draft.unwrap_or(false),
            body_line,
            body_offset,
            url: String::new(),
            details,
        };
        doc.url = doc.make_url();
        Ok(doc)
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The year in URLs and archives: of `date`, or the cycle's own year for a review.
    pub fn year(&self) -> Option<i32> {
        match &self.details {
            Details::Review(r) if r.year != 0 => Some(r.year),
            _ => self.date.map(|d| i32::from(d.year())),
        }
    }

    /// Site-relative URL with a trailing slash, from the content model's table.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn make_url(&self) -> String {
        match (&self.details, self.kind) {
            (Details::Review(r), _) => format!("/reviews/{}/", r.id),
            (_, Kind::Page) => format!("/{}/", self.slug),
            (_, kind) => format!(
                "/{}/{}/{}/",
                self.year().unwrap_or_default(),
                kind.plural(),
                self.slug
            ),
        }
    }

    /// The folder of the source, for resolving relative links and attachments.
    pub fn dir(&self) -> &Path {
        self.source.parent().unwrap_or(Path::new(""))
    }

    /// The department ids this document concerns.
    pub fn departments(&self) -> Vec<&str> {
        match &self.details {
            Details::Review(r) => r.departments.iter().map(String::as_str).collect(),
            Details::Notice(n) => n.departments.iter().map(String::as_str).collect(),
            Details::Rectification(r) => vec![r.department.as_str()],
            Details::Opinion(o) => vec![o.department.as_str()],
            Details::Investigation(i) => i.departments.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The review cycle this document belongs to (a review belongs to itself).
    pub fn review_id(&self) -> Option<&str> {
        match &self.details {
            Details::Review(r) => Some(&r.id),
            _ => self.review.as_deref(),
        }
    }

    /// The line of `key` in the front matter, searching from file line `from`.
    pub fn line_of(&self, key: &str, from: usize) -> usize {
        frontmatter::split(&self.source, &self.text)
            .ok()
            .and_then(|s| key_line(&s, key, from))
            .unwrap_or(1)
    }

    /// A diagnostic pointing at `key` in this document's front matter.
    pub fn error_at(&self, key: &str, from: usize, message: impl Into<String>) -> Diagnostic {
        let line = self.line_of(key, from);
        Diagnostic::error(&self.source, message).at(&self.text, line, 1)
    }
}

/// Refuses a body with a control character or noncharacter (see [`crate::plain`]): the first
/// is pointed at, and how many there are is said.
fn check_body(r: &mut Report<'_>) {
    let body = r.split.body;
    let Some((at, c)) = crate::plain::find_forbidden(body) else {
        return;
    };
    let count = body.chars().filter(|&c| crate::plain::forbidden(c)).count();
    let offset = r.text.len() - body.len() + at;
    let more = if count > 1 {
        format!(";正文中共有 {count} 处")
    } else {
        String::new()
    };
    r.diags.push(
        Diagnostic::error(
            r.path,
            format!("正文含有不能发布的{}{more}", crate::plain::describe(c)),
        )
        .at_offset(&mut Locator::new(r.text), offset)
        .with_hint("这个字符看不见,多半是从其他软件粘贴时带入的;请删除它"),
    );
}

/// Reports the fields that belong to another kind (most likely a wrong `type` or a
/// copy-paste), then every missing required field in one message.
fn check_fields(r: &mut Report<'_>, raw: &Raw, kind: Kind, present: &[&str], no_title: bool) {
    let mut missing: Vec<&str> = Vec::new();
    if no_title {
        missing.push("title");
    }
    for &field in kind.info().required {
        let filled = match field {
            "date" => raw.date.is_some(),
            "review" => raw.review.as_deref().is_some_and(|s| !s.trim().is_empty()),
            _ => present.contains(&field),
        };
        if !filled {
            missing.push(field);
        }
    }
    for &field in present {
        let owners: Vec<Kind> = crate::kind::owners(field).collect();
        if !owners.contains(&kind) {
            let owners: Vec<_> = owners.iter().map(|k| k.name()).collect();
            r.at_key(
                field,
                1,
                format!("字段 `{field}` 不适用于 type: {}", kind.name()),
                Some(format!("`{field}` 只用于 {}", owners.join("、"))),
            );
        }
    }
    if !missing.is_empty() {
        let line = key_line(r.split, "type", 1).unwrap_or(1);
        r.diags.push(
            Diagnostic::error(r.path, format!("缺少必填字段: {}", missing.join("、")))
                .at(r.text, line, 1)
                .with_hint(format!("type: {} 的文档必须填写这些字段", kind.name())),
        );
    }
}

/// The last URL segment: the written `slug`, else one made from the file name; empty (and
/// reported) when neither will do.
fn resolve_slug(r: &mut Report<'_>, written: Option<String>) -> String {
    match written {
        Some(s) if is_url_safe(&s) && s.len() > slug::MAX_WRITTEN_BYTES => {
            r.at_key(
                "slug",
                1,
                format!(
                    "slug 长 {} 字节,超过了 {} 字节的上限",
                    s.len(),
                    slug::MAX_WRITTEN_BYTES
                ),
                Some("网址的一段不宜过长:请取一个简短的 slug,例如几个关键词的拼音或英文".into()),
            );
            String::new()
        }
        Some(s) if is_url_safe(&s) => s,
        Some(s) => {
            let hint = match slug::derive(&s) {
                Some(d) => format!("只能用小写字母、数字和 -,例如 `{d}`"),
                None => "只能用小写字母、数字和 -".into(),
            };
            r.at_key(
                "slug",
                1,
                format!("slug `{}` 不能用在网址中", shown(&s)),
                Some(hint),
            );
            String::new()
        }
        None => {
            let stem = r
                .path
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            if is_url_safe(&stem) {
                return slug::cap(stem.to_string(), &stem);
            }
            slug::derive_capped(&stem).unwrap_or_else(|| {
                r.diags.push(
                    Diagnostic::error(r.path, format!("无法从文件名 `{stem}` 生成网址"))
                        .at(r.text, 1, 1)
                        .with_hint("请在文档属性中加一行 slug,例如 slug: mobilization-speech"),
                );
                String::new()
            })
        }
    }
}

/// Refuses attachment paths that could leave the document's folder or name nothing.
fn check_attachments(r: &mut Report<'_>, attachments: &[Attachment]) {
    let (files, mut locator) = (KeyLines::new(r.split, "file"), Locator::new(r.text));
    let mut from = 1;
    for a in attachments {
        let line = files.from(from).unwrap_or(from);
        from = line + 1;
        if a.file.contains('\\')
            || Path::new(&a.file).has_root()
            || Path::new(&a.file).is_absolute()
            || a.file.starts_with('/')
            || a.file.trim().is_empty()
            || a.file.contains(char::is_control)
        {
            r.diags.push(
                Diagnostic::error(r.path, format!("附件路径 `{}` 无效", shown(&a.file)))
                    .at_line(&mut locator, line, 1)
                    .with_hint("写相对于本文档的路径,用 / 分隔,例如 plan.pdf"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Document, Vec<Diagnostic>> {
        Document::parse(Path::new(name), text)
    }

    #[test]
    fn speech_parses_with_url_from_year_and_file_name() {
        let d = parse(
            "content/2024/speeches/mobilization.md",
            "---\ntitle: 在动员会上的讲话\ntype: speech\ndate: 2024-03-05\nreview: \"2024\"\nspeaker: 李明\nspeaker_title: 主任\noccasion: 动员会\n---\n正文\n",
        )
        .unwrap();
        assert_eq!(d.url(), "/2024/speeches/mobilization/");
        assert_eq!(d.body(), "正文\n");
        assert_eq!(d.body_line, 10);
        let Details::Speech(s) = &d.details else {
            panic!()
        };
        assert_eq!(s.speaker, "李明");
    }

    #[test]
    fn review_id_may_be_a_bare_number() {
        let d = parse(
            "content/2024/review.md",
            "---\ntitle: 2024年度评议\ntype: review\ndate: 2024-01-05\nid: 2024\nyear: 2024\ndepartments: [housing]\n---\n",
        )
        .unwrap();
        assert_eq!(d.url(), "/reviews/2024/");
        assert_eq!(d.review_id(), Some("2024"));
    }

    #[test]
    fn all_missing_fields_are_named_at_once() {
        let e = parse("content/a.md", "---\ntitle: 讲话\ntype: speech\n---\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].location(), "content/a.md:3:1");
        for f in ["date", "review", "speaker", "speaker_title", "occasion"] {
            assert!(e[0].message.contains(f), "{}", e[0].message);
        }
    }

    #[test]
    fn every_field_of_some_types_names_the_types_it_is_for() {
        let all = "id: a\nkind: work\nyear: 2024\ndepartments: []\nstages: []\nresults: []\nspeaker: a\nspeaker_title: a\noccasion: a\nvenue: a\nnotice_kind: plan\ndeadline: 2024-01-01\ndepartment: a\nround: 1\nitems: []\nreview: a\nchannels: []\nreceived: 1\nissued: 2024-01-01\nreply_deadline: 2024-01-01\npoints: []\nteam: {}\nquestionnaires: 1\nactivities: []\n";
        let raw: Raw = serde_yaml::from_str(all).unwrap();
        let present = raw.present();
        assert_eq!(present.len(), all.lines().count());
        for field in present {
            assert!(crate::kind::owners(field).next().is_some(), "{field}");
        }
    }

    #[test]
    fn a_review_has_a_kind_and_votes_with_or_without_counts() {
        let text = "---\ntitle: 评议\ntype: review\nkind: follow_up\ndate: 2025-03-01\nid: \"2025\"\nyear: 2025\ndepartments: [housing]\nresults:\n  - {department: housing, meeting: 第二十次会议, date: 2025-10-29, members: 45, present: 40, satisfied: 30, basically_satisfied: 8, unsatisfied: 2, verdict: 满意}\n  - {department: housing, round: 2, verdict: 满意}\n---\n";
        let d = parse("content/2025/review.md", text).unwrap();
        let Details::Review(r) = &d.details else {
            panic!()
        };
        assert_eq!(r.kind(), ReviewKind::FollowUp);
        assert_eq!(r.kind().label(), "跟踪评议");
        assert_eq!(r.results[0].meeting.as_deref(), Some("第二十次会议"));
        assert_eq!(
            (r.results[0].members, r.results[0].present),
            (Some(45), Some(40))
        );
        assert_eq!(r.results[0].cast(), Some(40));
        assert_eq!((r.results[1].satisfied, r.results[1].cast()), (None, None));
        // Without `kind`, a 工作评议; the open data leaves out what is not written.
        let plain = text.replace("kind: follow_up\n", "");
        let d = parse("content/2025/review.md", &plain).unwrap();
        let Details::Review(r) = &d.details else {
            panic!()
        };
        assert_eq!(r.kind(), ReviewKind::Work);
        let json = serde_json::to_string(&r.results[1]).unwrap();
        assert_eq!(
            json,
            r#"{"department":"housing","round":2,"verdict":"满意"}"#
        );
    }

    #[test]
    fn a_review_kind_must_be_one_of_three_and_only_on_a_review() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 评议\ntype: review\nkind: followup\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].location(), "content/a.md:4:7");
        assert!(e[0].message.contains("`followup`"), "{e:?}");
        assert!(e[0].hint.as_deref().unwrap().contains("follow_up"), "{e:?}");
        let e = parse(
            "content/a.md",
            "---\ntitle: 通知\ntype: notice\ndate: 2024-01-01\nreview: \"2024\"\nkind: work\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].location(), "content/a.md:6:1");
        assert!(
            e[0].message.contains("字段 `kind` 不适用于 type: notice"),
            "{e:?}"
        );
        assert_eq!(e[0].hint.as_deref(), Some("`kind` 只用于 review"));
    }

    #[test]
    fn a_negative_count_is_an_error_naming_the_result() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 评议\ntype: review\nresults:\n  - {department: a, satisfied: -3, verdict: 满意}\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].line, Some(5));
        assert!(
            e[0].message
                == "`results` 第 1 项的 `satisfied`: 取值无效: 应为不小于 0 的整数,这里是 -3",
            "{e:?}"
        );
    }

    #[test]
    fn a_count_with_a_decimal_point_is_told_to_be_a_whole_number() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 评议\ntype: review\nresults:\n  - {department: a, present: 38.5, verdict: 满意}\n---\n",
        )
        .unwrap_err();
        assert_eq!(
            e[0].message,
            "`results` 第 1 项的 `present`: 类型不对: 应为整数,这里是小数"
        );
        assert!(
            e[0].hint.as_deref().unwrap().contains("不带小数点"),
            "{e:?}"
        );
    }

    #[test]
    fn field_of_another_type_is_pointed_at() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 通知\ntype: notice\ndate: 2024-01-01\nreview: \"2024\"\nspeaker: 李明\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].location(), "content/a.md:6:1");
        assert!(e[0].message.contains("不适用于 type: notice"));
    }

    #[test]
    fn completed_iff_done() {
        let text = "---\ntitle: 整改\ntype: rectification\ndate: 2024-01-01\nreview: \"2024\"\ndepartment: housing\nitems:\n  - id: a\n    problem: p\n    measures: m\n    responsible: r\n    deadline: 2024-06-30\n    status: done\n  - id: b\n    problem: p\n    measures: m\n    responsible: r\n    deadline: 2024-06-30\n    status: in_progress\n    completed: 2024-05-01\n---\n";
        let e = parse("content/r.md", text).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(e[0].line, Some(13));
        assert!(e[0].message.contains("没有填写完成日期"));
        assert_eq!(e[1].line, Some(20));
        assert!(e[1].message.contains("不应填写完成日期"));
    }

    #[test]
    fn bad_date_points_into_the_file() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 页\ntype: notice\ndate: 2024-02-30\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].location(), "content/a.md:4:7");
        assert!(e[0].message.contains("不存在"), "{}", e[0].message);
    }

    #[test]
    fn chinese_file_name_gets_a_pinyin_slug() {
        let d = parse(
            "content/关于本站.md",
            "---\ntitle: 关于本站\ntype: page\n---\n",
        )
        .unwrap();
        assert_eq!(d.url(), "/guan-yu-ben-zhan/");
    }

    #[test]
    fn slug_with_chinese_is_refused_with_a_suggestion() {
        let e = parse(
            "content/a.md",
            "---\ntitle: 页\ntype: page\nslug: 关于\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].line, Some(4));
        assert!(e[0].hint.as_deref().unwrap().contains("guan-yu"));
    }
}
