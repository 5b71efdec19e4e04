//! `pingyi verify`: an archive bundle checked file by file against its manifest, and, with a
//! public key, its signature.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingyi::archive::{SignatureCheck, Verification};

use super::report::{Marks, safe, safe_path};

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// 归档包(.zip),或解压后的目录
    #[arg(value_name = "归档包")]
    pub(crate) bundle: PathBuf,
    /// 用这个公钥(pingyi-archive.pub)核验签名:未签名、签名不符或由别的密钥签名时都不通过
    #[arg(long, value_name = "公钥文件")]
    pub(crate) key: Option<PathBuf>,
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
    match pingyi::archive::verify(&args.bundle, key.as_ref()) {
        Ok(v) if v.is_intact() => {
            eprintln!(
                "{} {} 完好:{} 年度归档的 {} 个文件与 manifest.json 一致;{}",
                m.ok,
                safe_path(&args.bundle),
                v.year,
                v.checked,
                signature(&v.signature)
            );
            ExitCode::SUCCESS
        }
        Ok(v) => {
            not_intact(args, &v, m);
            ExitCode::from(1)
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(2)
        }
    }
}

/// The signature's line: what was checked, and what was not.
fn signature(s: &SignatureCheck) -> String {
    match s {
        SignatureCheck::Unsigned => "未签名".to_string(),
        SignatureCheck::Missing => "未签名(没有 manifest.sig),但指定了公钥".to_string(),
        SignatureCheck::NotChecked { fingerprint } => {
            format!("已签名,未核验签名:请用 --key 指定公钥(签名者指纹 {fingerprint})")
        }
        SignatureCheck::Valid { fingerprint } => {
            format!("签名有效,签名者公钥指纹 {fingerprint}(请与登记的指纹比对)")
        }
        SignatureCheck::Invalid { reason } => format!("签名无效:{}", safe(reason)),
    }
}

fn not_intact(args: &VerifyArgs, v: &Verification, m: &Marks) {
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
    eprintln!("  签名: {}", signature(&v.signature));
    let odd = if v.duplicated.is_empty() && v.not_files.is_empty() {
        String::new()
    } else {
        format!(
            "、重名 {} 个、不是普通文件 {} 个",
            v.duplicated.len(),
            v.not_files.len()
        )
    };
    let sig = if v.signature.is_acceptable() {
        ""
    } else {
        ",签名未通过"
    };
    eprintln!(
        "{} {} 不完好:缺失 {} 个、被改动 {} 个、多出 {} 个文件{odd}{sig}(共校验 {} 个)",
        m.fail,
        safe_path(&args.bundle),
        v.missing.len(),
        v.altered.len(),
        v.extra.len(),
        v.checked
    );
}
