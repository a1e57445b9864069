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
    let mut variables = vault.list(env).with_context(|| format!("cannot list `{env}`"))?;
    if let Some(pattern) = &args.filter {
        variables.retain(|v| name_matches(pattern, v.name.as_str()));
        if variables.is_empty() && !args.json {
            eprintln!("No variable in `{env}` matches `{pattern}`.");
            return Ok(());
        }
    }
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

/// Whether `name` matches `pattern`, ignoring case: a glob when the pattern has `*` or
/// `?` (`OPENAI_*`), else any name that contains it (`token`).
fn name_matches(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.to_ascii_uppercase(), name.to_ascii_uppercase());
    if !pattern.contains(['*', '?']) {
        return name.contains(&pattern);
    }
    glob(pattern.as_bytes(), name.as_bytes())
}

/// Wildcard matching in O(pattern × name): on a mismatch, only the last `*` is retried
/// one byte further (a pattern of many `*` never explodes).
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// `latchkey list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Only names that match: a glob (`OPENAI_*`) or a part of the name (`token`),
    /// ignoring case.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn a_filter_is_a_glob_or_a_part_of_the_name_ignoring_case() {
        assert!(name_matches("OPENAI_*", "OPENAI_API_KEY"));
        assert!(!name_matches("OPENAI_*", "AZURE_OPENAI_KEY"));
        assert!(name_matches("*openai*", "AZURE_OPENAI_KEY"));
        assert!(name_matches("token", "GITHUB_TOKEN"));
        assert!(name_matches("GITHUB_TOKE?", "GITHUB_TOKEN"));
        assert!(!name_matches("GITHUB_TOKE?", "GITHUB_TOKENS"));
        assert!(!name_matches("stripe", "GITHUB_TOKEN"));
        assert!(name_matches("*", "A"));
        assert!(name_matches("A*B*C", "AXXBYYC"));
        assert!(!name_matches("A*B*C", "AXXBYY"));
        // Many stars against a long name: linear, not exponential.
        let long = "A".repeat(128);
        assert!(!name_matches(&format!("{}B", "*A".repeat(40)), &long));
    }
}
