//! Generates one permission per app command (the app manifest), so the capability in
//! `capabilities/default.json` can allow exactly the app's own commands.

const COMMANDS: &[&str] = &[
    "app_status",
    "create_vault",
    "unlock",
    "move_identity",
    "lock",
    "set_auto_lock",
    "activity",
    "list_environments",
    "add_environment",
    "rename_environment",
    "delete_environment",
    "compare_environments",
    "choose_import_file",
    "choose_export_path",
    "preview_import",
    "import_file",
    "export_file",
    "list_exports",
    "list_variables",
    "check_name",
    "set_variable",
    "delete_variable",
    "reveal_value",
    "copy_value",
    "list_profiles",
    "save_profile",
    "delete_profile",
    "launch_agent",
    "stop_agent",
    "list_activity",
    "rotation_status",
    "rotate_secret",
    "rollback_secret",
    "snooze_secret",
    "set_rotation_policy",
    "check_value",
    "verify_variables",
    "choose_project_folder",
    "open_project",
    "recent_projects",
    "forget_project",
    "sweep",
    "redact_leaks",
    "agent_tools",
    "protect_server",
    "unprotect_server",
    "add_deny_rules",
    "set_daily_sweep",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri build step succeeds");
}
