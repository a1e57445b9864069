//! Creating, unlocking and locking the vault.

use tauri::State;

use crate::ipc::{AppStatus, CreateVaultRequest, IpcError, MoveIdentityRequest, MovedIdentityInfo};
use crate::session::AppState;

/// Whether there is a vault and whether it is unlocked.
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    state.status()
}

/// Creates the vault (scrypt for a passphrase takes about a second: off the main thread).
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    request: CreateVaultRequest,
) -> Result<AppStatus, IpcError> {
    state.create(request.passphrase)
}

/// Unlocks the vault.
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    passphrase: Option<latchkey_core::SecretString>,
) -> Result<AppStatus, IpcError> {
    state.unlock(passphrase)
}

/// Keeps the vault's identity elsewhere: the OS keychain, a plain file, or a file behind
/// a (new) passphrase. scrypt takes about a second: off the main thread.
#[tauri::command]
pub async fn move_identity(
    state: State<'_, AppState>,
    request: MoveIdentityRequest,
) -> Result<MovedIdentityInfo, IpcError> {
    state.move_identity(request.to, request.passphrase, request.current)
}

/// Locks the vault.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) -> AppStatus {
    state.lock();
    state.status()
}

/// Sets the idle time before the vault locks itself.
#[tauri::command]
pub fn set_auto_lock(state: State<'_, AppState>, minutes: u32) -> Result<AppStatus, IpcError> {
    state.set_auto_lock(minutes)?;
    Ok(state.status())
}

/// The user is active: postpone the auto-lock.
#[tauri::command]
pub fn activity(state: State<'_, AppState>) {
    state.touch();
}
