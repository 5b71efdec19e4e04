//! `pingyi archive`: one review year as a verifiable zip bundle.

use std::path::{Path, PathBuf};
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
    /// 已有同名归档包而内容不同时,仍然覆盖(它的摘要可能已经登记,默认不覆盖)
    #[arg(long)]
    pub(crate) force: bool,
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
    let quiet = level == Level::Quiet;
    if !quiet {
        eprintln!("正在归档 {} 年度……", args.year);
    }
    let opts = options(&args.common, None);
    match pingyi::archive::archive_signed(root, args.year, &opts, key.as_ref()) {
        Ok(bundle) => {
            if let Err(code) = write_bundle(&out, &bundle.bytes, args.force, m) {
                return code;
            }
            // The bundle's own digests, for the register: recorded apart from the bundle,
            // they are what shows a bundle rewritten whole (manifest and all). On standard
            // output, also with --quiet, for a script to keep.
            println!("SHA-256  {}", pingyi::bundle::sha256_hex(&bundle.bytes));
            println!("SM3      {}", pingyi::bundle::sm3_hex(&bundle.bytes));
            if quiet {
                return ExitCode::SUCCESS;
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
            eprintln!(
                "  请把这两行摘要登记在归档包以外(档案登记表、移交清单);用 pingyi verify {} 校验",
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

/// Writes the bundle atomically. An existing bundle that differs is kept unless `force`: its
/// digests may be in a register already, and a bundle made again from edited content would not
/// match them.
fn write_bundle(out: &Path, bytes: &[u8], force: bool, m: &Marks) -> Result<(), ExitCode> {
    if let Ok(old) = std::fs::read(out) {
        if old == bytes {
            return Ok(());
        }
        if !force {
            eprintln!(
                "{} {} 已存在,内容与这次生成的不同;它的摘要可能已经登记,没有覆盖。\n  \
                 确需重新归档,请加 --force,或用 -o 写到别处",
                m.fail,
                safe_path(out)
            );
            return Err(ExitCode::from(1));
        }
    }
    let written = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| pingyi::output::replace_file(out, bytes));
    written.map_err(|e| {
        eprintln!("{} 无法写入 {}: {e}", m.fail, safe_path(out));
        ExitCode::from(2)
    })
}
