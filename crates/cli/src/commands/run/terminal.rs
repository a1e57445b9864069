//! The terminal side of `latchkey run`: a pseudo-terminal for the command, our own
//! terminal in raw mode while it runs, typed keys passed on, and window sizes followed.

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;

use anyhow::{Context, Result};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{
    OptionalActions, OutputModes, Termios, tcgetattr, tcgetwinsize, tcsetattr, tcsetwinsize,
};

/// A new pseudo-terminal: (latchkey's side, the command's side), sized like ours.
pub fn open() -> Result<(File, File)> {
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
    let master = File::from(master);
    follow_size(&master);
    Ok((master, slave))
}

/// Restores our terminal's settings when dropped.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    /// Puts the terminal on stdin in raw mode: keys go to the command as typed (Ctrl-C
    /// included, which the command's terminal turns into its SIGINT). With
    /// `keep_output`, what latchkey writes still has its line ends translated (for
    /// output that does not come through a pseudo-terminal).
    pub fn enter(keep_output: bool) -> Option<Self> {
        let stdin = std::io::stdin();
        let saved = tcgetattr(stdin.as_fd()).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        if keep_output {
            raw.output_modes.insert(OutputModes::OPOST | OutputModes::ONLCR);
        }
        tcsetattr(stdin.as_fd(), OptionalActions::Now, &raw).ok()?;
        Some(Self { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = tcsetattr(std::io::stdin().as_fd(), OptionalActions::Now, &self.saved);
    }
}

/// Gives the pseudo-terminal our terminal's size (stdout's, else stdin's).
pub fn follow_size(master: &impl AsFd) {
    let size = if std::io::stdout().is_terminal() {
        tcgetwinsize(std::io::stdout().as_fd())
    } else {
        tcgetwinsize(std::io::stdin().as_fd())
    };
    if let Ok(size) = size {
        let _ = tcsetwinsize(master, size);
    }
}

/// Passes what is typed on our stdin to the command's terminal, until either ends. The
/// thread ends with latchkey.
pub fn forward_input(mut master: File) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || master.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
}

/// Where what the command writes to its terminal goes when our stdout is not one: our
/// own terminal, else stderr.
pub fn our_terminal() -> Box<dyn Write + Send> {
    match OpenOptions::new().write(true).open("/dev/tty") {
        Ok(tty) => Box::new(tty),
        Err(_) => Box::new(std::io::stderr()),
    }
}
