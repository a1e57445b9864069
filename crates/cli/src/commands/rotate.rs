//! `latchkey status`, `rotate`, `rollback`, `history` and `calendar`.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};

use anyhow::{Context, Result, anyhow, bail};
use latchkey_core::rotation::{self, CalendarItem, Presets, Status};
use latchkey_core::validate::verify::{CONCURRENCY, Online, TIMEOUT, Verifier};
use latchkey_core::{Kind, Replacement, RotateError, SetError};
use time::OffsetDateTime;

use crate::args::{EnvArg, Expiry, NameArgs, parse_expiry, policy_change, variable_name};
use crate::input;
use clap::Args;
use latchkey_core::VariableName;
use latchkey_core::text::rfc3339;
use std::path::PathBuf;

fn day(at: OffsetDateTime) -> String {
    at.date().to_string()
}

pub fn status(args: StatusArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.name();
    let now = OffsetDateTime::now_utc();
    let dues = vault
        .rotation(env, args.preset.parse::<Presets>()?, now)
        .with_context(|| format!("cannot read `{env}`"))?;
    let mut out = String::new();
    if args.json {
        let rows: Vec<serde_json::Value> = dues
            .iter()
            .map(|d| {
                let v = &d.variable.validation;
                serde_json::json!({
                    "name": d.variable.name,
                    "class": d.class,
                    "status": d.schedule.status,
                    "interval_days": d.schedule.interval_days,
                    "rotated": rfc3339(d.variable.rotated),
                    "due": d.schedule.due.map(rfc3339),
                    "expires": d.schedule.expires.map(|e| e.to_string()),
                    "format": v.as_ref().map(|v| v.format),
                    "online": v.as_ref().and_then(|v| v.online.as_ref()).map(|o| o.result),
                    "leaked": d.leaked,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else if dues.is_empty() {
        eprintln!("No secrets in `{env}`.");
    } else {
        let width = dues.iter().map(|d| d.variable.name.as_str().len()).max().unwrap_or(4).max(4);
        writeln!(out, "{:width$}  {:9}  {:11}  {:8}  CHECK", "NAME", "STATUS", "DUE", "EVERY")?;
        let mut sorted: Vec<_> = dues.iter().collect();
        sorted.sort_by_key(|d| (d.leaked.is_none(), rank(d.schedule.status), d.schedule.next_date()));
        let mut expiry_shown = false;
        let colour = crate::paint::enabled();
        for d in sorted {
            // The nearer of the interval's due date and the hard expiry (marked `!`).
            let interval_due = d.schedule.due.map(|due| due.date());
            let due = match (d.schedule.expires, interval_due) {
                (Some(e), Some(due)) if due < e => due.to_string(),
                (Some(e), _) => {
                    expiry_shown = true;
                    format!("{e}!")
                }
                (None, _) => d.schedule.due.map(day).unwrap_or_else(|| "-".into()),
            };
            let every = d.schedule.interval_days.map(|n| format!("{n}d")).unwrap_or_else(|| "never".into());
            let check = match &d.variable.validation {
                Some(v) => match &v.online {
                    Some(o) => format!("online {}", o.result.as_str()),
                    None => format!("format {}", serde_json::to_value(v.format)?.as_str().unwrap_or("?")),
                },
                None => "-".into(),
            };
            let status = if d.leaked.is_some() { "leaked" } else { d.schedule.status.as_str() };
            let cell = crate::paint::status(status, format!("{status:9}"), colour);
            writeln!(out, "{:width$}  {cell}  {due:11}  {every:8}  {check}", d.variable.name.as_str())?;
        }
        for d in dues.iter().filter_map(|d| d.leaked.as_ref().map(|l| (d, l))) {
            let (d, leak) = d;
            writeln!(
                out,
                "\n{} leaked: found {} in {}",
                d.variable.name,
                day(leak.found),
                latchkey_core::text::printable(&leak.places.join(", "))
            )?;
        }
        if expiry_shown {
            writeln!(out, "\n! a hard expiry (set with --expires): the key stops working that day")?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    let leaked: Vec<&str> =
        dues.iter().filter(|d| d.leaked.is_some()).map(|d| d.variable.name.as_str()).collect();
    if !leaked.is_empty() {
        bail!(
            "{} secret(s) were found outside the vault (`latchkey scan`): {}; rotate them with `latchkey rotate NAME`",
            leaked.len(),
            leaked.join(", ")
        );
    }
    let late: Vec<&str> =
        dues.iter().filter(|d| d.schedule.status.is_late()).map(|d| d.variable.name.as_str()).collect();
    if !late.is_empty() {
        bail!(
            "{} secret(s) are overdue or expired: {}; rotate them with `latchkey rotate NAME`",
            late.len(),
            late.join(", ")
        );
    }
    Ok(())
}

fn rank(status: Status) -> u8 {
    match status {
        Status::Expired => 0,
        Status::Overdue => 1,
        Status::DueSoon => 2,
        Status::Ok => 3,
        Status::NoPolicy => 4,
    }
}

pub fn rotate(args: RotateArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    let name = &args.name;
    let current = vault
        .list(env)?
        .into_iter()
        .find(|v| &v.name == name && v.inherited_from.is_none() && v.kind == Kind::Secret)
        .ok_or_else(|| anyhow!("no secret `{name}` in `{env}` to rotate: store it first with `latchkey set {name} --env {env}`"))?;
    let provider = current.provider.as_deref().and_then(|id| catalog.provider(id));
    // 1. Where to make the new key.
    match provider.and_then(|p| p.keys_page.as_deref().map(|url| (p, url))) {
        Some((p, url)) => eprintln!("Create a new {} key at {url}", p.name),
        None => eprintln!("Create a new key with the service `{name}` belongs to."),
    }
    // 2. The new value.
    let value = input::secret_value(&format!("New value for {name}: "))?;
    // 3. With --online, ask the provider first whether the new key works.
    if args.online {
        let verifier = Verifier::new(TIMEOUT, CONCURRENCY)?;
        let (_, verdict) = vault.check_value_online(env, name, &value, &catalog, &verifier)?;
        if let Some(verdict) = verdict {
            eprintln!("Online check: {} ({})", verdict.online.as_str(), verdict.message);
            if verdict.online == Online::Invalid && !args.force {
                bail!(
                    "the provider rejected the new key: nothing was changed (store it anyway with --force)"
                );
            }
        }
    }
    // 4. The same provider's shape is required; the previous value goes to the history.
    let rotation = policy_change(None, args.expires);
    let rotated = match vault.rotate(env, name, value, &catalog, args.force, rotation) {
        Ok(rotated) => rotated,
        Err(err @ RotateError::OtherProvider { .. }) => {
            bail!("{err}: nothing was changed (store it anyway with --force)")
        }
        Err(err @ RotateError::Set(SetError::Refused { .. })) => {
            bail!("{err} (store it anyway with --force)")
        }
        Err(err) => return Err(err).context(format!("cannot rotate {name}")),
    };
    if let Some(e) = &rotated.audit_error {
        eprintln!("latchkey: warning: the rotation was not recorded in the audit log: {e}");
    }
    for problem in &rotated.finding.problems {
        eprintln!("latchkey: warning: {name}: {}", problem.message);
    }
    eprintln!(
        "Rotated {name} in `{env}`; its schedule starts again today. `latchkey rollback {name}` restores the previous value."
    );
    // 5. Exports that held it are stale now.
    for e in &rotated.stale_exports {
        eprintln!("Stale export: {} ({}) — export it again.", super::shown(&e.path), e.format);
    }
    // 6. The old key still works until it is revoked.
    eprintln!(
        "Now revoke the old key{}.",
        provider.and_then(|p| p.keys_page.as_deref()).map(|u| format!(" at {u}")).unwrap_or_default()
    );
    Ok(())
}

pub fn rollback(args: RollbackArgs) -> Result<()> {
    let vault = super::unlock()?;
    let (name, env) = (&args.target.name, &args.target.env.name());
    let rolled = vault
        .rollback(env, name, usize::from(args.to))
        .with_context(|| format!("cannot roll back {name}"))?;
    if let Some(e) = rolled.audit_error {
        eprintln!("latchkey: warning: the rollback was not recorded in the audit log: {e}");
    }
    eprintln!(
        "Restored value -{} of {name} in `{env}`; the value it replaced is in its history as -1.",
        args.to
    );
    Ok(())
}

pub fn history(args: HistoryArgs) -> Result<()> {
    let HistoryArgs { name: args, json } = args;
    let vault = super::unlock()?;
    let env = &args.env.name();
    let history = vault
        .history(env, &args.name)
        .with_context(|| format!("cannot read the history of {}", args.name))?;
    let mut out = String::new();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&history)?)?;
        std::io::stdout().lock().write_all(out.as_bytes())?;
        return Ok(());
    }
    let restored = if history.restored { "  (restored by a rollback)" } else { "" };
    writeln!(out, " 0  current                      {}{restored}", history.current)?;
    let n = history.past.len();
    for (i, past) in history.past.iter().enumerate().rev() {
        let mut notes = Vec::new();
        if past.replaced_by == Replacement::Rollback {
            notes.push("replaced by a rollback");
        }
        // The same fingerprint as a later value: this value came back (a rollback, or
        // the same key set again).
        if past.fingerprint == history.current {
            notes.push("the current value");
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join("; ")) };
        writeln!(out, "-{}  replaced {}  {}{notes}", n - i, rfc3339(past.until), past.fingerprint)?;
    }
    if n == 0 {
        eprintln!("{} has no previous values yet.", args.name);
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

pub fn calendar(args: CalendarArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    let now = OffsetDateTime::now_utc();
    let dues = vault.rotation(env, args.preset.parse::<Presets>()?, now)?;
    let vault_id = vault.settings().vault_id.clone();
    let items: Vec<CalendarItem> = dues
        .iter()
        .filter_map(|d| {
            let date = d.schedule.next_date()?;
            Some(CalendarItem {
                uid: format!("{vault_id}/{env}/{}@latchkey", d.variable.name),
                title: format!("{} in {env}", d.variable.name),
                url: d
                    .variable
                    .provider
                    .as_deref()
                    .and_then(|p| catalog.provider(p))
                    .and_then(|p| p.keys_page.clone()),
                date,
            })
        })
        .collect();
    let text = rotation::calendar(&items, args.remind, now);
    let target = latchkey_core::output::Target::of(&args.out)?;
    target.write(text.as_bytes())?;
    eprintln!(
        "Wrote {} due date(s) to {}, each with a reminder {} days ahead.",
        items.len(),
        latchkey_core::text::printable(&target.display()),
        args.remind
    );
    if std::io::stdout().is_terminal() {
        eprintln!("Import it into your calendar, or subscribe to the file.");
    }
    Ok(())
}

/// `latchkey status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The preset intervals: standard (90/180/365/90 days) or strict (7/30/90/7).
    #[arg(long, default_value = "standard", value_parser = ["standard", "strict"])]
    pub preset: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The secret to rotate.
    #[arg(value_parser = variable_name())]
    pub name: VariableName,
    #[command(flatten)]
    pub env: EnvArg,
    /// Also check online that the new key works before storing it.
    #[arg(long)]
    pub online: bool,
    /// Store the new value even if it is for another provider or fails its checks.
    #[arg(long)]
    pub force: bool,
    /// The new key's hard expiry (YYYY-MM-DD), or `never`. Without it, an expiry that
    /// has passed is cleared with the old key, and one still ahead is kept.
    #[arg(long, value_name = "DATE", value_parser = parse_expiry)]
    pub expires: Option<Expiry>,
}

/// `latchkey calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The preset intervals: standard or strict.
    #[arg(long, default_value = "standard", value_parser = ["standard", "strict"])]
    pub preset: String,
    /// The .ics file to write (`-` for standard output).
    #[arg(long, value_name = "FILE.ics")]
    pub out: PathBuf,
    /// Days before the due date that the reminder fires.
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub remind: u32,
}

/// `latchkey history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub name: NameArgs,
    /// Print JSON: the current value's fingerprint and each previous value's.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub target: NameArgs,
    /// Which previous value: N as `latchkey history` lists it (-N), 1 by default.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=5))]
    pub to: u16,
}
