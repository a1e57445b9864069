//! The audit log's file: appending under a lock, reading, and verifying the chain.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{Access, Anchor, AuditError, Entry, Event, Tampering};
use crate::home::Home;

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
        // The head is overwritten in place, under the log's lock, at a fixed length (the
        // count zero-padded), so one write replaces it whole: a rename would cost more
        // than the rest of an append. It is not flushed: the log is for finding out, and
        // a crash that loses it shows as a missing or stale head, which errs on the side
        // of suspicion. It is never opened through a symlink.
        let head = format!("{:020} {} {}\n", entry.seq, entry.mac, self.head_mac(entry.seq, &entry.mac));
        open_no_follow(OpenOptions::new().create(true).write(true).truncate(false), &self.head)
            .and_then(|mut f| {
                f.write_all(head.as_bytes())?;
                // Only a head left by an older latchkey, or a damaged one, is longer.
                if f.metadata()?.len() != head.len() as u64 {
                    f.set_len(head.len() as u64)?;
                }
                Ok(())
            })
            .map_err(|e| self.io(e))?;
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

/// The last readable entry of `file`: from its last 4 KiB (an entry is smaller), else
/// its last 64 KiB, else the whole file (only when the tail is damaged).
fn last_entry(file: &mut File) -> io::Result<Option<Entry>> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    for start in [len.saturating_sub(4 * 1024), len.saturating_sub(64 * 1024), 0] {
        file.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::new();
        Read::by_ref(file).take(len - start).read_to_end(&mut tail)?;
        // The first line of a tail may be cut; only whole lines are read.
        let whole = if start == 0 {
            &tail[..]
        } else {
            tail.split(|&b| b == b'\n')
                .next()
                .map_or(&tail[..], |cut| &tail[(cut.len() + 1).min(tail.len())..])
        };
        let found = whole
            .split(|&b| b == b'\n')
            .rev()
            .filter(|l| !l.is_empty())
            .find_map(|l| serde_json::from_slice::<Entry>(l).ok());
        if found.is_some() {
            return Ok(found);
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
