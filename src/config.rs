//! `site.yaml` → [`Config`]: the site's identity, its government-site furniture and the bodies
//! under review. Unknown keys are errors, so a misspelt key never passes silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::yaml::from_yaml_all;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Absolute, without a trailing slash once loaded.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// 网站描述, for `<meta name="description">` and the feed.
    #[serde(default)]
    pub description: Option<String>,
    /// 主办单位
    #[serde(default)]
    pub organizer: Option<String>,
    /// 承办单位
    #[serde(default)]
    pub operator: Option<String>,
    /// 网站标识码
    #[serde(default)]
    pub site_code: Option<String>,
    /// ICP备案号
    #[serde(default)]
    pub icp: Option<String>,
    /// 公安机关备案号
    #[serde(default)]
    pub police_record: Option<String>,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// 党政机关网站标识: off unless configured.
    #[serde(default)]
    pub gov_badge: Option<GovBadge>,
    /// Review years that are closed and filed away: their pages say so.
    #[serde(default)]
    pub archived_years: Vec<i32>,
    /// Compressed copies written beside each text file (`.gz`, `.br`) for the web server to
    /// send as they are (nginx `gzip_static`, `brotli_static`): none unless listed.
    #[serde(default)]
    pub precompress: Vec<crate::output::compress::Encoding>,
    /// How a 满意度测评's verdict follows from its votes.
    #[serde(default)]
    pub satisfaction: Satisfaction,
    /// Placeholder text an unfinished document still has, besides the built-in ones
    /// (`validate::words::PLACEHOLDERS`): never published.
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// 错敏词: words the site must not publish (an outdated name, a wrong title), each with
    /// what to write instead where given.
    #[serde(default)]
    pub forbidden_words: Vec<ForbiddenWord>,
    /// 全宗号, 立档单位 and the default 保管期限 of the yearly archives (`pingyi archive`).
    #[serde(default)]
    pub archive: Option<crate::archive::ArchiveSettings>,
}

/// A word the site must not publish: `旧名称`, or `{word: 旧名称, use: 新名称}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ForbiddenWord {
    Word(String),
    WithReplacement {
        word: String,
        #[serde(rename = "use")]
        replacement: String,
    },
}

impl ForbiddenWord {
    pub fn word(&self) -> &str {
        match self {
            ForbiddenWord::Word(w) | ForbiddenWord::WithReplacement { word: w, .. } => w,
        }
    }

    pub fn replacement(&self) -> Option<&str> {
        match self {
            ForbiddenWord::Word(_) => None,
            ForbiddenWord::WithReplacement { replacement, .. } => Some(replacement),
        }
    }
}

/// How a verdict follows from the votes: 满意 when the satisfied votes are more than
/// `satisfied` × the basis, else 基本满意 when satisfied and basically satisfied together are
/// more than `basically_satisfied` × the basis, else 不满意.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Satisfaction {
    #[serde(default)]
    pub basis: Basis,
    #[serde(default = "half")]
    pub satisfied: f64,
    #[serde(default = "half")]
    pub basically_satisfied: f64,
}

/// What the shares of [`Satisfaction`] are shares of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 组成人员总数.
    Members,
    /// 出席人数.
    #[default]
    Present,
    /// 投票数: the three counts together.
    Cast,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Members => "组成人员总数",
            Basis::Present => "出席人数",
            Basis::Cast => "投票数",
        }
    }
}

fn half() -> f64 {
    0.5
}

impl Default for Satisfaction {
    fn default() -> Satisfaction {
        Satisfaction {
            basis: Basis::default(),
            satisfied: half(),
            basically_satisfied: half(),
        }
    }
}

impl Satisfaction {
    /// The shares in millionths: compared in whole numbers, `0.5 × 40` is exactly 20, and a
    /// count of 20 is not more than it.
    fn millionths(share: f64) -> u128 {
        (share.clamp(0.0, 1.0) * 1_000_000.0).round() as u128
    }

    /// The verdict `satisfied` and `basically_satisfied` votes out of `basis` give, or `None`
    /// when a number it needs is not given.
    pub fn verdict(
        &self,
        basis: Option<u64>,
        satisfied: Option<u32>,
        basically_satisfied: Option<u32>,
    ) -> Option<crate::document::Verdict> {
        use crate::document::Verdict;
        let basis = u128::from(basis?);
        let more_than =
            |votes: u128, share: f64| votes * 1_000_000 > Satisfaction::millionths(share) * basis;
        let satisfied = u128::from(satisfied?);
        if more_than(satisfied, self.satisfied) {
            return Some(Verdict::Satisfied);
        }
        let both = satisfied + u128::from(basically_satisfied?);
        Some(if more_than(both, self.basically_satisfied) {
            Verdict::BasicallySatisfied
        } else {
            Verdict::Unsatisfied
        })
    }

    /// A hash of it, for what a check depends on.
    pub fn fingerprint(&self) -> (Basis, u64, u64) {
        (
            self.basis,
            self.satisfied.to_bits(),
            self.basically_satisfied.to_bits(),
        )
    }
}

/// The 党政机关网站标识 block. The official one is an external script; sites whose readers
/// have no internet access show a static image with a link instead.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GovBadge {
    /// The script's address, as issued by the registration authority.
    #[serde(default)]
    pub script: Option<String>,
    /// A local image (under the site's `static/`), shown when there is no script.
    #[serde(default)]
    pub image: Option<String>,
    /// Where the image links to.
    #[serde(default)]
    pub link: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// 简称, optional, for tight places such as charts.
    #[serde(default)]
    pub short_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown is escaped unless this is true.
    #[serde(default)]
    pub unsafe_html: bool,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_timezone() -> String {
    "Asia/Shanghai".into()
}
fn default_theme() -> String {
    "default".into()
}

/// `[a-z0-9-]+`, the shape of every id and slug that ends up in a URL.
pub fn is_url_safe(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Config {
    /// Parses the text of `site.yaml`; `path` is how errors name the file.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: Config = from_yaml_all(path, text, text, 1)?;
        let mut diags = Vec::new();
        let lines = Lines(text);
        let line_of = |key: &str| lines.key(key);

        let url = config.base_url.trim().trim_end_matches('/').to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(' ') {
            diags.push(
                Diagnostic::error(path, format!("base_url `{}` 不是完整网址", config.base_url))
                    .at(text, line_of("base_url"), 1)
                    .with_hint("应以 https:// 或 http:// 开头,例如 https://rd.example.gov.cn"),
            );
        }
        config.base_url = url;

        if let Err(e) = crate::date::Date::today_in(&config.timezone) {
            diags.push(Diagnostic::error(path, e).at(text, line_of("timezone"), 1));
        }
        if !is_url_safe(&config.theme) {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("主题名 `{}` 只能由小写字母、数字和 - 组成", config.theme),
                )
                .at(text, line_of("theme"), 1),
            );
        }

        diags.extend(department_errors(path, text, &config.departments, &lines));
        for &year in &config.archived_years {
            if !crate::document::content_year(year) {
                diags.push(
                    Diagnostic::error(path, crate::document::year_message(year)).at(
                        text,
                        line_of("archived_years"),
                        1,
                    ),
                );
            }
        }
        diags.extend(satisfaction_errors(
            path,
            text,
            &config.satisfaction,
            &lines,
        ));
        if let Some(archive) = &config.archive {
            for (key, message) in archive.problems() {
                diags.push(Diagnostic::error(path, message).at(
                    text,
                    lines.within("archive", key),
                    1,
                ));
            }
        }
        // The badge's addresses go into `src` and `href` on every page: only web addresses
        // and site paths, never `javascript:` or `data:`.
        if let Some(badge) = &config.gov_badge {
            for (key, url) in [
                ("script", &badge.script),
                ("image", &badge.image),
                ("link", &badge.link),
            ] {
                let Some(url) = url else { continue };
                let lower = url.trim().to_ascii_lowercase();
                let web = lower.starts_with("https://") || lower.starts_with("http://");
                let local = !lower.contains(':') && !lower.starts_with("//");
                if crate::markdown::is_dangerous_url(url) || !(web || local) {
                    diags.push(
                        Diagnostic::error(path, format!("gov_badge 的 {key} 不是网址: `{url}`"))
                            .at(text, lines.within("gov_badge", key), 1)
                            .with_hint("只能写 https:// 或 http:// 开头的网址,或站内路径"),
                    );
                }
            }
        }
        if diags.is_empty() {
            Ok(config)
        } else {
            Err(diags)
        }
    }

    /// Reads `<root>/site.yaml`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            vec![
                Diagnostic::error(CONFIG_FILE, format!("无法读取站点配置: {e}"))
                    .with_hint("站点根目录下应有 site.yaml;用 --root 指定站点目录"),
            ]
        })?;
        let text = crate::load::decode(Path::new(CONFIG_FILE), bytes).map_err(|d| vec![d])?;
        Config::parse(Path::new(CONFIG_FILE), &text)
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// The department's name, or its id when `site.yaml` does not list it.
    pub fn department_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.department(id).map_or(id, |d| d.name.as_str())
    }

    /// The host part of `base_url`, for the SiteDomain meta tag.
    pub fn domain(&self) -> &str {
        let rest = self
            .base_url
            .split_once("://")
            .map(|x| x.1)
            .unwrap_or(&self.base_url);
        rest.split('/').next().unwrap_or(rest)
    }
}

/// Where a value of `site.yaml` is written: a key's line, past comments that mention it.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn numbered(&self) -> impl Iterator<Item = (usize, &str)> {
        (1..)
            .zip(self.0.lines())
            .filter(|(_, l)| !l.trim_start().starts_with('#'))
    }

    /// The line of top-level `key`, or 1.
    fn key(&self, key: &str) -> usize {
        self.top(key).unwrap_or(1)
    }

    fn top(&self, key: &str) -> Option<usize> {
        let pattern = format!("{key}:");
        self.numbered()
            .find(|(_, l)| l.starts_with(&pattern))
            .map(|(n, _)| n)
    }

    /// The lines of top-level `key`'s value: from its line to the next top-level key.
    fn block(&self, key: &str) -> Vec<(usize, &str)> {
        let Some(start) = self.top(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (n, l) in self.numbered().skip_while(|&(n, _)| n < start) {
            if n > start && !l.is_empty() && !l.starts_with([' ', '-']) {
                break;
            }
            out.push((n, l));
        }
        out
    }

    /// The line of `key` within top-level `parent` (a block or one line), or `parent`'s.
    fn within(&self, parent: &str, key: &str) -> usize {
        let pattern = format!("{key}:");
        let block = self.block(parent);
        block
            .iter()
            .find(|(_, l)| crate::frontmatter::has_key(l, &pattern))
            .or(block.first())
            .map_or(1, |&(n, _)| n)
    }

    /// The line of `key` in item `k` of the list `parent`: the item's `key:`, or its first
    /// line, or `parent`'s line when the list is written on one line.
    fn item_key(&self, parent: &str, k: usize, key: &str) -> usize {
        let block = self.block(parent);
        let Some(&(head, _)) = block.first() else {
            return 1;
        };
        let dash = |l: &str| l.trim_start_matches(' ').starts_with('-');
        let Some(indent) = block
            .iter()
            .skip(1)
            .find(|(_, l)| dash(l))
            .map(|(_, l)| l.len() - l.trim_start_matches(' ').len())
        else {
            return head;
        };
        // Bytes, not `str` slices: `indent` is another line's, and may fall inside a character.
        let starts = |l: &str| {
            let l = l.as_bytes();
            l.len() > indent && l[..indent].iter().all(|&b| b == b' ') && l[indent] == b'-'
        };
        let mut items = block.iter().skip(1).skip_while(|(_, l)| !starts(l));
        let Some(&(first, _)) = items.clone().filter(|(_, l)| starts(l)).nth(k) else {
            return head;
        };
        let pattern = format!("{key}:");
        items
            .by_ref()
            .skip_while(|&&(n, _)| n < first)
            .take_while(|&&(n, l)| n == first || !starts(l))
            .find(|(_, l)| crate::frontmatter::has_key(l, &pattern))
            .map_or(first, |&(n, _)| n)
    }
}

/// Shares of `satisfaction` that are not between 0 and 1.
fn satisfaction_errors(
    path: &Path,
    text: &str,
    satisfaction: &Satisfaction,
    lines: &Lines<'_>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (key, share) in [
        ("satisfied", satisfaction.satisfied),
        ("basically_satisfied", satisfaction.basically_satisfied),
    ] {
        if (0.0..=1.0).contains(&share) {
            continue;
        }
        let line = lines.within("satisfaction", key);
        diags.push(
            Diagnostic::error(
                path,
                format!("satisfaction 的 {key} 是 {share},应在 0 到 1 之间"),
            )
            .at(text, line, 1)
            .with_hint("写所占比例的小数,例如过半数写 0.5,三分之二写 0.6667"),
        );
    }
    diags
}

/// What is wrong with the departments' ids (not fit for a URL, too long, given twice) and
/// their short names (two departments called the same where space is short, as in the
/// tracker's numbers 住建局-3).
fn department_errors(
    path: &Path,
    text: &str,
    departments: &[Department],
    lines: &Lines<'_>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut seen = BTreeSet::new();
    let mut short: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, d) in departments.iter().enumerate() {
        let label = d.short_name.as_deref().unwrap_or(&d.name);
        if let Some(first) = short.insert(label, &d.id)
            && first != d.id
        {
            let key = if d.short_name.is_some() {
                "short_name"
            } else {
                "name"
            };
            diags.push(
                Diagnostic::error(
                    path,
                    format!("部门 `{first}` 和 `{}` 的简称都是“{label}”", d.id),
                )
                .at(text, lines.item_key("departments", k, key), 1)
                .with_hint(
                    "整改台账的事项编号(如 住建局-3)用部门简称区分部门:请给其中一个另写 short_name",
                ),
            );
        }
        let line = lines.item_key("departments", k, "id");
        if !is_url_safe(&d.id) {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("部门 id `{}` 只能由小写字母、数字和 - 组成", d.id),
                )
                .at(text, line, 1)
                .with_hint("id 会出现在网址 /departments/{id}/ 中,例如 housing"),
            );
        }
        if d.id.len() > crate::slug::MAX_BYTES && is_url_safe(&d.id) {
            diags.push(
                Diagnostic::error(
                    path,
                    format!(
                        "部门 id 长 {} 字节,超过了 {} 字节的上限",
                        d.id.len(),
                        crate::slug::MAX_BYTES
                    ),
                )
                .at(text, line, 1)
                .with_hint("id 会出现在网址 /departments/{id}/ 中,请取简短的英文,例如 housing"),
            );
        }
        if !seen.insert(d.id.as_str()) {
            diags.push(
                Diagnostic::error(path, format!("部门 id `{}` 重复", d.id))
                    .at(text, line, 1)
                    .with_hint("每个部门的 id 要不同;同一部门只写一次"),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_address_must_be_a_web_address_or_a_site_path() {
        let yaml = |badge: &str| {
            format!("title: 站\nbase_url: https://x.gov.cn\ngov_badge: {{{badge}}}\n")
        };
        for ok in [
            "script: https://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710004.js",
            "image: /images/badge.png, link: https://bszs.conac.cn/sitename?method=show",
            "image: badge.png",
        ] {
            assert!(
                Config::parse(Path::new("site.yaml"), &yaml(ok)).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "link: javascript:alert(1)",
            "image: \"data:image/svg+xml,<svg onload=alert(1)>\"",
            "script: //evil.example/x.js",
            "link: \" JavaScript:alert(1)\"",
        ] {
            let e = Config::parse(Path::new("site.yaml"), &yaml(bad)).unwrap_err();
            assert!(e[0].message.contains("不是网址"), "{bad}: {e:?}");
        }
    }

    const MINIMAL: &str = "title: 示例\nbase_url: https://rd.example.gov.cn/\ndepartments:\n  - id: housing\n    name: 住建局\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(Path::new("site.yaml"), MINIMAL).unwrap();
        assert_eq!(c.base_url, "https://rd.example.gov.cn");
        assert_eq!(c.domain(), "rd.example.gov.cn");
        assert_eq!(c.theme, "default");
        assert_eq!(c.timezone, "Asia/Shanghai");
        assert!(!c.markdown.unsafe_html);
        assert_eq!(c.department("housing").unwrap().name, "住建局");
    }

    #[test]
    fn unknown_key_is_named_with_a_suggestion() {
        let text = format!("{MINIMAL}organiser: 办公厅\n");
        let d = &Config::parse(Path::new("site.yaml"), &text).unwrap_err()[0];
        assert_eq!(d.message, "未知字段 `organiser`");
        assert_eq!(d.hint.as_deref(), Some("是不是 `organizer`?"));
        assert_eq!(d.line, Some(6));
    }

    #[test]
    fn satisfaction_defaults_to_more_than_half_of_those_present() {
        use crate::document::Verdict;
        let c = Config::parse(Path::new("site.yaml"), MINIMAL).unwrap();
        let s = c.satisfaction;
        assert_eq!(s.basis, Basis::Present);
        let v = |s: Satisfaction, basis, sat, basic| s.verdict(Some(basis), Some(sat), Some(basic));
        assert_eq!(v(s, 40, 21, 0), Some(Verdict::Satisfied));
        // Exactly half is not more than half.
        assert_eq!(v(s, 40, 20, 0), Some(Verdict::Unsatisfied));
        assert_eq!(v(s, 40, 20, 1), Some(Verdict::BasicallySatisfied));
        assert_eq!(v(s, 40, 2, 8), Some(Verdict::Unsatisfied));
        // Without a count it needs, no verdict follows.
        assert_eq!(s.verdict(None, Some(30), Some(1)), None);
        assert_eq!(s.verdict(Some(40), Some(2), None), None);
        assert_eq!(
            s.verdict(Some(40), Some(30), None),
            Some(Verdict::Satisfied)
        );

        let text = format!(
            "{MINIMAL}satisfaction:\n  basis: members\n  satisfied: 0.6667\n  basically_satisfied: 0.5\n"
        );
        let s = Config::parse(Path::new("site.yaml"), &text)
            .unwrap()
            .satisfaction;
        assert_eq!(s.basis, Basis::Members);
        // Two thirds of 45 is 30: 30 votes are not more than 0.6667 of them (but more than
        // half), 31 are.
        assert_eq!(v(s, 45, 30, 0), Some(Verdict::BasicallySatisfied));
        assert_eq!(v(s, 45, 31, 0), Some(Verdict::Satisfied));
    }

    #[test]
    fn satisfaction_shares_and_basis_are_checked() {
        let text = format!(
            "{MINIMAL}# satisfaction: {{basis: present, satisfied: 0.5}}\nsatisfaction:\n  basis: cast\n  # satisfied: 0.5\n  satisfied: 1.5\n"
        );
        let e = Config::parse(Path::new("site.yaml"), &text).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, Some(10));
        assert!(
            e[0].message.contains("satisfied 是 1.5,应在 0 到 1 之间"),
            "{e:?}"
        );
        let text = format!("{MINIMAL}satisfaction: {{basis: votes}}\n");
        let e = Config::parse(Path::new("site.yaml"), &text).unwrap_err();
        assert!(e[0].message.contains("`votes`"), "{e:?}");
        assert!(
            e[0].hint
                .as_deref()
                .unwrap_or_default()
                .contains("members, present, cast"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_department_ids_and_base_url_are_all_reported() {
        let text = "title: t\nbase_url: rd.example.gov.cn\ndepartments:\n  - id: 住建\n    name: a\n  - id: x\n    name: b\n  - id: x\n    name: c\n";
        let diags = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        let msgs: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(diags.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("base_url"));
        assert!(msgs[1].contains("住建"));
        assert!(msgs[2].contains("重复"));
    }

    /// Each problem `Config::parse` finds in `text`: `location message`.
    fn problems(text: &str) -> Vec<String> {
        Config::parse(Path::new("site.yaml"), text)
            .unwrap_err()
            .into_iter()
            .map(|d| format!("{} {}", d.location(), d.message))
            .collect()
    }

    #[test]
    fn site_yaml_problems_are_shown_at_their_own_lines() {
        let text = "# base_url: 网站的完整网址\ntitle: t\nbase_url: https://rd.example.gov.cn\n# departments: 受评部门\ndepartments:\n  # id: 只能用小写字母\n  - name: 交通运输局\n    id: \"transport office\"\n  - id: housing\n    name: 住建局\n  - name: 住建局\n    id: housing\nsatisfaction: {basis: present, satisfied: 1.5}\n";
        assert_eq!(
            problems(text),
            [
                "site.yaml:8:1 部门 id `transport office` 只能由小写字母、数字和 - 组成",
                "site.yaml:12:1 部门 id `housing` 重复",
                "site.yaml:13:1 satisfaction 的 satisfied 是 1.5,应在 0 到 1 之间",
            ]
        );
    }

    #[test]
    fn two_departments_with_one_short_name_are_an_error_at_the_second() {
        let text = "title: t\nbase_url: https://a.gov.cn\ndepartments:\n  - {id: housing, name: 市住房和城乡建设局, short_name: 住建局}\n  - id: build\n    name: 市城乡建设局\n    short_name: 住建局\n  - {id: transport, name: 交通局}\n  - {id: traffic, name: 市交通局, short_name: 交通局}\n";
        assert_eq!(
            problems(text),
            [
                "site.yaml:7:1 部门 `housing` 和 `build` 的简称都是“住建局”",
                "site.yaml:9:1 部门 `transport` 和 `traffic` 的简称都是“交通局”",
            ]
        );
        let fine = text
            .replace(
                "short_name: 住建局\n  - {id: transport",
                "short_name: 城建局\n  - {id: transport",
            )
            .replace("short_name: 交通局}", "short_name: 市交通局}");
        assert!(Config::parse(Path::new("site.yaml"), &fine).is_ok());
    }

    #[test]
    fn every_problem_of_site_yaml_at_once() {
        let text =
            "title: t\nbase_url: https://a.gov.cn\ntitle: u\nthem: x\ntimezone：Asia/Shanghai\n";
        assert_eq!(
            problems(text),
            [
                "site.yaml:5:9 `timezone` 后面是全角冒号“：”,YAML 只认英文冒号“:”",
                "site.yaml:3:1 字段 `title` 写了两次,第 1 行已经写过",
                "site.yaml:4:1 未知字段 `them`",
            ]
        );
    }
}
