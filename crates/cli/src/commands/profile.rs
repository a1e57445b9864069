//! `latchkey profile add|list|show|edit|rm`.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, bail};
use latchkey_core::{Profile, ProfileName};

use crate::cli::ProfileCommand;

pub fn run(command: ProfileCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        ProfileCommand::Add { name, spec } => {
            let (Some(env), Some(vars)) = (spec.env.clone(), spec.vars.clone()) else {
                bail!("a profile needs --env and --vars: which environment, and exactly which variables");
            };
            let profile = Profile {
                env,
                vars,
                command: parse_command(spec.command.as_deref())?,
                cwd: absolute(spec.cwd),
            };
            vault
                .save_profile(&name, profile, false)
                .with_context(|| format!("cannot add profile `{name}`"))?;
            eprintln!("Added profile `{name}`. Run it with `latchkey run --profile {name}`.");
        }
        ProfileCommand::Edit { name, spec } => {
            let mut profile = vault.profile(&name)?;
            if let Some(env) = spec.env {
                profile.env = env;
            }
            if let Some(vars) = spec.vars {
                profile.vars = vars;
            }
            if let Some(command) = spec.command.as_deref() {
                profile.command = parse_command(Some(command))?;
            }
            if let Some(cwd) = spec.cwd {
                profile.cwd = absolute(Some(cwd));
            }
            vault
                .save_profile(&name, profile, true)
                .with_context(|| format!("cannot change profile `{name}`"))?;
            eprintln!("Changed profile `{name}`.");
        }
        ProfileCommand::Rm { name } => {
            vault.remove_profile(&name)?;
            eprintln!("Removed profile `{name}`.");
        }
        ProfileCommand::Show { name } => {
            let profile = vault.profile(&name)?;
            print(&describe(&name, &profile))?;
        }
        ProfileCommand::List { json } => {
            let profiles = vault.profiles().context("cannot read the profiles")?;
            if json {
                let map: serde_json::Map<String, serde_json::Value> = profiles
                    .iter()
                    .map(|(n, p)| {
                        (n.to_string(), serde_json::to_value(p).expect("a profile encodes as JSON"))
                    })
                    .collect();
                print(&format!("{}\n", serde_json::to_string_pretty(&map)?))?;
            } else if profiles.is_empty() {
                eprintln!("No profiles yet: `latchkey profile add NAME --env ENV --vars A,B` creates one.");
            } else {
                let mut out = String::new();
                for (name, profile) in &profiles {
                    out.push_str(&describe(name, profile));
                }
                print(&out)?;
            }
        }
    }
    Ok(())
}

fn describe(name: &ProfileName, p: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}\n  env      {}\n  vars     {}",
        p.env,
        p.vars.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
    );
    if let Some(command) = &p.command {
        let _ = writeln!(out, "  command  {}", shell_words::join(command));
    }
    if let Some(cwd) = &p.cwd {
        let _ = writeln!(out, "  cwd      {}", super::shown(cwd));
    }
    out
}

fn print(text: &str) -> Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

fn parse_command(command: Option<&str>) -> Result<Option<Vec<String>>> {
    let Some(command) = command else { return Ok(None) };
    let argv = shell_words::split(command).context("cannot read --command: check its quotes")?;
    if argv.is_empty() {
        bail!("--command is empty: give the program and its arguments");
    }
    Ok(Some(argv))
}

fn absolute(dir: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
    dir.map(|d| std::path::absolute(&d).unwrap_or(d))
}
