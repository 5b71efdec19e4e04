//! `pingyi check`: loads and checks the site, writes nothing; text for people, JSON for CI.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pingyi::{Diagnostic, Severity};

use super::report::{Level, Marks, counts, print_diagnostics, warn_suffix};
use super::{CommonArgs, options};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// 输出格式:text 给人看(写到标准错误),json 给 CI 流水线(写到标准输出)
    #[arg(long, value_enum, value_name = "格式", default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// 文字
    Text,
    /// JSON:{ok, errors, warnings, diagnostics: [{severity, file, line, column, message, hint}]}
    Json,
}

pub(crate) fn run(args: &CheckArgs, level: Level, m: &Marks) -> ExitCode {
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
