//! Exporting an environment: rendering it, writing it to a file (recorded), and
//! reporting which recorded files are current, stale, edited or missing.

use std::io;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::checks::now;
use super::{GetError, SaveError, Vault};
use crate::export::{
    self, ExportFormat, ExportRecord, ExportState, ExportStatus, GuardError, Unrepresentable,
};
use crate::name::{EnvironmentName, VariableName};

/// Why an export could not be made. When this is returned, no file was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The variables could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// A value the format cannot carry.
    #[error(transparent)]
    Unrepresentable(#[from] Unrepresentable),
    /// The path is in a git work tree and not ignored.
    #[error(transparent)]
    Guard(#[from] GuardError),
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The record could not be saved (the file was written).
    #[error("the export was written, but its record was not saved: {0}")]
    Record(#[from] SaveError),
}

/// Where and how to write an export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The environment.
    pub env: EnvironmentName,
    /// The format.
    pub format: ExportFormat,
    /// Only these variables; all of the environment when `None`.
    pub only: Option<Vec<VariableName>>,
}

impl Vault {
    /// Renders `request` as text, with the names it holds.
    pub fn render_export(
        &self,
        request: &ExportRequest,
    ) -> Result<(Zeroizing<String>, Vec<VariableName>), ExportError> {
        let values = self.values(&request.env, request.only.as_deref())?;
        let pairs: Vec<_> = values.into_iter().map(|v| (v.name, v.value)).collect();
        let text = export::render(request.format, &pairs)?;
        Ok((text, pairs.into_iter().map(|(name, _)| name).collect()))
    }

    /// Writes `request` to `path` (atomically, mode 0600) and records it. Refused in a
    /// git work tree that does not ignore `path`, unless `allow_tracked`.
    pub fn export_to_file(
        &self,
        request: &ExportRequest,
        path: &Path,
        allow_tracked: bool,
    ) -> Result<ExportRecord, ExportError> {
        if !allow_tracked {
            export::guard_against_git(path)?;
        }
        let (text, names) = self.render_export(request)?;
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        crate::atomic::write_atomic(&path, text.as_bytes())
            .map_err(|source| ExportError::Write { path: path.clone(), source })?;
        let record = ExportRecord {
            path,
            env: request.env.clone(),
            format: request.format,
            only: request.only.clone(),
            names,
            sha256: export::records_digest(text.as_bytes()),
            at: now(),
        };
        self.update(|doc| {
            doc.record_export(record.clone());
            Ok::<_, SaveError>(())
        })?;
        Ok(record)
    }

    /// Every recorded export and its state now.
    pub fn exports(&self) -> Result<Vec<ExportStatus>, GetError> {
        let records = self.read()?.exports().to_vec();
        Ok(records
            .into_iter()
            .map(|record| {
                let state = match std::fs::read(&record.path) {
                    Err(_) => ExportState::Missing,
                    Ok(bytes) if export::records_digest(&bytes) != record.sha256 => ExportState::Edited,
                    Ok(_) => {
                        let request = ExportRequest {
                            env: record.env.clone(),
                            format: record.format,
                            only: record.only.clone(),
                        };
                        match self.render_export(&request) {
                            Ok((text, _)) if export::records_digest(text.as_bytes()) == record.sha256 => {
                                ExportState::Current
                            }
                            _ => ExportState::Stale,
                        }
                    }
                };
                ExportStatus { record, state }
            })
            .collect())
    }
}
