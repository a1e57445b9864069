//! Listing, changing, revealing and copying variables.

use std::time::Duration;

use latchkey_core::audit::{Access, Event};
use latchkey_core::{EnforceChecks, ExposeSecret, KeyMade, MetadataEdit, NewValue, SecretString};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use super::{env_name, var_name};
use crate::ipc::{Copied, ErrorCode, IpcError, NameCheck, Revealed, SetVariableRequest, VariableRow};
use crate::session::AppState;

/// How long a revealed value stays on screen.
pub const REVEAL_MS: u32 = 30_000;

/// The variables of `env`, without values.
#[tauri::command]
pub fn list_variables(state: State<'_, AppState>, env: String) -> Result<Vec<VariableRow>, IpcError> {
    let env = env_name(&env)?;
    state.with_vault(|vault| Ok(vault.list(&env)?.into_iter().map(VariableRow::from).collect()))
}

/// Checks a variable name as it is typed.
#[tauri::command]
pub fn check_name(name: String) -> NameCheck {
    match var_name(&name) {
        Ok(_) => NameCheck { ok: true, message: None },
        Err(err) => NameCheck { ok: false, message: Some(err.message) },
    }
}

/// Creates or changes a variable; without a value, changes only its metadata.
#[tauri::command]
pub async fn set_variable(
    state: State<'_, AppState>,
    request: SetVariableRequest,
) -> Result<VariableRow, IpcError> {
    let (env, name) = (env_name(&request.env)?, var_name(&request.name)?);
    // The day goes with a new value (core refuses it for a config value).
    if request.created.is_some() && request.value.is_none() {
        return Err(IpcError::new(
            ErrorCode::InvalidValue,
            "the day a key was made goes with a new value: enter the value, or leave the day empty",
        ));
    }
    state.with_vault(|vault| {
        let variable = match request.value {
            Some(value) => {
                let value = latchkey_core::parse_text_value(value.expose_secret())?;
                let (kind, store) = (request.kind.into(), request.store.into());
                let new = NewValue {
                    kind,
                    store,
                    value,
                    provider: request.provider,
                    notes: request.notes,
                    rotation: None,
                    made: request
                        .created
                        .as_deref()
                        .map(|day| KeyMade::parse(day, time::OffsetDateTime::now_utc()))
                        .transpose()?,
                };
                let enforce = EnforceChecks::forced(request.force);
                vault.set_checked(&env, &name, new, state.catalog(), enforce)?.0.variable
            }
            None => {
                let notes = request.notes.unwrap_or_default();
                vault.edit(
                    &env,
                    &name,
                    MetadataEdit {
                        kind: Some(request.kind.into()),
                        provider: Some(request.provider.unwrap_or_default()),
                        notes: Some(notes),
                        rotation: None,
                    },
                )?
            }
        };
        Ok(VariableRow::from(variable))
    })
}

/// Deletes a variable.
#[tauri::command]
pub fn delete_variable(state: State<'_, AppState>, env: String, name: String) -> Result<(), IpcError> {
    let (env, name) = (env_name(&env)?, var_name(&name)?);
    state.with_vault(|vault| Ok(vault.remove(&env, &name).map(drop)?))
}

/// The value of a variable: the only command whose answer carries one.
#[tauri::command]
pub async fn reveal_value(
    state: State<'_, AppState>,
    env: String,
    name: String,
) -> Result<Revealed, IpcError> {
    let (env, name) = (env_name(&env)?, var_name(&name)?);
    state.with_vault(|vault| {
        let value = vault.get(&env, &name)?;
        let audit_warning = record(vault, Access::Reveal, &env, &name);
        Ok(Revealed { value, hide_after_ms: REVEAL_MS, audit_warning })
    })
}

/// Records a reveal or copy in the audit log; returns why it could not be, for the UI to
/// warn as the CLI does (the value is shown or copied all the same).
fn record(
    vault: &latchkey_core::Vault,
    access: Access,
    env: &latchkey_core::EnvironmentName,
    name: &latchkey_core::VariableName,
) -> Option<String> {
    let event = Event { env: env.to_string(), names: vec![name.to_string()], ..Event::default() };
    vault
        .record_access(access, event)
        .err()
        .map(|e| format!("The {} was not recorded in the audit log: {e}.", access.as_str()))
}

/// Copies a value to the clipboard from Rust, and clears it later unless it changed.
#[tauri::command]
pub async fn copy_value<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    env: String,
    name: String,
) -> Result<Copied, IpcError> {
    let (env, name) = (env_name(&env)?, var_name(&name)?);
    let (value, audit_warning) = state.with_vault(|vault| {
        let value = vault.get(&env, &name)?;
        Ok((value, record(vault, Access::Copy, &env, &name)))
    })?;
    let clipboard_error = |e: tauri_plugin_clipboard_manager::Error| {
        IpcError::new(
            ErrorCode::Clipboard,
            format!("The clipboard is not available ({e}): reveal the value instead."),
        )
    };
    app.clipboard().write_text(value.expose_secret().to_owned()).map_err(clipboard_error)?;
    let delay = clipboard_clear_delay();
    std::thread::spawn(move || clear_clipboard_later(app, value, delay));
    Ok(Copied { clear_after_ms: delay.as_millis() as u32, audit_warning })
}

/// 30 s, or `LATCHKEY_CLIPBOARD_CLEAR_SECONDS`.
fn clipboard_clear_delay() -> Duration {
    let seconds = std::env::var("LATCHKEY_CLIPBOARD_CLEAR_SECONDS").ok().and_then(|s| s.parse().ok());
    Duration::from_secs(seconds.unwrap_or(30))
}

fn clear_clipboard_later<R: Runtime>(app: AppHandle<R>, value: SecretString, delay: Duration) {
    std::thread::sleep(delay);
    let clipboard = app.clipboard();
    // Only clear what we put there: the user may have copied something else since.
    if clipboard.read_text().is_ok_and(|now| now == value.expose_secret()) {
        let _ = clipboard.clear();
    }
}
