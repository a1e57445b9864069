//! Changing and reading variables and environments of an unlocked vault.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::checks::{check_new, now, validation_of};
use super::{EditError, GetError, RemoveError, SetError, Vault};
use crate::keychain::{Keychain, KeychainError};
use crate::name::{EnvironmentName, VariableName};
use crate::validate::{Catalog, Finding};
use crate::variable::{Kind, Metadata, Store, Value, Variable, VariableSummary};

/// A value to store, with what is known about it.
#[derive(Debug)]
pub struct NewValue {
    /// Secret or config.
    pub kind: Kind,
    /// Where to keep the value.
    pub store: Store,
    /// The value.
    pub value: SecretString,
    /// The provider, when known. `None` keeps the provider an existing variable has.
    pub provider: Option<String>,
    /// Notes. `None` keeps the notes an existing variable has.
    pub notes: Option<String>,
    /// A change to the rotation settings. `None` keeps those an existing variable has.
    pub rotation: Option<crate::rotation::PolicyChange>,
    /// When the value was made at its provider (`--created`); `None` for now.
    pub made: Option<crate::variable::KeyMade>,
}

/// What `set` stored: whether it created or updated the variable, and the variable as
/// it now is (without its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Created or updated.
    pub outcome: SetOutcome,
    /// The variable as stored.
    pub variable: VariableSummary,
}

/// Whether `set` created a variable or changed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOutcome {
    /// A new variable was created.
    Created,
    /// An existing variable was given a new value.
    Updated,
}

/// Whether [`Vault::set_checked`] stores a value whose checks refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforceChecks {
    /// Refuse placeholders and failed checksums.
    Refusals,
    /// Store it anyway, with the findings recorded.
    Force,
}

impl EnforceChecks {
    /// [`EnforceChecks::Force`] when the user said `--force` (or Store anyway).
    pub fn forced(force: bool) -> Self {
        if force { Self::Force } else { Self::Refusals }
    }
}

/// A change to what is known about a variable, leaving its value alone.
#[derive(Debug, Clone)]
pub struct MetadataEdit {
    /// Secret or config; `None` keeps it.
    pub kind: Option<Kind>,
    /// The provider; `None` keeps it, empty clears it.
    pub provider: Option<String>,
    /// Notes; `None` keeps them.
    pub notes: Option<String>,
    /// A change to the rotation settings; `None` keeps them.
    pub rotation: Option<crate::rotation::PolicyChange>,
}

/// What a removal left behind: keychain entries that could not be deleted. The vault no
/// longer refers to them.
#[derive(Debug, Default)]
pub struct Removed {
    /// Keychain entries left in place, with the reason.
    pub orphaned: Vec<(String, KeychainError)>,
}

impl Vault {
    /// The keychain account of variable `name` of environment `env`.
    pub fn keychain_account(&self, env: &EnvironmentName, name: &VariableName) -> String {
        format!("{}/{env}/{name}", self.settings.vault_id)
    }

    /// Stores a value for `name` in `env`, creating or replacing the variable, without
    /// checking it.
    ///
    /// A keychain value is written to the keychain before the vault records the
    /// reference. A replaced variable keeps its creation time, and its provider and
    /// notes unless new ones are given.
    pub fn set(&self, env: &EnvironmentName, name: &VariableName, new: NewValue) -> Result<Stored, SetError> {
        self.store(env, name, new, None).map(|(stored, _)| stored)
    }

    /// [`Vault::set`], after the format checks of the catalog: refuses a placeholder or
    /// a failed checksum unless `enforce` is [`EnforceChecks::Force`], and records what the
    /// checks found beside the variable. The provider, unless given, is the one the
    /// checks detected.
    pub fn set_checked(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        new: NewValue,
        catalog: &Catalog,
        enforce: EnforceChecks,
    ) -> Result<(Stored, Finding), SetError> {
        let (stored, finding) = self.store(env, name, new, Some((catalog, enforce)))?;
        Ok((stored, finding.expect("a checked store returns its finding")))
    }

    fn store(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        mut new: NewValue,
        checks: Option<(&Catalog, EnforceChecks)>,
    ) -> Result<(Stored, Option<Finding>), SetError> {
        if new.kind == Kind::Config && new.made.is_some() {
            return Err(SetError::MadeForConfig(name.clone()));
        }
        let now = now();
        let account = self.keychain_account(env, name);
        let (previous_store, variable, finding) = self.update(|doc| -> Result<_, SetError> {
            doc.environment(env)?;
            let finding = checks.map(|(catalog, _)| check_new(catalog, doc, env, name, new.kind, &new.value));
            let environment = doc.environment_mut(env)?;
            if let (Some(finding), Some((_, EnforceChecks::Refusals))) = (&finding, checks)
                && let Some(refusal) = finding.refusals().next()
            {
                return Err(SetError::Refused {
                    name: name.clone(),
                    reason: refusal.message.clone(),
                    finding: Box::new(finding.clone()),
                });
            }
            if new.provider.is_none() && new.kind == Kind::Secret {
                new.provider = finding.as_ref().and_then(|f| f.provider.clone());
            }
            let previous = environment.get(name).cloned();
            let value = match new.store {
                Store::Vault => Value::InVault(new.value),
                Store::Keychain => {
                    Keychain::open()?.store(&account, &new.value)?;
                    Value::Keychain { account: account.clone() }
                }
            };
            let mut meta = previous.as_ref().map_or_else(|| Metadata::new(now), |p| p.meta.clone());
            meta.updated = now;
            if let Some(provider) = new.provider {
                meta.provider = Some(provider).filter(|p| !p.is_empty());
            }
            if let Some(notes) = new.notes {
                meta.notes = notes;
            }
            let expiry_given = new.rotation.is_some_and(|c| c.expires.is_some());
            if let Some(change) = new.rotation {
                meta.rotation = change.apply(meta.rotation.as_ref());
            }
            // A changed value is a rotation: the old one goes to the history.
            let rotated = if let Some(Value::InVault(old)) = previous.as_ref().map(|p| &p.value)
                && old.expose_secret() != value_text(&value).unwrap_or_default()
            {
                meta.history.push(old.clone(), now);
                true
            } else {
                previous.as_ref().is_some_and(|p| p.store() == Store::Keychain)
            };
            if rotated {
                meta.rotated = Some(now);
                // An expiry that has passed was the old key's: the new one's is not known
                // (unless given with it).
                if !expiry_given && let Some(policy) = meta.rotation.as_mut() {
                    if policy.expires.is_some_and(|e| e <= now.date()) {
                        policy.expires = None;
                    }
                    meta.rotation = meta.rotation.filter(|r| *r != crate::rotation::Policy::default());
                }
            }
            if let Some(made) = new.made {
                meta.value_made(made, previous.is_none(), rotated);
            }
            // A new value makes the previous results meaningless.
            meta.validation = finding.as_ref().map(|f| validation_of(f, now, None));
            let variable = Variable { name: name.clone(), kind: new.kind, value, meta };
            let summary = variable.summary();
            environment.insert(variable);
            Ok((previous.map(|p| p.store()), summary, finding))
        })?;
        if previous_store == Some(Store::Keychain) && new.store == Store::Vault {
            // The vault no longer refers to the old entry; a failure here only leaves an
            // unused entry behind.
            let _ = Keychain::open().and_then(|k| k.delete(&account));
        }
        let outcome = if previous_store.is_some() { SetOutcome::Updated } else { SetOutcome::Created };
        Ok((Stored { outcome, variable }, finding))
    }

    /// Changes the kind, provider and notes of `name` in `env`, keeping its value.
    pub fn edit(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        edit: MetadataEdit,
    ) -> Result<VariableSummary, EditError> {
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        self.update(|doc| -> Result<_, EditError> {
            let environment = doc.environment_mut(env)?;
            let mut variable = environment
                .get(name)
                .cloned()
                .ok_or_else(|| EditError::NotFound { name: name.clone(), env: env.clone() })?;
            // Merged here, under the lock: what another writer changed meanwhile stays.
            if let Some(kind) = edit.kind {
                variable.kind = kind;
            }
            if let Some(provider) = edit.provider {
                variable.meta.provider = Some(provider).filter(|p| !p.is_empty());
            }
            if let Some(notes) = edit.notes {
                variable.meta.notes = notes;
            }
            if let Some(change) = edit.rotation {
                variable.meta.rotation = change.apply(variable.meta.rotation.as_ref());
            }
            variable.meta.updated = now;
            let summary = variable.summary();
            environment.insert(variable);
            Ok(summary)
        })
    }

    /// Reads the value of `name` as `env` sees it (its own, or inherited), from the vault
    /// or the keychain.
    pub fn get(&self, env: &EnvironmentName, name: &VariableName) -> Result<SecretString, GetError> {
        let doc = self.read()?;
        let found = doc
            .lookup(env, name)?
            .ok_or_else(|| GetError::NotFound { name: name.clone(), env: env.clone() })?;
        match &found.variable.value {
            Value::InVault(secret) => Ok(secret.clone()),
            Value::Keychain { account } => Ok(Keychain::open()?.load(account)?),
        }
    }

    /// The variables `env` sees (its own and those it inherits), without their values;
    /// an inherited one says where it comes from.
    pub fn list(&self, env: &EnvironmentName) -> Result<Vec<VariableSummary>, GetError> {
        let doc = self.read()?;
        Ok(doc
            .resolve(env)?
            .into_iter()
            .map(|r| VariableSummary {
                inherited_from: Some(r.from.clone()).filter(|from| from != env),
                ..r.variable.summary()
            })
            .collect())
    }

    /// Removes `name` from `env`, and its keychain entry if it has one.
    pub fn remove(&self, env: &EnvironmentName, name: &VariableName) -> Result<Removed, RemoveError> {
        let removed = self.update(|doc| -> Result<_, RemoveError> {
            if let Some(found) = doc.lookup(env, name)?
                && found.from != env
            {
                return Err(RemoveError::Inherited {
                    name: name.clone(),
                    env: env.clone(),
                    from: found.from.clone(),
                });
            }
            doc.environment_mut(env)?
                .remove(name)
                .ok_or_else(|| RemoveError::NotFound { name: name.clone(), env: env.clone() })
        })?;
        Ok(delete_keychain_values([removed].iter()))
    }
}

fn value_text(value: &Value) -> Option<&str> {
    match value {
        Value::InVault(v) => Some(v.expose_secret()),
        Value::Keychain { .. } => None,
    }
}

pub(super) fn delete_keychain_values<'a>(variables: impl Iterator<Item = &'a Variable>) -> Removed {
    let mut removed = Removed::default();
    let accounts: Vec<&str> = variables
        .filter_map(|v| match &v.value {
            Value::Keychain { account } => Some(account.as_str()),
            Value::InVault(_) => None,
        })
        .collect();
    if accounts.is_empty() {
        return removed;
    }
    match Keychain::open() {
        Ok(keychain) => {
            for account in accounts {
                if let Err(err) = keychain.delete(account) {
                    removed.orphaned.push((account.to_owned(), err));
                }
            }
        }
        Err(err) => removed.orphaned.extend(accounts.into_iter().map(|a| (a.to_owned(), err.clone()))),
    }
    removed
}
