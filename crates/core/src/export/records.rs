//! The record of a file export, kept in the vault: what was written where, and a hash
//! of it, to tell later whether the file is current, stale, edited or gone.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::ExportFormat;
use crate::name::{EnvironmentName, VariableName};

/// One file export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The file, as an absolute path.
    pub path: PathBuf,
    /// The environment exported.
    pub env: EnvironmentName,
    /// The format.
    pub format: ExportFormat,
    /// The names asked for with `--only`; all of the environment when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<Vec<VariableName>>,
    /// The names the file holds.
    pub names: Vec<VariableName>,
    /// SHA-256 of the file's content, in hex.
    pub sha256: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// How a recorded export compares with the vault and the disk now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportState {
    /// The file is as written, and the vault would write the same today.
    Current,
    /// The vault changed since: exporting again would write something else.
    Stale,
    /// The file was changed by something other than latchkey.
    Edited,
    /// The file is gone.
    Missing,
}

impl ExportState {
    /// Its name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportState::Current => "current",
            ExportState::Stale => "stale",
            ExportState::Edited => "edited",
            ExportState::Missing => "missing",
        }
    }
}

/// A record and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportStatus {
    /// The record.
    #[serde(flatten)]
    pub record: ExportRecord,
    /// Its state now.
    pub state: ExportState,
}

/// SHA-256 of `content`, in hex.
pub(crate) fn digest(content: &[u8]) -> String {
    Sha256::digest(content).iter().map(|b| format!("{b:02x}")).collect()
}
