//! `latchkey-launcher --sandbox-init`: the first process of a sandbox (pid 1 of its
//! pid namespace, started by bubblewrap). It has three jobs:
//!
//! - the broker's door: the sandbox has a network of its own with only loopback in it,
//!   so it listens on `127.0.0.1:PORT` there and carries every connection to the
//!   broker's Unix socket, which is bound into the sandbox;
//! - the command: it builds the directories shown entry by entry (see
//!   [`crate::standin`]), gives up its capabilities and confines itself (see
//!   [`crate::confine`]), so that the command it then starts, and everything that
//!   starts, is confined from its first instruction; and it exits with the command's
//!   status;
//! - the reaper: orphans of the command come to it, and when it exits every process
//!   left in the sandbox is killed with it.
//!
//! It leads a session of its own (with the terminal latchkey masks as its controlling
//! terminal, when there is one), and a process group that the command joins. The group
//! is the terminal's foreground from the start (Ctrl-C reaches the command at once),
//! and orphaned (no member's parent is in the session but outside the group), so that
//! Ctrl-Z cannot stop the command for good, as in a plain run. latchkey signals the
//! group once this process says, on `--started-fd`, that the command is in it; the
//! forwarded signals that came before, to this process alone, it passes on, and it
//! keeps them blocked for itself. Writing to `/dev/tty` cannot reach the user's own
//! terminal.

use std::ffi::OsString;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::process::{Command, ExitCode};

use crate::confine::Confine;

/// What `--sandbox-init` is given.
#[derive(Debug, Default, PartialEq)]
pub struct Init {
    /// The loopback port clients are told to use.
    pub port: u16,
    /// The broker's Unix socket, inside the sandbox.
    pub socket: std::path::PathBuf,
    /// The descriptor on which to say the command has started (latchkey signals its
    /// group from then on).
    pub started_fd: Option<i32>,
    /// The directories shown entry by entry.
    pub stand_ins: Vec<crate::standin::StandIn>,
    /// How the sandbox confines its processes.
    pub confine: Confine,
    /// Its standard input (the terminal latchkey masks) becomes its controlling terminal.
    pub ctty: bool,
    /// The command's program.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
}

/// Closes every descriptor above standard error that latchkey's caller left open
/// without close-on-exec (a shell's `9<~`, a terminal's master, a socket): through one,
/// the command could read or reach what the sandbox hides. Run first, before this
/// process opens anything of its own. `keep` (latchkey's pipe) is kept, reopened.
fn close_inherited(keep: Option<i32>) -> Option<std::fs::File> {
    // The one to keep, reopened with close-on-exec (the command must not hold it).
    let kept =
        keep.and_then(|fd| std::fs::OpenOptions::new().write(true).open(format!("/proc/self/fd/{fd}")).ok());
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return kept };
    let kept_fd = kept.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
    let fds: Vec<i32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2 && Some(*fd) != kept_fd)
        .collect();
    // The directory's own descriptor is closed by now: closing it again fails, harmlessly.
    for fd in fds {
        let _ = nix::unistd::close(fd);
    }
    kept
}

/// Runs the sandbox's first process; returns the command's status.
pub fn run(init: Init) -> ExitCode {
    let started = close_inherited(init.started_fd);
    let held = hold_signals();
    // The command cannot open this process's memory (`/proc/1/mem`) or trace it, even
    // where Landlock's scopes are missing (best effort).
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let confined = crate::standin::build(&init.stand_ins)
        .and_then(|()| crate::standin::drop_capabilities())
        .and_then(|()| crate::own_session(init.ctty))
        .and_then(|()| crate::confine::apply(&init.confine));
    if let Err(e) = confined {
        eprintln!("latchkey: {e}");
        return ExitCode::from(125);
    }
    let listener = match TcpListener::bind(("127.0.0.1", init.port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("latchkey: the sandbox cannot reach the broker: 127.0.0.1:{}: {e}", init.port);
            return ExitCode::from(125);
        }
    };
    let socket = init.socket.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let socket = socket.clone();
            std::thread::spawn(move || relay(client, &socket));
        }
    });
    let child = match Command::new(&init.program).args(&init.args).spawn() {
        Ok(child) => child,
        Err(e) => return crate::cannot_start(&init.program, &e),
    };
    pass_on(held);
    // latchkey signals the group from now on; the pipe's end says so.
    if let Some(mut started) = started {
        let _ = std::io::Write::write_all(&mut started, b"1");
    }
    let pid = child.id() as i32;
    // Every process of the sandbox is ours to reap; the command's status is ours.
    drop(child);
    loop {
        match rustix::process::wait(rustix::process::WaitOptions::empty()) {
            Ok(Some((reaped, status))) if reaped.as_raw_nonzero().get() == pid => {
                let code = match (status.exit_status(), status.terminating_signal()) {
                    (Some(code), _) => code as u8,
                    (None, Some(signal)) => 128u8.saturating_add(signal as u8),
                    _ => 1,
                };
                return ExitCode::from(code);
            }
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return ExitCode::from(1),
        }
    }
}

/// The signals latchkey forwards, held from the start: until the command is in this
/// process's group, they come to this process alone, which (the namespace's first)
/// would drop them. `None` where they cannot be held.
fn hold_signals() -> Option<nix::sys::signalfd::SignalFd> {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, sigprocmask};
    use nix::sys::signalfd::{SfdFlags, SignalFd};
    let mut set = SigSet::empty();
    for signal in
        [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP, Signal::SIGQUIT, Signal::SIGUSR1, Signal::SIGUSR2]
    {
        set.add(signal);
    }
    sigprocmask(SigmaskHow::SIG_BLOCK, Some(&set), None).ok()?;
    SignalFd::with_flags(&set, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC).ok()
}

/// Passes the signals held until the command started on to the group it is now in (the
/// command starts with none blocked). Later ones reach the group directly.
fn pass_on(held: Option<nix::sys::signalfd::SignalFd>) {
    let Some(held) = held else { return };
    while let Ok(Some(info)) = held.read_signal() {
        if let Some(signal) = rustix::process::Signal::from_named_raw(info.ssi_signo as i32) {
            let _ = rustix::process::kill_current_process_group(signal);
        }
    }
}

/// Carries one client connection to the broker's socket and back.
fn relay(client: TcpStream, socket: &std::path::Path) {
    let Ok(broker) = UnixStream::connect(socket) else { return };
    let _ = client.set_nodelay(true);
    let (Ok(mut client_in), Ok(mut broker_in)) = (client.try_clone(), broker.try_clone()) else { return };
    let mut broker_out = broker;
    let mut client_out = client;
    let up = std::thread::spawn(move || {
        let _ = copy(&mut client_in, &mut broker_out);
        let _ = broker_out.shutdown(Shutdown::Write);
    });
    let _ = copy(&mut broker_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = up.join();
}

/// Copies until the end, writing each read at once (streams must not wait).
fn copy(from: &mut impl Read, to: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n])?;
    }
}
