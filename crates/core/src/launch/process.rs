//! Starting a command: behind `setpriv --pdeathsig KILL` (so it dies with latchkey even
//! when latchkey is killed outright) and, for a terminal, `setsid --ctty`; and reading
//! back how it ended.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use secrecy::SecretString;
use sha2::{Digest, Sha256};

use super::Masker;

/// What the command is given.
pub struct Launch {
    /// The program.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Its whole environment.
    pub env: Vec<(OsString, OsString)>,
    /// Secrets to mask, by name; `None` with --no-mask.
    pub masked: Option<Vec<(String, SecretString)>>,
    /// The directory to run in, when a profile sets one.
    pub cwd: Option<PathBuf>,
}

impl Launch {
    /// A masker for its output, unless masking is off.
    pub fn masker(&self) -> Option<Masker> {
        self.masked.as_ref().map(|m| Masker::new(m.iter().map(|(n, v)| (n.as_str(), v))))
    }

    /// The command, behind `setpriv --pdeathsig KILL` where util-linux has it, so the
    /// command dies with latchkey even when latchkey is killed outright; `session`
    /// also makes it the leader of a new session on its terminal (`setsid --ctty`).
    pub fn command(&self, session: bool) -> Command {
        let mut argv: Vec<OsString> = Vec::new();
        if have("setpriv") {
            argv.extend(["setpriv", "--pdeathsig", "KILL", "--"].map(OsString::from));
        }
        if session && have("setsid") {
            argv.extend(["setsid", "--ctty", "--"].map(OsString::from));
        }
        argv.push(self.program.clone());
        argv.extend(self.args.iter().cloned());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]).env_clear().envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd
    }
}

/// SHA-256 of the arguments, NUL-separated: the log says whether two runs had the same
/// arguments without holding them (they may contain anything).
pub fn args_digest(args: &[OsString]) -> String {
    let mut hash = Sha256::new();
    for arg in args {
        hash.update(std::os::unix::ffi::OsStrExt::as_bytes(arg.as_os_str()));
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The command's status as latchkey's: its exit code, or 128+N for signal N.
pub fn exit_code(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(signal)) => 128u8.saturating_add(signal as u8),
        (None, None) => 1,
    }
}

fn have(tool: &str) -> bool {
    find_program(std::ffi::OsStr::new(tool), std::env::var_os("PATH").as_deref()).is_some()
}

/// `program` as the command would find it: a path, or a name on `path`.
pub fn find_program(program: &std::ffi::OsStr, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let candidate = Path::new(program);
    if candidate.components().count() > 1 {
        return executable(candidate).then(|| candidate.to_owned());
    }
    std::env::split_paths(path?).map(|dir| dir.join(program)).find(|p| executable(p))
}
