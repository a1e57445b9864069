//! The latchkey desktop app: a Tauri 2 shell whose commands are a few lines each over
//! latchkey-core. Business logic lives in core; this crate holds the session (unlocked
//! or not, auto-lock) and the IPC types.
#![forbid(unsafe_code)]

pub mod agents;
pub mod commands;
pub mod ipc;
pub mod reminders;
pub mod session;
pub mod sweeps;

use std::time::{Duration, Instant};

use latchkey_core::{Catalog, Home};
use tauri::{Emitter, Manager, Runtime};

pub use session::AppState;

/// `base` with the app's plugins, state and commands, for any runtime (the real one, or
/// `tauri::test::mock_builder()` in tests).
pub fn builder<R: Runtime>(base: tauri::Builder<R>, home: Home, catalog: Catalog) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(reminders::Reminders::default())
        .manage(sweeps::DailySweep::default())
        .manage(AppState::new(home, catalog))
        .manage(agents::Agents::default())
        // Keep in step with COMMANDS in build.rs, which grants them to the window.
        .invoke_handler(tauri::generate_handler![
            commands::vault::app_status,
            commands::vault::create_vault,
            commands::vault::unlock,
            commands::vault::move_identity,
            commands::vault::lock,
            commands::vault::set_auto_lock,
            commands::vault::activity,
            commands::environments::list_environments,
            commands::environments::add_environment,
            commands::environments::rename_environment,
            commands::environments::delete_environment,
            commands::environments::compare_environments,
            commands::environments::choose_import_file,
            commands::environments::choose_export_path,
            commands::environments::preview_import,
            commands::environments::import_file,
            commands::environments::export_file,
            commands::environments::list_exports,
            commands::variables::list_variables,
            commands::variables::check_name,
            commands::variables::set_variable,
            commands::variables::delete_variable,
            commands::variables::reveal_value,
            commands::variables::copy_value,
            commands::agents::list_profiles,
            commands::agents::save_profile,
            commands::agents::delete_profile,
            commands::agents::launch_agent,
            commands::agents::stop_agent,
            commands::agents::list_activity,
            commands::rotation::rotation_status,
            commands::rotation::rotate_secret,
            commands::rotation::rollback_secret,
            commands::rotation::snooze_secret,
            commands::rotation::set_rotation_policy,
            commands::checks::check_value,
            commands::checks::verify_variables,
            commands::projects::choose_project_folder,
            commands::projects::open_project,
            commands::projects::recent_projects,
            commands::projects::forget_project,
            commands::leaks::sweep,
            commands::leaks::redact_leaks,
            commands::agent_tools::agent_tools,
            commands::agent_tools::protect_server,
            commands::agent_tools::unprotect_server,
            commands::agent_tools::add_deny_rules,
            commands::agent_tools::set_daily_sweep,
        ])
}

/// The app's configuration, capabilities and assets, from `tauri.conf.json`.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts the app on the vault in `LATCHKEY_HOME` or the default data directory.
pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    let home = Home::from_env()?;
    let catalog = Catalog::from_env()?;
    builder(tauri::Builder::default(), home, catalog)
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || auto_lock_loop(handle));
            // A desktop without a tray still runs the app.
            let _ = reminders::tray(app.handle());
            let handle = app.handle().clone();
            std::thread::spawn(move || reminders::reminder_loop(handle));
            let handle = app.handle().clone();
            std::thread::spawn(move || sweeps::sweep_loop(handle));
            Ok(())
        })
        .run(context())?;
    Ok(())
}

fn auto_lock_loop<R: Runtime>(app: tauri::AppHandle<R>) {
    loop {
        std::thread::sleep(Duration::from_secs(5));
        if app.state::<AppState>().lock_if_idle(Instant::now()) {
            let _ = app.emit(ipc::events::VAULT_LOCKED_EVENT, ());
        }
    }
}
