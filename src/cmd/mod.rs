//! The binary's commands, one file each with its arguments beside it (clap's derive), and
//! the top-level command line here. They live in the binary, not the library, because they
//! print and choose exit codes, which library code never does; the library has no notion of
//! a command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use pingyi::{Date, Options};

mod archive;
mod build;
mod check;
mod completions;
mod delta;
mod init;
mod keygen;
mod ledger;
mod man;
mod new;
pub(crate) mod report;
mod serve;
mod verify;
mod watch;

use report::{Level, Marks};

#[derive(Debug, Parser)]
#[command(
    name = "pingyi",
    version,
    about = "评议:人大常委会工作评议公开网站生成器",
    long_about = "评议(pingyi)把 content/ 中带文档属性的 Markdown 文件(评议活动、讲话、通知公告、整改公告)\n生成为可直接发布的静态网站。",
    after_help = "示例:\n  pingyi init 我的网站           新建一个站点(含每种文档的示例)\n  pingyi new speech \"在动员会上的讲话\"   新建一篇讲话\n  pingyi serve --open          在本机预览,改动后自动刷新\n  pingyi build                 生成网站到 public/\n  pingyi check                 只检查内容,不写任何文件\n  pingyi build --today 2024-06-30   以指定日期判断逾期和定时发布\n  pingyi archive 2025          把 2025 年度打包到 archives/2025.zip\n  pingyi verify archives/2025.zip   校验归档包是否完好\n  pingyi keygen -o 密钥         生成归档签名密钥(archive --sign 签名,verify --key 核验)\n  pingyi delta 已发布 public -o 更新.zip   把这次的改动打成差异包(网闸、光盘)\n  pingyi apply 更新.zip --to /var/www/rd   在服务器上核对并应用差异包\n  pingyi ledger template       生成整改台账 Excel 模板,发给部门填写",
    disable_help_subcommand = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// 只输出错误(成功时不输出任何内容)
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// 输出全部警告和各阶段用时
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// 新建站点:带注释的 site.yaml、每种文档各一篇示例和编辑指南
    Init(init::InitArgs),
    /// 新建一篇文档:按类型写好文档属性,放进对应的目录
    New(new::NewArgs),
    /// 生成整个网站(默认写入 <站点目录>/public)
    Build(build::BuildArgs),
    /// 检查内容和配置,报告所有问题,不写任何文件
    Check(check::CheckArgs),
    /// 生成网站,并在文件改动后自动重新生成(用于服务器上随 git pull 更新)
    Watch(watch::WatchArgs),
    /// 在本机预览网站:改动后自动重新生成并刷新浏览器
    Serve(serve::ServeArgs),
    /// 把一个年度的评议记录打包归档(zip,可离线浏览,附 SHA-256 校验清单)
    Archive(archive::ArchiveArgs),
    /// 按归档包中的 manifest.json 逐个校验文件,报告缺失、多出和被改动的文件;用 --key 同时核验签名
    Verify(verify::VerifyArgs),
    /// 生成给归档包签名的密钥(SM2):私钥用于 archive --sign,公钥用于 verify --key,并显示公钥指纹
    Keygen(keygen::KeygenArgs),
    /// 比较两次生成的网站,把差异打成一个包(用于网闸或光盘单向传送),附 SHA-256 清单和指纹
    Delta(delta::DeltaArgs),
    /// 把差异包应用到网站目录:先核对目录和包中的每个文件,再整体替换,不一致时不改动任何文件
    Apply(delta::ApplyArgs),
    /// 整改台账与 Excel 表格互转:生成模板发给部门填写,导入填好的表格,导出台账
    Ledger(ledger::LedgerArgs),
    /// 输出命令行自动补全脚本(bash、zsh、fish、powershell、elvish)
    Completions(completions::CompletionsArgs),
    /// 输出 man 手册页(roff 格式),例如 pingyi man > pingyi.1
    Man(man::ManArgs),
}

impl Cli {
    /// How much to say: `--quiet` only errors, `--verbose` every warning and the stage timings.
    pub(crate) fn level(&self) -> Level {
        if self.quiet {
            Level::Quiet
        } else if self.verbose {
            Level::Verbose
        } else {
            Level::Normal
        }
    }
}

/// Runs one command; its exit code.
pub(crate) fn run(command: Command, level: Level, m: &Marks) -> ExitCode {
    match command {
        Command::Init(args) => init::run(&args, level, m),
        Command::New(args) => new::run(&args, level, m),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args, m),
        Command::Check(args) => check::run(&args, level, m),
        Command::Build(args) => build::run(&args, level, m),
        Command::Watch(args) => watch::run(&args, m),
        Command::Serve(args) => serve::run(&args, m),
        Command::Archive(args) => archive::run(&args, level, m),
        Command::Verify(args) => verify::run(&args, m),
        Command::Keygen(args) => keygen::run(&args, level, m),
        Command::Delta(args) => delta::run_delta(&args, m),
        Command::Apply(args) => delta::run_apply(&args, m),
        Command::Ledger(args) => ledger::run(&args, level, m),
    }
}

// The options most commands share.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// 站点目录(含 site.yaml 和 content/)
    #[arg(long, value_name = "目录", default_value = ".")]
    pub(crate) root: PathBuf,
    /// 把“今天”定为这一天(YYYY-MM-DD),用于判断逾期事项和定时发布;默认取站点时区的当天
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub(crate) today: Option<Date>,
    /// 包括草稿和定时发布的文档(用于预览)
    #[arg(long)]
    pub(crate) drafts: bool,
}

pub(crate) fn options(c: &CommonArgs, base_url: Option<String>) -> Options {
    Options {
        drafts: c.drafts,
        today: c.today,
        base_url,
    }
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}
