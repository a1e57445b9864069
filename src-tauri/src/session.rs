//! The app's one piece of state: the data directory, and the vault while it is unlocked.
//!
//! The vault is dropped (its identity zeroized) on lock, and after a configurable time
//! without user activity. Every command that touches the vault counts as activity.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use latchkey_core::{
    Catalog, Home, IdentityMove, IdentitySetup, IdentityTarget, Keychain, SecretString, Vault,
};

use crate::ipc::{AppStatus, ErrorCode, IdentityKind, IpcError, MovedIdentityInfo};

/// Minutes of inactivity before the vault locks itself, unless the user changes it.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 10;

/// The state every command receives.
pub struct AppState {
    home: Home,
    catalog: Catalog,
    session: Mutex<Session>,
}

struct Session {
    vault: Option<Arc<Vault>>,
    last_activity: Instant,
    auto_lock: Duration,
}

impl AppState {
    /// The state for the vault in `home`, locked, checking keys with `catalog`.
    pub fn new(home: Home, catalog: Catalog) -> Self {
        Self {
            home,
            catalog,
            session: Mutex::new(Session {
                vault: None,
                last_activity: Instant::now(),
                auto_lock: Duration::from_secs(u64::from(DEFAULT_AUTO_LOCK_MINUTES) * 60),
            }),
        }
    }

    /// The data directory.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The provider catalog that key checks use.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic while holding the lock cannot leave the session half-changed: every
        // change is a single assignment.
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What the first screen needs to know.
    pub fn status(&self) -> AppStatus {
        let settings = self.home.settings().ok();
        let identity = settings.as_ref().map(|s| IdentityKind::from(s.identity_kind()));
        let session = self.session();
        AppStatus {
            initialized: settings.is_some() && self.home.vault_path().exists(),
            unlocked: session.vault.is_some(),
            identity,
            keychain_available: Keychain::probe().is_ok(),
            identity_movable: session.vault.as_ref().is_some_and(|v| v.check_identity_movable().is_ok()),
            data_dir: self.home.dir().display().to_string(),
            auto_lock_minutes: (session.auto_lock.as_secs() / 60) as u32,
        }
    }

    /// Creates a vault: its identity in the OS keychain, or behind `passphrase`.
    pub fn create(&self, passphrase: Option<SecretString>) -> Result<AppStatus, IpcError> {
        let setup = match passphrase {
            None => IdentitySetup::Keychain,
            Some(passphrase) => {
                IdentitySetup::File { path: self.home.default_identity_path(), passphrase: Some(passphrase) }
            }
        };
        let vault = Vault::init(&self.home, setup)?;
        self.hold(vault);
        Ok(self.status())
    }

    /// Unlocks the vault; `passphrase` is used only for a passphrase-protected identity.
    pub fn unlock(&self, passphrase: Option<SecretString>) -> Result<AppStatus, IpcError> {
        let identity_file = std::env::var_os("LATCHKEY_IDENTITY").filter(|v| !v.is_empty());
        let vault =
            Vault::unlock(&self.home, identity_file.as_deref().map(std::path::Path::new), |_| passphrase)?;
        vault.read()?;
        self.hold(vault);
        Ok(self.status())
    }

    /// Keeps the identity as `to` says from now on, where core puts it by default;
    /// `passphrase` goes with `Passphrase` only, and `current` is the passphrase the
    /// identity is behind now, if it is.
    pub fn move_identity(
        &self,
        to: IdentityKind,
        passphrase: Option<SecretString>,
        current: Option<SecretString>,
    ) -> Result<MovedIdentityInfo, IpcError> {
        let to = match (to, passphrase) {
            (IdentityKind::Keychain, None) => IdentityTarget::Keychain,
            (IdentityKind::File, None) => IdentityTarget::File { path: None },
            (IdentityKind::Passphrase, Some(passphrase)) => {
                IdentityTarget::Passphrase { path: None, passphrase }
            }
            (IdentityKind::Passphrase, None) => {
                return Err(IpcError::new(
                    ErrorCode::InvalidValue,
                    "Choose a passphrase for the identity file.",
                ));
            }
            (_, Some(_)) => {
                return Err(IpcError::new(
                    ErrorCode::InvalidValue,
                    "A passphrase goes with a passphrase-protected file only: nothing was changed.",
                ));
            }
        };
        // scrypt and the keychain can take seconds: the session is not held meanwhile.
        let vault = self.held_vault()?;
        let moved =
            vault.move_identity(IdentityMove { to, current_passphrase: current, allow_tracked: false })?;
        Ok(MovedIdentityInfo { status: self.status(), left_behind: moved.left_behind })
    }

    fn hold(&self, vault: Vault) {
        let mut session = self.session();
        session.vault = Some(Arc::new(vault));
        session.last_activity = Instant::now();
    }

    /// Locks: drops the vault and its identity.
    pub fn lock(&self) {
        self.session().vault = None;
    }

    /// Records user activity, postponing the auto-lock.
    pub fn touch(&self) {
        self.session().last_activity = Instant::now();
    }

    /// Sets the inactivity time before the vault locks itself (1 to 1440 minutes).
    pub fn set_auto_lock(&self, minutes: u32) -> Result<(), IpcError> {
        if !(1..=1440).contains(&minutes) {
            return Err(IpcError::new(
                ErrorCode::InvalidValue,
                "Choose an auto-lock time from 1 to 1440 minutes.",
            ));
        }
        self.session().auto_lock = Duration::from_secs(u64::from(minutes) * 60);
        Ok(())
    }

    /// Locks the vault if it has been idle for the auto-lock time at `now`; returns
    /// whether it did.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let mut session = self.session();
        if session.vault.is_some() && now.duration_since(session.last_activity) >= session.auto_lock {
            session.vault = None;
            return true;
        }
        false
    }

    /// Runs `f` on the unlocked vault without counting it as activity (background work
    /// must not keep the vault open); `None` when locked.
    pub fn peek_vault<T>(&self, f: impl FnOnce(&Vault) -> T) -> Option<T> {
        self.session().vault.as_deref().map(f)
    }

    /// The unlocked vault, counting it as activity, for work too long to hold the session
    /// for (a lock or the auto-lock meanwhile drops the session's hold, not this one).
    fn held_vault(&self) -> Result<Arc<Vault>, IpcError> {
        self.with_vault(|_| Ok(()))?;
        self.session().vault.clone().ok_or_else(locked)
    }

    /// Runs `f` on the unlocked vault, counting it as activity.
    pub fn with_vault<T>(&self, f: impl FnOnce(&Vault) -> Result<T, IpcError>) -> Result<T, IpcError> {
        let mut session = self.session();
        session.last_activity = Instant::now();
        let vault = session.vault.as_ref().ok_or_else(locked)?;
        f(vault)
    }
}

/// The error of a command that needs the vault unlocked.
fn locked() -> IpcError {
    IpcError::new(ErrorCode::Locked, "The vault is locked: unlock it to continue.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_vault_locks_itself_after_the_auto_lock_time() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Home::at(dir.path().join("home")), Catalog::built_in());
        state.create(Some(SecretString::from("test passphrase"))).unwrap();
        state.set_auto_lock(10).unwrap();
        let start = Instant::now();
        assert!(!state.lock_if_idle(start + Duration::from_secs(9 * 60)));
        assert!(state.status().unlocked);
        assert!(state.lock_if_idle(start + Duration::from_secs(10 * 60 + 1)));
        assert!(!state.status().unlocked);
        assert!(state.set_auto_lock(0).is_err());
    }
}
