//! The vault: an unlocked handle on `vault.age`, and every read and write of it.
//!
//! A [`Vault`] is made by [`Vault::init`] (a new vault) or [`Vault::unlock`] (an existing
//! one); either way it holds the identity that decrypts the file. Reads decrypt the
//! latest file. Writes go through [`Vault::update`], which takes the writer lock, applies
//! the change to the latest state on disk, and replaces the file atomically while keeping
//! the previous version as `vault.age.bak`. So two processes writing at once never lose
//! each other's changes, and a crash at any moment leaves a complete vault.

mod audit;
mod checks;
mod environments;
mod errors;
mod exports;
mod file;
mod identity;
mod profiles;
mod rotation;
mod variables;

use std::fs;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::document::Document;
use crate::home::{Home, IdentityLocation, Settings};
use crate::identity::Identity;
use crate::keychain::{Keychain, KeychainError};

pub use checks::{Checked, plan_online, verify_checked, verify_checked_blocking};
pub use environments::{Difference, ResolvedValue};
pub use errors::{
    EditError, EnvironmentChangeError, GetError, IdentityPathError, InitError, OpenError, RecordError,
    RemoveError, SaveError, SetError, UnlockError, VerifyAuditError,
};
pub use exports::{
    ExportError, ExportRequest, Exported, ExportedText, ForgetExportError, IdentityExportError,
};
pub use identity::{IdentityMove, IdentitySetup, IdentityTarget, MoveIdentityError, MovedIdentity};
pub use profiles::ProfileError;
pub use rotation::{Due, HistoryError, PastEntry, RolledBack, RotateError, Rotated, ValueHistory};
pub use variables::{EnforceChecks, MetadataEdit, NewValue, Removed, SetOutcome, Stored};

/// Reads variables' values, opening the OS keychain once, and only when a value lives
/// there.
#[derive(Default)]
pub(crate) struct ValueReader {
    keychain: Option<Keychain>,
}

impl ValueReader {
    /// The value of `value`, from the vault or the keychain.
    pub(crate) fn read(&mut self, value: &crate::variable::Value) -> Result<SecretString, KeychainError> {
        match value {
            crate::variable::Value::InVault(secret) => Ok(secret.clone()),
            crate::variable::Value::Keychain { account } => {
                let keychain = match &self.keychain {
                    Some(k) => k,
                    None => self.keychain.insert(Keychain::open()?),
                };
                keychain.load(account)
            }
        }
    }
}

/// An unlocked vault: its data directory, settings and identity.
#[derive(Debug)]
pub struct Vault {
    home: Home,
    settings: Settings,
    identity: Identity,
    /// The audit log's key, once a read has seen it.
    audit_key: std::sync::OnceLock<secrecy::SecretBox<Vec<u8>>>,
    /// Whether the last read found an audit anchor in the vault.
    anchored: std::sync::atomic::AtomicBool,
    /// The generation this machine wrote last (the settings' at unlock, then ours).
    generation: std::sync::atomic::AtomicU64,
    /// Things the user should know, found along the way (each said once).
    notices: std::sync::Mutex<Vec<String>>,
    /// The identity file this vault was unlocked with, when it was one.
    identity_file: Option<PathBuf>,
    /// Whether that file was named by the caller (`LATCHKEY_IDENTITY`) rather than the
    /// settings.
    identity_overridden: bool,
}

impl Vault {
    /// Creates a new vault in `home`, with a new identity kept as `setup` says.
    ///
    /// Refuses when `home` already has a vault. The vault file is written last, so an
    /// interrupted `init` leaves no vault and can simply be run again.
    pub fn init(home: &Home, setup: IdentitySetup) -> Result<Self, InitError> {
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| InitError::Io { path, source }
        };
        let dir_was_there = home.dir().exists();
        let settings_were_there = home.settings_path().exists();
        home.create().map_err(io_err(home.dir()))?;
        // What a failed init made is taken away again: it can simply be run again.
        let mut made = Vec::new();
        let result = Self::init_locked(home, setup, &mut made);
        if result.is_err() && !home.vault_path().exists() {
            for (thing, account) in made {
                match thing {
                    IdentityLocation::File { path } => {
                        let _ = fs::remove_file(path);
                    }
                    IdentityLocation::Keychain => {
                        let _ = Keychain::open().and_then(|k| k.delete(&account));
                    }
                }
            }
            if !settings_were_there {
                let _ = fs::remove_file(home.settings_path());
            }
            if !dir_was_there {
                let _ = fs::remove_dir(home.dir());
            }
        }
        result
    }

    fn init_locked(
        home: &Home,
        setup: IdentitySetup,
        made: &mut Vec<(IdentityLocation, String)>,
    ) -> Result<Self, InitError> {
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| InitError::Io { path, source }
        };
        let _lock = file::lock(home).map_err(io_err(home.dir()))?;
        if home.vault_path().exists() {
            return Err(InitError::Exists(home.dir().to_owned()));
        }
        // A data directory that others can read or enter is made private.
        crate::atomic::tighten_dir(home.dir()).map_err(io_err(home.dir()))?;
        let identity = Identity::generate();
        let settings_for = |identity_location| Settings {
            vault_id: new_vault_id(),
            recipient: identity.recipient().to_string(),
            identity: identity_location,
            generation: 0,
        };
        let settings = match setup {
            IdentitySetup::Keychain => {
                let settings = settings_for(IdentityLocation::Keychain);
                Keychain::open()?.store(&settings.identity_account(), &identity.to_secret_line())?;
                made.push((IdentityLocation::Keychain, settings.identity_account()));
                settings
            }
            IdentitySetup::File { path, passphrase } => {
                if passphrase.as_ref().is_some_and(|p| secrecy::ExposeSecret::expose_secret(p).is_empty()) {
                    return Err(InitError::EmptyPassphrase);
                }
                let path = std::path::absolute(&path).unwrap_or(path);
                IdentityPathError::check(home, &path, false)?;
                let bytes = match passphrase {
                    Some(passphrase) => Zeroizing::new(identity.to_protected_file(passphrase)),
                    None => Zeroizing::new(identity.to_file_text().as_bytes().to_vec()),
                };
                if let Some(parent) = path.parent() {
                    crate::atomic::create_private_dir(parent).map_err(io_err(parent))?;
                }
                // Linked into place only if nothing is there by then.
                crate::atomic::write_new(&path, &bytes).map_err(io_err(&path))?;
                made.push((IdentityLocation::File { path: path.clone() }, String::new()));
                settings_for(IdentityLocation::File { path })
            }
        };
        home.write_settings(&settings).map_err(io_err(&home.settings_path()))?;
        let vault = Vault::new(home.clone(), settings, identity);
        let mut doc = Document::new(vault.settings.vault_id.clone());
        doc.ensure_audit_key();
        vault.write(&mut doc).map_err(|e| match e {
            SaveError::Write { path, source } | SaveError::Lock { path, source } => {
                InitError::Io { path, source }
            }
            SaveError::Open(_) => unreachable!("init does not read the vault"),
        })?;
        Ok(vault)
    }

    /// Unlocks the vault in `home`.
    ///
    /// The identity comes from `identity_file` when given (`LATCHKEY_IDENTITY`), else
    /// from where `settings.toml` says. `passphrase` is asked only when the identity file
    /// is passphrase-protected.
    pub fn unlock(
        home: &Home,
        identity_file: Option<&Path>,
        passphrase: impl FnOnce(&Path) -> Option<SecretString>,
    ) -> Result<Self, UnlockError> {
        let settings = home.settings()?;
        let file = match (identity_file, &settings.identity) {
            (Some(path), _) => Some(path.to_owned()),
            (None, IdentityLocation::File { path }) => Some(path.clone()),
            (None, IdentityLocation::Keychain) => None,
        };
        let (identity, from) = match file.clone() {
            Some(path) => {
                let bytes = Zeroizing::new(
                    fs::read(&path)
                        .map_err(|source| UnlockError::IdentityFile { path: path.clone(), source })?,
                );
                let identity = Identity::from_file_bytes(&bytes, || passphrase(&path))
                    .map_err(|source| UnlockError::Identity { path: path.display().to_string(), source })?;
                (identity, path.display().to_string())
            }
            None => {
                let line = Keychain::open()?.load(&settings.identity_account())?;
                let from = "the OS keychain".to_owned();
                let identity = Identity::parse(secrecy::ExposeSecret::expose_secret(&line))
                    .map_err(|source| UnlockError::Identity { path: from.clone(), source })?;
                (identity, from)
            }
        };
        let found = identity.recipient().to_string();
        if found != settings.recipient {
            return Err(UnlockError::WrongIdentity { from, found, expected: settings.recipient });
        }
        let mut vault = Vault::new(home.clone(), settings, identity);
        vault.identity_file = file;
        vault.identity_overridden = identity_file.is_some();
        vault.check_permissions(identity_file);
        Ok(vault)
    }

    /// The identity file this vault was unlocked with, when it was one (the settings'
    /// or `LATCHKEY_IDENTITY`'s).
    pub fn identity_file(&self) -> Option<&Path> {
        self.identity_file.as_deref()
    }

    fn new(home: Home, settings: Settings, identity: Identity) -> Self {
        let generation = settings.generation;
        Vault {
            home,
            settings,
            identity,
            audit_key: std::sync::OnceLock::new(),
            anchored: std::sync::atomic::AtomicBool::new(false),
            generation: std::sync::atomic::AtomicU64::new(generation),
            notices: std::sync::Mutex::new(Vec::new()),
            identity_file: None,
            identity_overridden: false,
        }
    }

    /// Notes a data directory or identity file that others can read, with the fix.
    fn check_permissions(&self, identity_file: Option<&Path>) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let open = |path: &Path| fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
            let dir = self.home.dir();
            if open(dir) {
                self.notice(format!(
                    "the data directory {} can be read by other users: run `chmod 700 {}`",
                    dir.display(),
                    dir.display()
                ));
            }
            let identity = identity_file.map(Path::to_owned).or(match &self.settings.identity {
                IdentityLocation::File { path } => Some(path.clone()),
                IdentityLocation::Keychain => None,
            });
            if let Some(path) = identity.filter(|p| open(p)) {
                self.notice(format!(
                    "the identity file {} can be read by other users: run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
        }
        #[cfg(not(unix))]
        let _ = identity_file;
    }

    /// Notes something the user should be told (see [`Vault::take_notices`]).
    pub(crate) fn note(&self, text: String) {
        self.notice(text);
    }

    fn notice(&self, text: String) {
        let mut notices = self.notices.lock().unwrap_or_else(|p| p.into_inner());
        if !notices.contains(&text) {
            notices.push(text);
        }
    }

    /// Takes what the user should be told, found since the last call: permissions that
    /// are too open, a vault older than the last one written here. Each once.
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The data directory.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The settings: vault id, public key, where the identity is.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The identity as the text of a plain identity file, for `latchkey identity export`.
    /// With it, `age -d -i FILE vault.age` prints the vault document.
    pub fn export_identity(&self) -> Zeroizing<String> {
        self.identity.to_file_text()
    }

    /// Reads and decrypts the latest vault document.
    ///
    /// Refuses a file that holds another vault than this data directory's; notes (see
    /// [`Vault::take_notices`]) a vault older than the last one written here, as after a
    /// rollback or the backup copied over it.
    pub fn read(&self) -> Result<Document, OpenError> {
        let doc = file::read(&self.home, &self.identity)?;
        if doc.id() != self.settings.vault_id {
            return Err(OpenError::OtherVault {
                path: self.home.vault_path(),
                found: doc.id().to_owned(),
                expected: self.settings.vault_id.clone(),
            });
        }
        let written = self.generation.load(std::sync::atomic::Ordering::Relaxed);
        if doc.generation() < written {
            self.notice(format!(
                "{} is older than the last version written here (write {} of {written}): it was rolled back or replaced by its backup; check its variables",
                self.home.vault_path().display(),
                doc.generation(),
            ));
        }
        if let Some(key) = doc.audit_key() {
            self.audit_key.get_or_init(|| secret_key(key));
        }
        self.anchored.store(doc.audit_anchor().is_some(), std::sync::atomic::Ordering::Relaxed);
        Ok(doc)
    }

    /// Applies `change` to the latest vault document and saves the result.
    ///
    /// Holds the writer lock from reading to saving, so a concurrent writer's change is
    /// never lost. When `change` fails, nothing is written.
    pub fn update<T, E: From<SaveError>>(
        &self,
        change: impl FnOnce(&mut Document) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = file::lock(&self.home)
            .map_err(|source| SaveError::Lock { path: self.home.dir().to_owned(), source })?;
        let mut doc = self.read().map_err(SaveError::Open)?;
        let out = change(&mut doc)?;
        self.anchor_audit(&mut doc);
        self.write(&mut doc)?;
        Ok(out)
    }

    /// Writes `doc` as the next generation, and notes that generation in the settings.
    fn write(&self, doc: &mut Document) -> Result<(), SaveError> {
        doc.next_generation();
        file::write(&self.home, &self.identity.recipient(), doc)?;
        self.generation.fetch_max(doc.generation(), std::sync::atomic::Ordering::Relaxed);
        let mut settings = self.home.settings().unwrap_or_else(|_| self.settings.clone());
        settings.generation = doc.generation();
        // A failure leaves the settings behind the vault, which is never reported as a
        // rollback: only a vault older than the settings is.
        let _ = self.home.write_settings(&settings);
        Ok(())
    }
}

/// A random vault id: `lk-` and 16 hex digits.
fn new_vault_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    format!("lk-{}", crate::encoding::hex(&bytes))
}

/// The vault's own key from its hex text, in a box that Debug output never shows.
fn secret_key(hex: &str) -> secrecy::SecretBox<Vec<u8>> {
    secrecy::SecretBox::new(Box::new(crate::encoding::decode_hex(hex).unwrap_or_default()))
}
