//! Redaction: each stored value found in a file is replaced, in place, with
//! `<latchkey:NAME>` written in the form the file needs, and the file is replaced
//! atomically with its mode and owner. A base64 run is decoded, scrubbed and encoded
//! again, so that it stays base64. Unmanaged keys are left alone: the vault has no copy
//! of them, and scrubbing would lose them.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::forms::{self, Form};
use super::search::{Hit, HitWhat};
use super::{Finding, Sought, Status};
use crate::name::{EnvironmentName, VariableName};

/// Why a file was not redacted. Nothing was written to it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// git tracks the file: the value is in its history already.
    #[error("{0} is tracked by git: its history holds the value already, so rotate the key instead")]
    Tracked(PathBuf),
    /// The file has other names, which would keep the value.
    #[error("{0} has other hard links, which would keep the value: redact the file they share by hand")]
    Linked(PathBuf),
    /// Replacing the values would leave the file invalid.
    #[error("{path}: redacting would leave it invalid {format}; nothing was changed")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// `JSON`, `JSON lines`.
        format: &'static str,
    },
    /// The file is not text (a binary, a database journal): replacing a value with text
    /// of another length would break it.
    #[error(
        "{0} is not a text file (a binary or a database journal): rotate the key instead; nothing was changed"
    )]
    Binary(PathBuf),
    /// A base64 run holding the value could not be re-encoded as it was (two alphabets,
    /// or lines wrapped at a fixed width).
    #[error(
        "{0}: the value sits in base64 that cannot be re-encoded as it was; nothing was changed: rotate the key"
    )]
    Base64(PathBuf),
    /// An agent reads its keys from this config: a placeholder there would break it.
    #[error(
        "{0} is an agent's config, which the agent reads its keys from: store them with `latchkey set` (see `latchkey agents`); nothing was changed"
    )]
    AgentConfig(PathBuf),
    /// A database could not be opened, read or updated, or would keep a copy.
    #[error("{path}: {reason}; nothing was changed")]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        reason: String,
    },
    /// A database was redacted, but its old pages are still in its file or log: a
    /// program reading it holds them.
    #[error(
        "{0}: redacted, but a program reading it keeps the old text in the file until it closes: close it, then run the redaction again"
    )]
    Pending(PathBuf),
    /// The file changed while it was redacted (an agent writing to it).
    #[error("{0} changed while it was redacted; nothing was changed: run the sweep again")]
    Changed(PathBuf),
    /// The file could not be read or replaced.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The files a redaction would change, with how many values each: findings of stored
/// values in files, unmanaged keys and commits left out.
pub fn plan(findings: &[Finding]) -> Vec<(PathBuf, usize)> {
    let mut files: Vec<(PathBuf, usize)> = Vec::new();
    for finding in findings.iter().filter(|f| f.status != Status::Unmanaged && !f.masked) {
        if let Some(path) = finding.place.file() {
            match files.iter_mut().find(|(p, _)| p == path) {
                Some((_, n)) => *n += 1,
                None => files.push((path.to_owned(), 1)),
            }
        }
    }
    files
}

impl Sought {
    /// Replaces every stored value in `path` (found anew, so that what changed since the
    /// sweep counts) with its placeholder; only the values of the variable `only` names
    /// (with its environment) when given. Returns how many were replaced.
    pub fn redact(
        &self,
        path: &Path,
        only: Option<(&VariableName, &EnvironmentName)>,
    ) -> Result<usize, RedactError> {
        let keep = |index: usize| {
            only.is_none_or(|(v, e)| {
                self.holders(index).iter().any(|h| &h.variable == v && &h.environment == e)
            })
        };
        let io = |source| RedactError::Io { path: path.to_owned(), source };
        if super::git::is_tracked(path) {
            return Err(RedactError::Tracked(path.to_owned()));
        }
        let home = crate::home::user_home();
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if home.is_some_and(|h| super::agents::config_files(&h).contains(&real)) {
            return Err(RedactError::AgentConfig(path.to_owned()));
        }
        let mut file = super::places::open_regular(path).map_err(io)?;
        let before = file.metadata().map_err(io)?;
        // A database is updated in place, cell by cell, not read whole and replaced.
        let mut head = [0u8; 16];
        let n = file.read(&mut head).map_err(io)?;
        if head[..n] == *super::SQLITE_HEADER {
            return self.redact_database(path, &keep);
        }
        std::io::Seek::rewind(&mut file).map_err(io)?;
        #[cfg(unix)]
        if std::os::unix::fs::MetadataExt::nlink(&before) > 1 {
            return Err(RedactError::Linked(path.to_owned()));
        }
        let mut content = Zeroizing::new(Vec::new());
        file.read_to_end(&mut content).map_err(io)?;
        if is_binary(path, &content) {
            return Err(RedactError::Binary(path.to_owned()));
        }
        let mut hits = Vec::new();
        self.search(content.as_slice(), |hit| hits.push(hit)).map_err(io)?;
        hits.retain(|h| matches!(h.what, HitWhat::Value(index, _) if keep(index)));
        if hits.is_empty() {
            return Ok(0);
        }
        let scrubbed =
            self.scrubbed(&content, &hits, &keep).ok_or_else(|| RedactError::Base64(path.to_owned()))?;
        if let Some(format) = broken_format(path, &content, &scrubbed) {
            return Err(RedactError::Invalid { path: path.to_owned(), format });
        }
        // An agent appending to its transcript meanwhile: its lines would be lost. Checked
        // again at the last moment, right before the new file takes the name.
        let unchanged =
            || std::fs::symlink_metadata(path).is_ok_and(|now| same_file_unchanged(&before, &now));
        match crate::atomic::replace_keeping(path, &scrubbed, &before, &unchanged) {
            Ok(true) => Ok(hits.len()),
            Ok(false) => Err(RedactError::Changed(path.to_owned())),
            Err(source) => Err(io(source)),
        }
    }

    /// `content` with each hit replaced; `None` when a base64 run holding one cannot be
    /// re-encoded as it was.
    pub(super) fn scrubbed(
        &self,
        content: &[u8],
        hits: &[Hit],
        keep: &dyn Fn(usize) -> bool,
    ) -> Option<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::with_capacity(content.len()));
        let mut copied = 0usize;
        for hit in hits {
            let HitWhat::Value(index, form) = hit.what else { continue };
            let start = hit.offset as usize;
            let end = start + hit.len;
            if start < copied {
                continue; // inside a base64 run already re-encoded
            }
            let placeholder = format!("<latchkey:{}>", self.name_for(index));
            match form {
                Form::Base64 | Form::Base64Url => {
                    let (run_start, run_end) = base64_run(content, start, end, copied);
                    let run = &content[run_start..run_end];
                    // The alphabet the run is written in, whatever the needle's (the two
                    // write most characters alike); a run with both is not base64.
                    let url = run.iter().any(|b| matches!(b, b'-' | b'_'));
                    let standard = run.iter().any(|b| matches!(b, b'+' | b'/'));
                    let form = match (url, standard) {
                        (true, true) => return None,
                        (true, false) => Form::Base64Url,
                        _ => Form::Base64,
                    };
                    let again = self.reencoded(run, form, keep)?;
                    // A line of base64 wrapped at a fixed width (MIME, PEM): another length
                    // would break the block.
                    let wrapped = content.get(run_end) == Some(&b'\n')
                        && content.get(run_end + 1).is_some_and(|&b| forms::is_base64_byte(b, form));
                    if wrapped && again.len() != run.len() {
                        return None;
                    }
                    out.extend_from_slice(&content[copied..run_start]);
                    out.extend_from_slice(&again);
                    copied = run_end;
                }
                _ => {
                    out.extend_from_slice(&content[copied..start]);
                    out.extend_from_slice(&forms::encode(&placeholder, form));
                    copied = end;
                }
            }
        }
        out.extend_from_slice(&content[copied..]);
        Some(out)
    }

    /// The name a placeholder gives the value of this index: a variable holding it now.
    pub(crate) fn name_for(&self, index: usize) -> &VariableName {
        let holders = self.holders(index);
        let current = holders.iter().find(|h| h.status == Status::Current);
        &current.unwrap_or(&holders[0]).variable
    }

    /// A base64 run decoded, every stored value in it replaced, and encoded again in
    /// the same alphabet, padded as it was. Tries the run's first four starts, for text
    /// that runs into it (`key=dGhl...`).
    fn reencoded(&self, run: &[u8], form: Form, keep: &dyn Fn(usize) -> bool) -> Option<Zeroizing<Vec<u8>>> {
        let padded = run.ends_with(b"=");
        for skip in 0..4.min(run.len()) {
            let Some(plain) = forms::decode_base64(&run[skip..], form) else { continue };
            let mut hits = Vec::new();
            self.search(plain.as_slice(), |hit| hits.push(hit)).ok()?;
            hits.retain(|h| matches!(h.what, HitWhat::Value(index, _) if keep(index)));
            if hits.is_empty() {
                continue;
            }
            let scrubbed = self.scrubbed(&plain, &hits, keep)?;
            let mut out = Zeroizing::new(run[..skip].to_vec());
            out.extend_from_slice(&forms::base64(&scrubbed, form, padded));
            return Some(out);
        }
        None
    }
}

/// The whole base64 run around `start..end` (either alphabet), with its padding, not
/// reaching back before `from` (what is already written).
fn base64_run(content: &[u8], start: usize, end: usize, from: usize) -> (usize, usize) {
    let any = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    let mut s = start;
    while s > from && any(content[s - 1]) {
        s -= 1;
    }
    let mut e = end;
    while e < content.len() && any(content[e]) {
        e += 1;
    }
    while e < content.len() && content[e] == b'=' && e - s < (e - s).next_multiple_of(4) {
        e += 1;
    }
    (s, e)
}

/// Whether the file is not text: a SQLite database or journal, or a NUL byte near the start.
fn is_binary(path: &Path, content: &[u8]) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    content.starts_with(super::SQLITE_HEADER)
        || name.ends_with("-wal")
        || name.ends_with("-journal")
        || name.ends_with("-shm")
        || content[..content.len().min(8192)].contains(&0)
}

/// Whether a JSON or JSON-lines file that parsed before would not after: the format
/// it would break.
fn broken_format(path: &Path, before: &[u8], after: &[u8]) -> Option<&'static str> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let parses = |bytes: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
    match extension {
        "json" if parses(before) && !parses(after) => Some("JSON"),
        "jsonl" | "ndjson" => {
            let lines_ok = |text: &[u8]| {
                text.split(|&b| b == b'\n')
                    .filter(|l| !l.trim_ascii().is_empty())
                    .map(parses)
                    .collect::<Vec<bool>>()
            };
            let was = lines_ok(before);
            let is = lines_ok(after);
            let broke = was.len() != is.len() || was.iter().zip(&is).any(|(w, i)| *w && !*i);
            broke.then_some("JSON lines")
        }
        _ => None,
    }
}

pub(super) fn same_file_unchanged(before: &std::fs::Metadata, now: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        before.ino() == now.ino()
            && before.dev() == now.dev()
            && before.len() == now.len()
            && before.mtime() == now.mtime()
            && before.mtime_nsec() == now.mtime_nsec()
    }
    #[cfg(not(unix))]
    {
        before.len() == now.len() && before.modified().ok() == now.modified().ok()
    }
}
