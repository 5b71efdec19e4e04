//! `pingyi delta` and `pingyi apply`: a site carried across a one-way gateway (网闸) or by
//! disc as the difference from the copy already published, and that difference applied on
//! the other side, checked against the fingerprint the operator wrote down.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingyi::bundle::Differences;
use pingyi::delta::{self, Base, Error, Manifest};
use pingyi::output::MARKER;

use super::report::{Marks, safe, safe_path};

#[derive(Debug, Args)]
#[command(
    after_help = "示例:\n  pingyi delta 已发布 public --output 更新.zip\n      \
    比较上次发布的网站副本(已发布)和新生成的网站(public),把差异写进 更新.zip\n\n\
    上次发布的网站副本:每次发布后把 public/ 整个复制一份保存,下次就用它作为旧版。\n\
    记下输出的清单指纹,在服务器上运行 pingyi apply 时核对。详见 docs/transfer.md"
)]
pub(crate) struct DeltaArgs {
    /// 旧版网站:上次发布的 pingyi build 输出目录的副本(首次发布时可以是空目录)
    #[arg(value_name = "旧版目录")]
    pub(crate) old: PathBuf,
    /// 新版网站:这次 pingyi build 的输出目录
    #[arg(value_name = "新版目录")]
    pub(crate) new: PathBuf,
    /// 差异包写到哪里(.zip),不能在两个网站目录之中
    #[arg(long, short, value_name = "文件")]
    pub(crate) output: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "示例:\n  pingyi apply 更新.zip --to /var/www/rd --dry-run\n      \
    只检查并列出会新增、改动、删除的文件,不改动任何文件\n  \
    pingyi apply 更新.zip --to /var/www/rd --fingerprint 清单指纹\n      \
    核对指纹和每个文件后更新网站目录\n\n\
    目录必须与制作差异包时的旧版网站完全一致(每个文件的 SHA-256,不多不少),否则拒绝;\n\
    差异包损坏或被改动也拒绝。拒绝时不改动任何文件。详见 docs/transfer.md"
)]
pub(crate) struct ApplyArgs {
    /// pingyi delta 生成的差异包(.zip)
    #[arg(value_name = "差异包")]
    pub(crate) package: PathBuf,
    /// 要更新的网站目录(服务器上的网站根目录)
    #[arg(long, value_name = "目录")]
    pub(crate) to: PathBuf,
    /// 只检查,列出会新增、改动、删除的文件,不改动任何文件
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// 制作差异包时显示的清单指纹;给出时不一致即拒绝
    #[arg(long, value_name = "指纹")]
    pub(crate) fingerprint: Option<String>,
}

/// The site's own files among `paths`: pingyi's marker, which changes whenever a file comes
/// or goes, is left out of what the commands count and list, as `build` leaves it out.
fn own(paths: &[String]) -> impl Iterator<Item = &String> {
    paths.iter().filter(|p| p.as_str() != MARKER)
}

/// Counts of a manifest, as every summary says them.
fn counts(m: &Manifest) -> String {
    format!(
        "新增 {} 个、改动 {} 个、删除 {} 个文件",
        own(&m.added).count(),
        own(&m.changed).count(),
        own(&m.removed).count()
    )
}

/// How many files the new site has, the marker not counted.
fn site_files(m: &Manifest) -> usize {
    m.new.iter().filter(|f| f.path != MARKER).count()
}

fn size(bytes: usize) -> String {
    if bytes < 100_000 {
        format!("{:.1} KB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

pub(crate) fn run_delta(args: &DeltaArgs, m: &Marks) -> ExitCode {
    let made = match delta::make(&args.old, &args.new, &args.output) {
        Ok(d) => d,
        Err(e) => return failed(e, m, ""),
    };
    if let Err(e) = pingyi::output::replace_file(&args.output, &made.bytes) {
        eprintln!("{} 无法写入 {}: {e}", m.fail, safe_path(&args.output));
        return ExitCode::from(2);
    }
    eprintln!(
        "{} 已生成差异包 {}:{},共 {}(新版网站共 {} 个文件)",
        m.ok,
        safe_path(&args.output),
        counts(&made.manifest),
        size(made.bytes.len()),
        site_files(&made.manifest)
    );
    eprintln!("清单指纹(SHA-256): {}", made.fingerprint);
    eprintln!("请记下这个指纹,在服务器上运行 pingyi apply 时核对");
    ExitCode::SUCCESS
}

pub(crate) fn run_apply(args: &ApplyArgs, m: &Marks) -> ExitCode {
    let to = safe_path(&args.to);
    let package = match delta::open(&args.package) {
        Ok(p) => p,
        Err((fingerprint, e)) => {
            if let Some(f) = fingerprint {
                eprintln!("清单指纹(SHA-256): {f}");
            }
            return failed(e, m, &to);
        }
    };
    eprintln!("清单指纹(SHA-256): {}", package.fingerprint);
    if let Some(expected) = &args.fingerprint {
        let expected = expected.trim().to_ascii_lowercase();
        if expected != package.fingerprint {
            let e = Error::OtherFingerprint {
                expected,
                found: package.fingerprint.clone(),
            };
            return failed(e, m, &to);
        }
    }
    let summary = counts(&package.manifest);
    let already = || {
        eprintln!(
            "{} {to} 已经是差异包的新版网站,无需应用;没有改动任何文件",
            m.ok
        );
        ExitCode::SUCCESS
    };
    if args.dry_run {
        match delta::check_base(&package, &args.to) {
            Err(e) => return failed(e, m, &to),
            Ok(Base::New) => return already(),
            Ok(Base::Old) => {}
        }
        let mm = &package.manifest;
        for (label, paths) in [
            ("新增", &mm.added),
            ("改动", &mm.changed),
            ("删除", &mm.removed),
        ] {
            for p in own(paths) {
                eprintln!("  {label}: {}", safe(p));
            }
        }
        eprintln!(
            "{} {to} 与差异包的旧版网站一致;应用后将{summary}(--dry-run:没有改动任何文件)",
            m.ok
        );
        return ExitCode::SUCCESS;
    }
    match delta::apply(&package, &args.to) {
        Err(e) => return failed(e, m, &to),
        Ok(Base::New) => return already(),
        Ok(Base::Old) => {}
    }
    eprintln!(
        "{} 已更新 {to}:{summary};全部 {} 个文件与新版网站一致",
        m.ok,
        site_files(&package.manifest)
    );
    ExitCode::SUCCESS
}

/// Lists the files of `d`, each under its label.
fn list(d: &Differences, extra: &str) {
    for (label, paths) in [
        ("缺失", &d.missing),
        ("被改动", &d.altered),
        (extra, &d.extra),
    ] {
        for p in paths {
            eprintln!("  {label}: {}", safe(p));
        }
    }
}

fn tally(d: &Differences) -> String {
    format!(
        "缺失 {} 个、被改动 {} 个、多出 {} 个文件",
        d.missing.len(),
        d.altered.len(),
        d.extra.len()
    )
}

/// A run that stopped: what is wrong, what was left undone, the exit code (1 for the
/// package or the folder not being what they should, 2 for what could not be read or
/// written). `to` is the folder `apply` was to update, empty for `delta`.
fn failed(e: Error, m: &Marks, to: &str) -> ExitCode {
    let undone = if to.is_empty() {
        "没有生成差异包"
    } else {
        "没有改动任何文件"
    };
    match e {
        Error::Io(msg) => {
            eprintln!("{} {};{undone}", m.fail, safe(&msg));
            return ExitCode::from(2);
        }
        Error::Damaged(lines) => {
            for l in &lines {
                eprintln!("  {}", safe(l));
            }
            eprintln!(
                "{} 差异包已损坏或被改动({} 处问题);{undone}。请重新拷贝差异包,或在编辑端重新生成",
                m.fail,
                lines.len()
            );
        }
        Error::OtherFingerprint { expected, found } => eprintln!(
            "{} 清单指纹不一致:应为 {}, 差异包的是 {found};{undone}。\
             请核对记下的指纹,差异包可能被调换或改动",
            m.fail,
            safe(&expected)
        ),
        Error::WrongBase(d) => {
            list(&d, "多出(旧版网站中没有)");
            eprintln!(
                "{} {to} 不是制作差异包时的旧版网站:{};{undone}。\
                 请确认目录选对了;服务器上的网站若被改过,请把它原样带回编辑端作为旧版,重新制作差异包",
                m.fail,
                tally(&d)
            );
        }
        Error::NotAsBuilt(d) => {
            list(&d, "多出(新版网站中没有)");
            eprintln!(
                "{} 更新后的 {to} 与新版网站不一致:{};被替换下来的网站保存在它旁边的 .<目录名>.pingyi-previous",
                m.fail,
                tally(&d)
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::from(1)
}
