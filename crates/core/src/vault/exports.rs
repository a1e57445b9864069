//! Exporting an environment: rendering it, writing it to a file (recorded), and
//! reporting which recorded files are current, stale, edited or missing.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::checks::now;
use super::{GetError, SaveError, Vault};
use crate::export::{
    self, ExportFormat, ExportRecord, ExportState, ExportStatus, GuardError, Unrepresentable,
};
use crate::name::{EnvironmentName, VariableName};
use crate::output::{OutputError, Target};

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
    /// The path cannot take the output, or writing it failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The record could not be saved (the file was written).
    #[error("the export was written, but its record was not saved: {0}")]
    Record(#[from] SaveError),
}

/// Where an export went, and what was recorded of it.
#[derive(Debug, Clone)]
pub struct Exported {
    /// Where it went, as shown to the user.
    pub to: String,
    /// The names written.
    pub names: Vec<VariableName>,
    /// The record of a file export (`latchkey exports`); `None` for a stream.
    pub record: Option<ExportRecord>,
    /// Why the access could not be recorded in the audit log, if so (the export was
    /// made all the same).
    pub audit_error: Option<String>,
}

/// An export as text, for standard output.
#[derive(Debug)]
pub struct ExportedText {
    /// The text (it holds the values).
    pub text: Zeroizing<String>,
    /// The names it holds.
    pub names: Vec<VariableName>,
    /// Why the access could not be recorded in the audit log, if so.
    pub audit_error: Option<String>,
}

/// Why the identity could not be exported. Nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityExportError {
    /// The file exists already.
    #[error("{0} already exists: latchkey never overwrites a file with the identity; choose another path")]
    Exists(PathBuf),
    /// The path is in a git work tree and not ignored.
    #[error(transparent)]
    Guard(#[from] GuardError),
    /// The path cannot take the output, or writing it failed.
    #[error(transparent)]
    Output(#[from] OutputError),
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
    /// Renders `request` as text, with the names it holds, and records the access.
    pub fn export_text(&self, request: &ExportRequest) -> Result<ExportedText, ExportError> {
        let (text, names) = self.render_export(request)?;
        let audit_error = self.record_export(request, &names, None);
        Ok(ExportedText { text, names, audit_error })
    }

    /// Records an export access; returns why it could not be, if so.
    fn record_export(
        &self,
        request: &ExportRequest,
        names: &[VariableName],
        to: Option<&str>,
    ) -> Option<String> {
        let event = crate::audit::Event {
            env: request.env.to_string(),
            names: names.iter().map(ToString::to_string).collect(),
            path: to.map(str::to_owned),
            cwd: std::env::current_dir().ok().map(|d| d.display().to_string()),
            ..Default::default()
        };
        self.record_access(crate::audit::Access::Export, event)
            .err()
            .map(|e| format!("the export was not recorded in the audit log: {e}"))
    }

    /// Renders `request` as text, with the names it holds; records nothing.
    pub(crate) fn render_export(
        &self,
        request: &ExportRequest,
    ) -> Result<(Zeroizing<String>, Vec<VariableName>), ExportError> {
        let values = self.values(&request.env, request.only.as_deref())?;
        let pairs: Vec<_> = values.into_iter().map(|v| (v.name, v.value)).collect();
        let text = export::render(request.format, &pairs)?;
        Ok((text, pairs.into_iter().map(|(name, _)| name).collect()))
    }

    /// Writes `request` to `path`: a file atomically with mode 0600, and recorded; a
    /// stream in place. A file in a git work tree that does not ignore it is refused,
    /// unless `allow_tracked`.
    pub fn export_to_file(
        &self,
        request: &ExportRequest,
        path: &Path,
        allow_tracked: bool,
    ) -> Result<Exported, ExportError> {
        let target = Target::of(path)?;
        if let Some(file) = target.file()
            && !allow_tracked
        {
            export::guard_against_git(path)?;
            export::guard_against_git(file)?;
        }
        let (text, names) = self.render_export(request)?;
        target.write(text.as_bytes())?;
        let to = target.display();
        let audit_error = self.record_export(request, &names, Some(&to));
        let Target::File(path) = target else {
            return Ok(Exported { to, names, record: None, audit_error });
        };
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
        Ok(Exported { to, names: record.names.clone(), record: Some(record), audit_error })
    }

    /// Writes the identity as a plain identity file to `path` (created 0600; it must not
    /// exist), or to a stream. Guarded against git work trees like exports, unless
    /// `allow_tracked`, and recorded in the audit log. Returns where it went.
    pub fn export_identity_to(
        &self,
        path: &Path,
        allow_tracked: bool,
    ) -> Result<String, IdentityExportError> {
        let target = Target::of(path)?;
        let text = self.export_identity();
        match &target {
            Target::File(file) => {
                if std::fs::symlink_metadata(file).is_ok() {
                    return Err(IdentityExportError::Exists(file.clone()));
                }
                if !allow_tracked {
                    export::guard_against_git(file)?;
                }
                crate::atomic::write_new(file, text.as_bytes())
                    .map_err(|source| OutputError::Io { path: file.clone(), source })?;
            }
            _ => target.write(text.as_bytes())?,
        }
        let to = target.display();
        let event = crate::audit::Event {
            env: String::new(),
            path: Some(to.clone()),
            cwd: std::env::current_dir().ok().map(|d| d.display().to_string()),
            ..Default::default()
        };
        if let Err(e) = self.record_access(crate::audit::Access::Identity, event) {
            self.note(format!("the identity export was not recorded in the audit log: {e}"));
        }
        Ok(to)
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

/// Why an export record could not be forgotten. When this is returned, the vault is
/// unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForgetExportError {
    /// No export to that path is recorded.
    #[error("no export to {0} is recorded: `latchkey exports` lists them")]
    NotRecorded(PathBuf),
    /// The vault could not be read or saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

impl Vault {
    /// Forgets the record of the export to `path` (relative to the working directory),
    /// so `exports` and `rotate` stop naming it. The file itself is left alone.
    pub fn forget_export(&self, path: &Path) -> Result<ExportRecord, ForgetExportError> {
        // An export to an existing file is recorded by its real path: try that too.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let real = std::fs::canonicalize(path).ok();
        self.update(|doc| {
            // Both, when the file was recorded once by each name.
            let by_name = doc.forget_export(&absolute);
            let by_real = real.as_deref().filter(|r| *r != absolute).and_then(|r| doc.forget_export(r));
            by_name.or(by_real).ok_or_else(|| ForgetExportError::NotRecorded(absolute.clone()))
        })
    }
}
