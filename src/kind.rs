//! The kinds of document (review, speech, notice, rectification, page, opinion, investigation) and what the generator
//! knows about each, one entry of [`KINDS`] a kind: its `type` name, URL folder, labels,
//! template, fields, place in navigation and groups, search facet and `pingyi new` starter.
//!
//! Adding a kind: a variant of [`Kind`], an entry here, a details struct in `document` (and
//! its fields in `document`'s `Raw`, which reads every kind's), a template in the theme.

use serde::{Deserialize, Serialize};

/// What a document is, from its front matter's `type`. The serde name of each variant is the
/// entry's [`KindInfo::name`] (a test holds them together): the derived `Deserialize` keeps
/// serde's message for an unknown `type`, which `yaml` translates for editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Review,
    Speech,
    Notice,
    Rectification,
    Page,
    Opinion,
    Investigation,
}

/// Everything the generator knows about one kind.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    /// The front matter's `type` value.
    pub name: &'static str,
    /// The URL folder: `/2024/speeches/…`, `/reviews/…`; the kind's column at `/{plural}/`.
    pub plural: &'static str,
    /// What readers call it: the column's name in navigation, lists and search.
    pub label: &'static str,
    /// What editors call it, in the hint for a missing `type`.
    pub short_label: &'static str,
    /// The theme's template for one document of this kind.
    pub template: &'static str,
    /// The fields, of those only some kinds have, that this kind may have.
    pub fields: &'static [&'static str],
    /// The fields it must have besides `title` and `type`, in the order a message lists the
    /// missing ones.
    pub required: &'static [&'static str],
    /// Its place in the main navigation (after 首页); `None`: not a column of the site.
    pub nav: Option<u8>,
    /// Its place where a page shows documents grouped by kind (a review cycle, a department);
    /// `None`: never grouped.
    pub group: Option<u8>,
    /// Whether `/{plural}/` is a paginated list of its documents (the reviews have a page
    /// of their own there instead).
    pub listed: bool,
    /// Its code among the search index's type facets. Published in `search/meta.json` and
    /// read back by the search page: a code, once given, stays.
    pub facet: u32,
    /// What `pingyi new` writes.
    pub starter: Starter,
    /// `pingyi new --help`'s line for it: what it is and where it goes.
    pub new_help: &'static str,
    /// The Chinese an editor may type for it after `pingyi new`.
    pub aliases: &'static [&'static str],
}

/// A new document's front matter (after `title` and `type`) and placeholder body. Every
/// required field has a value that builds, the optional ones are commented out. `scaffold`
/// fills in `@DATE@`, `@REVIEW@` (the cycle's id), `@ID@` and `@YEAR@` (a review's own),
/// `@DEPARTMENTS@` (a YAML list), `@DEPARTMENT@` (the first), `@DEADLINE@` (three months on)
/// and `@OPTIONAL_DEPARTMENTS@` (a `departments:` line, commented out when none was asked for).
#[derive(Debug)]
pub struct Starter {
    pub fields: &'static str,
    /// Whether the optional disclosure fields (索引号, 文号…) follow, commented out.
    pub disclosure: bool,
    pub body: &'static str,
}

/// The table, in the order of [`Kind`]'s variants.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: Kind::Review,
        name: "review",
        plural: "reviews",
        label: "评议活动",
        short_label: "评议活动",
        template: "review.html",
        fields: &["id", "kind", "year", "departments", "stages", "results"],
        required: &["date", "id", "year", "departments"],
        nav: Some(0),
        group: Some(0),
        listed: false,
        facet: 0,
        starter: Starter {
            fields: "\
date: @DATE@
id: \"@ID@\"                            # 评议活动的 id，其他文档的 review 写它
year: @YEAR@                           # 评议年度
departments: @DEPARTMENTS@                  # 受评部门的 id（见 site.yaml），删去本年度不评议的
stages:                              # 评议阶段及起止日期
  - {name: 评议准备, start: @YEAR@-01-01, end: @YEAR@-03-31}
  - {name: 评议调查, start: @YEAR@-04-01, end: @YEAR@-06-30}
  - {name: 集中评议, start: @YEAR@-07-01, end: @YEAR@-09-30}
  - {name: 整改落实, start: @YEAR@-10-01, end: @YEAR@-12-31}
# kind: work                           # work 工作评议（默认）、follow_up 跟踪评议、special 专题评议
# 满意度测评后填写，verdict 为 满意、基本满意 或 不满意；再次测评的写 round: 2
# meeting、date、members（组成人员）、present（出席）和三项票数都可不写，只公布结论的只写 verdict
# results:
#   - department: @DEPARTMENT@
#     round: 1
#     meeting: 市人大常委会第X次会议
#     date: @YEAR@-10-30
#     members: 45
#     present: 40
#     satisfied: 30
#     basically_satisfied: 8
#     unsatisfied: 2
#     verdict: 满意
# summary: 摘要；不写则取正文第一段
# tags: [工作评议]
",
            disclosure: false,
            body: "在这里介绍本年度评议的部门、内容和安排。",
        },
        new_help: "评议活动(content/<年度>/review.md)",
        aliases: &["评议活动"],
    },
    KindInfo {
        kind: Kind::Speech,
        name: "speech",
        plural: "speeches",
        label: "领导讲话",
        short_label: "讲话",
        template: "speech.html",
        fields: &["speaker", "speaker_title", "occasion", "venue", "review"],
        required: &["date", "review", "speaker", "speaker_title", "occasion"],
        nav: Some(1),
        group: Some(2),
        listed: true,
        facet: 1,
        starter: Starter {
            fields: "\
date: @DATE@                     # 发布日期
review: \"@REVIEW@\"                       # 所属评议活动的 id
speaker: 待填写                        # 讲话人
speaker_title: 待填写                  # 讲话人职务
occasion: 待填写                       # 会议或场合
# venue: 会议地点                     # 地点（可选）
# summary: 摘要；不写则取正文第一段
# tags: [工作评议]
",
            disclosure: false,
            body: "同志们：\n\n在这里写讲话正文。小标题用 ## 开头，例如：\n\n## 一、提高认识",
        },
        new_help: "讲话(content/<年度>/speeches/)",
        aliases: &["讲话"],
    },
    KindInfo {
        kind: Kind::Notice,
        name: "notice",
        plural: "notices",
        label: "通知公告",
        short_label: "通知公告",
        template: "notice.html",
        fields: &[
            "departments",
            "notice_kind",
            "deadline",
            "review",
            "channels",
            "received",
        ],
        required: &["date", "review"],
        nav: Some(2),
        group: Some(1),
        listed: true,
        facet: 2,
        starter: Starter {
            fields: "\
date: @DATE@                     # 发布日期
review: \"@REVIEW@\"                       # 所属评议活动的 id
notice_kind: announcement            # plan 评议方案、announcement 公告、call_for_opinions 征求意见、result 评议结果
@OPTIONAL_DEPARTMENTS@# deadline: @DEADLINE@               # 截止日期，例如征求意见的截止日期（可选）
# 征求意见（call_for_opinions）的反映渠道，kind 为 mail 信函、email 电子邮件、phone 电话、web 网上留言、visit 来访
# channels:
#   - {kind: email, value: rd@example.gov.cn, note: 邮件主题请注明“工作评议意见”}
# received: 0                        # 截止后填写收到的意见条数（可选）
",
            disclosure: true,
            body: "在这里写通知公告正文。",
        },
        new_help: "通知公告(content/<年度>/notices/)",
        aliases: &["通知公告", "通知"],
    },
    KindInfo {
        kind: Kind::Rectification,
        name: "rectification",
        plural: "rectifications",
        label: "整改公告",
        short_label: "整改公告",
        template: "rectification.html",
        fields: &["department", "round", "phase", "items", "review"],
        required: &["date", "review", "department", "items"],
        nav: Some(3),
        group: Some(5),
        listed: true,
        facet: 3,
        starter: Starter {
            fields: "\
date: @DATE@                     # 发布日期
review: \"@REVIEW@\"                       # 所属评议活动的 id
department: @DEPARTMENT@                 # 报告整改情况的部门 id（见 site.yaml）
round: 1                             # 整改轮次：再次整改时写 2、3……
# phase: plan                        # plan 整改方案；不写为 report 整改情况报告
items:                               # 整改台账：每个问题一项
  - id: \"1\"                          # 编号：同一问题在本部门的方案和历次报告中不变
    problem: 待填写                    # 问题
    measures: 待填写                   # 整改措施
    responsible: 待填写                # 责任单位或责任人
    deadline: @DEADLINE@             # 整改时限（原定；批准延期的写在 extensions）
    status: registered               # registered 已登记、in_progress 整改中、done 已销号、ongoing 长期坚持
    # point: 1                       # 对应评议意见的第几条
    # source: 评议调查                # 问题来源：评议意见、评议调查、群众来信、代表建议、自查
    # completed: @DEADLINE@          # 销号日期：status 为 done 时必填
    # verified: {by: 核验单位, date: @DEADLINE@}   # 销号核验
    # extensions:                    # 经批准的延期
    #   - {approved: @DATE@, deadline: @DEADLINE@, reason: 延期原因}
    # progress:                      # 督办记录
    #   - {date: @DATE@, note: 督办情况, by: 督办单位}
",
            disclosure: true,
            body: "在这里写整改情况报告正文，逐项情况见整改台账。",
        },
        new_help: "整改公告(content/<年度>/rectifications/)",
        aliases: &["整改公告", "整改"],
    },
    KindInfo {
        kind: Kind::Page,
        name: "page",
        plural: "pages",
        label: "页面",
        short_label: "页面",
        template: "page.html",
        fields: &[],
        required: &[],
        nav: None,
        group: None,
        listed: false,
        facet: 4,
        starter: Starter {
            fields: "# summary: 摘要；不写则取正文第一段\n",
            disclosure: false,
            body: "在这里写页面正文。",
        },
        new_help: "页面,例如 关于本站(content/)",
        aliases: &["页面"],
    },
    KindInfo {
        kind: Kind::Opinion,
        name: "opinion",
        plural: "opinions",
        label: "评议意见",
        short_label: "评议意见",
        template: "opinion.html",
        fields: &[
            "department",
            "issued",
            "reply_deadline",
            "points",
            "review",
        ],
        required: &["date", "review", "department", "points"],
        // Not in the main navigation: eight columns already fill a phone's two rows. Readers
        // reach opinions from the review, the department and the list at /opinions/.
        nav: None,
        group: Some(4),
        listed: true,
        facet: 5,
        starter: Starter {
            fields: "\
date: @DATE@                     # 发布日期
review: \"@REVIEW@\"                       # 所属评议活动的 id
department: @DEPARTMENT@                 # 收到评议意见的部门 id（见 site.yaml），一份意见一个部门
# issued: @DATE@                 # 交办日期（可选，不写即发布日期）
# reply_deadline: @DEADLINE@         # 答复期限：整改情况报告的报送期限（可选）
points:                              # 评议意见逐条列出，id 在本意见内不重复
  - id: 1
    text: 待填写
",
            disclosure: true,
            body: "在这里写评议意见的说明，逐条意见见上方 points。",
        },
        new_help: "评议意见(content/<年度>/opinions/)",
        aliases: &["评议意见", "意见"],
    },
    KindInfo {
        kind: Kind::Investigation,
        name: "investigation",
        plural: "investigations",
        label: "调查报告",
        short_label: "调查报告",
        template: "investigation.html",
        fields: &[
            "departments",
            "team",
            "questionnaires",
            "activities",
            "review",
        ],
        required: &["date", "review", "departments"],
        // Not in the main navigation, for the reason given for opinions.
        nav: None,
        group: Some(3),
        listed: true,
        facet: 6,
        starter: Starter {
            fields: "\
date: @DATE@                     # 发布日期
review: \"@REVIEW@\"                       # 所属评议活动的 id
departments: @DEPARTMENTS@                  # 调查的部门 id（见 site.yaml）
# team: {leader: 组长姓名, members: 10, deputies: 6}   # 调查组组长、人数、其中人大代表人数（可选）
# questionnaires: 0                  # 发放问卷份数（可选）
# activities:                        # 调查活动，按日期先后排列（可选）
#   - {date: @DATE@, kind: 视察, place: 地点, note: 情况}
",
            disclosure: true,
            body: "在这里写调查报告正文。小标题用 ## 开头，例如：\n\n## 一、基本情况",
        },
        new_help: "调查报告(content/<年度>/investigations/)",
        aliases: &["调查报告", "调查"],
    },
];

impl Kind {
    /// The kinds with a paginated list at `/{plural}/`, in table order.
    pub const LISTED: [Kind; listed_count()] = listed();

    /// Its entry in [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The front matter's `type` value.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The URL segment: `/2024/speeches/…`, `/reviews/…`.
    pub fn plural(self) -> &'static str {
        self.info().plural
    }

    /// What readers call it.
    pub fn label(self) -> &'static str {
        self.info().label
    }
}

const fn listed_count() -> usize {
    let (mut i, mut n) = (0, 0);
    while i < KINDS.len() {
        if KINDS[i].listed {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn listed() -> [Kind; listed_count()] {
    let mut out = [Kind::Page; listed_count()];
    let (mut i, mut n) = (0, 0);
    while i < KINDS.len() {
        if KINDS[i].listed {
            out[n] = KINDS[i].kind;
            n += 1;
        }
        i += 1;
    }
    out
}

/// Whether `first` is the URL folder of a kind's page at `/{plural}/` (a column or a list).
pub fn takes_folder(first: &str) -> bool {
    KINDS
        .iter()
        .any(|k| (k.nav.is_some() || k.listed) && k.plural == first)
}

/// The kinds in the main navigation, with a page at `/{plural}/`, in navigation order.
pub fn in_nav() -> Vec<&'static KindInfo> {
    let mut v: Vec<_> = KINDS.iter().filter(|k| k.nav.is_some()).collect();
    v.sort_by_key(|k| k.nav);
    v
}

/// The kinds a page groups its documents by, in the order it shows them.
pub fn in_groups() -> Vec<Kind> {
    let mut v: Vec<_> = KINDS.iter().filter(|k| k.group.is_some()).collect();
    v.sort_by_key(|k| k.group);
    v.into_iter().map(|k| k.kind).collect()
}

/// The kinds that may have `field` (one of those only some kinds have), in table order.
pub fn owners(field: &str) -> impl Iterator<Item = Kind> + '_ {
    KINDS
        .iter()
        .filter(move |k| k.fields.contains(&field))
        .map(|k| k.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_variant_order_and_names_are_serdes() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.kind as usize, i, "{}", k.name);
            let parsed: Kind = serde_yaml::from_str(k.name).unwrap();
            assert_eq!(parsed, k.kind);
            assert_eq!(
                serde_json::to_string(&k.kind).unwrap(),
                format!("\"{}\"", k.name)
            );
        }
    }

    #[test]
    fn facet_codes_and_plurals_are_distinct() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.facet, b.facet, "{} {}", a.name, b.name);
                assert_ne!(a.plural, b.plural, "{} {}", a.name, b.name);
                assert_ne!(a.template, b.template, "{} {}", a.name, b.name);
                for alias in a.aliases {
                    assert!(!b.aliases.contains(alias), "{} {}: {alias}", a.name, b.name);
                    assert_ne!(*alias, b.name);
                }
            }
        }
    }

    #[test]
    fn required_fields_are_fields_of_the_kind() {
        for k in KINDS {
            for f in k.required {
                assert!(
                    ["date", "review"].contains(f) || k.fields.contains(f),
                    "{}: {f}",
                    k.name
                );
            }
        }
    }

    /// The orders the published pages have (render.rs and search.rs spell them out today;
    /// once they read the table, the golden pages show a change here too).
    #[test]
    fn orders_of_navigation_groups_and_lists() {
        let nav: Vec<_> = in_nav().iter().map(|k| k.plural).collect();
        assert_eq!(nav, ["reviews", "speeches", "notices", "rectifications"]);
        // A review's record in the order it is made: plan and notices, speeches, the
        // investigation, the committee's opinion, the department's rectification.
        assert_eq!(
            in_groups(),
            [
                Kind::Review,
                Kind::Notice,
                Kind::Speech,
                Kind::Investigation,
                Kind::Opinion,
                Kind::Rectification
            ]
        );
        assert_eq!(
            Kind::LISTED,
            [
                Kind::Speech,
                Kind::Notice,
                Kind::Rectification,
                Kind::Opinion,
                Kind::Investigation
            ]
        );
        assert_eq!(
            owners("departments").collect::<Vec<_>>(),
            [Kind::Review, Kind::Notice, Kind::Investigation]
        );
        assert_eq!(
            owners("department").collect::<Vec<_>>(),
            [Kind::Rectification, Kind::Opinion]
        );
        // Facet codes once given stay: the search page and saved links use them.
        let facets: Vec<_> = KINDS.iter().map(|k| (k.name, k.facet)).collect();
        assert_eq!(
            facets,
            [
                ("review", 0),
                ("speech", 1),
                ("notice", 2),
                ("rectification", 3),
                ("page", 4),
                ("opinion", 5),
                ("investigation", 6)
            ]
        );
    }
}
