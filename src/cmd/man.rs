//! `pingyi man`: the manual pages (roff), on standard output or one file per command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::Cli;
use super::report::Marks;

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// 把总手册页和每个命令的手册页(pingyi.1、pingyi-build.1……)写到这个目录,而不是标准输出
    #[arg(long, value_name = "目录")]
    pub(crate) dir: Option<PathBuf>,
}

pub(crate) fn run(args: &ManArgs, m: &Marks) -> ExitCode {
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
        None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} 无法写出手册页: {e}", m.fail);
            ExitCode::from(2)
        }
    }
}
