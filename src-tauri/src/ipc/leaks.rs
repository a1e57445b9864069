//! The types of the Leaks screen: a sweep's findings grouped by variable, never a value.

use latchkey_core as core;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `sweep`'s request: what to read.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SweepRequest {
    /// The agent tools' transcripts, histories and configs.
    pub agents: bool,
    /// Shell and REPL histories.
    pub history: bool,
    /// Files and folders, as full paths.
    pub paths: Vec<String>,
}

/// What a sweep read and found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SweepView {
    /// Files read.
    #[ts(type = "number")]
    pub files: u64,
    /// Bytes read.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Distinct values looked for.
    pub values: u32,
    /// Values too short to look for.
    pub skipped_short: u32,
    /// Places that could not be read.
    pub unreadable: u32,
    /// The findings by variable (unmanaged keys by provider), current first.
    pub groups: Vec<LeakGroup>,
}

/// The copies of one variable's value, or the unmanaged keys of one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeakGroup {
    /// The variable; none for unmanaged keys.
    pub variable: Option<String>,
    /// Its environment.
    pub environment: Option<String>,
    /// The provider, for unmanaged keys.
    pub provider: Option<String>,
    /// Current, past or unmanaged.
    pub status: core::sweep::Status,
    /// Where each copy is.
    pub places: Vec<LeakPlace>,
}

/// One copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeakPlace {
    /// The file, or `commit:path`.
    pub place: String,
    /// 1-based line.
    #[ts(type = "number")]
    pub line: u64,
    /// 1-based byte column.
    #[ts(type = "number")]
    pub column: u64,
    /// How the value was written.
    pub form: core::sweep::Form,
    /// Whether Redact can replace it (a file, and a stored value).
    pub redactable: bool,
    /// The file Redact rewrites (a database for a cell), when it can.
    pub file: Option<String>,
}

/// How far a sweep is, sent as [`super::events::SWEEP_PROGRESS_EVENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SweepProgress {
    /// Files read so far.
    #[ts(type = "number")]
    pub files: u64,
    /// Files to read.
    #[ts(type = "number")]
    pub total_files: u64,
    /// Bytes read so far.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Bytes to read.
    #[ts(type = "number")]
    pub total_bytes: u64,
}

impl From<core::sweep::Progress> for SweepProgress {
    fn from(p: core::sweep::Progress) -> Self {
        Self { files: p.files, total_files: p.total_files, bytes: p.bytes, total_bytes: p.total_bytes }
    }
}

/// `redact_leaks`' request: one variable's copies in the files of the last sweep.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedactRequest {
    /// The variable.
    pub variable: String,
    /// Its environment.
    pub environment: String,
    /// The files to redact it in.
    pub paths: Vec<String>,
}

/// What a redaction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedactResult {
    /// Copies replaced.
    pub redacted: u32,
    /// One line per file that was refused (tracked by git, changed meanwhile, ...).
    pub refused: Vec<String>,
}

impl SweepView {
    /// The UI's view of a sweep.
    pub fn new(sweep: &core::sweep::Sweep) -> Self {
        let mut groups: Vec<LeakGroup> = Vec::new();
        for f in &sweep.findings {
            let key =
                (f.variable.as_ref().map(|v| v.to_string()), f.environment.as_ref().map(|e| e.to_string()));
            let place = LeakPlace {
                place: match &f.place {
                    core::sweep::Place::File { path } => path.display().to_string(),
                    other => other.to_string(),
                },
                line: f.line,
                column: f.column,
                form: f.form,
                redactable: f.status != core::sweep::Status::Unmanaged
                    && !f.masked
                    && f.place.file().is_some(),
                file: f.place.file().map(|p| p.display().to_string()),
            };
            let same = |g: &&mut LeakGroup| {
                (g.variable.clone(), g.environment.clone()) == key
                    && g.provider == f.provider
                    && g.status == f.status
            };
            match groups.iter_mut().find(same) {
                Some(group) => group.places.push(place),
                None => groups.push(LeakGroup {
                    variable: key.0,
                    environment: key.1,
                    provider: f.provider.clone(),
                    status: f.status,
                    places: vec![place],
                }),
            }
        }
        groups
            .sort_by(|a, b| (a.status, &a.variable, &a.provider).cmp(&(b.status, &b.variable, &b.provider)));
        Self {
            files: sweep.files,
            bytes: sweep.bytes,
            values: sweep.values as u32,
            skipped_short: sweep.skipped_short as u32,
            unreadable: sweep.unreadable.len() as u32,
            groups,
        }
    }
}
