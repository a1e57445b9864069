//! The command line, parsed once into typed values.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use latchkey_core::export::ExportFormat;
use latchkey_core::{EnvironmentName, ProfileName, VariableName};

/// The export formats, named as `ExportFormat` names them.
fn format_names() -> impl TypedValueParser<Value = ExportFormat> {
    PossibleValuesParser::new(ExportFormat::ALL.map(ExportFormat::as_str))
        .map(|name| name.parse::<ExportFormat>().expect("a listed format parses"))
}

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
  LATCHKEY_ENV       the environment used when --env is not given (default: default)"
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

Without flags, the identity goes into the OS keychain; when no keychain is reachable,
an interactive init protects it with a passphrase instead.")]
    Init(InitArgs),
    /// Store a value (a secret from stdin or a no-echo prompt; never from argv).
    #[command(after_help = "Examples:
  latchkey set OPENAI_API_KEY                           prompt with no echo
  printf %s \"$KEY\" | latchkey set OPENAI_API_KEY --env prod
  latchkey set GITHUB_TOKEN --store keychain < token.txt
  latchkey set OPENAI_BASE_URL --config --value https://api.openai.com/v1

One trailing newline on stdin is removed. The value's format is checked first: a
placeholder or a failed checksum is refused unless --force; other problems are warnings.")]
    Set(SetArgs),
    /// Print a value on stdout (with a newline only on a terminal).
    #[command(after_help = "Examples:
  latchkey get OPENAI_API_KEY
  curl -H \"Authorization: Bearer $(latchkey get OPENAI_API_KEY --env prod)\" ...")]
    Get(NameArgs),
    /// List the variables of an environment: names and metadata, never values.
    #[command(after_help = "Examples:
  latchkey list
  latchkey list --env prod --json")]
    List(ListArgs),
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
    Check(CheckArgs),
    /// Compare two environments by name: what only one has, and what differs. Never
    /// shows values.
    #[command(after_help = "Examples:
  latchkey diff staging prod
  latchkey diff default prod --json")]
    Diff(DiffArgs),
    /// Import variables from a .env file, or from the current environment.
    #[command(after_help = "Examples:
  latchkey import .env                            preview, confirm, then store (values never shown)
  latchkey import .env --env prod --yes           no confirmation (scripts)
  latchkey import .env --dry-run                  only the preview
  latchkey import --from-env OPENAI_API_KEY,GITHUB_TOKEN

Each entry is classified as a secret or config by its name and format (--all-secret
makes every entry a secret). Names the environment already has with other values are
refused unless --overwrite. After importing, delete the plaintext file.")]
    Import(ImportArgs),
    /// Export an environment as dotenv, JSON, YAML, TOML, shell, docker or GitHub env.
    #[command(after_help = "Examples:
  latchkey export --format dotenv                   to stdout
  latchkey export --env prod --format json --out config/prod.json
  eval \"$(latchkey export --format shell --only OPENAI_API_KEY)\"
  latchkey export --format github >> \"$GITHUB_ENV\"

--out writes atomically with mode 0600 and records the export (`latchkey exports`); it
refuses a path in a git work tree unless git ignores it (--allow-tracked overrides).")]
    Export(ExportArgs),
    /// List recorded file exports: current, stale (the vault changed), edited or missing.
    #[command(after_help = "Examples:\n  latchkey exports\n  latchkey exports --json")]
    Exports(ExportsArgs),
    /// Render a template, replacing latchkey://ENV/NAME references with values.
    #[command(after_help = "Examples:
  latchkey inject -i .env.latchkey -o .env          a committed template, a private output
  latchkey inject -i config.yaml.tpl                to stdout

A template line like OPENAI_API_KEY=latchkey://prod/OPENAI_API_KEY gets the value; other
text passes through. A reference that cannot be resolved is an error naming the line.")]
    Inject(InjectArgs),
    /// Run a command (an agent) with the environment's variables injected, its output
    /// masked, and sensitive variables of this shell withheld.
    #[command(after_help = "Examples:
  latchkey run -- python agent.py
  latchkey run --env prod --only OPENAI_API_KEY,OPENAI_BASE_URL -- node agent.js
  latchkey run --env-file .env.latchkey -- ./agent     latchkey://ENV/NAME references resolved in memory

Values never go on the command line. Every injected secret of 6 or more characters is
replaced by <latchkey:NAME> in the output (--no-mask turns that off); on a terminal the
command runs in a pseudo-terminal, so colours and prompts keep working. Variables of this
shell whose names look sensitive (*_KEY, *_TOKEN, *_SECRET, *PASSWORD*, *_CREDENTIALS, or
the comma-separated patterns in LATCHKEY_WITHHOLD) are withheld unless --inherit-secrets.
latchkey exits with the command's status, or 128+N when a signal N ended it.")]
    Run(RunArgs),
    /// Agent profiles: which environment and exactly which variables an agent gets.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Show when each secret is due for rotation; exits 1 when any is overdue or expired.
    #[command(after_help = "Examples:
  latchkey status
  latchkey status --env prod --json
  latchkey status --preset strict      API keys weekly, database passwords monthly, webhooks quarterly

Due soon means within 14 days or 20% of the interval, whichever is shorter. Set a
secret's own interval with `latchkey set NAME --rotate-every 30d`, a provider's hard
expiry with `--expires 2027-01-31`.")]
    Status(StatusArgs),
    /// Rotate a secret: the provider's key page, the new value, checks, history.
    #[command(after_help = "Examples:
  latchkey rotate OPENAI_API_KEY                  prompts for the new key, no echo
  printf %s \"$NEW\" | latchkey rotate GITHUB_TOKEN --env prod --online

The previous value is kept (the last 5, encrypted in the vault): `latchkey rollback NAME`
restores it, `latchkey history NAME` lists when each was replaced.")]
    Rotate(RotateArgs),
    /// Restore a previous value of a secret (the one before the current, or --to N).
    #[command(after_help = "Examples:
  latchkey rollback OPENAI_API_KEY --env prod     the value before the current one
  latchkey history OPENAI_API_KEY                 -1 newest ... -5 oldest
  latchkey rollback OPENAI_API_KEY --to 3         the value listed as -3

The current value joins the history, so a rollback can itself be undone.")]
    Rollback(RollbackArgs),
    /// List when each previous value of a secret was replaced (never the values).
    #[command(after_help = "Example:\n  latchkey history OPENAI_API_KEY")]
    History(NameArgs),
    /// Write the rotation due dates as an iCalendar file, with a reminder before each.
    #[command(
        after_help = "Example:\n  latchkey calendar --out ~/latchkey-rotation.ics   then import it into any calendar"
    )]
    Calendar(CalendarArgs),
    /// Show the audit log: every grant and every access that yielded a value.
    #[command(after_help = "Examples:
  latchkey audit                                   every entry, oldest first
  latchkey audit --since 2026-11-01 --json
  latchkey audit verify                            check the hash chain; names the first bad entry

Entries hold names, never values: time, kind (grant, get, export, inject, reveal,
copy), the program and a hash of its arguments, working directory, pid, environment,
exit code and duration.")]
    Audit(AuditArgs),
    /// Remove a variable (and its keychain entry).
    #[command(after_help = "Examples:
  latchkey rm OLD_API_KEY
  latchkey rm OLD_API_KEY --env staging")]
    Rm(NameArgs),
    /// List, add or remove environments.
    #[command(subcommand)]
    Env(EnvCommand),
    /// Export the vault's identity, to open the vault with the plain `age` tool.
    #[command(subcommand)]
    Identity(IdentityCommand),
}

/// `latchkey init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Keep the identity in this file instead of the OS keychain (must not exist yet).
    #[arg(long, value_name = "PATH")]
    pub identity_file: Option<PathBuf>,
    /// Protect the identity file with a passphrase read from stdin.
    #[arg(long)]
    pub passphrase_stdin: bool,
}

/// Where a value is kept, on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StoreArg {
    /// In the age-encrypted vault file.
    Vault,
    /// In the OS keychain; the vault keeps only a reference.
    Keychain,
}

/// The environment option shared by every verb that works in one.
#[derive(Debug, Args)]
pub struct EnvArg {
    /// The environment [default: default, or LATCHKEY_ENV].
    #[arg(long = "env", short = 'e', value_name = "ENV", env = "LATCHKEY_ENV", value_parser = environment_name())]
    given: Option<EnvironmentName>,
}

impl EnvArg {
    /// The environment to use.
    pub fn name(&self) -> EnvironmentName {
        self.given.clone().unwrap_or_else(EnvironmentName::default_name)
    }

    /// The environment, when `--env` or `LATCHKEY_ENV` named one.
    pub fn given(&self) -> Option<EnvironmentName> {
        self.given.clone()
    }
}

/// Parses a name, and on failure says why without repeating the text: it may be a key
/// pasted where a name goes, or very long. An empty environment name (`LATCHKEY_ENV=`)
/// means `default`.
#[derive(Clone)]
pub struct NameParser<T>(fn(&str) -> Result<T, latchkey_core::NameError>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for NameParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let parsed = match value.to_str() {
            Some(text) => (self.0)(text),
            None => {
                Err(latchkey_core::NameError::Invalid { what: "name", rule: "use letters, digits and `_`" })
            }
        };
        parsed.map_err(|e| {
            let arg = arg.map_or_else(|| "a name".to_owned(), |a| a.to_string());
            let mut err = clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for {arg}: {e}\n"),
            );
            err = err.format(&mut cmd.clone());
            err
        })
    }
}

/// A variable name.
pub fn variable_name() -> NameParser<VariableName> {
    NameParser(VariableName::new)
}

/// A profile name.
pub fn profile_name() -> NameParser<ProfileName> {
    NameParser(ProfileName::new)
}

/// An environment name; empty means `default`.
pub fn environment_name() -> NameParser<EnvironmentName> {
    NameParser(
        |text| if text.is_empty() { Ok(EnvironmentName::default_name()) } else { EnvironmentName::new(text) },
    )
}

/// `latchkey set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The variable's name, like OPENAI_API_KEY.
    #[arg(value_parser = variable_name())]
    pub name: VariableName,
    #[command(flatten)]
    pub env: EnvArg,
    /// Where to keep the value.
    #[arg(long, value_enum, default_value = "vault")]
    pub store: StoreArg,
    /// Store non-secret config (a base URL, a model name) rather than a secret.
    #[arg(long)]
    pub config: bool,
    /// The value, for config only; secrets are read from stdin or a prompt.
    #[arg(long, requires = "config", value_name = "VALUE")]
    pub value: Option<String>,
    /// The provider this key belongs to, like openai.
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Notes about the variable: where it came from, who owns it.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// Store the value even if it looks like a placeholder or fails its checksum.
    #[arg(long)]
    pub force: bool,
    /// Remove surrounding whitespace and quotes from the value before storing it.
    #[arg(long)]
    pub trim: bool,
    /// Rotate every so often: 30d, 12w, 6m (months), 1y, or `never`; replaces the preset.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub rotate_every: Option<u32>,
    /// A hard expiry date set by the provider (YYYY-MM-DD), like a fine-grained PAT's.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub expires: Option<time::Date>,
}

/// `30d`, `12w`, `6m`, `1y` or `never`, as days (0 for never).
fn parse_interval(text: &str) -> Result<u32, String> {
    if text == "never" {
        return Ok(0);
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: u32 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an interval: write 30d, 12w, 6m, 1y or never"))?;
    let days = match unit {
        "d" => n,
        "w" => n * 7,
        "m" => n * 30,
        "y" => n * 365,
        _ => return Err(format!("`{text}` is not an interval: write 30d, 12w, 6m, 1y or never")),
    };
    if days == 0 {
        return Err("an interval of zero days: write `never` to turn rotation off".into());
    }
    Ok(days)
}

/// A date as YYYY-MM-DD.
fn parse_date(text: &str) -> Result<time::Date, String> {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD"))
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
}

/// `latchkey calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The preset intervals: standard or strict.
    #[arg(long, default_value = "standard", value_parser = ["standard", "strict"])]
    pub preset: String,
    /// The .ics file to write.
    #[arg(long, value_name = "FILE.ics")]
    pub out: PathBuf,
    /// Days before the due date that the reminder fires.
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub remind: u32,
}

/// `latchkey import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .env file to read.
    #[arg(required_unless_present = "from_env", conflicts_with = "from_env")]
    pub file: Option<PathBuf>,
    /// Take these variables from the current environment instead (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub from_env: Option<Vec<VariableName>>,
    #[command(flatten)]
    pub env: EnvArg,
    /// Store every entry as a secret.
    #[arg(long)]
    pub all_secret: bool,
    /// Replace variables the environment has with other values.
    #[arg(long)]
    pub overwrite: bool,
    /// Import without asking for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the preview only.
    #[arg(long)]
    pub dry_run: bool,
}

/// `latchkey export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The format: dotenv, json, yaml, toml, shell, docker or github.
    #[arg(long, default_value = "dotenv", value_parser = format_names())]
    pub format: ExportFormat,
    /// Only these variables (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Option<Vec<VariableName>>,
    /// Write to this file (0600, atomic, recorded) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write even inside a git work tree that does not ignore the file.
    #[arg(long, requires = "out")]
    pub allow_tracked: bool,
}

/// `latchkey exports`.
#[derive(Debug, Args)]
pub struct ExportsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey inject`.
#[derive(Debug, Args)]
pub struct InjectArgs {
    /// The template.
    #[arg(long = "in", short = 'i', value_name = "TEMPLATE")]
    pub input: PathBuf,
    /// Write here (0600, atomic) instead of stdout.
    #[arg(long = "out", short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write even inside a git work tree that does not ignore the file.
    #[arg(long, requires = "output")]
    pub allow_tracked: bool,
}

/// `latchkey run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Run as this agent profile: its environment, exactly its variables, its command
    /// and directory (a command after `--` replaces the profile's).
    #[arg(value_parser = profile_name(), long, value_name = "PROFILE", conflicts_with = "only")]
    pub profile: Option<ProfileName>,
    /// Inject only these variables (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Option<Vec<VariableName>>,
    /// Also inject the variables of this template, its references resolved in memory.
    #[arg(long, value_name = "TEMPLATE")]
    pub env_file: Option<PathBuf>,
    /// Do not mask secrets in the command's output.
    #[arg(long)]
    pub no_mask: bool,
    /// Let this variable of your shell through although it looks sensitive (repeatable).
    #[arg(long, value_name = "NAME")]
    pub inherit: Vec<String>,
    /// Keep every sensitive variable of this shell in the command's environment.
    #[arg(long)]
    pub inherit_secrets: bool,
    /// The command and its arguments.
    #[arg(required_unless_present = "profile", last = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// What a profile is made of, on the command line.
#[derive(Debug, Args)]
pub struct ProfileSpec {
    /// The environment its variables come from.
    #[arg(value_parser = environment_name(), long = "env", value_name = "ENV")]
    pub env: Option<EnvironmentName>,
    /// Exactly the variables it gets (comma-separated).
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub vars: Option<Vec<VariableName>>,
    /// The command it runs, quoted as in a shell: 'python agent.py --fast'.
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,
    /// The directory it runs in.
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
}

/// `latchkey profile ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey profile add coder --env prod --vars OPENAI_API_KEY --command 'python agent.py'
  latchkey profile list
  latchkey run --profile coder")]
pub enum ProfileCommand {
    /// Create a profile.
    #[command(after_help = "Examples:
  latchkey profile add coder --env prod --vars OPENAI_API_KEY,OPENAI_BASE_URL --command 'python agent.py'
  latchkey run --profile coder")]
    Add {
        /// Its name: lowercase letters, digits, `-` and `_`.
        #[arg(value_parser = profile_name())]
        name: ProfileName,
        #[command(flatten)]
        spec: ProfileSpec,
    },
    /// List profiles.
    #[command(after_help = "Example:\n  latchkey profile list")]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile.
    #[command(after_help = "Example:\n  latchkey profile show coder")]
    Show {
        /// Its name.
        #[arg(value_parser = profile_name())]
        name: ProfileName,
    },
    /// Change a profile: only the options given change.
    #[command(after_help = "Example:\n  latchkey profile edit coder --vars OPENAI_API_KEY")]
    Edit {
        /// Its name.
        #[arg(value_parser = profile_name())]
        name: ProfileName,
        #[command(flatten)]
        spec: ProfileSpec,
    },
    /// Remove a profile.
    #[command(after_help = "Example:\n  latchkey profile rm coder")]
    Rm {
        /// Its name.
        #[arg(value_parser = profile_name())]
        name: ProfileName,
    },
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

/// `latchkey diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first environment.
    #[arg(value_parser = environment_name())]
    pub first: EnvironmentName,
    /// The second environment.
    #[arg(value_parser = environment_name())]
    pub second: EnvironmentName,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One variable to check; all of the environment when omitted.
    #[arg(value_parser = variable_name(), conflicts_with = "stdin")]
    pub name: Option<VariableName>,
    #[command(flatten)]
    pub env: EnvArg,
    /// Also ask each key's provider whether it works (network).
    #[arg(long)]
    pub online: bool,
    /// Print JSON: an array of objects, or one object with --stdin.
    #[arg(long)]
    pub json: bool,
    /// Check a value read from stdin instead of stored ones; nothing is stored.
    #[arg(long)]
    pub stdin: bool,
    /// The variable name the value from stdin is meant for (its provider context).
    #[arg(value_parser = variable_name(), long = "as", requires = "stdin", value_name = "VARIABLE_NAME")]
    pub as_name: Option<VariableName>,
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

/// A variable in an environment.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The variable's name.
    #[arg(value_parser = variable_name())]
    pub name: VariableName,
    #[command(flatten)]
    pub env: EnvArg,
}

/// `latchkey list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `latchkey env ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey env list
  latchkey env add prod --extends default
  latchkey env rename stg staging")]
pub enum EnvCommand {
    /// List environments and how many variables each has.
    #[command(after_help = "Example:\n  latchkey env list")]
    List,
    /// Add an empty environment, optionally extending another.
    #[command(after_help = "Examples:
  latchkey env add staging
  latchkey env add prod --extends default      prod sees default's variables unless it overrides them")]
    Add {
        /// Its name: lowercase letters, digits, `-` and `_`.
        #[arg(value_parser = environment_name())]
        name: EnvironmentName,
        /// The environment it extends: its variables show through unless overridden.
        #[arg(value_parser = environment_name(), long, value_name = "BASE")]
        extends: Option<EnvironmentName>,
    },
    /// Rename an environment (environments that extend it follow).
    #[command(after_help = "Example:\n  latchkey env rename stg staging")]
    Rename {
        /// Its current name.
        #[arg(value_parser = environment_name())]
        old: EnvironmentName,
        /// Its new name.
        #[arg(value_parser = environment_name())]
        new: EnvironmentName,
    },
    /// Remove an environment.
    #[command(
        after_help = "Examples:\n  latchkey env rm staging\n  latchkey env rm old --force    also remove its variables"
    )]
    Rm {
        /// Its name.
        #[arg(value_parser = environment_name())]
        name: EnvironmentName,
        /// Remove it even though it still has variables.
        #[arg(long)]
        force: bool,
    },
}

/// `latchkey identity ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  latchkey identity show
  latchkey identity export --out identity.txt     then: age -d -i identity.txt vault.age")]
pub enum IdentityCommand {
    /// Write the identity as a plain age identity file.
    #[command(after_help = "Example:
  latchkey identity export --out identity.txt
  age -d -i identity.txt ~/.local/share/latchkey/vault.age     # prints the vault as TOML

Keep the file safe: anyone with it can read the vault. Like exports, it is refused inside
a git work tree unless git ignores the path, and it is recorded in the audit log.")]
    Export {
        /// Write to this file (created 0600; must not exist) instead of stdout.
        #[arg(long, short = 'o', value_name = "PATH")]
        out: Option<PathBuf>,
        /// Write even inside a git work tree that does not ignore the file.
        #[arg(long, requires = "out")]
        allow_tracked: bool,
    },
    /// Show where the vault and its identity are, and the vault's public key.
    #[command(after_help = "Example:\n  latchkey identity show")]
    Show,
}
