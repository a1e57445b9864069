//! Agents launched from the app: each runs with its profile's variables, its output
//! masked and streamed to the window as events, and can be stopped (SIGTERM, then
//! SIGKILL after 5 s). Every launch is recorded in the audit log as a grant.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use latchkey_core::launch::{ChildIo, LaunchSpec, Sink, Source, Stopper};
use latchkey_core::{Catalog, ProfileName, Vault};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

use crate::ipc::{ErrorCode, IpcError};

/// The event carrying an agent's output.
pub const AGENT_OUTPUT_EVENT: &str = "agent-output";
/// The event sent when an agent ends.
pub const AGENT_EXIT_EVENT: &str = "agent-exit";
/// How long Stop waits after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Which stream of an agent's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AgentStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A chunk of an agent's output, masked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AgentOutput {
    /// The run.
    pub id: u32,
    /// Which stream.
    pub stream: AgentStream,
    /// The text (ANSI colour codes included), with secrets masked.
    pub text: String,
}

/// How an agent ended.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentExit {
    /// The run.
    pub id: u32,
    /// Its exit status as latchkey reports it (128+N for signal N).
    pub code: u8,
    /// How long it ran.
    pub duration_ms: u32,
    /// Why its end could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

/// A running agent, as the window sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentRun {
    /// Its run id, for output events and Stop.
    pub id: u32,
    /// The profile.
    pub profile: String,
    /// The process id.
    pub pid: u32,
    /// The command line (program and arguments).
    pub command: String,
    /// Lines to show before its output (withholding rules changed, values too short to
    /// mask).
    pub notices: Vec<String>,
    /// Variables of the app's environment the agent did not inherit.
    pub withheld: Vec<String>,
    /// Why its grant could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

/// The agents this app started that are still running.
#[derive(Default)]
pub struct Agents {
    next: AtomicU32,
    /// Run id → its stopper, until it is reaped.
    running: Arc<Mutex<HashMap<u32, Stopper>>>,
}

impl Agents {
    /// Starts `profile`'s agent through core's launch path: its output arrives as
    /// events, its end as one more.
    pub fn launch<R: Runtime>(
        &self,
        app: AppHandle<R>,
        vault: &Vault,
        catalog: &Catalog,
        name: &ProfileName,
    ) -> Result<AgentRun, IpcError> {
        let spec = LaunchSpec::new(Source::Profile(name.clone()), Vec::new());
        let prepared = vault.prepare_launch(spec, Some(catalog))?;
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let command = prepared.command_line();
        let notices = prepared.notices().to_vec();
        let withheld = prepared.withheld().to_vec();
        let io = ChildIo::Pipes {
            stdin: Stdio::null(),
            stdout: output_sink(app.clone(), id, AgentStream::Stdout),
            stderr: output_sink(app.clone(), id, AgentStream::Stderr),
        };
        let running = prepared.start(io)?;
        let pid = running.pid();
        let audit_warning = running.grant_error().map(str::to_owned);
        self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(id, running.stopper());
        let registry = self.running.clone();
        std::thread::spawn(move || {
            let ended = running.wait();
            registry.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            let _ = app.emit(
                AGENT_EXIT_EVENT,
                AgentExit {
                    id,
                    code: ended.code,
                    duration_ms: ended.duration.as_millis().min(u128::from(u32::MAX)) as u32,
                    audit_warning: ended.audit_error,
                },
            );
        });
        Ok(AgentRun { id, profile: name.to_string(), pid, command, notices, withheld, audit_warning })
    }

    /// Stops a run: SIGTERM to its process group, then SIGKILL if it is still running
    /// after [`STOP_GRACE`] (never once it was reaped: its group id may be reused).
    pub fn stop(&self, id: u32) -> Result<(), IpcError> {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let stopper = running
            .get(&id)
            .ok_or_else(|| IpcError::new(ErrorCode::NotRunning, "That agent is not running."))?;
        stopper.stop(STOP_GRACE);
        Ok(())
    }
}

/// A sink that sends an agent's masked output to the window, a whole character at a
/// time (one split across reads waits for its other bytes).
fn output_sink<R: Runtime>(app: AppHandle<R>, id: u32, stream: AgentStream) -> Sink {
    let mut pending: Vec<u8> = Vec::new();
    Box::new(move |bytes: &[u8]| {
        pending.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&pending) {
            // An empty chunk is the end of the stream: send what is left as it is.
            Err(e) if e.error_len().is_none() && !bytes.is_empty() => e.valid_up_to(),
            _ => pending.len(),
        };
        if complete > 0 {
            let text = String::from_utf8_lossy(&pending[..complete]).into_owned();
            let _ = app.emit(AGENT_OUTPUT_EVENT, AgentOutput { id, stream, text });
            pending.drain(..complete);
        }
        Ok(())
    })
}
