//! Starting a command: behind `setpriv --pdeathsig KILL` (so it dies with latchkey even
//! when latchkey is killed outright) and, for a terminal, `setsid --ctty`; and reading
//! back how it ended.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use secrecy::SecretString;
use sha2::{Digest, Sha256};

use super::{DEFAULT_WITHHELD, Masker, child_environment};
use crate::audit::Event;
use crate::variable::Kind;
use crate::vault::ResolvedValue;

/// The variables a command is given, and which of them are masked in its output.
#[derive(Debug, Default)]
pub struct Injection {
    /// Every injected variable, by name.
    pub variables: Vec<(String, SecretString)>,
    /// The secrets among them, masked in the output.
    pub secrets: Vec<(String, SecretString)>,
}

impl Injection {
    /// The values an environment resolved; secrets are masked, config is not.
    pub fn from_values(values: Vec<ResolvedValue>) -> Self {
        let mut injection = Self::default();
        for v in values {
            injection.add(v.name.to_string(), v.value, v.kind == Kind::Secret);
        }
        injection
    }

    /// Adds (or replaces) a variable.
    pub fn add(&mut self, name: String, value: SecretString, masked: bool) {
        self.variables.retain(|(n, _)| *n != name);
        self.secrets.retain(|(n, _)| *n != name);
        if masked {
            self.secrets.push((name.clone(), value.clone()));
        }
        self.variables.push((name, value));
    }

    /// The injected names.
    pub fn names(&self) -> Vec<String> {
        self.variables.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// Why a command cannot be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The program is not on the command's PATH.
    #[error("cannot find `{0}`: check its name, or that it is on PATH")]
    NotFound(String),
    /// No command was given.
    #[error("no command to run")]
    NoCommand,
}

/// The patterns of parent variables to withhold: `LATCHKEY_WITHHOLD` (comma-separated),
/// else [`DEFAULT_WITHHELD`].
pub fn withheld_patterns() -> Vec<String> {
    match std::env::var("LATCHKEY_WITHHOLD") {
        Ok(list) if !list.trim().is_empty() => list.split(',').map(|p| p.trim().to_owned()).collect(),
        _ => DEFAULT_WITHHELD.iter().map(|p| p.to_string()).collect(),
    }
}

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
    /// The launch of `argv` with `injection` on top of this process's environment, minus
    /// the sensitive variables (unless `inherit_secrets`); also returns the names
    /// withheld. Fails when the program is not found on the command's PATH.
    pub fn prepare(
        argv: Vec<OsString>,
        injection: &Injection,
        inherit_secrets: bool,
        mask: bool,
        cwd: Option<PathBuf>,
    ) -> Result<(Self, Vec<String>), LaunchError> {
        let (env, withheld) = child_environment(
            std::env::vars_os(),
            &injection.variables,
            &withheld_patterns(),
            inherit_secrets,
        );
        let mut argv = argv.into_iter();
        let program = argv.next().ok_or(LaunchError::NoCommand)?;
        let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone());
        if find_program(&program, path.as_deref()).is_none() {
            return Err(LaunchError::NotFound(Path::new(&program).display().to_string()));
        }
        let launch = Launch {
            program,
            args: argv.collect(),
            env,
            masked: mask.then(|| injection.secrets.clone()),
            cwd,
        };
        Ok((launch, withheld))
    }

    /// The audit event of a grant of `injection` in `env` to this launch, which ran as
    /// `pid` and ended with `code` after `duration`.
    pub fn grant(
        &self,
        env: &str,
        injection: &Injection,
        profile: Option<String>,
        pid: u32,
        code: u8,
        duration: std::time::Duration,
    ) -> Event {
        let cwd = self.cwd.clone().or_else(|| std::env::current_dir().ok());
        Event {
            profile,
            program: Some(Path::new(&self.program).display().to_string()),
            args_sha256: Some(args_digest(&self.args)),
            cwd: cwd.map(|d| d.display().to_string()),
            pid: Some(pid),
            env: env.to_owned(),
            names: injection.names(),
            exit_code: Some(i32::from(code)),
            duration_ms: Some(duration.as_millis() as u64),
            path: None,
        }
    }

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
