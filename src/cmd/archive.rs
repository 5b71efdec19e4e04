//! `pingyi archive`: one review year as a verifiable zip bundle.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::report::{Level, Marks, failed, safe_path};
use super::{CommonArgs, options};

#[derive(Debug, Args)]
pub(crate) struct ArchiveArgs {
    /// 要归档的年度,例如 2025
    #[arg(value_name = "年度")]
    pub(crate) year: i32,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// 归档包写到哪里;默认 <站点目录>/archives/<年度>.zip
    #[arg(long, short, value_name = "文件")]
    pub(crate) output: Option<PathBuf>,
    /// 用这个私钥(pingyi keygen 生成的 pingyi-archive.key)给归档包签名,签名写进包内的 manifest.sig
    #[arg(long, value_name = "私钥文件")]
    pub(crate) sign: Option<PathBuf>,
}

pub(crate) fn run(args: &ArchiveArgs, level: Level, m: &Marks) -> ExitCode {
    let root = &args.common.root;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| root.join("archives").join(format!("{}.zip", args.year)));
    // The key first: a bad one stops the command before any work, and nothing is written.
    let key = match args.sign.as_deref().map(pingyi::archive::SigningKey::read) {
        Some(Err(d)) => {
            eprintln!("{d}");
            eprintln!("{} 没有生成归档包", m.fail);
            return ExitCode::from(2);
        }
        Some(Ok(key)) => Some(key),
        None => None,
    };
    eprintln!("正在归档 {} 年度……", args.year);
    let opts = options(&args.common, None);
    match pingyi::archive::archive_signed(root, args.year, &opts, key.as_ref()) {
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
            let c = &bundle.catalogue;
            eprintln!(
                "{} 已把 {} 年度的 {} 篇文档归档到 {}:{} 个文件,{:.1} MB",
                m.ok,
                bundle.year,
                bundle.documents,
                safe_path(&out),
                bundle.files,
                bundle.bytes.len() as f64 / 1e6,
            );
            if let (Some(first), Some(last)) = (c.rows.first(), c.rows.last()) {
                eprintln!(
                    "  归档文件目录 {} 件,全宗号 {},档号 {} 至 {}",
                    c.rows.len(),
                    c.fonds,
                    first.code,
                    last.code
                );
            }
            // The bundle's own digests, for the register: recorded apart from the bundle,
            // they are what shows a bundle rewritten whole (manifest and all).
            println!("SHA-256  {}", pingyi::bundle::sha256_hex(&bundle.bytes));
            println!("SM3      {}", pingyi::bundle::sm3_hex(&bundle.bytes));
            eprintln!(
                "  请把上面两行摘要登记在归档包以外(档案登记表、移交清单);用 pingyi verify {} 校验",
                safe_path(&out)
            );
            if let Some(key) = &key {
                eprintln!(
                    "  已签名(manifest.sig),签名者公钥指纹 {};核验:pingyi verify {} --key 公钥文件",
                    key.public_key().fingerprint(),
                    safe_path(&out)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(e, "没有生成归档包", m, level),
    }
}
