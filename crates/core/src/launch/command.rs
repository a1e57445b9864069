//! The command lines that start a program: behind `latchkey-launcher`, or in the sandbox,
//! behind bubblewrap.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::Command;

use super::error::LaunchError;
use super::program::launcher_path;
use crate::broker::Broker;

/// The pipes of a sandboxed launch, read once it is spawned: on one bubblewrap tells the
/// first process's pid, on the other that process says the command has started.
pub(super) struct SandboxPipes {
    info: (File, OwnedFd),
    started: (File, OwnedFd),
}

/// A pipe whose writing end only is inherited.
fn inherited_pipe() -> Result<(File, OwnedFd), LaunchError> {
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map_err(|e| LaunchError::Spawn(e.into()))?;
    rustix::io::fcntl_setfd(&write, rustix::io::FdFlags::empty())
        .map_err(|e| LaunchError::Spawn(e.into()))?;
    Ok((File::from(read), write))
}

/// The command line of a sandboxed launch: bubblewrap, whose first process is
/// `latchkey-launcher --sandbox-init`, then `program`; and its pipes.
pub(super) fn sandbox_command(
    plan: &crate::sandbox::Plan,
    broker: &Broker,
    program: &OsString,
    args: &[OsString],
    ctty: bool,
) -> Result<(Command, SandboxPipes), LaunchError> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let bwrap = crate::sandbox::bubblewrap().ok_or(crate::sandbox::SandboxError::NoBubblewrap)?;
    let launcher = launcher_path().ok_or(crate::sandbox::SandboxError::NoLauncher)?;
    let pipes = SandboxPipes { info: inherited_pipe()?, started: inherited_pipe()? };
    let fds = (pipes.info.1.as_raw_fd(), pipes.started.1.as_raw_fd());
    let mut cmd = Command::new(bwrap);
    cmd.args(plan.arguments(&launcher, broker.port(), broker.dir(), ctty, fds))
        .arg(program)
        .args(args)
        .process_group(0);
    Ok((cmd, pipes))
}

/// The host pid of the sandbox's first process, as bubblewrap tells it (`{"child-pid":
/// N}`), once that process has started the command (or given up): signals for the
/// command go to its group, which the command is in from then on. `None` when
/// bubblewrap failed before.
pub(super) fn sandbox_supervisor(pipes: SandboxPipes) -> Option<i32> {
    // Our copies of the writing ends close: each pipe ends when the other side closes.
    let SandboxPipes { info: (mut read, write), started: (mut started, started_write) } = pipes;
    drop((write, started_write));
    let mut text = String::new();
    let mut buf = [0u8; 256];
    while !text.contains('}') {
        match read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    let _ = started.read(&mut buf);
    let after = text.split("\"child-pid\"").nth(1)?;
    after.trim_start_matches([':', ' ', '\n']).split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The command line that starts `program`: behind `latchkey-launcher`, or, when it
/// cannot be found, directly in a new process group.
pub(super) fn launcher_command(program: &OsString, args: &[OsString], session: bool, ctty: bool) -> Command {
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
