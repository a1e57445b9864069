//! `latchkey run -- CMD`: the environment's variables injected, sensitive variables of
//! the shell withheld, the output masked (in a pseudo-terminal when on a terminal), the
//! signals forwarded, and the command's exit status passed on.

mod pipes;
mod pty;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result, bail};
use latchkey_core::launch::{
    DEFAULT_WITHHELD, Launch, Masker, args_digest, child_environment, exit_code, find_program,
};
use latchkey_core::{Kind, Profile, SecretString, dotenv};

use crate::cli::RunArgs;

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

/// Copies `reader` to `writer` through the masker (or as is), flushing as it goes.
fn pump(reader: impl std::io::Read, mut writer: impl std::io::Write, masker: Option<Masker>) {
    latchkey_core::launch::pump(reader, masker, |bytes| {
        writer.write_all(bytes)?;
        writer.flush()
    });
}
