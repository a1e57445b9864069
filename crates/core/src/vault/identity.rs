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

use secrecy::SecretString;

use super::{Vault, file};
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
    /// The identity is behind a passphrase, which was not given for the move: whoever
    /// holds an unlocked session must not be able to take the passphrase off or replace
    /// it.
    #[error("give the current passphrase to move the identity or change its passphrase")]
    PassphraseRequired,
    /// The current passphrase given does not open the identity file.
    #[error("the current passphrase is wrong: nothing was changed")]
    WrongPassphrase,
    /// The OS keychain took the identity but did not give it back: the old copy is kept.
    #[error(
        "the OS keychain did not keep the identity (is its default collection a temporary one?): nothing was changed"
    )]
    KeychainNotKept,
    /// The identity file would be committed: the path is in a git work tree.
    #[error(transparent)]
    Guard(#[from] crate::export::GuardError),
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

/// How a new vault's identity is kept.
#[derive(Debug)]
pub enum IdentitySetup {
    /// In the OS keychain.
    Keychain,
    /// In an identity file at `path`, which must not exist yet. With a passphrase, the
    /// file is age-encrypted with it (scrypt); without, it is a plain 0600 file for
    /// automation.
    File {
        /// Where to write the identity file.
        path: PathBuf,
        /// The passphrase that protects it, if any.
        passphrase: Option<SecretString>,
    },
}

/// Where `latchkey identity move` and the app's Change dialog put the identity.
#[derive(Debug)]
pub enum IdentityTarget {
    /// The OS keychain.
    Keychain,
    /// A plain 0600 file: at `path`, or `identity.txt` in the data directory.
    File {
        /// Where, when not the default.
        path: Option<PathBuf>,
    },
    /// A file behind `passphrase`: at `path`, or where the current protected file is
    /// (changing its passphrase), or `identity.age` in the data directory.
    Passphrase {
        /// Where, when not the default.
        path: Option<PathBuf>,
        /// The new passphrase.
        passphrase: SecretString,
    },
}

/// A move: where to, and what proves the caller may make it.
#[derive(Debug)]
pub struct IdentityMove {
    /// Where the identity goes.
    pub to: IdentityTarget,
    /// The current passphrase, when the identity is behind one (the CLI passes the one
    /// its unlock was given; the app asks for it).
    pub current_passphrase: Option<SecretString>,
    /// Allows a file target inside a git work tree that does not ignore it.
    pub allow_tracked: bool,
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

    /// Keeps the identity as `request` says from now on, and removes the old copy.
    pub fn move_identity(&self, request: IdentityMove) -> Result<MovedIdentity, MoveIdentityError> {
        self.check_identity_movable()?;
        let IdentityMove { to, current_passphrase, allow_tracked } = request;
        if let IdentityTarget::Passphrase { passphrase, .. } = &to
            && secrecy::ExposeSecret::expose_secret(passphrase).is_empty()
        {
            return Err(MoveIdentityError::EmptyPassphrase);
        }
        let io_err = |path: PathBuf| move |source| MoveIdentityError::Io { path, source };
        // Everything below decides on the settings as they are under the lock, so a
        // concurrent move cannot slip a passphrase in between the check and the change.
        let _lock = file::lock(&self.home).map_err(io_err(self.home.dir().to_owned()))?;
        let mut settings = self.home.settings()?;
        let protected_at = prove_passphrase(&settings, current_passphrase)?;
        let to = match to {
            IdentityTarget::Keychain => IdentitySetup::Keychain,
            IdentityTarget::File { path } => IdentitySetup::File {
                path: path.unwrap_or_else(|| self.home.plain_identity_path()),
                passphrase: None,
            },
            // A new passphrase for a protected file keeps it where it is.
            IdentityTarget::Passphrase { path, passphrase } => IdentitySetup::File {
                path: path.or(protected_at).unwrap_or_else(|| self.home.default_identity_path()),
                passphrase: Some(passphrase),
            },
        };
        if let IdentitySetup::File { path, .. } = &to
            && !allow_tracked
        {
            crate::export::guard_against_git(path)?;
        }
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
                let keychain = Keychain::open()?;
                let account = settings.identity_account();
                keychain.store(&account, &self.identity.to_secret_line())?;
                // Read back before the only other copy goes: a keychain whose default
                // collection is a session one takes the entry and forgets it at logout.
                let kept = keychain.load(&account).ok().and_then(|line| {
                    crate::Identity::parse(secrecy::ExposeSecret::expose_secret(&line)).ok()
                });
                if kept.is_none_or(|k| k.recipient().to_string() != settings.recipient) {
                    let _ = keychain.delete(&account);
                    return Err(MoveIdentityError::KeychainNotKept);
                }
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

/// A protected identity moves only for someone who gives its passphrase now: an unlocked
/// session alone does not prove it. Returns the protected file's path, if it is one. An
/// identity file that cannot be read counts as protected (fails closed).
fn prove_passphrase(
    settings: &crate::home::Settings,
    given: Option<SecretString>,
) -> Result<Option<PathBuf>, MoveIdentityError> {
    let IdentityLocation::File { path } = &settings.identity else { return Ok(None) };
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|source| MoveIdentityError::Io { path: path.clone(), source })?,
    );
    if !crate::identity::is_encrypted(&bytes) {
        return Ok(None);
    }
    let given = given.ok_or(MoveIdentityError::PassphraseRequired)?;
    match crate::Identity::from_file_bytes(&bytes, || Some(given)) {
        Ok(found) if found.recipient().to_string() == settings.recipient => Ok(Some(path.clone())),
        _ => Err(MoveIdentityError::WrongPassphrase),
    }
}
