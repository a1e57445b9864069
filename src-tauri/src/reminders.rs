//! Rotation reminders: OS notifications for secrets that are due soon, overdue or
//! expired (and not snoozed), within seconds of the first unlock and then once a day
//! while the app runs; and the tray icon, whose label counts them (kept current within
//! seconds of a rotation or a snooze) and whose menu opens the Rotation screen or locks
//! the vault.

use std::sync::Mutex;
use std::time::Duration;

use latchkey_core::rotation::{Presets, ReminderClock};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use time::OffsetDateTime;

use crate::session::AppState;

const TRAY_ID: &str = "latchkey";

/// How often the vault is looked at: reading the reminders of an unlocked vault costs
/// microseconds, and a user who just unlocked expects the count now, not in a minute.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// When reminders were last sent, and the count the tray shows.
#[derive(Default)]
pub struct Reminders {
    clock: Mutex<ReminderClock>,
    shown: Mutex<Option<usize>>,
}

/// The secrets that call for a reminder at `now`, as `ENV/NAME`.
pub fn pending(vault: &latchkey_core::Vault, now: OffsetDateTime) -> Vec<String> {
    let found = vault.reminders(Presets::Standard, now).unwrap_or_default();
    found.into_iter().map(|(env, name)| format!("{env}/{name}")).collect()
}

/// Adds the tray icon. Desktops without a tray simply do not show it.
pub fn tray<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open-rotation", "Open Rotation", true, None::<&str>)?;
    let lock = MenuItem::with_id(app, "lock", "Lock the vault", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &lock])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID).tooltip("latchkey").menu(&menu);
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open-rotation" => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.show();
                    let _ = window.set_focus();
                }
                let _ = app.emit(crate::ipc::events::OPEN_ROTATION_EVENT, ());
            }
            "lock" => {
                app.state::<AppState>().lock();
                let _ = app.emit(crate::ipc::events::VAULT_LOCKED_EVENT, ());
            }
            _ => {}
        })
        .build(app)?;
    Ok(())
}

/// Checks every few seconds; reminds the first time the vault is found unlocked, and
/// then once a day.
pub fn reminder_loop<R: Runtime>(app: AppHandle<R>) {
    loop {
        remind(&app, OffsetDateTime::now_utc());
        std::thread::sleep(CHECK_EVERY);
    }
}

fn remind<R: Runtime>(app: &AppHandle<R>, now: OffsetDateTime) {
    let state = app.state::<AppState>();
    let Some(names) = state.peek_vault(|vault| pending(vault, now)) else { return };
    let reminders = app.state::<Reminders>();
    let changed =
        reminders.shown.lock().unwrap_or_else(|p| p.into_inner()).replace(names.len()) != Some(names.len());
    if let Some(tray) = app.tray_by_id(TRAY_ID).filter(|_| changed) {
        let tip = match names.len() {
            0 => "latchkey: no key needs rotation".to_owned(),
            n => format!("latchkey: {n} key(s) need rotation"),
        };
        let _ = tray.set_tooltip(Some(tip));
        // Linux panels show no tooltip for an app indicator, but show its title (label)
        // beside the icon: the count, only when there is one.
        let title = match names.len() {
            0 => None,
            1 => Some("1 key to rotate".to_owned()),
            n => Some(format!("{n} keys to rotate")),
        };
        let _ = tray.set_title(title);
    }
    if names.is_empty() || !reminders.clock.lock().unwrap_or_else(|p| p.into_inner()).tick(now) {
        return;
    }
    let body = if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    };
    let _ = app
        .notification()
        .builder()
        .title(format!("{} key(s) need rotation", names.len()))
        .body(format!("{body}. Open latchkey's Rotation screen to rotate or snooze them."))
        .show();
}
