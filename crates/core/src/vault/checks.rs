//! Validation of stored variables: format checks on store and on request, online checks
//! on request, and the record of the latest results in the vault.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{GetError, SaveError, Vault};
use crate::document::Document;
use crate::name::{EnvironmentName, VariableName};
use crate::validate::verify::{self, Target, Verdict, Verifier};
use crate::validate::{Catalog, Finding, ProblemCode};
use crate::variable::{Kind, OnlineCheck, Validation, Value};

/// One variable's check: the format finding, and the online verdict when one was asked.
#[derive(Debug)]
pub struct Checked {
    /// The variable.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// The format checks' result.
    pub finding: Finding,
    /// The online check's result, when one was asked and could be prepared or made.
    pub online: Option<Verdict>,
    /// The environment that defines it (the one checked, or one it extends).
    pub from: EnvironmentName,
    updated: OffsetDateTime,
    target: Option<Target>,
}

impl Vault {
    /// Checks the variables of `env` (or only `only`): formats always, and with
    /// `online`, prepares an online check of each secret that could work. Run the
    /// prepared checks with [`verify_checked`], then keep the results with
    /// [`Vault::record_checks`].
    pub fn check(
        &self,
        env: &EnvironmentName,
        catalog: &Catalog,
        only: Option<&VariableName>,
        online: bool,
    ) -> Result<Vec<Checked>, GetError> {
        let doc = self.read()?;
        let resolved = doc.resolve(env)?;
        if let Some(name) = only
            && !resolved.iter().any(|r| &r.variable.name == name)
        {
            return Err(GetError::NotFound { name: name.clone(), env: env.clone() });
        }
        let config = config_lookup(&doc, env);
        let mut reader = super::ValueReader::default();
        let mut checked = Vec::new();
        for r in resolved.iter().filter(|r| only.is_none_or(|n| *n == r.variable.name)) {
            let variable = r.variable;
            let value = reader.read(&variable.value)?;
            let finding = crate::validate::check(
                catalog,
                variable.name.as_str(),
                variable.kind,
                value.expose_secret(),
                &config,
            );
            let mut item = Checked {
                name: variable.name.clone(),
                kind: variable.kind,
                finding,
                online: None,
                from: r.from.clone(),
                updated: variable.meta.updated,
                target: None,
            };
            if online && variable.kind == Kind::Secret {
                prepare_online(catalog, &mut item, value, &config);
            }
            checked.push(item);
        }
        Ok(checked)
    }

    /// The format checks of a value not stored yet, as if stored under `name` in `env`
    /// (whose base URLs count): for checks while a key is typed.
    pub fn check_value(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        kind: Kind,
        value: &SecretString,
        catalog: &Catalog,
    ) -> Result<Finding, GetError> {
        let doc = self.read()?;
        doc.environment(env)?;
        Ok(check_new(catalog, &doc, env, name, kind, value))
    }

    /// Records the results of [`Vault::check`] beside each variable (in the environment
    /// that defines it), unless its value changed since it was checked.
    pub fn record_checks(&self, checked: &[Checked]) -> Result<(), SaveError> {
        let now = now();
        self.update(|doc| {
            for item in checked {
                let Ok(environment) = doc.environment_mut(&item.from) else { continue };
                let Some(mut variable) = environment.get(&item.name).cloned() else { continue };
                if variable.meta.updated != item.updated {
                    continue;
                }
                let previous_online = variable.meta.validation.as_ref().and_then(|v| v.online.clone());
                let online = match &item.online {
                    Some(verdict) => {
                        Some(OnlineCheck { at: now, result: verdict.online, status: verdict.status })
                    }
                    None => previous_online,
                };
                variable.meta.validation = Some(validation_of(&item.finding, now, online));
                environment.insert(variable);
            }
            Ok::<_, SaveError>(())
        })
    }
}

/// Runs the online checks [`Vault::check`] prepared, a bounded number at once.
pub async fn verify_checked(verifier: &Verifier, checked: &mut [Checked]) {
    let targets: Vec<(usize, Target)> =
        checked.iter_mut().enumerate().filter_map(|(i, c)| c.target.take().map(|t| (i, t))).collect();
    let (indices, targets): (Vec<usize>, Vec<Target>) = targets.into_iter().unzip();
    for (index, verdict) in indices.into_iter().zip(verifier.verify_all(targets).await) {
        checked[index].online = Some(verdict);
    }
}

fn prepare_online(
    catalog: &Catalog,
    item: &mut Checked,
    value: SecretString,
    config: &dyn Fn(&str) -> Option<String>,
) {
    let Some(provider) = item.finding.provider.clone() else { return };
    // A key that cannot work is not worth a request.
    if item.finding.has(ProblemCode::Placeholder) || item.finding.has(ProblemCode::Checksum) {
        return;
    }
    let trimmed = SecretString::from(crate::validate::trimmed(value.expose_secret()));
    let verifiable = catalog.verifiable(trimmed.expose_secret());
    match verify::prepare(catalog, &provider, trimmed, verifiable, config) {
        Ok(target) => item.target = Some(target),
        Err(verdict) => item.online = Some(verdict),
    }
}

/// The values of the config variables (base URLs) `env` sees, by name.
fn config_lookup<'a>(doc: &'a Document, env: &'a EnvironmentName) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        let name = VariableName::new(name).ok()?;
        match &doc.lookup(env, &name).ok()??.variable.value {
            Value::InVault(value) => Some(value.expose_secret().to_owned()),
            Value::Keychain { .. } => None,
        }
    }
}

/// The record of a finding, as kept in the vault.
pub(super) fn validation_of(
    finding: &Finding,
    at: OffsetDateTime,
    online: Option<OnlineCheck>,
) -> Validation {
    Validation {
        checked: at,
        provider: finding.provider.clone(),
        format: finding.format,
        problems: finding.problems.iter().map(|p| p.code).collect(),
        online,
    }
}

pub(super) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Checks a value about to be stored under `name` in `env`.
pub(super) fn check_new(
    catalog: &Catalog,
    doc: &Document,
    env: &EnvironmentName,
    name: &VariableName,
    kind: Kind,
    value: &SecretString,
) -> Finding {
    crate::validate::check(catalog, name.as_str(), kind, value.expose_secret(), &config_lookup(doc, env))
}
