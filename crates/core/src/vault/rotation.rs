//! Rotation of stored secrets: their schedules, the history of their values, rollback.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::checks::now;
use super::{EditError, GetError, Vault};
use crate::name::{EnvironmentName, VariableName};
use crate::rotation::{Presets, Schedule, SecretClass, schedule};
use crate::variable::{Kind, Value, VariableSummary};

/// A secret and its rotation schedule.
#[derive(Debug, Clone)]
pub struct Due {
    /// The secret, without its value.
    pub variable: VariableSummary,
    /// What kind of secret it is.
    pub class: SecretClass,
    /// Its schedule now.
    pub schedule: Schedule,
}

impl Vault {
    /// The rotation schedule of every secret `env` sees, at `now`.
    pub fn rotation(
        &self,
        env: &EnvironmentName,
        presets: Presets,
        now: OffsetDateTime,
    ) -> Result<Vec<Due>, GetError> {
        Ok(self
            .list(env)?
            .into_iter()
            .filter(|v| v.kind == Kind::Secret)
            .map(|variable| {
                let class = SecretClass::of(variable.name.as_str());
                let schedule = schedule(variable.rotated, class, variable.rotation.as_ref(), presets, now);
                Due { variable, class, schedule }
            })
            .collect())
    }

    /// When each previous value of `name` was replaced, oldest first; never the values.
    pub fn history(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
    ) -> Result<Vec<OffsetDateTime>, GetError> {
        let doc = self.read()?;
        let variable = doc
            .environment(env)?
            .get(name)
            .ok_or_else(|| GetError::NotFound { name: name.clone(), env: env.clone() })?;
        Ok(variable.meta.history.0.iter().map(|p| p.until).collect())
    }

    /// Restores the previous value of `name`; the current one joins the history, so a
    /// rollback can itself be undone.
    pub fn rollback(&self, env: &EnvironmentName, name: &VariableName) -> Result<VariableSummary, EditError> {
        let now = now();
        self.update(|doc| {
            let environment = doc.environment_mut(env)?;
            let mut variable = environment
                .get(name)
                .cloned()
                .ok_or_else(|| EditError::NotFound { name: name.clone(), env: env.clone() })?;
            let Value::InVault(current) = &variable.value else {
                return Err(EditError::NoHistory { name: name.clone() });
            };
            let current: SecretString = current.expose_secret().into();
            let previous =
                variable.meta.history.0.pop().ok_or_else(|| EditError::NoHistory { name: name.clone() })?;
            variable.meta.history.push(current, now);
            variable.value = Value::InVault(previous.value);
            variable.meta.rotated = Some(now);
            variable.meta.updated = now;
            variable.meta.validation = None;
            let summary = variable.summary();
            environment.insert(variable);
            Ok(summary)
        })
    }
}
