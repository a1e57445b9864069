//! `latchkey check`: format checks of stored values or of a value on stdin, and with
//! `--online`, whether each key works.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, bail};
use latchkey_core::validate::verify::{CONCURRENCY, Online, TIMEOUT, Verdict, Verifier};
use latchkey_core::{
    Catalog, Checked, ExposeSecret, Finding, FormatVerdict, plan_online, verify_checked_blocking,
};
use serde::Serialize;

use crate::args::{EnvArg, variable_name};
use crate::input;
use clap::Args;
use latchkey_core::VariableName;

/// One checked value, as `--json` prints it.
#[derive(Serialize)]
struct Report<'a> {
    name: &'a str,
    provider: Option<&'a str>,
    format: FormatVerdict,
    problems: &'a [latchkey_core::Problem],
    online: Option<Online>,
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

impl<'a> Report<'a> {
    fn new(name: &'a str, finding: &'a Finding, online: Option<&'a Verdict>) -> Self {
        Report {
            name,
            provider: finding.provider.as_deref(),
            format: finding.format,
            problems: &finding.problems,
            online: online.map(|v| v.online),
            status: online.and_then(|v| v.status),
            message: online.map(|v| v.message.as_str()),
        }
    }

    fn invalid(&self) -> bool {
        self.format == FormatVerdict::Invalid || self.online == Some(Online::Invalid)
    }
}

pub fn run(args: CheckArgs) -> Result<()> {
    let catalog = super::catalog()?;
    if args.stdin {
        return check_stdin(&args, &catalog);
    }
    let vault = super::unlock()?;
    let env = &args.env.name();
    let mut checked = vault
        .check(env, &catalog, args.name.as_ref(), args.online)
        .with_context(|| format!("cannot check `{env}`"))?;
    if args.online {
        verify_checked_blocking(&Verifier::new(TIMEOUT, CONCURRENCY)?, &mut checked);
    }
    if let Err(err) = vault.record_checks(&checked) {
        eprintln!("latchkey: warning: the results were not saved in the vault: {err}");
    }
    let reports: Vec<Report> = checked.iter().map(report).collect();
    if args.json {
        print_json(&reports)?;
    } else if reports.is_empty() {
        eprintln!("No variables in `{env}` to check: add one with `latchkey set NAME --env {env}`.");
    } else {
        print_table(&reports)?;
    }
    conclude(&reports)
}

fn report(checked: &Checked) -> Report<'_> {
    Report::new(checked.name.as_str(), &checked.finding, checked.online.as_ref())
}

/// `--stdin`: no vault is needed, and nothing is stored.
fn check_stdin(args: &CheckArgs, catalog: &Catalog) -> Result<()> {
    let value =
        latchkey_core::parse_value(input::read_stdin()?).context("cannot check the value from stdin")?;
    let name = args.as_name.as_ref().map_or("VALUE", |n| n.as_str());
    let finding = latchkey_core::validate::check_alone(catalog, name, value.expose_secret());
    let verdict = match args.online.then(|| plan_online(catalog, &finding, &value, &|_| None)).flatten() {
        Some(Ok(target)) => Some(Verifier::new(TIMEOUT, 1)?.verify_blocking(vec![target]).remove(0)),
        Some(Err(verdict)) => Some(verdict),
        None => None,
    };
    let report = Report::new(name, &finding, verdict.as_ref());
    if args.json {
        print_json(&report)?;
    } else {
        print_table(std::slice::from_ref(&report))?;
    }
    conclude(std::slice::from_ref(&report))
}

fn print_json(value: &impl Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(value)?;
    std::io::stdout().lock().write_all(format!("{json}\n").as_bytes())?;
    Ok(())
}

fn print_table(reports: &[Report]) -> Result<()> {
    let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    writeln!(out, "{:width$}  {:12}  {:8}  ONLINE", "NAME", "PROVIDER", "FORMAT")?;
    for r in reports {
        let format = match r.format {
            FormatVerdict::Ok => "ok",
            FormatVerdict::Invalid => "invalid",
            FormatVerdict::Unknown => "unknown",
        };
        let online = match (r.online, r.status) {
            (Some(online), Some(status)) => format!("{} ({status})", online.as_str()),
            (Some(online), None) => online.as_str().to_owned(),
            (None, _) => "-".to_owned(),
        };
        writeln!(out, "{:width$}  {:12}  {format:8}  {online}", r.name, r.provider.unwrap_or("-"))?;
        for problem in r.problems {
            writeln!(out, "{:width$}  ! {}: {}", "", problem.code, problem.message)?;
        }
        if let Some(message) = r.message.filter(|_| r.online != Some(Online::Valid)) {
            writeln!(out, "{:width$}  ! online: {message}", "")?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn conclude(reports: &[Report]) -> Result<()> {
    let invalid: Vec<&str> = reports.iter().filter(|r| r.invalid()).map(|r| r.name).collect();
    if !invalid.is_empty() {
        bail!("{} of {} failed their checks: {}", invalid.len(), reports.len(), invalid.join(", "));
    }
    Ok(())
}

/// `latchkey check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One variable to check; all of the environment when omitted.
    #[arg(value_parser = variable_name(), conflicts_with = "stdin")]
    pub name: Option<VariableName>,
    #[command(flatten)]
    pub env: EnvArg,
    /// Also ask each key's provider whether it works (network).
    #[arg(long)]
    pub online: bool,
    /// Print JSON: an array of objects, or one object with --stdin.
    #[arg(long)]
    pub json: bool,
    /// Check a value read from stdin instead of stored ones; nothing is stored.
    #[arg(long)]
    pub stdin: bool,
    /// The variable name the value from stdin is meant for (its provider context).
    #[arg(value_parser = variable_name(), long = "as", requires = "stdin", value_name = "VARIABLE_NAME")]
    pub as_name: Option<VariableName>,
}
