//! What a front end asks to launch: where the variables come from, the command, where it
//! runs, and whether it is masked, brokered or sandboxed.

use std::ffi::OsString;
use std::path::PathBuf;

use super::withhold::Withholding;
use crate::name::{EnvironmentName, ProfileName, VariableName};

/// Where a launch takes its variables from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Every variable an environment sees (or only some of them).
    Environment(EnvironmentName),
    /// A profile: its environment, exactly its variables, its command and directory.
    Profile(ProfileName),
}

/// What a front end asks to launch.
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    /// Where the variables come from.
    pub source: Source,
    /// With a profile: draw its variables from this environment instead of its own (the
    /// grant names the one used).
    pub env_override: Option<EnvironmentName>,
    /// Only these variables (not with a profile, which names its own).
    pub only: Option<Vec<VariableName>>,
    /// A `.env` template whose variables are added, references resolved in memory.
    pub template: Option<PathBuf>,
    /// The command and its arguments. With a profile that has a command, these are
    /// arguments added to it, unless `replace_command`; empty runs the profile's as it is.
    pub command: Vec<OsString>,
    /// With a profile: `command` replaces the profile's instead of adding to it.
    pub replace_command: bool,
    /// The directory to run in; else the profile's, else the current one.
    pub cwd: Option<PathBuf>,
    /// Whether secrets are masked in the output.
    pub mask: bool,
    /// Which of latchkey's own variables the command does not inherit.
    pub withholding: Withholding,
    /// Whether the run is brokered, and how: the command gets placeholders, and the
    /// broker puts the keys into its requests (see [`crate::broker`]). With a profile,
    /// `None` means the profile's own setting.
    pub broker: Option<BrokerChoice>,
    /// Whether the command is sandboxed (which brokers it too), and how; with a profile,
    /// `None` means the profile's own setting.
    pub sandbox: Option<SandboxChoice>,
    /// The project the command runs in: with an environment and no `only`, the command
    /// gets exactly the variables it declares, config values from the file filling in
    /// what the vault does not hold, and it is refused while a required one is missing.
    /// Its profiles are found too (the vault's own come first).
    pub project: Option<std::sync::Arc<crate::project::Project>>,
}

/// Whether a launch is sandboxed, as a front end asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxChoice {
    /// Sandboxed, with these settings.
    On(crate::sandbox::Settings),
    /// Not sandboxed, even if the profile is.
    Off,
}

/// Whether a launch is brokered, as a front end asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerChoice {
    /// Brokered, with these settings.
    On(crate::broker::Settings),
    /// Not brokered, even if the profile is.
    Off,
}

impl LaunchSpec {
    /// A launch of `command` with the variables of `env`, masked, with the default
    /// withholding rules adjusted by `LATCHKEY_WITHHOLD`.
    pub fn new(source: Source, command: Vec<OsString>) -> Self {
        Self {
            source,
            env_override: None,
            only: None,
            template: None,
            command,
            replace_command: false,
            cwd: None,
            mask: true,
            withholding: Withholding::from_env(),
            broker: None,
            sandbox: None,
            project: None,
        }
    }
}
