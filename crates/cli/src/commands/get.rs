//! `latchkey get`: print a value.

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use latchkey_core::ExposeSecret;
use latchkey_core::audit::Access;

use clap::Args;
use zeroize::Zeroizing;

use crate::args::NameArgs;

pub fn run(GetArgs { name: args, json }: GetArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name();
    let value =
        vault.get(env, &args.name).with_context(|| format!("cannot read {} from `{env}`", args.name))?;
    super::record(&vault, Access::Get, super::event(env, [args.name.to_string()]));
    let mut out = io::stdout().lock();
    if json {
        let doc = serde_json::json!({ "env": env.as_str(), "name": args.name.as_str() });
        // The value goes in last, written straight from the secret into a buffer that
        // is wiped: no copy of it stays in a JSON tree.
        let mut text = Zeroizing::new(serde_json::to_vec(&doc)?);
        // Room for the value escaped at its longest (`\u00XX` per byte), so the buffer
        // never grows, and no copy of the value is left behind in a freed one.
        text.reserve(value.expose_secret().len() * 6 + 16);
        text.pop(); // the closing brace
        text.extend_from_slice(b",\"value\":");
        serde_json::to_writer(&mut *text, value.expose_secret())?;
        text.extend_from_slice(b"}\n");
        out.write_all(&text)?;
        out.flush()?;
        return Ok(());
    }
    out.write_all(value.expose_secret().as_bytes())?;
    // A newline only for a person reading a terminal: `$(latchkey get X)` and pipes get
    // the exact value.
    if out.is_terminal() {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// `latchkey get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub name: NameArgs,
    /// Print `{"env", "name", "value"}` as JSON, the value escaped as JSON needs.
    #[arg(long)]
    pub json: bool,
}
