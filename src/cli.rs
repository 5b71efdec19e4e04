//! The command line: commands and options, with help text an editor can read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::date::Date;

#[derive(Debug, Parser)]
#[command(
    name = "pingyi",
    version,
    about = "评议:人大常委会工作评议公开网站生成器",
    long_about = "评议(pingyi)把 content/ 中带文档属性的 Markdown 文件(评议活动、讲话、通知公告、整改公告)\n生成为可直接发布的静态网站。",
    after_help = "示例:\n  pingyi build                 生成网站到 public/\n  pingyi check                 只检查内容,不写任何文件\n  pingyi build --today 2024-06-30   以指定日期判断逾期和定时发布\n  pingyi archive 2025          把 2025 年度打包到 archives/2025.zip\n  pingyi verify archives/2025.zip   校验归档包是否完好",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}
