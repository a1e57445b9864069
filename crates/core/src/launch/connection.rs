//! How a launched command is connected: pipes, a pseudo-terminal or latchkey's own
//! streams, and the sinks its masked output goes to.

use std::fs::File;
use std::io;
use std::process::Stdio;

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
