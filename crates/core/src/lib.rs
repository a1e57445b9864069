//! latchkey's core: the domain and storage of a secrets and config manager for people
//! who run AI agents.
//!
//! A [`Vault`] holds [`Environment`]s (there is always a `default` one), and an
//! environment holds [`Variable`]s: secrets and config, each stored in the age-encrypted
//! vault file or in the OS [`Keychain`]. Values are [`SecretString`]s everywhere: they are
//! zeroized on drop and never printed by `Debug`.
//!
//! This crate does no printing and knows nothing of the CLI or the desktop app; both
//! stand on it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod atomic;
pub mod audit;
pub mod broker;
pub mod document;
pub mod dotenv;
pub mod encoding;
pub mod environment;
pub mod export;
pub mod home;
pub mod identity;
pub mod import;
pub mod keychain;
mod kind;
pub mod launch;
pub mod name;
pub mod network;
pub mod output;
pub mod profile;
pub mod project;
pub mod reference;
pub mod rotation;
pub mod sandbox;
pub mod sweep;
pub mod text;
pub mod validate;
pub mod value;
pub mod variable;
pub mod vault;

pub use document::{DecodeError, Document, EnvironmentError, FORMAT_VERSION, Resolved};
pub use environment::Environment;
pub use home::{HOME_ENV, Home, HomeError, IdentityKind, IdentityLocation, Settings};
pub use identity::{Identity, IdentityError};
pub use keychain::{Keychain, KeychainError};
pub use name::{EnvironmentName, NameError, ProfileName, VariableName};
pub use profile::Profile;
pub use project::{Project, ProjectError};
pub use validate::{Catalog, CatalogError, Finding, FormatVerdict, Problem, ProblemCode};
pub use value::{ExposeSecret, MAX_VALUE_LEN, SecretString, ValueError, parse_text_value, parse_value};
pub use variable::{
    HISTORY_LEN, History, KeyMade, KeyMadeError, Kind, Metadata, OnlineCheck, PastValue, Replacement, Store,
    Validation, Value, Variable, VariableSummary,
};
pub use vault::{
    Checked, Difference, Due, EditError, EnforceChecks, EnvironmentChangeError, ExportError, ExportRequest,
    Exported, ForgetExportError, GetError, HistoryError, IdentityExportError, IdentityMove,
    IdentityPathError, IdentitySetup, IdentityTarget, InitError, MetadataEdit, MoveIdentityError,
    MovedIdentity, NewValue, OpenError, PastEntry, ProfileError, RecordError, RemoveError, Removed,
    ResolvedValue, RolledBack, RotateError, Rotated, SaveError, SetError, SetOutcome, Stored, UnlockError,
    ValueHistory, Vault, VerifyAuditError, plan_online, verify_checked, verify_checked_blocking,
};
