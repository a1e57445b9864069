//! Running in a pseudo-terminal, when stdout is a terminal: the command sees a terminal
//! (colours, line editing and prompts keep working), our terminal is put in raw mode and
//! forwarded to it, window-size changes follow, and its output is masked on the way out.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{ExitStatus, Stdio};

use anyhow::{Context, Result};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{OptionalActions, Termios, tcgetattr, tcgetwinsize, tcsetattr, tcsetwinsize};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
use signal_hook::iterator::Signals;

use super::{Launch, pump};

/// Restores the terminal's settings when dropped.
struct RawMode {
    saved: Termios,
}

impl RawMode {
    fn enter() -> Option<Self> {
        let stdin = std::io::stdin();
        let saved = tcgetattr(stdin.as_fd()).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        tcsetattr(stdin.as_fd(), OptionalActions::Now, &raw).ok()?;
        Some(Self { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = tcsetattr(std::io::stdin().as_fd(), OptionalActions::Now, &self.saved);
    }
}

/// Runs the command; returns its status and pid.
pub fn run(launch: &Launch) -> Result<(ExitStatus, u32)> {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).context("cannot open a pseudo-terminal")?;
    grantpt(&master).context("cannot set up the pseudo-terminal")?;
    unlockpt(&master).context("cannot set up the pseudo-terminal")?;
    let name = ptsname(&master, Vec::new()).context("cannot name the pseudo-terminal")?;
    let slave = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.as_bytes()))
        .context("cannot open the pseudo-terminal")?;
    follow_size(&master);
    let mut cmd = launch.command(true);
    cmd.stdin(Stdio::from(slave.try_clone()?))
        .stdout(Stdio::from(slave.try_clone()?))
        .stderr(Stdio::from(slave));
    let mut signals =
        Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]).context("cannot handle signals")?;
    let mut child = cmd.spawn().context("cannot start the command")?;
    drop(cmd);
    let pid = child.id();
    let raw = RawMode::enter();
    let master = File::from(master);
    let resize = master.try_clone()?;
    let handle = signals.handle();
    let forwarder = std::thread::spawn(move || {
        for signal in signals.forever() {
            if signal == SIGWINCH {
                follow_size(&resize);
            } else {
                signal_group(pid, signal, true);
            }
        }
    });
    // Keys typed go to the command; this thread ends with latchkey.
    let mut input = master.try_clone()?;
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || input.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    // The output, until the command and everything it started have closed the terminal.
    pump(&master, std::io::stdout().lock(), launch.masker());
    let status = child.wait().context("cannot wait for the command")?;
    drop(raw);
    handle.close();
    let _ = forwarder.join();
    Ok((status, pid))
}

/// Gives the pseudo-terminal our terminal's size.
fn follow_size(master: &impl AsFd) {
    if let Ok(size) = tcgetwinsize(std::io::stdout().as_fd()) {
        let _ = tcsetwinsize(master, size);
    }
}

/// Sends `signal` to the command's process group (or the command alone).
pub(super) fn signal_group(pid: u32, signal: i32, group: bool) {
    let Some(pid) = rustix::process::Pid::from_raw(pid as i32) else { return };
    let Some(signal) = rustix::process::Signal::from_named_raw(signal) else { return };
    let _ = if group {
        rustix::process::kill_process_group(pid, signal)
    } else {
        rustix::process::kill_process(pid, signal)
    };
}
