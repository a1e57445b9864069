//! `latchkey get`: print a value.

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use latchkey_core::ExposeSecret;
use latchkey_core::audit::Access;

use crate::args::NameArgs;

pub fn run(args: NameArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name();
    let value =
        vault.get(env, &args.name).with_context(|| format!("cannot read {} from `{env}`", args.name))?;
    super::record(&vault, Access::Get, super::event(env, [args.name.to_string()]));
    let mut out = io::stdout().lock();
    out.write_all(value.expose_secret().as_bytes())?;
    // A newline only for a person reading a terminal: `$(latchkey get X)` and pipes get
    // the exact value.
    if out.is_terminal() {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
