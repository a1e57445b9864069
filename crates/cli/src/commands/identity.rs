//! `latchkey identity export|show`.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use clap::Subcommand;
use latchkey_core::text::printable;
use latchkey_core::{IdentityKind, IdentityLocation, IdentityMove, IdentityTarget};
use std::path::PathBuf;

pub fn run(command: IdentityCommand) -> Result<()> {
    if let IdentityCommand::Show = command {
        return show();
    }
    let vault = super::unlock()?;
    if matches!(command, IdentityCommand::Move { .. }) {
        // Asked before a new passphrase is prompted for.
        vault.check_identity_movable().context("cannot move the identity")?;
    }
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
        IdentityCommand::Move { to, path, passphrase_stdin, allow_tracked } => {
            let target = match to {
                IdentityPlace::Keychain => {
                    if path.is_some() || passphrase_stdin {
                        anyhow::bail!("--path and --passphrase-stdin go with --to file or --to passphrase");
                    }
                    IdentityTarget::Keychain
                }
                IdentityPlace::File => {
                    if passphrase_stdin {
                        anyhow::bail!("a plain file has no passphrase: use --to passphrase");
                    }
                    IdentityTarget::File { path }
                }
                IdentityPlace::Passphrase => {
                    let passphrase = if passphrase_stdin {
                        crate::input::passphrase_from_stdin()?
                    } else {
                        crate::input::new_passphrase()?
                    };
                    IdentityTarget::Passphrase { path, passphrase }
                }
            };
            // The unlock above asked for the current passphrase, if there is one.
            let request =
                IdentityMove { to: target, current_passphrase: super::typed_passphrase(), allow_tracked };
            let moved = vault.move_identity(request).context("cannot move the identity")?;
            match &moved.settings.identity {
                IdentityLocation::Keychain => eprintln!("The identity is now in the OS keychain."),
                IdentityLocation::File { path } => match to {
                    IdentityPlace::Passphrase => {
                        eprintln!(
                            "The identity is now in {}, protected by your passphrase.",
                            super::shown(path)
                        )
                    }
                    _ => eprintln!(
                        "The identity is now in {}: a plain file, so keep it safe (anyone who can read it can open the vault).",
                        super::shown(path)
                    ),
                },
            }
            if let Some(old) = moved.left_behind {
                eprintln!(
                    "latchkey: warning: the old copy could not be removed: delete {} yourself",
                    printable(&old)
                );
            }
        }
        IdentityCommand::Show => unreachable!("shown above, without unlocking"),
    }
    Ok(())
}

/// Where the vault and its identity are: read from the settings, with nothing unlocked.
fn show() -> Result<()> {
    let home = super::home()?;
    let settings = home.settings().context("cannot read the vault's settings")?;
    println!("vault:       {}", super::shown(&home.vault_path()));
    println!("public key:  {}", settings.recipient);
    match (&settings.identity, settings.identity_kind()) {
        (IdentityLocation::Keychain, _) => {
            println!("identity:    OS keychain ({})", settings.identity_account())
        }
        (IdentityLocation::File { path }, IdentityKind::Passphrase) => {
            println!("identity:    {} (protected by a passphrase)", super::shown(path))
        }
        (IdentityLocation::File { path }, _) => {
            println!("identity:    {} (a plain file)", super::shown(path))
        }
    }
    Ok(())
}

/// `latchkey identity ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey identity show
  latchkey identity export --out identity.txt     then: age -d -i identity.txt vault.age
  latchkey identity move --to file                from a passphrase to a plain file")]
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
    /// Keep the identity somewhere else: the OS keychain, a plain file, or a file
    /// protected by a passphrase. The key stays the same; the old copy is removed.
    #[command(after_help = "Examples:
  latchkey identity move --to file                 no prompts: agents, cron and CI can use the vault
  latchkey identity move --to passphrase           asked at every command (a second or two of scrypt each)
  latchkey identity move --to keychain             once a keychain is reachable
  printf %s \"$PASS\" | latchkey identity move --to passphrase --passphrase-stdin

With --to passphrase on a file that is protected already, it changes the passphrase.
The new copy is written before the settings point at it, and the old one is removed last.")]
    Move {
        /// Where to keep it.
        #[arg(long, value_enum)]
        to: IdentityPlace,
        /// The identity file (default: identity.txt, or identity.age with a passphrase, in
        /// the data directory).
        #[arg(long, value_name = "PATH")]
        path: Option<PathBuf>,
        /// Read the new passphrase from stdin instead of asking twice on the terminal.
        #[arg(long)]
        passphrase_stdin: bool,
        /// Write the file even inside a git work tree that does not ignore it.
        #[arg(long)]
        allow_tracked: bool,
    },
}

/// Where `identity move` keeps the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IdentityPlace {
    /// The OS keychain.
    Keychain,
    /// A plain identity file (as `age-keygen` writes it).
    File,
    /// A file protected by a passphrase (as `age -p` writes it).
    Passphrase,
}
