//! The leak sweep: every copy of a stored key outside the vault, in any common
//! encoding, in files, shell histories, agent transcripts and git history.
//!
//! A sweep looks for every secret value of every environment (keychain-stored ones
//! too) and the values kept in rotation history, each in the forms of [`Form`], and for
//! well-formed keys of the catalog's providers that the vault does not hold. A finding
//! names its place, line and column, the variable and environment, the form and
//! whether the value is current; never the value, nor any part of it.
//!
//! - [`search`]: the pass over one stream; `grams` finds the forms by sampling;
//! - [`places`]: which files a sweep reads (trees, histories, agent tools);
//! - `sqlite`: databases read cell by cell, and redacted in a transaction;
//! - [`git`]: the blobs of a repository's history, and its staged changes;
//! - [`redact`]: replacing findings in place;
//! - [`leaks`]: the record of current values found outside the vault;
//! - [`servers`], [`protect`], [`deny`]: agent tools' MCP servers, moving their keys
//!   into the vault, and Claude Code's deny rules;
//! - [`schedule`]: the app's daily sweep.

pub mod agents;
pub mod deny;
mod entry;
mod forms;
pub mod git;
mod grams;
mod jsonc;
pub mod leaks;
mod place;
pub mod places;
pub mod protect;
pub mod redact;
pub mod schedule;
mod search;
pub mod servers;
mod sqlite;
mod starts;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// The first bytes of every SQLite database.
pub(crate) const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// The largest agent config read or rewritten: a bigger one is refused, never cut short.
pub(crate) const MAX_CONFIG: u64 = 16 << 20;

pub use forms::Form;
pub use place::Place;
pub use search::{MIN_SOUGHT_LEN, Sought, is_weak};

use crate::name::{EnvironmentName, VariableName};
use crate::validate::Catalog;
use crate::{KeychainError, Kind, OpenError, Vault};

/// Whether what was found is a key in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FindingStatus"))]
pub enum Status {
    /// The value a variable holds now: it works, and must be scrubbed or rotated.
    Current,
    /// A value a variable held before its last rotations.
    Past,
    /// A well-formed key of a known provider that the vault does not hold.
    Unmanaged,
}

impl Status {
    /// The status's name, as output shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Past => "past",
            Self::Unmanaged => "unmanaged",
        }
    }
}

/// A variable that holds (or held) a value looked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// The variable.
    pub variable: VariableName,
    /// Its environment.
    pub environment: EnvironmentName,
    /// Whether it holds the value now.
    pub status: Status,
}

/// One copy of a value, or one unmanaged key, and where it is. Never the value.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The file, commit or staged file.
    pub place: Place,
    /// 1-based line.
    pub line: u64,
    /// 1-based byte column.
    pub column: u64,
    /// Byte offset in the file.
    pub offset: u64,
    /// Length in bytes of what was found (not in output: it would tell a value's length).
    #[serde(skip)]
    pub len: usize,
    /// How it was written.
    pub form: Form,
    /// Current, past or unmanaged.
    pub status: Status,
    /// The variable that holds it (the first, when several do); none for unmanaged keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<VariableName>,
    /// That variable's environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentName>,
    /// The other variables holding the same value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Holder>,
    /// The provider whose key it is, for an unmanaged key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Whether the place's name itself held a value, masked in `place`: the name is a
    /// copy too, and redaction cannot reach the file by it (rename it by hand).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub masked: bool,
}

/// A place that could not be read, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    /// The file or directory.
    pub path: PathBuf,
    /// The OS's reason.
    pub reason: String,
}

/// What a sweep found, and what it read.
#[derive(Debug, Default, Serialize)]
pub struct Sweep {
    /// The findings, by place and offset.
    pub findings: Vec<Finding>,
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Places that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// Distinct values looked for.
    pub values: usize,
    /// Values too short or too plain to look for (under [`MIN_SOUGHT_LEN`] characters,
    /// or a short word of one class of characters: see [`search::is_weak`]).
    pub skipped_short: usize,
}

impl Sweep {
    /// Whether a current value was found: the sweep's exit status.
    pub fn found_current(&self) -> bool {
        self.findings.iter().any(|f| f.status == Status::Current)
    }

    /// Adds another sweep's findings and counts.
    pub fn merge(&mut self, other: Sweep) {
        self.findings.extend(other.findings);
        self.files += other.files;
        self.bytes += other.bytes;
        self.unreadable.extend(other.unreadable);
        self.findings.sort_by(|a, b| (&a.place, a.offset).cmp(&(&b.place, b.offset)));
        self.findings.dedup_by(|a, b| a.place == b.place && a.offset == b.offset);
    }
}

/// How far a sweep is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Files read so far.
    pub files: u64,
    /// Bytes read so far.
    pub bytes: u64,
    /// Files to read.
    pub total_files: u64,
    /// Bytes to read.
    pub total_bytes: u64,
}

/// Why a sweep could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The vault could not be read.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// A keychain-stored value could not be read.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// There is no home directory to find histories and agent tools under.
    #[error("HOME is not set: agent tools and histories are found under it")]
    NoHome,
    /// git failed or is missing.
    #[error("{0}")]
    Git(String),
}

impl Vault {
    /// What a sweep looks for: every secret of every environment, the values kept in
    /// rotation history, and the catalog's key shapes.
    pub fn sought(&self, catalog: Catalog) -> Result<Sought, SweepError> {
        let doc = self.read()?;
        let mut reader = super::vault::ValueReader::default();
        let mut values = Vec::new();
        for (env, environment) in doc.environments() {
            for variable in environment.variables().filter(|v| v.kind == Kind::Secret) {
                let holder =
                    |status| Holder { variable: variable.name.clone(), environment: env.clone(), status };
                values.push((reader.read(&variable.value)?, holder(Status::Current)));
                for past in &variable.meta.history.0 {
                    values.push((past.value.clone(), holder(Status::Past)));
                }
            }
        }
        Ok(Sought::new(values, catalog))
    }
}

impl Sought {
    /// Turns a stream's hits into findings at `place`.
    pub(crate) fn findings(&self, hits: Vec<search::Hit>, place: &Place) -> Vec<Finding> {
        // A name that holds a value is shown with the value masked: the output never
        // holds one, not even in a path.
        let (place, masked) = self.masked_place(place);
        hits.into_iter()
            .map(|hit| {
                let mut finding = Finding {
                    place: place.clone(),
                    masked,
                    line: hit.line,
                    column: hit.column,
                    offset: hit.offset,
                    len: hit.len,
                    form: Form::Literal,
                    status: Status::Unmanaged,
                    variable: None,
                    environment: None,
                    also: Vec::new(),
                    provider: None,
                };
                match hit.what {
                    search::HitWhat::Value(index, form) => {
                        let holders = self.holders(index);
                        // The current holder first, else the first.
                        let first = holders.iter().position(|h| h.status == Status::Current).unwrap_or(0);
                        finding.form = form;
                        finding.status = self.status(index);
                        finding.variable = Some(holders[first].variable.clone());
                        finding.environment = Some(holders[first].environment.clone());
                        finding.also = holders
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| *i != first)
                            .map(|(_, h)| h.clone())
                            .collect();
                    }
                    search::HitWhat::Unmanaged(provider) => finding.provider = Some(provider),
                }
                finding
            })
            .collect()
    }

    /// A place that could not be read, its name masked.
    pub fn unreadable(&self, path: &Path, reason: String) -> Unreadable {
        Unreadable { path: self.mask(&path.to_string_lossy()).into(), reason }
    }

    /// `text` with every stored value in it (in any form) replaced by its placeholder.
    pub fn mask(&self, text: &str) -> String {
        let mut hits = Vec::new();
        // Reading from memory cannot fail.
        let _ = self.search(text.as_bytes(), |hit| hits.push(hit));
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for hit in hits {
            let search::HitWhat::Value(index, _) = hit.what else { continue };
            let (start, end) = (hit.offset as usize, hit.offset as usize + hit.len);
            if start < copied || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            out.push_str(&text[copied..start]);
            out.push_str(&format!("<latchkey:{}>", self.name_for(index)));
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// The place as output may show it, and whether a value had to be masked in it.
    fn masked_place(&self, place: &Place) -> (Place, bool) {
        let (text, rebuild): (String, Box<dyn Fn(String) -> Place>) = match place {
            Place::File { path } => {
                (path.to_string_lossy().into_owned(), Box::new(|p| Place::File { path: p.into() }))
            }
            Place::Commit { commit, path } => {
                let commit = commit.clone();
                (path.clone(), Box::new(move |p| Place::Commit { commit: commit.clone(), path: p }))
            }
            Place::Staged { path } => (path.clone(), Box::new(|p| Place::Staged { path: p })),
            Place::Row { path, table, column, row } => {
                let (path, table, column, row) =
                    (self.mask(&path.to_string_lossy()), self.mask(table), self.mask(column), *row);
                let masked = Place::Row { path: path.into(), table, column, row };
                return (masked.clone(), &masked != place);
            }
        };
        let shown = self.mask(&text);
        if shown == text { (place.clone(), false) } else { (rebuild(shown), true) }
    }

    /// Sweeps `files`, several at a time, calling `progress` as files are done.
    pub fn sweep_files(&self, files: &[PathBuf], progress: &(dyn Fn(Progress) + Sync)) -> Sweep {
        let total_bytes = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let total = Progress { total_files: files.len() as u64, total_bytes, ..Progress::default() };
        let next = AtomicU64::new(0);
        let done_files = AtomicU64::new(0);
        let done_bytes = AtomicU64::new(0);
        let out = Mutex::new(Sweep::default());
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(files.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(path) = files.get(i) else { break };
                        let result = self.sweep_file(path);
                        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                        match result {
                            Ok((findings, bytes)) => {
                                out.findings.extend(findings);
                                out.files += 1;
                                out.bytes += bytes;
                                done_bytes.fetch_add(bytes, Ordering::Relaxed);
                            }
                            Err(e) => out.unreadable.push(self.unreadable(path, e.to_string())),
                        }
                        drop(out);
                        let files = done_files.fetch_add(1, Ordering::Relaxed) + 1;
                        progress(Progress { files, bytes: done_bytes.load(Ordering::Relaxed), ..total });
                    }
                });
            }
        });
        let mut sweep = out.into_inner().unwrap_or_else(|e| e.into_inner());
        sweep.findings.sort_by(|a, b| (&a.place, a.offset).cmp(&(&b.place, b.offset)));
        sweep.values = self.values();
        sweep.skipped_short = self.skipped_short;
        sweep
    }

    /// One file's findings and size. Only regular files are read: a FIFO would block.
    fn sweep_file(&self, path: &Path) -> std::io::Result<(Vec<Finding>, u64)> {
        use std::io::{Read as _, Seek as _};
        let mut file = places::open_regular(path)?;
        let size = file.metadata()?.len();
        let mut head = [0u8; 16];
        let n = file.read(&mut head)?;
        // A database is read cell by cell; one SQLite cannot open is read as bytes.
        if head[..n] == *SQLITE_HEADER
            && let Some(findings) = self.sweep_database(path)
        {
            return Ok((findings, size));
        }
        file.rewind()?;
        let mut hits = Vec::new();
        let bytes = self.search_sized(file, Some(size), |hit| hits.push(hit))?;
        Ok((self.findings(hits, &Place::File { path: path.to_owned() }), bytes))
    }
}

#[cfg(test)]
mod tests;
