//! How errors cross to the UI: a typed code it branches on, and a message for the user.
//! Every core error maps to its code here, once.

use latchkey_core as core;
use serde::Serialize;
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
    /// A host name the broker may not allow.
    InvalidHost,
    /// No latchkey.toml in the folder or above it.
    NoProject,
    /// A project file that cannot be used: not valid, not trusted, or holding a secret.
    Project,
    /// The project requires variables the environment does not have.
    MissingRequired,
    /// A sweep for leaked keys could not run.
    Sweep,
    /// An agent tool's config could not be protected, restored or given deny rules.
    AgentConfig,
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
    core::KeyMadeError => |e| InvalidValue,
    core::HomeError => |e| match e { core::HomeError::NotInitialized(_) => NotInitialized, _ => Home },
    core::InitError => |e| match e {
        core::InitError::Exists(_) => Exists,
        core::InitError::Keychain(_) => Keychain,
        core::InitError::EmptyPassphrase => InvalidValue,
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
        core::SetError::MadeForConfig(_) => InvalidValue,
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
        core::import::ImportError::Get(core::GetError::Environment(_)) => UnknownEnvironment,
        core::import::ImportError::Value { .. } | core::import::ImportError::Refused { .. } => InvalidValue,
        _ => Vault,
    },
    core::ExportError => |e| match e {
        core::ExportError::Unrepresentable(_) => Unrepresentable,
        core::ExportError::Guard(_) => Tracked,
        core::ExportError::Get(core::GetError::NotFound { .. }) => NotFound,
        core::ExportError::Get(core::GetError::Environment(_)) => UnknownEnvironment,
        _ => Io,
    },
    core::dotenv::DotenvError => |e| InvalidFile,
    core::import::ReadError => |e| match e {
        core::import::ReadError::Io { .. } => Io,
        _ => InvalidFile,
    },
    core::profile::CommandError => |e| InvalidValue,
    core::ProfileError => |e| profile_code(e),
    core::launch::LaunchError => |e| match e {
        core::launch::LaunchError::Profile(p) => profile_code(p),
        core::launch::LaunchError::Get(core::GetError::NotFound { .. }) => NotFound,
        core::launch::LaunchError::Get(core::GetError::Environment(_)) => UnknownEnvironment,
        core::launch::LaunchError::Get(core::GetError::Keychain(_)) => Keychain,
        core::launch::LaunchError::NoCommand(_) | core::launch::LaunchError::NoCommandGiven => NoCommand,
        core::launch::LaunchError::NotFound(_) => ProgramNotFound,
        core::launch::LaunchError::TemplateRead { .. } | core::launch::LaunchError::Template(_) => InvalidFile,
        core::launch::LaunchError::Missing { .. } => MissingRequired,
        _ => Launch,
    },
    core::ProjectError => |e| Project,
    core::sweep::SweepError => |e| match e {
        core::sweep::SweepError::Open(_) => Vault,
        core::sweep::SweepError::Keychain(_) => Keychain,
        _ => Sweep,
    },
    core::sweep::leaks::LeakError => |e| Vault,
    core::sweep::schedule::ScheduleError => |e| Io,
    core::sweep::protect::EntryError => |e| AgentConfig,
    core::sweep::protect::ProtectError => |e| match e {
        core::sweep::protect::ProtectError::Get(core::GetError::Environment(_))
        | core::sweep::protect::ProtectError::Set(core::SetError::Environment(_)) => UnknownEnvironment,
        core::sweep::protect::ProtectError::Get(core::GetError::Keychain(_))
        | core::sweep::protect::ProtectError::Set(core::SetError::Keychain(_)) => Keychain,
        core::sweep::protect::ProtectError::Profile(p) => profile_code(p),
        _ => AgentConfig,
    },
    core::sweep::protect::UnprotectError => |e| match e {
        core::sweep::protect::UnprotectError::Profile(p) => profile_code(p),
        core::sweep::protect::UnprotectError::Get(core::GetError::Keychain(_)) => Keychain,
        _ => AgentConfig,
    },
    core::broker::HostError => |e| InvalidHost,
    core::sandbox::SandboxError => |e| InvalidValue,
    core::audit::AuditError => |e| Audit,
    core::RecordError => |e| Audit,
    core::VerifyAuditError => |e| Audit,
    core::MoveIdentityError => |e| match e {
        core::MoveIdentityError::WrongPassphrase => WrongPassphrase,
        core::MoveIdentityError::PassphraseRequired => PassphraseRequired,
        core::MoveIdentityError::Guard(_) => Tracked,
        core::MoveIdentityError::Keychain(_) | core::MoveIdentityError::KeychainNotKept => Keychain,
        core::MoveIdentityError::Io { .. } => Io,
        core::MoveIdentityError::Home(_) => Home,
        _ => InvalidValue,
    },
    core::IdentityExportError => |e| match e {
        core::IdentityExportError::Guard(_) => Tracked,
        _ => Io,
    },
    core::RotateError => |e| match e {
        core::RotateError::NotFound { .. } => NotFound,
        core::RotateError::OtherProvider { .. } => OtherProvider,
        core::RotateError::Set(core::SetError::Refused { .. }) => Refused,
        core::RotateError::Get(core::GetError::Environment(_))
        | core::RotateError::Set(core::SetError::Environment(_)) => UnknownEnvironment,
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
