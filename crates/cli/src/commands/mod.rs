//! One module per verb. Each takes its parsed arguments and returns what `main` prints
//! as an error; none decides exit codes.

pub(crate) mod agents;
pub(crate) mod audit;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod diff;
pub(crate) mod doctor;
pub(crate) mod edit;
pub(crate) mod env;
pub(crate) mod export;
pub(crate) mod get;
pub(crate) mod identity;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod man;
pub(crate) mod profile;
pub(crate) mod project;
pub(crate) mod rm;
pub(crate) mod rotate;
pub(crate) mod run;
pub(crate) mod scan;
pub(crate) mod set;

use std::path::PathBuf;

use anyhow::{Context, Result};
use latchkey_core::{ExposeSecret, Home, SecretString, Vault};

/// The vault this invocation unlocked, to print its notices at the end.
static UNLOCKED: std::sync::OnceLock<std::sync::Arc<Vault>> = std::sync::OnceLock::new();

/// Prints the notices of the vault this invocation unlocked, if any.
pub(crate) fn print_unlocked_notices() {
    if let Some(vault) = UNLOCKED.get() {
        print_notices(vault);
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
/// The passphrase this process's unlock was given, if it asked for one: what proves to
/// `identity move` that the user knows it, without asking twice.
static TYPED_PASSPHRASE: std::sync::OnceLock<SecretString> = std::sync::OnceLock::new();

/// The passphrase typed to unlock, for a command that must show it knows it.
fn typed_passphrase() -> Option<SecretString> {
    TYPED_PASSPHRASE.get().map(|p| SecretString::from(p.expose_secret()))
}

fn unlock() -> Result<std::sync::Arc<Vault>> {
    if std::env::var_os(latchkey_core::sandbox::INSIDE_ENV).is_some() {
        anyhow::bail!(
            "this command runs in a latchkey sandbox, where the vault cannot be reached: its keys reach it through the broker"
        );
    }
    let home = home()?;
    let identity_file = std::env::var_os("LATCHKEY_IDENTITY").filter(|v| !v.is_empty()).map(PathBuf::from);
    let vault = Vault::unlock(&home, identity_file.as_deref(), |path| {
        let typed = crate::input::existing_passphrase(path)?;
        let _ = TYPED_PASSPHRASE.set(SecretString::from(typed.expose_secret()));
        Some(typed)
    })
    .context("cannot unlock the vault")?;
    let vault = std::sync::Arc::new(vault);
    let _ = UNLOCKED.set(vault.clone());
    Ok(vault)
}
