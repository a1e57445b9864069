//! The command line, parsed once into typed values.

use clap::{Parser, Subcommand};

use crate::commands::{
    self, agents, audit, check, completions, diff, doctor, edit, env, export, get, identity, import, init,
    list, man, profile, project, rm, rotate, scan, set,
};

/// latchkey: API keys and config for AI agents, in an age vault or the OS keychain.
#[derive(Debug, Parser)]
#[command(
    name = "latchkey",
    version,
    about,
    after_help = "Examples:
  latchkey init                                  create a vault (identity in the OS keychain)
  latchkey set OPENAI_API_KEY                    store a secret, typed with no echo
  printf %s \"$KEY\" | latchkey set OPENAI_API_KEY --env prod
  latchkey get OPENAI_API_KEY                    print it
  latchkey list --env prod                       names and metadata, never values
  latchkey check --online                        is every key well-formed, and does it work?

Environment:
  LATCHKEY_HOME      the data directory (default: $XDG_DATA_HOME/latchkey)
  LATCHKEY_IDENTITY  an identity file to use instead of the configured one
  LATCHKEY_ENV       the environment used when --env is not given (default: default; for
                     run, export, check and list in a project, its default_env)
  LATCHKEY_PROJECT   a project file to use instead of the nearest latchkey.toml; off for none
  LATCHKEY_CONFIG_DIR  where providers.toml and sandbox.toml are read (default:
                     $XDG_CONFIG_HOME/latchkey)
  LATCHKEY_WITHHOLD  more withholding rules for run (comma-separated; -RULE drops a default)
  LATCHKEY_EXTRA_CA_FILE  more authorities the broker trusts upstream (a corporate proxy)
  LATCHKEY_BROKER_RESOLVE  HOST:PORT=ADDR:PORT,... where the broker dials a host (tests)
  LATCHKEY_SANDBOX_PRETEND_MISSING  kernel parts the sandbox treats as missing
                     (landlock-network,seccomp): what best effort would leave out
  LATCHKEY_LOOPBACK_ONLY  any connection not to loopback aborts latchkey (tests)
  LATCHKEY_SANDBOXED set inside a sandbox; latchkey there says why it cannot reach the vault
  NO_COLOR           set and not empty: no colour (otherwise colour only on a terminal)"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault and its identity.
    #[command(after_help = "Examples:
  latchkey init                                         identity in the OS keychain
  latchkey init --identity-file ~/.config/latchkey/id.txt   plain identity file (automation)
  printf %s \"$PASS\" | latchkey init --passphrase-stdin     identity protected by a passphrase

Without flags, the identity goes into the OS keychain. When no keychain is reachable,
init asks: a plain identity file (no prompts, for agents, cron and CI) or one protected
by a passphrase (asked at every command); without a terminal it says which flag to use.
With LATCHKEY_IDENTITY set, the identity file is created there.
`latchkey identity move --to keychain|file|passphrase` changes the choice later.")]
    Init(crate::commands::init::InitArgs),
    /// Store a value (a secret from stdin or a no-echo prompt; never from argv).
    #[command(after_help = "Examples:
  latchkey set OPENAI_API_KEY                           prompt with no echo
  printf %s \"$KEY\" | latchkey set OPENAI_API_KEY --env prod
  latchkey set GITHUB_TOKEN --store keychain < token.txt
  latchkey set OPENAI_API_KEY --created 2026-03-01      made months ago: due for rotation soon
  latchkey set OPENAI_BASE_URL --config --value https://api.openai.com/v1

One trailing newline on stdin is removed. The value's format is checked first: a
placeholder or a failed checksum is refused unless --force; other problems are warnings.")]
    Set(crate::commands::set::SetArgs),
    /// Change a variable's rotation interval, hard expiry, provider or notes, keeping its
    /// value (never asked for).
    #[command(after_help = "Examples:
  latchkey edit GITHUB_TOKEN --expires 2027-03-31        the provider's hard expiry
  latchkey edit GITHUB_TOKEN --expires never             no expiry any more
  latchkey edit OPENAI_API_KEY --env prod --rotate-every 30d --notes 'team billing key'

Options not given are kept.")]
    Edit(crate::commands::edit::EditArgs),
    /// Print a value on stdout (with a newline only on a terminal).
    #[command(after_help = "Examples:
  latchkey get OPENAI_API_KEY
  curl -H \"Authorization: Bearer $(latchkey get OPENAI_API_KEY --env prod)\" ...
  latchkey get OPENAI_API_KEY --json | jq -r .value")]
    Get(crate::commands::get::GetArgs),
    /// List the variables of an environment: names and metadata, never values.
    #[command(after_help = "Examples:
  latchkey list
  latchkey list --filter 'OPENAI_*'
  latchkey list --env prod --json")]
    List(crate::commands::list::ListArgs),
    /// Check values: provider formats, checksums, placeholders, endpoints, and with
    /// --online whether each key works.
    #[command(after_help = "Examples:
  latchkey check                                 every variable of the environment, offline
  latchkey check OPENAI_API_KEY --env prod --online
  latchkey check --json                          one JSON object per variable
  printf %s \"$KEY\" | latchkey check --stdin --as OPENAI_API_KEY    a value not stored (pre-commit hooks)

Online checks send one side-effect-free request per key to its provider (or to the base
URL the environment sets, like OPENAI_BASE_URL), with a 5 s timeout and no redirects.
Exit status: 0 when nothing is invalid, 1 when a value or key is invalid.")]
    Check(crate::commands::check::CheckArgs),
    /// Compare two environments by name: what only one has, and what differs. Never
    /// shows values.
    #[command(after_help = "Examples:
  latchkey diff staging prod
  latchkey diff default prod --json")]
    Diff(crate::commands::diff::DiffArgs),
    /// Import variables from a .env file, or from the current environment.
    #[command(after_help = "Examples:
  latchkey import .env                            preview, confirm, then store (values never shown)
  latchkey import .env --env prod --yes           no confirmation (scripts)
  latchkey import .env --dry-run                  only the preview
  latchkey import .env --created 2026-06-01       the keys' real age, for rotation status
  latchkey import --from-env OPENAI_API_KEY,GITHUB_TOKEN

Each entry is classified as a secret or config by its name and format (--all-secret
makes every entry a secret). Names the environment already has with other values are
refused unless --overwrite. After importing, delete the plaintext file.")]
    Import(crate::commands::import::ImportArgs),
    /// Export an environment as dotenv, JSON, YAML, TOML, shell, docker or GitHub env.
    #[command(after_help = "Examples:
  latchkey export --format dotenv                   to stdout
  latchkey export --env prod --format json --out config/prod.json
  eval \"$(latchkey export --format shell --only OPENAI_API_KEY)\"
  latchkey export --format github >> \"$GITHUB_ENV\"

--out writes atomically with mode 0600 and records the export (`latchkey exports`); it
refuses a path in a git work tree unless git ignores it (--allow-tracked overrides).")]
    Export(crate::commands::export::ExportArgs),
    /// List recorded file exports: current, stale (the vault changed), edited or missing.
    #[command(
        after_help = "Examples:\n  latchkey exports\n  latchkey exports --json\n  latchkey exports forget config/old.env     stop tracking it (the file stays)"
    )]
    Exports(crate::commands::export::ExportsArgs),
    /// Render a template, replacing latchkey://ENV/NAME references with values.
    #[command(after_help = "Examples:
  latchkey inject -i .env.latchkey -o .env          a committed template, a private output
  latchkey inject -i config.yaml.tpl                to stdout

A template line like OPENAI_API_KEY=latchkey://prod/OPENAI_API_KEY gets the value; other
text passes through. A reference that cannot be resolved is an error naming the line.")]
    Inject(crate::commands::export::InjectArgs),
    /// Run a command (an agent) with the environment's variables injected, its output
    /// masked, and sensitive variables of this shell withheld.
    #[command(after_help = "Examples:
  latchkey run -- python agent.py
  latchkey run --env prod --only OPENAI_API_KEY,OPENAI_BASE_URL -- node agent.js
  latchkey run --env-file .env.latchkey -- ./agent     latchkey://ENV/NAME references resolved in memory
  latchkey run --all -- ./agent                   in a project, every variable, not only the declared
  latchkey run --profile coder -- --ask           the profile's command, with --ask added
  latchkey run --profile coder --command -- sh    the profile's variables, another command

Inside a project (a latchkey.toml here or above), the command gets exactly the variables
the file declares, from its default environment, and is refused while a required one
is missing; --all, --only or --profile choose otherwise.

Values never go on the command line. Every injected secret of 6 or more characters is
replaced by <latchkey:NAME> in the output (--no-mask turns that off); on a terminal the
command runs in a pseudo-terminal, so colours and prompts keep working. Variables of this
shell whose names look sensitive (*_KEY, *_TOKEN, *_SECRET, *PASSWORD*, *_CREDENTIALS, or
the comma-separated patterns in LATCHKEY_WITHHOLD) are withheld unless --inherit-secrets.
latchkey exits with the command's status, or 128+N when a signal N ended it.")]
    Run(crate::commands::run::RunArgs),
    /// Agent profiles: which environment and exactly which variables an agent gets.
    #[command(subcommand)]
    Profile(crate::commands::profile::ProfileCommand),
    /// Projects: a committed latchkey.toml that says which variables a project needs.
    #[command(subcommand)]
    Project(crate::commands::project::ProjectCommand),
    /// Show when each secret is due for rotation; exits 1 when any is overdue or expired.
    #[command(after_help = "Examples:
  latchkey status
  latchkey status --env prod --json
  latchkey status --preset strict      API keys weekly, database passwords monthly, webhooks quarterly

Due soon means within 14 days or 20% of the interval, whichever is shorter, or within 14
days of a hard expiry (a due date marked `!`): the nearer date decides. Set a
secret's own interval with `latchkey edit NAME --rotate-every 30d`, a provider's hard
expiry with `--expires 2027-01-31`.")]
    Status(crate::commands::rotate::StatusArgs),
    /// Rotate a secret: the provider's key page, the new value, checks, history.
    #[command(after_help = "Examples:
  latchkey rotate OPENAI_API_KEY                  prompts for the new key, no echo
  printf %s \"$NEW\" | latchkey rotate GITHUB_TOKEN --env prod --online
  latchkey rotate GITHUB_TOKEN --expires 2027-06-30   the new token's hard expiry

The previous value is kept (the last 5, encrypted in the vault): `latchkey rollback NAME`
restores it, `latchkey history NAME` lists when each was replaced.")]
    Rotate(crate::commands::rotate::RotateArgs),
    /// Restore a previous value of a secret (the one before the current, or --to N).
    #[command(after_help = "Examples:
  latchkey rollback OPENAI_API_KEY --env prod     the value before the current one
  latchkey history OPENAI_API_KEY                 -1 newest ... -5 oldest
  latchkey rollback OPENAI_API_KEY --to 3         the value listed as -3

The current value joins the history, so a rollback can itself be undone.")]
    Rollback(crate::commands::rotate::RollbackArgs),
    /// List a secret's previous values: when each was replaced and its fingerprint
    /// (never the values).
    #[command(after_help = "Examples:
  latchkey history OPENAI_API_KEY
  latchkey history OPENAI_API_KEY --json

A fingerprint is 12 hex digits of an HMAC of the value under the vault's own key: equal
values show equal fingerprints (a rollback shows the old one again), and a fingerprint
reveals nothing about a value without the vault.")]
    History(crate::commands::rotate::HistoryArgs),
    /// Write the rotation due dates as an iCalendar file, with a reminder before each.
    #[command(
        after_help = "Example:\n  latchkey calendar --out ~/latchkey-rotation.ics   then import it into any calendar"
    )]
    Calendar(crate::commands::rotate::CalendarArgs),
    /// Show the audit log: every grant and every access that yielded a value.
    #[command(after_help = "Examples:
  latchkey audit                                   every entry, oldest first
  latchkey audit --since 2026-11-01 --json
  latchkey audit verify                            check the hash chain; names the first bad entry

Entries hold names, never values: time, kind (grant, get, export, inject, reveal,
copy), the program and a hash of its arguments, working directory, pid, environment,
exit code and duration.")]
    Audit(crate::commands::audit::AuditArgs),
    /// Remove a variable (and its keychain entry).
    #[command(after_help = "Examples:
  latchkey rm OLD_API_KEY
  latchkey rm OLD_API_KEY --env staging --yes

On a terminal it asks first; --yes (or no terminal, as in a script) does not ask.")]
    Rm(crate::commands::rm::RmArgs),
    /// List, add or remove environments.
    #[command(subcommand)]
    Env(crate::commands::env::EnvCommand),
    /// Export the vault's identity, to open the vault with the plain `age` tool.
    #[command(subcommand)]
    Identity(crate::commands::identity::IdentityCommand),
    /// Find every copy of a stored key outside the vault, in any common encoding: in
    /// files, agent transcripts and configs, shell histories and git history.
    #[command(after_help = "Examples:
  latchkey scan                          the current directory
  latchkey scan --agents --history       agent transcripts and configs, shell histories
  latchkey scan ~/notes --redact         replace each copy with <latchkey:NAME>
  latchkey scan --git                    every commit of this repository
  latchkey scan --staged                 the next commit (`latchkey hook install` runs it)

It looks for every secret of every environment (keychain-stored ones too) and the
values kept in rotation history (`past`), each literal, base64 (standard and URL-safe,
at any alignment), percent-encoded, JSON-escaped and hex; and for well-formed keys of
known providers the vault does not hold (`unmanaged`). Output names the place, line,
column, variable, environment, form and status: never the value. Exits 1 when a
current value is found. A current value found marks its secret `leaked` in `latchkey
status` until it is rotated.")]
    Scan(crate::commands::scan::ScanArgs),
    /// List the agent tools on this machine, their MCP servers, and the plaintext secrets
    /// in those servers' configs (names only); protect those servers.
    #[command(after_help = "Examples:
  latchkey agents
  latchkey agents --json
  latchkey agents protect        move servers' plaintext keys into the vault
  latchkey agents unprotect      put them back
  latchkey agents deny           keep Claude Code out of .env files and latchkey's data

Reads the configs of Claude Code, Claude Desktop, Codex, Cursor, VS Code, Windsurf,
Continue and Gemini CLI; a secret is a value under env or headers that is not a
reference (${VAR}, ${input:..}) and is named like a key or has a provider's key shape,
or an argument with a provider's key shape. Values are never printed.")]
    Agents(crate::commands::agents::AgentsArgs),
    /// Git hooks: `latchkey hook install` refuses commits that hold a stored key.
    #[command(
        subcommand,
        after_help = "Example:\n  latchkey hook install      in a repository: each commit runs `latchkey scan --staged` first"
    )]
    Hook(crate::commands::scan::HookCommand),
    /// Say what this machine offers and what latchkey uses: keychain, identity, the
    /// broker's trust, and the sandbox's kernel features.
    #[command(after_help = "Example:\n  latchkey doctor")]
    Doctor,
    /// Print the completion script for bash, zsh, fish, elvish or PowerShell.
    #[command(after_help = "Examples:
  latchkey completions bash > ~/.local/share/bash-completion/completions/latchkey
  latchkey completions zsh > ~/.zfunc/_latchkey        with fpath+=(~/.zfunc) before compinit
  latchkey completions fish > ~/.config/fish/completions/latchkey.fish

The .deb package installs them for every user.")]
    Completions(crate::commands::completions::CompletionsArgs),
    /// Write the manual pages, one per verb, into a directory (packages install them).
    #[command(after_help = "Example:\n  latchkey man --out target/man && man -l target/man/latchkey-run.1")]
    Man(crate::commands::man::ManArgs),
}

/// Runs one verb; returns the exit status (`latchkey run` passes on its command's).
pub fn run(command: Command) -> anyhow::Result<u8> {
    if let Command::Run(args) = command {
        return commands::run::run(args);
    }
    if let Command::Scan(args) = command {
        return commands::scan::run(args);
    }
    run_verb(command).map(|()| 0)
}

fn run_verb(command: Command) -> anyhow::Result<()> {
    let result = dispatch(command);
    commands::print_unlocked_notices();
    result
}

fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run(_) => unreachable!("handled by run"),
        Command::Init(args) => init::run(args),
        Command::Set(args) => set::run(args),
        Command::Get(args) => get::run(args),
        Command::Edit(args) => edit::run(args),
        Command::List(args) => list::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Status(args) => rotate::status(args),
        Command::Rotate(args) => rotate::rotate(args),
        Command::Rollback(args) => rotate::rollback(args),
        Command::History(args) => rotate::history(args),
        Command::Calendar(args) => rotate::calendar(args),
        Command::Profile(command) => profile::run(command),
        Command::Project(command) => project::run(command),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Exports(args) => export::list(args),
        Command::Inject(args) => export::inject(args),
        Command::Rm(args) => rm::run(args),
        Command::Env(command) => env::run(command),
        Command::Identity(command) => identity::run(command),
        Command::Doctor => doctor::run(),
        Command::Completions(args) => completions::run(args, <Cli as clap::CommandFactory>::command()),
        Command::Man(args) => man::run(args, <Cli as clap::CommandFactory>::command()),
        Command::Hook(command) => scan::hook(command),
        Command::Agents(args) => agents::run(args),
        Command::Scan(_) => unreachable!("handled by run"),
    }
}
