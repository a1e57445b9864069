//! Directories a sandbox shows entry by entry, so that what it hides stays hidden.
//!
//! Mounting over a hidden file hides that file only: when a program outside replaces it
//! (`npm login` renames a new `~/.npmrc` into place) or first creates it (`gh auth
//! login`), the new one would show. So each directory on the way to a hidden path is
//! instead a fresh, empty directory in the sandbox, into which every entry that existed
//! at the start is bound back, except the hidden ones. Entries that appear later, in
//! place of a hidden one or anew, are not in the sandbox at all. The sandbox's first
//! process builds them (`latchkey-launcher --sandbox-init --stand-in DIR`), with the
//! mount calls themselves.

use std::path::{Path, PathBuf};

/// The most entries bound back, all directories together; past it the sandbox falls
/// back to mounting over each hidden path (and says so).
const MOST: usize = 4000;

/// A directory shown entry by entry.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// The directory (canonical).
    pub(crate) dir: PathBuf,
    /// What is bound back into it.
    pub(crate) entries: Vec<Entry>,
}

/// One entry bound back into a listed directory.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// A file or a directory, read-only (writable paths are bound over it later).
    Bind(PathBuf),
    /// A symbolic link, made again with its target.
    Symlink { target: PathBuf, at: PathBuf },
}

/// The directories to list, parents first: every directory on the way to a hidden path
/// and to a `guarded` one (the nearest existing directory of a credential store that does
/// not exist yet), except the root, the sandbox's own `/tmp`, what is hidden whole, and
/// anything inside a writable path (where mounting over is all there is). `None` when there would be more
/// than [`MOST`] entries.
pub(crate) fn listed(hidden: &[PathBuf], guarded: &[PathBuf], writable: &[PathBuf]) -> Option<Vec<Listed>> {
    let mut dirs: Vec<&Path> = Vec::new();
    let on_the_way = hidden.iter().flat_map(|h| h.ancestors().skip(1));
    for dir in on_the_way.chain(guarded.iter().flat_map(|g| g.ancestors())) {
        let kept = dir != Path::new("/")
            && !dir.starts_with("/tmp")
            && !dir.starts_with("/proc")
            && !dir.starts_with("/dev")
            && !writable.iter().any(|w| dir.starts_with(w))
            && !hidden.iter().any(|h| dir.starts_with(h))
            && dir.is_dir();
        if kept && !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs.sort_by_key(|d| d.components().count());
    let mut count = 0;
    let mut all = Vec::new();
    for dir in &dirs {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if dirs.contains(&path.as_path()) || hidden.contains(&path) {
                continue;
            }
            // The kind from `lstat`, not from the listing: a mount point whose file system
            // is gone (a FUSE daemon that died: "transport endpoint is not connected")
            // fails it, and is left out, as nothing could be read through it anyway.
            let Ok(kind) = std::fs::symlink_metadata(&path).map(|m| m.file_type()) else { continue };
            if kind.is_symlink() {
                let Ok(target) = std::fs::read_link(&path) else { continue };
                entries.push(Entry::Symlink { target, at: path });
            } else if kind.is_dir() || kind.is_file() {
                entries.push(Entry::Bind(path));
            }
            // Sockets, FIFOs and devices stay out: a socket is a way out of the sandbox.
        }
        count += entries.len();
        if count > MOST {
            return None;
        }
        all.push(Listed { dir: dir.to_path_buf(), entries });
    }
    Some(all)
}
