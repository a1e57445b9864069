//! Validation of stored variables: format checks on store and on request, online checks
//! on request, and the record of the latest results in the vault.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{GetError, SaveError, Vault};
use crate::document::Document;
use crate::name::{EnvironmentName, VariableName};
use crate::validate::verify::{self, Target, Verdict, Verifier};
use crate::validate::{Catalog, Finding};
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
    let (indices, targets) = take_targets(checked);
    for (index, verdict) in indices.into_iter().zip(verifier.verify_all(targets).await) {
        checked[index].online = Some(verdict);
    }
}

/// [`verify_checked`] for callers without an async runtime (the CLI).
pub fn verify_checked_blocking(verifier: &Verifier, checked: &mut [Checked]) {
    let (indices, targets) = take_targets(checked);
    for (index, verdict) in indices.into_iter().zip(verifier.verify_blocking(targets)) {
        checked[index].online = Some(verdict);
    }
}

fn take_targets(checked: &mut [Checked]) -> (Vec<usize>, Vec<Target>) {
    checked.iter_mut().enumerate().filter_map(|(i, c)| c.target.take().map(|t| (i, t))).unzip()
}

fn prepare_online(
    catalog: &Catalog,
    item: &mut Checked,
    value: SecretString,
    config: &dyn Fn(&str) -> Option<String>,
) {
    match plan_online(catalog, &item.finding, &value, config) {
        Some(Ok(target)) => item.target = Some(target),
        Some(Err(verdict)) => item.online = Some(verdict),
        None => {}
    }
}

/// How one value is checked online, the one rule for `check`, `rotate --online`,
/// `check --stdin` and the app: the value is trimmed as the user meant it; a value
/// the checks refuse (a placeholder, a failed checksum) or with no known provider is
/// not sent at all (`None`); otherwise the request is prepared for the provider's base
/// URL as `config` configures it, or answered at once when none may be sent.
pub fn plan_online(
    catalog: &Catalog,
    finding: &Finding,
    value: &SecretString,
    config: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<Target, Verdict>> {
    let provider = finding.provider.as_deref()?;
    if finding.refusals().next().is_some() {
        return None;
    }
    let trimmed = SecretString::from(crate::validate::trimmed(value.expose_secret()));
    let verifiable = catalog.verifiable(trimmed.expose_secret());
    Some(verify::prepare(catalog, provider, trimmed, verifiable, config))
}

impl Vault {
    /// The format checks of a value not stored yet, as if stored under `name` in `env`,
    /// and the provider's answer about it (`None` when nothing was asked): for `rotate
    /// --online`.
    pub fn check_value_online(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        value: &SecretString,
        catalog: &Catalog,
        verifier: &Verifier,
    ) -> Result<(Finding, Option<Verdict>), GetError> {
        let doc = self.read()?;
        doc.environment(env)?;
        let config = config_lookup(&doc, env);
        let finding =
            crate::validate::check(catalog, name.as_str(), Kind::Secret, value.expose_secret(), &config);
        let verdict = match plan_online(catalog, &finding, value, &config) {
            Some(Ok(target)) => Some(verifier.verify_blocking(vec![target]).remove(0)),
            Some(Err(verdict)) => Some(verdict),
            None => None,
        };
        Ok((finding, verdict))
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
