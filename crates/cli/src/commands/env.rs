//! `latchkey env list|add|rm`.

use anyhow::{Context, Result, bail};
use latchkey_core::Removed;

use crate::cli::EnvCommand;

pub fn run(command: EnvCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        EnvCommand::List => {
            let doc = vault.read().context("cannot read the vault")?;
            let mut out = String::new();
            for (name, env) in doc.environments() {
                let count = env.len();
                out.push_str(&format!("{name}\t{count} variable{}\n", if count == 1 { "" } else { "s" }));
            }
            std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
        }
        EnvCommand::Add { name } => {
            vault
                .add_environment(name.clone())
                .with_context(|| format!("cannot add environment `{name}`"))?;
            eprintln!("Added environment `{name}`.");
        }
        EnvCommand::Rm { name, force } => {
            let count =
                vault.list(&name).with_context(|| format!("cannot remove environment `{name}`"))?.len();
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
