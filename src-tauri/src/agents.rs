//! Agents launched from the app: each runs with its profile's variables, its output
//! masked and streamed to the window as events, and can be stopped (SIGTERM, then
//! SIGKILL after 5 s). Every launch is recorded in the audit log as a grant.

use std::collections::HashMap;
use std::io::Read;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use latchkey_core::audit::Access;
use latchkey_core::launch::{Injection, Launch, Masker, exit_code};
use latchkey_core::{ProfileName, Vault};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

use crate::ipc::IpcError;

/// The event carrying an agent's output.
pub const AGENT_OUTPUT_EVENT: &str = "agent-output";
/// The event sent when an agent ends.
pub const AGENT_EXIT_EVENT: &str = "agent-exit";
/// How long Stop waits after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// A chunk of an agent's output, masked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AgentOutput {
    /// The run.
    pub id: u32,
    /// `stdout` or `stderr`.
    pub stream: String,
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
}

/// The agents this app started that are still running.
#[derive(Default)]
pub struct Agents {
    next: AtomicU32,
    /// Run id → process id.
    running: Arc<Mutex<HashMap<u32, u32>>>,
}

impl Agents {
    /// Starts `profile`'s agent.
    pub fn launch<R: Runtime>(
        &self,
        app: AppHandle<R>,
        vault: &Vault,
        name: &ProfileName,
    ) -> Result<AgentRun, IpcError> {
        let profile = vault.profile(name)?;
        let argv = profile.command.clone().ok_or_else(|| {
            IpcError::new(
                "no_command",
                format!("Profile {name} has no command: edit it and give the command to run."),
            )
        })?;
        let injection = Injection::from_values(vault.values(&profile.env, Some(&profile.vars))?);
        let argv_os = argv.iter().map(Into::into).collect();
        let (launch, _) = Launch::prepare(argv_os, &injection, false, true, profile.cwd.clone())
            .map_err(|e| IpcError::new("not_found", format!("{e}: check the profile's command.")))?;
        let mut cmd = launch.command(false);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child =
            cmd.spawn().map_err(|e| IpcError::new("launch", format!("Cannot start the agent: {e}.")))?;
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let pid = child.id();
        self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(id, pid);
        let masker = launch.masker();
        let pumps: Vec<_> = [
            ("stdout", child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
            ("stderr", child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
        ]
        .into_iter()
        .filter_map(|(stream, reader)| reader.map(|r| (stream, r)))
        .map(|(stream, reader)| {
            let (app, masker) = (app.clone(), masker.as_ref().map(Masker::for_another_stream));
            std::thread::spawn(move || stream_output(app, id, stream, reader, masker))
        })
        .collect();
        let started = Instant::now();
        let (env, profile_name) = (profile.env.to_string(), name.to_string());
        let log = vault.audit_log().ok();
        let app_for_exit = app.clone();
        let running = self.running.clone();
        std::thread::spawn(move || {
            let status = child.wait();
            // Reaped: from now on its pid may be reused, so Stop must not signal it.
            running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            for pump in pumps {
                let _ = pump.join();
            }
            let code = status.map(exit_code).unwrap_or(1);
            let duration = started.elapsed();
            if let Some(log) = log {
                let event = launch.grant(&env, &injection, Some(profile_name), pid, code, duration);
                let _ = log.append(Access::Grant, event);
            }
            let _ = app_for_exit
                .emit(AGENT_EXIT_EVENT, AgentExit { id, code, duration_ms: duration.as_millis() as u32 });
        });
        Ok(AgentRun { id, profile: name.to_string(), pid, command: shell_words::join(&argv) })
    }

    /// Stops a run: SIGTERM to its process group, then SIGKILL if it is still running
    /// after [`STOP_GRACE`] (not once it has exited: its group id may belong to another
    /// process by then).
    pub fn stop(&self, id: u32) -> Result<(), IpcError> {
        let pid = *self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .ok_or_else(|| IpcError::new("not_found", "That agent is not running."))?;
        signal_group(pid, rustix::process::Signal::TERM);
        let running = self.running.clone();
        std::thread::spawn(move || {
            std::thread::sleep(STOP_GRACE);
            // Held while signalling: the run cannot be reaped and forgotten in between.
            let running = running.lock().unwrap_or_else(|p| p.into_inner());
            if running.get(&id) == Some(&pid) {
                signal_group(pid, rustix::process::Signal::KILL);
            }
        });
        Ok(())
    }
}

fn signal_group(pid: u32, signal: rustix::process::Signal) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process_group(pid, signal);
    }
}

fn stream_output<R: Runtime>(
    app: AppHandle<R>,
    id: u32,
    stream: &'static str,
    reader: Box<dyn Read + Send>,
    masker: Option<Masker>,
) {
    // A character split across reads waits for its other bytes.
    let mut pending: Vec<u8> = Vec::new();
    let mut send = |bytes: &[u8], last: bool| {
        pending.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&pending) {
            Err(e) if e.error_len().is_none() && !last => e.valid_up_to(),
            _ => pending.len(),
        };
        if complete > 0 {
            let text = String::from_utf8_lossy(&pending[..complete]).into_owned();
            let _ = app.emit(AGENT_OUTPUT_EVENT, AgentOutput { id, stream: stream.to_owned(), text });
            pending.drain(..complete);
        }
    };
    latchkey_core::launch::pump(reader, masker, |bytes| {
        send(bytes, false);
        Ok(())
    });
    send(&[], true);
}
