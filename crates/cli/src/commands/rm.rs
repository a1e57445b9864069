//! `latchkey rm`: remove a variable.

use std::io::IsTerminal as _;

use anyhow::{Context, Result};
use clap::Args;

use crate::args::NameArgs;

pub fn run(RmArgs { name: args, yes }: RmArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name();
    // A person at a terminal is asked; a script (no terminal) is not.
    // A name that is not there is left to `remove` to report.
    let there = || {
        vault
            .list(env)
            .is_ok_and(|vars| vars.iter().any(|v| v.name == args.name && v.inherited_from.is_none()))
    };
    if !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && there() {
        let question = format!("Remove {} from `{env}`? Its value and its history go with it.", args.name);
        if !crate::input::confirm(&question, "")? {
            eprintln!("Nothing was removed.");
            return Ok(());
        }
    }
    let removed =
        vault.remove(env, &args.name).with_context(|| format!("cannot remove {} from `{env}`", args.name))?;
    eprintln!("Removed {} from `{env}`.", args.name);
    super::env::warn_orphans(&removed);
    Ok(())
}

/// `latchkey rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    #[command(flatten)]
    pub name: NameArgs,
    /// Remove without asking, even on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
}
