//! `latchkey project init|show`: write a project's latchkey.toml, and show its contract
//! against the vault.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use latchkey_core::EnvironmentName;
use latchkey_core::project::render;
use latchkey_core::project::status::{EnvStatus, State};

use crate::args::{EnvArg, environment_name};

pub fn run(command: ProjectCommand) -> Result<()> {
    match command {
        ProjectCommand::Init { from_file, from_env, envs, dir, force } => {
            init(from_file, from_env, envs, dir, force)
        }
        ProjectCommand::Show { env, json } => show(&env, json),
    }
}

fn init(
    from_file: Option<PathBuf>,
    from_env: Option<EnvironmentName>,
    envs: Vec<EnvironmentName>,
    dir: Option<PathBuf>,
    force: bool,
) -> Result<()> {
    let dir = match dir {
        Some(dir) => dir,
        None => std::env::current_dir().context("cannot find the current directory")?,
    };
    let (source, entries, first_env) = match (from_file, from_env) {
        (Some(path), _) => {
            let entries = render::entries_from_env_file(&path, &super::catalog()?)?;
            (super::shown(&path), entries, None)
        }
        (None, Some(env)) => {
            let vault = super::unlock()?;
            let summaries = vault.list(&env).with_context(|| format!("cannot read `{env}`"))?;
            (format!("`{env}`"), render::entries_from_vault(&summaries), Some(env))
        }
        (None, None) => {
            let dotenv = dir.join(".env");
            if !dotenv.is_file() {
                bail!(
                    "there is no .env here to start from: give --from-file PATH, or --from-env ENV to start from an environment of the vault"
                );
            }
            let entries = render::entries_from_env_file(&dotenv, &super::catalog()?)?;
            (super::shown(&dotenv), entries, None)
        }
    };
    let mut envs = envs;
    if envs.is_empty() {
        envs.push(first_env.unwrap_or_else(EnvironmentName::default_name));
    }
    let text = render::render(&envs, &entries);
    let path = render::write(&dir, &text, force)?;
    eprintln!(
        "Wrote {} from {source}: {} variables, names and kinds only, no values. Commit it; `latchkey project show` compares it with the vault.",
        super::shown(&path),
        entries.len()
    );
    Ok(())
}

fn show(env: &EnvArg, json: bool) -> Result<()> {
    let Some(project) = crate::project::current()? else {
        bail!("no latchkey.toml here or above: `latchkey project init` writes one");
    };
    let envs: Vec<EnvironmentName> = if env.all() || env.given().is_none() {
        project.envs().to_vec()
    } else {
        vec![env.name_in_project()?]
    };
    let status = match super::unlock() {
        Ok(vault) => Some(vault.project_status(&project, &envs).context("cannot compare with the vault")?),
        Err(err) if json => return Err(err),
        Err(err) => {
            eprintln!("latchkey: the vault was not read, so nothing is compared: {}", crate::one_line(&err));
            None
        }
    };
    if json {
        let value = serde_json::json!({
            "path": project.path(),
            "root": project.root(),
            "name": project.name(),
            "default_env": project.default_env(),
            "envs": project.envs(),
            "vars": project.vars(),
            "status": status,
        });
        let text = serde_json::to_string_pretty(&value)?;
        std::io::stdout().lock().write_all(format!("{text}\n").as_bytes())?;
        return Ok(());
    }
    std::io::stdout().lock().write_all(table(&project, status.as_deref())?.as_bytes())?;
    Ok(())
}

/// The contract, a column per environment when the vault was read.
fn table(project: &latchkey_core::Project, status: Option<&[EnvStatus]>) -> Result<String> {
    let mut out = String::new();
    let title = project.name().map(|n| format!("{n} ")).unwrap_or_default();
    writeln!(
        out,
        "Project {title}({}), default environment `{}`\n",
        super::shown(project.path()),
        project.default_env()
    )?;
    if project.vars().is_empty() {
        writeln!(out, "It declares no variables yet: add a [vars.NAME] table.")?;
        return Ok(out);
    }
    let width = project.vars().iter().map(|d| d.name.as_str().len()).max().unwrap_or(4).max(4);
    let provider_width =
        project.vars().iter().filter_map(|d| d.provider.as_deref()).map(str::len).max().unwrap_or(1).max(8);
    write!(out, "{:width$}  {:6}  {:8}  {:provider_width$}", "NAME", "KIND", "REQUIRED", "PROVIDER")?;
    let columns = status.unwrap_or_default();
    let env_width = |s: &EnvStatus| s.env.as_str().len().max(7);
    for s in columns {
        write!(out, "  {:w$}", s.env.as_str(), w = env_width(s))?;
    }
    writeln!(out)?;
    for (i, d) in project.vars().iter().enumerate() {
        let required = if d.required { "yes" } else { "no" };
        write!(
            out,
            "{:width$}  {:6}  {required:8}  {:provider_width$}",
            d.name.as_str(),
            d.kind.to_string(),
            d.provider.as_deref().unwrap_or("-")
        )?;
        for s in columns {
            write!(out, "  {:w$}", s.vars[i].state.as_str(), w = env_width(s))?;
        }
        writeln!(out)?;
        if let Some(description) = &d.description {
            writeln!(out, "{:width$}  {}", "", latchkey_core::text::printable(description))?;
        }
    }
    for s in columns {
        if !s.exists {
            writeln!(out, "\n`{}` is not in the vault: `latchkey env add {}` creates it.", s.env, s.env)?;
        }
        let missing: Vec<String> = s.missing().map(ToString::to_string).collect();
        if !missing.is_empty() {
            writeln!(
                out,
                "\nMissing in `{}`: {}. Set each with `latchkey set NAME --env {}`.",
                s.env,
                missing.join(", "),
                s.env
            )?;
        }
        let kinds: Vec<String> = s
            .vars
            .iter()
            .filter_map(|v| v.stored_as.map(|k| format!("{} (stored as {k})", v.name)))
            .collect();
        if !kinds.is_empty() {
            writeln!(out, "\nIn `{}`, of another kind than declared: {}.", s.env, kinds.join(", "))?;
        }
        if !s.extra.is_empty() {
            let extra: Vec<String> = s.extra.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "\nIn `{}` but not declared (a run in the project does not get them): {}.",
                s.env,
                extra.join(", ")
            )?;
        }
    }
    if columns.iter().all(|s| s.exists && s.vars.iter().all(|v| v.state != State::Missing))
        && !columns.is_empty()
    {
        writeln!(out, "\nEvery required variable is set.")?;
    }
    Ok(out)
}

/// `latchkey project`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey project init                           a latchkey.toml from ./.env: names and kinds only
  latchkey project show                           set, default, missing or unset, per environment
  latchkey check --env all                        what CI runs first: exit 1 when anything is missing

Inside a project (a latchkey.toml here or above), every verb uses its default_env unless
--env or LATCHKEY_ENV says otherwise, and `latchkey run -- CMD` gives CMD exactly the
declared variables (--all for the whole environment).")]
pub enum ProjectCommand {
    /// Write latchkey.toml here from a .env file or an environment of the vault: names,
    /// kinds and providers, never a value.
    #[command(after_help = "Examples:
  latchkey project init                           from ./.env
  latchkey project init --from-file .env.example --envs dev,staging,prod
  latchkey project init --from-env prod           from the vault's prod environment

The first of --envs is the project's default environment.")]
    Init {
        /// The .env file to take names from (values are read only to tell secrets from
        /// config, and never written).
        #[arg(long, value_name = "PATH", conflicts_with = "from_env")]
        from_file: Option<PathBuf>,
        /// The vault environment to take names from.
        #[arg(long, value_name = "ENV", value_parser = environment_name())]
        from_env: Option<EnvironmentName>,
        /// The environments the project uses, the default first (comma-separated).
        #[arg(long, value_name = "ENVS", value_delimiter = ',', value_parser = environment_name())]
        envs: Vec<EnvironmentName>,
        /// Where to write it [default: the current directory].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Replace an existing latchkey.toml.
        #[arg(long)]
        force: bool,
    },
    /// Show the project's contract and, per environment, what is set, missing or extra.
    #[command(after_help = "Examples:
  latchkey project show                           every environment the project uses
  latchkey project show --env prod --json

States: set (the vault holds it), default (the project file gives it), missing (required
and not given), unset (optional and not given).")]
    Show {
        #[command(flatten)]
        env: EnvArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
