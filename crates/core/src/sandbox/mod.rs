//! The sandbox of a launched command (`latchkey run --sandbox`): the command runs
//! brokered, as the same user, but cannot go around the broker.
//!
//! It is built from three kernel features, each doing what it does best. bubblewrap
//! (user, network, pid and mount namespaces) gives the command a network of its own with
//! only loopback in it, a private `/tmp`, a read-only view of the rest, and hides the
//! vault, the identity, latchkey's config, the keychain's socket and the credential
//! stores of [`hidden.toml`](hidden.toml). Inside, `latchkey-launcher` carries the
//! broker's port to the broker, builds the directories shown entry by entry (see
//! `listed`), gives up its capabilities and confines itself, then the command, with
//! Landlock (writes, TCP connections, scopes) and seccomp (UDP, raw sockets, io_uring,
//! ptrace); see `crates/launcher`.
//!
//! This module decides what a sandbox shows and builds bubblewrap's command line. It
//! does not start anything: the launch does.
//!
//! The pieces: `hidden` lists what a sandbox hides by default, `plan` decides what one
//! shows and builds bubblewrap's command line, and `machine` finds out what this machine
//! offers.

mod hidden;
mod listed;
mod machine;
mod plan;
pub mod planted;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use hidden::{Hidden, USER_FILE, hidden_list};
pub use machine::{Report, bubblewrap, report, setuid_for_us, user_namespaces};
pub use plan::Plan;

/// What a sandbox does when the kernel lacks a part of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxMode"))]
pub enum Mode {
    /// Refuse to start, naming the missing part.
    #[default]
    Strict,
    /// Run with what is available, naming what is not.
    BestEffort,
}

impl Mode {
    /// Its name, as typed (`strict`, `best-effort`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Strict => "strict",
            Mode::BestEffort => "best-effort",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "strict" | "" => Ok(Mode::Strict),
            "best-effort" => Ok(Mode::BestEffort),
            _ => Err("the sandbox is `strict` or `best-effort`".into()),
        }
    }
}

/// How a run is sandboxed: what a profile stores and `run --sandbox` sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Strict, or best effort.
    #[serde(default)]
    pub mode: Mode,
    /// Paths the command may write besides its working directory and `/tmp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writable: Vec<PathBuf>,
    /// Paths hidden by default that the command may read (`~/.config/gh`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readable: Vec<PathBuf>,
    /// For a profile of a project file: the project's root, which the working directory
    /// and every writable and readable path must resolve inside when the run starts
    /// (through any symlink), so that a file that came with a repository opens nothing
    /// beyond it. Never stored.
    #[serde(skip)]
    pub within: Option<PathBuf>,
}

/// Why a sandbox cannot be set up. Nothing was started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// bubblewrap is not installed.
    #[error(
        "the sandbox needs bubblewrap (bwrap), which is not installed: install it (apt-get install bubblewrap)"
    )]
    NoBubblewrap,
    /// bubblewrap is installed setuid: it then refuses a user other than root the
    /// capability with which the sandbox's first process builds its directories.
    #[error(
        "the sandbox cannot use {0}, which is installed setuid: install your distribution's bubblewrap (not setuid), or put one first on PATH"
    )]
    SetuidBubblewrap(PathBuf),
    /// latchkey-launcher is not installed.
    #[error("the sandbox needs latchkey-launcher, beside latchkey or on PATH: reinstall latchkey")]
    NoLauncher,
    /// The kernel does not let this user make namespaces.
    #[error("the sandbox needs user namespaces, which this machine does not allow ({0})")]
    NoUserNamespaces(String),
    /// The working directory is one the sandbox hides, or the whole filesystem.
    #[error("the sandbox cannot run in {0}: it is {1}; run from a project directory")]
    Directory(PathBuf, &'static str),
    /// A path to make readable or writable is latchkey's own.
    #[error("{0} is latchkey's own (its vault, identity or config): a sandboxed command may not reach it")]
    Own(PathBuf),
    /// The working directory holds latchkey's own files, which the command could move
    /// aside or replace there.
    #[error(
        "the sandbox cannot run in {0}: it holds latchkey's own {1}, which the command could move or replace; run from a project directory"
    )]
    HoldsOwn(PathBuf, PathBuf),
    /// A path given to the sandbox is relative, or `~` cannot be expanded.
    #[error("{0} is not an absolute path: give the sandbox's paths from / or ~/")]
    Relative(PathBuf),
    /// The project file is a symlink in a directory the command may write.
    #[error(
        "{0} is a symlink in a directory the sandboxed command may write, so the command could repoint it: make it a regular file"
    )]
    ProjectLink(PathBuf),
    /// A path a project's profile names resolves outside the project.
    #[error(
        "{0} is outside the project, and a project's profile reaches only its own directory: change the profile in latchkey.toml"
    )]
    OutsideProject(PathBuf),
    /// A writable path does not exist.
    #[error("cannot make {path} writable in the sandbox: {source}")]
    Writable {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The user's `sandbox.toml` cannot be read.
    #[error("{path} is not a valid sandbox file ({reason}): fix it, or move it aside")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Where the broker's directory (its socket and certificate bundle) is inside a sandbox.
pub const INSIDE_DIR: &str = "/tmp/.latchkey";
/// Where the broker's socket is inside a sandbox.
pub const INSIDE_SOCKET: &str = "/tmp/.latchkey/broker.sock";
/// Where the certificate bundle is inside a sandbox.
pub const INSIDE_BUNDLE: &str = "/tmp/.latchkey/ca-bundle.pem";

/// Set in a sandboxed command's environment, so that latchkey inside says why it cannot
/// reach the vault.
pub const INSIDE_ENV: &str = "LATCHKEY_SANDBOXED";

/// The variable that makes the sandbox treat parts of the kernel as missing
/// (`landlock-network,seccomp`): how the refusal is tested, and how a user sees what
/// best effort would leave out.
pub const PRETEND_ENV: &str = "LATCHKEY_SANDBOX_PRETEND_MISSING";

/// The variables of the session a sandboxed command does not get: the keychain's bus,
/// the agents' sockets, the displays.
pub const DROPPED: &[&str] = &[
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "SSH_AUTH_SOCK",
    "GPG_AGENT_INFO",
    "WAYLAND_DISPLAY",
    "DISPLAY",
    "XAUTHORITY",
    "DOCKER_HOST",
];

impl Settings {
    /// The settings with `~/` expanded in every path: what a profile stores. A relative
    /// path is refused, since a profile's runs start from anywhere.
    pub fn absolute(mut self) -> Result<Self, SandboxError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let fix = |p: &PathBuf| -> Result<PathBuf, SandboxError> {
            if let (Ok(rest), Some(home)) = (p.strip_prefix("~"), &home) {
                return Ok(home.join(rest));
            }
            if p.is_absolute() { Ok(p.clone()) } else { Err(SandboxError::Relative(p.clone())) }
        };
        self.writable = self.writable.iter().map(fix).collect::<Result<_, _>>()?;
        self.readable = self.readable.iter().map(fix).collect::<Result<_, _>>()?;
        Ok(self)
    }
}
