//! `pingyi serve`: the local preview, rebuilt and reloaded after every change, and the
//! browser opened on request.

use std::process::ExitCode;

use clap::Args;
use pingyi::serve::{ServeEvent, ServeOptions};

use super::report::{Marks, report_watch, stop_on_ctrl_c, stopped};
use super::{CommonArgs, options};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// 监听地址;默认只允许本机访问。局域网内他人预览可用 0.0.0.0
    #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
    pub(crate) bind: std::net::IpAddr,
    /// 端口
    #[arg(long, short, value_name = "端口", default_value_t = 1111)]
    pub(crate) port: u16,
    /// 启动后打开浏览器
    #[arg(long)]
    pub(crate) open: bool,
    /// 定时扫描文件而不是等待系统通知(用于网络共享盘、WSL、容器)
    #[arg(long)]
    pub(crate) poll: bool,
    /// 不预览草稿和定时发布的文档,与正式发布的网站完全一致(默认预览它们,页面上标明“草稿”“定时发布”)
    #[arg(long, conflicts_with = "drafts")]
    pub(crate) no_drafts: bool,
}

pub(crate) fn run(args: &ServeArgs, m: &Marks) -> ExitCode {
    // The callback outlives this borrow: it takes its own copy.
    let m = *m;
    let stop = stop_on_ctrl_c();
    let sopts = ServeOptions {
        bind: args.bind,
        port: args.port,
        poll: args.poll,
    };
    let open = args.open;
    let result = pingyi::serve::serve(
        &args.common.root,
        // The preview shows what is being written, marked as such; --no-drafts, what will be
        // published.
        pingyi::Options {
            drafts: !args.no_drafts,
            ..options(&args.common, None)
        },
        &sopts,
        stop,
        move |ev| match ev {
            ServeEvent::Listening(url) => {
                eprintln!("预览地址: {url}/ (按 Ctrl-C 停止)");
                if open && let Err(e) = open_browser(&format!("{url}/")) {
                    eprintln!("无法打开浏览器({e});请在浏览器中打开上面的预览地址");
                }
            }
            ServeEvent::Build(ev) => report_watch(&ev, &m),
        },
    );
    stopped(result, &m)
}

/// Opens `url` in a browser: the command in `BROWSER` if it is set (as xdg-open and Python
/// read it: `%s` stands for the address, else the address is added at the end), else the
/// system's own. Nothing waits for the browser: the preview serves whether or not it opened.
fn open_browser(url: &str) -> std::io::Result<()> {
    let cmd: Vec<String> = match std::env::var("BROWSER") {
        Ok(b) if !b.trim().is_empty() => {
            let mut words: Vec<String> =
                b.split_whitespace().map(|w| w.replace("%s", url)).collect();
            if !b.contains("%s") {
                words.push(url.to_string());
            }
            words
        }
        // The address is ours (`http://127.0.0.1:port/`): nothing in it that cmd would read.
        _ if cfg!(windows) => vec!["cmd".into(), "/C".into(), "start".into(), url.into()],
        _ if cfg!(target_os = "macos") => vec!["open".into(), url.into()],
        _ => vec!["xdg-open".into(), url.into()],
    };
    std::process::Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}
