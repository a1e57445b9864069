//! Exports: an environment's variables written in a common format, to stdout or to a
//! file, and the record of every file export, so stale and missing copies can be found.
//!
//! A file export is written atomically with mode 0600, and refused inside a git work
//! tree unless git ignores the path, so a secret never lands in a commit by accident.

mod formats;
mod records;

use std::path::{Path, PathBuf};
use std::process::Command;

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
}

/// Refuses `path` when it lies in a git work tree that does not ignore it. Without git
/// installed, or outside any work tree, every path is allowed.
pub fn guard_against_git(path: &Path) -> Result<(), GuardError> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let Some(dir) = absolute.parent().filter(|d| d.is_dir()) else { return Ok(()) };
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(dir).args(args).output();
    let inside = git(&["rev-parse", "--is-inside-work-tree"])
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true");
    if !inside {
        return Ok(());
    }
    let ignored = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(&absolute)
        .status()
        .is_ok_and(|s| s.success());
    if ignored { Ok(()) } else { Err(GuardError::Tracked(absolute)) }
}
