//! The `pingyi` binary: parses arguments, runs the library, prints diagnostics, sets the exit
//! code (0 success, 1 content errors, 2 usage or I/O failure).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pingyi::cli::{Cli, Command, CommonArgs, Format};
use pingyi::scaffold::{NewDocument, NewError};
use pingyi::serve::{ServeEvent, ServeOptions};
use pingyi::watch::{WatchEvent, WatchOptions};
use pingyi::{BuildError, BuildProgress, Date, Diagnostic, Options, Severity};

/// A message as the terminal gets it: the file names in it may hold control characters,
/// which are shown escaped instead of acted on.
fn safe(text: &str) -> String {
    pingyi::diagnostic::escape_controls(text, &['\n']).into_owned()
}

/// A path as the terminal gets it, control characters shown escaped.
fn safe_path(path: &Path) -> String {
    pingyi::diagnostic::escape_controls(&path.to_string_lossy(), &[]).into_owned()
}

/// Warnings shown in full; beyond this, a count, so errors are not buried under hundreds of
/// overdue items.
const MAX_WARNINGS: usize = 20;

fn options(c: &CommonArgs, base_url: Option<String>) -> Options {
    Options {
        drafts: c.drafts,
        today: c.today,
        base_url,
    }
}

/// How much to say: `--quiet` only errors, `--verbose` every warning and the stage timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Quiet,
    Normal,
    Verbose,
}

fn print_diagnostics(diags: &[Diagnostic], level: Level) {
    let mut err = std::io::stderr().lock();
    let cap = match level {
        Level::Quiet => 0,
        Level::Normal => MAX_WARNINGS,
        Level::Verbose => usize::MAX,
    };
    let mut warnings = 0;
    for d in diags {
        if !d.is_error() {
            warnings += 1;
            if warnings > cap {
                continue;
            }
        }
        let _ = writeln!(err, "{d}\n");
    }
    if level == Level::Normal && warnings > MAX_WARNINGS {
        let _ = writeln!(
            err,
            "……另有 {} 个警告未逐一列出(--verbose 列出全部)\n",
            warnings - MAX_WARNINGS
        );
    }
}

/// `check --format json`: one object on standard output for CI pipelines.
fn diagnostics_json(diags: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diags);
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "file": pingyi::load::slash_path(&d.path),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    let json = serde_json::json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": list,
    })
    .to_string();
    // serde_json escapes C0 controls but writes DEL, the C1 controls (CSI, U+009B, starts an
    // escape sequence on many terminals) and bidirectional overrides as they are. They can
    // only be inside strings, where `\uXXXX` means the same character.
    let raw =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !json.chars().any(raw) {
        return json;
    }
    json.chars()
        .map(|c| {
            if raw(c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// A build or an archive that stopped: its problems, what was left undone, the exit code.
fn failed(e: BuildError, undone: &str, m: &Marks, level: Level) -> ExitCode {
    match e {
        BuildError::Content(diags) => {
            print_diagnostics(&diags, level);
            let (e, w) = counts(&diags);
            eprintln!("{} 发现 {e} 个错误、{w} 个警告;{undone}", m.fail);
            ExitCode::from(1)
        }
        BuildError::Io(msg) => {
            eprintln!("{} {}", m.fail, safe(&msg));
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy)]
struct Marks {
    ok: &'static str,
    fail: &'static str,
}

/// Colour only on a terminal that shows it (not a Windows console without escape sequences),
/// and never when `NO_COLOR` is set (no-color.org).
fn colour(console: &pingyi::console::Console) -> bool {
    console.has_colours()
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn marks(colour: bool) -> Marks {
    if colour {
        Marks {
            ok: "\x1b[32m✔\x1b[0m",
            fail: "\x1b[31m✘\x1b[0m",
        }
    } else {
        Marks {
            ok: "✔", fail: "✘"
        }
    }
}

fn warn_suffix(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(",{n} 个警告")
    }
}

fn now() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

/// One line per rebuild: when, what changed, what was written, how long it took.
fn report_watch(ev: &WatchEvent, m: &Marks) {
    let what = |changed: &[String]| match changed {
        [] => "首次生成".to_string(),
        [one] => safe(one),
        [first, rest @ ..] => format!("{} 等 {} 处", safe(first), rest.len() + 1),
    };
    match ev {
        WatchEvent::Built { changed, report } => {
            if changed.is_empty() {
                print_diagnostics(&report.warnings, Level::Normal);
            }
            eprintln!(
                "{} {} {}:写入 {} 个文件、删除 {} 个,共 {} 篇文档,用时 {} 毫秒{}",
                m.ok,
                now(),
                what(changed),
                report.written,
                report.removed,
                report.documents,
                report.elapsed.as_millis(),
                warn_suffix(report.warnings.len())
            );
        }
        WatchEvent::Failed {
            changed,
            diagnostics,
        } => {
            print_diagnostics(diagnostics, Level::Normal);
            let (e, _) = counts(diagnostics);
            eprintln!(
                "{} {} {}:发现 {e} 个错误,保留上一次成功生成的网站",
                m.fail,
                now(),
                what(changed)
            );
        }
        WatchEvent::WriteFailed { changed, message } => {
            eprintln!("{} {} {}:{}", m.fail, now(), what(changed), safe(message));
        }
    }
}

/// Ctrl-C, SIGTERM and SIGHUP (a closed terminal) set the flag (`ctrlc`'s `termination`
/// feature); the loops finish the build under way and stop, leaving no staging folder behind
/// and, for `serve`, no temporary copy of the site.
fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    stop
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

/// How `watch` and `serve` end: stopped by Ctrl-C, or unable to go on.
fn stopped(result: Result<(), String>, m: &Marks) -> ExitCode {
    match result {
        Ok(()) => {
            eprintln!("已停止");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{} {}", m.fail, safe(&msg));
            ExitCode::from(2)
        }
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

/// `pingyi init`: today in the starter's time zone unless pinned.
fn init(args: &pingyi::cli::InitArgs, level: Level, m: &Marks) -> ExitCode {
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

/// `pingyi new`: the new file's path on standard output, for `$EDITOR "$(pingyi new …)"`.
fn new(args: &pingyi::cli::NewArgs, level: Level, m: &Marks) -> ExitCode {
    let req = NewDocument {
        kind: args.kind.into(),
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

fn main() -> ExitCode {
    // Before anything is printed, clap's help and errors included; restored when it drops.
    let console = pingyi::console::prepare();
    // Not `Cli::parse`, which exits from within and would leave the console changed.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let m = marks(colour(&console));
    let level = if cli.quiet {
        Level::Quiet
    } else if cli.verbose {
        Level::Verbose
    } else {
        Level::Normal
    };
    match cli.command {
        Command::Init(args) => init(&args, level, &m),
        Command::New(args) => new(&args, level, &m),
        Command::Completions(args) => {
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "pingyi", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man(args) => {
            let result = match &args.dir {
                Some(dir) => std::fs::create_dir_all(dir)
                    .and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
                None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{} 无法写出手册页: {e}", m.fail);
                    ExitCode::from(2)
                }
            }
        }
        Command::Check(args) => {
            let result = pingyi::check(&args.common.root, &options(&args.common, None));
            if args.format == Format::Json {
                let (diags, code) = match &result {
                    Ok(w) => (w, ExitCode::SUCCESS),
                    Err(d) => (d, ExitCode::from(1)),
                };
                println!("{}", diagnostics_json(diags));
                return code;
            }
            match result {
                Ok(warnings) => {
                    print_diagnostics(&warnings, level);
                    if level != Level::Quiet {
                        eprintln!("{} 检查通过{}", m.ok, warn_suffix(warnings.len()));
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags, level);
                    let (e, w) = counts(&diags);
                    eprintln!("{} 发现 {e} 个错误、{w} 个警告", m.fail);
                    ExitCode::from(1)
                }
            }
        }
        Command::Build(args) => {
            let root = &args.common.root;
            let out = args.output.clone().unwrap_or_else(|| root.join("public"));
            let view =
                (level != Level::Quiet && std::io::stderr().is_terminal()).then(ProgressView::new);
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
                    &m,
                    level,
                ),
            }
        }
        Command::Watch(args) => {
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
                |ev| report_watch(&ev, &m),
            );
            stopped(result, &m)
        }
        Command::Serve(args) => {
            let stop = stop_on_ctrl_c();
            let sopts = ServeOptions {
                bind: args.bind,
                port: args.port,
                poll: args.poll,
            };
            let open = args.open;
            let result = pingyi::serve::serve(
                &args.common.root,
                options(&args.common, None),
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
        Command::Archive(args) => {
            let root = &args.common.root;
            let out = args
                .output
                .clone()
                .unwrap_or_else(|| root.join("archives").join(format!("{}.zip", args.year)));
            eprintln!("正在归档 {} 年度……", args.year);
            match pingyi::archive::archive(root, args.year, &options(&args.common, None)) {
                Ok(bundle) => {
                    let written = out
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| std::fs::write(&out, &bundle.bytes));
                    if let Err(e) = written {
                        eprintln!("{} 无法写入 {}: {e}", m.fail, safe_path(&out));
                        return ExitCode::from(2);
                    }
                    eprintln!(
                        "{} 已把 {} 年度的 {} 篇文档归档到 {}:{} 个文件,{:.1} MB;用 pingyi verify {} 校验",
                        m.ok,
                        bundle.year,
                        bundle.documents,
                        safe_path(&out),
                        bundle.files,
                        bundle.bytes.len() as f64 / 1e6,
                        safe_path(&out)
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => failed(e, "没有生成归档包", &m, level),
            }
        }
        Command::Verify(args) => match pingyi::archive::verify(&args.bundle) {
            Ok(v) if v.is_intact() => {
                eprintln!(
                    "{} {} 完好:{} 年度归档的 {} 个文件与 manifest.json 一致",
                    m.ok,
                    safe_path(&args.bundle),
                    v.year,
                    v.checked
                );
                ExitCode::SUCCESS
            }
            Ok(v) => {
                for (label, paths) in [
                    ("缺失", &v.missing),
                    ("被改动", &v.altered),
                    ("多出(清单中没有)", &v.extra),
                    ("重名(归档包中有不止一项叫这个名字)", &v.duplicated),
                ] {
                    for p in paths {
                        eprintln!("  {label}: {}", safe(p));
                    }
                }
                for (p, what) in &v.not_files {
                    eprintln!("  {what}(归档包只应有普通文件): {}", safe(p));
                }
                let odd = if v.duplicated.is_empty() && v.not_files.is_empty() {
                    String::new()
                } else {
                    format!(
                        "、重名 {} 个、不是普通文件 {} 个",
                        v.duplicated.len(),
                        v.not_files.len()
                    )
                };
                eprintln!(
                    "{} {} 不完好:缺失 {} 个、被改动 {} 个、多出 {} 个文件{odd}(共校验 {} 个)",
                    m.fail,
                    safe_path(&args.bundle),
                    v.missing.len(),
                    v.altered.len(),
                    v.extra.len(),
                    v.checked
                );
                ExitCode::from(1)
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::from(2)
            }
        },
    }
}

// jemalloc: a tenth less CPU than the system allocator on a build's many small values, for
// 10% more peak memory (mimalloc: the same speed, 40% more memory). Not on Windows, where it
// does not build (MSVC, nor mingw's `x86_64-pc-windows-gnu`).
#[cfg(not(windows))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read once as it starts. Freed pages are kept for reuse instead of
/// handed back to the system after a while: a 50,000-document build otherwise gave back a
/// fifth of its memory midway and faulted it in again (a tenth of the build), for 5 MB more
/// at 10,000 documents. `watch` keeps its high-water mark, which it holds anyway.
#[cfg(not(windows))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_OPTIONS: AllocatorOptions = AllocatorOptions(c"dirty_decay_ms:-1".as_ptr());

/// jemalloc reads `malloc_conf` as a C string pointer.
#[cfg(not(windows))]
#[repr(transparent)]
struct AllocatorOptions(*const std::ffi::c_char);

// SAFETY: the pointer is to a string literal, never written.
#[cfg(not(windows))]
unsafe impl Sync for AllocatorOptions {}
