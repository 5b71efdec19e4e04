//! `pingyi watch`: builds, then rebuilds after every change until stopped.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingyi::watch::WatchOptions;

use super::report::{Marks, report_watch, safe_path, stop_on_ctrl_c, stopped};
use super::{CommonArgs, options};

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// 输出目录;默认 <站点目录>/public
    #[arg(long, short, value_name = "目录")]
    pub(crate) output: Option<PathBuf>,
    /// 定时扫描文件而不是等待系统通知(用于网络共享盘、WSL、容器)
    #[arg(long)]
    pub(crate) poll: bool,
}

pub(crate) fn run(args: &WatchArgs, m: &Marks) -> ExitCode {
    let root = &args.common.root;
    let out = args.output.clone().unwrap_or_else(|| root.join("public"));
    let stop = stop_on_ctrl_c();
    eprintln!(
        "监视 {} 的改动,输出到 {};按 Ctrl-C 停止",
        safe_path(root),
        safe_path(&out)
    );
    let wopts = WatchOptions { poll: args.poll };
    let result = pingyi::watch::watch(
        root,
        &out,
        options(&args.common, None),
        &wopts,
        &stop,
        |ev| report_watch(&ev, m),
    );
    stopped(result, m)
}
