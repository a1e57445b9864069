//! The app's commands, a few lines each over latchkey-core, grouped by domain.

pub mod agent_tools;
pub mod agents;
pub mod checks;
pub mod environments;
pub mod leaks;
pub mod projects;
pub mod rotation;
pub mod variables;
pub mod vault;

use latchkey_core::{EnvironmentName, VariableName};

use crate::ipc::IpcError;

fn env_name(env: &str) -> Result<EnvironmentName, IpcError> {
    Ok(EnvironmentName::new(env)?)
}

fn var_name(name: &str) -> Result<VariableName, IpcError> {
    Ok(VariableName::new(name)?)
}
