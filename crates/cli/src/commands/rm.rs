//! `latchkey rm`: remove a variable.

use anyhow::{Context, Result};

use crate::args::NameArgs;

pub fn run(args: NameArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name();
    let removed =
        vault.remove(env, &args.name).with_context(|| format!("cannot remove {} from `{env}`", args.name))?;
    eprintln!("Removed {} from `{env}`.", args.name);
    super::env::warn_orphans(&removed);
    Ok(())
}
