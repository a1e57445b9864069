//! The TOML shape of the vault document, and how it is encoded and decoded: what
//! `age -d` shows. Decoding never quotes the document's text in an error, only its
//! field names and line numbers.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{DecodeError, Document, FORMAT_VERSION};
use crate::audit::Anchor;
use crate::environment::Environment;
use crate::export::ExportRecord;
use crate::name::{EnvironmentName, ProfileName, VariableName};
use crate::profile::Profile;
use crate::rotation::Policy;
use crate::variable::{History, Kind, Metadata, PastValue, Replacement, Store, Validation, Value, Variable};

impl Document {
    /// Encodes the document as TOML. The text holds secret values, so it is zeroized
    /// when dropped.
    pub fn encode(&self) -> Zeroizing<String> {
        // Format 2 only for what format 1 cannot say: a rollback in a history.
        let rollbacks = self
            .environments
            .values()
            .flat_map(|env| env.variables())
            .any(|v| v.meta.history.0.iter().any(|p| p.by != Replacement::NewValue));
        let raw = RawDocument {
            format: if rollbacks { FORMAT_VERSION } else { 1 },
            id: self.id.clone(),
            generation: self.generation,
            audit_anchor: self.audit_anchor.clone(),
            audit_key: self.audit_key.clone(),
            environments: self
                .environments
                .iter()
                .map(|(name, env)| {
                    let variables = env.variables().map(|v| (v.name.clone(), RawVariable::from(v))).collect();
                    (name.clone(), RawEnvironment { extends: env.extends().cloned(), variables })
                })
                .collect(),
            profiles: self.profiles.clone(),
            exports: self.exports.clone(),
        };
        // Serializing our own plain data types to TOML cannot fail: every map key is a
        // string and every value is a string, table or datetime string.
        Zeroizing::new(toml::to_string(&raw).expect("a vault document always encodes as TOML"))
    }

    /// Decodes a document from TOML text.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        let raw: RawDocument = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(err) => {
                // A newer format may be shaped differently: say so, rather than report
                // the first field this build does not know.
                if let Ok(probe) = toml::from_str::<FormatProbe>(text)
                    && probe.format > FORMAT_VERSION
                {
                    return Err(DecodeError::NewerFormat { found: probe.format });
                }
                return Err(DecodeError::Malformed { reason: describe_toml_error(&err, text) });
            }
        };
        if raw.format > FORMAT_VERSION {
            return Err(DecodeError::NewerFormat { found: raw.format });
        }
        if raw.format == 0 {
            return Err(DecodeError::Malformed { reason: "format version 0".into() });
        }
        let mut environments = BTreeMap::new();
        for (env_name, raw_env) in raw.environments {
            let mut env = Environment::extending(raw_env.extends);
            for (name, raw_var) in raw_env.variables {
                let var = raw_var.into_variable(name, &env_name)?;
                env.insert(var);
            }
            environments.insert(env_name, env);
        }
        if !environments.contains_key(&EnvironmentName::default_name()) {
            return Err(DecodeError::Malformed { reason: "it has no `default` environment".into() });
        }
        for (name, env) in &environments {
            if let Some(base) = env.extends()
                && !environments.contains_key(base)
            {
                return Err(DecodeError::Malformed {
                    reason: format!("environment `{name}` extends `{base}`, which does not exist"),
                });
            }
        }
        Ok(Self {
            id: raw.id,
            generation: raw.generation,
            environments,
            exports: raw.exports,
            audit_key: raw.audit_key,
            audit_anchor: raw.audit_anchor,
            profiles: raw.profiles,
        })
    }
}

/// What a TOML error says, as a reason and a place, never holding text of the document
/// but its field names: serde's messages quote the value they could not take (`unknown
/// variant `sk-...``), and a hand-edited vault may have a key in the wrong field.
fn describe_toml_error(err: &toml::de::Error, text: &str) -> String {
    let message = err.message().lines().next().unwrap_or("unreadable").trim();
    let reason = without_quotes(message);
    let Some(span) = err.span() else { return reason };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_text = text[before.rfind('\n').map_or(0, |i| i + 1)..].lines().next().unwrap_or_default();
    let key = line_text.split_once('=').map(|(k, _)| k.trim()).filter(|k| is_field_name(k));
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|h| h.trim_matches(|c| c == '[' || c == ']'))
        .filter(|h| {
            h.split('.').all(|part| {
                is_field_name(part) || VariableName::new(part).is_ok() || EnvironmentName::new(part).is_ok()
            })
        });
    match (key, table) {
        (Some(key), Some(table)) => format!("{reason}: `{key}` of [{table}], line {line}"),
        (Some(key), None) => format!("{reason}: `{key}`, line {line}"),
        (None, Some(table)) => format!("{reason}: in [{table}], line {line}"),
        (None, None) => format!("{reason}: line {line}"),
    }
}

/// A serde message without the text it quotes, keeping what was expected (which comes
/// from the document's shape, not its content).
fn without_quotes(message: &str) -> String {
    let (head, expected) = match message.split_once(", expected ") {
        Some((head, expected)) => (head, Some(expected)),
        None => (message, None),
    };
    let head =
        head.split(['`', '"', '\'']).next().unwrap_or_default().trim().trim_end_matches([':', ',']).trim();
    let head = if head.is_empty() { "not valid" } else { head };
    match expected {
        Some(expected) => format!("{head}, expected {expected}"),
        None => head.to_owned(),
    }
}

/// Whether `text` looks like one of the document's own field names (`kind`,
/// `keychain_account`), so it may be shown.
fn is_field_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[derive(Deserialize)]
struct FormatProbe {
    format: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    format: u32,
    id: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    generation: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit_anchor: Option<Anchor>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    audit_key: Option<SecretString>,
    #[serde(default)]
    environments: BTreeMap<EnvironmentName, RawEnvironment>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    profiles: BTreeMap<ProfileName, Profile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    exports: Vec<ExportRecord>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extends: Option<EnvironmentName>,
    #[serde(default)]
    variables: BTreeMap<VariableName, RawVariable>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariable {
    kind: Kind,
    store: Store,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    value: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keychain_account: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    notes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    validation: Option<Validation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rotation: Option<Policy>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    rotated: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    snoozed_until: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    history: Vec<RawPast>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPast {
    #[serde(serialize_with = "expose_one")]
    value: SecretString,
    #[serde(with = "time::serde::rfc3339")]
    until: OffsetDateTime,
    /// Written only for a rollback: a vault without rollbacks reads as before.
    #[serde(default, skip_serializing_if = "is_new_value")]
    by: Replacement,
}

fn is_new_value(by: &Replacement) -> bool {
    *by == Replacement::NewValue
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn expose_one<S: Serializer>(value: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.expose_secret())
}

fn expose<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

impl From<&Variable> for RawVariable {
    fn from(v: &Variable) -> Self {
        let (value, keychain_account) = match &v.value {
            Value::InVault(secret) => (Some(secret.clone()), None),
            Value::Keychain { account } => (None, Some(account.clone())),
        };
        RawVariable {
            kind: v.kind,
            store: v.store(),
            value,
            keychain_account,
            created: v.meta.created,
            updated: v.meta.updated,
            provider: v.meta.provider.clone(),
            notes: v.meta.notes.clone(),
            validation: v.meta.validation.clone(),
            rotation: v.meta.rotation.clone(),
            rotated: v.meta.rotated,
            snoozed_until: v.meta.snoozed_until,
            history: v
                .meta
                .history
                .0
                .iter()
                .map(|p| RawPast { value: p.value.clone(), until: p.until, by: p.by })
                .collect(),
        }
    }
}

impl RawVariable {
    fn into_variable(self, name: VariableName, env: &EnvironmentName) -> Result<Variable, DecodeError> {
        let value = match (self.store, self.value, self.keychain_account) {
            (Store::Vault, Some(secret), None) => Value::InVault(secret),
            (Store::Keychain, None, Some(account)) => Value::Keychain { account },
            _ => {
                return Err(DecodeError::Malformed {
                    reason: format!(
                        "variable `{name}` of environment `{env}` needs `value` when stored in the vault, or `keychain_account` when stored in the keychain"
                    ),
                });
            }
        };
        Ok(Variable {
            name,
            kind: self.kind,
            value,
            meta: Metadata {
                created: self.created,
                updated: self.updated,
                provider: self.provider,
                notes: self.notes,
                validation: self.validation,
                rotation: self.rotation,
                rotated: self.rotated,
                snoozed_until: self.snoozed_until,
                history: History(
                    self.history
                        .into_iter()
                        .map(|p| PastValue { value: p.value, until: p.until, by: p.by })
                        .collect(),
                ),
            },
        })
    }
}
