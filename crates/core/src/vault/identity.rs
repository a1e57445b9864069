//! Moving the vault's identity between the OS keychain, a plain identity file and a
//! passphrase-protected one (`latchkey identity move`). The key stays the same, so the
//! vault is not re-encrypted: only where its identity is kept changes.
//!
//! The new copy is written first, then the settings are replaced atomically to point
//! at it, and only then is the old copy removed. A crash at any moment leaves settings
//! that point at a copy that exists; at worst an old copy is left behind, and said so.

use std::io;
use std::path::PathBuf;

use zeroize::Zeroizing;

use super::{IdentitySetup, Vault, file};
use crate::home::{HomeError, IdentityKind, IdentityLocation, Settings};
use crate::keychain::{Keychain, KeychainError};

/// Why the identity could not be moved. When this is returned, the settings still point
/// at the old copy, which is untouched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MoveIdentityError {
    /// It is kept that way already.
    #[error("the identity is kept there already: nothing was changed")]
    Unchanged,
    /// The vault was opened with an identity file named by `LATCHKEY_IDENTITY`, which
    /// every command reads: a move would leave it naming the old copy.
    #[error(
        "LATCHKEY_IDENTITY is set: it names the identity every command reads, and a move would leave it pointing at the old copy; unset it first"
    )]
    Overridden,
    /// A passphrase-protected file was asked for with an empty passphrase.
    #[error("the passphrase is empty: choose a passphrase")]
    EmptyPassphrase,
    /// The target path cannot take the identity.
    #[error(transparent)]
    Path(#[from] super::IdentityPathError),
    /// The settings could not be read.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The OS keychain could not store it.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// A file could not be written, or the writer lock taken.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// What a move did.
#[derive(Debug, Clone)]
pub struct MovedIdentity {
    /// The settings as they now are.
    pub settings: Settings,
    /// The old copy, when it could not be removed (the settings no longer use it): the
    /// user should delete it.
    pub left_behind: Option<String>,
}

impl Vault {
    /// Whether this vault's identity can be moved at all: not when it was opened with an
    /// identity file the settings do not name (`LATCHKEY_IDENTITY`). Front ends ask this
    /// before they prompt for a new passphrase; [`Vault::move_identity`] asks it again.
    pub fn check_identity_movable(&self) -> Result<(), MoveIdentityError> {
        if self.identity_overridden {
            return Err(MoveIdentityError::Overridden);
        }
        Ok(())
    }

    /// Keeps the identity as `to` says from now on, and removes the old copy.
    pub fn move_identity(&self, to: IdentitySetup) -> Result<MovedIdentity, MoveIdentityError> {
        self.check_identity_movable()?;
        if let IdentitySetup::File { passphrase: Some(passphrase), .. } = &to
            && secrecy::ExposeSecret::expose_secret(passphrase).is_empty()
        {
            return Err(MoveIdentityError::EmptyPassphrase);
        }
        let io_err = |path: PathBuf| move |source| MoveIdentityError::Io { path, source };
        let _lock = file::lock(&self.home).map_err(io_err(self.home.dir().to_owned()))?;
        let mut settings = self.home.settings()?;
        let old = settings.identity.clone();
        let old_kind = settings.identity_kind();
        // An old identity path that is a symlink: the file it points at is the copy to
        // remove, not only the link.
        let old_target = match &old {
            IdentityLocation::File { path }
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) =>
            {
                std::fs::canonicalize(path).ok()
            }
            _ => None,
        };
        let new = match to {
            IdentitySetup::Keychain => {
                if old == IdentityLocation::Keychain {
                    return Err(MoveIdentityError::Unchanged);
                }
                Keychain::open()?.store(&settings.identity_account(), &self.identity.to_secret_line())?;
                IdentityLocation::Keychain
            }
            IdentitySetup::File { path, passphrase } => {
                let path = std::path::absolute(&path).unwrap_or(path);
                let same_file = matches!(&old, IdentityLocation::File { path: p } if *p == path);
                // A protected file gets a new passphrase in place; a plain one stays.
                if same_file && passphrase.is_none() && old_kind == IdentityKind::File {
                    return Err(MoveIdentityError::Unchanged);
                }
                super::IdentityPathError::check(&self.home, &path, same_file)?;
                let bytes = match passphrase {
                    Some(passphrase) => Zeroizing::new(self.identity.to_protected_file(passphrase)),
                    None => Zeroizing::new(self.identity.to_file_text().as_bytes().to_vec()),
                };
                if let Some(parent) = path.parent() {
                    crate::atomic::create_private_dir(parent).map_err(io_err(parent.to_owned()))?;
                }
                if same_file {
                    // The same file in a new form (a passphrase added, changed or taken
                    // off): replaced atomically. Through a symlink, the link is replaced
                    // and what it pointed at is the old copy (see below).
                    crate::atomic::write_atomic(&path, &bytes).map_err(io_err(path.clone()))?;
                } else {
                    // A new file: linked into place only if nothing is there by then.
                    crate::atomic::write_new(&path, &bytes).map_err(io_err(path.clone()))?;
                }
                IdentityLocation::File { path }
            }
        };
        settings.identity = new.clone();
        if let Err(source) = self.home.write_settings(&settings) {
            // The settings still name the old copy: take the new one away again.
            match &new {
                IdentityLocation::File { path } if old != new => {
                    let _ = std::fs::remove_file(path);
                }
                IdentityLocation::Keychain => {
                    let _ = Keychain::open().and_then(|k| k.delete(&settings.identity_account()));
                }
                IdentityLocation::File { .. } => {}
            }
            return Err(MoveIdentityError::Io { path: self.home.settings_path(), source });
        }
        let mut left_behind = match old {
            IdentityLocation::Keychain => Keychain::open()
                .and_then(|k| k.delete(&settings.identity_account()))
                .err()
                .map(|_| format!("the OS keychain entry `{}`", settings.identity_account())),
            IdentityLocation::File { path } if new != (IdentityLocation::File { path: path.clone() }) => {
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Some(path.display().to_string()),
                    _ => None,
                }
            }
            IdentityLocation::File { .. } => None,
        };
        if let Some(target) = old_target.filter(|t| IdentityLocation::File { path: t.clone() } != new)
            && let Err(e) = std::fs::remove_file(&target)
            && e.kind() != io::ErrorKind::NotFound
        {
            left_behind = Some(target.display().to_string());
        }
        Ok(MovedIdentity { settings, left_behind })
    }
}
