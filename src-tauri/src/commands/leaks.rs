//! The Leaks screen: sweep for copies of stored keys, and redact them.

use std::path::PathBuf;

use latchkey_core::sweep::places::Sources;
use tauri::{AppHandle, Emitter, Runtime, State};

use super::{env_name, var_name};
use crate::ipc::events::SWEEP_PROGRESS_EVENT;
use crate::ipc::{ErrorCode, IpcError, RedactRequest, RedactResult, SweepProgress, SweepRequest, SweepView};
use crate::session::AppState;

fn full_paths(paths: &[String]) -> Result<Vec<PathBuf>, IpcError> {
    paths
        .iter()
        .map(|p| {
            let typed = p.trim();
            let path = match (typed.strip_prefix("~/"), latchkey_core::home::user_home()) {
                (Some(rest), Some(home)) => home.join(rest),
                _ => PathBuf::from(typed),
            };
            if path.is_absolute() {
                Ok(path)
            } else {
                Err(IpcError::new(ErrorCode::Io, format!("give {typed}'s full path (like /home/you/notes)")))
            }
        })
        .collect()
}

/// Sweeps what the request names, sending progress, and records the current values
/// found as leaked.
#[tauri::command]
pub async fn sweep<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: SweepRequest,
) -> Result<SweepView, IpcError> {
    let sources =
        Sources { paths: full_paths(&request.paths)?, agents: request.agents, history: request.history };
    let roots = sources
        .roots(latchkey_core::home::user_home().as_deref())
        .map_err(|e| IpcError::new(ErrorCode::Io, e))?;
    if roots.is_empty() {
        return Err(IpcError::new(
            ErrorCode::Io,
            "nothing to sweep: choose a folder, agent tools or histories",
        ));
    }
    let sought = state.with_vault(|vault| Ok(vault.sought(state.catalog().clone())?))?;
    let sweep = tauri::async_runtime::spawn_blocking(move || {
        sought.sweep_roots(&roots, &|p| {
            let _ = app.emit(SWEEP_PROGRESS_EVENT, SweepProgress::from(p));
        })
    })
    .await
    .map_err(|e| IpcError::new(ErrorCode::Io, format!("the sweep stopped: {e}")))?;
    state.with_vault(|vault| Ok(vault.record_leaks(&sweep.findings, time::OffsetDateTime::now_utc())?))?;
    Ok(SweepView::new(&sweep))
}

/// Replaces one variable's copies in the given files with `<latchkey:NAME>`.
#[tauri::command]
pub async fn redact_leaks(
    state: State<'_, AppState>,
    request: RedactRequest,
) -> Result<RedactResult, IpcError> {
    let (variable, environment) = (var_name(&request.variable)?, env_name(&request.environment)?);
    let paths = full_paths(&request.paths)?;
    let sought = state.with_vault(|vault| Ok(vault.sought(state.catalog().clone())?))?;
    let result = tauri::async_runtime::spawn_blocking(move || {
        let mut result = RedactResult { redacted: 0, refused: Vec::new() };
        for path in &paths {
            match sought.redact(path, Some((&variable, &environment))) {
                Ok(n) => result.redacted += n as u32,
                Err(e) => result.refused.push(e.to_string()),
            }
        }
        result
    })
    .await
    .map_err(|e| IpcError::new(ErrorCode::Io, format!("the redaction stopped: {e}")))?;
    Ok(result)
}
