//! `pingyi init`: a new site with a commented site.yaml, one example of each document type
//! and the editors' guide.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingyi::Date;

use super::parse_date;
use super::report::{Level, Marks, safe, safe_path};

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// 新站点的目录(不存在则创建;已存在则须为空)
    #[arg(value_name = "目录", default_value = ".")]
    pub(crate) dir: PathBuf,
    /// 同时把内置主题复制到 themes/default/,以便修改整个主题(只改个别模板时不需要)
    #[arg(long)]
    pub(crate) copy_theme: bool,
    /// 把“今天”定为这一天(YYYY-MM-DD):示例文档的日期和评议年度由它而定
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub(crate) today: Option<Date>,
}

/// `pingyi init`: today in the starter's time zone unless pinned.
pub(crate) fn run(args: &InitArgs, level: Level, m: &Marks) -> ExitCode {
    let today = match args.today {
        Some(d) => d,
        None => match Date::today_in("Asia/Shanghai") {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{} {e}", m.fail);
                return ExitCode::from(2);
            }
        },
    };
    match pingyi::scaffold::init(&args.dir, today, args.copy_theme) {
        Ok(files) => {
            if level != Level::Quiet {
                let docs = files
                    .iter()
                    .filter(|f| {
                        f.starts_with("content") && f.extension().is_some_and(|x| x == "md")
                    })
                    .count();
                let dir = safe_path(&args.dir);
                eprintln!(
                    "{} 已在 {dir} 新建站点:site.yaml、{docs} 篇示例文档(每种类型一篇)和 编辑指南.md{}",
                    m.ok,
                    if args.copy_theme {
                        ",主题在 themes/default/"
                    } else {
                        ";使用内置主题"
                    }
                );
                eprintln!(
                    "接下来:\n  cd {dir}\n  pingyi serve --open            在本机预览,改动后自动刷新\n  pingyi new speech \"讲话标题\"   新建一篇讲话\n  pingyi build                   生成网站到 public/"
                );
            }
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{} {}", m.fail, safe(&msg));
            ExitCode::from(2)
        }
    }
}
