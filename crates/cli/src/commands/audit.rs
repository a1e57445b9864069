//! `latchkey audit` and `latchkey audit verify`.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, bail};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use clap::{Args, Subcommand};
use latchkey_core::audit::Access;
use latchkey_core::text::printable;
use latchkey_core::text::rfc3339;

pub fn run(args: AuditArgs) -> Result<()> {
    let vault = super::unlock()?;
    if let Some(AuditCommand::Verify) = args.command {
        return match vault.verify_audit().context("cannot check the audit log")? {
            Ok(count) => {
                eprintln!("The audit log is intact: {count} entries, each chained to the one before.");
                Ok(())
            }
            Err(tampering) => bail!("the audit log was tampered with: {tampering}"),
        };
    }
    let log = vault.audit_log().context("cannot open the audit log")?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let entries: Vec<_> = log
        .entries()
        .context("cannot read the audit log")?
        .into_iter()
        .filter(|e| since.is_none_or(|s| e.at >= s))
        .collect();
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?;
    } else if entries.is_empty() {
        eprintln!("No entries{}.", if since.is_some() { " since then" } else { " yet" });
    } else {
        for e in &latchkey_core::audit::with_outcomes(entries) {
            let at = rfc3339(e.at);
            let what = match (&e.event.method, &e.event.host) {
                // A brokered request: what it asked of which host, and the answer.
                (Some(method), Some(host)) => format!(
                    "{method} {host}{} {}{}",
                    e.event.path.as_deref().unwrap_or(""),
                    e.event.status.map_or(String::new(), |s| s.to_string()),
                    e.event
                        .reason
                        .as_deref()
                        .map_or(String::new(), |r| format!(" ({})", r.trim_start_matches("latchkey: "))),
                ),
                _ => match (&e.event.program, &e.event.profile) {
                    (_, Some(profile)) => format!("profile {profile}"),
                    (Some(program), None) => program.clone(),
                    (None, None) => e.event.path.clone().unwrap_or_default(),
                },
            };
            let outcome = match (e.access, e.event.exit_code) {
                (_, Some(code)) => format!(" exit {code}"),
                (Access::Grant, None) => {
                    " (no exit recorded: still running, or latchkey was killed)".to_owned()
                }
                _ => String::new(),
            };
            writeln!(
                out,
                "{at}  {:8} {:10} {}  {}{outcome}",
                e.access.as_str(),
                printable(&e.event.env),
                printable(&e.event.names.join(",")),
                printable(&what),
            )?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn parse_since(text: &str) -> Result<OffsetDateTime> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date =
        Date::parse(text, &format).with_context(|| format!("`{text}` is not a date: write YYYY-MM-DD"))?;
    Ok(date.midnight().assume_utc())
}

/// `latchkey audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// `verify` checks the hash chain instead of listing.
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only entries from this date (YYYY-MM-DD) or time (RFC 3339) on.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no entry was edited, removed, reordered or cut off.
    #[command(after_help = "Example:
  latchkey audit verify        exit 0 and the count when intact; exit 1 naming the first bad entry

It also checks the log against the anchor the vault keeps, so deleting or rolling back
both audit.log and audit.head is detected.")]
    Verify,
}
