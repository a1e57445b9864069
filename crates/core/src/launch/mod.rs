//! Launching agents, for the CLI's `run` and the app's Agents screen alike: what a
//! command is given (exactly the granted variables, none of latchkey's own environment's
//! secrets), how its output is masked, how it is started, and the grant recorded before
//! it runs and the outcome after.
//!
//! The front ends add only the terminal: the CLI a pseudo-terminal or pipes and signal
//! forwarding, the app events to its window. Neither spawns or signals a process itself.

#[cfg(unix)]
mod command;
#[cfg(unix)]
mod connection;
#[cfg(unix)]
mod error;
pub mod mask;
#[cfg(unix)]
mod prepare;
#[cfg(unix)]
mod prepared;
mod program;
#[cfg(unix)]
mod running;
#[cfg(unix)]
mod signal;
#[cfg(unix)]
mod spec;
#[cfg(unix)]
mod start;
pub mod withhold;

#[cfg(unix)]
pub use connection::{ChildIo, Sink, Terminal};
#[cfg(unix)]
pub use error::LaunchError;
pub use mask::{MIN_MASKED_LEN, Masker, pump};
#[cfg(unix)]
pub use prepared::PreparedLaunch;
pub use program::{LAUNCHER, find_program, launcher_path};
#[cfg(unix)]
pub use running::{Ended, Running, exit_code};
#[cfg(unix)]
pub use signal::{ProcessGroup, Stopper};
#[cfg(unix)]
pub use spec::{BrokerChoice, LaunchSpec, SandboxChoice, Source};
pub use withhold::{DEFAULT_WITHHELD, WITHHOLD_ENV, Withholding};
