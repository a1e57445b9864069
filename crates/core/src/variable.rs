//! Variables: a named value with its kind, where it is stored, and its metadata.

use std::fmt;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::name::{EnvironmentName, VariableName};
use crate::rotation::Policy;
use crate::validate::verify::Online;
use crate::validate::{FormatVerdict, ProblemCode};

pub use crate::kind::Kind;

/// Where a variable's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Store {
    /// Inside the age-encrypted vault file.
    #[default]
    Vault,
    /// In the OS keychain; the vault keeps only the entry's account name.
    Keychain,
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Store::Vault => "vault",
            Store::Keychain => "keychain",
        })
    }
}

/// Where the value of a variable is, as recorded in the vault.
#[derive(Clone)]
pub enum Value {
    /// The value itself, held in the encrypted vault.
    InVault(SecretString),
    /// A reference to an OS keychain entry (service `latchkey`, this account).
    Keychain {
        /// The keychain entry's account name: `VAULT_ID/ENV/NAME`.
        account: String,
    },
}

impl Value {
    /// The store this value lives in.
    pub fn store(&self) -> Store {
        match self {
            Value::InVault(_) => Store::Vault,
            Value::Keychain { .. } => Store::Keychain,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::InVault(_) => f.write_str("InVault(<redacted>)"),
            Value::Keychain { account } => f.debug_struct("Keychain").field("account", account).finish(),
        }
    }
}

/// Facts about a variable that are not its value. Safe to show anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// When the variable was first stored.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When its value or metadata last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// The provider this key belongs to (`openai`, `github`, ...), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Free-form notes: where the key came from, who owns it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The latest validation of its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    /// Its own rotation settings, overriding the preset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Policy>,
    /// When its value last changed; its creation when never.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub rotated: Option<OffsetDateTime>,
    /// Rotation reminders for it are quiet until then.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<OffsetDateTime>,
    /// Its previous values, newest last (kept only in the encrypted vault).
    #[serde(skip)]
    pub history: History,
}

impl Metadata {
    /// Metadata for a variable created at `now`.
    pub fn new(now: OffsetDateTime) -> Self {
        Self {
            created: now,
            updated: now,
            provider: None,
            notes: String::new(),
            validation: None,
            rotation: None,
            rotated: None,
            snoozed_until: None,
            history: History::default(),
        }
    }

    /// When the value last changed.
    pub fn last_rotated(&self) -> OffsetDateTime {
        self.rotated.unwrap_or(self.created)
    }

    /// Records that the current value was made at `made` (`--created`), not when it was
    /// stored: a new variable was created then, a replaced value rotated then. Its
    /// rotation schedule counts from that day. For a value that did not change, the date
    /// can only move back: giving today never makes an overdue key look fresh.
    pub(crate) fn value_made(&mut self, made: KeyMade, is_new: bool, replaced: bool) {
        if is_new {
            self.created = made.0;
        } else if replaced {
            self.created = self.created.min(made.0);
            self.rotated = Some(made.0);
        } else {
            self.created = self.created.min(made.0);
            self.rotated = self.rotated.map(|r| r.min(made.0));
        }
    }
}

/// The day a key was made at its provider, as a user gives it (`--created 2026-09-01`),
/// so that a key stored today is not taken for a new one. Never in the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMade(OffsetDateTime);

/// Why a day cannot be when a key was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyMadeError {
    /// It is not a date.
    #[error("`{0}` is not a date: write YYYY-MM-DD")]
    NotADate(String),
    /// It is after today.
    #[error("{0} is in the future: give the day the key was made at its provider (YYYY-MM-DD)")]
    Future(time::Date),
    /// It is before 1970: no key is that old, and the vault's dates start there.
    #[error("{0} is before 1970: give the day the key was made at its provider (YYYY-MM-DD)")]
    TooEarly(time::Date),
}

impl KeyMade {
    /// The start (UTC) of `day`, or `now` if that is sooner, unless `day` has not begun
    /// anywhere on Earth at `now`: a user east of UTC gives their own today (UTC+14 is
    /// the furthest ahead), and the key is still never made after `now`.
    pub fn on(day: time::Date, now: OffsetDateTime) -> Result<Self, KeyMadeError> {
        if day > (now + time::Duration::hours(14)).date() {
            return Err(KeyMadeError::Future(day));
        }
        if day.year() < 1970 {
            return Err(KeyMadeError::TooEarly(day));
        }
        Ok(Self(day.midnight().assume_utc().min(now)))
    }

    /// The day in `text` (YYYY-MM-DD), as [`KeyMade::on`] takes it.
    pub fn parse(text: &str, now: OffsetDateTime) -> Result<Self, KeyMadeError> {
        let day = time::Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| KeyMadeError::NotADate(text.to_owned()))?;
        Self::on(day, now)
    }

    /// When, as a time.
    pub fn at(self) -> OffsetDateTime {
        self.0
    }
}

/// How many previous values a variable keeps.
pub const HISTORY_LEN: usize = 5;

/// A previous value and when it was replaced.
#[derive(Debug, Clone)]
pub struct PastValue {
    /// The value.
    pub value: SecretString,
    /// When it was replaced.
    pub until: OffsetDateTime,
    /// What replaced it: a new value, or an older one restored.
    pub by: Replacement,
}

/// What replaced a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Replacement {
    /// A new value (`set`, `rotate`, `import`).
    #[default]
    NewValue,
    /// An older value, restored by `rollback`.
    Rollback,
}

/// The previous values of a variable, oldest first, at most [`HISTORY_LEN`]. Compared and
/// printed by dates only.
#[derive(Debug, Clone, Default)]
pub struct History(pub Vec<PastValue>);

impl History {
    /// Keeps `value`, replaced at `until` by a new value, dropping the oldest beyond
    /// [`HISTORY_LEN`].
    pub fn push(&mut self, value: SecretString, until: OffsetDateTime) {
        self.keep(PastValue { value, until, by: Replacement::NewValue });
    }

    /// Keeps `past`, dropping the oldest beyond [`HISTORY_LEN`].
    pub fn keep(&mut self, past: PastValue) {
        self.0.push(past);
        let excess = self.0.len().saturating_sub(HISTORY_LEN);
        self.0.drain(..excess);
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a.until == b.until)
    }
}

impl Eq for History {}

/// The latest validation of a variable's value, kept in the vault beside it: the format
/// checks from when it was stored or last checked, and the latest online check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// When the format was checked.
    #[serde(with = "time::serde::rfc3339")]
    pub checked: OffsetDateTime,
    /// The provider detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The format verdict.
    pub format: FormatVerdict,
    /// The problems found, by code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemCode>,
    /// The latest online check, if one was made since the value last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<OnlineCheck>,
}

/// An online check's result, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineCheck {
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What the provider said.
    pub result: Online,
    /// The HTTP status, when there was an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// A variable of an environment.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Its name, unique within its environment.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// Where its value is.
    pub value: Value,
    /// Created and updated times, provider, notes.
    pub meta: Metadata,
}

impl Variable {
    /// Where its value is stored.
    pub fn store(&self) -> Store {
        self.value.store()
    }

    /// What may be shown about this variable: everything but its value.
    pub fn summary(&self) -> VariableSummary {
        VariableSummary {
            name: self.name.clone(),
            kind: self.kind,
            store: self.store(),
            provider: self.meta.provider.clone(),
            notes: self.meta.notes.clone(),
            created: self.meta.created,
            updated: self.meta.updated,
            validation: self.meta.validation.clone(),
            rotation: self.meta.rotation.clone(),
            rotated: self.meta.last_rotated(),
            versions: self.meta.history.0.len() as u32,
            snoozed_until: self.meta.snoozed_until,
            inherited_from: None,
        }
    }
}

/// A variable without its value, for listings (`latchkey list`, the desktop table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariableSummary {
    /// Its name.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// Where its value is stored.
    pub store: Store,
    /// The provider, when known.
    pub provider: Option<String>,
    /// Notes.
    pub notes: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When it was last updated.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// The latest validation, when it was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    /// Its own rotation settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Policy>,
    /// When its value last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub rotated: OffsetDateTime,
    /// How many previous values it keeps.
    pub versions: u32,
    /// Rotation reminders for it are quiet until then.
    #[serde(with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<OffsetDateTime>,
    /// The environment it is inherited from, when the listed environment does not
    /// define it itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<EnvironmentName>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_variable_never_prints_its_value() {
        let var = Variable {
            name: VariableName::new("OPENAI_API_KEY").unwrap(),
            kind: Kind::Secret,
            value: Value::InVault(SecretString::from("sk-proj-hunter2-hunter2")),
            meta: Metadata::new(OffsetDateTime::UNIX_EPOCH),
        };
        let shown = format!("{var:?} {var:#?} {:?}", var.value);
        assert!(!shown.contains("hunter2"), "Debug leaked the value: {shown}");
        assert!(shown.contains("OPENAI_API_KEY"));
    }

    #[test]
    fn a_key_is_made_on_a_day_begun_somewhere_and_never_after_now() {
        let now = time::macros::datetime!(2026-03-04 22:00 UTC);
        // In UTC+10 it is already 2026-03-05: that day may be given, and is now at most.
        let made = KeyMade::parse("2026-03-05", now).unwrap();
        assert_eq!(made.at(), now);
        assert_eq!(
            KeyMade::parse(" 2025-01-15 ", now).unwrap().at(),
            time::macros::datetime!(2025-01-15 0:00 UTC)
        );
        assert!(matches!(KeyMade::parse("2026-03-06", now), Err(KeyMadeError::Future(_))));
        assert!(matches!(KeyMade::parse("1969-12-31", now), Err(KeyMadeError::TooEarly(_))));
        assert!(matches!(KeyMade::parse("05/03/2026", now), Err(KeyMadeError::NotADate(_))));
    }
}
