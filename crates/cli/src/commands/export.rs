//! `latchkey export`, `latchkey exports` and `latchkey inject`.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::args::{EnvArg, format_names, variable_name};
use anyhow::{Context, Result};
use clap::Args;
use latchkey_core::VariableName;
use latchkey_core::audit::Access;
use latchkey_core::export::ExportFormat;
use latchkey_core::export::ExportState;
use latchkey_core::output::Target;
use latchkey_core::text::printable;
use latchkey_core::text::rfc3339;
use latchkey_core::{ExportRequest, export};
use std::path::PathBuf;

pub fn run(args: ExportArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name_in_project()?;
    let request = ExportRequest { env: env.clone(), format: args.format, only: args.only };
    match &args.out {
        Some(path) => {
            let exported = vault
                .export_to_file(&request, path, args.allow_tracked)
                .with_context(|| format!("cannot export `{env}`"))?;
            warn_unrecorded(exported.audit_error.as_deref());
            if let Some(record) = &exported.record {
                eprintln!(
                    "Wrote {} variable(s) of `{env}` to {} ({}, mode 0600). `latchkey exports` tells when it goes stale.",
                    record.names.len(),
                    printable(&exported.to),
                    record.format
                );
            }
        }
        None => {
            let exported = vault.export_text(&request).with_context(|| format!("cannot export `{env}`"))?;
            warn_unrecorded(exported.audit_error.as_deref());
            std::io::stdout().lock().write_all(exported.text.as_bytes())?;
        }
    }
    Ok(())
}

fn warn_unrecorded(error: Option<&str>) {
    if let Some(error) = error {
        eprintln!("latchkey: warning: {error}");
    }
}

pub fn list(args: ExportsArgs) -> Result<()> {
    if let Some(ExportsCommand::Forget { path }) = args.command {
        let vault = super::unlock()?;
        let record = vault.forget_export(&path).context("cannot forget the export")?;
        eprintln!(
            "Forgot the export to {} (`{}`, {}); the file itself was left alone.",
            printable(&record.path.display().to_string()),
            record.env.as_str(),
            record.format.as_str()
        );
        return Ok(());
    }
    let vault = super::unlock()?;
    let exports = vault.exports().context("cannot read the export records")?;
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&exports)?)?;
    } else if exports.is_empty() {
        eprintln!("No recorded exports: `latchkey export --out FILE` writes and records one.");
    } else {
        writeln!(out, "{:8}  {:12}  {:7}  {:20}  PATH", "STATE", "ENV", "FORMAT", "WRITTEN")?;
        for e in &exports {
            let at = rfc3339(e.record.at);
            writeln!(
                out,
                "{:8}  {:12}  {:7}  {at:20}  {}",
                e.state.as_str(),
                e.record.env.as_str(),
                e.record.format.as_str(),
                printable(&e.record.path.display().to_string())
            )?;
        }
        let stale = exports.iter().filter(|e| e.state != ExportState::Current).count();
        if stale > 0 {
            eprintln!(
                "{stale} export(s) are not current: export again, or delete the files you no longer need."
            );
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

pub fn inject(args: InjectArgs) -> Result<()> {
    let template = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read the template {}", args.input.display()))?;
    let vault = super::unlock()?;
    let text = vault.inject(&template, &args.input.display().to_string())?;
    for (env, names) in referenced(&template) {
        let mut event = super::event(&env, names);
        event.path = Some(args.input.display().to_string());
        super::record(&vault, Access::Inject, event);
    }
    match &args.output {
        Some(path) => {
            let target = Target::of(path)?;
            if let Some(file) = target.file()
                && !args.allow_tracked
            {
                export::guard_against_git(path)?;
                export::guard_against_git(file)?;
            }
            target.write(text.as_bytes())?;
            if let Some(file) = target.file() {
                eprintln!("Wrote {} (mode 0600).", printable(&file.display().to_string()));
            }
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

/// The variables a template references, by environment.
fn referenced(template: &str) -> std::collections::BTreeMap<latchkey_core::EnvironmentName, Vec<String>> {
    let mut by_env: std::collections::BTreeMap<_, Vec<String>> = std::collections::BTreeMap::new();
    for (_, _, _, reference) in latchkey_core::reference::scan(template) {
        if let Some(r) = reference {
            let names = by_env.entry(r.env).or_default();
            if !names.contains(&r.name.to_string()) {
                names.push(r.name.to_string());
            }
        }
    }
    by_env
}

/// `latchkey export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The format: dotenv, json, yaml, toml, shell, docker or github.
    #[arg(long, default_value = "dotenv", value_parser = format_names())]
    pub format: ExportFormat,
    /// Only these variables (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Option<Vec<VariableName>>,
    /// Write to this file (0600, atomic, recorded) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write even inside a git work tree that does not ignore the file.
    #[arg(long, requires = "out")]
    pub allow_tracked: bool,
}

/// `latchkey exports`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<ExportsCommand>,
}

/// `latchkey exports forget`.
#[derive(Debug, clap::Subcommand)]
pub enum ExportsCommand {
    /// Stop tracking an export: `exports` and `rotate` no longer name it. The file is
    /// left alone (delete it yourself if it holds secrets you no longer need).
    #[command(after_help = "Example:\n  latchkey exports forget config/old.env")]
    Forget {
        /// The exported file, as `latchkey exports` lists it (relative to here, or absolute).
        path: PathBuf,
    },
}

/// `latchkey inject`.
#[derive(Debug, Args)]
pub struct InjectArgs {
    /// The template.
    #[arg(long = "in", short = 'i', value_name = "TEMPLATE")]
    pub input: PathBuf,
    /// Write here (0600, atomic) instead of stdout.
    #[arg(long = "out", short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write even inside a git work tree that does not ignore the file.
    #[arg(long, requires = "output")]
    pub allow_tracked: bool,
}
