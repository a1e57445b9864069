//! `latchkey doctor`: what this machine offers and what latchkey uses, one fact a line,
//! each with what to do when it is missing. It reads no value and unlocks nothing.

use anyhow::Result;
use latchkey_core::{Home, IdentityKind, IdentityLocation, Keychain};

pub fn run() -> Result<()> {
    let line = |what: &str, fact: String| println!("{what:<18}{fact}");
    line("latchkey", env!("CARGO_PKG_VERSION").to_owned());
    match Home::from_env() {
        Ok(home) => {
            line("data directory", super::shown(home.dir()));
            match home.settings() {
                Ok(settings) => {
                    let identity = match (&settings.identity, settings.identity_kind()) {
                        (IdentityLocation::File { path }, IdentityKind::Passphrase) => {
                            format!("file {}, protected by a passphrase", super::shown(path))
                        }
                        (IdentityLocation::File { path }, _) => format!("file {}", super::shown(path)),
                        (_, _) => "in the OS keychain".to_owned(),
                    };
                    line("identity", identity);
                }
                Err(_) => line("vault", "none yet: `latchkey init` creates one".to_owned()),
            }
        }
        Err(e) => line("data directory", format!("unusable: {e}")),
    }
    line(
        "keychain",
        match Keychain::probe() {
            Ok(_) => "reachable".to_owned(),
            Err(e) => format!("unreachable ({e})"),
        },
    );
    line(
        "broker trust",
        match latchkey_core::broker::system_bundle_path() {
            Some(path) => format!("system roots from {} plus the run's authority", super::shown(&path)),
            None => "no system bundle found: brokered commands trust only the run's authority".to_owned(),
        },
    );
    if let Some(extra) = std::env::var_os(latchkey_core::broker::EXTRA_CA_ENV) {
        line("broker upstream", format!("also trusts {}", super::shown(std::path::Path::new(&extra))));
    }
    let report = latchkey_core::sandbox::report();
    line(
        "bubblewrap",
        match &report.bubblewrap {
            Some((path, version)) => format!("{version} ({})", super::shown(path)),
            None => "missing: apt-get install bubblewrap".to_owned(),
        },
    );
    line(
        "user namespaces",
        match &report.user_namespaces {
            Ok(()) => "allowed".to_owned(),
            Err(why) => format!("not allowed: {why}"),
        },
    );
    line(
        "landlock",
        match report.landlock_abi {
            Some(0) => "not available (the sandbox can run only --sandbox=best-effort)".to_owned(),
            Some(abi) => {
                let parts = [(1, "files"), (4, "TCP"), (6, "scopes")]
                    .iter()
                    .filter(|(needs, _)| abi >= *needs)
                    .map(|(_, part)| *part)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("ABI {abi} ({parts})")
            }
            None => "unknown: latchkey-launcher is missing (reinstall latchkey)".to_owned(),
        },
    );
    line(
        "seccomp",
        match report.seccomp {
            Some(true) => "filters available".to_owned(),
            Some(false) => "not available".to_owned(),
            None => "unknown: latchkey-launcher is missing".to_owned(),
        },
    );
    let ready = report.bubblewrap.is_some() && report.user_namespaces.is_ok() && report.missing.is_empty();
    line(
        "run --sandbox",
        if ready {
            "available".to_owned()
        } else if report.bubblewrap.is_some() && report.user_namespaces.is_ok() {
            format!("best effort only, without {}", report.missing.join(", "))
        } else {
            "not available".to_owned()
        },
    );
    Ok(())
}
