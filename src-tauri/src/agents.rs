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
use tauri::{AppHandle, Emitter, Runtime};

use crate::ipc::events::{AGENT_EXIT_EVENT, AGENT_OUTPUT_EVENT, AGENT_REQUEST_EVENT};
use crate::ipc::{AgentExit, AgentOutput, AgentRequest, AgentRun, AgentStream, ErrorCode, IpcError};

/// How long Stop waits after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

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
        let mut prepared = vault.prepare_launch(spec, &|| Some(catalog))?;
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let brokered = prepared.brokered();
        let sandboxed = prepared.sandboxed();
        let requests = app.clone();
        prepared.listen(Arc::new(move |r| {
            let _ = requests.emit(AGENT_REQUEST_EVENT, AgentRequest::new(id, r));
        }));
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
                    audit_warning: ended.audit_error.or(ended.concealed.map(str::to_owned)),
                },
            );
        });
        Ok(AgentRun {
            id,
            profile: name.to_string(),
            pid,
            command,
            notices,
            withheld,
            audit_warning,
            brokered,
            sandboxed,
        })
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
