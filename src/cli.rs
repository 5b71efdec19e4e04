//! The command line: commands and options, with help text an editor can read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::document::Kind;

#[derive(Debug, Parser)]
#[command(
    name = "pingyi",
    version,
    about = "评议:人大常委会工作评议公开网站生成器",
    long_about = "评议(pingyi)把 content/ 中带文档属性的 Markdown 文件(评议活动、讲话、通知公告、整改公告)\n生成为可直接发布的静态网站。",
    after_help = "示例:\n  pingyi init 我的网站           新建一个站点(含每种文档的示例)\n  pingyi new speech \"在动员会上的讲话\"   新建一篇讲话\n  pingyi serve --open          在本机预览,改动后自动刷新\n  pingyi build                 生成网站到 public/\n  pingyi check                 只检查内容,不写任何文件\n  pingyi build --today 2024-06-30   以指定日期判断逾期和定时发布\n  pingyi archive 2025          把 2025 年度打包到 archives/2025.zip\n  pingyi verify archives/2025.zip   校验归档包是否完好",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 只输出错误(成功时不输出任何内容)
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// 输出全部警告和各阶段用时
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建站点:带注释的 site.yaml、每种文档各一篇示例和编辑指南
    Init(InitArgs),
    /// 新建一篇文档:按类型写好文档属性,放进对应的目录
    New(NewArgs),
    /// 生成整个网站(默认写入 <站点目录>/public)
    Build(BuildArgs),
    /// 检查内容和配置,报告所有问题,不写任何文件
    Check(CheckArgs),
    /// 生成网站,并在文件改动后自动重新生成(用于服务器上随 git pull 更新)
    Watch(WatchArgs),
    /// 在本机预览网站:改动后自动重新生成并刷新浏览器
    Serve(ServeArgs),
    /// 把一个年度的评议记录打包归档(zip,可离线浏览,附 SHA-256 校验清单)
    Archive(ArchiveArgs),
    /// 按归档包中的 manifest.json 逐个校验文件,报告缺失、多出和被改动的文件
    Verify(VerifyArgs),
    /// 输出命令行自动补全脚本(bash、zsh、fish、powershell、elvish)
    Completions(CompletionsArgs),
    /// 输出 man 手册页(roff 格式),例如 pingyi man > pingyi.1
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// 把总手册页和每个命令的手册页(pingyi.1、pingyi-build.1……)写到这个目录,而不是标准输出
    #[arg(long, value_name = "目录")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 新站点的目录(不存在则创建;已存在则须为空)
    #[arg(value_name = "目录", default_value = ".")]
    pub dir: PathBuf,
    /// 同时把内置主题复制到 themes/default/,以便修改整个主题(只改个别模板时不需要)
    #[arg(long)]
    pub copy_theme: bool,
    /// 把“今天”定为这一天(YYYY-MM-DD):示例文档的日期和评议年度由它而定
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Document types as `new` takes them: the `type` names, and the Chinese an editor may type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// 评议活动(content/<年度>/review.md)
    #[value(alias = "评议活动")]
    Review,
    /// 讲话(content/<年度>/speeches/)
    #[value(alias = "讲话")]
    Speech,
    /// 通知公告(content/<年度>/notices/)
    #[value(alias = "通知公告", alias = "通知")]
    Notice,
    /// 整改公告(content/<年度>/rectifications/)
    #[value(alias = "整改公告", alias = "整改")]
    Rectification,
    /// 页面,例如 关于本站(content/)
    #[value(alias = "页面")]
    Page,
}

impl From<NewKind> for Kind {
    fn from(k: NewKind) -> Kind {
        match k {
            NewKind::Review => Kind::Review,
            NewKind::Speech => Kind::Speech,
            NewKind::Notice => Kind::Notice,
            NewKind::Rectification => Kind::Rectification,
            NewKind::Page => Kind::Page,
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "示例:\n  pingyi new review \"2026年度工作评议\" --department housing --department transport\n  pingyi new speech \"在动员会上的讲话\"\n  pingyi new notice \"关于征求意见的公告\" --review 2026 --department housing\n  pingyi new rectification \"市住建局整改情况报告\" --department housing\n  pingyi new page \"关于本站\" --slug about\n\n新文档带 draft: true,写好后删去这一行才会发布;文件已存在时不会覆盖。"
)]
pub struct NewArgs {
    /// 文档类型
    #[arg(value_name = "类型")]
    pub kind: NewKind,
    /// 标题
    #[arg(value_name = "标题")]
    pub title: String,
    /// 所属评议活动的 id;默认为发布日期所在年度的评议活动。新建评议活动时是它自己的 id(默认为年度)
    #[arg(long, value_name = "ID")]
    pub review: Option<String>,
    /// 部门 id(见 site.yaml 的 departments);可写多次。整改公告写报告部门,通知公告写涉及的部门,评议活动写受评部门
    #[arg(long, value_name = "ID")]
    pub department: Vec<String>,
    /// 网址最后一段(小写字母、数字和 -);默认取标题的拼音
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,
    /// 发布日期(YYYY-MM-DD);默认今天。晚于今天的文档到期才发布
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub date: Option<Date>,
    /// 站点目录(含 site.yaml 和 content/)
    #[arg(long, value_name = "目录", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// 命令行外壳
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// 要归档的年度,例如 2025
    #[arg(value_name = "年度")]
    pub year: i32,
    #[command(flatten)]
    pub common: CommonArgs,
    /// 归档包写到哪里;默认 <站点目录>/archives/<年度>.zip
    #[arg(long, short, value_name = "文件")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 归档包(.zip),或解压后的目录
    #[arg(value_name = "归档包")]
    pub bundle: PathBuf,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出目录;默认 <站点目录>/public
    #[arg(long, short, value_name = "目录")]
    pub output: Option<PathBuf>,
    /// 定时扫描文件而不是等待系统通知(用于网络共享盘、WSL、容器)
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 监听地址;默认只允许本机访问。局域网内他人预览可用 0.0.0.0
    #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// 端口
    #[arg(long, short, value_name = "端口", default_value_t = 1111)]
    pub port: u16,
    /// 启动后打开浏览器
    #[arg(long)]
    pub open: bool,
    /// 定时扫描文件而不是等待系统通知(用于网络共享盘、WSL、容器)
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// 站点目录(含 site.yaml 和 content/)
    #[arg(long, value_name = "目录", default_value = ".")]
    pub root: PathBuf,
    /// 把“今天”定为这一天(YYYY-MM-DD),用于判断逾期事项和定时发布;默认取站点时区的当天
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub today: Option<Date>,
    /// 包括草稿和定时发布的文档(用于预览)
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出目录;默认 <站点目录>/public
    #[arg(long, short, value_name = "目录")]
    pub output: Option<PathBuf>,
    /// 覆盖 site.yaml 中的 base_url(例如预览时用 http://127.0.0.1:1111)
    #[arg(long, value_name = "网址")]
    pub base_url: Option<String>,
    /// 显示各阶段用时
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// 输出格式:text 给人看(写到标准错误),json 给 CI 流水线(写到标准输出)
    #[arg(long, value_enum, value_name = "格式", default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 文字
    Text,
    /// JSON:{ok, errors, warnings, diagnostics: [{severity, file, line, column, message, hint}]}
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}
