//! `pingyi new`: one new document, its front matter written for its type, in its folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use pingyi::Date;
use pingyi::document::Kind;
use pingyi::kind::KINDS;
use pingyi::scaffold::{NewDocument, NewError};

use super::parse_date;
use super::report::{Level, Marks, counts, print_diagnostics, safe, safe_path};

/// Document types as `new` takes them, from the kind table: the `type` names, with each
/// kind's help line and the Chinese an editor may type.
fn kind_parser() -> impl clap::builder::TypedValueParser<Value = Kind> {
    let values = KINDS.iter().map(|k| {
        PossibleValue::new(k.name)
            .help(k.new_help)
            .aliases(k.aliases.iter().copied())
    });
    PossibleValuesParser::new(values).map(|name| {
        KINDS
            .iter()
            .find(|k| k.name == name || k.aliases.contains(&name.as_str()))
            .map(|k| k.kind)
            .expect("clap accepts only the table's names and aliases")
    })
}

#[derive(Debug, Args)]
#[command(
    after_help = "示例:\n  pingyi new review \"2026年度工作评议\" --department housing --department transport\n  pingyi new speech \"在动员会上的讲话\"\n  pingyi new notice \"关于征求意见的公告\" --review 2026 --department housing\n  pingyi new rectification \"市住建局整改情况报告\" --department housing\n  pingyi new 评议意见 \"关于市住建局工作的评议意见\" --department housing\n  pingyi new 调查报告 \"关于市住建局工作情况的调查报告\" --department housing\n  pingyi new page \"关于本站\" --slug about\n\n新文档带 draft: true,写好后删去这一行才会发布;文件已存在时不会覆盖。"
)]
pub(crate) struct NewArgs {
    /// 文档类型
    #[arg(value_name = "类型", value_parser = kind_parser())]
    pub(crate) kind: Kind,
    /// 标题
    #[arg(value_name = "标题")]
    pub(crate) title: String,
    /// 所属评议活动的 id;默认为发布日期所在年度的评议活动。新建评议活动时是它自己的 id(默认为年度:标题中写明的年度,如“2027年度工作评议”,否则为发布日期所在年度)
    #[arg(long, value_name = "ID")]
    pub(crate) review: Option<String>,
    /// 部门 id(见 site.yaml 的 departments);可写多次。整改公告写报告部门,评议意见写收到意见的部门(各一个),通知公告写涉及的部门,评议活动写受评部门,调查报告写调查的部门
    #[arg(long, value_name = "ID")]
    pub(crate) department: Vec<String>,
    /// 网址最后一段(小写字母、数字和 -);默认取标题的拼音
    #[arg(long, value_name = "SLUG")]
    pub(crate) slug: Option<String>,
    /// 发布日期(YYYY-MM-DD);默认今天。晚于今天的文档到期才发布
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub(crate) date: Option<Date>,
    /// 站点目录(含 site.yaml 和 content/)
    #[arg(long, value_name = "目录", default_value = ".")]
    pub(crate) root: PathBuf,
}

/// `pingyi new`: the new file's path on standard output, for `$EDITOR "$(pingyi new …)"`.
pub(crate) fn run(args: &NewArgs, level: Level, m: &Marks) -> ExitCode {
    let req = NewDocument {
        kind: args.kind,
        title: args.title.clone(),
        review: args.review.clone(),
        departments: args.department.clone(),
        slug: args.slug.clone(),
        date: args.date,
    };
    match pingyi::scaffold::new_document(&args.root, &req, None) {
        Ok(rel) => {
            let path = args.root.join(&rel);
            let shown = if args.root == Path::new(".") {
                rel.clone()
            } else {
                path.clone()
            };
            println!("{}", shown.display());
            if level != Level::Quiet {
                eprintln!(
                    "{} 已新建 {}(草稿:写好后删去 draft: true 才会发布)",
                    m.ok,
                    safe_path(&shown)
                );
            }
            ExitCode::SUCCESS
        }
        Err(NewError::Site(diags)) => {
            print_diagnostics(&diags, level);
            let (e, _) = counts(&diags);
            eprintln!("{} 发现 {e} 个错误;没有新建文档", m.fail);
            ExitCode::from(1)
        }
        Err(NewError::Refused(msg)) => {
            eprintln!("{} {}", m.fail, safe(&msg));
            ExitCode::from(2)
        }
    }
}
