//! `latchkey run -- CMD`: the environment's variables injected, sensitive variables of
//! the shell withheld, the output masked (in a pseudo-terminal when on a terminal), the
//! signals forwarded, and the command's exit status passed on.

mod pipes;
mod pty;

use std::ffi::OsString;
use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use latchkey_core::Profile;
use latchkey_core::launch::{Injection, Launch, Masker, exit_code};

use crate::cli::RunArgs;

pub fn run(args: RunArgs) -> Result<u8> {
    let vault = super::unlock()?;
    let profile = args.profile.as_ref().map(|name| vault.profile(name)).transpose()?;
    let env = profile.as_ref().map_or(&args.env.env, |p| &p.env);
    let only = profile.as_ref().map(|p| p.vars.as_slice()).or(args.only.as_deref());
    let values = vault.values(env, only).with_context(|| format!("cannot read `{env}`"))?;
    let mut injection = Injection::from_values(values);
    if let Some(template) = &args.env_file {
        let text = std::fs::read_to_string(template)
            .with_context(|| format!("cannot read {}", template.display()))?;
        for entry in vault.resolve_env_file(&text, &template.display().to_string())? {
            injection.add(entry.name.to_string(), entry.value, entry.from_reference);
        }
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
    let (launch, withheld) = Launch::prepare(argv, &injection, args.inherit_secrets, !args.no_mask, cwd)?;
    if !withheld.is_empty() {
        eprintln!(
            "latchkey: withheld from the command: {} (--inherit-secrets keeps them)",
            withheld.join(", ")
        );
    }
    let started = std::time::Instant::now();
    let (status, pid) =
        if std::io::stdout().is_terminal() { pty::run(&launch)? } else { pipes::run(&launch)? };
    let code = exit_code(status);
    let profile_name = args.profile.as_ref().map(|p| p.to_string());
    let event = launch.grant(env.as_str(), &injection, profile_name, pid, code, started.elapsed());
    super::record(&vault, latchkey_core::audit::Access::Grant, event);
    Ok(code)
}

/// Copies `reader` to `writer` through the masker (or as is), flushing as it goes.
fn pump(reader: impl std::io::Read, mut writer: impl std::io::Write, masker: Option<Masker>) {
    latchkey_core::launch::pump(reader, masker, |bytes| {
        writer.write_all(bytes)?;
        writer.flush()
    });
}
