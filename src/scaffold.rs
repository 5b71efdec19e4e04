//! New sites and new documents: `pingyi init` writes the starter site compiled into the
//! binary (`starter/`), `pingyi new` one document with the front matter of its type, in the
//! folder the content model suggests. Neither ever overwrites a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::{CONFIG_FILE, Config, is_url_safe};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::document::{Details, Document, Kind};
use crate::load::{self, CONTENT_DIR};
use crate::slug;
use crate::theme::{DEFAULT_THEME_NAME, builtin_theme_files, embedded_files};

/// The starter site: one document of every type, a commented `site.yaml` and 编辑指南.md.
/// `@YEAR@` (in paths and text) becomes the current year and `@TODAY@` today, so the new site
/// is under way in its first review year and has nothing scheduled for later.
pub static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Longest slug `new` derives from a title: pinyin runs long (a 15-character title gives some
/// 60 letters), and a long URL is hard to read out or to copy by hand.
const MAX_SLUG: usize = 60;

/// Why `pingyi new` wrote nothing.
#[derive(Debug)]
pub enum NewError {
    /// `site.yaml` or a document it had to read is broken (exit code 1).
    Site(Vec<Diagnostic>),
    /// The request itself: the file exists, an unknown id, not a site (exit code 2).
    Refused(String),
}

/// What `pingyi new` is asked for.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub kind: Kind,
    pub title: String,
    /// The review cycle a document belongs to; for a review, its own id.
    pub review: Option<String>,
    /// Departments concerned (notice), reviewed (review) or reporting (rectification, one).
    pub departments: Vec<String>,
    pub slug: Option<String>,
    /// The document's `date`; default today in the site's time zone.
    pub date: Option<Date>,
}

/// Writes a new site into `dir` (created if missing; an existing one must be empty but for
/// hidden entries such as `.git`). With `copy_theme`, the built-in theme goes to
/// `themes/default/` for whoever wants to change all of it. Returns the files written,
/// relative to `dir`.
pub fn init(dir: &Path, today: Date, copy_theme: bool) -> Result<Vec<PathBuf>, String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("{} 已存在,且不是目录", dir.display()));
        }
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("无法读取 {}: {e}", dir.display()))?;
        let taken: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        if !taken.is_empty() {
            return Err(format!(
                "{} 不是空目录(已有 {}),pingyi init 不会在其中写入文件;请换一个新目录",
                dir.display(),
                taken.join("、")
            ));
        }
    }
    let year = today.year().to_string();
    let today = today.to_string();
    let fill = |s: &str| s.replace("@YEAR@", &year).replace("@TODAY@", &today);
    let mut files: Vec<(PathBuf, Vec<u8>)> = embedded_files(&STARTER)
        .into_iter()
        .map(|(rel, bytes)| {
            let rel = PathBuf::from(fill(&rel.to_string_lossy()));
            let bytes = match std::str::from_utf8(bytes) {
                Ok(text) => fill(text).into_bytes(),
                Err(_) => bytes.to_vec(),
            };
            (rel, bytes)
        })
        .collect();
    if copy_theme {
        let theme = Path::new("themes").join(DEFAULT_THEME_NAME);
        files.extend(
            builtin_theme_files()
                .into_iter()
                .map(|(rel, bytes)| (theme.join(rel), bytes.to_vec())),
        );
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        match create_new(&path, &bytes) {
            Ok(()) => written.push(rel),
            // A hidden file the folder already had (its own `.gitignore`): theirs stays.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("无法写入 {}: {e}", path.display())),
        }
    }
    Ok(written)
}

/// Creates `path` (and its folders) with `bytes`, failing if it exists: no race can make
/// `init` or `new` overwrite an editor's file.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

/// The slug `new` gives a document called `title`: its pinyin, cut at a syllable to
/// [`MAX_SLUG`]; `None` when the title has nothing to spell.
pub fn title_slug(title: &str) -> Option<String> {
    let mut s = slug::derive(title)?;
    if s.len() > MAX_SLUG {
        let cut = s[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        s.truncate(cut);
    }
    Some(s)
}

/// A review cycle as `new` needs it.
struct ReviewInfo {
    id: String,
    year: i32,
    departments: Vec<String>,
}

/// An opinion the site has: (review, department, file).
type OpinionInfo = (String, String, PathBuf);

/// The review cycles and opinions of the site, read without validating the rest of it: `new`
/// must work on a site that has an unrelated error.
fn read_site(root: &Path) -> (Vec<ReviewInfo>, Vec<OpinionInfo>) {
    let (paths, _) = load::list_content(root);
    let (files, _) = load::read_sources(root, &paths);
    let (mut reviews, mut opinions) = (Vec::new(), Vec::new());
    for d in files
        .iter()
        .filter_map(|f| Document::parse(&f.rel, &f.text).ok())
    {
        match d.details {
            Details::Review(r) => reviews.push(ReviewInfo {
                id: r.id,
                year: r.year,
                departments: r.departments,
            }),
            Details::Opinion(o) => {
                opinions.push((d.review.unwrap_or_default(), o.department, d.source));
            }
            _ => {}
        }
    }
    (reviews, opinions)
}

/// `name` unless it is one of `known`, with a suggestion.
fn unknown(what: &str, name: &str, known: &[&str], hint: &str) -> NewError {
    let suggestion = match did_you_mean(name, known.iter().copied()) {
        Some(m) => format!("是不是 `{m}`?"),
        None if known.is_empty() => String::new(),
        None => format!("已有: {}。", known.join(", ")),
    };
    NewError::Refused(format!("未知{what} `{name}`。{suggestion}{hint}"))
}

/// A YAML scalar for a one-line text: quoted only where YAML needs it.
fn yaml_text(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    serde_yaml::to_string(&one_line)
        .map(|y| y.trim_end().to_string())
        .unwrap_or_else(|_| format!("{one_line:?}"))
}

/// Writes a new document into the site at `root`; `today` pins the date (else today in the
/// site's time zone). Returns the file written, relative to `root`.
pub fn new_document(
    root: &Path,
    req: &NewDocument,
    today: Option<Date>,
) -> Result<PathBuf, NewError> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(NewError::Refused(format!(
            "{} 不是 pingyi 站点(找不到 {CONFIG_FILE});请在站点目录中运行,或用 --root 指定站点目录;新建站点用 pingyi init",
            root.display()
        )));
    }
    let config = Config::load(root).map_err(NewError::Site)?;
    let date = match req.date.or(today) {
        Some(d) => d,
        None => Date::today_in(&config.timezone)
            .map_err(|e| NewError::Site(vec![Diagnostic::error(CONFIG_FILE, e)]))?,
    };
    let title = req.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(NewError::Refused("标题不能为空".into()));
    }
    let known_depts: Vec<&str> = config.departments.iter().map(|d| d.id.as_str()).collect();
    for d in &req.departments {
        if !known_depts.contains(&d.as_str()) {
            return Err(unknown(
                "部门",
                d,
                &known_depts,
                "部门须先在 site.yaml 的 departments 中登记。",
            ));
        }
    }
    // A review's year is the one its title names (2027年度工作评议, announced in December
    // 2026), else its date's.
    let year = match (req.kind, title_year(&title)) {
        (Kind::Review, Some(y)) => y,
        _ => i32::from(date.year()),
    };
    let (cycles, opinions) = read_site(root);
    let ids: Vec<&str> = cycles.iter().map(|r| r.id.as_str()).collect();
    let review = cycle_of(req, &cycles, &ids, year)?;
    let slug = new_slug(req, &title, date)?;
    let rel = new_path(req, year, &ids, &slug)?;
    let departments = departments_of(req, review, &known_depts, &opinions)?;

    let fields = Fields {
        title: yaml_text(&title),
        date,
        review: review.map(|r| r.id.clone()),
        id: req.review.clone().unwrap_or_else(|| year.to_string()),
        year,
        departments,
    };
    let text = front_matter(req.kind, &fields);
    // What `new` writes must parse: a title YAML reads otherwise would be caught here, not by
    // the editor's next build.
    Document::parse(&rel, &text).map_err(NewError::Site)?;
    match create_new(&root.join(&rel), text.as_bytes()) {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(NewError::Refused(format!(
            "{} 已存在,不会覆盖;请用 --slug 另取一个文件名",
            rel.display()
        ))),
        Err(e) => Err(NewError::Refused(format!(
            "无法写入 {}: {e}",
            root.join(&rel).display()
        ))),
    }
}

/// The review cycle a new document belongs to: the one asked for, else the one of the
/// date's year, else the latest. None for a review (it is one) and a page.
fn cycle_of<'c>(
    req: &NewDocument,
    cycles: &'c [ReviewInfo],
    ids: &[&str],
    year: i32,
) -> Result<Option<&'c ReviewInfo>, NewError> {
    match (req.kind, &req.review) {
        (Kind::Review | Kind::Page, _) => Ok(None),
        (_, Some(id)) => match cycles.iter().find(|r| &r.id == id) {
            Some(r) => Ok(Some(r)),
            None => Err(unknown(
                "评议活动",
                id,
                ids,
                "先用 pingyi new review \"年度工作评议\" 建立评议活动。",
            )),
        },
        (_, None) => match cycles
            .iter()
            .find(|r| r.year == year)
            .or_else(|| cycles.iter().max_by_key(|r| r.year))
        {
            Some(r) => Ok(Some(r)),
            None => Err(NewError::Refused(
                "站点还没有评议活动(type: review);先用 pingyi new review \"年度工作评议\" 建立,或用 --review 指定"
                    .into(),
            )),
        },
    }
}

/// The slug asked for, else one from the title, else the date (a page needs a real one).
fn new_slug(req: &NewDocument, title: &str, date: Date) -> Result<String, NewError> {
    match &req.slug {
        Some(s) if is_url_safe(s) => Ok(s.clone()),
        Some(s) => {
            let hint = title_slug(s)
                .map(|d| format!(",例如 {d}"))
                .unwrap_or_default();
            Err(NewError::Refused(format!(
                "slug `{s}` 不能用在网址中:只能用小写字母、数字和 -{hint}"
            )))
        }
        None => match (title_slug(title), req.kind) {
            (Some(s), _) => Ok(s),
            (None, Kind::Page) => Err(NewError::Refused(
                "无法从标题生成网址;请用 --slug 指定,例如 --slug about".into(),
            )),
            (None, _) => Ok(date.to_string()),
        },
    }
}

/// The year a title names: the first four digits followed by 年 (2027年度工作评议), when it is
/// a year content may have.
fn title_year(title: &str) -> Option<i32> {
    let chars: Vec<char> = title.chars().collect();
    (0..chars.len().saturating_sub(4)).find_map(|i| {
        let digits = &chars[i..i + 4];
        let alone = i == 0 || !chars[i - 1].is_ascii_digit();
        if !alone || chars[i + 4] != '年' || !digits.iter().all(char::is_ascii_digit) {
            return None;
        }
        let year: i32 = digits.iter().collect::<String>().parse().ok()?;
        crate::document::content_year(year).then_some(year)
    })
}

/// Where the new file goes, relative to the site: the content model's example layout.
fn new_path(req: &NewDocument, year: i32, ids: &[&str], slug: &str) -> Result<PathBuf, NewError> {
    Ok(match req.kind {
        Kind::Review => {
            let id = req.review.clone().unwrap_or_else(|| year.to_string());
            if ids.contains(&id.as_str()) {
                let next = (year + 1..).find(|y| !ids.contains(&y.to_string().as_str()));
                let next = next.unwrap_or(year + 1);
                return Err(NewError::Refused(format!(
                    "评议活动 `{id}` 已存在。新建另一年度的评议活动,在标题中写明年度,例如 pingyi new review \"{next}年度工作评议\";同一年度的另一个评议活动(如专题评议)用 --review 另取 id,例如 pingyi new review \"{year}年度专题评议\" --review {year}-special"
                )));
            }
            let name = if id == year.to_string() {
                "review.md".to_string()
            } else {
                format!("review-{id}.md")
            };
            Path::new(CONTENT_DIR).join(year.to_string()).join(name)
        }
        Kind::Page => Path::new(CONTENT_DIR).join(format!("{slug}.md")),
        kind => Path::new(CONTENT_DIR)
            .join(year.to_string())
            .join(kind.plural())
            .join(format!("{slug}.md")),
    })
}

/// The departments asked for, else a review's all, an investigation's those of its cycle, a
/// rectification's or an opinion's first of its cycle.
fn departments_of(
    req: &NewDocument,
    review: Option<&ReviewInfo>,
    known_depts: &[&str],
    opinions: &[OpinionInfo],
) -> Result<Vec<String>, NewError> {
    let one = matches!(req.kind, Kind::Rectification | Kind::Opinion);
    let opinion_of = |dept: &str| {
        let id = review.map(|r| r.id.as_str());
        (opinions.iter()).find(|(r, d, _)| Some(r.as_str()) == id && d == dept)
    };
    let departments: Vec<String> = if req.departments.is_empty() {
        match (req.kind, review) {
            // The first department the review has sent no opinion yet.
            (Kind::Opinion, Some(r)) if !r.departments.is_empty() => {
                let free = r.departments.iter().find(|d| opinion_of(d).is_none());
                vec![free.unwrap_or(&r.departments[0]).clone()]
            }
            (Kind::Review, _) => known_depts.iter().map(|s| s.to_string()).collect(),
            (Kind::Investigation, Some(r)) if !r.departments.is_empty() => r.departments.clone(),
            (Kind::Investigation, _) => known_depts.iter().map(|s| s.to_string()).collect(),
            (_, Some(r)) if one && !r.departments.is_empty() => vec![r.departments[0].clone()],
            _ if one => known_depts.iter().take(1).map(|s| s.to_string()).collect(),
            _ => Vec::new(),
        }
    } else {
        req.departments.clone()
    };
    let what = if req.kind == Kind::Opinion {
        "一份评议意见"
    } else {
        "一份整改公告"
    };
    if one && departments.len() > 1 {
        return Err(NewError::Refused(format!(
            "{what}只属于一个部门;--department 只写一次"
        )));
    }
    if req.kind == Kind::Opinion
        && let Some((review, dept, file)) = departments.first().and_then(|d| opinion_of(d))
    {
        return Err(NewError::Refused(format!(
            "评议活动 `{review}` 已有给部门 `{dept}` 的评议意见:{};一个部门在一次评议中只有一份评议意见,请直接修改它",
            crate::load::slash_path(file).display()
        )));
    }
    if (one || req.kind == Kind::Investigation) && departments.is_empty() {
        return Err(NewError::Refused(
            "site.yaml 中还没有登记受评部门(departments);请先登记,再用 --department 指定".into(),
        ));
    }
    Ok(departments)
}

/// The values a new document's front matter is made of.
struct Fields {
    /// Already a YAML scalar.
    title: String,
    date: Date,
    review: Option<String>,
    /// A review's own id.
    id: String,
    year: i32,
    departments: Vec<String>,
}

/// The front matter (and a placeholder body) of a new document of `kind`: every required
/// field with a value that builds, the optional ones commented out, and `draft: true` so
/// that nothing half-written is published (as `hugo new` does).
fn front_matter(kind: Kind, f: &Fields) -> String {
    let Fields {
        title,
        date,
        year,
        id,
        ..
    } = f;
    let review = f.review.as_deref().unwrap_or_default();
    let list = format!("[{}]", f.departments.join(", "));
    let department = f
        .departments
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let deadline = date
        .0
        .checked_add(jiff::Span::new().months(3))
        .map(Date)
        .unwrap_or(*date);
    let common = format!("title: {title}\ntype: {}\n", kind.name());
    let optional_departments = if f.departments.is_empty() {
        "# departments: [部门id]               # 涉及的部门（可选，见 site.yaml）\n".to_string()
    } else {
        format!("departments: {list}                # 涉及的部门（见 site.yaml）\n")
    };
    let starter = &kind.info().starter;
    let fields = fill(
        starter.fields,
        &[
            ("@DATE@", &date.to_string()),
            ("@REVIEW@", review),
            ("@ID@", id),
            ("@YEAR@", &year.to_string()),
            ("@DEPARTMENTS@", &list),
            ("@DEPARTMENT@", department),
            ("@DEADLINE@", &deadline.to_string()),
            ("@OPTIONAL_DEPARTMENTS@", &optional_departments),
        ],
    );
    let disclosure = if starter.disclosure { DISCLOSURE } else { "" };
    let body = starter.body;
    let draft = "draft: true                          # 草稿：写好后删去这一行才会发布\n";
    let yaml = align_comments(&format!("{common}{fields}{disclosure}{draft}"));
    format!("---\n{yaml}---\n\n{body}\n")
}

/// The optional disclosure fields (政府信息公开要素), commented out, for the kinds whose
/// starter asks for them.
const DISCLOSURE: &str = "\
# 信息公开要素（可选）：
# index_no: 索引号
# issuer: 发布机构
# doc_number: 文号，例如 示人大常〔2026〕1号
# written_date: 成文日期，YYYY-MM-DD
# retention: 保管期限，永久、30年 或 10年；不写则按 site.yaml 的 archive.retention
# summary: 摘要；不写则取正文第一段
# tags: [工作评议]
# attachments:                       # 附件，文件放在本文档旁边
#   - {title: 附件标题, file: 附件.pdf}
";

/// `template` with each `@NAME@` of `values` replaced, in one pass: a value is never read
/// again for names (a review id may be anything the editor typed).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('@');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lines up the comments after values in one column, counting a Chinese character as two, as
/// editors' monospaced fonts show them.
fn align_comments(yaml: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    const COLUMN: usize = 36;
    let mut out = String::with_capacity(yaml.len() * 2);
    for line in yaml.lines() {
        match line.split_once("  #") {
            Some((value, comment)) if !value.trim().is_empty() => {
                let value = value.trim_end();
                let pad = COLUMN.saturating_sub(value.width()).max(2);
                out.push_str(value);
                out.extend(std::iter::repeat_n(' ', pad));
                out.push('#');
                out.push_str(comment);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_names_its_year_before_年() {
        assert_eq!(title_year("2027年度工作评议"), Some(2027));
        assert_eq!(title_year("市人大常委会2026年专题评议"), Some(2026));
        assert_eq!(title_year("工作评议"), None);
        // Not a year: more digits, no 年, or out of range.
        assert_eq!(title_year("12027年度"), None);
        assert_eq!(title_year("2027度"), None);
        assert_eq!(title_year("0023年度"), None);
    }

    #[test]
    fn slugs_are_pinyin_cut_at_a_syllable() {
        assert_eq!(title_slug("关于本站").as_deref(), Some("guan-yu-ben-zhan"));
        let long = title_slug("示例市住房和城乡建设局关于工作评议意见整改情况的报告").unwrap();
        assert!(long.len() <= MAX_SLUG, "{long}");
        assert!(!long.ends_with('-') && long.starts_with("shi-li-shi-zhu-fang"));
        assert_eq!(title_slug("、。"), None);
    }

    #[test]
    fn the_reviews_commented_out_kind_and_results_parse_once_uncommented() {
        let f = Fields {
            title: yaml_text("2026年度工作评议"),
            date: Date::parse("2026-05-12").unwrap(),
            review: None,
            id: "2026".into(),
            year: 2026,
            departments: vec!["housing".into()],
        };
        let text = front_matter(Kind::Review, &f);
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.starts_with("kind:") || rest.starts_with("results:") => {
                    rest.to_string()
                }
                _ => l
                    .strip_prefix("#   ")
                    .map_or(l.to_string(), |r| format!("  {r}")),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let doc = Document::parse(Path::new("content/x.md"), &format!("{uncommented}\n"))
            .unwrap_or_else(|d| panic!("{uncommented}\n{}", d[0]));
        let crate::document::Details::Review(r) = &doc.details else {
            panic!("a review")
        };
        assert_eq!(r.kind(), crate::document::ReviewKind::Work);
        let v = &r.results[0];
        assert_eq!(
            (v.members, v.present, v.cast()),
            (Some(45), Some(40), Some(40))
        );
        assert_eq!(v.date.map(|d| d.to_string()).as_deref(), Some("2026-10-30"));
    }

    #[test]
    fn every_type_parses_with_awkward_titles() {
        let date = Date::parse("2026-05-12").unwrap();
        for kind in [
            Kind::Review,
            Kind::Speech,
            Kind::Notice,
            Kind::Rectification,
            Kind::Page,
            Kind::Opinion,
            Kind::Investigation,
        ] {
            for title in ["评议: 第一阶段 #1", "yes", "'引号' \"双引号\"", "[方括号]"]
            {
                let f = Fields {
                    title: yaml_text(title),
                    date,
                    review: Some("2026".into()),
                    id: "2026".into(),
                    year: 2026,
                    departments: vec!["housing".into()],
                };
                let text = front_matter(kind, &f);
                let doc = Document::parse(Path::new("content/x.md"), &text)
                    .unwrap_or_else(|d| panic!("{text}\n{}", d[0]));
                assert_eq!(doc.title, title);
                assert!(doc.draft);
            }
        }
    }
}
