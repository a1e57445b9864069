//! A project's contract against a vault: per environment, which declared variables are
//! set, given by the project file, missing or left out, and which the vault has that the
//! project does not declare. Names only; no value is read.

use serde::Serialize;

use super::Project;
use crate::kind::Kind;
use crate::name::{EnvironmentName, VariableName};
use crate::vault::{GetError, Vault};

/// Where a declared variable stands in one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The vault holds it.
    Set,
    /// The vault does not, and the project file gives its value.
    Default,
    /// Required, and neither the vault nor the file gives it.
    Missing,
    /// Optional, and not given.
    Unset,
}

impl State {
    /// As printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Set => "set",
            State::Default => "default",
            State::Missing => "missing",
            State::Unset => "unset",
        }
    }
}

/// One declared variable in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarStatus {
    /// Its name.
    pub name: VariableName,
    /// Where it stands.
    pub state: State,
    /// The kind the vault stores it as, when it differs from the declared one.
    pub stored_as: Option<Kind>,
    /// The environment that holds it, when it is inherited from another.
    pub from: Option<EnvironmentName>,
}

/// The contract in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvStatus {
    /// The environment.
    pub env: EnvironmentName,
    /// Whether the vault has it at all.
    pub exists: bool,
    /// Each declared variable, in the file's order.
    pub vars: Vec<VarStatus>,
    /// What the vault has there that the project does not declare.
    pub extra: Vec<VariableName>,
}

impl EnvStatus {
    /// The required variables nothing gives.
    pub fn missing(&self) -> impl Iterator<Item = &VariableName> {
        self.vars.iter().filter(|v| v.state == State::Missing).map(|v| &v.name)
    }
}

impl Vault {
    /// The project's contract in each of `envs` (none given: every environment the
    /// project uses). Reads names, never values.
    pub fn project_status(
        &self,
        project: &Project,
        envs: &[EnvironmentName],
    ) -> Result<Vec<EnvStatus>, GetError> {
        let doc = self.read().map_err(GetError::from)?;
        let envs = if envs.is_empty() { project.envs() } else { envs };
        let mut out = Vec::new();
        for env in envs {
            let resolved = doc.resolve(env).unwrap_or_default();
            let exists = doc.environment(env).is_ok();
            let vars = project
                .vars()
                .iter()
                .map(|declared| {
                    let held = resolved.iter().find(|r| r.variable.name == declared.name);
                    let state = match held {
                        Some(_) => State::Set,
                        None if declared.kind == Kind::Config && declared.value_in(env).is_some() => {
                            State::Default
                        }
                        None if declared.required => State::Missing,
                        None => State::Unset,
                    };
                    VarStatus {
                        name: declared.name.clone(),
                        state,
                        stored_as: held.map(|r| r.variable.kind).filter(|k| *k != declared.kind),
                        from: held.map(|r| r.from.clone()).filter(|from| from != env),
                    }
                })
                .collect();
            let extra = resolved
                .iter()
                .filter(|r| project.var(&r.variable.name).is_none())
                .map(|r| r.variable.name.clone())
                .collect();
            out.push(EnvStatus { env: env.clone(), exists, vars, extra });
        }
        Ok(out)
    }
}
