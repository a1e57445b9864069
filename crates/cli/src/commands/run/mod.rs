//! `latchkey run -- CMD`: the environment's variables injected, sensitive variables of
//! the shell withheld, the output masked (in a pseudo-terminal when on a terminal), the
//! signals forwarded, and the command's exit status passed on.

mod pipes;
mod pty;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use anyhow::{Context, Result, bail};
use latchkey_core::launch::{DEFAULT_WITHHELD, Masker, child_environment};
use latchkey_core::{Kind, Profile, SecretString, dotenv};

use crate::cli::RunArgs;

/// What the command is given.
struct Launch {
    program: OsString,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    /// Secrets to mask, by name; `None` with --no-mask.
    masked: Option<Vec<(String, SecretString)>>,
    /// The directory to run in, when a profile sets one.
    cwd: Option<PathBuf>,
}

impl Launch {
    fn masker(&self) -> Option<Masker> {
        self.masked.as_ref().map(|m| Masker::new(m.iter().map(|(n, v)| (n.as_str(), v))))
    }

    /// The command, behind `setpriv --pdeathsig KILL` where util-linux has it, so the
    /// command dies with latchkey even when latchkey is killed outright; `session`
    /// also makes it the leader of a new session on its terminal (`setsid --ctty`).
    fn command(&self, session: bool) -> Command {
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

pub fn run(args: RunArgs) -> Result<u8> {
    let vault = super::unlock()?;
    let profile = args.profile.as_ref().map(|name| vault.profile(name)).transpose()?;
    let env = profile.as_ref().map_or(&args.env.env, |p| &p.env);
    let only = profile.as_ref().map(|p| p.vars.as_slice()).or(args.only.as_deref());
    let values = vault.values(env, only).with_context(|| format!("cannot read `{env}`"))?;
    let mut injected: Vec<(String, SecretString)> = Vec::new();
    let mut secrets: Vec<(String, SecretString)> = Vec::new();
    for v in values {
        if v.kind == Kind::Secret {
            secrets.push((v.name.to_string(), v.value.clone()));
        }
        injected.push((v.name.to_string(), v.value));
    }
    if let Some(template) = &args.env_file {
        for (name, value, from_reference) in env_file(&vault, template)? {
            injected.retain(|(n, _)| *n != name);
            if from_reference {
                secrets.push((name.clone(), value.clone()));
            }
            injected.push((name, value));
        }
    }
    let withhold: Vec<String> = match std::env::var("LATCHKEY_WITHHOLD") {
        Ok(list) if !list.trim().is_empty() => list.split(',').map(|p| p.trim().to_owned()).collect(),
        _ => DEFAULT_WITHHELD.iter().map(|p| p.to_string()).collect(),
    };
    let (child_env, withheld) =
        child_environment(std::env::vars_os(), &injected, &withhold, args.inherit_secrets);
    if !withheld.is_empty() {
        eprintln!(
            "latchkey: withheld from the command: {} (--inherit-secrets keeps them)",
            withheld.join(", ")
        );
    }
    let argv: Vec<OsString> = match (&profile, args.command.is_empty()) {
        (Some(Profile { command: Some(command), .. }), true) => command.iter().map(OsString::from).collect(),
        (Some(_), true) => bail!(
            "profile `{}` has no command: give one after `--`, or add one with `latchkey profile edit --command`",
            args.profile.as_ref().map(|p| p.as_str()).unwrap_or_default()
        ),
        _ => args.command,
    };
    let cwd = profile.as_ref().and_then(|p| p.cwd.clone());
    let mut command = argv.into_iter();
    let program = command.next().expect("clap requires a command");
    let path = child_env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone());
    if find_program(&program, path.as_deref()).is_none() {
        bail!("cannot find `{}`: check its name, or that it is on PATH", Path::new(&program).display());
    }
    let launch = Launch {
        program,
        args: command.collect(),
        env: child_env,
        masked: (!args.no_mask).then_some(secrets),
        cwd,
    };
    let started = std::time::Instant::now();
    let (status, pid) =
        if std::io::stdout().is_terminal() { pty::run(&launch)? } else { pipes::run(&launch)? };
    let code = exit_code(status);
    let mut event = super::event(env, injected.iter().map(|(n, _)| n.clone()));
    event.program = Some(Path::new(&launch.program).display().to_string());
    event.profile = args.profile.as_ref().map(|p| p.to_string());
    if let Some(cwd) = &launch.cwd {
        event.cwd = Some(cwd.display().to_string());
    }
    event.args_sha256 = Some(args_digest(&launch.args));
    event.pid = Some(pid);
    event.exit_code = Some(i32::from(code));
    event.duration_ms = Some(started.elapsed().as_millis() as u64);
    super::record(&vault, latchkey_core::audit::Access::Grant, event);
    Ok(code)
}

/// The entries of a template with their references resolved: (name, value, whether it
/// came from a reference, and so is masked).
fn env_file(vault: &latchkey_core::Vault, template: &Path) -> Result<Vec<(String, SecretString, bool)>> {
    let text =
        std::fs::read_to_string(template).with_context(|| format!("cannot read {}", template.display()))?;
    let resolved = vault.inject(&text, &template.display().to_string())?;
    let entries =
        dotenv::parse(&resolved, &|_| None).with_context(|| format!("cannot read {}", template.display()))?;
    let lines: Vec<&str> = text.lines().collect();
    Ok(entries
        .into_iter()
        .map(|e| {
            let from_reference =
                lines.get(e.line - 1).is_some_and(|l| l.contains(latchkey_core::reference::SCHEME));
            (e.name.to_string(), e.value, from_reference)
        })
        .collect())
}

/// SHA-256 of the arguments, NUL-separated: the log says whether two runs had the same
/// arguments without holding them (they may contain anything).
fn args_digest(args: &[OsString]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for arg in args {
        hash.update(std::os::unix::ffi::OsStrExt::as_bytes(arg.as_os_str()));
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The command's status as latchkey's: its exit code, or 128+N for signal N.
fn exit_code(status: ExitStatus) -> u8 {
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
fn find_program(program: &std::ffi::OsStr, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let candidate = Path::new(program);
    if candidate.components().count() > 1 {
        return executable(candidate).then(|| candidate.to_owned());
    }
    std::env::split_paths(path?).map(|dir| dir.join(program)).find(|p| executable(p))
}

/// Copies `reader` to `writer` through the masker (or as is), flushing as it goes.
fn pump(mut reader: impl std::io::Read, mut writer: impl std::io::Write, mut masker: Option<Masker>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::with_capacity(buf.len() + 256);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        out.clear();
        match &mut masker {
            Some(m) => m.feed(&buf[..n], &mut out),
            None => out.extend_from_slice(&buf[..n]),
        }
        if writer.write_all(&out).and_then(|()| writer.flush()).is_err() {
            break;
        }
    }
    out.clear();
    if let Some(m) = &mut masker {
        m.finish(&mut out);
    }
    let _ = writer.write_all(&out).and_then(|()| writer.flush());
    zeroize::Zeroize::zeroize(&mut buf);
}
