//! `latchkey check`: format checks of stored values or of a value on stdin, and with
//! `--online`, whether each key works.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, bail};
use latchkey_core::project::status::State;
use latchkey_core::validate::verify::{CONCURRENCY, Online, TIMEOUT, Verdict, Verifier};
use latchkey_core::{
    Catalog, EnvironmentName, ExposeSecret, Finding, FormatVerdict, plan_online, verify_checked_blocking,
};
use serde::Serialize;

use crate::args::{EnvArg, variable_name};
use crate::input;
use clap::Args;
use latchkey_core::VariableName;

/// One checked value, as `--json` prints it.
#[derive(Serialize)]
struct Report {
    name: String,
    /// The environment, when more than one is checked or a project is.
    #[serde(skip_serializing_if = "Option::is_none")]
    env: Option<String>,
    provider: Option<String>,
    format: FormatVerdict,
    problems: Vec<latchkey_core::Problem>,
    online: Option<Online>,
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// Required by the project, and nothing gives it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    missing: bool,
}

impl Report {
    fn new(name: &str, finding: &Finding, online: Option<&Verdict>) -> Self {
        Report {
            name: name.to_owned(),
            env: None,
            provider: finding.provider.clone(),
            format: finding.format,
            problems: finding.problems.clone(),
            online: online.map(|v| v.online),
            status: online.and_then(|v| v.status),
            message: online.map(|v| v.message.clone()),
            missing: false,
        }
    }

    fn invalid(&self) -> bool {
        self.missing || self.format == FormatVerdict::Invalid || self.online == Some(Online::Invalid)
    }
}

pub fn run(args: CheckArgs) -> Result<()> {
    let catalog = super::catalog()?;
    if args.stdin {
        return check_stdin(&args, &catalog);
    }
    let vault = super::unlock()?;
    let project = crate::project::current()?;
    let envs: Vec<EnvironmentName> = match &project {
        Some(p) if args.env.all() => p.envs().to_vec(),
        None if args.env.all() => vault.read()?.environments().map(|(name, _)| name.clone()).collect(),
        _ => vec![args.env.name_in_project()?],
    };
    let file_problems = project.as_ref().map(|p| p.problems(&catalog)).unwrap_or_default();
    for problem in &file_problems {
        eprintln!("{}", latchkey_core::text::printable(problem));
    }
    let mut reports = Vec::new();
    for env in &envs {
        let contract = match &project {
            Some(p) => vault.project_status(p, std::slice::from_ref(env))?.pop(),
            None => None,
        };
        let mut checked = if contract.as_ref().is_some_and(|c| !c.exists) {
            Vec::new()
        } else {
            vault
                .check(env, &catalog, args.name.as_ref(), args.online)
                .with_context(|| format!("cannot check `{env}`"))?
        };
        if args.online {
            verify_checked_blocking(&Verifier::new(TIMEOUT, CONCURRENCY)?, &mut checked);
        }
        if let Err(err) = vault.record_checks(&checked) {
            eprintln!("latchkey: warning: the results were not saved in the vault: {err}");
        }
        let mut here: Vec<Report> = checked
            .iter()
            .map(|c| {
                let mut finding = c.finding.clone();
                if let Some(declared) = project.as_ref().and_then(|p| p.var(&c.name)) {
                    declared.judge(&mut finding);
                }
                Report::new(c.name.as_str(), &finding, c.online.as_ref())
            })
            .collect();
        if let (Some(project), Some(contract)) = (&project, &contract) {
            for var in &contract.vars {
                if args.name.as_ref().is_some_and(|n| *n != var.name) {
                    continue;
                }
                let Some(declared) = project.var(&var.name) else { continue };
                match var.state {
                    State::Missing => here.push(Report {
                        missing: true,
                        format: FormatVerdict::Unknown,
                        ..Report::new(var.name.as_str(), &empty_finding(), None)
                    }),
                    // A config value the project file gives: the endpoint checks, offline.
                    State::Default => {
                        let value = declared.value_in(env).unwrap_or_default();
                        let finding = latchkey_core::validate::check(
                            &catalog,
                            var.name.as_str(),
                            latchkey_core::Kind::Config,
                            value,
                            &|_| None,
                        );
                        here.push(Report::new(var.name.as_str(), &finding, None));
                    }
                    State::Set | State::Unset => {}
                }
            }
        }
        if project.is_some() || envs.len() > 1 {
            here.iter_mut().for_each(|r| r.env = Some(env.to_string()));
        }
        if !args.json {
            if envs.len() > 1 {
                println!("{env}:");
            }
            if here.is_empty() {
                eprintln!("No variables in `{env}` to check: add one with `latchkey set NAME --env {env}`.");
            } else {
                print_table(&here)?;
            }
        }
        reports.extend(here);
    }
    if args.json {
        print_json(&reports)?;
    }
    if !file_problems.is_empty() {
        bail!(
            "{} has {} problem(s): fix them",
            super::shown(project.as_ref().map_or(std::path::Path::new("latchkey.toml"), |p| p.path())),
            file_problems.len()
        );
    }
    conclude(&reports)
}

fn empty_finding() -> Finding {
    Finding { provider: None, format: FormatVerdict::Unknown, problems: Vec::new() }
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
        if r.missing {
            let env = r.env.as_deref().unwrap_or("default");
            writeln!(out, "{:width$}  {:12}  {:8}  -", r.name, "-", "missing")?;
            writeln!(
                out,
                "{:width$}  ! required by the project: set it with `latchkey set {} --env {env}`",
                "", r.name
            )?;
            continue;
        }
        let online = match (r.online, r.status) {
            (Some(online), Some(status)) => format!("{} ({status})", online.as_str()),
            (Some(online), None) => online.as_str().to_owned(),
            (None, _) => "-".to_owned(),
        };
        writeln!(
            out,
            "{:width$}  {:12}  {format:8}  {online}",
            r.name,
            r.provider.as_deref().unwrap_or("-")
        )?;
        for problem in &r.problems {
            writeln!(out, "{:width$}  ! {}: {}", "", problem.code, problem.message)?;
        }
        if let Some(message) = r.message.as_deref().filter(|_| r.online != Some(Online::Valid)) {
            writeln!(out, "{:width$}  ! online: {message}", "")?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn conclude(reports: &[Report]) -> Result<()> {
    let invalid: Vec<String> = reports
        .iter()
        .filter(|r| r.invalid())
        .map(|r| match (&r.env, r.missing) {
            (Some(env), true) => format!("{} (missing in {env})", r.name),
            (Some(env), false) if reports.iter().any(|o| o.env.as_ref() != Some(env)) => {
                format!("{} ({env})", r.name)
            }
            _ => r.name.clone(),
        })
        .collect();
    if !invalid.is_empty() {
        bail!("{} of {} failed their checks: {}", invalid.len(), reports.len(), invalid.join(", "));
    }
    Ok(())
}

/// `latchkey check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One variable to check; all of the environment when omitted. In a project, the
    /// required variables nothing gives are reported too (`--env all`: in every
    /// environment the project uses).
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
