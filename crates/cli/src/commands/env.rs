//! `latchkey env list|add|rm`.

use crate::args::environment_name;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use latchkey_core::EnvironmentName;
use latchkey_core::Removed;

pub fn run(command: EnvCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        EnvCommand::List => {
            let doc = vault.read().context("cannot read the vault")?;
            let mut out = String::new();
            for (name, env) in doc.environments() {
                let count = env.len();
                let extends = env.extends().map(|b| format!("\textends {b}")).unwrap_or_default();
                out.push_str(&format!(
                    "{name}\t{count} variable{}{extends}\n",
                    if count == 1 { "" } else { "s" }
                ));
            }
            std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
        }
        EnvCommand::Add { name, extends } => {
            vault
                .add_environment(name.clone(), extends.clone())
                .with_context(|| format!("cannot add environment `{name}`"))?;
            match extends {
                Some(base) => eprintln!("Added environment `{name}`, extending `{base}`."),
                None => eprintln!("Added environment `{name}`."),
            }
        }
        EnvCommand::Rename { old, new } => {
            vault
                .rename_environment(&old, new.clone())
                .with_context(|| format!("cannot rename environment `{old}`"))?;
            eprintln!("Renamed environment `{old}` to `{new}`.");
        }
        EnvCommand::Rm { name, force } => {
            let own = vault.read()?.environment(&name).map(|e| e.len());
            let count = own.with_context(|| format!("cannot remove environment `{name}`"))?;
            if count > 0 && !force {
                bail!(
                    "environment `{name}` still has {count} variable(s): nothing was removed; pass --force to remove them with it"
                );
            }
            let removed = vault
                .remove_environment(&name)
                .with_context(|| format!("cannot remove environment `{name}`"))?;
            eprintln!("Removed environment `{name}` and its {count} variable(s).");
            warn_orphans(&removed);
        }
    }
    Ok(())
}

/// Tells the user about keychain entries that could not be deleted.
pub fn warn_orphans(removed: &Removed) {
    for (account, err) in &removed.orphaned {
        eprintln!(
            "warning: the keychain entry `{account}` was left in place ({err}); delete it with `secret-tool clear service latchkey username {account}`"
        );
    }
}

/// `latchkey env ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey env list
  latchkey env add prod --extends default
  latchkey env rename stg staging")]
pub enum EnvCommand {
    /// List environments and how many variables each has.
    #[command(after_help = "Example:\n  latchkey env list")]
    List,
    /// Add an empty environment, optionally extending another.
    #[command(after_help = "Examples:
  latchkey env add staging
  latchkey env add prod --extends default      prod sees default's variables unless it overrides them")]
    Add {
        /// Its name: lowercase letters, digits, `-` and `_`.
        #[arg(value_parser = environment_name())]
        name: EnvironmentName,
        /// The environment it extends: its variables show through unless overridden.
        #[arg(value_parser = environment_name(), long, value_name = "BASE")]
        extends: Option<EnvironmentName>,
    },
    /// Rename an environment (environments that extend it follow).
    #[command(after_help = "Example:\n  latchkey env rename stg staging")]
    Rename {
        /// Its current name.
        #[arg(value_parser = environment_name())]
        old: EnvironmentName,
        /// Its new name.
        #[arg(value_parser = environment_name())]
        new: EnvironmentName,
    },
    /// Remove an environment.
    #[command(
        after_help = "Examples:\n  latchkey env rm staging\n  latchkey env rm old --force    also remove its variables"
    )]
    Rm {
        /// Its name.
        #[arg(value_parser = environment_name())]
        name: EnvironmentName,
        /// Remove it even though it still has variables.
        #[arg(long)]
        force: bool,
    },
}
