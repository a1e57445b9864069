//! Values the verbs share on the command line, each parsed once into a typed value: an
//! environment, a variable, names that never echo what was refused, intervals and dates.

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use latchkey_core::export::ExportFormat;
use latchkey_core::{EnvironmentName, ProfileName, VariableName};

/// The export formats, named as `ExportFormat` names them.
pub fn format_names() -> impl TypedValueParser<Value = ExportFormat> {
    PossibleValuesParser::new(ExportFormat::ALL.map(ExportFormat::as_str))
        .map(|name| name.parse::<ExportFormat>().expect("a listed format parses"))
}

/// The environment option shared by every verb that works in one.
#[derive(Debug, Args)]
pub struct EnvArg {
    /// The environment [default: LATCHKEY_ENV, else default; for run, export, check and
    /// list in a project, its default_env].
    #[arg(long = "env", short = 'e', value_name = "ENV", env = "LATCHKEY_ENV", value_parser = environment_name())]
    given: Option<EnvironmentName>,
}

impl EnvArg {
    /// The environment to use: the one named, else `default`. The verbs that change
    /// or print one value (`set`, `rm`, `get`, ...) do not follow a project: a
    /// repository's file cannot point them at another environment.
    pub fn name(&self) -> EnvironmentName {
        self.given.clone().unwrap_or_else(EnvironmentName::default_name)
    }

    /// For the verbs a project shapes (`run`, `export`, `check`, `list`, `project
    /// show`): the one named, else the project's default (said on stderr), else
    /// `default`. `--env all` is for `check` and `project show` only.
    pub fn name_in_project(&self) -> anyhow::Result<EnvironmentName> {
        if let Some(given) = &self.given {
            if self.all() {
                anyhow::bail!(
                    "`--env all` is for `latchkey check` and `latchkey project show`: name one environment"
                );
            }
            return Ok(given.clone());
        }
        Ok(match crate::project::current()? {
            Some(project) => {
                crate::project::say_env(&project);
                project.default_env().clone()
            }
            None => EnvironmentName::default_name(),
        })
    }

    /// Whether `--env all` asked for every environment.
    pub fn all(&self) -> bool {
        self.given.as_ref().is_some_and(|e| e.as_str() == "all")
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

/// `30d`, `12w`, `6m`, `1y` or `never`, as days (0 for never).
pub fn parse_interval(text: &str) -> Result<u32, String> {
    if text == "never" {
        return Ok(0);
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: u32 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an interval: write 30d, 12w, 6m, 1y or never"))?;
    let days = match unit {
        "d" => Some(n),
        "w" => n.checked_mul(7),
        "m" => n.checked_mul(30),
        "y" => n.checked_mul(365),
        _ => return Err(format!("`{text}` is not an interval: write 30d, 12w, 6m, 1y or never")),
    };
    // A century at most: a longer one is `never`.
    let days = days.filter(|d| *d <= 36_500).ok_or_else(|| {
        format!("`{text}` is longer than a century: write at most 100y, or never to turn rotation off")
    })?;
    if days == 0 {
        return Err("an interval of zero days: write `never` to turn rotation off".into());
    }
    Ok(days)
}

/// A date as YYYY-MM-DD.
pub fn parse_date(text: &str) -> Result<time::Date, String> {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD"))
}

/// `--created YYYY-MM-DD`: the day a key was made, never after today (a usage error).
pub fn parse_made(text: &str) -> Result<latchkey_core::KeyMade, String> {
    latchkey_core::KeyMade::parse(text, time::OffsetDateTime::now_utc()).map_err(|e| e.to_string())
}

/// A hard expiry on the command line: a date, or `never` to clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(pub Option<time::Date>);

/// `YYYY-MM-DD`, or `never`.
pub fn parse_expiry(text: &str) -> Result<Expiry, String> {
    if text == "never" {
        return Ok(Expiry(None));
    }
    parse_date(text)
        .map(|d| Expiry(Some(d)))
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD, or never"))
}

/// The rotation change these options ask for: each one given replaces its part (the
/// vault merges it under its lock); `None` when neither is given.
pub fn policy_change(
    every_days: Option<u32>,
    expires: Option<Expiry>,
) -> Option<latchkey_core::rotation::PolicyChange> {
    (every_days.is_some() || expires.is_some()).then_some(latchkey_core::rotation::PolicyChange {
        // 0 is `never`, as the vault stores it.
        every_days: every_days.map(Some),
        expires: expires.map(|Expiry(date)| date),
    })
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

/// The broker's options, shared by `run` and `profile add|edit`.
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// Broker the run: the command holds placeholders, never keys, and a proxy on
    /// loopback puts each key into requests to its own provider only.
    #[arg(long)]
    pub broker: bool,
    /// Brokered, and secrets the broker cannot carry are withheld, not passed as they are.
    #[arg(long)]
    pub broker_only: bool,
    /// Brokered, and connections to hosts no brokered key belongs to are refused
    /// (`strict`, the default) or tunnelled without inspection (`open`).
    #[arg(long, value_name = "strict|open")]
    pub egress: Option<latchkey_core::broker::Egress>,
    /// Brokered, and this host is tunnelled without inspection under strict egress
    /// (repeatable; `*.example.com` for every host under a domain).
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Not brokered, although the profile is.
    #[arg(long, conflicts_with_all = ["broker", "broker_only", "egress", "allow_hosts"])]
    pub no_broker: bool,
}

impl BrokerArgs {
    /// The settings these options ask for: `Some` when any broker option is given.
    pub fn settings(&self) -> anyhow::Result<Option<latchkey_core::broker::Settings>> {
        use anyhow::Context as _;
        let asked = self.broker || self.broker_only || self.egress.is_some() || !self.allow_hosts.is_empty();
        if !asked {
            return Ok(None);
        }
        let settings = latchkey_core::broker::Settings {
            egress: self.egress.unwrap_or_default(),
            only: self.broker_only,
            ..Default::default()
        };
        Ok(Some(settings.with_hosts(&self.allow_hosts).context("cannot read --allow-host")?))
    }
}

/// The sandbox's options, shared by `run` and `profile add|edit`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Confine the command, brokered: it cannot read the vault, the identity or the
    /// credential stores in your home, reach the keychain, or connect anywhere but the
    /// broker. `--sandbox=best-effort` runs with what the kernel offers.
    #[arg(long, value_name = "strict|best-effort", num_args = 0..=1, default_missing_value = "strict", require_equals = true)]
    pub sandbox: Option<latchkey_core::sandbox::Mode>,
    /// Sandboxed, and the command may also write here (repeatable).
    #[arg(long, value_name = "PATH")]
    pub writable: Vec<std::path::PathBuf>,
    /// Sandboxed, and the command may read this path the sandbox hides by default
    /// (repeatable).
    #[arg(long, value_name = "PATH")]
    pub readable: Vec<std::path::PathBuf>,
    /// Not sandboxed, although the profile is.
    #[arg(long, conflicts_with_all = ["sandbox", "writable", "readable"])]
    pub no_sandbox: bool,
}

impl SandboxArgs {
    /// The settings these options ask for: `Some` when any sandbox option is given.
    pub fn settings(&self) -> Option<latchkey_core::sandbox::Settings> {
        let asked = self.sandbox.is_some() || !self.writable.is_empty() || !self.readable.is_empty();
        asked.then(|| latchkey_core::sandbox::Settings {
            mode: self.sandbox.unwrap_or_default(),
            writable: self.writable.iter().map(|p| latchkey_core::profile::absolute_dir(p)).collect(),
            readable: self.readable.iter().map(|p| latchkey_core::profile::absolute_dir(p)).collect(),
            within: None,
        })
    }
}
