//! Starting a prepared launch and seeing it through: the command is started behind
//! `latchkey-launcher` (so it dies with latchkey, even when latchkey is killed
//! outright, and leads its own session), its output is masked on the way to the sinks a
//! front end gives, and its end is recorded beside its grant.
//!
//! What it is not: the terminal side. A front end decides where output goes (a
//! terminal, the app's window) and forwards signals; this module gives it the process
//! group to signal and a [`Stopper`] that never signals a process that was reaped.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};

use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use super::mask::{Masker, pump};
use super::prepare::{LaunchError, PreparedLaunch};
use super::program::launcher_path;
use crate::audit::{Access, AuditLog, Event};
use crate::broker::{Broker, Recorder};

/// Where a stream of the command's output goes, already masked.
pub type Sink = Box<dyn FnMut(&[u8]) -> io::Result<()> + Send>;

/// A pseudo-terminal a front end opened for the command: the command gets `slave`, and
/// what it writes there is read from `master`, masked, into `sink`.
pub struct Terminal {
    /// The command's side.
    pub slave: File,
    /// latchkey's side, read for the command's output.
    pub master: File,
    /// Where that output goes.
    pub sink: Sink,
}

/// How the command is connected.
pub enum ChildIo {
    /// No terminal at all: stdin from `stdin`, stdout and stderr masked into the sinks.
    /// The command leads a new session with no controlling terminal, so writing to
    /// `/dev/tty` fails rather than bypass the masking.
    Pipes {
        /// What the command reads.
        stdin: Stdio,
        /// Its standard output.
        stdout: Sink,
        /// Its standard error.
        stderr: Sink,
    },
    /// stdout and stderr masked into the sinks, and `terminal` as the command's stdin
    /// and controlling terminal: what it writes to `/dev/tty` is masked too.
    PipesAndTerminal {
        /// Its standard output.
        stdout: Sink,
        /// Its standard error.
        stderr: Sink,
        /// Its stdin and controlling terminal.
        terminal: Terminal,
    },
    /// Everything on `terminal`, which is also its controlling terminal.
    Terminal(Terminal),
    /// latchkey's own stdin, stdout and stderr, unmasked (`--no-mask`). With
    /// `interactive`, the command stays in latchkey's process group, so a terminal's
    /// Ctrl-C reaches it directly; otherwise it leads its own session.
    Inherit {
        /// Whether stdin is a terminal a person types into.
        interactive: bool,
    },
}

/// The process group of a running command, to forward signals to.
#[derive(Debug, Clone, Copy)]
pub struct ProcessGroup {
    pid: i32,
    /// Whether the command leads its own group (else it shares latchkey's).
    own: bool,
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
    pid: i32,
    own_group: bool,
    reaped: Arc<Mutex<bool>>,
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

/// A started command.
pub struct Running {
    child: Child,
    pid: u32,
    /// Who signals go to, and whether to its group.
    signalled: (i32, bool),
    pumps: Vec<JoinHandle<()>>,
    started: Instant,
    reaped: Arc<Mutex<bool>>,
    audit: Option<Arc<AuditLog>>,
    exit: Event,
    grant_error: Option<String>,
    broker: Option<Broker>,
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
        for pump in self.pumps.drain(..) {
            let _ = pump.join();
        }
        let duration = self.started.elapsed();
        let code = status.map_or(1, exit_code);
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
        Ended { code, duration, audit_error }
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
                        if let Some(log) = &audit {
                            let _ = log.append(Access::Exit, Event { exit_code: Some(125), ..exit });
                        }
                        return Err(e.into());
                    }
                }
            }
            None => None,
        };
        let mut info = None;
        let mut cmd = match (&sandbox, &broker) {
            (Some(plan), Some(broker)) => {
                let (cmd, read, write) = sandbox_command(plan, broker, &parts.program, &parts.args, ctty)?;
                info = Some((read, write));
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
        // so must our copy of the info pipe's writing end.
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
                let masker = parts.masker.as_ref().map(Masker::for_another_stream);
                std::thread::spawn(move || pump(reader, masker, sink))
            })
            .collect();
        Ok(Running {
            pid: child.id(),
            // Signals for a sandboxed command go to the sandbox's first process, which
            // relays them: bubblewrap would die of them and kill everything.
            signalled: supervisor.map_or((child.id() as i32, session), |pid| (pid, false)),
            child,
            pumps,
            started: Instant::now(),
            reaped: Arc::new(Mutex::new(false)),
            audit,
            exit,
            grant_error,
            broker,
        })
    }
}

/// The command line of a sandboxed launch: bubblewrap, whose first process is
/// `latchkey-launcher --sandbox-init`, then `program`; and the reading end of the pipe on
/// which bubblewrap tells the first process's pid.
fn sandbox_command(
    plan: &crate::sandbox::Plan,
    broker: &Broker,
    program: &OsString,
    args: &[OsString],
    ctty: bool,
) -> Result<(Command, File, std::os::fd::OwnedFd), LaunchError> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let bwrap = crate::sandbox::bubblewrap().ok_or(crate::sandbox::SandboxError::NoBubblewrap)?;
    let launcher = launcher_path().ok_or(crate::sandbox::SandboxError::NoLauncher)?;
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map_err(|e| LaunchError::Spawn(e.into()))?;
    // Only the writing end is inherited: bubblewrap writes the pid and closes it.
    rustix::io::fcntl_setfd(&write, rustix::io::FdFlags::empty())
        .map_err(|e| LaunchError::Spawn(e.into()))?;
    let mut cmd = Command::new(bwrap);
    cmd.args(plan.arguments(&launcher, broker.port(), broker.dir(), ctty, write.as_raw_fd()))
        .arg(program)
        .args(args)
        .process_group(0);
    Ok((cmd, File::from(read), write))
}

/// The host pid of the sandbox's first process, as bubblewrap tells it (`{"child-pid":
/// N}`); `None` when bubblewrap failed before.
fn sandbox_supervisor((mut read, write): (File, std::os::fd::OwnedFd)) -> Option<i32> {
    // Our copy of the writing end closes: the pipe ends when bubblewrap closes its own.
    drop(write);
    let mut text = String::new();
    let mut buf = [0u8; 256];
    while !text.contains('}') {
        match read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    let after = text.split("\"child-pid\"").nth(1)?;
    after.trim_start_matches([':', ' ', '\n']).split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The command line that starts `program`: behind `latchkey-launcher`, or, when it
/// cannot be found, directly in a new process group.
fn launcher_command(program: &OsString, args: &[OsString], session: bool, ctty: bool) -> Command {
    match launcher_path() {
        Some(launcher) => {
            let mut cmd = Command::new(launcher);
            cmd.arg("--parent").arg(std::process::id().to_string());
            if session {
                cmd.arg("--session");
                if ctty {
                    cmd.arg("--ctty");
                }
            }
            cmd.arg("--").arg(program).args(args);
            cmd
        }
        None => {
            let mut cmd = Command::new(program);
            cmd.args(args);
            if session {
                std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
            }
            cmd
        }
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
