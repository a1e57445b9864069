//! `latchkey scan`: every copy of a stored key outside the vault, and `latchkey hook
//! install`, the pre-commit hook that runs `scan --staged`.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use latchkey_core::sweep::{self, Finding, Place, Progress, Status, Sweep, places, redact};
use latchkey_core::text::printable;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to sweep (directories whole, skipping .git); the current
    /// directory when nothing else is named.
    pub paths: Vec<PathBuf>,
    /// Also sweep the transcripts, histories and configs of agent tools (Claude Code,
    /// Claude Desktop, Codex, Cursor, VS Code, Windsurf, Continue, aider, Gemini CLI).
    #[arg(long)]
    pub agents: bool,
    /// Also sweep shell and REPL histories (bash, zsh, fish, python, node, psql, mysql).
    #[arg(long)]
    pub history: bool,
    /// Also sweep every commit of the current git repository (its history; the working
    /// tree is a PATH like any other).
    #[arg(long)]
    pub git: bool,
    /// Sweep the staged changes of the current git repository only (a pre-commit hook).
    #[arg(long, conflicts_with_all = ["git", "agents", "history", "paths", "redact"])]
    pub staged: bool,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
    /// Replace each stored value found in a file with <latchkey:NAME>, in the form the
    /// file needs; files tracked by git are refused (rotate those keys instead).
    #[arg(long)]
    pub redact: bool,
    /// Redact without asking.
    #[arg(long, short = 'y', requires = "redact")]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Add a pre-commit hook that runs `latchkey scan --staged` to the current repository.
    #[command(after_help = "Examples:
  latchkey hook install            refuses if a pre-commit hook is there already
  latchkey hook install --force    replaces it")]
    Install {
        /// Replace a pre-commit hook that is already there.
        #[arg(long)]
        force: bool,
    },
}

/// Sweeps; the exit status is 1 when a current value was found (and not all scrubbed).
pub fn run(args: ScanArgs) -> Result<u8> {
    let vault = super::unlock()?;
    let sought = vault.sought(super::catalog()?).context("cannot read the values to look for")?;
    let home_dir = latchkey_core::home::user_home();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let sources = places::Sources { paths: args.paths.clone(), agents: args.agents, history: args.history };
    let mut roots = sources.roots(home_dir.as_deref())?;
    if roots.is_empty() && !args.git && !args.staged && !args.agents && !args.history {
        roots.push(cwd.clone());
    }
    let mut result =
        Sweep { values: sought.values(), skipped_short: sought.skipped_short(), ..Sweep::default() };
    if !roots.is_empty() {
        let bar = Bar::new();
        let swept = sought.sweep_roots(&roots, &|p| bar.show(p));
        bar.clear();
        result.merge(swept);
    }
    if args.git || args.staged {
        let repo = sweep::git::toplevel(&cwd)?;
        let swept = if args.staged { sought.sweep_staged(&repo)? } else { sought.sweep_history(&repo)? };
        result.merge(swept);
    }
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&result)?)?;
    } else {
        table(&mut out, &result.findings)?;
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    let leaked = match vault.record_leaks(&result.findings, time::OffsetDateTime::now_utc()) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("latchkey: warning: the leaked secrets were not recorded for `latchkey status`: {e}");
            0
        }
    };
    summary(&result, leaked, args.staged);
    super::print_unlocked_notices();

    let mut scrubbed_all = false;
    if args.redact {
        scrubbed_all = redact_files(&sought, &result, args.yes)?;
    }
    Ok(u8::from(result.found_current() && !scrubbed_all))
}

/// The findings, one a line, never a value.
fn table(out: &mut String, findings: &[Finding]) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let rows: Vec<[String; 6]> = findings
        .iter()
        .map(|f| {
            let place = match &f.place {
                Place::File { path } => super::shown(path),
                other => printable(&other.to_string()).into_owned(),
            };
            let variable = match (&f.variable, &f.provider) {
                (Some(v), _) => v.to_string(),
                (None, Some(p)) => format!("({p} key)"),
                (None, None) => "-".to_owned(),
            };
            [
                place,
                format!("{}:{}", f.line, f.column),
                variable,
                f.environment.as_ref().map_or("-".to_owned(), |e| e.to_string()),
                f.form.to_string(),
                f.status.as_str().to_owned(),
            ]
        })
        .collect();
    let headers = ["PLACE", "LINE:COL", "VARIABLE", "ENV", "FORM", "STATUS"];
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(headers[i].len()))
        .collect();
    let line = |out: &mut String, cells: [&str; 6]| -> std::fmt::Result {
        for (i, cell) in cells.iter().enumerate() {
            if i == 5 {
                writeln!(out, "{cell}")?;
            } else {
                write!(out, "{cell:w$}  ", w = widths[i])?;
            }
        }
        Ok(())
    };
    line(out, headers)?;
    for row in &rows {
        line(out, [&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]])?;
    }
    Ok(())
}

/// What was swept and found, and what to do, on stderr.
fn summary(result: &Sweep, leaked: usize, staged: bool) {
    let count = |s: Status| result.findings.iter().filter(|f| f.status == s).count();
    let (current, past, unmanaged) = (count(Status::Current), count(Status::Past), count(Status::Unmanaged));
    eprintln!(
        "Swept {} file(s), {}, for {} stored value(s) in every form{}.",
        result.files,
        size(result.bytes),
        result.values,
        if result.skipped_short > 0 {
            format!(
                "; {} value(s) too short (under {} characters) or too plain (one kind of character, under 16) were not looked for",
                result.skipped_short,
                sweep::MIN_SOUGHT_LEN
            )
        } else {
            String::new()
        }
    );
    if !result.unreadable.is_empty() {
        eprintln!("{} place(s) could not be read (--json lists them).", result.unreadable.len());
    }
    if current + past + unmanaged == 0 {
        eprintln!("Nothing found.");
        return;
    }
    eprintln!("Found {current} current, {past} past and {unmanaged} unmanaged.");
    if current > 0 {
        if staged {
            eprintln!("The commit would hold a current key: remove it from the staged files, or rotate it.");
        } else {
            eprintln!(
                "{leaked} secret(s) are now marked leaked in `latchkey status`: rotate each (`latchkey rotate NAME --env ENV`), and scrub the copies with --redact."
            );
        }
    }
    if unmanaged > 0 {
        eprintln!(
            "Unmanaged keys are not in the vault: store each with `latchkey set NAME`, then scrub the copies."
        );
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// Asks, then redacts each file; whether every current finding in a file was scrubbed.
fn redact_files(sought: &sweep::Sought, result: &Sweep, yes: bool) -> Result<bool> {
    // An agent's config is read by the agent: a placeholder there breaks it. Those keys
    // move into the vault instead (`latchkey agents` names them).
    let configs =
        latchkey_core::home::user_home().map(|h| sweep::agents::config_files(&h)).unwrap_or_default();
    let (plan, skipped): (Vec<_>, Vec<_>) =
        redact::plan(&result.findings).into_iter().partition(|(p, _)| !configs.contains(p));
    for (path, _) in &skipped {
        eprintln!(
            "Not redacting {}: an agent reads its keys from it; store them with `latchkey set`, and see `latchkey agents`.",
            super::shown(path)
        );
    }
    let elsewhere_configs = !skipped.is_empty();
    let elsewhere = result.findings.iter().any(|f| f.status == Status::Current && f.place.file().is_none());
    if plan.is_empty() {
        eprintln!("Nothing to redact.");
        return Ok(!elsewhere && !elsewhere_configs && !result.found_current());
    }
    eprintln!("To redact:");
    for (path, count) in &plan {
        eprintln!("  {count:>4}  {}", super::shown(path));
    }
    if !yes
        && !crate::input::confirm(
            "Replace them with <latchkey:NAME>?",
            "redaction needs confirmation: pass --yes to redact without it",
        )?
    {
        bail!("nothing was redacted");
    }
    let mut all = !elsewhere && !elsewhere_configs;
    for (path, _) in &plan {
        match sought.redact(path, None) {
            Ok(n) => eprintln!("Redacted {n} in {}.", super::shown(path)),
            Err(e) => {
                all = false;
                eprintln!("latchkey: {}", printable(&e.to_string()));
            }
        }
    }
    Ok(all)
}

/// A progress line on a terminal, at most ten times a second.
struct Bar {
    on: bool,
    last: Mutex<Option<Instant>>,
}

impl Bar {
    fn new() -> Self {
        Self { on: std::io::stderr().is_terminal(), last: Mutex::new(None) }
    }

    fn show(&self, p: Progress) {
        if !self.on {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) && p.files < p.total_files {
            return;
        }
        *last = Some(Instant::now());
        let percent = (p.bytes * 100).checked_div(p.total_bytes).unwrap_or(100);
        eprint!(
            "\r\x1b[2Kswept {}/{} files, {} of {} ({percent}%)",
            p.files,
            p.total_files,
            size(p.bytes),
            size(p.total_bytes)
        );
    }

    fn clear(&self) {
        if self.on && self.last.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// `latchkey hook install`.
pub fn hook(command: HookCommand) -> Result<()> {
    let HookCommand::Install { force } = command;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let repo = sweep::git::toplevel(&cwd)?;
    let hooks = git_path(&repo, "hooks")?;
    let hook = hooks.join("pre-commit");
    let script = "#!/bin/sh\n# Added by `latchkey hook install`: refuse a commit that holds a stored key.\nexec latchkey scan --staged\n";
    // Anything there (a file, a link, even one that cannot be read) is the user's.
    if std::fs::symlink_metadata(&hook).is_ok() {
        if std::fs::read(&hook).is_ok_and(|existing| existing == script.as_bytes()) {
            eprintln!("The hook is installed already: {}", super::shown(&hook));
            return Ok(());
        }
        if !force {
            bail!(
                "{} exists: add `latchkey scan --staged` to it, or pass --force to replace it",
                super::shown(&hook)
            );
        }
    }
    std::fs::create_dir_all(&hooks).with_context(|| format!("cannot create {}", super::shown(&hooks)))?;
    let temp = hooks.join(format!(".pre-commit.latchkey-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o755);
    options
        .open(&temp)
        .and_then(|mut f| f.write_all(script.as_bytes()))
        .with_context(|| format!("cannot write {}", super::shown(&temp)))?;
    std::fs::rename(&temp, &hook).with_context(|| format!("cannot write {}", super::shown(&hook)))?;
    eprintln!("Installed {}: each commit is swept for stored keys first.", super::shown(&hook));
    Ok(())
}

fn git_path(repo: &Path, what: &str) -> Result<PathBuf> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--git-path", what])
        .output()
        .context("cannot run git: install it")?;
    if !out.status.success() {
        bail!("git rev-parse failed in {}", super::shown(repo));
    }
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n'));
    Ok(if path.is_absolute() { path } else { repo.join(path) })
}
