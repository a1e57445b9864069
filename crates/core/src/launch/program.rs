//! Finding programs: the command a launch runs, on the PATH it will have, and
//! `latchkey-launcher`, which starts it.

use std::path::{Path, PathBuf};

/// The name of the launcher program.
pub const LAUNCHER: &str = "latchkey-launcher";

/// `latchkey-launcher`: beside the running program (the CLI, the app), else on PATH.
pub fn launcher_path() -> Option<PathBuf> {
    let beside = std::env::current_exe().ok()?.parent()?.join(LAUNCHER);
    if is_executable(&beside) {
        return Some(beside);
    }
    find_program(std::ffi::OsStr::new(LAUNCHER), std::env::var_os("PATH").as_deref())
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    p.metadata().is_ok_and(|m| m.is_file())
}

/// `program` as the command would find it: a path, or a name on `path`.
pub fn find_program(program: &std::ffi::OsStr, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let candidate = Path::new(program);
    if candidate.components().count() > 1 {
        return is_executable(candidate).then(|| candidate.to_owned());
    }
    std::env::split_paths(path?).map(|dir| dir.join(program)).find(|p| is_executable(p))
}
