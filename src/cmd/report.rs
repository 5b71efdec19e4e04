//! What the commands say on the terminal: diagnostics, the ✔/✘ marks, one line per rebuild,
//! and how a command that stopped ends (its exit code: 0 success, 1 content errors, 2 usage or
//! I/O failure). Shared by every command; nothing here parses arguments or runs the library.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pingyi::watch::WatchEvent;
use pingyi::{BuildError, Diagnostic};

/// A message as the terminal gets it: the file names in it may hold control characters,
/// which are shown escaped instead of acted on.
pub(crate) fn safe(text: &str) -> String {
    pingyi::diagnostic::escape_controls(text, &['\n']).into_owned()
}

/// A path as the terminal gets it, control characters shown escaped.
pub(crate) fn safe_path(path: &Path) -> String {
    pingyi::diagnostic::escape_controls(&path.to_string_lossy(), &[]).into_owned()
}

/// Warnings shown in full; beyond this, a count, so errors are not buried under hundreds of
/// overdue items.
const MAX_WARNINGS: usize = 20;

/// How much to say: `--quiet` only errors, `--verbose` every warning and the stage timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Quiet,
    Normal,
    Verbose,
}

pub(crate) fn print_diagnostics(diags: &[Diagnostic], level: Level) {
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

pub(crate) fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// A build or an archive that stopped: its problems, what was left undone, the exit code.
pub(crate) fn failed(e: BuildError, undone: &str, m: &Marks, level: Level) -> ExitCode {
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
pub(crate) struct Marks {
    pub(crate) ok: &'static str,
    pub(crate) fail: &'static str,
}

/// Colour only on a terminal that shows it (not a Windows console without escape sequences),
/// and never when `NO_COLOR` is set (no-color.org).
pub(crate) fn colour(console: &pingyi::console::Console) -> bool {
    console.has_colours()
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub(crate) fn marks(colour: bool) -> Marks {
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

pub(crate) fn warn_suffix(n: usize) -> String {
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
pub(crate) fn report_watch(ev: &WatchEvent, m: &Marks) {
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
pub(crate) fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    stop
}

/// How `watch` and `serve` end: stopped by Ctrl-C, or unable to go on.
pub(crate) fn stopped(result: Result<(), String>, m: &Marks) -> ExitCode {
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
