//! `latchkey init`: a new vault and its identity.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use latchkey_core::{IdentityKind, IdentityLocation, IdentitySetup, InitError, Vault};

use crate::input;
use clap::Args;
use std::path::PathBuf;

pub fn run(args: InitArgs) -> Result<()> {
    let home = super::home()?;
    let passphrase = if args.passphrase_stdin { Some(input::passphrase_from_stdin()?) } else { None };
    let vault = match (args.identity_file, passphrase) {
        (Some(path), passphrase) => Vault::init(&home, IdentitySetup::File { path, passphrase }),
        (None, Some(passphrase)) => Vault::init(
            &home,
            IdentitySetup::File { path: home.default_identity_path(), passphrase: Some(passphrase) },
        ),
        (None, None) => match Vault::init(&home, IdentitySetup::Keychain) {
            Err(InitError::Keychain(err)) if std::io::stdin().is_terminal() => {
                eprintln!("{err}");
                eprintln!("The identity will be kept in a file protected by a passphrase instead.");
                let passphrase = input::new_passphrase()?;
                Vault::init(
                    &home,
                    IdentitySetup::File { path: home.default_identity_path(), passphrase: Some(passphrase) },
                )
            }
            other => other,
        },
    }
    .context("cannot create the vault")?;

    let settings = vault.settings();
    eprintln!("Created a vault in {}", super::shown(home.dir()));
    match (&settings.identity, settings.identity_kind()) {
        (IdentityLocation::File { path }, kind) => {
            let how = match kind {
                IdentityKind::Passphrase => "protected by your passphrase",
                _ => "a plain file: keep it safe",
            };
            eprintln!("Its identity is in {} ({how}).", super::shown(path));
        }
        (IdentityLocation::Keychain, _) => eprintln!("Its identity is in the OS keychain."),
    }
    eprintln!("Public key: {}", settings.recipient);
    eprintln!("Next: latchkey set OPENAI_API_KEY");
    Ok(())
}

/// `latchkey init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Keep the identity in this file instead of the OS keychain (must not exist yet).
    #[arg(long, value_name = "PATH")]
    pub identity_file: Option<PathBuf>,
    /// Protect the identity file with a passphrase read from stdin.
    #[arg(long)]
    pub passphrase_stdin: bool,
}
