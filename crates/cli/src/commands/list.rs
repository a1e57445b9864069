//! `latchkey list`: names and metadata, never values.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};

use crate::args::EnvArg;
use clap::Args;
use latchkey_core::text::rfc3339;
use latchkey_core::{FormatVerdict, Validation};

pub fn run(args: ListArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name_in_project()?;
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
    let checks: Vec<String> = variables.iter().map(|v| check_label(v.validation.as_ref())).collect();
    let check_width = checks.iter().map(String::len).max().unwrap_or(5).max(5);
    let from_width = variables
        .iter()
        .map(|v| v.inherited_from.as_ref().unwrap_or(env).as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        table,
        "{:width$}  {:6}  {:8}  {:12}  {:check_width$}  {:from_width$}  UPDATED",
        "NAME", "KIND", "STORE", "PROVIDER", "CHECK", "FROM"
    )?;
    for (v, check) in variables.iter().zip(&checks) {
        let updated = rfc3339(v.updated);
        let provider = v.provider.as_deref().unwrap_or("-");
        writeln!(
            table,
            "{:width$}  {:6}  {:8}  {:12}  {check:check_width$}  {:from_width$}  {updated}",
            v.name.as_str(),
            v.kind.to_string(),
            v.store.to_string(),
            provider,
            v.inherited_from.as_ref().unwrap_or(env).as_str(),
        )?;
    }
    std::io::stdout().lock().write_all(table.as_bytes())?;
    Ok(())
}

/// The latest check in a few words: the online result when there is one, else the
/// format verdict and its first problem.
fn check_label(validation: Option<&Validation>) -> String {
    let Some(v) = validation else { return "-".to_owned() };
    if let Some(online) = &v.online {
        return format!("online {}", online.result.as_str());
    }
    match (v.format, v.problems.first()) {
        (FormatVerdict::Invalid, Some(code)) => format!("invalid: {code}"),
        (FormatVerdict::Invalid, None) => "invalid".to_owned(),
        (FormatVerdict::Ok, _) => "format ok".to_owned(),
        (FormatVerdict::Unknown, _) => "unknown".to_owned(),
    }
}

/// `latchkey list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
