//! Starting a prepared launch: its grant recorded, the broker started for a brokered
//! run, and the command started behind `latchkey-launcher` (so it dies with latchkey,
//! even when latchkey is killed outright, and leads its own session), its output masked
//! on the way to the sinks a front end gives. Its end is recorded by [`Running::wait`].

use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use secrecy::{ExposeSecret, SecretString};

use super::command::{launcher_command, sandbox_command, sandbox_supervisor};
use super::connection::{ChildIo, Sink};
use super::error::LaunchError;
use super::mask::{conceal, pump};
use super::prepared::PreparedLaunch;
use super::running::Running;
use crate::audit::{Access, Event};
use crate::broker::{Broker, Recorder};

impl PreparedLaunch {
    /// Records the grant, then starts the command connected as `io` says. The grant is
    /// in the audit log before the command runs; its end is recorded by
    /// [`Running::wait`].
    pub fn start(self, io: ChildIo) -> Result<Running, LaunchError> {
        let mut parts = self.into_parts();
        let mut grant = parts.grant;
        let (audit, grant_error) = match parts.audit {
            Ok(log) => match log.append(Access::Grant, grant.clone()) {
                Ok(entry) => {
                    grant = Event { grant: Some(entry.seq), ..grant };
                    (Some(log), None)
                }
                Err(e) => (Some(log), Some(format!("the grant was not recorded in the audit log: {e}"))),
            },
            Err(e) => (None, Some(format!("the grant was not recorded in the audit log: {e}"))),
        };
        let audit = audit.map(Arc::new);
        let exit = Event {
            profile: grant.profile.clone(),
            program: grant.program.clone(),
            env: grant.env.clone(),
            names: grant.names.clone(),
            grant: grant.grant,
            ..Event::default()
        };
        let (session, ctty) = match &io {
            ChildIo::Pipes { .. } => (true, false),
            ChildIo::PipesAndTerminal { .. } | ChildIo::Terminal(_) => (true, true),
            ChildIo::Inherit { interactive } => (!interactive, false),
        };
        let sandbox = parts.sandbox.take();
        let sandboxed = sandbox
            .as_ref()
            .map(|plan| (plan.writable().to_vec(), plan.read_only().to_vec(), std::time::SystemTime::now()));
        let broker = match parts.broker.take() {
            Some(plan) => {
                // latchkey holds the real values the command must not: another process of
                // this user may not read its memory or environment, nor trace it.
                let _ =
                    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
                let recorder = Recorder {
                    audit: audit.as_ref().map(|log| (log.clone(), exit.clone())),
                    listener: parts.listener.take(),
                };
                for (name, value) in &mut parts.injected {
                    if let Some(placeholder) = plan.placeholder_of(name) {
                        *value = SecretString::from(placeholder.to_owned());
                    }
                }
                match Broker::start(plan, recorder, sandbox.is_some()) {
                    Ok(broker) => Some(broker),
                    Err(e) => {
                        not_started(&audit, &exit);
                        return Err(e.into());
                    }
                }
            }
            None => None,
        };
        let mut info = None;
        let mut cmd = match (&sandbox, &broker) {
            (Some(plan), Some(broker)) => {
                let (cmd, pipes) = sandbox_command(plan, broker, &parts.program, &parts.args, ctty)
                    .inspect_err(|_| not_started(&audit, &exit))?;
                info = Some(pipes);
                cmd
            }
            _ => launcher_command(&parts.program, &parts.args, session, ctty),
        };
        cmd.env_clear().envs(parts.inherited.iter().map(|(k, v)| (k, v)));
        for (name, value) in &parts.injected {
            cmd.env(name, value.expose_secret());
        }
        if let Some(broker) = &broker {
            cmd.envs(broker.env().iter().map(|(k, v)| (k, v)));
        }
        if sandbox.is_some() {
            for name in crate::sandbox::DROPPED {
                cmd.env_remove(name);
            }
            cmd.env("TMPDIR", "/tmp").env(crate::sandbox::INSIDE_ENV, "1");
        }
        if let Some(dir) = &parts.cwd {
            cmd.current_dir(dir);
        }
        let mut readers: Vec<(Box<dyn Read + Send>, Sink)> = Vec::new();
        let mut pending: Vec<(&'static str, Sink)> = Vec::new();
        match io {
            ChildIo::Pipes { stdin, stdout, stderr } => {
                cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
                pending.extend([("stdout", stdout), ("stderr", stderr)]);
            }
            ChildIo::PipesAndTerminal { stdout, stderr, terminal } => {
                cmd.stdin(Stdio::from(terminal.slave)).stdout(Stdio::piped()).stderr(Stdio::piped());
                pending.extend([("stdout", stdout), ("stderr", stderr)]);
                readers.push((Box::new(terminal.master), terminal.sink));
            }
            ChildIo::Terminal(terminal) => {
                cmd.stdin(Stdio::from(terminal.slave.try_clone().map_err(LaunchError::Spawn)?))
                    .stdout(Stdio::from(terminal.slave.try_clone().map_err(LaunchError::Spawn)?))
                    .stderr(Stdio::from(terminal.slave));
                readers.push((Box::new(terminal.master), terminal.sink));
            }
            ChildIo::Inherit { .. } => {}
        }
        let spawned = cmd.spawn();
        // Our copies of the terminal's slave side must close, or its output never ends;
        // so must our copies of the sandbox pipes' writing ends.
        drop(cmd);
        let supervisor = info.and_then(sandbox_supervisor);
        let mut child = match spawned {
            Ok(child) => child,
            Err(source) => {
                if let Some(log) = &audit {
                    let _ = log.append(Access::Exit, Event { exit_code: Some(127), ..exit });
                }
                return Err(LaunchError::Spawn(source));
            }
        };
        for (stream, sink) in pending {
            let reader: Option<Box<dyn Read + Send>> = match stream {
                "stdout" => child.stdout.take().map(|r| Box::new(r) as _),
                _ => child.stderr.take().map(|r| Box::new(r) as _),
            };
            if let Some(reader) = reader {
                readers.push((reader, sink));
            }
        }
        let pumps = readers
            .into_iter()
            .map(|(reader, sink)| {
                let masker = parts.masker.clone();
                // The first output waits for the masker, built on this thread or another;
                // the thread answers whether it concealed its stream.
                std::thread::spawn(move || match masker.map(|m| m.for_stream()) {
                    Some(None) => {
                        conceal(reader, sink);
                        true
                    }
                    masker => {
                        pump(reader, masker.flatten(), sink);
                        false
                    }
                })
            })
            .collect();
        Ok(Running {
            pid: child.id(),
            // Signals for a sandboxed command go to the group of the sandbox's first
            // process, which the command shares (bubblewrap, outside it, would die of
            // them and kill everything).
            signalled: supervisor.map_or((child.id() as i32, session), |pid| (pid, true)),
            child,
            pumps,
            started: Instant::now(),
            reaped: Arc::new(Mutex::new(false)),
            audit,
            exit,
            grant_error,
            broker,
            sandboxed,
        })
    }
}

/// Records that a granted command never started (exit 125), so its grant does not look
/// like a run still going.
fn not_started(audit: &Option<Arc<crate::audit::AuditLog>>, exit: &Event) {
    if let Some(log) = audit {
        let _ = log.append(Access::Exit, Event { exit_code: Some(125), ..exit.clone() });
    }
}
