//! Why a command could not be launched: what preparing or starting it refuses, before
//! anything was started or recorded.

use std::path::PathBuf;

use crate::name::ProfileName;
use crate::reference::EnvFileError;
use crate::vault::{GetError, ProfileError};

/// Why a command could not be launched. Nothing was started, and nothing recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The profile does not exist.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The variables could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// The template could not be read.
    #[error("cannot read the template {path}: {source}")]
    TemplateRead {
        /// The template.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The template is not a `.env` file, or a reference in it cannot be resolved.
    #[error(transparent)]
    Template(Box<EnvFileError>),
    /// The profile has no command and none was given.
    #[error(
        "profile `{0}` has no command: give one after `--`, or add one with `latchkey profile edit {0} --command`"
    )]
    NoCommand(ProfileName),
    /// No command was given.
    #[error("no command to run: give one after `--`")]
    NoCommandGiven,
    /// The program is not on the command's PATH.
    #[error("cannot find `{0}`: check its name, or that it is on PATH")]
    NotFound(String),
    /// The working directory does not exist.
    #[error("the working directory {0} does not exist: create it, or change the profile's --cwd")]
    NoDirectory(PathBuf),
    /// The operating system could not start it.
    #[error("cannot start the command: {0}")]
    Spawn(std::io::Error),
    /// The broker could not start.
    #[error(transparent)]
    Broker(#[from] crate::broker::BrokerError),
    /// The project requires variables the environment does not have.
    #[error(
        "{file} requires {}, which `{env}` does not have: set {} with `latchkey set NAME --env {env}` (`latchkey project show` lists what is missing)",
        names.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        if names.len() == 1 { "it" } else { "each" }
    )]
    Missing {
        /// The project file.
        file: PathBuf,
        /// The environment.
        env: crate::name::EnvironmentName,
        /// The required variables nothing gives.
        names: Vec<crate::name::VariableName>,
    },
    /// The sandbox cannot be set up.
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
}
