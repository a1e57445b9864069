//! Key validation: checks while a key is typed, and online verification on request.

use latchkey_core::validate::verify::{CONCURRENCY, TIMEOUT, Verifier};
use latchkey_core::verify_checked;
use tauri::State;

use super::{env_name, var_name};
use crate::ipc::{CheckValueRequest, IpcError, ValueCheck, VerifyResult};
use crate::session::AppState;

/// The format checks of a value being typed; nothing is stored or sent anywhere.
#[tauri::command]
pub fn check_value(state: State<'_, AppState>, request: CheckValueRequest) -> Result<ValueCheck, IpcError> {
    let (env, name) = (env_name(&request.env)?, var_name(&request.name)?);
    let catalog = state.catalog();
    state.with_vault(|vault| {
        Ok(ValueCheck::new(
            &vault.check_value(&env, &name, request.kind.into(), &request.value, catalog)?,
            catalog,
        ))
    })
}

/// Checks one variable (`name`) or all of `env` online, and keeps the results in the vault.
#[tauri::command]
pub async fn verify_variables(
    state: State<'_, AppState>,
    env: String,
    name: Option<String>,
) -> Result<Vec<VerifyResult>, IpcError> {
    let env = env_name(&env)?;
    let name = name.as_deref().map(var_name).transpose()?;
    let catalog = state.catalog();
    let mut checked = state.with_vault(|vault| Ok(vault.check(&env, catalog, name.as_ref(), true)?))?;
    verify_checked(&Verifier::new(TIMEOUT, CONCURRENCY)?, &mut checked).await;
    state.with_vault(|vault| Ok(vault.record_checks(&checked)?))?;
    Ok(checked.iter().map(|c| VerifyResult::new(c, catalog)).collect())
}
