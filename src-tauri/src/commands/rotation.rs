//! The Rotation screen: schedules, the rotate dialog, rollback, snooze and policies.

use latchkey_core::audit::Access;
use latchkey_core::rotation::{Policy, Presets};
use tauri::State;
use time::{Duration, OffsetDateTime};

use super::{env_name, var_name};
use crate::ipc::{
    ErrorCode, IpcError, ProblemInfo, RotateRequest, RotateResult, RotationPolicyRequest, RotationRow,
};
use crate::session::AppState;

/// The schedule of every secret of `env`.
#[tauri::command]
pub fn rotation_status(
    state: State<'_, AppState>,
    env: String,
    preset: String,
) -> Result<Vec<RotationRow>, IpcError> {
    let env = env_name(&env)?;
    let presets: Presets = preset.parse().map_err(|e| IpcError::new(ErrorCode::InvalidPreset, e))?;
    let catalog = state.catalog();
    state.with_vault(|vault| {
        let dues = vault.rotation(&env, presets, OffsetDateTime::now_utc())?;
        Ok(dues.iter().map(|d| RotationRow::new(d, catalog)).collect())
    })
}

/// Rotates a secret to a pasted value of the same provider.
#[tauri::command]
pub fn rotate_secret(state: State<'_, AppState>, request: RotateRequest) -> Result<RotateResult, IpcError> {
    let (env, name) = (env_name(&request.env)?, var_name(&request.name)?);
    let catalog = state.catalog();
    state.with_vault(|vault| {
        let rotated = vault.rotate(&env, &name, request.value, catalog, request.force, None)?;
        Ok(RotateResult {
            stale_exports: rotated.stale_exports.iter().map(|e| e.path.display().to_string()).collect(),
            problems: rotated.finding.problems.iter().map(ProblemInfo::from).collect(),
            audit_warning: rotated.audit_error.map(|e| unrecorded(Access::Rotate, &e)),
        })
    })
}

/// Restores a secret's previous value. Answers why the rollback is missing from the
/// audit log, when it is.
#[tauri::command]
pub fn rollback_secret(
    state: State<'_, AppState>,
    env: String,
    name: String,
) -> Result<Option<String>, IpcError> {
    let (env, name) = (env_name(&env)?, var_name(&name)?);
    state.with_vault(|vault| {
        Ok(vault.rollback(&env, &name, 1)?.audit_error.map(|e| unrecorded(Access::Rollback, &e)))
    })
}

/// Quiets a secret's reminders for `days` days (0 ends a snooze).
#[tauri::command]
pub fn snooze_secret(
    state: State<'_, AppState>,
    env: String,
    name: String,
    days: u32,
) -> Result<(), IpcError> {
    let (env, name) = (env_name(&env)?, var_name(&name)?);
    let until = (days > 0).then(|| OffsetDateTime::now_utc() + Duration::days(i64::from(days)));
    state.with_vault(|vault| Ok(vault.set_rotation(&env, &name, None, Some(until)).map(drop)?))
}

/// Sets a secret's own interval and hard expiry.
#[tauri::command]
pub fn set_rotation_policy(
    state: State<'_, AppState>,
    request: RotationPolicyRequest,
) -> Result<(), IpcError> {
    let (env, name) = (env_name(&request.env)?, var_name(&request.name)?);
    let expires = match request.expires.as_deref().filter(|e| !e.is_empty()) {
        None => None,
        Some(text) => {
            Some(time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).map_err(
                |_| IpcError::new(ErrorCode::InvalidValue, "Give the expiry as a date, YYYY-MM-DD."),
            )?)
        }
    };
    let policy = Policy { every_days: request.every_days, expires };
    state.with_vault(|vault| Ok(vault.set_rotation(&env, &name, Some(policy), None).map(drop)?))
}

/// The warning the window shows when an access is missing from the audit log.
fn unrecorded(access: Access, error: &str) -> String {
    format!("The {} was not recorded in the audit log: {error}.", access.as_str())
}
