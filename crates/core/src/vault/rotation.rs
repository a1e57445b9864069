//! Rotation of stored secrets: their schedules, the history of their values, rollback.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::checks::now;
use super::{EditError, GetError, Vault};
use crate::audit::{Access, Event};
use crate::name::{EnvironmentName, VariableName};
use crate::rotation::{Presets, Schedule, SecretClass, needs_reminder, schedule};
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
    /// Where a sweep found its current value outside the vault, until it is rotated.
    pub leaked: Option<crate::sweep::leaks::Leak>,
}

impl Due {
    fn of(variable: VariableSummary, presets: Presets, now: OffsetDateTime) -> Self {
        let class = SecretClass::of(variable.name.as_str());
        let schedule = schedule(variable.rotated, class, variable.rotation.as_ref(), presets, now);
        Due { variable, class, schedule, leaked: None }
    }
}

impl Vault {
    /// The rotation schedule of every secret `env` sees, at `now`.
    pub fn rotation(
        &self,
        env: &EnvironmentName,
        presets: Presets,
        now: OffsetDateTime,
    ) -> Result<Vec<Due>, GetError> {
        let leaks = self.leaks().unwrap_or_else(|e| {
            self.note(format!("the record of leaked secrets is unreadable: {e}"));
            Vec::new()
        });
        Ok(self
            .list(env)?
            .into_iter()
            .filter(|v| v.kind == Kind::Secret)
            .map(|variable| {
                let defined_in = variable.inherited_from.as_ref().unwrap_or(env);
                let leaked = leaks
                    .iter()
                    .find(|l| l.variable == variable.name && &l.environment == defined_in)
                    .cloned();
                Due { leaked, ..Due::of(variable, presets, now) }
            })
            .collect())
    }

    /// The secrets of every environment that call for a reminder at `now` (each where it
    /// is defined, not again where it is inherited), from one read of the vault.
    pub fn reminders(
        &self,
        presets: Presets,
        now: OffsetDateTime,
    ) -> Result<Vec<(EnvironmentName, VariableName)>, GetError> {
        let doc = self.read()?;
        let mut found = Vec::new();
        for (env, _) in doc.environments() {
            for resolved in doc.resolve(env)? {
                let variable = resolved.variable.summary();
                if resolved.from != env || variable.kind != Kind::Secret {
                    continue;
                }
                let due = Due::of(variable, presets, now);
                if needs_reminder(due.schedule.status, due.variable.snoozed_until, now) {
                    found.push((env.clone(), due.variable.name));
                }
            }
        }
        Ok(found)
    }

    /// The previous values of `name`, oldest first, and the current one: when each was
    /// replaced, and a short fingerprint that tells values apart; never the values.
    pub fn history(&self, env: &EnvironmentName, name: &VariableName) -> Result<ValueHistory, HistoryError> {
        let key = self.own_key()?;
        let doc = self.read().map_err(GetError::from)?;
        let variable = doc
            .environment(env)
            .map_err(GetError::from)?
            .get(name)
            .ok_or_else(|| GetError::NotFound { name: name.clone(), env: env.clone() })?;
        let current = super::ValueReader::default().read(&variable.value).map_err(GetError::from)?;
        let history = &variable.meta.history.0;
        Ok(ValueHistory {
            current: fingerprint(&key, &current),
            restored: history.last().is_some_and(|p| p.by == crate::variable::Replacement::Rollback),
            past: history
                .iter()
                .map(|p| PastEntry {
                    until: p.until,
                    fingerprint: fingerprint(&key, &p.value),
                    replaced_by: p.by,
                })
                .collect(),
        })
    }

    /// Changes the rotation settings of `name` (the interval and hard expiry), or with
    /// `snooze`, quiets its reminders until then; the value is left alone.
    pub fn set_rotation(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        policy: Option<crate::rotation::Policy>,
        snooze: Option<Option<OffsetDateTime>>,
    ) -> Result<VariableSummary, EditError> {
        self.update(|doc| {
            let environment = doc.environment_mut(env)?;
            let mut variable = environment
                .get(name)
                .cloned()
                .ok_or_else(|| EditError::NotFound { name: name.clone(), env: env.clone() })?;
            if let Some(policy) = policy {
                variable.meta.rotation = Some(policy).filter(|p| *p != crate::rotation::Policy::default());
            }
            if let Some(until) = snooze {
                variable.meta.snoozed_until = until;
            }
            let summary = variable.summary();
            environment.insert(variable);
            Ok(summary)
        })
    }

    /// Restores a previous value of `name`: `back` 1 is the one before the current, 2 the
    /// one before that (as `latchkey history` numbers them). The current value joins the
    /// history, so a rollback can itself be undone.
    pub fn rollback(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        back: usize,
    ) -> Result<RolledBack, EditError> {
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
            let kept = variable.meta.history.0.len();
            if kept == 0 {
                return Err(EditError::NoHistory { name: name.clone() });
            }
            if back == 0 || back > kept {
                return Err(EditError::NoSuchVersion { name: name.clone(), back, kept });
            }
            let previous = variable.meta.history.0.remove(kept - back);
            variable.meta.history.keep(crate::variable::PastValue {
                value: current,
                until: now,
                by: crate::variable::Replacement::Rollback,
            });
            variable.value = Value::InVault(previous.value);
            variable.meta.rotated = Some(now);
            variable.meta.updated = now;
            variable.meta.validation = None;
            let summary = variable.summary();
            environment.insert(variable);
            Ok(summary)
        })
        .map(|summary| RolledBack { summary, audit_error: self.record_change(Access::Rollback, env, name) })
    }

    /// Records a rotation or a rollback in the audit log (names only); what went wrong
    /// if it could not be.
    fn record_change(&self, access: Access, env: &EnvironmentName, name: &VariableName) -> Option<String> {
        let event = Event { env: env.to_string(), names: vec![name.to_string()], ..Event::default() };
        self.record_access(access, event).err().map(|e| e.to_string())
    }
}

/// What a rollback did.
#[derive(Debug)]
pub struct RolledBack {
    /// The variable as it is now.
    pub summary: VariableSummary,
    /// Why the rollback is missing from the audit log, when it is.
    pub audit_error: Option<String>,
}

/// Why a rotation was refused. When this is returned, the vault is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RotateError {
    /// There is no secret of that name in the environment itself.
    #[error("no secret `{name}` in `{env}` to rotate: store it first with `latchkey set {name} --env {env}`")]
    NotFound {
        /// The variable.
        name: VariableName,
        /// The environment.
        env: EnvironmentName,
    },
    /// The new value is not a key of the provider the old one belonged to.
    #[error("the new value is not a key of {provider} ({seen})")]
    OtherProvider {
        /// The old key's provider, by name.
        provider: String,
        /// What the new value looks like.
        seen: String,
    },
    /// The new value is the current one.
    #[error("the new value is the one {name} has now: nothing was changed; paste the new key")]
    Unchanged {
        /// The variable.
        name: VariableName,
    },
    /// The vault could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// The value could not be stored (a refused placeholder, the keychain, the disk).
    #[error(transparent)]
    Set(#[from] super::SetError),
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    /// The format checks of the new value.
    pub finding: crate::validate::Finding,
    /// Recorded exports that held the old value and are stale now.
    pub stale_exports: Vec<crate::export::ExportRecord>,
    /// Why the rotation is missing from the audit log, when it is.
    pub audit_error: Option<String>,
}

impl Vault {
    /// Replaces the value of secret `name` with `value`, which must be a well-formed key
    /// of the same provider (unless `force`); the old value joins the history and the
    /// schedule starts again. An expiry that has passed goes with the old value, unless
    /// `rotation` gives the new key's, written in the same change.
    pub fn rotate(
        &self,
        env: &EnvironmentName,
        name: &VariableName,
        value: SecretString,
        catalog: &crate::validate::Catalog,
        force: bool,
        rotation: Option<crate::rotation::PolicyChange>,
    ) -> Result<Rotated, RotateError> {
        let current = self
            .list(env)?
            .into_iter()
            .find(|v| &v.name == name && v.inherited_from.is_none() && v.kind == Kind::Secret)
            .ok_or_else(|| RotateError::NotFound { name: name.clone(), env: env.clone() })?;
        // The same value again is no rotation: its schedule and history would lie.
        if self.get(env, name).is_ok_and(|now| now.expose_secret() == value.expose_secret()) {
            return Err(RotateError::Unchanged { name: name.clone() });
        }
        let finding = self.check_value(env, name, Kind::Secret, &value, catalog)?;
        // A placeholder or a failed checksum is refused by `set_checked` below, with its
        // own reason; here, a well-formed key of another provider, or a value that is not
        // the shape of this provider's keys.
        if let Some(before) = current.provider.as_deref()
            && !force
            && finding.refusals().all(|p| p.code == crate::validate::ProblemCode::ProviderMismatch)
        {
            let trimmed = crate::validate::trimmed(value.expose_secret());
            let name_of = |id: &str| catalog.provider(id).map_or_else(|| id.to_owned(), |p| p.name.clone());
            let other = catalog.matches(trimmed).map(|(p, _)| p.id.clone()).find(|id| id != before);
            let seen = match other {
                Some(other) if !catalog.matches(trimmed).any(|(p, _)| p.id == before) => {
                    Some(format!("it looks like a key of {}", name_of(&other)))
                }
                _ if finding.has(crate::validate::ProblemCode::Format)
                    || finding.has(crate::validate::ProblemCode::ProviderMismatch) =>
                {
                    Some("it does not have the shape of one".to_owned())
                }
                _ => None,
            };
            if let Some(seen) = seen {
                return Err(RotateError::OtherProvider { provider: name_of(before), seen });
            }
        }
        let new = super::NewValue {
            kind: Kind::Secret,
            store: current.store,
            value,
            provider: None,
            notes: None,
            rotation,
            made: None,
        };
        let enforce = super::EnforceChecks::forced(force);
        let (_, finding) = self.set_checked(env, name, new, catalog, enforce)?;
        let stale_exports = self
            .exports()?
            .into_iter()
            .filter(|e| e.state == crate::export::ExportState::Stale && e.record.names.contains(name))
            .map(|e| e.record)
            .collect();
        Ok(Rotated { finding, stale_exports, audit_error: self.record_change(Access::Rotate, env, name) })
    }
}

/// The history of a variable's value, as `latchkey history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValueHistory {
    /// The current value's fingerprint.
    pub current: String,
    /// Whether the current value is an older one a rollback restored.
    pub restored: bool,
    /// The previous values, oldest first.
    pub past: Vec<PastEntry>,
}

/// A previous value: when it was replaced, and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PastEntry {
    /// When it was replaced.
    #[serde(with = "time::serde::rfc3339")]
    pub until: OffsetDateTime,
    /// Its fingerprint: equal values have equal fingerprints.
    pub fingerprint: String,
    /// What replaced it: a new value, or a rollback to an older one.
    pub replaced_by: crate::variable::Replacement,
}

/// Why the history could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The variable or its value could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// The vault's own key (fingerprints are keyed with it) could not be made.
    #[error(transparent)]
    Key(#[from] super::SaveError),
}

/// 12 hex digits of an HMAC-SHA256 of `value` under the vault's own key: enough to tell
/// a user's few values apart, and keyed, so that a fingerprint seen in a terminal or a
/// log cannot be used to guess a short value without the vault.
fn fingerprint(key: &[u8], value: &SecretString) -> String {
    use hmac::Mac as _;
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"latchkey fingerprint\0");
    mac.update(value.expose_secret().as_bytes());
    let mut hex = crate::encoding::hex(&mac.finalize().into_bytes());
    hex.truncate(12);
    hex
}
