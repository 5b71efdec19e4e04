//! `pingyi completions`: the shell completion script for bash, zsh, fish, PowerShell or elvish.

use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::Cli;

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// 命令行外壳
    #[arg(value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

pub(crate) fn run(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "pingyi", &mut std::io::stdout());
    ExitCode::SUCCESS
}
