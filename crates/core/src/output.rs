//! Where a file output goes (`export --out`, `inject -o`, `identity export --out`):
//! a regular file is replaced atomically, mode 0600; a stream (`-`, `/dev/stdout`, a
//! FIFO, a terminal, `/dev/null`) is written in place. Nothing else is ever replaced:
//! a directory, socket or device other than those is refused, and a symlink is followed
//! to what it names, so the link itself stays.
//!
//! It is not the git guard: whether a file may be written inside a work tree is
//! [`crate::export::guard_against_git`]'s to say.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where an output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file, or none yet: replaced atomically, created 0600.
    File(PathBuf),
    /// latchkey's standard output.
    Stdout,
    /// latchkey's standard error.
    Stderr,
    /// A FIFO or a terminal-like device, written in place.
    Stream(PathBuf),
}

/// Why an output was refused or failed. Nothing was replaced when this is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The path names something that is neither a file nor a stream.
    #[error("{path} is {what}, not a file: choose a file path")]
    Refused {
        /// The path.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// A symlink that points nowhere.
    #[error("{0} is a symbolic link to a missing file: remove it, or give the path it should point to")]
    Dangling(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

impl Target {
    /// What `path` names, as an output.
    pub fn of(path: &Path) -> Result<Self, OutputError> {
        let text = path.to_string_lossy();
        match text.as_ref() {
            "-" | "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => return Ok(Target::Stdout),
            "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => return Ok(Target::Stderr),
            _ => {}
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let io_err = |source| OutputError::Io { path: absolute.clone(), source };
        match fs::symlink_metadata(&absolute) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::File(absolute)),
            Err(e) => return Err(io_err(e)),
            Ok(_) => {}
        }
        // Follows links, the kernel's own included (`/proc/self/fd/1` names a pipe).
        let meta = match fs::metadata(&absolute) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(OutputError::Dangling(absolute)),
            Err(e) => return Err(io_err(e)),
        };
        let refused = |what| Err(OutputError::Refused { path: absolute.clone(), what });
        if meta.is_file() {
            // Replaced where it is, so a link to it stays a link.
            return Ok(Target::File(fs::canonicalize(&absolute).map_err(io_err)?));
        }
        if meta.is_dir() {
            return refused("a directory");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let kind = meta.file_type();
            if kind.is_fifo() {
                return Ok(Target::Stream(absolute));
            }
            if kind.is_socket() {
                return refused("a socket");
            }
            if kind.is_block_device() {
                return refused("a block device");
            }
            if kind.is_char_device() {
                return if is_stream_device(&absolute, &meta) {
                    Ok(Target::Stream(absolute))
                } else {
                    refused("a device")
                };
            }
        }
        refused("not a regular file")
    }

    /// The file it replaces, for a file target.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Target::File(path) => Some(path),
            _ => None,
        }
    }

    /// Writes `bytes` there: atomically for a file, in place for a stream.
    pub fn write(&self, bytes: &[u8]) -> Result<(), OutputError> {
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| OutputError::Io { path, source }
        };
        match self {
            Target::File(path) => crate::atomic::write_atomic(path, bytes).map_err(io_err(path)),
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush()).map_err(io_err(Path::new("/dev/stdout")))
            }
            Target::Stderr => {
                let mut out = io::stderr().lock();
                out.write_all(bytes).and_then(|()| out.flush()).map_err(io_err(Path::new("/dev/stderr")))
            }
            Target::Stream(path) => OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
                .map_err(io_err(path)),
        }
    }

    /// The path as shown to the user.
    pub fn display(&self) -> String {
        match self {
            Target::File(path) | Target::Stream(path) => path.display().to_string(),
            Target::Stdout => "standard output".into(),
            Target::Stderr => "standard error".into(),
        }
    }
}

/// Character devices that are streams to write into: terminals, `/dev/null` and
/// `/dev/full`. Anything else (`/dev/kmsg`, `/dev/mem`) is refused.
#[cfg(unix)]
fn is_stream_device(path: &Path, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (major, minor) = (rustix::fs::major(meta.rdev()), rustix::fs::minor(meta.rdev()));
    if major == 1 && matches!(minor, 3 | 7) {
        return true;
    }
    OpenOptions::new().write(true).open(path).is_ok_and(|f| rustix::termios::isatty(&f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_replaced_and_links_followed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.env");
        assert_eq!(Target::of(&file).unwrap(), Target::File(file.clone()));
        Target::of(&file).unwrap().write(b"one").unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.env");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            Target::of(&link).unwrap().write(b"two").unwrap();
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(fs::read(&file).unwrap(), b"two");
            let dangling = dir.path().join("dangling");
            std::os::unix::fs::symlink(dir.path().join("nowhere/x"), &dangling).unwrap();
            assert!(matches!(Target::of(&dangling), Err(OutputError::Dangling(_))));
        }
    }

    #[test]
    fn directories_are_refused_and_stdout_is_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        let err = Target::of(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a directory, not a file"), "{err}");
        assert_eq!(Target::of(Path::new("/dev/stdout")).unwrap(), Target::Stdout);
        assert_eq!(Target::of(Path::new("-")).unwrap(), Target::Stdout);
        #[cfg(unix)]
        assert_eq!(Target::of(Path::new("/dev/null")).unwrap(), Target::Stream("/dev/null".into()));
    }
}
