//! The types that cross the IPC boundary, and how errors cross it.
//!
//! TypeScript declarations for every type here are generated with ts-rs into
//! `ui/src/lib/bindings/`; `bindings_are_fresh` fails when the committed ones are stale
//! (`make bindings` rewrites them). No type here carries a secret value except
//! [`Revealed`], the answer to an explicit reveal.

use latchkey_core as core;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// An error as the UI sees it: a stable `code` to branch on, and a `message` that tells
/// the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    /// A stable machine-readable code: `locked`, `not_found`, `invalid_name`, ...
    pub code: String,
    /// One sentence for the user.
    pub message: String,
}

impl IpcError {
    /// An error with this code and message.
    pub fn new(code: &str, message: impl ToString) -> Self {
        Self { code: code.to_owned(), message: message.to_string() }
    }
}

/// Maps each core error to its code. Messages come from core and never hold a value.
macro_rules! ipc_error_from {
    ($($ty:ty => |$e:ident| $code:expr),* $(,)?) => {
        $(impl From<$ty> for IpcError {
            fn from($e: $ty) -> Self {
                let code: &str = $code;
                IpcError::new(code, &$e)
            }
        })*
    };
}

ipc_error_from! {
    core::NameError => |e| "invalid_name",
    core::ValueError => |e| "invalid_value",
    core::HomeError => |e| match e { core::HomeError::NotInitialized(_) => "not_initialized", _ => "home" },
    core::InitError => |e| match e {
        core::InitError::Exists(_) => "exists",
        core::InitError::Keychain(_) => "keychain",
        _ => "io",
    },
    core::UnlockError => |e| match e {
        core::UnlockError::Identity { source: core::IdentityError::WrongPassphrase, .. } => "wrong_passphrase",
        core::UnlockError::Identity { source: core::IdentityError::PassphraseRequired, .. } => "passphrase_required",
        core::UnlockError::Keychain(_) => "keychain",
        _ => "unlock",
    },
    core::OpenError => |e| "vault",
    core::GetError => |e| match e {
        core::GetError::NotFound { .. } => "not_found",
        core::GetError::Environment(_) => "unknown_environment",
        core::GetError::Keychain(_) => "keychain",
        _ => "vault",
    },
    core::SetError => |e| match e {
        core::SetError::Environment(_) => "unknown_environment",
        core::SetError::Refused { .. } => "refused",
        core::SetError::Keychain(_) => "keychain",
        _ => "vault",
    },
    core::EditError => |e| match e {
        core::EditError::NotFound { .. } => "not_found",
        core::EditError::Environment(_) => "unknown_environment",
        _ => "vault",
    },
    core::CatalogError => |e| "catalog",
    core::validate::verify::VerifyError => |e| "verify",
    core::SaveError => |e| "vault",
    core::RemoveError => |e| match e {
        core::RemoveError::NotFound { .. } => "not_found",
        core::RemoveError::Environment(_) => "unknown_environment",
        _ => "vault",
    },
}

/// How the vault's identity is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
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
    /// How many variables it has.
    pub variables: u32,
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
}

/// The format verdict on a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FormatStatus {
    /// A known provider's format, nothing wrong.
    Ok,
    /// Something is wrong.
    Invalid,
    /// Nothing wrong, no provider recognised.
    Unknown,
}

/// What a provider said about a key online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnlineStatus {
    /// Accepted.
    Valid,
    /// Rejected.
    Invalid,
    /// No answer either way.
    Indeterminate,
    /// Not checked: every known check has a side effect.
    NoSafeCheck,
}

/// A problem found in a value: a stable code and a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProblemInfo {
    /// `placeholder`, `checksum`, `provider_mismatch`, ...
    pub code: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// The latest validation of a stored variable, for its status badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckInfo {
    /// The provider detected.
    pub provider: Option<String>,
    /// The format verdict.
    pub format: FormatStatus,
    /// The codes of the problems found.
    pub problems: Vec<String>,
    /// When the format was checked (RFC 3339).
    pub checked: String,
    /// The latest online check, if any.
    pub online: Option<OnlineStatus>,
    /// Its HTTP status.
    pub online_status: Option<u16>,
    /// When it was made (RFC 3339).
    pub online_at: Option<String>,
}

/// `check_value`'s request: a value being typed, checked as if stored under `name`.
#[derive(Debug, Deserialize, TS)]
pub struct CheckValueRequest {
    /// The environment (its base URLs count).
    pub env: String,
    /// The variable name it would be stored under.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// The value typed so far.
    #[ts(type = "string")]
    pub value: SecretString,
}

/// The format checks of a value: what the add dialog shows while a key is typed, and
/// part of each `verify_variables` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValueCheck {
    /// The provider detected (its id).
    pub provider: Option<String>,
    /// The provider's name.
    pub provider_name: Option<String>,
    /// The verdict.
    pub format: FormatStatus,
    /// The problems found.
    pub problems: Vec<ProblemInfo>,
    /// Whether saving refuses it unless forced (a placeholder, a failed checksum).
    pub refused: bool,
}

/// One variable's result from `verify_variables`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    /// The variable.
    pub name: String,
    /// Its format checks.
    pub check: ValueCheck,
    /// What the provider said; `null` for config and keys that cannot work.
    pub online: Option<OnlineStatus>,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// What happened, for the user.
    pub message: Option<String>,
}

/// `create_vault`'s request.
#[derive(Debug, Deserialize, TS)]
pub struct CreateVaultRequest {
    /// A passphrase to protect an identity file; `null` keeps the identity in the OS
    /// keychain.
    #[ts(type = "string | null")]
    pub passphrase: Option<SecretString>,
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
}

/// The answer to a copy: the value went to the clipboard, not to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    /// When the clipboard will be cleared, unless it changed meanwhile.
    pub clear_after_ms: u32,
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
        let rfc3339 = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
        };
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
            check: v.validation.map(|c| CheckInfo {
                provider: c.provider,
                format: c.format.into(),
                problems: c.problems.iter().map(|p| p.as_str().to_owned()).collect(),
                checked: rfc3339(c.checked),
                online: c.online.as_ref().map(|o| o.result.into()),
                online_status: c.online.as_ref().and_then(|o| o.status),
                online_at: c.online.as_ref().map(|o| rfc3339(o.at)),
            }),
        }
    }
}

impl From<core::FormatVerdict> for FormatStatus {
    fn from(verdict: core::FormatVerdict) -> Self {
        match verdict {
            core::FormatVerdict::Ok => FormatStatus::Ok,
            core::FormatVerdict::Invalid => FormatStatus::Invalid,
            core::FormatVerdict::Unknown => FormatStatus::Unknown,
        }
    }
}

impl From<core::validate::verify::Online> for OnlineStatus {
    fn from(online: core::validate::verify::Online) -> Self {
        use core::validate::verify::Online;
        match online {
            Online::Valid => OnlineStatus::Valid,
            Online::Invalid => OnlineStatus::Invalid,
            Online::Indeterminate => OnlineStatus::Indeterminate,
            Online::NoSafeCheck => OnlineStatus::NoSafeCheck,
        }
    }
}

impl ValueCheck {
    /// The UI's view of a finding.
    pub fn new(finding: &core::Finding, catalog: &core::Catalog) -> Self {
        ValueCheck {
            provider_name: finding
                .provider
                .as_deref()
                .and_then(|id| catalog.provider(id))
                .map(|p| p.name.clone()),
            provider: finding.provider.clone(),
            format: finding.format.into(),
            problems: finding
                .problems
                .iter()
                .map(|p| ProblemInfo { code: p.code.as_str().to_owned(), message: p.message.clone() })
                .collect(),
            refused: finding.refusals().next().is_some(),
        }
    }
}

impl VerifyResult {
    /// The UI's view of one variable's check.
    pub fn new(checked: &core::Checked, catalog: &core::Catalog) -> Self {
        VerifyResult {
            name: checked.name.to_string(),
            check: ValueCheck::new(&checked.finding, catalog),
            online: checked.online.as_ref().map(|v| v.online.into()),
            status: checked.online.as_ref().and_then(|v| v.status),
            message: checked.online.as_ref().map(|v| v.message.clone()),
        }
    }
}

/// Every exported declaration, as (file name, TypeScript), for the freshness test and
/// `make bindings`.
pub fn bindings() -> Vec<(String, String)> {
    fn one<T: TS + 'static>(out: &mut Vec<(String, String)>) {
        let cfg = ts_rs::Config::new();
        let name = format!("{}.ts", T::name(&cfg));
        out.push((name, T::export_to_string(&cfg).expect("a declaration exports")));
    }
    let mut out = Vec::new();
    one::<IpcError>(&mut out);
    one::<IdentityKind>(&mut out);
    one::<AppStatus>(&mut out);
    one::<EnvironmentInfo>(&mut out);
    one::<Kind>(&mut out);
    one::<Store>(&mut out);
    one::<VariableRow>(&mut out);
    one::<CreateVaultRequest>(&mut out);
    one::<SetVariableRequest>(&mut out);
    one::<NameCheck>(&mut out);
    one::<Revealed>(&mut out);
    one::<Copied>(&mut out);
    one::<FormatStatus>(&mut out);
    one::<OnlineStatus>(&mut out);
    one::<ProblemInfo>(&mut out);
    one::<CheckInfo>(&mut out);
    one::<CheckValueRequest>(&mut out);
    one::<ValueCheck>(&mut out);
    one::<VerifyResult>(&mut out);
    out
}
