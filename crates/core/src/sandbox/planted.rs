//! Project files a sandboxed command wrote. The project file in use and the nearest one
//! are read-only inside the sandbox, but a command may create a new `latchkey.toml` in
//! any directory it may write, and a later run started there would take it (its
//! profiles and default environment). When the command ends, each `latchkey.toml` made
//! or replaced under its writable directories during the run (by inode change time,
//! which no process can set back) is moved aside as `latchkey.toml.untrusted`, and
//! named, so the user decides.
//!
//! The walk follows no symlink, and stops after [`MAX_ENTRIES`] entries (a notice says
//! so). It is not a filter on what the command may write: it runs after it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The most directory entries looked at after one run.
pub const MAX_ENTRIES: usize = 500_000;

/// What the look after a run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    /// Each project file moved aside: where it was, and where it is now.
    pub moved: Vec<(PathBuf, PathBuf)>,
    /// Project files that could not be moved aside.
    pub left: Vec<PathBuf>,
    /// Whether the walk stopped before the end.
    pub cut_short: bool,
}

/// Moves aside each `latchkey.toml` under `roots` whose inode changed at or after
/// `since`, but those in `kept` (the ones mounted read-only for the run, which it could
/// not change).
pub fn quarantine(roots: &[PathBuf], kept: &[PathBuf], since: SystemTime) -> Planted {
    let mut found = Planted::default();
    let mut seen = 0usize;
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                found.cut_short = true;
                return found;
            }
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if entry.file_name() == crate::project::FILE_NAME
                && !kept.contains(&path)
                && changed_since(&path, since)
            {
                let aside = path.with_file_name(format!("{}.untrusted", crate::project::FILE_NAME));
                match std::fs::rename(&path, &aside) {
                    Ok(()) => found.moved.push((path, aside)),
                    Err(_) => found.left.push(path),
                }
            }
        }
    }
    found
}

fn changed_since(path: &Path, since: SystemTime) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
    // The inode's change time: a command can set a file's modification time back, not
    // this one.
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt as _;
        i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let changed = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    let since = since.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
    // The kernel stamps inodes from a coarse clock, up to a tick behind: 20 ms of margin.
    changed >= since - 20_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_file_made_during_the_run_is_moved_aside_and_an_older_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("latchkey.toml"), "old").unwrap();
        let since = SystemTime::now() + std::time::Duration::from_secs(1);
        // Written "before" the run: its change time is before `since`.
        let found = quarantine(std::slice::from_ref(&root), &[], since);
        assert!(found.moved.is_empty());
        let since = SystemTime::now() - std::time::Duration::from_secs(1);
        std::fs::write(root.join("a/b/latchkey.toml"), "planted").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("a/link")).unwrap();
        let found = quarantine(std::slice::from_ref(&root), &[], since);
        assert!(found.moved.iter().any(|(from, _)| from.ends_with("a/b/latchkey.toml")), "{found:?}");
        assert!(!root.join("a/b/latchkey.toml").exists());
        assert_eq!(std::fs::read_to_string(root.join("a/b/latchkey.toml.untrusted")).unwrap(), "planted");
    }
}
