//! `latchkey identity export|show`.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use clap::Subcommand;
use latchkey_core::IdentityLocation;
use latchkey_core::text::printable;
use std::path::PathBuf;

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

/// `latchkey identity ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey identity show
  latchkey identity export --out identity.txt     then: age -d -i identity.txt vault.age")]
pub enum IdentityCommand {
    /// Write the identity as a plain age identity file.
    #[command(after_help = "Example:
  latchkey identity export --out identity.txt
  age -d -i identity.txt ~/.local/share/latchkey/vault.age     # prints the vault as TOML

Keep the file safe: anyone with it can read the vault. Like exports, it is refused inside
a git work tree unless git ignores the path, and it is recorded in the audit log.")]
    Export {
        /// Write to this file (created 0600; must not exist) instead of stdout.
        #[arg(long, short = 'o', value_name = "PATH")]
        out: Option<PathBuf>,
        /// Write even inside a git work tree that does not ignore the file.
        #[arg(long, requires = "out")]
        allow_tracked: bool,
    },
    /// Show where the vault and its identity are, and the vault's public key.
    #[command(after_help = "Example:\n  latchkey identity show")]
    Show,
}
