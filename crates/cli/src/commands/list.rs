//! `latchkey list`: names and metadata, never values.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};
use time::format_description::well_known::Rfc3339;

use crate::cli::ListArgs;

pub fn run(args: ListArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.env;
    let variables = vault.list(env).with_context(|| format!("cannot list `{env}`"))?;
    if args.json {
        let json = serde_json::to_string_pretty(&variables)?;
        std::io::stdout().lock().write_all(format!("{json}\n").as_bytes())?;
        return Ok(());
    }
    if variables.is_empty() {
        eprintln!("No variables in `{env}` yet: add one with `latchkey set NAME --env {env}`.");
        return Ok(());
    }
    let width = variables.iter().map(|v| v.name.as_str().len()).max().unwrap_or(4).max(4);
    let mut table = String::new();
    writeln!(table, "{:width$}  {:6}  {:8}  {:12}  UPDATED", "NAME", "KIND", "STORE", "PROVIDER")?;
    for v in &variables {
        let updated = v.updated.format(&Rfc3339).unwrap_or_default();
        let provider = v.provider.as_deref().unwrap_or("-");
        writeln!(
            table,
            "{:width$}  {:6}  {:8}  {:12}  {updated}",
            v.name.as_str(),
            v.kind.to_string(),
            v.store.to_string(),
            provider
        )?;
    }
    std::io::stdout().lock().write_all(table.as_bytes())?;
    Ok(())
}
