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
use zeroize::Zeroizing;

mod environments;
mod raw;

pub use environments::Resolved;

use crate::audit::Anchor;
use crate::environment::Environment;
use crate::export::ExportRecord;
use crate::name::EnvironmentName;
use crate::name::ProfileName;
use crate::profile::Profile;

/// The newest document format this build reads and writes. A document is written in
/// the oldest format that holds it, so that an older latchkey reads what it can and
/// says "upgrade latchkey" about the rest:
/// - 1: the first;
/// - 2: a previous value may record that a rollback replaced it (`by = "rollback"`).
pub const FORMAT_VERSION: u32 = 2;

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
    /// Hex; Debug output never shows it (it keys the audit chain and the fingerprints).
    audit_key: Option<SecretString>,
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
    /// `all` names every environment (`latchkey check --env all`), never one.
    #[error("`all` means every environment (`latchkey check --env all`): choose another name")]
    Reserved,
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
        self.audit_key.as_ref().map(|k| k.expose_secret())
    }

    /// Creates the audit log's key, unless there is one; returns it.
    pub fn ensure_audit_key(&mut self) -> &str {
        self.audit_key
            .get_or_insert_with(|| {
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::fill(bytes.as_mut()).expect("the OS provides randomness");
                SecretString::from(crate::encoding::hex(bytes.as_ref()))
            })
            .expose_secret()
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

    /// Forgets the record of the export to `path`; returns it, or `None` when there was
    /// none.
    pub fn forget_export(&mut self, path: &std::path::Path) -> Option<ExportRecord> {
        let at = self.exports.iter().position(|r| r.path == path)?;
        Some(self.exports.remove(at))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};
    use time::OffsetDateTime;

    use super::*;
    use crate::name::VariableName;
    use crate::variable::{Kind, Metadata, Store, Value, Variable};

    #[test]
    fn debug_output_never_shows_the_vault_key() {
        let mut doc = Document::new("lk-test".into());
        let key = doc.ensure_audit_key().to_owned();
        let decoded = Document::decode(&doc.encode()).unwrap();
        for shown in [format!("{doc:?}"), format!("{decoded:?}")] {
            assert!(!shown.contains(&key), "Debug showed the vault's key");
        }
    }

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
    fn a_rollback_in_a_history_is_written_as_format_2_and_nothing_else_is() {
        let mut doc = Document::new("lk-test".into());
        let mut key = var("API_TOKEN", Value::InVault(SecretString::from("token-value-two")));
        key.meta.history.push(SecretString::from("token-value-one"), time::OffsetDateTime::UNIX_EPOCH);
        doc.environment_mut(&EnvironmentName::default_name()).unwrap().insert(key.clone());
        assert!(doc.encode().starts_with("format = 1\n"), "an older latchkey reads it");

        key.meta.history.keep(crate::variable::PastValue {
            value: SecretString::from("token-value-three"),
            until: time::OffsetDateTime::UNIX_EPOCH,
            by: crate::variable::Replacement::Rollback,
        });
        doc.environment_mut(&EnvironmentName::default_name()).unwrap().insert(key);
        let text = doc.encode();
        assert!(text.starts_with("format = 2\n"), "{}", &text[..12]);
        let back = Document::decode(&text).unwrap();
        let history = &back
            .environment(&EnvironmentName::default_name())
            .unwrap()
            .get(&VariableName::new("API_TOKEN").unwrap())
            .unwrap()
            .meta
            .history
            .0;
        let by: Vec<_> = history.iter().map(|p| p.by).collect();
        assert_eq!(by, [crate::variable::Replacement::NewValue, crate::variable::Replacement::Rollback]);
        // What a format-1 build says of it (its reader refuses format 2 whole).
        let as_older = text.replacen("format = 2", "format = 1", 1);
        assert!(Document::decode(&as_older).is_ok(), "this build reads a stray mark in format 1 too");
    }

    #[test]
    fn a_newer_format_is_refused_with_an_upgrade_hint() {
        let err = Document::decode("format = 3\nid = \"x\"\nnew_field = 1\n").unwrap_err();
        assert!(matches!(err, DecodeError::NewerFormat { found: 3 }), "{err}");
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
    fn a_renamed_environment_takes_its_profiles_and_export_records_along() {
        let mut doc = Document::new("x".into());
        let (staging, stage) =
            (EnvironmentName::new("staging").unwrap(), EnvironmentName::new("stage").unwrap());
        doc.add_environment(staging.clone(), None).unwrap();
        let profile = Profile::new(staging.clone(), vec![], None, None).unwrap();
        doc.profiles_mut().insert(ProfileName::new("coder").unwrap(), profile);
        doc.record_export(ExportRecord {
            path: "/tmp/x.env".into(),
            env: staging.clone(),
            format: crate::export::ExportFormat::Dotenv,
            only: None,
            names: vec![],
            sha256: String::new(),
            at: OffsetDateTime::UNIX_EPOCH,
        });
        doc.rename_environment(&staging, stage.clone()).unwrap();
        assert_eq!(doc.profiles()[&ProfileName::new("coder").unwrap()].env, stage);
        assert_eq!(doc.exports()[0].env, stage);
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
