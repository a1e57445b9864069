//! One module per verb. Each takes its parsed arguments and returns what `main` prints
//! as an error; none decides exit codes.

mod audit;
mod check;
mod diff;
mod env;
mod export;
mod get;
mod identity;
mod import;
mod init;
mod list;
mod profile;
mod rm;
mod rotate;
mod run;
mod set;

use std::path::PathBuf;

use anyhow::{Context, Result};
use latchkey_core::{Home, Vault};

use crate::cli::Command;

/// Runs one verb; returns the exit status (`latchkey run` passes on its command's).
pub fn run(command: Command) -> Result<u8> {
    if let Command::Run(args) = command {
        return run::run(args);
    }
    run_verb(command).map(|()| 0)
}

fn run_verb(command: Command) -> Result<()> {
    let result = dispatch(command);
    if let Some(vault) = UNLOCKED.get() {
        print_notices(vault);
    }
    result
}

/// The vault this invocation unlocked, to print its notices at the end.
static UNLOCKED: std::sync::OnceLock<std::sync::Arc<Vault>> = std::sync::OnceLock::new();

fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::Run(_) => unreachable!("handled by run"),
        Command::Init(args) => init::run(args),
        Command::Set(args) => set::run(args),
        Command::Get(args) => get::run(args),
        Command::List(args) => list::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Status(args) => rotate::status(args),
        Command::Rotate(args) => rotate::rotate(args),
        Command::Rollback(args) => rotate::rollback(args),
        Command::History(args) => rotate::history(args),
        Command::Calendar(args) => rotate::calendar(args),
        Command::Profile(command) => profile::run(command),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Exports(args) => export::list(args),
        Command::Inject(args) => export::inject(args),
        Command::Rm(args) => rm::run(args),
        Command::Env(command) => env::run(command),
        Command::Identity(command) => identity::run(command),
    }
}

/// A path as printed: control characters escaped, so a file name cannot rewrite the
/// terminal line it is printed on.
fn shown(path: &std::path::Path) -> String {
    latchkey_core::text::printable(&path.display().to_string()).into_owned()
}

/// The data directory from `LATCHKEY_HOME` or the platform default.
fn home() -> Result<Home> {
    Ok(Home::from_env()?)
}

/// Records an access in the audit log; a failure to record is reported, not fatal.
fn record(vault: &Vault, access: latchkey_core::audit::Access, event: latchkey_core::audit::Event) {
    if let Err(err) = vault.record_access(access, event) {
        eprintln!("latchkey: warning: the access was not recorded in the audit log: {err}");
    }
}

/// Prints what the vault found the user should know (open permissions, a rolled-back
/// vault), each once.
fn print_notices(vault: &Vault) {
    for notice in vault.take_notices() {
        eprintln!("latchkey: warning: {}", latchkey_core::text::printable(&notice));
    }
}

/// An audit event in `env` for `names`, from the current directory.
fn event(
    env: &latchkey_core::EnvironmentName,
    names: impl IntoIterator<Item = String>,
) -> latchkey_core::audit::Event {
    latchkey_core::audit::Event {
        env: env.to_string(),
        names: names.into_iter().collect(),
        cwd: std::env::current_dir().ok().map(|d| d.display().to_string()),
        ..Default::default()
    }
}

/// The provider catalog, with the user's additions.
fn catalog() -> Result<latchkey_core::Catalog> {
    latchkey_core::Catalog::from_env().context("cannot load the provider catalog")
}

/// Unlocks the vault, with the identity from `LATCHKEY_IDENTITY` or the settings.
/// Its notices are printed when the command ends.
fn unlock() -> Result<std::sync::Arc<Vault>> {
    let home = home()?;
    let identity_file = std::env::var_os("LATCHKEY_IDENTITY").filter(|v| !v.is_empty()).map(PathBuf::from);
    let vault = Vault::unlock(&home, identity_file.as_deref(), crate::input::existing_passphrase)
        .context("cannot unlock the vault")?;
    let vault = std::sync::Arc::new(vault);
    let _ = UNLOCKED.set(vault.clone());
    Ok(vault)
}
