//! Why an operation on a vault failed, one error type per operation. Each says what to
//! do, and none holds a value.

use std::io;
use std::path::PathBuf;

use crate::audit::AuditError;
use crate::document::{DecodeError, EnvironmentError};
use crate::home::HomeError;
use crate::identity::IdentityError;
use crate::keychain::KeychainError;
use crate::name::{EnvironmentName, VariableName};
use crate::validate::Finding;

/// Why a new vault could not be created. Nothing is left half-created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// A vault exists in the data directory already.
    #[error(
        "a vault already exists at {0}: nothing was changed (use it, or set LATCHKEY_HOME to another directory)"
    )]
    Exists(PathBuf),
    /// The identity file's path cannot take it.
    #[error(transparent)]
    IdentityPath(#[from] IdentityPathError),
    /// A passphrase-protected identity was asked for with an empty passphrase.
    #[error("the passphrase is empty: choose a passphrase")]
    EmptyPassphrase,
    /// The identity could not be stored in the OS keychain.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Why a vault could not be unlocked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnlockError {
    /// The data directory or its settings.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The identity could not be read from the OS keychain.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The identity file could not be read.
    #[error("cannot read the identity file {path}: {source}")]
    IdentityFile {
        /// The identity file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The identity file's content is not a usable identity.
    #[error("{path}: {source}")]
    Identity {
        /// Where the identity came from.
        path: String,
        /// What is wrong with it.
        source: IdentityError,
    },
    /// The identity is valid but belongs to another vault.
    #[error(
        "the identity from {from} does not open this vault (its public key is {found}, the vault's is {expected}): check LATCHKEY_IDENTITY"
    )]
    WrongIdentity {
        /// Where the identity came from.
        from: String,
        /// The identity's public key.
        found: String,
        /// The vault's public key.
        expected: String,
    },
}

/// Why the vault file could not be read. Nothing on disk is changed by a failed read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// `vault.age` is missing.
    #[error(
        "{0} is missing: restore it from vault.age.bak, or run `latchkey init` in an empty LATCHKEY_HOME"
    )]
    Missing(PathBuf),
    /// `vault.age` could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The vault file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The identity does not decrypt the file.
    #[error(
        "{0} cannot be decrypted with this identity: check LATCHKEY_IDENTITY, or the keychain entry of this vault"
    )]
    WrongIdentity(PathBuf),
    /// The file is truncated, corrupted, or not an age file.
    #[error(
        "{path} is damaged ({reason}): nothing was changed; the previous version is in {path}.bak, copy it over to restore"
    )]
    Damaged {
        /// The vault file.
        path: PathBuf,
        /// What is wrong, without any content of the file.
        reason: String,
    },
    /// The decrypted document is not one this build can use.
    #[error("{path}: {source}")]
    Document {
        /// The vault file.
        path: PathBuf,
        /// What is wrong with the document.
        source: DecodeError,
    },
    /// The file is a vault, but another one than this data directory's.
    #[error(
        "{path} is the vault `{found}`, not this data directory's `{expected}`: it was replaced; restore this vault's file (vault.age.bak holds the previous version)"
    )]
    OtherVault {
        /// The vault file.
        path: PathBuf,
        /// The id the file holds.
        found: String,
        /// The id the settings name.
        expected: String,
    },
}

/// Why an access could not be recorded in the audit log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The log's key could not be created in the vault.
    #[error("cannot set up the audit log's key: {0}")]
    Key(#[from] SaveError),
    /// The log could not be written.
    #[error(transparent)]
    Log(#[from] AuditError),
}

/// Why the audit log could not be checked. A log that was tampered with is not an
/// error: [`Vault::verify_audit`] returns it as its answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyAuditError {
    /// The vault could not be read.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The log could not be read.
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// Why a change could not be saved. When this is returned, the vault on disk is
/// unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The latest state could not be read.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The writer lock could not be taken.
    #[error("cannot lock {path}: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The new version could not be written.
    #[error("cannot write {path}: {source}; nothing was changed")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Why a value could not be stored. When this is returned, the vault is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetError {
    /// The environment does not exist.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// The keychain could not store the value.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// The format checks found a value that cannot be a working key.
    #[error("{name} was not stored: {reason}")]
    Refused {
        /// The variable.
        name: VariableName,
        /// The first refusing problem's message (never the value).
        reason: String,
        /// Everything the checks found.
        finding: Box<Finding>,
    },
    /// A day a key was made, given for a config value (which has no rotation).
    #[error("{0} is a config value: the day a key was made goes with a secret")]
    MadeForConfig(VariableName),
}

/// Why a value could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// The vault could not be read.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The environment does not exist.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// The variable does not exist.
    #[error("no variable `{name}` in environment `{env}`: `latchkey list --env {env}` shows what there is")]
    NotFound {
        /// The variable asked for.
        name: VariableName,
        /// The environment searched.
        env: EnvironmentName,
    },
    /// The value is in the keychain, and the keychain could not give it.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
}

/// Why a variable's metadata or value could not be changed. When this is returned, the
/// vault is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The environment does not exist.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// The variable does not exist.
    #[error("no variable `{name}` in environment `{env}`: nothing was changed")]
    NotFound {
        /// The variable asked for.
        name: VariableName,
        /// The environment searched.
        env: EnvironmentName,
    },
    /// There is no previous value to go back to.
    #[error("`{name}` has no previous value in the vault: nothing was changed")]
    NoHistory {
        /// The variable.
        name: VariableName,
    },
    /// The history does not go back that far.
    #[error(
        "`{name}` keeps {kept} previous value(s), so there is no -{back}: `latchkey history {name}` lists them"
    )]
    NoSuchVersion {
        /// The variable.
        name: VariableName,
        /// How far back was asked.
        back: usize,
        /// How many are kept.
        kept: usize,
    },
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Why a variable could not be removed. When this is returned, the vault is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoveError {
    /// The environment does not exist.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// The variable does not exist.
    #[error("no variable `{name}` in environment `{env}`: nothing was removed")]
    NotFound {
        /// The variable asked for.
        name: VariableName,
        /// The environment searched.
        env: EnvironmentName,
    },
    /// The variable is inherited: it belongs to another environment.
    #[error("`{name}` in `{env}` is inherited from `{from}`: remove it there (`--env {from}`)")]
    Inherited {
        /// The variable.
        name: VariableName,
        /// The environment asked.
        env: EnvironmentName,
        /// Where it is defined.
        from: EnvironmentName,
    },
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Why an environment could not be added, renamed or removed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentChangeError {
    /// The change is not allowed (unknown, exists, `default`).
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Why a path cannot take the vault's identity file (at `init` and `identity move`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityPathError {
    /// The file exists already; latchkey never overwrites an identity file it did not write.
    #[error("{0} already exists: latchkey never overwrites an identity file; choose another path")]
    Exists(PathBuf),
    /// One of latchkey's own files in the data directory, which latchkey rewrites.
    #[error(
        "{0} is inside latchkey's data directory, whose files latchkey rewrites: choose a path outside it (or identity.txt there)"
    )]
    InDataDir(PathBuf),
}

impl IdentityPathError {
    /// Whether `path` (absolute) may take a new identity file of `home`: outside latchkey's
    /// own files, and free, unless `is_current` (the identity's own file, rewritten).
    pub(crate) fn check(
        home: &crate::home::Home,
        path: &std::path::Path,
        is_current: bool,
    ) -> Result<(), Self> {
        if !home.may_hold_identity(path) {
            return Err(Self::InDataDir(path.to_owned()));
        }
        if !is_current && std::fs::symlink_metadata(path).is_ok() {
            return Err(Self::Exists(path.to_owned()));
        }
        Ok(())
    }
}
