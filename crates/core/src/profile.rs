//! Agent profiles: a named agent, the environment it draws from, exactly the variables
//! it may receive, and optionally its command and working directory.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::name::{EnvironmentName, VariableName};

/// What an agent is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The environment its variables come from.
    pub env: EnvironmentName,
    /// Exactly the variables it receives.
    pub vars: Vec<VariableName>,
    /// The command it runs, as argv, when none is given at launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// The directory it runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
}
