//! `latchkey import`: a .env file or variables of the current environment into an
//! environment, after a preview with values hidden.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};

use anyhow::{Context, Result, bail};
use latchkey_core::import::{Action, Incoming, Planned, classify};
use latchkey_core::{Kind, SecretString, dotenv};

use crate::cli::ImportArgs;

pub fn run(args: ImportArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    let (source, entries) = match (&args.file, &args.from_env) {
        (Some(path), _) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let text = zeroize::Zeroizing::new(text);
            let parsed = dotenv::parse(&text, &|name| std::env::var(name).ok())
                .with_context(|| format!("cannot import {}", path.display()))?;
            (super::shown(path), parsed.into_iter().map(|e| (e.name, e.value)).collect::<Vec<_>>())
        }
        (None, Some(names)) => {
            let mut entries = Vec::new();
            for name in names {
                let value = std::env::var(name.as_str()).with_context(|| {
                    format!("{name} is not set in the current environment: nothing was imported")
                })?;
                entries.push((name.clone(), SecretString::from(value)));
            }
            ("the current environment".to_owned(), entries)
        }
        (None, None) => unreachable!("clap requires a file or --from-env"),
    };
    if entries.is_empty() {
        bail!("{source} has no variables: nothing to import");
    }
    let incoming: Vec<Incoming> = entries
        .into_iter()
        .map(|(name, value)| {
            let kind = if args.all_secret { Kind::Secret } else { classify(&catalog, &name, &value) };
            Incoming { name, value, kind }
        })
        .collect();
    let plan =
        vault.plan_import(env, &incoming, &catalog).with_context(|| format!("cannot import into `{env}`"))?;
    eprint!("{}", preview(&plan, &source, env.as_str())?);
    if args.dry_run {
        return Ok(());
    }
    if plan.iter().all(|p| p.action == Action::Unchanged) {
        eprintln!("Nothing to change.");
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!("import needs confirmation: pass --yes to import without it, or --dry-run to preview only");
        }
        eprint!("Import into `{env}`? [y/N] ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("nothing was imported");
        }
    }
    let done = vault
        .import(env, incoming, args.overwrite, &catalog)
        .with_context(|| format!("cannot import into `{env}`"))?;
    let changed = done.iter().filter(|p| p.action != Action::Unchanged).count();
    eprintln!(
        "Imported {changed} variable(s) into `{env}`. Delete {source} if it held secrets in plaintext."
    );
    Ok(())
}

/// The preview: one line per entry, never a value.
fn preview(plan: &[Planned], source: &str, env: &str) -> Result<String> {
    let width = plan.iter().map(|p| p.name.as_str().len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    writeln!(out, "From {source} into `{env}`:")?;
    writeln!(out, "  {:width$}  {:6}  {:9}  {:12}  CHECKS", "NAME", "KIND", "ACTION", "PROVIDER")?;
    for p in plan {
        let action = match p.action {
            Action::Create => "new",
            Action::Replace => "overwrite",
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
