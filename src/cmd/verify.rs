//! `pingyi verify`: an archive bundle checked file by file against its manifest and, with a
//! public key, its signature, reported as the 四性检测 (真实性, 完整性, 可用性, 安全性); text
//! for people, JSON for a records system.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pingyi::archive::Property;

use super::report::{Marks, safe, safe_path};

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// 归档包(.zip),或解压后的目录
    #[arg(value_name = "归档包")]
    pub(crate) bundle: PathBuf,
    /// 用这个公钥(pingyi-archive.pub)核验签名:未签名、签名不符或由别的密钥签名时都不通过
    #[arg(long, value_name = "公钥文件")]
    pub(crate) key: Option<PathBuf>,
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
    let key = match args.key.as_deref().map(pingyi::archive::PublicKey::read) {
        Some(Err(d)) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
        Some(Ok(key)) => Some(key),
        None => None,
    };
    let v = match pingyi::archive::verify(&args.bundle, key.as_ref()) {
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
        print_report(args, v.year, &checks, m);
    }
    if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The four properties, one a line, each problem under its property.
fn print_report(args: &VerifyArgs, year: i32, checks: &[Property], m: &Marks) {
    let bundle = safe_path(&args.bundle);
    eprintln!("{year} 年度归档包 {bundle} 四性检测:");
    for c in checks {
        let mark = if c.passed { m.ok } else { m.fail };
        let verdict = if c.passed { "通过" } else { "不通过" };
        eprintln!("  {mark} {}:{verdict}。{}", c.name, safe(&c.summary));
        for p in &c.problems {
            eprintln!("      {}", safe(p));
        }
    }
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name)
        .collect();
    if failed.is_empty() {
        eprintln!("{} {bundle} 完好", m.ok);
    } else {
        eprintln!("{} {bundle} 不完好:{}不通过", m.fail, failed.join("、"));
    }
}
