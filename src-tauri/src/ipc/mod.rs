//! The types that cross the IPC boundary, and how errors cross it.
//!
//! TypeScript declarations for every type here are generated with ts-rs into
//! `ui/src/lib/bindings/`; `bindings_are_fresh` fails when the committed ones are stale
//! (`make bindings` rewrites them). No type here carries a secret value except
//! [`Revealed`], the answer to an explicit reveal.

mod agent_tools;
mod agents;
mod bindings;
mod checks;
mod environments;
mod error;
pub mod events;
mod leaks;
mod projects;
mod rotation;

pub use agent_tools::{AgentToolsView, ProtectResult, ServerInfo, ServerRequest, ToolInfo};
pub use agents::{
    ActivityEntry, AgentExit, AgentOutput, AgentRequest, AgentRun, AgentStream, BrokerSettings, ProfileInfo,
    SandboxSettings, SaveProfileRequest,
};
pub use bindings::bindings;
pub use checks::{
    CheckInfo, CheckValueRequest, FormatStatus, OnlineStatus, ProblemInfo, ValueCheck, VerifyResult,
};
pub use environments::{
    Comparison, ExportFileRequest, ExportFormatName, ExportInfo, ExportStateName, ImportAction,
    ImportRequest, ImportRow,
};
pub use error::{ErrorCode, IpcError};
pub use leaks::{LeakGroup, LeakPlace, RedactRequest, RedactResult, SweepProgress, SweepRequest, SweepView};
pub use projects::{DeclaredInfo, ProjectEnv, ProjectView, RecentProject};
pub use rotation::{LeakInfo, RotateRequest, RotateResult, RotationPolicyRequest, RotationRow};

use latchkey_core as core;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// How the vault's identity is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    /// In the OS keychain.
    Keychain,
    /// In a passphrase-protected identity file.
    Passphrase,
    /// In a plain identity file.
    File,
}

/// What the app shows first: is there a vault, is it unlocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// Whether the data directory has a vault.
    pub initialized: bool,
    /// Whether this app holds it unlocked.
    pub unlocked: bool,
    /// How the identity is kept, once initialized.
    pub identity: Option<IdentityKind>,
    /// Whether the OS keychain answers.
    pub keychain_available: bool,
    /// Whether the identity can be moved from this session (not when LATCHKEY_IDENTITY
    /// named the file it was unlocked with).
    pub identity_movable: bool,
    /// The data directory.
    pub data_dir: String,
    /// Minutes of inactivity before the app locks itself.
    pub auto_lock_minutes: u32,
}

/// An environment and how many variables it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EnvironmentInfo {
    /// Its name.
    pub name: String,
    /// How many variables it defines itself.
    pub variables: u32,
    /// The environment it extends.
    pub extends: Option<String>,
}

/// Secret or config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential.
    Secret,
    /// A setting.
    Config,
}

/// Where a value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Store {
    /// In the vault file.
    Vault,
    /// In the OS keychain.
    Keychain,
}

/// A row of the variables table: everything but the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VariableRow {
    /// Its name.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// Where its value is.
    pub store: Store,
    /// The provider, when known.
    pub provider: Option<String>,
    /// Notes.
    pub notes: String,
    /// When it was created (RFC 3339).
    pub created: String,
    /// When it was last updated (RFC 3339).
    pub updated: String,
    /// The latest validation, when its value was checked.
    pub check: Option<CheckInfo>,
    /// The environment it is inherited from, when the listed one does not define it.
    pub inherited_from: Option<String>,
}

/// `create_vault`'s request.
#[derive(Debug, Deserialize, TS)]
pub struct CreateVaultRequest {
    /// A passphrase to protect an identity file; `null` keeps the identity in the OS
    /// keychain.
    #[ts(type = "string | null")]
    pub passphrase: Option<SecretString>,
}

/// `move_identity`'s request: where to keep the vault's identity from now on.
#[derive(Debug, Deserialize, TS)]
pub struct MoveIdentityRequest {
    /// The OS keychain, a plain file, or a passphrase-protected file (in the data
    /// directory, where `latchkey identity move` puts them too).
    pub to: IdentityKind,
    /// The new passphrase, for `passphrase` only (also to change the passphrase).
    #[ts(type = "string | null")]
    pub passphrase: Option<SecretString>,
    /// The passphrase the identity is behind now, when it is behind one: an unlocked
    /// window alone does not let anyone take it off or replace it, however recently it
    /// was unlocked.
    #[ts(type = "string | null")]
    pub current: Option<SecretString>,
}

/// What `move_identity` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MovedIdentityInfo {
    /// The app's status after the move.
    pub status: AppStatus,
    /// The old copy, when it could not be removed: the user should delete it.
    pub left_behind: Option<String>,
}

/// `set_variable`'s request.
#[derive(Debug, Deserialize, TS)]
pub struct SetVariableRequest {
    /// The environment.
    pub env: String,
    /// The variable's name.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// Where to keep the value.
    pub store: Store,
    /// The new value; `null` keeps the current value and changes only the metadata.
    #[ts(type = "string | null")]
    pub value: Option<SecretString>,
    /// The provider.
    pub provider: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Store the value even though the checks refuse it (a placeholder on purpose).
    #[serde(default)]
    pub force: bool,
    /// The day a new value was made at its provider (YYYY-MM-DD), when it was not today:
    /// its rotation schedule starts then.
    #[serde(default)]
    pub created: Option<String>,
}

/// The result of checking a name as it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NameCheck {
    /// Whether the name is valid.
    pub ok: bool,
    /// Why not, when it is not.
    pub message: Option<String>,
}

/// The answer to an explicit reveal: the only IPC message that carries a value.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Revealed {
    /// The value.
    #[serde(serialize_with = "expose")]
    #[ts(type = "string")]
    pub value: SecretString,
    /// How long the UI shows it before hiding it again.
    pub hide_after_ms: u32,
    /// Why the reveal could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

/// The answer to a copy: the value went to the clipboard, not to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    /// When the clipboard will be cleared, unless it changed meanwhile.
    pub clear_after_ms: u32,
    /// Why the copy could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

fn expose<S: Serializer>(value: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.expose_secret())
}

impl From<core::IdentityKind> for IdentityKind {
    fn from(kind: core::IdentityKind) -> Self {
        match kind {
            core::IdentityKind::Keychain => IdentityKind::Keychain,
            core::IdentityKind::Passphrase => IdentityKind::Passphrase,
            core::IdentityKind::File => IdentityKind::File,
        }
    }
}

impl From<core::Kind> for Kind {
    fn from(kind: core::Kind) -> Self {
        match kind {
            core::Kind::Secret => Kind::Secret,
            core::Kind::Config => Kind::Config,
        }
    }
}

impl From<Kind> for core::Kind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Secret => core::Kind::Secret,
            Kind::Config => core::Kind::Config,
        }
    }
}

impl From<Store> for core::Store {
    fn from(store: Store) -> Self {
        match store {
            Store::Vault => core::Store::Vault,
            Store::Keychain => core::Store::Keychain,
        }
    }
}

impl From<core::VariableSummary> for VariableRow {
    fn from(v: core::VariableSummary) -> Self {
        let rfc3339 = core::text::rfc3339;
        VariableRow {
            name: v.name.to_string(),
            kind: match v.kind {
                core::Kind::Secret => Kind::Secret,
                core::Kind::Config => Kind::Config,
            },
            store: match v.store {
                core::Store::Vault => Store::Vault,
                core::Store::Keychain => Store::Keychain,
            },
            provider: v.provider,
            notes: v.notes,
            created: rfc3339(v.created),
            updated: rfc3339(v.updated),
            inherited_from: v.inherited_from.map(|e| e.to_string()),
            check: v.validation.map(|c| CheckInfo {
                provider: c.provider,
                format: c.format.into(),
                refused: c.problems.iter().any(|p| p.refuses_storing()),
                problems: c.problems.clone(),
                checked: rfc3339(c.checked),
                online: c.online.as_ref().map(|o| o.result.into()),
                online_status: c.online.as_ref().and_then(|o| o.status),
                online_at: c.online.as_ref().map(|o| rfc3339(o.at)),
            }),
        }
    }
}
