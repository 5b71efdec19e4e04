//! `pingyi build`: the whole site into the output folder, with a progress bar on a terminal
//! and the stage timings on request.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pingyi::BuildProgress;

use super::report::{Level, Marks, failed, print_diagnostics, safe_path, warn_suffix};
use super::{CommonArgs, options};

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// 输出目录;默认 <站点目录>/public
    #[arg(long, short, value_name = "目录")]
    pub(crate) output: Option<PathBuf>,
    /// 覆盖 site.yaml 中的 base_url(例如预览时用 http://127.0.0.1:1111)
    #[arg(long, value_name = "网址")]
    pub(crate) base_url: Option<String>,
    /// 显示各阶段用时
    #[arg(long)]
    pub(crate) timings: bool,
}

pub(crate) fn run(args: &BuildArgs, level: Level, m: &Marks) -> ExitCode {
    let root = &args.common.root;
    let out = args.output.clone().unwrap_or_else(|| root.join("public"));
    let view = (level != Level::Quiet && std::io::stderr().is_terminal()).then(ProgressView::new);
    let observer = view
        .clone()
        .map(|v| Arc::new(move |p: BuildProgress| v.update(p)) as pingyi::Observer);
    let result = pingyi::build_observed(
        root,
        &out,
        &options(&args.common, args.base_url.clone()),
        observer,
    );
    if let Some(v) = &view {
        v.finish();
    }
    match result {
        Ok(report) => {
            print_diagnostics(&report.warnings, level);
            if level == Level::Quiet {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "{} 已生成 {} 篇文档、{} 个页面(共 {} 个文件)到 {},用时 {:.2} 秒{}",
                m.ok,
                report.documents,
                report.pages,
                report.files,
                safe_path(&out),
                report.elapsed.as_secs_f64(),
                warn_suffix(report.warnings.len())
            );
            if args.timings || level == Level::Verbose {
                print_timings(&report.stages);
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(
            e,
            &format!("没有写入任何文件,{} 保持原样", safe_path(&out)),
            m,
            level,
        ),
    }
}

/// The build's progress bar: drawn on standard error once a build has run for a second, so
/// quick builds print nothing but their summary.
struct ProgressView {
    start: Instant,
    bar: OnceLock<ProgressBar>,
    /// Whether the bar shows pages yet (before rendering it is a spinner with the stage).
    counting: AtomicBool,
}

impl ProgressView {
    fn new() -> Arc<ProgressView> {
        Arc::new(ProgressView {
            start: Instant::now(),
            bar: OnceLock::new(),
            counting: AtomicBool::new(false),
        })
    }

    fn update(&self, p: BuildProgress) {
        if self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
            );
            bar.set_message(p.stage);
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        if p.total == 0 {
            bar.set_message(p.stage);
            return;
        }
        if !self.counting.swap(true, Ordering::Relaxed) {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} 页 {elapsed}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_length(p.total as u64);
        }
        bar.set_position(p.done as u64);
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn print_timings(stages: &[(&'static str, Duration)]) {
    let parts: Vec<String> = stages
        .iter()
        .map(|(name, t)| format!("{name} {:.2} 秒", t.as_secs_f64()))
        .collect();
    eprintln!("  各阶段用时: {}", parts.join(" · "));
}
