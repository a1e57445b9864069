//! Launching agents, for the CLI's `run` and the app's Agents screen alike: what a
//! command is given (exactly the granted variables, none of latchkey's own environment's
//! secrets), how its output is masked, how it is started, and the grant recorded before
//! it runs and the outcome after.
//!
//! The front ends add only the terminal: the CLI a pseudo-terminal or pipes and signal
//! forwarding, the app events to its window. Neither spawns or signals a process itself.

pub mod mask;
#[cfg(unix)]
mod prepare;
#[cfg(unix)]
mod process;
mod program;
pub mod withhold;

pub use mask::{MIN_MASKED_LEN, Masker, pump};
#[cfg(unix)]
pub use prepare::{BrokerChoice, LaunchError, LaunchSpec, PreparedLaunch, SandboxChoice, Source};
#[cfg(unix)]
pub use process::{ChildIo, Ended, ProcessGroup, Running, Sink, Stopper, Terminal, exit_code};
pub use program::{LAUNCHER, find_program, launcher_path};
pub use withhold::{DEFAULT_WITHHELD, WITHHOLD_ENV, Withholding};
