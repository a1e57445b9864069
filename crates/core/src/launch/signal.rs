//! Signalling a running command. A front end decides where output goes and forwards
//! signals (the terminal side); this module gives it the process group to signal and a
//! [`Stopper`] that never signals a process that was reaped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The process group of a running command, to forward signals to.
#[derive(Debug, Clone, Copy)]
pub struct ProcessGroup {
    pub(super) pid: i32,
    /// Whether the command leads its own group (else it shares latchkey's).
    pub(super) own: bool,
}

impl ProcessGroup {
    /// Sends signal number `signal` to the group (or to the command alone, when it
    /// shares latchkey's group). Errors are ignored: the group may have ended.
    pub fn signal(&self, signal: i32) {
        signal_pid(self.pid, signal, self.own);
    }
}

fn signal_pid(pid: i32, signal: i32, group: bool) {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else { return };
    let Some(signal) = rustix::process::Signal::from_named_raw(signal) else { return };
    let _ = if group {
        rustix::process::kill_process_group(pid, signal)
    } else {
        rustix::process::kill_process(pid, signal)
    };
}

/// Stops a running command: SIGTERM to its group, then SIGKILL after a grace period
/// unless it was reaped by then (its group id may belong to another process after).
#[derive(Debug, Clone)]
pub struct Stopper {
    pub(super) pid: i32,
    pub(super) own_group: bool,
    pub(super) reaped: Arc<Mutex<bool>>,
}

impl Stopper {
    /// SIGTERM now; SIGKILL after `grace` if the command has not ended. Returns at once.
    pub fn stop(&self, grace: Duration) {
        signal_pid(self.pid, rustix::process::Signal::TERM.as_raw(), self.own_group);
        let this = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(grace);
            // Held while signalling: the command cannot be reaped in between.
            let reaped = this.reaped.lock().unwrap_or_else(|p| p.into_inner());
            if !*reaped {
                signal_pid(this.pid, rustix::process::Signal::KILL.as_raw(), this.own_group);
            }
        });
    }

    /// Whether the command has ended and was reaped.
    pub fn has_ended(&self) -> bool {
        *self.reaped.lock().unwrap_or_else(|p| p.into_inner())
    }
}
