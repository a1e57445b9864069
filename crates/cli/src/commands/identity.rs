//! `latchkey identity export|show`.

use std::fs::OpenOptions;
use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use latchkey_core::IdentityLocation;

use crate::cli::IdentityCommand;

pub fn run(command: IdentityCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        IdentityCommand::Export { out } => {
            let text = vault.export_identity();
            match out {
                Some(path) => {
                    let mut options = OpenOptions::new();
                    options.write(true).create_new(true);
                    #[cfg(unix)]
                    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                    let mut file = options.open(&path).with_context(|| {
                        format!("cannot create {} (it must not exist already)", path.display())
                    })?;
                    file.write_all(text.as_bytes())?;
                    file.sync_all()?;
                    eprintln!(
                        "Wrote the identity to {}. Anyone with this file can read the vault: keep it safe.",
                        path.display()
                    );
                    eprintln!(
                        "Open the vault with: age -d -i {} {}",
                        path.display(),
                        vault.home().vault_path().display()
                    );
                }
                None => {
                    if io::stdout().is_terminal() {
                        eprintln!("Anyone with this identity can read the vault: keep it safe.");
                    }
                    io::stdout().lock().write_all(text.as_bytes())?;
                }
            }
        }
        IdentityCommand::Show => {
            let settings = vault.settings();
            println!("vault:       {}", vault.home().vault_path().display());
            println!("public key:  {}", settings.recipient);
            match &settings.identity {
                IdentityLocation::Keychain => {
                    println!("identity:    OS keychain ({})", settings.identity_account())
                }
                IdentityLocation::File { path } => println!("identity:    {}", path.display()),
            }
        }
    }
    Ok(())
}
