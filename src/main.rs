//! The `pingyi` binary: parses arguments, runs the library, prints diagnostics, sets the exit
//! code (0 success, 1 content errors, 2 usage or I/O failure).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use pingyi::cli::{Cli, Command, CommonArgs};
use pingyi::{BuildError, Diagnostic, Options};

fn options(c: &CommonArgs, base_url: Option<String>) -> Options {
    Options {
        drafts: c.drafts,
        today: c.today,
        base_url,
    }
}

/// Warnings shown in full; beyond this, a count, so errors are not buried under hundreds of
/// overdue items.
const MAX_WARNINGS: usize = 20;

fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    let mut warnings = 0;
    for d in diags {
        if !d.is_error() {
            warnings += 1;
            if warnings > MAX_WARNINGS {
                continue;
            }
        }
        let _ = writeln!(err, "{d}\n");
    }
    if warnings > MAX_WARNINGS {
        let _ = writeln!(err, "……另有 {} 个警告未逐一列出\n", warnings - MAX_WARNINGS);
    }
}

fn summary(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    let (ok, fail) = if color {
        ("\x1b[32m✔\x1b[0m", "\x1b[31m✘\x1b[0m")
    } else {
        ("✔", "✘")
    };
    match cli.command {
        Command::Check(args) => {
            let root = &args.common.root;
            match pingyi::check(root, &options(&args.common, None)) {
                Ok(warnings) => {
                    print_diagnostics(&warnings);
                    eprintln!(
                        "{ok} 检查通过{}",
                        if warnings.is_empty() {
                            String::new()
                        } else {
                            format!(",{} 个警告", warnings.len())
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    let (e, w) = summary(&diags);
                    eprintln!("{fail} 发现 {e} 个错误、{w} 个警告");
                    ExitCode::from(1)
                }
            }
        }
        Command::Build(args) => {
            let root = &args.common.root;
            let out = args.output.clone().unwrap_or_else(|| root.join("public"));
            match pingyi::build(root, &out, &options(&args.common, args.base_url.clone())) {
                Ok(report) => {
                    print_diagnostics(&report.warnings);
                    eprintln!(
                        "{ok} 已生成 {} 篇文档、{} 个文件到 {},用时 {:.2} 秒{}",
                        report.documents,
                        report.files,
                        out.display(),
                        report.elapsed.as_secs_f64(),
                        if report.warnings.is_empty() {
                            String::new()
                        } else {
                            format!(",{} 个警告", report.warnings.len())
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(BuildError::Content(diags)) => {
                    print_diagnostics(&diags);
                    let (e, w) = summary(&diags);
                    eprintln!(
                        "{fail} 发现 {e} 个错误、{w} 个警告;没有写入任何文件,{} 保持原样",
                        out.display()
                    );
                    ExitCode::from(1)
                }
                Err(BuildError::Io(msg)) => {
                    eprintln!("{fail} {msg}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
