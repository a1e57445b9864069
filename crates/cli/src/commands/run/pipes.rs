//! Running with pipes, when stdout is not a terminal: stdout and stderr each pass
//! through a masker.

use std::io::IsTerminal;
use std::os::unix::process::CommandExt;
use std::process::{ExitStatus, Stdio};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use super::{Launch, pump};

/// Runs the command; returns its status and pid.
pub fn run(launch: &Launch) -> Result<(ExitStatus, u32)> {
    let mut cmd = launch.command(false);
    // On a terminal, Ctrl-C reaches the command directly (it shares our process group),
    // so latchkey must not forward it again. Otherwise the command gets its own group,
    // and every signal reaches it once, through latchkey.
    let interactive = std::io::stdin().is_terminal();
    if !interactive {
        cmd.process_group(0);
    }
    if launch.masked.is_some() {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let forwarded: &[i32] =
        if interactive { &[SIGTERM, SIGHUP] } else { &[SIGINT, SIGTERM, SIGHUP, SIGQUIT] };
    let mut signals =
        Signals::new(forwarded.iter().chain(if interactive { &[SIGINT, SIGQUIT][..] } else { &[] }))
            .context("cannot handle signals")?;
    let mut child = cmd.spawn().context("cannot start the command")?;
    let pid = child.id();
    let handle = signals.handle();
    let forward: Vec<i32> = forwarded.to_vec();
    let forwarder = std::thread::spawn(move || {
        for signal in signals.forever() {
            if forward.contains(&signal) {
                super::pty::signal_group(pid, signal, !interactive);
            }
        }
    });
    let mut pumps = Vec::new();
    let masker = launch.masker();
    if let Some(err) = child.stderr.take() {
        let masker = masker.as_ref().map(|m| m.for_another_stream());
        pumps.push(std::thread::spawn(move || pump(err, std::io::stderr().lock(), masker)));
    }
    if let Some(out) = child.stdout.take() {
        pumps.push(std::thread::spawn(move || pump(out, std::io::stdout().lock(), masker)));
    }
    let status = child.wait().context("cannot wait for the command")?;
    for p in pumps {
        let _ = p.join();
    }
    handle.close();
    let _ = forwarder.join();
    Ok((status, pid))
}
