//! The Leaks screen's agent tools: list them and their MCP servers, protect a server
//! (its plaintext keys into the vault, its entry through `latchkey run`) or restore it,
//! add Claude Code's deny rules, and turn the daily sweep on or off.

use std::path::PathBuf;

use latchkey_core::sweep::deny;
use latchkey_core::sweep::servers::{self, Server};
use tauri::State;

use super::env_name;
use crate::ipc::{AgentToolsView, ErrorCode, IpcError, ProtectResult, ServerInfo, ServerRequest, ToolInfo};
use crate::session::AppState;
use crate::sweeps::DailySweep;

fn user_home() -> Result<PathBuf, IpcError> {
    latchkey_core::home::user_home()
        .ok_or_else(|| IpcError::new(ErrorCode::Io, "HOME is not set: agent tools are found under it"))
}

/// The agent tools under the user's home, their servers, the deny rules Claude Code
/// lacks, and the daily sweep's setting.
#[tauri::command]
pub async fn agent_tools(state: State<'_, AppState>) -> Result<AgentToolsView, IpcError> {
    let home = user_home()?;
    let schedule = state.with_vault(|vault| Ok(vault.sweep_schedule()?))?;
    let catalog = state.catalog().clone();
    let data = state.home().clone();
    let view = tauri::async_runtime::spawn_blocking(move || {
        let found = servers::configured(&home, &catalog);
        let settings = deny::claude_settings(&home);
        let missing = deny::missing_rules(&settings, &deny::claude_rules(&home, &data)).unwrap_or_default();
        AgentToolsView {
            tools: found
                .tools
                .iter()
                .map(|t| ToolInfo {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    places: t.places.iter().map(|p| p.display().to_string()).collect(),
                })
                .collect(),
            servers: found.servers.iter().map(ServerInfo::new).collect(),
            unreadable: found
                .unreadable
                .iter()
                .map(|u| format!("{}: {}", u.path.display(), u.reason))
                .collect(),
            claude_settings: settings.display().to_string(),
            deny_missing: missing,
            daily_sweep: schedule.daily,
            last_sweep: schedule
                .last
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
        }
    })
    .await
    .map_err(|e| IpcError::new(ErrorCode::Io, format!("the agent tools could not be listed: {e}")))?;
    Ok(view)
}

/// The server the request names, as configured now.
fn server(state: &AppState, request: &ServerRequest) -> Result<Server, IpcError> {
    let found = servers::configured(&user_home()?, state.catalog());
    found
        .servers
        .into_iter()
        .find(|s| {
            s.tool == request.tool
                && s.name == request.name
                && s.config.display().to_string() == request.config
        })
        .ok_or_else(|| {
            IpcError::new(ErrorCode::NotFound, "that server is no longer in its config: refresh the list")
        })
}

/// The `latchkey` command a protected server runs: the one installed beside the app,
/// else the first on PATH.
fn cli_program() -> Result<PathBuf, IpcError> {
    let beside = std::env::current_exe().ok().and_then(|e| Some(e.parent()?.join("latchkey")));
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("latchkey")).collect::<Vec<_>>())
        .unwrap_or_default();
    beside
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::AgentConfig,
                "the latchkey command is not beside the app or on PATH: install it first, since a protected server runs it",
            )
        })
}

/// Moves a server's plaintext env keys into the request's environment and rewrites
/// its entry to run through `latchkey run --profile NAME`.
#[tauri::command]
pub async fn protect_server(
    state: State<'_, AppState>,
    request: ServerRequest,
) -> Result<ProtectResult, IpcError> {
    let env = env_name(request.environment.as_deref().unwrap_or("default"))?;
    let server = server(&state, &request)?;
    let program = cli_program()?;
    let catalog = state.catalog().clone();
    let done = state.with_vault(|vault| {
        Ok(vault.protect_server(&server, &env, latchkey_core::Store::Vault, &program, &catalog)?)
    })?;
    Ok(done.into())
}

/// Restores a protected server's entry: its command, and its keys back in its config.
#[tauri::command]
pub async fn unprotect_server(
    state: State<'_, AppState>,
    request: ServerRequest,
) -> Result<String, IpcError> {
    let server = server(&state, &request)?;
    let profile = state.with_vault(|vault| Ok(vault.unprotect_server(&server)?))?;
    Ok(profile.to_string())
}

/// Adds the deny rules Claude Code's settings lack; returns how many.
#[tauri::command]
pub async fn add_deny_rules(state: State<'_, AppState>) -> Result<u32, IpcError> {
    let home = user_home()?;
    let rules = deny::claude_rules(&home, state.home());
    let added = deny::add_rules(&deny::claude_settings(&home), &rules)?;
    Ok(added as u32)
}

/// Turns the daily sweep of the agent tools and histories on or off; on, the first
/// sweep starts now.
#[tauri::command]
pub async fn set_daily_sweep(
    state: State<'_, AppState>,
    daily: State<'_, DailySweep>,
    on: bool,
) -> Result<(), IpcError> {
    state.with_vault(|vault| {
        let mut schedule = vault.sweep_schedule()?;
        schedule.daily = on;
        Ok(vault.set_sweep_schedule(schedule)?)
    })?;
    if on {
        daily.wake();
    }
    Ok(())
}
