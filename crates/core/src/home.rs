//! The data directory: where the vault, its backup, its lock and its settings live.
//!
//! ```text
//! $LATCHKEY_HOME (default: $XDG_DATA_HOME/latchkey, ~/.local/share/latchkey)  0700
//! ├── settings.toml    settings: the vault id and where its identity is    0600
//! ├── vault.age        the age-encrypted vault document                   0600
//! ├── vault.age.bak    the previous version of vault.age                  0600
//! ├── identity.age     the passphrase-protected identity, when chosen     0600
//! ├── audit.log        the hash-chained audit log                         0600
//! └── audit.head       its last entry, MACed                              0600
//! ```
//!
//! The settings file was called `latchkey.toml` before projects took that name
//! ([`crate::project`]); it is renamed the first time it is read.
//!
//! Writers lock the directory itself (not a file in it, which could be deleted from
//! under them), so writes never lose each other.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic;

/// The settings file in the data directory.
pub const SETTINGS_FILE: &str = "settings.toml";

/// What the settings file was called before projects took the name.
const OLD_SETTINGS_FILE: &str = "latchkey.toml";

/// The environment variable that overrides the data directory.
pub const HOME_ENV: &str = "LATCHKEY_HOME";

/// Why the data directory could not be found or its settings read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HomeError {
    /// No home directory is known to place the data directory under.
    #[error("cannot find a data directory: set LATCHKEY_HOME to the directory latchkey should use")]
    NoHome,
    /// There is no vault in the data directory yet.
    #[error("no vault in {0}: run `latchkey init` to create one")]
    NotInitialized(PathBuf),
    /// The settings file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The settings file is not valid.
    #[error("{path} is not valid ({reason}): restore it, or set LATCHKEY_IDENTITY to your identity file")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The data directory of one vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// The data directory named by `LATCHKEY_HOME`, or the platform's default.
    pub fn from_env() -> Result<Self, HomeError> {
        if let Some(dir) = std::env::var_os(HOME_ENV).filter(|d| !d.is_empty()) {
            return Ok(Self::at(dir));
        }
        default_data_dir().map(|d| Self::at(d.join("latchkey"))).ok_or(HomeError::NoHome)
    }

    /// The data directory at `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `vault.age`.
    pub fn vault_path(&self) -> PathBuf {
        self.dir.join("vault.age")
    }

    /// `vault.age.bak`, the previous version.
    pub fn backup_path(&self) -> PathBuf {
        self.dir.join("vault.age.bak")
    }

    /// `settings.toml`.
    pub fn settings_path(&self) -> PathBuf {
        self.dir.join(SETTINGS_FILE)
    }

    /// Where a passphrase-protected identity goes when no path is given.
    pub fn default_identity_path(&self) -> PathBuf {
        self.dir.join("identity.age")
    }

    /// Where a plain identity file goes when no path is given (a headless `init`).
    pub fn plain_identity_path(&self) -> PathBuf {
        self.dir.join("identity.txt")
    }

    /// Whether `path` may hold the vault's identity: anywhere outside the data
    /// directory, and in it only as `identity.txt` or `identity.age`. Every other name
    /// there is latchkey's own (the vault's backup, the audit log, locks), rewritten
    /// without asking, which would destroy the only copy of the identity. A path is
    /// compared through its real parent directory, so no other spelling gets in.
    pub fn may_hold_identity(&self, path: &Path) -> bool {
        let real = |p: &Path| -> PathBuf {
            let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
            match (absolute.parent(), absolute.file_name()) {
                (Some(parent), Some(name)) => {
                    fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned()).join(name)
                }
                _ => absolute,
            }
        };
        let dir = fs::canonicalize(&self.dir)
            .unwrap_or_else(|_| std::path::absolute(&self.dir).unwrap_or_default());
        let path = real(path);
        if !path.starts_with(&dir) {
            return true;
        }
        path == dir.join("identity.txt") || path == dir.join("identity.age")
    }

    /// Creates the directory, private (0700), if it is missing.
    pub(crate) fn create(&self) -> io::Result<()> {
        atomic::create_private_dir(&self.dir)
    }

    /// Reads `settings.toml`, renaming it from its old name (`latchkey.toml`) first.
    pub fn settings(&self) -> Result<Settings, HomeError> {
        let path = self.settings_path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let old = self.dir.join(OLD_SETTINGS_FILE);
                if !old.is_file() {
                    return Err(HomeError::NotInitialized(self.dir.clone()));
                }
                // A rename in one directory: the settings are under one name or the
                // other, never both, never neither.
                match fs::rename(&old, &path).and_then(|()| atomic::sync_dir(&self.dir)) {
                    Ok(()) => {}
                    // Another latchkey renamed it first.
                    Err(e) if e.kind() == io::ErrorKind::NotFound && path.is_file() => {}
                    Err(source) => return Err(HomeError::Io { path: old, source }),
                }
                fs::read_to_string(&path).map_err(|source| HomeError::Io { path: path.clone(), source })?
            }
            Err(source) => return Err(HomeError::Io { path, source }),
        };
        toml::from_str(&text).map_err(|e| HomeError::Invalid {
            path,
            reason: e.message().lines().next().unwrap_or_default().to_owned(),
        })
    }

    /// Writes `settings.toml` atomically.
    pub(crate) fn write_settings(&self, settings: &Settings) -> io::Result<()> {
        let text = toml::to_string(settings).expect("settings always encode as TOML");
        atomic::write_atomic(&self.settings_path(), text.as_bytes())
    }
}

/// Where the vault's identity is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "lowercase")]
pub enum IdentityLocation {
    /// In the OS keychain, under account `VAULT_ID/identity`.
    Keychain,
    /// In an identity file, plain or passphrase-protected.
    File {
        /// The file's path.
        path: PathBuf,
    },
}

/// How a vault's identity is kept, as a person would describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityKind {
    /// In the OS keychain.
    Keychain,
    /// In an identity file protected by a passphrase.
    Passphrase,
    /// In a plain identity file.
    File,
}

/// The contents of `settings.toml`: nothing secret, just what is needed to find the
/// identity before the vault can be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The vault's id, also stored inside the vault.
    pub vault_id: String,
    /// The vault's public key (`age1...`), to tell a wrong identity from a damaged vault.
    pub recipient: String,
    /// The generation of the vault file this machine wrote last: a vault file older
    /// than that was rolled back or replaced by its backup.
    #[serde(default)]
    pub generation: u64,
    /// Where the identity is.
    pub identity: IdentityLocation,
}

impl Settings {
    /// The keychain account of the identity of this vault.
    pub fn identity_account(&self) -> String {
        format!("{}/identity", self.vault_id)
    }

    /// How the identity is kept. For a file, only its first bytes are read, to tell a
    /// passphrase-protected file from a plain one; an unreadable file counts as plain.
    pub fn identity_kind(&self) -> IdentityKind {
        let IdentityLocation::File { path } = &self.identity else {
            return IdentityKind::Keychain;
        };
        let mut head = [0u8; 64];
        let read = fs::File::open(path).and_then(|mut f| io::Read::read(&mut f, &mut head));
        match read {
            Ok(n) if crate::identity::is_encrypted(&head[..n]) => IdentityKind::Passphrase,
            _ => IdentityKind::File,
        }
    }
}

/// The user's home directory, from `HOME`; none when it is unset or empty. Agent tools
/// and shell histories are found under it.
pub fn user_home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// Where latchkey keeps its data when `LATCHKEY_HOME` does not say: the default vault,
/// which a sandbox hides even when this run's vault is elsewhere.
pub fn default_home_dir() -> Option<PathBuf> {
    default_data_dir().map(|d| d.join("latchkey"))
}

#[cfg(unix)]
fn default_data_dir() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return from_env("HOME").map(|h| h.join("Library/Application Support"));
    }
    from_env("XDG_DATA_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| from_env("HOME").map(|h| h.join(".local/share")))
}

#[cfg(windows)]
fn default_data_dir() -> Option<PathBuf> {
    std::env::var_os("APPDATA").filter(|v| !v.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;

    #[test]
    fn identity_kind_tells_a_protected_file_from_a_plain_one() {
        let dir = tempfile::tempdir().unwrap();
        let settings = |path: &Path| Settings {
            vault_id: "lk-test".into(),
            recipient: "age1test".into(),
            identity: IdentityLocation::File { path: path.to_owned() },
            generation: 0,
        };
        let identity = Identity::generate();
        let plain = dir.path().join("plain.txt");
        fs::write(&plain, identity.to_file_text().as_bytes()).unwrap();
        assert_eq!(settings(&plain).identity_kind(), IdentityKind::File);
        let protected = dir.path().join("protected.age");
        fs::write(&protected, identity.to_protected_file(secrecy::SecretString::from("pw"))).unwrap();
        assert_eq!(settings(&protected).identity_kind(), IdentityKind::Passphrase);
        let keychain = Settings { identity: IdentityLocation::Keychain, ..settings(&plain) };
        assert_eq!(keychain.identity_kind(), IdentityKind::Keychain);
    }

    #[test]
    fn the_old_settings_file_is_renamed_on_first_read() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        assert!(matches!(home.settings(), Err(HomeError::NotInitialized(_))));
        let text = "vault_id = \"lk-x\"\nrecipient = \"age1x\"\n[identity]\nstore = \"keychain\"\n";
        fs::write(dir.path().join("latchkey.toml"), text).unwrap();
        assert_eq!(home.settings().unwrap().vault_id, "lk-x");
        assert!(!dir.path().join("latchkey.toml").exists(), "no project file is left in the data directory");
        assert_eq!(fs::read_to_string(dir.path().join("settings.toml")).unwrap(), text);
        assert_eq!(home.settings().unwrap().vault_id, "lk-x");
    }
}
