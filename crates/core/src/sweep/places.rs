//! Which files a sweep reads: the trees it is given, shell and REPL histories, and the
//! places agent tools keep transcripts and configs.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{SweepError, Unreadable};

/// What a sweep of files reads.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Files and directories.
    pub paths: Vec<PathBuf>,
    /// The places of the agent tools (see [`super::agents`]).
    pub agents: bool,
    /// Shell and REPL histories.
    pub history: bool,
}

impl Sources {
    /// The files and directories to walk: the paths, then the histories and agent
    /// places that exist under `home`.
    pub fn roots(&self, home: Option<&Path>) -> Result<Vec<PathBuf>, SweepError> {
        let mut roots = self.paths.clone();
        if self.history || self.agents {
            let home = home.ok_or(SweepError::NoHome)?;
            if self.history {
                roots.extend(histories(home));
            }
            if self.agents {
                roots.extend(super::agents::existing_places(home));
            }
        }
        Ok(roots)
    }
}

/// The history files of shells and REPLs, relative to the home directory.
pub const HISTORIES: &[&str] = &[
    ".bash_history",
    ".zsh_history",
    ".histfile",
    ".local/share/fish/fish_history",
    ".python_history",
    ".node_repl_history",
    ".psql_history",
    ".mysql_history",
    ".sqlite_history",
    ".irb_history",
    ".rediscli_history",
];

/// Opens `path` for reading if it is a regular file, without blocking on a FIFO and
/// without following a symbolic link at its end.
pub(crate) fn open_regular(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags((rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW).bits() as i32);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Every regular file under `roots` (a root may be a file), in a stable order: `.git`
/// directories skipped, symbolic links inside a tree not followed, and what could not
/// be read listed. A root that is a symbolic link is followed.
pub fn walk(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<Unreadable>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for root in roots {
        match std::fs::metadata(root) {
            // A root that is a link (a dotfile manager's ~/.bash_history) is read where it points.
            Ok(meta) if meta.is_file() => {
                files.push(std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
            }
            Ok(meta) if meta.is_dir() => walk_dir(root, &mut files, &mut unreadable),
            Ok(_) => {
                unreadable.push(Unreadable { path: root.clone(), reason: "not a file or directory".into() })
            }
            Err(e) => unreadable.push(Unreadable { path: root.clone(), reason: e.to_string() }),
        }
    }
    files.sort();
    files.dedup();
    (files, unreadable)
}

fn walk_dir(dir: &Path, files: &mut Vec<PathBuf>, unreadable: &mut Vec<Unreadable>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            unreadable.push(Unreadable { path: dir.to_owned(), reason: e.to_string() });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // lstat: a link is not followed, and a dead mount is left out.
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            if entry.file_name() != ".git" {
                walk_dir(&path, files, unreadable);
            }
        } else if meta.is_file() {
            files.push(path);
        }
    }
}

/// The history files under `home` that exist.
pub fn histories(home: &Path) -> Vec<PathBuf> {
    HISTORIES.iter().map(|h| home.join(h)).filter(|p| p.is_file()).collect()
}

impl super::Sought {
    /// Walks `roots` and sweeps every file found; what could not be listed or read is
    /// in the sweep's `unreadable`.
    pub fn sweep_roots(
        &self,
        roots: &[PathBuf],
        progress: &(dyn Fn(super::Progress) + Sync),
    ) -> super::Sweep {
        let (files, unreadable) = walk(roots);
        let mut sweep = self.sweep_files(&files, progress);
        sweep.unreadable.extend(unreadable.into_iter().map(|u| self.unreadable(&u.path, u.reason)));
        sweep
    }
}
