//! `pingyi keygen`: the key pair that signs year archives, written to a folder, and the public
//! key's fingerprint for the office to register.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::report::{Level, Marks, safe_path};

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// 把密钥写到这个目录(不存在则创建):私钥 pingyi-archive.key 和公钥 pingyi-archive.pub;已有密钥时不覆盖
    #[arg(long, short, value_name = "目录")]
    pub(crate) output: PathBuf,
}

pub(crate) fn run(args: &KeygenArgs, level: Level, m: &Marks) -> ExitCode {
    match pingyi::archive::write_key_pair(&args.output) {
        Ok(keys) => {
            if level != Level::Quiet {
                eprintln!(
                    "{} 已生成归档签名密钥(SM2):\n  私钥 {}  用于 pingyi archive --sign;只放在签名用的机器上,不要放到网站服务器上;离线备份\n  公钥 {}  用于 pingyi verify --key;可以公开\n公钥指纹(SM3):",
                    m.ok,
                    safe_path(&keys.private),
                    safe_path(&keys.public)
                );
            }
            // The fingerprint alone on standard output, for a script or a file to keep.
            println!("{}", keys.fingerprint);
            if level != Level::Quiet {
                eprintln!(
                    "请把这个指纹登记备案(例如写进归档移交清单、报档案部门):核验时 pingyi verify --key 会显示签名者的指纹,与登记的一致才说明公钥没有被调换"
                );
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            eprintln!("{} 没有生成密钥", m.fail);
            ExitCode::from(2)
        }
    }
}
