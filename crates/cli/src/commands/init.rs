//! `latchkey init`: a new vault and its identity.

use std::io::IsTerminal;

use std::io::BufRead as _;

use anyhow::{Context, Result, bail};
use latchkey_core::{IdentityKind, IdentityLocation, IdentitySetup, Keychain, Vault};

use crate::input;
use clap::Args;
use std::path::PathBuf;

pub fn run(args: InitArgs) -> Result<()> {
    let home = super::home()?;
    let passphrase = if args.passphrase_stdin { Some(input::passphrase_from_stdin()?) } else { None };
    // LATCHKEY_IDENTITY names the identity file every command reads: init creates it there.
    let identity_file = args
        .identity_file
        .or_else(|| std::env::var_os("LATCHKEY_IDENTITY").filter(|v| !v.is_empty()).map(PathBuf::from));
    let setup = match (identity_file, passphrase) {
        (Some(path), passphrase) => IdentitySetup::File { path, passphrase },
        (None, Some(passphrase)) => {
            IdentitySetup::File { path: home.default_identity_path(), passphrase: Some(passphrase) }
        }
        (None, None) => match Keychain::probe() {
            Ok(_) => IdentitySetup::Keychain,
            Err(err) if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
                eprintln!("No OS keychain is reachable ({}).", err.cause());
                choose(&home)?
            }
            Err(err) => bail!(
                "no OS keychain is reachable ({}), and there is no terminal to ask where the identity should go: \
                 run `latchkey init --identity-file PATH` (a plain file: no prompts, for agents, cron and CI) or \
                 `latchkey init --passphrase-stdin` (asked at every command)",
                err.cause()
            ),
        },
    };
    if let IdentitySetup::File { path, .. } = &setup
        && !args.allow_tracked
    {
        latchkey_core::export::guard_against_git(path).context("cannot create the vault")?;
    }
    let vault = Vault::init(&home, setup).context("cannot create the vault")?;

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

/// Asks where the identity goes when no keychain is reachable, saying what each costs.
fn choose(home: &latchkey_core::Home) -> Result<IdentitySetup> {
    let plain = home.plain_identity_path();
    eprintln!("Where should the vault's identity be kept?");
    eprintln!(
        "  1) a plain identity file, {}: no prompts, so agents, cron and CI can use the vault;\n     anyone who can read the file can open the vault",
        super::shown(&plain)
    );
    eprintln!(
        "  2) a file protected by a passphrase: asked at every command, and a second or two of key\n     stretching each time; agents, cron and CI cannot use it"
    );
    eprintln!("`latchkey identity move` changes this later.");
    for _ in 0..3 {
        eprint!("Choose 1 or 2 [1]: ");
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer)? == 0 {
            break;
        }
        match answer.trim() {
            "" | "1" => return Ok(IdentitySetup::File { path: plain, passphrase: None }),
            "2" => {
                let passphrase = input::new_passphrase()?;
                return Ok(IdentitySetup::File {
                    path: home.default_identity_path(),
                    passphrase: Some(passphrase),
                });
            }
            _ => eprintln!("Type 1 or 2."),
        }
    }
    bail!(
        "no choice was made: nothing was created; run `latchkey init --identity-file PATH` or `latchkey init` again"
    )
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
    /// Write the identity file even inside a git work tree that does not ignore it.
    #[arg(long)]
    pub allow_tracked: bool,
}
