//! `pingyi verify`: an archive bundle checked file by file against its manifest, reported as
//! the 四性检测 (真实性, 完整性, 可用性, 安全性); text for people, JSON for a records system.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::report::{Marks, safe, safe_path};

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// 归档包(.zip),或解压后的目录
    #[arg(value_name = "归档包")]
    pub(crate) bundle: PathBuf,
    /// 输出格式:text 给人看(写到标准错误),json 给档案系统(写到标准输出)
    #[arg(long, value_enum, value_name = "格式", default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// 文字:四性各一行,问题逐条列出
    Text,
    /// JSON:{bundle, year, intact, checks: [{name, passed, summary, problems}]}
    Json,
}

pub(crate) fn run(args: &VerifyArgs, m: &Marks) -> ExitCode {
    let v = match pingyi::archive::verify(&args.bundle) {
        Ok(v) => v,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    let intact = v.is_intact();
    let checks = v.properties();
    if args.format == Format::Json {
        let json = serde_json::json!({
            "bundle": pingyi::load::slash_path(&args.bundle),
            "year": v.year,
            "intact": intact,
            "checks": checks,
        });
        println!("{json}");
    } else {
        eprintln!(
            "{} 年度归档包 {} 四性检测:",
            v.year,
            safe_path(&args.bundle)
        );
        for c in &checks {
            let mark = if c.passed { m.ok } else { m.fail };
            let verdict = if c.passed { "通过" } else { "不通过" };
            eprintln!("  {mark} {}:{verdict}。{}", c.name, c.summary);
            for p in &c.problems {
                eprintln!("      {}", safe(p));
            }
        }
        if intact {
            eprintln!("{} {} 完好", m.ok, safe_path(&args.bundle));
        } else {
            let failed: Vec<&str> = checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.name)
                .collect();
            eprintln!(
                "{} {} 不完好:{}不通过",
                m.fail,
                safe_path(&args.bundle),
                failed.join("、")
            );
        }
    }
    if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
