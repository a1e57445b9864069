//! The daily sweep: while the app runs with the vault unlocked, and the user turned it
//! on, the agent tools and histories are swept once a day; current values found are
//! recorded as leaked and announced in an OS notification (names, never values).

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use latchkey_core::sweep::places::Sources;
use latchkey_core::sweep::schedule::Schedule;
use latchkey_core::sweep::{Status, Sweep};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use time::OffsetDateTime;

use crate::session::AppState;

/// How often the loop looks whether a sweep is due.
const CHECK_EVERY: Duration = Duration::from_secs(60);

/// Wakes the loop when the sweep is turned on, so that the first one starts at once.
#[derive(Default)]
pub struct DailySweep {
    woken: Mutex<bool>,
    bell: Condvar,
}

impl DailySweep {
    /// Wakes the loop.
    pub fn wake(&self) {
        *self.woken.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.bell.notify_all();
    }

    fn wait(&self) {
        let woken = self.woken.lock().unwrap_or_else(|p| p.into_inner());
        let (mut woken, _) =
            self.bell.wait_timeout_while(woken, CHECK_EVERY, |w| !*w).unwrap_or_else(|p| p.into_inner());
        *woken = false;
    }
}

/// Sweeps whenever one is due, for as long as the app runs.
pub fn sweep_loop<R: Runtime>(app: AppHandle<R>) {
    loop {
        sweep_if_due(&app, OffsetDateTime::now_utc());
        app.state::<DailySweep>().wait();
    }
}

fn sweep_if_due<R: Runtime>(app: &AppHandle<R>, now: OffsetDateTime) {
    let state = app.state::<AppState>();
    // A locked vault waits for the next unlock; a background sweep does not count as
    // activity, so it never keeps the vault unlocked.
    let Some(Ok(schedule)) = state.peek_vault(|v| v.sweep_schedule()) else { return };
    if !schedule.due(now) {
        return;
    }
    let Some(Ok(sought)) = state.peek_vault(|v| v.sought(state.catalog().clone())) else { return };
    let sources = Sources { paths: Vec::new(), agents: true, history: true };
    let Ok(roots) = sources.roots(latchkey_core::home::user_home().as_deref()) else { return };
    let sweep = sought.sweep_roots(&roots, &|_| {});
    // Read again: the user may have turned the sweep off while it ran.
    let saved = state.peek_vault(|v| {
        let _ = v.record_leaks(&sweep.findings, now);
        let schedule = v.sweep_schedule()?;
        v.set_sweep_schedule(Schedule { last: Some(now), ..schedule })
    });
    if !matches!(saved, Some(Ok(()))) {
        return;
    }
    if let Some((title, body)) = announcement(&sweep) {
        let _ = app.notification().builder().title(title).body(body).show();
    }
}

/// The notification for a sweep that found current values: a title, and the names.
fn announcement(sweep: &Sweep) -> Option<(String, String)> {
    let mut names: Vec<String> = Vec::new();
    for f in sweep.findings.iter().filter(|f| f.status == Status::Current) {
        if let (Some(v), Some(e)) = (&f.variable, &f.environment) {
            let name = format!("{v} ({e})");
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    let shown = if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    };
    Some((
        format!("latchkey found {} leaked key(s)", names.len()),
        format!(
            "{shown}: copies in agent transcripts or histories. Open the Leaks screen to redact them, then rotate."
        ),
    ))
}
