//! The audit log: every grant of variables to a command, and every other access that
//! yields a value (`get`, `export`, `inject`, reveal and copy in the app), one JSON line
//! each in `audit.log`. Names only, never values.
//!
//! The log is append-only and hash-chained: each entry carries the MAC of the one before
//! it and its own HMAC-SHA256 under a key kept in the vault, so editing, removing or
//! reordering an entry breaks the chain at that entry. `audit.head` records the last
//! entry (MACed too), so cutting entries off the end is detected as well. What is not
//! detected: someone with the vault's key rewriting the whole log consistently.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::home::Home;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
        }
    }
}

/// One access, before it is chained.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The agent profile, for grants made through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The program run, for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// SHA-256 of the program's arguments (they may hold anything), for grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_sha256: Option<String>,
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
    /// Where values went, for file exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
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
    /// The log's key could not be created in the vault.
    #[error("cannot set up the audit log's key: {0}")]
    Key(#[from] crate::vault::SaveError),
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
}

type HmacSha256 = Hmac<Sha256>;

/// The audit log of a data directory, with the key that chains it.
pub struct AuditLog {
    path: PathBuf,
    head: PathBuf,
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog").field("path", &self.path).finish_non_exhaustive()
    }
}

impl AuditLog {
    /// The log of `home`, chained with `key` (from the vault).
    pub fn new(home: &Home, key: Zeroizing<Vec<u8>>) -> Self {
        Self { path: home.dir().join("audit.log"), head: home.dir().join("audit.head"), key }
    }

    /// The log file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn io(&self, source: io::Error) -> AuditError {
        AuditError::Io { path: self.path.clone(), source }
    }

    fn mac(&self, entry: &Entry) -> String {
        let mut unsigned = entry.clone();
        unsigned.mac = String::new();
        let text = serde_json::to_string(&unsigned).expect("an entry always encodes as JSON");
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    fn head_mac(&self, seq: u64, last: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("head {seq} {last}").as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Appends `event` as an entry of kind `access`, under an exclusive lock of the log.
    pub fn append(&self, access: Access, event: Event) -> Result<Entry, AuditError> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .mode_0600()
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        file.lock().map_err(|e| self.io(e))?;
        let (seq, prev) = match last_line(&mut file).map_err(|e| self.io(e))? {
            Some(line) => match serde_json::from_str::<Entry>(&line) {
                Ok(last) => (last.seq + 1, last.mac),
                // A damaged tail is `audit verify`'s to report; keep appending after it.
                Err(_) => (u64::MAX, String::new()),
            },
            None => (1, String::new()),
        };
        let at = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut entry = Entry { seq, at, access, event, prev, mac: String::new() };
        entry.mac = self.mac(&entry);
        let mut line = serde_json::to_string(&entry).expect("an entry always encodes as JSON");
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        let head = format!("{} {} {}\n", entry.seq, entry.mac, self.head_mac(entry.seq, &entry.mac));
        // Replaced by rename, not fsynced: the log is for finding out, and a crash that loses
        // the newest entry shows as a truncation, which errs on the side of suspicion.
        let temp = self.head.with_extension("head.tmp");
        OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode_0600()
            .open(&temp)
            .and_then(|mut f| f.write_all(head.as_bytes()))
            .and_then(|()| std::fs::rename(&temp, &self.head))
            .map_err(|e| self.io(e))?;
        Ok(entry)
    }

    /// Every entry, in order, without checking the chain.
    pub fn entries(&self) -> Result<Vec<Entry>, AuditError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let mut entries = Vec::new();
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| self.io(e))?;
            if let Ok(entry) = serde_json::from_str(&line) {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// Checks the whole chain; returns how many entries it holds, or the first bad one.
    pub fn verify(&self) -> Result<Result<u64, Tampering>, AuditError> {
        let file = match File::open(&self.path) {
            Ok(file) => Some(file),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io(e)),
        };
        let mut last: Option<Entry> = None;
        if let Some(file) = file {
            for (i, line) in BufReader::new(file).lines().enumerate() {
                let line = line.map_err(|e| self.io(e))?;
                let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
                    return Ok(Err(Tampering::Unreadable { line: i + 1 }));
                };
                if self.mac(&entry) != entry.mac {
                    return Ok(Err(Tampering::Edited { seq: entry.seq, line: i + 1 }));
                }
                let (expected_seq, expected_prev) =
                    last.as_ref().map_or((1, ""), |l| (l.seq + 1, l.mac.as_str()));
                if entry.seq != expected_seq || entry.prev != expected_prev {
                    return Ok(Err(Tampering::Broken {
                        seq: entry.seq,
                        line: i + 1,
                        expected_prev: expected_seq - 1,
                    }));
                }
                last = Some(entry);
            }
        }
        let count = last.as_ref().map_or(0, |l| l.seq);
        if let Ok(head) = std::fs::read_to_string(&self.head) {
            let parts: Vec<&str> = head.split_whitespace().collect();
            let head_seq = parts.first().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
            let genuine = parts.len() == 3 && self.head_mac(head_seq, parts[1]) == parts[2];
            if genuine && head_seq > count {
                return Ok(Err(Tampering::Truncated { last: count, head: head_seq }));
            }
            if genuine && head_seq == count && last.as_ref().is_some_and(|l| l.mac != parts[1]) {
                return Ok(Err(Tampering::Edited { seq: count, line: count as usize }));
            }
        }
        Ok(Ok(count))
    }
}

/// The last non-empty line of `file`.
fn last_line(file: &mut File) -> io::Result<Option<String>> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    let start = len.saturating_sub(64 * 1024);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = String::new();
    file.take(len - start).read_to_string(&mut tail)?;
    Ok(tail.lines().rev().find(|l| !l.trim().is_empty()).map(str::to_owned))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 0600 mode for new files, on Unix.
trait PrivateMode {
    fn mode_0600(&mut self) -> &mut Self;
}

impl PrivateMode for OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(self, 0o600);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(dir: &std::path::Path) -> AuditLog {
        AuditLog::new(&Home::at(dir), Zeroizing::new(vec![7; 32]))
    }

    fn event(n: usize) -> Event {
        Event { env: "default".into(), names: vec![format!("VAR_{n}")], ..Event::default() }
    }

    fn rewrite(path: &std::path::Path, f: impl FnOnce(&mut Vec<String>)) {
        let mut lines: Vec<String> =
            std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect();
        f(&mut lines);
        std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    }

    fn five() -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        for n in 0..5 {
            log.append(Access::Get, event(n)).unwrap();
        }
        (dir, log)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (_dir, log) = five();
        assert_eq!(log.verify().unwrap(), Ok(5));
        assert_eq!(log.entries().unwrap()[2].event.names, ["VAR_2"]);
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_entry() {
        let (_d, log) = five();
        rewrite(log.path(), |l| l[2] = l[2].replace("VAR_2", "VAR_X"));
        assert_eq!(log.verify().unwrap(), Err(Tampering::Edited { seq: 3, line: 3 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| {
            l.remove(1);
        });
        assert_eq!(log.verify().unwrap(), Err(Tampering::Broken { seq: 3, line: 2, expected_prev: 1 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l.swap(1, 2));
        assert_eq!(log.verify().unwrap(), Err(Tampering::Broken { seq: 3, line: 2, expected_prev: 1 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l.truncate(3));
        assert_eq!(log.verify().unwrap(), Err(Tampering::Truncated { last: 3, head: 5 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l[0] = "not json".into());
        assert_eq!(log.verify().unwrap(), Err(Tampering::Unreadable { line: 1 }));

        // A forged entry with a recomputed MAC needs the key.
        let (dir, log) = five();
        let forger = AuditLog::new(&Home::at(dir.path()), Zeroizing::new(vec![8; 32]));
        rewrite(log.path(), |l| l.truncate(4));
        forger.append(Access::Get, event(9)).unwrap();
        assert_eq!(log.verify().unwrap(), Err(Tampering::Edited { seq: 5, line: 5 }));
    }
}
