//! `latchkey agents`: the agent tools on this machine, their MCP servers, and the
//! plaintext secrets in those servers' configs (names only), with the deny rules that
//! keep Claude Code and Codex out of `.env` files and latchkey's data directory.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use latchkey_core::sweep::servers;
use latchkey_core::text::printable;

#[derive(Debug, Args)]
pub struct AgentsArgs {
    /// Print the tools and servers as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: AgentsArgs) -> Result<()> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .context("HOME is not set: agent tools are found under it")?;
    let found = servers::configured(&home, &super::catalog()?);
    let mut out = String::new();
    if args.json {
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
            let runs = match (&s.program, &s.host) {
                (_, _) if s.protected => "latchkey run".to_owned(),
                (Some(p), _) => p.clone(),
                (None, Some(h)) => h.clone(),
                (None, None) => "-".to_owned(),
            };
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
    let exposed: usize = found.servers.iter().map(|s| s.secrets.len()).sum();
    if exposed > 0 {
        eprintln!(
            "\n{exposed} plaintext secret(s) in agent configs: store each with `latchkey set NAME`, replace it in the config with a reference, and run `latchkey scan --agents` for the copies agents kept."
        );
    }
    let data = latchkey_core::Home::from_env().map(|h| h.dir().display().to_string()).unwrap_or_default();
    eprintln!(
        "\nKeep agents out of .env files and latchkey's data: in ~/.claude/settings.json,\n  \"permissions\": {{ \"deny\": [\"Read(./.env)\", \"Read(./.env.*)\", \"Read({data}/**)\"] }}\nand run Codex with its sandbox on (`codex --sandbox workspace-write`), or launch either with `latchkey run --sandbox`."
    );
    Ok(())
}
