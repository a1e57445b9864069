//! Agent profiles, launching and stopping agents, and the activity (audit) log.

use latchkey_core::{Profile, ProfileName};
use tauri::{AppHandle, Runtime, State};

use super::{env_name, var_name};
use crate::agents::Agents;
use crate::ipc::{ActivityEntry, AgentRun, IpcError, ProfileInfo, SaveProfileRequest};
use crate::session::AppState;

fn profile_name(name: &str) -> Result<ProfileName, IpcError> {
    Ok(ProfileName::new(name)?)
}

/// Every agent profile.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileInfo>, IpcError> {
    state.with_vault(|vault| Ok(vault.profiles()?.iter().map(|(n, p)| ProfileInfo::new(n, p)).collect()))
}

/// Creates or changes a profile.
#[tauri::command]
pub fn save_profile(
    state: State<'_, AppState>,
    request: SaveProfileRequest,
) -> Result<Vec<ProfileInfo>, IpcError> {
    let name = profile_name(&request.name)?;
    // An empty field means no command, or no directory.
    let command = request.command.as_deref().filter(|c| !c.trim().is_empty());
    let cwd = request.cwd.as_deref().filter(|c| !c.trim().is_empty()).map(std::path::Path::new);
    let vars = request.vars.iter().map(|v| var_name(v)).collect::<Result<_, _>>()?;
    let mut profile = Profile::new(env_name(&request.env)?, vars, command, cwd)?;
    profile.broker = request.broker.as_ref().map(|b| b.to_core()).transpose()?;
    profile.sandbox = request.sandbox.as_ref().map(|s| s.to_core()).transpose()?;
    profile.inherit = request.inherit.iter().map(|v| var_name(v)).collect::<Result<_, _>>()?;
    state.with_vault(|vault| Ok(vault.save_profile(&name, profile, request.replace)?))?;
    list_profiles(state)
}

/// Deletes a profile.
#[tauri::command]
pub fn delete_profile(state: State<'_, AppState>, name: String) -> Result<Vec<ProfileInfo>, IpcError> {
    let name = profile_name(&name)?;
    state.with_vault(|vault| Ok(vault.remove_profile(&name)?))?;
    list_profiles(state)
}

/// Launches a profile's agent; its output arrives as `agent-output` events, its end as
/// an `agent-exit` event.
#[tauri::command]
pub fn launch_agent<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    agents: State<'_, Agents>,
    profile: String,
) -> Result<AgentRun, IpcError> {
    let name = profile_name(&profile)?;
    state.with_vault(|vault| agents.launch(app, vault, state.catalog(), &name))
}

/// Stops an agent: SIGTERM, then SIGKILL after 5 s.
#[tauri::command]
pub fn stop_agent(agents: State<'_, Agents>, id: u32) -> Result<(), IpcError> {
    agents.stop(id)
}

/// The audit log, newest first.
#[tauri::command]
pub fn list_activity(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>, IpcError> {
    state.with_vault(|vault| {
        let log = vault.audit_log()?;
        let entries = latchkey_core::audit::with_outcomes(log.entries()?);
        Ok(entries.into_iter().rev().map(ActivityEntry::from).collect())
    })
}
