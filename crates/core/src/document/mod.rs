//! The vault document: every environment and variable, and its TOML encoding.
//!
//! This is the plaintext that `vault.age` encrypts. It is a TOML document with a
//! `format` version first, so that `age -d -i identity.txt vault.age` prints something a
//! person can read and another program can parse:
//!
//! ```toml
//! format = 1
//! id = "lk-0f3a9c1e5b7d4a21"
//!
//! [environments.default.variables.OPENAI_API_KEY]
//! kind = "secret"
//! store = "vault"
//! value = "sk-..."
//! created = "2026-11-22T10:00:00Z"
//! updated = "2026-11-22T10:00:00Z"
//! ```
//!
//! A keychain-stored variable has `keychain_account` instead of `value`.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use zeroize::Zeroizing;

mod environments;

pub use environments::Resolved;

use crate::audit::Anchor;
use crate::environment::Environment;
use crate::export::ExportRecord;
use crate::name::ProfileName;
use crate::name::{EnvironmentName, VariableName};
use crate::profile::Profile;
use crate::rotation::Policy;
use crate::variable::{History, Kind, Metadata, PastValue, Store, Validation, Value, Variable};

/// The document format this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why a document was refused when it was read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The document was written by a newer latchkey.
    #[error(
        "the vault was written by a newer latchkey (format {found}, this one reads up to {FORMAT_VERSION}): upgrade latchkey"
    )]
    NewerFormat {
        /// The format version found in the document.
        found: u32,
    },
    /// The document is not text, not TOML, or not shaped like a vault.
    #[error("the vault document is not valid ({reason})")]
    Malformed {
        /// What was wrong, without any value from the document.
        reason: String,
    },
}

/// Every environment of a vault. Always has a `default` environment.
#[derive(Debug, Clone)]
pub struct Document {
    id: String,
    generation: u64,
    environments: BTreeMap<EnvironmentName, Environment>,
    exports: Vec<ExportRecord>,
    audit_key: Option<Zeroizing<String>>,
    audit_anchor: Option<Anchor>,
    profiles: BTreeMap<ProfileName, Profile>,
}

/// Why an environment could not be found, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// There is no environment of that name.
    #[error("no environment named `{0}`: `latchkey env list` shows them, `latchkey env add {0}` creates it")]
    Unknown(EnvironmentName),
    /// An environment of that name exists already.
    #[error("environment `{0}` already exists")]
    Exists(EnvironmentName),
    /// The `default` environment cannot be removed.
    #[error("the `default` environment cannot be removed")]
    RemoveDefault,
    /// The `default` environment cannot be renamed.
    #[error("the `default` environment cannot be renamed: create another and move variables into it")]
    RenameDefault,
    /// Other environments extend this one.
    #[error("environment `{name}` is extended by {by}: remove those first, or extend another environment")]
    Extended {
        /// The environment.
        name: EnvironmentName,
        /// The environments that extend it, comma-separated.
        by: String,
    },
}

impl Document {
    /// A new document with an empty `default` environment and the given vault id.
    pub fn new(id: String) -> Self {
        let mut environments = BTreeMap::new();
        environments.insert(EnvironmentName::default_name(), Environment::new());
        Self {
            id,
            generation: 0,
            environments,
            exports: Vec::new(),
            audit_key: None,
            audit_anchor: None,
            profiles: BTreeMap::new(),
        }
    }

    /// How many times this vault was written: it only grows, so an older file is told
    /// from the latest.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Counts one more write.
    pub(crate) fn next_generation(&mut self) {
        self.generation = self.generation.saturating_add(1);
    }

    /// Where the audit log stood when the vault last saw it.
    pub fn audit_anchor(&self) -> Option<&Anchor> {
        self.audit_anchor.as_ref()
    }

    /// Moves the audit anchor.
    pub(crate) fn set_audit_anchor(&mut self, anchor: Anchor) {
        self.audit_anchor = Some(anchor);
    }

    /// The vault's id: random, fixed at `init`, used to name its keychain entries.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The environments, in name order.
    pub fn environments(&self) -> impl Iterator<Item = (&EnvironmentName, &Environment)> {
        self.environments.iter()
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &EnvironmentName) -> Result<&Environment, EnvironmentError> {
        self.environments.get(name).ok_or_else(|| EnvironmentError::Unknown(name.clone()))
    }

    /// The environment called `name`, to change it.
    pub fn environment_mut(&mut self, name: &EnvironmentName) -> Result<&mut Environment, EnvironmentError> {
        self.environments.get_mut(name).ok_or_else(|| EnvironmentError::Unknown(name.clone()))
    }

    /// The key that chains the audit log (hex), once there is one.
    pub fn audit_key(&self) -> Option<&str> {
        self.audit_key.as_deref().map(String::as_str)
    }

    /// Creates the audit log's key, unless there is one; returns it.
    pub fn ensure_audit_key(&mut self) -> &str {
        self.audit_key
            .get_or_insert_with(|| {
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::fill(bytes.as_mut()).expect("the OS provides randomness");
                Zeroizing::new(crate::encoding::hex(bytes.as_ref()))
            })
            .as_str()
    }

    /// The agent profiles, by name.
    pub fn profiles(&self) -> &BTreeMap<ProfileName, Profile> {
        &self.profiles
    }

    /// The agent profiles, to change them.
    pub fn profiles_mut(&mut self) -> &mut BTreeMap<ProfileName, Profile> {
        &mut self.profiles
    }

    /// The recorded file exports, oldest first.
    pub fn exports(&self) -> &[ExportRecord] {
        &self.exports
    }

    /// Records a file export, replacing an earlier one of the same path.
    pub fn record_export(&mut self, record: ExportRecord) {
        self.exports.retain(|r| r.path != record.path);
        self.exports.push(record);
    }

    /// Encodes the document as TOML. The text holds secret values, so it is zeroized
    /// when dropped.
    pub fn encode(&self) -> Zeroizing<String> {
        let raw = RawDocument {
            format: FORMAT_VERSION,
            id: self.id.clone(),
            generation: self.generation,
            audit_anchor: self.audit_anchor.clone(),
            audit_key: self.audit_key.as_ref().map(|k| SecretString::from(k.as_str())),
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
        let audit_key = raw.audit_key.map(|k| Zeroizing::new(k.expose_secret().to_owned()));
        Ok(Self {
            id: raw.id,
            generation: raw.generation,
            environments,
            exports: raw.exports,
            audit_key,
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
                .map(|p| RawPast { value: p.value.clone(), until: p.until })
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
                    self.history.into_iter().map(|p| PastValue { value: p.value, until: p.until }).collect(),
                ),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: Value) -> Variable {
        Variable {
            name: VariableName::new(name).unwrap(),
            kind: Kind::Secret,
            value,
            meta: Metadata::new(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()),
        }
    }

    #[test]
    fn a_document_round_trips_through_toml() {
        let mut doc = Document::new("lk-test".into());
        let prod = EnvironmentName::new("prod").unwrap();
        doc.add_environment(prod.clone(), None).unwrap();
        let mut secret =
            var("OPENAI_API_KEY", Value::InVault(SecretString::from("sk-\"quoted\"\nline2 ünï")));
        secret.meta.provider = Some("openai".into());
        secret.meta.notes = "from the team account".into();
        doc.environment_mut(&prod).unwrap().insert(secret);
        doc.environment_mut(&prod)
            .unwrap()
            .insert(var("GH_TOKEN", Value::Keychain { account: "lk-test/prod/GH_TOKEN".into() }));

        let text = doc.encode();
        assert!(text.starts_with("format = 1\n"), "format must come first: {}", &text[..20]);
        let back = Document::decode(&text).unwrap();
        let env = back.environment(&prod).unwrap();
        assert_eq!(env.len(), 2);
        let key = env.get(&VariableName::new("OPENAI_API_KEY").unwrap()).unwrap();
        match &key.value {
            Value::InVault(s) => assert_eq!(s.expose_secret(), "sk-\"quoted\"\nline2 ünï"),
            other => panic!("expected a vault value, got {other:?}"),
        }
        assert_eq!(key.meta.provider.as_deref(), Some("openai"));
        assert_eq!(key.meta.notes, "from the team account");
        let gh = env.get(&VariableName::new("GH_TOKEN").unwrap()).unwrap();
        assert_eq!(gh.store(), Store::Keychain);
        assert!(back.environment(&EnvironmentName::default_name()).unwrap().is_empty());
    }

    #[test]
    fn a_newer_format_is_refused_with_an_upgrade_hint() {
        let err = Document::decode("format = 2\nid = \"x\"\nnew_field = 1\n").unwrap_err();
        assert!(matches!(err, DecodeError::NewerFormat { found: 2 }), "{err}");
        assert!(err.to_string().contains("upgrade latchkey"));
        let err = Document::decode("format = 9\nid = \"x\"\n[environments.default]\n").unwrap_err();
        assert!(matches!(err, DecodeError::NewerFormat { found: 9 }), "{err}");
    }

    #[test]
    fn malformed_documents_are_refused_without_quoting_values() {
        let leaky = "format = 1\nid = \"x\"\n[environments.default.variables.K]\nkind = \"secret\"\nstore = \"vault\"\nvalue = \"sk-topsecret\"\ncreated = 5\n";
        let err = Document::decode(leaky).unwrap_err().to_string();
        assert!(!err.contains("topsecret"), "error quoted a value: {err}");
        assert!(!err.contains('\n'), "error must be one line: {err}");
        assert!(Document::decode("format = 1\nid = \"x\"\n").is_err(), "no default environment");
        assert!(Document::decode("garbage").is_err());
    }

    #[test]
    fn decode_errors_name_the_field_and_never_the_value() {
        let doc = "format = 1\nid = \"x\"\n[environments.default.variables.K]\nkind = \"sk-proj-LEAKvalue\"\nstore = \"vault\"\nvalue = \"v\"\ncreated = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n";
        let err = Document::decode(doc).unwrap_err().to_string();
        assert!(!err.contains("LEAK"), "{err}");
        assert!(
            err.contains("`kind` of [environments.default.variables.K]") && err.contains("expected"),
            "{err}"
        );
        let doc = "format = 1\nid = \"x\"\n[environments.default.variables.K]\nsk-proj-pasted-key = 1\n";
        let err = Document::decode(doc).unwrap_err().to_string();
        assert!(!err.contains("pasted"), "{err}");
    }

    #[test]
    fn the_default_environment_cannot_be_removed() {
        let mut doc = Document::new("x".into());
        assert_eq!(
            doc.remove_environment(&EnvironmentName::default_name()).unwrap_err(),
            EnvironmentError::RemoveDefault
        );
        let missing = EnvironmentName::new("nope").unwrap();
        assert!(matches!(doc.environment(&missing), Err(EnvironmentError::Unknown(_))));
    }
}
