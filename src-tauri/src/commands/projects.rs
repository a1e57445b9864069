//! The Project screen: open a folder's latchkey.toml, and see its contract beside the
//! vault. The folder is chosen in a native dialog opened from Rust, or typed.

use std::path::Path;

use latchkey_core::Project;
use latchkey_core::project::recent;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::ipc::{ErrorCode, IpcError, ProjectView, RecentProject};
use crate::session::AppState;

/// Asks the user for a project folder; `null` when cancelled.
#[tauri::command]
pub async fn choose_project_folder<R: Runtime>(app: AppHandle<R>) -> Option<String> {
    app.dialog().file().set_title("Open a project folder").blocking_pick_folder().map(|p| p.to_string())
}

/// Opens the project at or above `path` (a folder, or its latchkey.toml), remembers
/// it, and compares it with the vault.
#[tauri::command]
pub fn open_project(state: State<'_, AppState>, path: String) -> Result<ProjectView, IpcError> {
    let typed = path.trim();
    // `~/code/app` as a shell would read it; a relative path has nothing to be relative to.
    let path = match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(typed),
    };
    if !path.is_absolute() {
        return Err(IpcError::new(
            ErrorCode::NoProject,
            "give the project folder's full path (like /home/you/code/app), or choose it",
        ));
    }
    if !path.exists() {
        return Err(IpcError::new(
            ErrorCode::NoProject,
            format!("there is no folder {}: check the path, or choose the folder", path.display()),
        ));
    }
    let path = path.as_path();
    let catalog = state.catalog();
    let project = if path.is_dir() {
        Project::discover(path, &|| Some(catalog))?
    } else {
        Some(Project::load(path, &|| Some(catalog))?)
    };
    let project = project.ok_or_else(|| {
        IpcError::new(
            ErrorCode::NoProject,
            format!(
                "there is no latchkey.toml in {} or above: `latchkey project init` there writes one",
                path.display()
            ),
        )
    })?;
    let view = view(&state, &project)?;
    // Remembering is a convenience: the project is open even if it fails.
    let _ = recent::remember(state.home(), project.path());
    Ok(view)
}

/// The projects opened last, newest first.
#[tauri::command]
pub fn recent_projects(state: State<'_, AppState>) -> Vec<RecentProject> {
    recent::list(state.home()).iter().map(|p| RecentProject::from(p.as_path())).collect()
}

/// Takes a project off the recent list.
#[tauri::command]
pub fn forget_project(state: State<'_, AppState>, path: String) -> Result<Vec<RecentProject>, IpcError> {
    let left = recent::forget(state.home(), Path::new(&path)).map_err(|e| IpcError::new(ErrorCode::Io, e))?;
    Ok(left.iter().map(|p| RecentProject::from(p.as_path())).collect())
}

fn view(state: &AppState, project: &Project) -> Result<ProjectView, IpcError> {
    let status = state.with_vault(|vault| Ok(vault.project_status(project, &[])?))?;
    Ok(ProjectView::new(project, status, project.problems(state.catalog())))
}
