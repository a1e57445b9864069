//! `latchkey run -- CMD`: core prepares and starts the launch (variables, withholding,
//! masking, the grant); this module adds the terminal. On a terminal the command runs
//! in a pseudo-terminal; otherwise its output goes through pipes, and when stdin is a
//! terminal the command still gets a pseudo-terminal as its stdin and controlling
//! terminal, so nothing it writes to `/dev/tty` escapes the masking. Signals sent to
//! latchkey reach the command's group once, and latchkey exits with its status.

#[cfg(unix)]
mod launch;
#[cfg(unix)]
mod terminal;

use std::path::PathBuf;

use crate::args::{BrokerArgs, EnvArg, SandboxArgs, profile_name, variable_name};
use clap::Args;
use latchkey_core::{ProfileName, VariableName};

#[cfg(unix)]
pub use launch::run;

/// Where commands cannot be launched yet (the launcher, the pseudo-terminal and the
/// signals are Unix's).
#[cfg(not(unix))]
pub fn run(_args: RunArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`latchkey run` works on Linux for now; use `latchkey export` or `latchkey get` here")
}

/// `latchkey run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Run as this agent profile: its environment, exactly its variables, its command
    /// and directory (what follows `--` is added to the profile's command as arguments).
    #[arg(value_parser = profile_name(), long, value_name = "PROFILE", conflicts_with = "only")]
    pub profile: Option<ProfileName>,
    /// With --profile: what follows `--` replaces the profile's command instead of being
    /// added to it.
    #[arg(long = "command", requires = "profile")]
    pub replace_command: bool,
    /// Inject every variable of the environment, not only those the project's
    /// latchkey.toml declares.
    #[arg(long, conflicts_with_all = ["profile", "only"])]
    pub all: bool,
    /// Inject only these variables (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Option<Vec<VariableName>>,
    /// Also inject the variables of this template, its references resolved in memory.
    #[arg(long, value_name = "TEMPLATE")]
    pub env_file: Option<PathBuf>,
    /// Do not mask secrets in the command's output.
    #[arg(long)]
    pub no_mask: bool,
    /// Let this variable of your shell through although it looks sensitive (repeatable).
    #[arg(long, value_name = "NAME")]
    pub inherit: Vec<String>,
    /// Keep every sensitive variable of this shell in the command's environment.
    #[arg(long)]
    pub inherit_secrets: bool,
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
    /// The command and its arguments.
    #[arg(required_unless_present = "profile", last = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}
