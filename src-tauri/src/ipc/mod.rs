//! The types that cross the IPC boundary, and how errors cross it.
//!
//! TypeScript declarations for every type here are generated with ts-rs into
//! `ui/src/lib/bindings/`; `bindings_are_fresh` fails when the committed ones are stale
//! (`make bindings` rewrites them). No type here carries a secret value except
//! [`Revealed`], the answer to an explicit reveal.

mod agents;
mod checks;
mod environments;
mod rotation;

pub use agents::{ActivityEntry, ProfileInfo, SaveProfileRequest};
pub use checks::{
    CheckInfo, CheckValueRequest, FormatStatus, OnlineStatus, ProblemInfo, ValueCheck, VerifyResult,
};
pub use environments::{
    Comparison, ExportFileRequest, ExportFormatName, ExportInfo, ExportStateName, ImportAction,
    ImportRequest, ImportRow,
};
pub use rotation::{RotateRequest, RotateResult, RotationPolicyRequest, RotationRow};

use latchkey_core as core;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// What went wrong, as the UI tells cases apart: each case it must handle differently
/// has its own code, and the TypeScript union is generated from this enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The vault is locked.
    Locked,
    /// There is no vault yet.
    NotInitialized,
    /// A vault exists already.
    Exists,
    /// The data directory or its settings.
    Home,
    /// The OS keychain.
    Keychain,
    /// The passphrase is wrong.
    WrongPassphrase,
    /// A passphrase is needed.
    PassphraseRequired,
    /// The vault could not be unlocked.
    Unlock,
    /// The vault could not be read or written.
    Vault,
    /// A name is not valid.
    InvalidName,
    /// A value is not valid.
    InvalidValue,
    /// A variable does not exist.
    NotFound,
    /// An environment does not exist.
    UnknownEnvironment,
    /// An environment change is not allowed.
    Environment,
    /// The variable is inherited from another environment.
    Inherited,
    /// The checks refuse the value.
    Refused,
    /// A key of another provider.
    OtherProvider,
    /// There is no previous value.
    NoHistory,
    /// The provider catalog.
    Catalog,
    /// An online check.
    Verify,
    /// A file could not be read or written.
    Io,
    /// A file is not a `.env` file.
    InvalidFile,
    /// A format cannot carry a value.
    Unrepresentable,
    /// A path inside a git work tree.
    Tracked,
    /// Names an import would overwrite.
    ImportExists,
    /// A profile does not exist.
    ProfileNotFound,
    /// A profile of that name exists.
    ProfileExists,
    /// A profile names variables its environment does not have.
    ProfileVariables,
    /// A profile has no command.
    NoCommand,
    /// The agent's program cannot be found.
    ProgramNotFound,
    /// The agent could not be started.
    Launch,
    /// That agent is not running.
    NotRunning,
    /// The audit log.
    Audit,
    /// The clipboard.
    Clipboard,
    /// An unknown rotation preset.
    InvalidPreset,
}

/// An error as the UI sees it: a stable `code` to branch on, and a `message` that tells
/// the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    /// What went wrong, for the UI to branch on.
    pub code: ErrorCode,
    /// One sentence for the user.
    pub message: String,
}

impl IpcError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self { code, message: message.to_string() }
    }
}

/// Maps each core error to its code. Messages come from core and never hold a value.
macro_rules! ipc_error_from {
    ($($ty:ty => |$e:ident| $code:expr),* $(,)?) => {
        $(impl From<$ty> for IpcError {
            fn from($e: $ty) -> Self {
                #[allow(unused_imports)]
                use ErrorCode::*;
                let code: ErrorCode = {
                    #[allow(unused_variables)]
                    let $e = &$e;
                    $code
                };
                IpcError::new(code, &$e)
            }
        })*
    };
}

ipc_error_from! {
    core::NameError => |e| InvalidName,
    core::ValueError => |e| InvalidValue,
    core::HomeError => |e| match e { core::HomeError::NotInitialized(_) => NotInitialized, _ => Home },
    core::InitError => |e| match e {
        core::InitError::Exists(_) => Exists,
        core::InitError::Keychain(_) => Keychain,
        _ => Io,
    },
    core::UnlockError => |e| match e {
        core::UnlockError::Identity { source: core::IdentityError::WrongPassphrase, .. } => WrongPassphrase,
        core::UnlockError::Identity { source: core::IdentityError::PassphraseRequired, .. } => PassphraseRequired,
        core::UnlockError::Keychain(_) => Keychain,
        _ => Unlock,
    },
    core::OpenError => |e| Vault,
    core::GetError => |e| match e {
        core::GetError::NotFound { .. } => NotFound,
        core::GetError::Environment(_) => UnknownEnvironment,
        core::GetError::Keychain(_) => Keychain,
        _ => Vault,
    },
    core::SetError => |e| match e {
        core::SetError::Environment(_) => UnknownEnvironment,
        core::SetError::Refused { .. } => Refused,
        core::SetError::Keychain(_) => Keychain,
        _ => Vault,
    },
    core::EditError => |e| match e {
        core::EditError::NotFound { .. } => NotFound,
        core::EditError::Environment(_) => UnknownEnvironment,
        core::EditError::NoHistory { .. } | core::EditError::NoSuchVersion { .. } => NoHistory,
        _ => Vault,
    },
    core::CatalogError => |e| Catalog,
    core::validate::verify::VerifyError => |e| Verify,
    core::SaveError => |e| Vault,
    core::EnvironmentChangeError => |e| match e {
        core::EnvironmentChangeError::Environment(core::EnvironmentError::Unknown(_)) => UnknownEnvironment,
        core::EnvironmentChangeError::Environment(_) => Environment,
        _ => Vault,
    },
    core::import::ImportError => |e| match e {
        core::import::ImportError::Exists { .. } => ImportExists,
        core::import::ImportError::Value { .. } => InvalidValue,
        _ => Vault,
    },
    core::ExportError => |e| match e {
        core::ExportError::Unrepresentable(_) => Unrepresentable,
        core::ExportError::Guard(_) => Tracked,
        core::ExportError::Get(core::GetError::NotFound { .. }) => NotFound,
        _ => Io,
    },
    core::dotenv::DotenvError => |e| InvalidFile,
    core::ProfileError => |e| profile_code(&e),
    core::launch::LaunchError => |e| match e {
        core::launch::LaunchError::Profile(p) => profile_code(p),
        core::launch::LaunchError::Get(core::GetError::NotFound { .. }) => NotFound,
        core::launch::LaunchError::Get(core::GetError::Environment(_)) => UnknownEnvironment,
        core::launch::LaunchError::Get(core::GetError::Keychain(_)) => Keychain,
        core::launch::LaunchError::NoCommand(_) | core::launch::LaunchError::NoCommandGiven => NoCommand,
        core::launch::LaunchError::NotFound(_) => ProgramNotFound,
        core::launch::LaunchError::TemplateRead { .. } | core::launch::LaunchError::Template(_) => InvalidFile,
        _ => Launch,
    },
    core::audit::AuditError => |e| Audit,
    core::RecordError => |e| Audit,
    core::VerifyAuditError => |e| Audit,
    core::IdentityExportError => |e| match e {
        core::IdentityExportError::Guard(_) => Tracked,
        _ => Io,
    },
    core::RotateError => |e| match e {
        core::RotateError::NotFound { .. } => NotFound,
        core::RotateError::OtherProvider { .. } => OtherProvider,
        core::RotateError::Set(core::SetError::Refused { .. }) => Refused,
        _ => Vault,
    },
    core::RemoveError => |e| match e {
        core::RemoveError::Inherited { .. } => Inherited,
        core::RemoveError::NotFound { .. } => NotFound,
        core::RemoveError::Environment(_) => UnknownEnvironment,
        _ => Vault,
    },
}

fn profile_code(e: &core::ProfileError) -> ErrorCode {
    match e {
        core::ProfileError::Unknown(_) => ErrorCode::ProfileNotFound,
        core::ProfileError::Exists(_) => ErrorCode::ProfileExists,
        core::ProfileError::Environment(_) => ErrorCode::UnknownEnvironment,
        core::ProfileError::MissingVariables { .. } => ErrorCode::ProfileVariables,
        _ => ErrorCode::Vault,
    }
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
            inherited_from: v.inherited_from.map(|e| e.to_string()),
            check: v.validation.map(|c| CheckInfo {
                provider: c.provider,
                format: c.format.into(),
                problems: c.problems.clone(),
                checked: rfc3339(c.checked),
                online: c.online.as_ref().map(|o| o.result.into()),
                online_status: c.online.as_ref().and_then(|o| o.status),
                online_at: c.online.as_ref().map(|o| rfc3339(o.at)),
            }),
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
    one::<core::ProblemCode>(&mut out);
    one::<core::rotation::Status>(&mut out);
    one::<core::rotation::SecretClass>(&mut out);
    one::<core::audit::Access>(&mut out);
    one::<ErrorCode>(&mut out);
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
    one::<Comparison>(&mut out);
    one::<ImportRequest>(&mut out);
    one::<ImportAction>(&mut out);
    one::<ImportRow>(&mut out);
    one::<ExportFormatName>(&mut out);
    one::<ExportStateName>(&mut out);
    one::<ExportFileRequest>(&mut out);
    one::<ExportInfo>(&mut out);
    one::<ProfileInfo>(&mut out);
    one::<SaveProfileRequest>(&mut out);
    one::<ActivityEntry>(&mut out);
    one::<crate::agents::AgentRun>(&mut out);
    one::<crate::agents::AgentOutput>(&mut out);
    one::<crate::agents::AgentStream>(&mut out);
    one::<crate::agents::AgentExit>(&mut out);
    one::<RotationRow>(&mut out);
    one::<RotateRequest>(&mut out);
    one::<RotateResult>(&mut out);
    one::<RotationPolicyRequest>(&mut out);
    let events = [
        ("AGENT_OUTPUT_EVENT", crate::agents::AGENT_OUTPUT_EVENT, "An agent's masked output (AgentOutput)."),
        ("AGENT_EXIT_EVENT", crate::agents::AGENT_EXIT_EVENT, "An agent ended (AgentExit)."),
        ("VAULT_LOCKED_EVENT", crate::VAULT_LOCKED_EVENT, "The vault locked itself after inactivity."),
        (
            "OPEN_ROTATION_EVENT",
            crate::reminders::OPEN_ROTATION_EVENT,
            "The tray asks for the Rotation screen.",
        ),
    ];
    let mut text =
        String::from("// Generated from src-tauri: the names of the events the app emits. Do not edit.\n");
    for (constant, name, doc) in events {
        text.push_str(&format!("\n/** {doc} */\nexport const {constant} = {name:?};\n"));
    }
    out.push(("events.ts".to_owned(), text));
    out
}
