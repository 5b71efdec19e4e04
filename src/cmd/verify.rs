//! `pingyi verify`: an archive bundle checked file by file against its manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::report::{Marks, safe, safe_path};

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// 归档包(.zip),或解压后的目录
    #[arg(value_name = "归档包")]
    pub(crate) bundle: PathBuf,
}

pub(crate) fn run(args: &VerifyArgs, m: &Marks) -> ExitCode {
    match pingyi::archive::verify(&args.bundle, None) {
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
    }
}
