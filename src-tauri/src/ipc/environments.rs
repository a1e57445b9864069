//! The types of environment management, comparison, import and export. None carries a
//! value: import reads the file in Rust, export writes it from Rust.

use latchkey_core as core;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Kind;

/// How two environments differ, by name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Names only the first has.
    pub only_first: Vec<String>,
    /// Names only the second has.
    pub only_second: Vec<String>,
    /// Names both have, with different values.
    pub different: Vec<String>,
    /// Names both have with the same value.
    pub same: Vec<String>,
}

/// `preview_import` and `import_file`'s request.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    /// The environment to import into.
    pub env: String,
    /// The .env file, as chosen in the file dialog.
    pub path: String,
    /// Store every entry as a secret.
    pub all_secret: bool,
    /// Replace variables the environment has with other values.
    pub overwrite: bool,
    /// Store values `set` would refuse (a placeholder, a failed checksum) anyway.
    #[serde(default)]
    pub force: bool,
}

/// What importing one entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ImportAction {
    /// A new variable.
    Create,
    /// Replaces a different value.
    Replace,
    /// Already there with this value.
    Unchanged,
}

/// One line of an import preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportRow {
    /// The name.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// What happens.
    pub action: ImportAction,
    /// The provider detected.
    pub provider: Option<String>,
    /// Problem codes found.
    pub problems: Vec<core::ProblemCode>,
    /// Whether the value cannot be a working key (`set` would refuse it): imported only
    /// with `force`.
    pub refused: bool,
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormatName {
    /// NAME='value' lines.
    Dotenv,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
    /// export NAME='value' lines.
    Shell,
    /// docker --env-file.
    Docker,
    /// $GITHUB_ENV.
    Github,
}

/// The state of a recorded export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportStateName {
    /// As written, and still what the vault holds.
    Current,
    /// The vault changed since.
    Stale,
    /// Changed by something else.
    Edited,
    /// The file is gone.
    Missing,
}

/// `export_file`'s request.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportFileRequest {
    /// The environment.
    pub env: String,
    /// The format.
    pub format: ExportFormatName,
    /// Only these names; all when `null`.
    pub only: Option<Vec<String>>,
    /// The file, as chosen in the save dialog.
    pub path: String,
    /// Write even in a git work tree that does not ignore the path.
    pub allow_tracked: bool,
}

/// A recorded export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportInfo {
    /// The file.
    pub path: String,
    /// The environment.
    pub env: String,
    /// The format.
    pub format: ExportFormatName,
    /// The names it was asked for; `null` when all of the environment was.
    pub only: Option<Vec<String>>,
    /// The names it holds.
    pub names: Vec<String>,
    /// When it was written (RFC 3339).
    pub at: String,
    /// Its state now.
    pub state: ExportStateName,
    /// Why the export just made could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

impl From<ExportFormatName> for core::export::ExportFormat {
    fn from(f: ExportFormatName) -> Self {
        use core::export::ExportFormat as F;
        match f {
            ExportFormatName::Dotenv => F::Dotenv,
            ExportFormatName::Json => F::Json,
            ExportFormatName::Yaml => F::Yaml,
            ExportFormatName::Toml => F::Toml,
            ExportFormatName::Shell => F::Shell,
            ExportFormatName::Docker => F::Docker,
            ExportFormatName::Github => F::Github,
        }
    }
}

impl From<core::export::ExportFormat> for ExportFormatName {
    fn from(f: core::export::ExportFormat) -> Self {
        use core::export::ExportFormat as F;
        match f {
            F::Dotenv => ExportFormatName::Dotenv,
            F::Json => ExportFormatName::Json,
            F::Yaml => ExportFormatName::Yaml,
            F::Toml => ExportFormatName::Toml,
            F::Shell => ExportFormatName::Shell,
            F::Docker => ExportFormatName::Docker,
            F::Github => ExportFormatName::Github,
        }
    }
}

impl From<core::Difference> for Comparison {
    fn from(d: core::Difference) -> Self {
        let names = |v: Vec<core::VariableName>| v.into_iter().map(|n| n.to_string()).collect();
        Comparison {
            only_first: names(d.only_first),
            only_second: names(d.only_second),
            different: names(d.differ),
            same: names(d.same),
        }
    }
}

impl From<core::import::Planned> for ImportRow {
    fn from(p: core::import::Planned) -> Self {
        ImportRow {
            name: p.name.to_string(),
            kind: p.kind.into(),
            action: match p.action {
                core::import::Action::Create => ImportAction::Create,
                core::import::Action::Replace => ImportAction::Replace,
                core::import::Action::Unchanged => ImportAction::Unchanged,
            },
            provider: p.provider,
            problems: p.problems.clone(),
            refused: p.refused,
        }
    }
}

impl From<core::export::ExportStatus> for ExportInfo {
    fn from(s: core::export::ExportStatus) -> Self {
        use core::export::ExportState as S;
        ExportInfo {
            path: s.record.path.display().to_string(),
            env: s.record.env.to_string(),
            format: s.record.format.into(),
            only: s.record.only.as_ref().map(|o| o.iter().map(|n| n.to_string()).collect()),
            names: s.record.names.iter().map(|n| n.to_string()).collect(),
            at: core::text::rfc3339(s.record.at),
            state: match s.state {
                S::Current => ExportStateName::Current,
                S::Stale => ExportStateName::Stale,
                S::Edited => ExportStateName::Edited,
                S::Missing => ExportStateName::Missing,
            },
            audit_warning: None,
        }
    }
}
