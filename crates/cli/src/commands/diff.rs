//! `latchkey diff A B`: which names only one environment has, and which differ. Values
//! are compared, never shown.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::args::environment_name;
use anyhow::{Context, Result};
use clap::Args;
use latchkey_core::EnvironmentName;

pub fn run(args: DiffArgs) -> Result<()> {
    let vault = super::unlock()?;
    let (a, b) = (&args.first, &args.second);
    let diff = vault.diff(a, b).with_context(|| format!("cannot compare `{a}` and `{b}`"))?;
    let names = |list: &[latchkey_core::VariableName]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let mut out = String::new();
    if args.json {
        let json = serde_json::json!({
            "only_in_first": names(&diff.only_first),
            "only_in_second": names(&diff.only_second),
            "different": names(&diff.differ),
            "same": names(&diff.same),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        for name in &diff.only_first {
            writeln!(out, "< {name}\tonly in {a}")?;
        }
        for name in &diff.only_second {
            writeln!(out, "> {name}\tonly in {b}")?;
        }
        for name in &diff.differ {
            writeln!(out, "~ {name}\tdiffers")?;
        }
        eprintln!(
            "{} only in `{a}`, {} only in `{b}`, {} differ, {} the same.",
            diff.only_first.len(),
            diff.only_second.len(),
            diff.differ.len(),
            diff.same.len()
        );
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// `latchkey diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first environment.
    #[arg(value_parser = environment_name())]
    pub first: EnvironmentName,
    /// The second environment.
    #[arg(value_parser = environment_name())]
    pub second: EnvironmentName,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
