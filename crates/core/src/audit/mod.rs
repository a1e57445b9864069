//! The audit log: every grant of variables to a command, and every other access that
//! yields a value (`get`, `export`, `inject`, reveal and copy in the app), one JSON line
//! each in `audit.log`. Names only, never values.
//!
//! The log is append-only and hash-chained: each entry carries the MAC of the one before
//! it and its own HMAC-SHA256 under a key kept in the vault, so editing, removing or
//! reordering an entry breaks the chain at that entry. `audit.head` records the last
//! entry (MACed too), so cutting entries off the end is detected as well, and a missing
//! head is itself a failure once the log has entries. The vault keeps an [`Anchor`]
//! (the count and last MAC) too, refreshed whenever the vault is written and at each
//! `audit verify`, so cutting or rolling back both files is detected up to that point.
//!
//! A launch is two entries: its grant, written before the command starts (so a killed
//! latchkey still leaves one), and its exit, which points at the grant.
//!
//! What is not detected: someone with the vault's key rewriting the whole log
//! consistently, and entries cut off since the vault last saw the log together with a
//! restored older head. Both files are opened without following symlinks.

mod log;

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use log::AuditLog;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Access {
    /// Variables given to a command by `latchkey run`.
    Grant,
    /// `latchkey get`.
    Get,
    /// `latchkey export`.
    Export,
    /// `latchkey inject`.
    Inject,
    /// Reveal in the desktop app.
    Reveal,
    /// Copy in the desktop app.
    Copy,
    /// A launched command ended: points at its grant.
    Exit,
    /// `latchkey identity export`: the vault's identity was written out.
    Identity,
    /// A brokered run's request, with a key put in on its way to the key's provider (or
    /// an error answered in its place): points at the run's grant.
    Request,
    /// A brokered run's request refused: a placeholder on its way to another host, or a
    /// host the run may not reach. Points at the run's grant.
    Refused,
    /// A secret was rotated to a new value (`latchkey rotate`, Rotate in the app).
    Rotate,
    /// A secret's previous value was restored (`latchkey rollback`, Roll back in the app).
    Rollback,
}

impl Access {
    /// Its name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Grant => "grant",
            Access::Get => "get",
            Access::Export => "export",
            Access::Inject => "inject",
            Access::Reveal => "reveal",
            Access::Copy => "copy",
            Access::Exit => "exit",
            Access::Identity => "identity",
            Access::Request => "request",
            Access::Refused => "refused",
            Access::Rotate => "rotate",
            Access::Rollback => "rollback",
        }
    }
}

/// One access, before it is chained.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The agent profile, for grants made through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The project file whose contract shaped a grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The program run, for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// HMAC-SHA256 of the program's arguments under the log's key, for grants: two runs
    /// with the same arguments can be told apart from others, and a short secret passed
    /// on a command line cannot be guessed from the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_hmac: Option<String>,
    /// An unkeyed SHA-256 of the arguments, in entries written before `args_hmac`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_sha256: Option<String>,
    /// For an exit, the sequence number of its grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<u64>,
    /// The working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// The process id of the program, for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The environment.
    pub env: String,
    /// The variable names (never values).
    pub names: Vec<String>,
    /// The program's exit code, for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// How long the program ran, for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Where values went, for file exports; the path without its query, for brokered
    /// requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A brokered request's method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The host a brokered request went to, or was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The status a brokered request was answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Bytes of a brokered request's body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<u64>,
    /// Bytes of a brokered request's response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    /// Why a brokered request was refused or failed (one line, never a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a sandboxed grant, its rules: the mode, the writable paths, how many paths
    /// were hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<String>,
}

/// An entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its position, from 1.
    pub seq: u64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What kind of access.
    pub access: Access,
    /// The details.
    #[serde(flatten)]
    pub event: Event,
    /// The MAC of the entry before (empty for the first).
    pub prev: String,
    /// HMAC-SHA256 of this entry without this field, in hex.
    pub mac: String,
}

/// Why the log could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The log could not be read or written.
    #[error("cannot use the audit log {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Where and how verification failed: the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Tampering {
    /// A line is not an entry.
    #[error("line {line} of the audit log is not an entry: it was edited")]
    Unreadable {
        /// The line (1-based).
        line: usize,
    },
    /// An entry's MAC does not match its content.
    #[error("entry {seq} (line {line}) was edited: its MAC does not match")]
    Edited {
        /// The entry's sequence number as written.
        seq: u64,
        /// The line.
        line: usize,
    },
    /// An entry is not the one that should follow the previous one.
    #[error(
        "entry {seq} (line {line}) does not follow entry {expected_prev}: entries were removed or reordered before it"
    )]
    Broken {
        /// The entry's sequence number as written.
        seq: u64,
        /// The line.
        line: usize,
        /// The sequence number of the entry before it.
        expected_prev: u64,
    },
    /// Entries after the last one are gone.
    #[error("the log ends at entry {last}, but entry {head} was written: entries were cut off the end")]
    Truncated {
        /// The last entry present.
        last: u64,
        /// The last entry written.
        head: u64,
    },
    /// `audit.head` is missing or damaged although the log has (or had) entries.
    #[error(
        "audit.head is missing or damaged, so entries cut off the end of the log would go unseen (the log holds {entries} entries)"
    )]
    HeadMissing {
        /// How many entries the log holds.
        entries: u64,
    },
    /// The vault saw more entries than the log holds, or another last entry.
    #[error(
        "the log holds {entries} entries, but the vault saw entry {anchored} with another history: entries were removed or the log was replaced"
    )]
    Forgotten {
        /// How many entries the log holds.
        entries: u64,
        /// The last entry the vault saw.
        anchored: u64,
    },
}

/// Where the log stood when the vault last saw it: its count and last MAC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The last entry's sequence number.
    pub seq: u64,
    /// Its MAC.
    pub mac: String,
}

/// The entries as people read them: each grant carries the outcome its exit entry
/// recorded (pid, exit code, duration), and exit entries are folded into their grants.
/// A grant with no exit is a run still going, or one whose latchkey was killed.
pub fn with_outcomes(entries: Vec<Entry>) -> Vec<Entry> {
    let exits: std::collections::HashMap<u64, Event> = entries
        .iter()
        .filter(|e| e.access == Access::Exit)
        .filter_map(|e| Some((e.event.grant?, e.event.clone())))
        .collect();
    entries
        .into_iter()
        .filter(|e| e.access != Access::Exit)
        .map(|mut e| {
            if e.access == Access::Grant
                && let Some(exit) = exits.get(&e.seq)
            {
                e.event.pid = exit.pid;
                e.event.exit_code = exit.exit_code;
                e.event.duration_ms = exit.duration_ms;
            }
            e
        })
        .collect()
}
