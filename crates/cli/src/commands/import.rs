//! `latchkey import`: a .env file or variables of the current environment into an
//! environment, after a preview with values hidden.

use std::fmt::Write as _;

use crate::args::{EnvArg, parse_made, variable_name};
use anyhow::{Context, Result, bail};
use clap::Args;
use latchkey_core::EnforceChecks;
use latchkey_core::SecretString;
use latchkey_core::VariableName;
use latchkey_core::import::{self, Action, Planned};
use std::path::PathBuf;

pub fn run(args: ImportArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    let (source, mut incoming) = match (&args.file, &args.from_env) {
        (Some(path), _) => (super::shown(path), import::read_env_file(path, &catalog, args.all_secret)?),
        (None, Some(names)) => {
            let mut entries = Vec::new();
            for name in names {
                let value = std::env::var(name.as_str()).with_context(|| {
                    format!("{name} is not set in the current environment: nothing was imported")
                })?;
                entries.push((name.clone(), SecretString::from(value)));
            }
            ("the current environment".to_owned(), import::classified(entries, &catalog, args.all_secret))
        }
        (None, None) => unreachable!("clap requires a file or --from-env"),
    };
    if incoming.is_empty() {
        bail!("{source} has no variables: nothing to import");
    }
    // The keys were made then; config values are not keys and have no age.
    for item in incoming.iter_mut().filter(|i| i.kind == latchkey_core::Kind::Secret) {
        item.made = args.created;
    }
    let plan =
        vault.plan_import(env, &incoming, &catalog).with_context(|| format!("cannot import into `{env}`"))?;
    eprint!("{}", preview(&plan, &source, env.as_str(), args.overwrite)?);
    // What would stop the import, said before anything is asked: names with other values
    // (--overwrite), and values `set` refuses (--force).
    let conflicts: Vec<String> =
        plan.iter().filter(|p| p.action == Action::Replace).map(|p| format!("`{}`", p.name)).collect();
    let enforce = EnforceChecks::forced(args.force);
    let refused: Vec<String> = plan.iter().filter(|p| p.refused).map(|p| format!("`{}`", p.name)).collect();
    let mut blocks = Vec::new();
    if !conflicts.is_empty() && !args.overwrite {
        blocks.push(format!(
            "`{env}` already has {} with other values (--overwrite replaces them)",
            conflicts.join(", ")
        ));
    }
    if !refused.is_empty() && !args.force {
        blocks.push(format!("{} cannot be a working key (--force stores them anyway)", refused.join(", ")));
    }
    if args.dry_run {
        for block in &blocks {
            eprintln!("The import would stop: {block}.");
        }
        return Ok(());
    }
    if !blocks.is_empty() {
        bail!("nothing was imported: {}", blocks.join("; "));
    }
    if plan.iter().all(|p| p.action == Action::Unchanged) {
        eprintln!("Nothing to change.");
        return Ok(());
    }
    if !args.yes
        && !crate::input::confirm(
            &format!("Import into `{env}`?"),
            "import needs confirmation: pass --yes to import without it, or --dry-run to preview only",
        )?
    {
        bail!("nothing was imported");
    }
    let done = vault
        .import(env, incoming, args.overwrite, enforce, &catalog)
        .with_context(|| format!("cannot import into `{env}`"))?;
    let changed = done.iter().filter(|p| p.action != Action::Unchanged).count();
    eprintln!(
        "Imported {changed} variable(s) into `{env}`. Delete {source} if it held secrets in plaintext."
    );
    Ok(())
}

/// The preview: one line per entry, never a value.
/// An entry that would replace another value is `overwrite` with --overwrite, else
/// `conflict` (refused).
fn preview(plan: &[Planned], source: &str, env: &str, overwrite: bool) -> Result<String> {
    let width = plan.iter().map(|p| p.name.as_str().len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    writeln!(out, "From {source} into `{env}`:")?;
    writeln!(out, "  {:width$}  {:6}  {:9}  {:12}  CHECKS", "NAME", "KIND", "ACTION", "PROVIDER")?;
    for p in plan {
        let action = match p.action {
            Action::Create => "new",
            Action::Replace if overwrite => "overwrite",
            Action::Replace => "conflict",
            Action::Unchanged => "unchanged",
        };
        let checks = if p.problems.is_empty() {
            "ok".to_owned()
        } else {
            p.problems.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
        };
        writeln!(
            out,
            "  {:width$}  {:6}  {action:9}  {:12}  {checks}",
            p.name.as_str(),
            p.kind.to_string(),
            p.provider.as_deref().unwrap_or("-")
        )?;
    }
    Ok(out)
}

/// `latchkey import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .env file to read.
    #[arg(required_unless_present = "from_env", conflicts_with = "from_env")]
    pub file: Option<PathBuf>,
    /// Take these variables from the current environment instead (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub from_env: Option<Vec<VariableName>>,
    #[command(flatten)]
    pub env: EnvArg,
    /// Store every entry as a secret.
    #[arg(long)]
    pub all_secret: bool,
    /// Replace variables the environment has with other values.
    #[arg(long)]
    pub overwrite: bool,
    /// Import without asking for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the preview only.
    #[arg(long)]
    pub dry_run: bool,
    /// Store values that `set` would refuse (a placeholder, a failed checksum), with
    /// their problems recorded.
    #[arg(long)]
    pub force: bool,
    /// The day the keys were made at their providers (YYYY-MM-DD): their rotation
    /// schedules count from then, not from the import.
    #[arg(long, value_name = "DATE", value_parser = parse_made)]
    pub created: Option<latchkey_core::KeyMade>,
}
