//! Launching agents: what a child process is given (the variables it may see, with
//! sensitive ones of the parent withheld) and how its output is masked.

pub mod environment;
pub mod mask;
#[cfg(unix)]
pub mod process;

pub use environment::{DEFAULT_WITHHELD, child_environment, is_sensitive};
pub use mask::{MIN_MASKED_LEN, Masker, pump};
#[cfg(unix)]
pub use process::{Injection, Launch, LaunchError, args_digest, exit_code, find_program, withheld_patterns};
