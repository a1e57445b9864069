//! Environments: create, extend, rename, delete, compare; import a .env file into one
//! and export one to a file. Files are chosen in native dialogs opened from Rust, read
//! and written in Rust: no value crosses into the webview.

use std::path::Path;

use latchkey_core::ExportRequest;
use latchkey_core::export::{ExportState, ExportStatus};
use latchkey_core::import::Incoming;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::{env_name, var_name};
use crate::ipc::{
    Comparison, EnvironmentInfo, ErrorCode, ExportFileRequest, ExportInfo, ImportRequest, ImportRow, IpcError,
};
use crate::session::AppState;

/// The environments, with how many variables each defines and what it extends.
#[tauri::command]
pub fn list_environments(state: State<'_, AppState>) -> Result<Vec<EnvironmentInfo>, IpcError> {
    state.with_vault(|vault| {
        Ok(vault
            .read()?
            .environments()
            .map(|(name, env)| EnvironmentInfo {
                name: name.to_string(),
                variables: env.len() as u32,
                extends: env.extends().map(|b| b.to_string()),
            })
            .collect())
    })
}

/// Creates an environment, extending `extends` when given.
#[tauri::command]
pub fn add_environment(
    state: State<'_, AppState>,
    name: String,
    extends: Option<String>,
) -> Result<Vec<EnvironmentInfo>, IpcError> {
    let (name, base) = (env_name(&name)?, extends.as_deref().map(env_name).transpose()?);
    state.with_vault(|vault| Ok(vault.add_environment(name, base)?))?;
    list_environments(state)
}

/// Renames an environment.
#[tauri::command]
pub fn rename_environment(
    state: State<'_, AppState>,
    old: String,
    new: String,
) -> Result<Vec<EnvironmentInfo>, IpcError> {
    let (old, new) = (env_name(&old)?, env_name(&new)?);
    state.with_vault(|vault| Ok(vault.rename_environment(&old, new)?))?;
    list_environments(state)
}

/// Deletes an environment and its variables (the UI asks first).
#[tauri::command]
pub fn delete_environment(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<EnvironmentInfo>, IpcError> {
    let name = env_name(&name)?;
    state.with_vault(|vault| Ok(vault.remove_environment(&name).map(drop)?))?;
    list_environments(state)
}

/// How two environments differ, by name.
#[tauri::command]
pub fn compare_environments(
    state: State<'_, AppState>,
    first: String,
    second: String,
) -> Result<Comparison, IpcError> {
    let (first, second) = (env_name(&first)?, env_name(&second)?);
    state.with_vault(|vault| Ok(vault.diff(&first, &second)?.into()))
}

/// Asks the user for a .env file to import; `null` when cancelled.
#[tauri::command]
pub async fn choose_import_file<R: Runtime>(app: AppHandle<R>) -> Option<String> {
    app.dialog().file().set_title("Import a .env file").blocking_pick_file().map(|p| p.to_string())
}

/// Asks the user where to save an export; `null` when cancelled.
#[tauri::command]
pub async fn choose_export_path<R: Runtime>(app: AppHandle<R>, suggested: String) -> Option<String> {
    app.dialog()
        .file()
        .set_title("Export to…")
        .set_file_name(suggested)
        .blocking_save_file()
        .map(|p| p.to_string())
}

/// What importing the file would do; nothing is written.
#[tauri::command]
pub fn preview_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<Vec<ImportRow>, IpcError> {
    let env = env_name(&request.env)?;
    let incoming = read_import(&state, &request)?;
    let catalog = state.catalog();
    state.with_vault(|vault| {
        Ok(vault.plan_import(&env, &incoming, catalog)?.into_iter().map(ImportRow::from).collect())
    })
}

/// Imports the file: all of it, or nothing.
#[tauri::command]
pub fn import_file(state: State<'_, AppState>, request: ImportRequest) -> Result<Vec<ImportRow>, IpcError> {
    let env = env_name(&request.env)?;
    let incoming = read_import(&state, &request)?;
    let catalog = state.catalog();
    state.with_vault(|vault| {
        Ok(vault
            .import(
                &env,
                incoming,
                request.overwrite,
                latchkey_core::EnforceChecks::forced(request.force),
                catalog,
            )?
            .into_iter()
            .map(ImportRow::from)
            .collect())
    })
}

fn read_import(state: &AppState, request: &ImportRequest) -> Result<Vec<Incoming>, IpcError> {
    Ok(latchkey_core::import::read_env_file(Path::new(&request.path), state.catalog(), request.all_secret)?)
}

/// Writes an environment to a file (0600, atomic) and records it.
#[tauri::command]
pub fn export_file(state: State<'_, AppState>, request: ExportFileRequest) -> Result<ExportInfo, IpcError> {
    let only = request
        .only
        .as_ref()
        .map(|names| names.iter().map(|n| var_name(n)).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    let export = ExportRequest { env: env_name(&request.env)?, format: request.format.into(), only };
    state.with_vault(|vault| {
        let exported =
            vault.export_to_file(&export, std::path::Path::new(&request.path), request.allow_tracked)?;
        let Some(record) = exported.record else {
            return Err(IpcError::new(
                ErrorCode::Io,
                format!("Wrote to {}, which is not a file, so it is not recorded: choose a file to keep track of it.", exported.to),
            ));
        };
        // Just written: current, with no need to read every recorded export again.
        let mut info = ExportInfo::from(ExportStatus { record, state: ExportState::Current });
        info.audit_warning = exported.audit_error;
        Ok(info)
    })
}

/// Every recorded export and whether it is current.
#[tauri::command]
pub fn list_exports(state: State<'_, AppState>) -> Result<Vec<ExportInfo>, IpcError> {
    state.with_vault(|vault| Ok(vault.exports()?.into_iter().map(ExportInfo::from).collect()))
}
