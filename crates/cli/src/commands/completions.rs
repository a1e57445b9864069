//! `latchkey completions SHELL`: the shell's completion script, generated from the
//! command line's own definition, so it never falls behind a verb or a flag.

use std::io::Write;

use anyhow::{Context, Result};
use clap_complete::Shell;

/// What `latchkey completions` takes.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `cmd` is the whole CLI (`Cli::command()`), handed in by the dispatch.
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "latchkey", &mut script);
    std::io::stdout().lock().write_all(&script).context("cannot write the completion script")
}
