//! `latchkey identity export|show`.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use latchkey_core::IdentityLocation;
use latchkey_core::text::printable;

use crate::cli::IdentityCommand;

pub fn run(command: IdentityCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        IdentityCommand::Export { out, allow_tracked } => match out {
            Some(path) => {
                let to =
                    vault.export_identity_to(&path, allow_tracked).context("cannot export the identity")?;
                let to = printable(&to);
                eprintln!(
                    "Wrote the identity to {to}. Anyone with this file can read the vault: keep it safe."
                );
                eprintln!(
                    "Open the vault with: age -d -i {to} {}",
                    printable(&super::shown(&vault.home().vault_path()).to_string())
                );
            }
            None => {
                if io::stdout().is_terminal() {
                    eprintln!("Anyone with this identity can read the vault: keep it safe.");
                }
                vault
                    .export_identity_to(std::path::Path::new("-"), true)
                    .context("cannot export the identity")?;
            }
        },
        IdentityCommand::Show => {
            let settings = vault.settings();
            println!("vault:       {}", super::shown(&vault.home().vault_path()));
            println!("public key:  {}", settings.recipient);
            match &settings.identity {
                IdentityLocation::Keychain => {
                    println!("identity:    OS keychain ({})", settings.identity_account())
                }
                IdentityLocation::File { path } => println!("identity:    {}", super::shown(path)),
            }
        }
    }
    Ok(())
}
