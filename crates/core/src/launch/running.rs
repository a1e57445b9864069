//! A started command seen through to its end: waited for, its output drained, its end
//! recorded beside its grant, and its status as latchkey reports it.

use std::io;
use std::process::{Child, ExitStatus};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::signal::{ProcessGroup, Stopper};
use crate::audit::{Access, AuditLog, Event};
use crate::broker::Broker;

/// A started command.
pub struct Running {
    pub(super) child: Child,
    pub(super) pid: u32,
    /// Who signals go to, and whether to its group.
    pub(super) signalled: (i32, bool),
    /// The output pumps; each says whether it concealed its stream.
    pub(super) pumps: Vec<JoinHandle<bool>>,
    pub(super) started: Instant,
    pub(super) reaped: Arc<Mutex<bool>>,
    pub(super) audit: Option<Arc<AuditLog>>,
    pub(super) exit: Event,
    pub(super) grant_error: Option<String>,
    pub(super) broker: Option<Broker>,
    /// For a sandboxed command: its writable directories, and when it started, to move
    /// aside the project files it wrote.
    pub(super) sandboxed: Option<(Vec<std::path::PathBuf>, Vec<std::path::PathBuf>, std::time::SystemTime)>,
}

/// How a command ended.
#[derive(Debug, Clone)]
pub struct Ended {
    /// Its status as latchkey reports it: its exit code, or 128+N for signal N.
    pub code: u8,
    /// How long it ran.
    pub duration: Duration,
    /// Why its end could not be recorded in the audit log, if so (a grant that could
    /// not be recorded is told by [`Running::grant_error`] at the start).
    pub audit_error: Option<String>,
    /// For a sandboxed command: the project files it wrote, moved aside.
    pub planted: crate::sandbox::planted::Planted,
    /// Why some of its output was not shown, if so ([`super::mask::CONCEALED`]); the
    /// status is then [`super::mask::CONCEALED_STATUS`].
    pub concealed: Option<&'static str>,
}

impl Running {
    /// The command's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Its process group, for forwarding signals.
    pub fn group(&self) -> ProcessGroup {
        ProcessGroup { pid: self.signalled.0, own: self.signalled.1 }
    }

    /// A handle that stops it, for another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper { pid: self.signalled.0, own_group: self.signalled.1, reaped: self.reaped.clone() }
    }

    /// Why the grant could not be recorded before the start, if so: front ends say it
    /// the same way, as a warning.
    pub fn grant_error(&self) -> Option<&str> {
        self.grant_error.as_deref()
    }

    /// Waits for the command, then for its output to be drained (everything it started
    /// that holds the output open included), and records how it ended.
    pub fn wait(mut self) -> Ended {
        let status = self.reap();
        let mut concealed = None;
        for pump in self.pumps.drain(..) {
            if pump.join().unwrap_or(true) {
                concealed = Some(super::mask::CONCEALED);
            }
        }
        let duration = self.started.elapsed();
        let code =
            if concealed.is_some() { super::mask::CONCEALED_STATUS } else { status.map_or(1, exit_code) };
        // The broker's requests are recorded before the end.
        let mut audit_error = self.broker.take().and_then(Broker::stop);
        if let Some(log) = &self.audit {
            let mut exit = std::mem::take(&mut self.exit);
            exit.pid = Some(self.pid);
            exit.exit_code = Some(i32::from(code));
            exit.duration_ms = Some(duration.as_millis() as u64);
            if let Err(e) = log.append(Access::Exit, exit) {
                audit_error.get_or_insert_with(|| format!("its end was not recorded in the audit log: {e}"));
            }
        }
        let planted = self
            .sandboxed
            .take()
            .map(|(roots, kept, since)| crate::sandbox::planted::quarantine(&roots, &kept, since))
            .unwrap_or_default();
        Ended { code, duration, audit_error, planted, concealed }
    }

    /// Waits for the command to exit, marks it reaped and reaps it, with no moment in
    /// between when a [`Stopper`] could signal a reused pid.
    fn reap(&mut self) -> io::Result<ExitStatus> {
        use rustix::process::{Pid, WaitId, WaitIdOptions, waitid};
        if let Some(pid) = Pid::from_raw(self.pid as i32) {
            // Wait without reaping: the pid stays ours until `child.wait` below.
            while let Err(rustix::io::Errno::INTR) =
                waitid(WaitId::Pid(pid), WaitIdOptions::EXITED | WaitIdOptions::NOWAIT)
            {}
        }
        let mut reaped = self.reaped.lock().unwrap_or_else(|p| p.into_inner());
        let status = self.child.wait();
        *reaped = true;
        status
    }
}

/// The command's status as latchkey's: its exit code, or 128+N for signal N.
pub fn exit_code(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(signal)) => 128u8.saturating_add(signal as u8),
        (None, None) => 1,
    }
}
