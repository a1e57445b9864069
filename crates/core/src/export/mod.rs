//! Exports: an environment's variables written in a common format, to stdout or to a
//! file, and the record of every file export, so stale and missing copies can be found.
//!
//! A file export is written atomically with mode 0600, and refused inside a git work
//! tree unless git ignores the path, so a secret never lands in a commit by accident.

mod formats;
mod records;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use formats::{ExportFormat, Unrepresentable, render};
pub(crate) use records::digest as records_digest;
pub use records::{ExportRecord, ExportState, ExportStatus};

/// Why a path may not receive an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// The path is inside a git work tree and git does not ignore it.
    #[error(
        "{0} is inside a git work tree and not ignored by git, so the secrets could be committed: add it to .gitignore, choose another path, or pass --allow-tracked"
    )]
    Tracked(PathBuf),
    /// The path is inside a git work tree, and git cannot say whether it is ignored.
    #[error(
        "{path} is inside a git work tree ({marker}), and git cannot tell whether it ignores it ({reason}): choose a path outside the repository, or pass --allow-tracked"
    )]
    Unknown {
        /// The path.
        path: PathBuf,
        /// The `.git` found above it.
        marker: PathBuf,
        /// Why git could not answer.
        reason: String,
    },
}

/// Refuses `path` when it lies in a git work tree that does not ignore it. When git
/// cannot answer (it is missing, it distrusts the repository, `GIT_DIR` points
/// nowhere), latchkey looks for a `.git` above the path itself and refuses if it finds
/// one: the guard fails closed. git runs with none of the caller's `GIT_*` variables,
/// and its messages are never shown.
pub fn guard_against_git(path: &Path) -> Result<(), GuardError> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let Some(dir) = absolute.parent().filter(|d| d.is_dir()) else { return Ok(()) };
    let marker = find_git_marker(dir);
    let git = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new("git");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("GIT_") {
                cmd.env_remove(name);
            }
        }
        cmd.arg("-C").arg(dir).args(args).stdin(Stdio::null()).output()
    };
    let unknown = |reason: String| match &marker {
        Some(marker) => Err(GuardError::Unknown { path: absolute.clone(), marker: marker.clone(), reason }),
        None => Ok(()),
    };
    let inside = match git(&["rev-parse".as_ref(), "--is-inside-work-tree".as_ref()]) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return unknown("git is not installed".into()),
        Err(e) => return unknown(format!("git cannot run: {e}")),
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim() == "true",
        Ok(out) => return unknown(git_reason(&out.stderr)),
    };
    if !inside {
        return Ok(());
    }
    match git(&["check-ignore".as_ref(), "-q".as_ref(), "--".as_ref(), absolute.as_os_str()]) {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) if out.status.code() == Some(1) => Err(GuardError::Tracked(absolute)),
        Ok(out) => Err(GuardError::Unknown {
            path: absolute.clone(),
            marker: marker.unwrap_or_else(|| dir.join(".git")),
            reason: git_reason(&out.stderr),
        }),
        Err(e) => unknown(format!("git cannot run: {e}")),
    }
}

/// The nearest `.git` (a directory, or a file in a linked work tree) at or above `dir`.
fn find_git_marker(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(".git")).find(|m| std::fs::symlink_metadata(m).is_ok())
}

/// git's complaint, without its `fatal:` prefix, on one line.
fn git_reason(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("git failed");
    let line = line.strip_prefix("fatal:").or_else(|| line.strip_prefix("error:")).unwrap_or(line).trim();
    crate::text::printable(line).chars().take(160).collect()
}
