//! `latchkey agents`: the agent tools on this machine, their MCP servers, and the
//! plaintext secrets in those servers' configs (names only); `protect` moves those
//! secrets into the vault and runs the server through `latchkey run`, `unprotect` puts
//! them back, and `deny` keeps Claude Code out of `.env` files and latchkey's data.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use latchkey_core::sweep::deny;
use latchkey_core::sweep::servers::{self, Server};
use latchkey_core::text::printable;

use super::set::StoreArg;
use crate::args::EnvArg;

#[derive(Debug, Args)]
pub struct AgentsArgs {
    /// Print the tools and servers as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<AgentsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Move MCP servers' plaintext env secrets into the vault, and rewrite each server to
    /// run through `latchkey run --profile NAME` (a profile named after it).
    #[command(after_help = "Examples:
  latchkey agents protect                every local server with a plaintext secret
  latchkey agents protect github         one server (TOOL/SERVER when names repeat)
  latchkey agents protect --env prod --store keychain github

Asks first unless --yes. Only the server's command, args and env change: a JSON config
keeps every other byte, comments included; a TOML config goes through toml_edit. A
server whose keys are in headers (a remote one) or arguments is reported, not changed.")]
    Protect(ProtectArgs),
    /// Restore protected servers: their original command, and their keys back in env.
    #[command(after_help = "Examples:
  latchkey agents unprotect              every protected server
  latchkey agents unprotect github

The vault keeps the variables and the profile; remove them with `latchkey rm` and
`latchkey profile rm` if you no longer want them.")]
    Unprotect(UnprotectArgs),
    /// Add deny rules to ~/.claude/settings.json so Claude Code cannot read .env files or
    /// latchkey's data directory; print Codex's equivalent.
    #[command(after_help = "Example:
  latchkey agents deny --yes")]
    Deny {
        /// Add them without asking.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct ProtectArgs {
    /// Servers, by name or TOOL/NAME [default: every local server with a plaintext
    /// secret in its env block].
    pub servers: Vec<String>,
    #[command(flatten)]
    pub env: EnvArg,
    /// Where to keep the moved values.
    #[arg(long, value_enum, default_value = "vault")]
    pub store: StoreArg,
    /// Do not ask.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct UnprotectArgs {
    /// Servers, by name or TOOL/NAME [default: every protected server].
    pub servers: Vec<String>,
    /// Do not ask.
    #[arg(long)]
    pub yes: bool,
}

fn home() -> Result<PathBuf> {
    latchkey_core::home::user_home().context("HOME is not set: agent tools are found under it")
}

pub fn run(args: AgentsArgs) -> Result<()> {
    match args.command {
        None => list(args.json),
        Some(AgentsCommand::Protect(a)) => protect(a),
        Some(AgentsCommand::Unprotect(a)) => unprotect(a),
        Some(AgentsCommand::Deny { yes }) => deny_rules(yes),
    }
}

/// The servers `names` pick from `all` (by name, or TOOL/NAME), else those `default`
/// keeps; an unknown or ambiguous name is an error.
fn pick(all: Vec<Server>, names: &[String], default: impl Fn(&Server) -> bool) -> Result<Vec<Server>> {
    if names.is_empty() {
        return Ok(all.into_iter().filter(default).collect());
    }
    let mut picked = Vec::new();
    for name in names {
        let matching: Vec<&Server> =
            all.iter().filter(|s| &s.name == name || format!("{}/{}", s.tool, s.name) == *name).collect();
        match matching.as_slice() {
            [] => anyhow::bail!("no MCP server named {}: `latchkey agents` lists them", printable(name)),
            [one] => picked.push((*one).clone()),
            many => anyhow::bail!(
                "{} names {} servers: say which as TOOL/NAME ({})",
                printable(name),
                many.len(),
                many.iter().map(|s| format!("{}/{}", s.tool, s.name)).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    Ok(picked)
}

/// The `latchkey` a rewritten entry runs: this program, by its full path, so that an
/// agent tool with a short PATH finds it.
fn this_program() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find latchkey's own path")?;
    Ok(std::fs::canonicalize(&exe).unwrap_or(exe))
}

fn protect(args: ProtectArgs) -> Result<()> {
    let home = home()?;
    let catalog = super::catalog()?;
    let found = servers::configured(&home, &catalog);
    let chosen = pick(found.servers, &args.servers, Server::protectable)?;
    if chosen.is_empty() {
        eprintln!("No MCP server holds a plaintext secret in its env block: nothing to protect.");
        return Ok(());
    }
    let env = args.env.name();
    let vault = super::unlock()?;
    eprintln!(
        "These servers' plaintext env secrets move into `{env}`; each then runs through `latchkey run`:"
    );
    for s in &chosen {
        let keys: Vec<&str> = s.env_secrets().collect();
        eprintln!(
            "  {}/{}  {}  ({})",
            s.tool,
            printable(&s.name),
            printable(&keys.join(", ")),
            super::shown(&s.config)
        );
    }
    if !args.yes && !crate::input::confirm("Protect them?", "pass --yes to protect without a terminal")? {
        eprintln!("Nothing changed.");
        return Ok(());
    }
    let latchkey = this_program()?;
    let store = latchkey_core::Store::from(args.store);
    let mut failed = 0;
    for s in &chosen {
        match vault.protect_server(s, &env, store, &latchkey, &catalog) {
            Ok(done) => {
                let names = |v: &[latchkey_core::VariableName]| {
                    v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                };
                let mut line = format!(
                    "Protected {}/{}: runs with profile {}",
                    s.tool,
                    printable(&s.name),
                    done.profile
                );
                if !done.moved.is_empty() {
                    line.push_str(&format!("; stored {}", names(&done.moved)));
                }
                if !done.reused.is_empty() {
                    line.push_str(&format!("; the vault held {} already", names(&done.reused)));
                }
                eprintln!("{line}.");
                if !done.left.is_empty() {
                    eprintln!(
                        "  Left in place: {} (latchkey run hands over environment variables only).",
                        printable(&done.left.join(", "))
                    );
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("latchkey: {}/{}: {}", s.tool, printable(&s.name), printable(&e.to_string()));
            }
        }
    }
    if failed < chosen.len() {
        eprintln!(
            "Restart the agent tool to pick up its config. Its transcripts may still hold the old values: run `latchkey scan --agents`."
        );
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} server(s) were not protected; the rest were", chosen.len());
    }
    Ok(())
}

fn unprotect(args: UnprotectArgs) -> Result<()> {
    let home = home()?;
    let found = servers::configured(&home, &super::catalog()?);
    let chosen = pick(found.servers, &args.servers, |s| s.protected)?;
    if chosen.is_empty() {
        eprintln!("No MCP server runs through `latchkey run`: nothing to restore.");
        return Ok(());
    }
    let vault = super::unlock()?;
    eprintln!(
        "These servers get their original command back, and their keys back in their config, in plaintext:"
    );
    for s in &chosen {
        eprintln!("  {}/{}  ({})", s.tool, printable(&s.name), super::shown(&s.config));
    }
    if !args.yes && !crate::input::confirm("Restore them?", "pass --yes to restore without a terminal")? {
        eprintln!("Nothing changed.");
        return Ok(());
    }
    let mut failed = 0;
    for s in &chosen {
        match vault.unprotect_server(s) {
            Ok(profile) => eprintln!(
                "Restored {}/{}; the vault keeps profile {profile} and its variables.",
                s.tool,
                printable(&s.name)
            ),
            Err(e) => {
                failed += 1;
                eprintln!("latchkey: {}/{}: {}", s.tool, printable(&s.name), printable(&e.to_string()));
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} server(s) were not restored; the rest were", chosen.len());
    }
    Ok(())
}

fn deny_rules(yes: bool) -> Result<()> {
    let home = home()?;
    let data = latchkey_core::Home::from_env()?;
    let settings = deny::claude_settings(&home);
    let rules = deny::claude_rules(&home, &data);
    let missing = deny::missing_rules(&settings, &rules)?;
    if missing.is_empty() {
        eprintln!("{} denies every rule already.", super::shown(&settings));
    } else {
        eprintln!("Claude Code's permissions.deny in {} gets:", super::shown(&settings));
        for rule in &missing {
            eprintln!("  {rule}");
        }
        if yes || crate::input::confirm("Add them?", "pass --yes to add them without a terminal")? {
            let added = deny::add_rules(&settings, &rules)?;
            eprintln!(
                "Added {added} rule(s). Claude Code reads them at its next start. They stop its file tools, not a shell command that reads the file: launch it with `latchkey run --sandbox` for that."
            );
        } else {
            eprintln!("Nothing changed.");
        }
    }
    eprintln!(
        "Codex: run it with its sandbox on (`codex --sandbox workspace-write`), or launch it with `latchkey run --sandbox`, which hides latchkey's vault and identity from it."
    );
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let home = home()?;
    let found = servers::configured(&home, &super::catalog()?);
    let mut out = String::new();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        std::io::stdout().lock().write_all(out.as_bytes())?;
        return Ok(());
    }
    if found.tools.is_empty() {
        eprintln!("No agent tool found under {}.", super::shown(&home));
        return Ok(());
    }
    writeln!(out, "Agent tools:")?;
    for tool in &found.tools {
        writeln!(
            out,
            "  {:<16} {}",
            tool.name,
            tool.places.iter().map(|p| super::shown(p)).collect::<Vec<_>>().join(", ")
        )?;
    }
    if !found.servers.is_empty() {
        let width = found.servers.iter().map(|s| s.name.chars().count()).max().unwrap_or(6).max(6);
        writeln!(out, "\nMCP servers:")?;
        writeln!(out, "  {:<14} {:width$}  {:<18} PLAINTEXT SECRETS", "TOOL", "SERVER", "RUNS")?;
        for s in &found.servers {
            let runs = s.runs();
            let secrets = if s.secrets.is_empty() { "none".to_owned() } else { s.secrets.join(", ") };
            writeln!(
                out,
                "  {:<14} {:width$}  {:<18} {}",
                s.tool,
                printable(&s.name),
                printable(&runs),
                printable(&secrets)
            )?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    for u in &found.unreadable {
        eprintln!("latchkey: {} was not read: {}", super::shown(&u.path), u.reason);
    }
    let exposed: usize = found.servers.iter().filter(|s| s.is_local()).map(|s| s.env_secrets().count()).sum();
    if exposed > 0 {
        eprintln!(
            "\n{exposed} plaintext secret(s) in local servers' env blocks: `latchkey agents protect` moves them into the vault. Then run `latchkey scan --agents` for the copies agents kept."
        );
    }
    let rules = deny::claude_rules(&home, &latchkey_core::Home::from_env()?);
    if !deny::missing_rules(&deny::claude_settings(&home), &rules).unwrap_or_default().is_empty() {
        eprintln!(
            "Claude Code may read .env files and latchkey's data: `latchkey agents deny` adds deny rules."
        );
    }
    Ok(())
}
