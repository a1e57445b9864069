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

    fn hmac(&self, parts: &[&[u8]]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part);
        }
        crate::encoding::hex(&mac.finalize().into_bytes())
    }

    fn mac(&self, entry: &Entry) -> String {
        let mut unsigned = entry.clone();
        unsigned.mac = String::new();
        let text = serde_json::to_string(&unsigned).expect("an entry always encodes as JSON");
        self.hmac(&[text.as_bytes()])
    }

    fn head_mac(&self, seq: u64, last: &str) -> String {
        self.hmac(&[format!("head {seq} {last}").as_bytes()])
    }

    /// The keyed digest of a command's arguments (NUL-separated), for a grant.
    pub fn args_digest(&self, args: &[std::ffi::OsString]) -> String {
        let mut parts: Vec<&[u8]> = vec![b"args\0"];
        for arg in args {
            parts.push(arg.as_encoded_bytes());
            parts.push(b"\0");
        }
        self.hmac(&parts)
    }

    /// Appends `event` as an entry of kind `access`, under an exclusive lock of the log.
    /// After a damaged line, the chain goes on from the last readable entry; `verify`
    /// reports the damage.
    pub fn append(&self, access: Access, event: Event) -> Result<Entry, AuditError> {
        let mut file = open_no_follow(OpenOptions::new().create(true).append(true).read(true), &self.path)
            .map_err(|e| self.io(e))?;
        file.lock().map_err(|e| self.io(e))?;
        let (seq, prev) = match last_entry(&mut file).map_err(|e| self.io(e))? {
            Some(last) => (last.seq.saturating_add(1), last.mac),
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
        // the newest entry shows as a truncation, which errs on the side of suspicion. The
        // temporary file is new (never a link someone planted), and rename replaces a
        // link at `audit.head` rather than following it.
        crate::atomic::replace_unsynced(&self.head, head.as_bytes()).map_err(|e| self.io(e))?;
        Ok(entry)
    }

    /// The last entry `audit.head` vouches for, when it is there and genuine.
    pub fn head(&self) -> Option<Anchor> {
        let text = read_no_follow(&self.head).ok()?;
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [seq, mac, check] = parts[..] else { return None };
        let seq = seq.parse::<u64>().ok()?;
        (self.head_mac(seq, mac) == check).then(|| Anchor { seq, mac: mac.to_owned() })
    }

    /// Every entry, in order, without checking the chain.
    pub fn entries(&self) -> Result<Vec<Entry>, AuditError> {
        let file = match open_no_follow(OpenOptions::new().read(true), &self.path) {
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

    /// Checks the whole chain against `audit.head` and the vault's `anchor`; returns how
    /// many entries the log holds, or the first thing wrong.
    pub fn verify(&self, anchor: Option<&Anchor>) -> Result<Result<u64, Tampering>, AuditError> {
        let file = match open_no_follow(OpenOptions::new().read(true), &self.path) {
            Ok(file) => Some(file),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io(e)),
        };
        let mut last: Option<Entry> = None;
        let mut anchored_mac: Option<String> = None;
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
                    last.as_ref().map_or((1, ""), |l| (l.seq.saturating_add(1), l.mac.as_str()));
                if entry.seq != expected_seq || entry.prev != expected_prev {
                    return Ok(Err(Tampering::Broken {
                        seq: entry.seq,
                        line: i + 1,
                        expected_prev: expected_seq - 1,
                    }));
                }
                if anchor.is_some_and(|a| a.seq == entry.seq) {
                    anchored_mac = Some(entry.mac.clone());
                }
                last = Some(entry);
            }
        }
        let count = last.as_ref().map_or(0, |l| l.seq);
        match self.head() {
            None if count == 0 && anchor.is_none_or(|a| a.seq == 0) => {}
            None => return Ok(Err(Tampering::HeadMissing { entries: count })),
            Some(head) if head.seq > count => {
                return Ok(Err(Tampering::Truncated { last: count, head: head.seq }));
            }
            Some(head) if head.seq == count && last.as_ref().is_some_and(|l| l.mac != head.mac) => {
                return Ok(Err(Tampering::Edited { seq: count, line: count as usize }));
            }
            Some(_) => {}
        }
        if let Some(anchor) = anchor
            && (anchor.seq > count || anchored_mac.as_deref().is_some_and(|m| m != anchor.mac))
        {
            return Ok(Err(Tampering::Forgotten { entries: count, anchored: anchor.seq }));
        }
        Ok(Ok(count))
    }

    /// Whether the log has any entry on disk (or anything at all there).
    pub fn is_started(&self) -> bool {
        std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.len() > 0)
    }
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

/// Opens `path` with `options`, refusing a symlink in its place.
fn open_no_follow(options: &mut OpenOptions, path: &std::path::Path) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options.open(path)
}

fn read_no_follow(path: &std::path::Path) -> io::Result<String> {
    let mut text = String::new();
    open_no_follow(OpenOptions::new().read(true), path)?.take(4096).read_to_string(&mut text)?;
    Ok(text)
}

/// The last readable entry of `file`: from its last 64 KiB, else from the whole file
/// (only when the tail is damaged).
fn last_entry(file: &mut File) -> io::Result<Option<Entry>> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    for start in [len.saturating_sub(64 * 1024), 0] {
        file.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::new();
        Read::by_ref(file).take(len - start).read_to_end(&mut tail)?;
        let text = String::from_utf8_lossy(&tail);
        if let Some(entry) = text.lines().rev().find_map(|l| serde_json::from_str::<Entry>(l).ok()) {
            return Ok(Some(entry));
        }
        if start == 0 {
            break;
        }
    }
    Ok(None)
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
        assert_eq!(log.verify(None).unwrap(), Ok(5));
        assert_eq!(log.entries().unwrap()[2].event.names, ["VAR_2"]);
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_entry() {
        let (_d, log) = five();
        rewrite(log.path(), |l| l[2] = l[2].replace("VAR_2", "VAR_X"));
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Edited { seq: 3, line: 3 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| {
            l.remove(1);
        });
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Broken { seq: 3, line: 2, expected_prev: 1 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l.swap(1, 2));
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Broken { seq: 3, line: 2, expected_prev: 1 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l.truncate(3));
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Truncated { last: 3, head: 5 }));

        let (_d, log) = five();
        rewrite(log.path(), |l| l[0] = "not json".into());
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Unreadable { line: 1 }));

        // A forged entry with a recomputed MAC needs the key.
        let (dir, log) = five();
        let forger = AuditLog::new(&Home::at(dir.path()), Zeroizing::new(vec![8; 32]));
        rewrite(log.path(), |l| l.truncate(4));
        forger.append(Access::Get, event(9)).unwrap();
        assert_eq!(log.verify(None).unwrap(), Err(Tampering::Edited { seq: 5, line: 5 }));
    }
}
