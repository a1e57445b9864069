//! The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows, through keyring-core and its platform stores.
//!
//! Every entry latchkey writes has service [`SERVICE`] and an account naming the vault,
//! the environment and the variable (`lk-0f3a.../prod/OPENAI_API_KEY`), so
//! `secret-tool search service latchkey` lists them. Values cross this module only as
//! [`SecretString`].

use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// The keychain service name of every latchkey entry.
pub const SERVICE: &str = "latchkey";

/// How to avoid the keychain, appended to every "unreachable" message.
const AVOID_HINT: &str = "unlock the keychain, or use an identity file instead (`latchkey init --identity-file PATH`, or set LATCHKEY_IDENTITY)";

/// Why the keychain could not be used. Messages never contain a value.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// No keychain service answered (no D-Bus session, no Secret Service daemon).
    #[error("the OS keychain is not reachable ({reason}): {AVOID_HINT}")]
    Unreachable {
        /// What the platform said.
        reason: String,
    },
    /// The keychain answered but is locked, or refused access.
    #[error("the OS keychain is locked or refused access ({reason}): {AVOID_HINT}")]
    Locked {
        /// What the platform said.
        reason: String,
    },
    /// No entry has that account.
    #[error(
        "the OS keychain has no latchkey entry `{account}`: it was deleted outside latchkey; set the value again"
    )]
    Missing {
        /// The account that was looked up.
        account: String,
    },
    /// The entry holds something that is not UTF-8 text.
    #[error("the OS keychain entry `{account}` is not text: set the value again")]
    NotText {
        /// The account that was looked up.
        account: String,
    },
}

/// A handle on the OS keychain. Opening it connects to the platform store once per
/// process; the handle is cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Keychain(());

static STORE: OnceLock<Result<(), String>> = OnceLock::new();

impl Keychain {
    /// Connects to the platform's credential store.
    pub fn open() -> Result<Self, KeychainError> {
        STORE
            .get_or_init(|| platform_store().map(keyring_core::set_default_store).map_err(|e| e.to_string()))
            .clone()
            .map(|()| Keychain(()))
            .map_err(|reason| KeychainError::Unreachable { reason })
    }

    /// Whether the keychain answers: connects, and looks up an account that does not
    /// exist. A keychain that is locked but present counts as reachable.
    pub fn probe() -> Result<Self, KeychainError> {
        let keychain = Self::open()?;
        match keychain.load("latchkey-probe/none") {
            Ok(_) | Err(KeychainError::Missing { .. }) | Err(KeychainError::Locked { .. }) => Ok(keychain),
            Err(err) => Err(err),
        }
    }

    /// Stores `value` under `account`, replacing any previous value.
    pub fn store(&self, account: &str, value: &SecretString) -> Result<(), KeychainError> {
        entry(account)?.set_secret(value.expose_secret().as_bytes()).map_err(|e| classify(e, account))
    }

    /// Reads the value stored under `account`.
    pub fn load(&self, account: &str) -> Result<SecretString, KeychainError> {
        let bytes = Zeroizing::new(entry(account)?.get_secret().map_err(|e| classify(e, account))?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| KeychainError::NotText { account: account.to_owned() })?;
        Ok(SecretString::from(text))
    }

    /// Deletes the entry under `account`. Deleting an entry that is not there succeeds.
    pub fn delete(&self, account: &str) -> Result<(), KeychainError> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(e, account)),
        }
    }
}

fn entry(account: &str) -> Result<keyring_core::Entry, KeychainError> {
    keyring_core::Entry::new(SERVICE, account).map_err(|e| classify(e, account))
}

impl KeychainError {
    /// Why, in a few words for a person, without the platform's plumbing: "no D-Bus
    /// session", "no Secret Service is running", "the keychain is locked".
    pub fn cause(&self) -> String {
        match self {
            KeychainError::Unreachable { reason } => {
                let lower = reason.to_ascii_lowercase();
                if lower.contains("failed to connect to socket")
                    || lower.contains("dbus_session_bus_address")
                    || lower.contains("no such file")
                {
                    "no D-Bus session: a desktop login starts one".to_owned()
                } else if lower.contains("serviceunknown") || lower.contains("org.freedesktop.secrets") {
                    "no Secret Service (such as gnome-keyring or KWallet) is running".to_owned()
                } else {
                    reason.clone()
                }
            }
            KeychainError::Locked { .. } => "the keychain is locked or refused access".to_owned(),
            other => other.to_string(),
        }
    }
}

fn classify(err: keyring_core::Error, account: &str) -> KeychainError {
    use keyring_core::Error as E;
    match err {
        E::NoEntry => KeychainError::Missing { account: account.to_owned() },
        E::BadEncoding(_) => KeychainError::NotText { account: account.to_owned() },
        E::NoStorageAccess(e) => KeychainError::Locked { reason: one_line(&e.to_string()) },
        other => KeychainError::Unreachable { reason: one_line(&other.to_string()) },
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(dbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore("no OS keychain support on this platform".into()))
}
