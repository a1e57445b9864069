//! Preparing a launch: from what a front end asks (an environment or a profile, some
//! names, a template, a command) to everything the command is given and everything its
//! grant records, from one reading of the vault.
//!
//! Nothing is started here and nothing is recorded: [`PreparedLaunch::start`] does both.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::mask::Masker;
use super::withhold::{Withholding, inherited};
use crate::audit::{AuditLog, Event};
use crate::broker::{Listener, Plan};
use crate::name::{EnvironmentName, ProfileName, VariableName};
use crate::reference::EnvFileError;
use crate::validate::Catalog;
use crate::variable::{Kind, Value};
use crate::vault::{GetError, ProfileError, SaveError, ValueReader, Vault};

/// Where a launch takes its variables from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Every variable an environment sees (or only some of them).
    Environment(EnvironmentName),
    /// A profile: its environment, exactly its variables, its command and directory.
    Profile(ProfileName),
}

/// What a front end asks to launch.
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    /// Where the variables come from.
    pub source: Source,
    /// With a profile: draw its variables from this environment instead of its own (the
    /// grant names the one used).
    pub env_override: Option<EnvironmentName>,
    /// Only these variables (not with a profile, which names its own).
    pub only: Option<Vec<VariableName>>,
    /// A `.env` template whose variables are added, references resolved in memory.
    pub template: Option<PathBuf>,
    /// The command and its arguments; empty to run the profile's.
    pub command: Vec<OsString>,
    /// The directory to run in; else the profile's, else the current one.
    pub cwd: Option<PathBuf>,
    /// Whether secrets are masked in the output.
    pub mask: bool,
    /// Which of latchkey's own variables the command does not inherit.
    pub withholding: Withholding,
    /// Whether the run is brokered, and how: the command gets placeholders, and the
    /// broker puts the keys into its requests (see [`crate::broker`]). With a profile,
    /// `None` means the profile's own setting.
    pub broker: Option<BrokerChoice>,
    /// Whether the command is sandboxed (which brokers it too), and how; with a profile,
    /// `None` means the profile's own setting.
    pub sandbox: Option<SandboxChoice>,
}

/// Whether a launch is sandboxed, as a front end asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxChoice {
    /// Sandboxed, with these settings.
    On(crate::sandbox::Settings),
    /// Not sandboxed, even if the profile is.
    Off,
}

/// Whether a launch is brokered, as a front end asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerChoice {
    /// Brokered, with these settings.
    On(crate::broker::Settings),
    /// Not brokered, even if the profile is.
    Off,
}

impl LaunchSpec {
    /// A launch of `command` with the variables of `env`, masked, with the default
    /// withholding rules adjusted by `LATCHKEY_WITHHOLD`.
    pub fn new(source: Source, command: Vec<OsString>) -> Self {
        Self {
            source,
            env_override: None,
            only: None,
            template: None,
            command,
            cwd: None,
            mask: true,
            withholding: Withholding::from_env(),
            broker: None,
            sandbox: None,
        }
    }
}

/// Why a command could not be launched. Nothing was started, and nothing recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The profile does not exist.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The variables could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// The template could not be read.
    #[error("cannot read the template {path}: {source}")]
    TemplateRead {
        /// The template.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The template is not a `.env` file, or a reference in it cannot be resolved.
    #[error(transparent)]
    Template(Box<EnvFileError>),
    /// The profile has no command and none was given.
    #[error(
        "profile `{0}` has no command: give one after `--`, or add one with `latchkey profile edit {0} --command`"
    )]
    NoCommand(ProfileName),
    /// No command was given.
    #[error("no command to run: give one after `--`")]
    NoCommandGiven,
    /// The program is not on the command's PATH.
    #[error("cannot find `{0}`: check its name, or that it is on PATH")]
    NotFound(String),
    /// The working directory does not exist.
    #[error("the working directory {0} does not exist: create it, or change the profile's --cwd")]
    NoDirectory(PathBuf),
    /// The operating system could not start it.
    #[error("cannot start the command: {0}")]
    Spawn(std::io::Error),
    /// The broker could not start.
    #[error(transparent)]
    Broker(#[from] crate::broker::BrokerError),
    /// The sandbox cannot be set up.
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
}

/// A launch ready to start: what the command is given, what is masked, and its grant.
pub struct PreparedLaunch {
    env: EnvironmentName,
    profile: Option<ProfileName>,
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    injected: Vec<(String, SecretString)>,
    inherited: Vec<(OsString, OsString)>,
    withheld: Vec<String>,
    masker: Option<Masker>,
    notices: Vec<String>,
    audit: Result<AuditLog, SaveError>,
    broker: Option<Plan>,
    sandbox: Option<crate::sandbox::Plan>,
    listener: Option<Listener>,
}

impl std::fmt::Debug for PreparedLaunch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedLaunch")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("program", &self.program)
            .field("names", &self.names())
            .field("withheld", &self.withheld)
            .finish_non_exhaustive()
    }
}

/// What [`PreparedLaunch::start`] takes apart.
pub(super) struct Parts {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    pub injected: Vec<(String, SecretString)>,
    pub inherited: Vec<(OsString, OsString)>,
    pub masker: Option<Masker>,
    pub audit: Result<AuditLog, SaveError>,
    pub grant: Event,
    pub broker: Option<Plan>,
    pub sandbox: Option<crate::sandbox::Plan>,
    pub listener: Option<Listener>,
}

impl PreparedLaunch {
    /// The environment the variables come from.
    pub fn env(&self) -> &EnvironmentName {
        &self.env
    }

    /// The profile, when launched through one.
    pub fn profile(&self) -> Option<&ProfileName> {
        self.profile.as_ref()
    }

    /// The names of the injected variables.
    pub fn names(&self) -> Vec<String> {
        self.injected.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Variables of latchkey's environment the command does not inherit.
    pub fn withheld(&self) -> &[String] {
        &self.withheld
    }

    /// Lines the front end should show before the start: rules changed on request,
    /// values too short to mask, an environment used instead of the profile's.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// For a brokered run, the names of the secrets the broker carries (the command
    /// gets placeholders for them); `None` when the run is not brokered.
    pub fn brokered(&self) -> Option<Vec<String>> {
        self.broker.as_ref().map(Plan::carried)
    }

    /// Whether the run is sandboxed.
    pub fn sandboxed(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Tells `listener` of each request through the broker as it ends.
    pub fn listen(&mut self, listener: Listener) {
        self.listener = Some(listener);
    }

    /// The program and its arguments, quoted as in a shell, for display.
    pub fn command_line(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|a| {
                let a = a.to_string_lossy();
                if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
                    a.into_owned()
                } else {
                    format!("'{}'", a.replace('\'', "'\\''"))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn into_parts(self) -> Parts {
        let cwd = self.cwd.clone().or_else(|| std::env::current_dir().ok());
        let args_hmac = self.audit.as_ref().ok().map(|log| log.args_digest(&self.args));
        let grant = Event {
            profile: self.profile.as_ref().map(ToString::to_string),
            program: Some(Path::new(&self.program).display().to_string()),
            args_hmac,
            cwd: cwd.map(|d| d.display().to_string()),
            env: self.env.to_string(),
            names: self.names(),
            sandbox: self.sandbox.as_ref().map(crate::sandbox::Plan::summary),
            ..Event::default()
        };
        Parts {
            program: self.program,
            args: self.args,
            cwd: self.cwd,
            injected: self.injected,
            inherited: self.inherited,
            masker: self.masker,
            audit: self.audit,
            grant,
            broker: self.broker,
            sandbox: self.sandbox,
            listener: self.listener,
        }
    }
}

impl Vault {
    /// Prepares a launch: reads the variables `spec` asks for, decides what the command
    /// inherits from latchkey's own environment, and builds the masker from every secret
    /// the environment sees (not only the injected ones: a command can read others from
    /// elsewhere), the secrets of the other environments stored in the vault, and those
    /// a template references. `catalog` gives the provider catalog, which recognises keys
    /// by value for withholding; it is asked only when a value could be one.
    pub fn prepare_launch<'c>(
        &self,
        spec: LaunchSpec,
        catalog: &dyn Fn() -> Option<&'c Catalog>,
    ) -> Result<PreparedLaunch, LaunchError> {
        let doc = self.read().map_err(GetError::from)?;
        let mut notices = spec.withholding.notices();
        let (env, profile, only, mut argv, profile_cwd, profile_broker, profile_sandbox) = match &spec.source
        {
            Source::Environment(env) => {
                (env.clone(), None, spec.only.clone(), spec.command.clone(), None, None, None)
            }
            Source::Profile(name) => {
                let p =
                    doc.profiles().get(name).cloned().ok_or_else(|| ProfileError::Unknown(name.clone()))?;
                let argv = if spec.command.is_empty() {
                    p.command
                        .clone()
                        .ok_or_else(|| LaunchError::NoCommand(name.clone()))?
                        .into_iter()
                        .map(OsString::from)
                        .collect()
                } else {
                    spec.command.clone()
                };
                let env = match &spec.env_override {
                    Some(env) if *env != p.env => {
                        notices.push(format!("using `{env}` instead of the profile's `{}` (--env)", p.env));
                        env.clone()
                    }
                    _ => p.env.clone(),
                };
                let (broker, sandbox) = (p.broker.clone(), p.sandbox.clone());
                (env, Some(name.clone()), Some(p.vars.clone()), argv, p.cwd.clone(), broker, sandbox)
            }
        };
        let broker_settings = match (spec.broker.clone(), profile_broker) {
            // Options given at launch add to the profile's settings.
            (Some(BrokerChoice::On(mut settings)), Some(own)) => {
                settings.allow_hosts.extend(own.allow_hosts);
                settings.allow_hosts.dedup();
                if own.egress == crate::broker::Egress::Open {
                    settings.egress = crate::broker::Egress::Open;
                }
                settings.only |= own.only;
                Some(settings)
            }
            (Some(BrokerChoice::On(settings)), None) => Some(settings),
            (Some(BrokerChoice::Off), _) => None,
            (None, own) => own,
        };
        let sandbox_settings = match spec.sandbox.clone() {
            Some(SandboxChoice::On(settings)) => Some(settings),
            Some(SandboxChoice::Off) => None,
            None => profile_sandbox,
        };
        // A sandboxed run is brokered: the sandbox's only way out is the broker.
        let broker_settings = match (broker_settings, &sandbox_settings) {
            (None, Some(_)) => Some(crate::broker::Settings::default()),
            (settings, _) => settings,
        };
        let resolved = doc.resolve(&env).map_err(GetError::from)?;
        if let Some(only) = &only
            && let Some(missing) = only.iter().find(|n| !resolved.iter().any(|r| &r.variable.name == *n))
        {
            return Err(GetError::NotFound { name: missing.clone(), env: env.clone() }.into());
        }
        let mut reader = ValueReader::default();
        let mut injected: Vec<(String, SecretString)> = Vec::new();
        let mut masked: Vec<(String, SecretString)> = Vec::new();
        let mut others: Vec<(String, SecretString)> = Vec::new();
        let mut injected_secrets = Vec::new();
        let mut config: Vec<(String, SecretString)> = Vec::new();
        for r in &resolved {
            let variable = r.variable;
            if broker_settings.is_some()
                && variable.kind == Kind::Config
                && let Ok(value) = reader.read(&variable.value)
            {
                config.push((variable.name.to_string(), value));
            }
            let wanted = only.as_ref().is_none_or(|o| o.contains(&variable.name));
            let secret = variable.kind == Kind::Secret;
            if !wanted && !secret {
                continue;
            }
            let value = match reader.read(&variable.value) {
                Ok(value) => value,
                Err(e) if wanted => return Err(GetError::from(e).into()),
                // A secret the command is not given, and the keychain will not show: it
                // cannot be masked, but it is not in the command's environment either.
                Err(_) => continue,
            };
            if secret {
                // Names the command knows come first: where two names hold one value,
                // the first is shown.
                let list = if wanted { &mut masked } else { &mut others };
                list.push((variable.name.to_string(), value.clone()));
                others.extend(
                    variable.meta.history.0.iter().map(|p| (variable.name.to_string(), p.value.clone())),
                );
            }
            if wanted {
                if secret {
                    injected_secrets.push(variable.name.to_string());
                }
                injected.push((variable.name.to_string(), value));
            }
        }
        // Secrets of the other environments, where reading them costs nothing.
        for (_, other) in doc.environments().filter(|(n, _)| **n != env) {
            for variable in other.variables().filter(|v| v.kind == Kind::Secret) {
                if let Value::InVault(value) = &variable.value {
                    others.push((variable.name.to_string(), value.clone()));
                }
            }
        }
        // Template entries that reference secrets, with the secrets they reference.
        let mut template_refs: Vec<(String, Vec<(String, SecretString)>)> = Vec::new();
        if let Some(path) = &spec.template {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|source| LaunchError::TemplateRead { path: path.clone(), source })?,
            );
            let entries = self
                .resolve_env_file(&text, &path.display().to_string())
                .map_err(|e| LaunchError::Template(Box::new(e)))?;
            for entry in entries {
                let name = entry.name.to_string();
                if !entry.secrets.is_empty() {
                    masked.insert(0, (name.clone(), entry.value.clone()));
                    injected_secrets.push(name.clone());
                    template_refs.push((
                        name.clone(),
                        entry.secrets.iter().map(|(n, v)| (n.to_string(), v.clone())).collect(),
                    ));
                }
                others.extend(entry.secrets.into_iter().map(|(n, v)| (n.to_string(), v)));
                injected.retain(|(n, _)| *n != name);
                injected.push((name, entry.value));
            }
        }
        if argv.is_empty() {
            return Err(LaunchError::NoCommandGiven);
        }
        let program = argv.remove(0);
        let replaced: Vec<&str> = injected.iter().map(|(n, _)| n.as_str()).collect();
        let (inherited, withheld) = inherited(std::env::vars_os(), &spec.withholding, &replaced, catalog);
        let path =
            inherited.iter().rev().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).or_else(|| {
                injected.iter().find(|(n, _)| n == "PATH").map(|(_, v)| v.expose_secret().into())
            });
        let cwd = spec.cwd.clone().or(profile_cwd);
        if let Some(dir) = &cwd
            && !dir.is_dir()
        {
            return Err(LaunchError::NoDirectory(dir.clone()));
        }
        let found = match &cwd {
            // A relative program path is relative to the directory it runs in.
            Some(dir)
                if Path::new(&program).components().count() > 1 && Path::new(&program).is_relative() =>
            {
                super::program::find_program(dir.join(&program).as_os_str(), path.as_deref())
            }
            _ => super::program::find_program(&program, path.as_deref()),
        };
        if found.is_none() {
            return Err(LaunchError::NotFound(Path::new(&program).display().to_string()));
        }
        masked.append(&mut others);
        let broker = broker_settings.map(|settings| {
            let built_in;
            let catalog = match catalog() {
                Some(c) => c,
                None => {
                    built_in = Catalog::built_in();
                    &built_in
                }
            };
            // The secrets injected as they are, and those template entries reference.
            let mut secrets: Vec<(String, SecretString)> = injected
                .iter()
                .filter(|(n, _)| injected_secrets.contains(n) && !template_refs.iter().any(|(t, _)| t == n))
                .cloned()
                .collect();
            for (n, v) in template_refs.iter().flat_map(|(_, refs)| refs) {
                if !secrets.iter().any(|(s, _)| s == n) {
                    secrets.push((n.clone(), v.clone()));
                }
            }
            let avoid: Vec<&str> = masked.iter().map(|(_, v)| v.expose_secret()).collect();
            let lookup = |name: &str| {
                config.iter().find(|(n, _)| n == name).map(|(_, v)| v.expose_secret().to_owned())
            };
            let only = settings.only;
            let mut plan = crate::broker::plan(settings, catalog, &secrets, &lookup, &avoid);
            // A template entry holds the placeholders of the secrets it references
            // (`Bearer ${KEY}` becomes `Bearer <placeholder>`), and is carried only when
            // every one of them is.
            for (name, refs) in &template_refs {
                let Some((_, value)) = injected.iter_mut().find(|(n, _)| n == name) else { continue };
                let mut text = zeroize::Zeroizing::new(value.expose_secret().to_owned());
                for (r, real) in refs {
                    if let Some(placeholder) = plan.placeholder_of(r) {
                        text = zeroize::Zeroizing::new(text.replace(real.expose_secret(), placeholder));
                    }
                }
                *value = SecretString::from(text.to_string());
                plan.uncarried.retain(|(n, _)| n != name);
                let blocked: Vec<&str> = refs
                    .iter()
                    .filter(|(r, _)| plan.placeholder_of(r).is_none())
                    .map(|(r, _)| r.as_str())
                    .collect();
                if !blocked.is_empty() {
                    let why = format!("it holds {}, which the broker cannot carry", blocked.join(", "));
                    plan.uncarried.push((name.clone(), why));
                }
            }
            // Only what the command is given is named.
            plan.uncarried.retain(|(n, _)| injected.iter().any(|(i, _)| i == n));
            notices.extend(plan.notices.iter().cloned());
            if !plan.carried.is_empty() {
                notices
                    .push(format!("brokered, the command holds placeholders: {}", plan.carried().join(", ")));
            }
            if !plan.uncarried.is_empty() {
                let list = plan
                    .uncarried
                    .iter()
                    .map(|(n, why)| format!("{n} ({why})"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if only {
                    injected.retain(|(n, _)| !plan.uncarried.iter().any(|(u, _)| u == n));
                    notices.push(format!("withheld, the broker cannot carry them (--broker-only): {list}"));
                } else {
                    notices.push(format!("passed as they are, the broker cannot carry them: {list}"));
                }
            }
            plan
        });
        let sandbox = match sandbox_settings {
            Some(settings) => {
                if crate::sandbox::bubblewrap().is_none() {
                    return Err(crate::sandbox::SandboxError::NoBubblewrap.into());
                }
                crate::sandbox::user_namespaces().map_err(crate::sandbox::SandboxError::NoUserNamespaces)?;
                let here = match &cwd {
                    Some(dir) => dir.clone(),
                    None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
                };
                let config_dir = crate::validate::config_dir();
                let mut own = vec![self.home().dir().to_owned(), self.home().default_identity_path()];
                own.extend(config_dir.clone());
                if let crate::IdentityLocation::File { path } = &self.settings().identity {
                    own.push(path.clone());
                }
                let plan = crate::sandbox::Plan::new(settings, &here, &own, config_dir.as_deref())?;
                notices.extend(plan.notices.iter().cloned());
                Some(plan)
            }
            None => None,
        };
        let masker = spec.mask.then(|| Masker::new(masked.iter().map(|(n, v)| (n.as_str(), v))));
        if let Some(m) = &masker {
            let short: Vec<&String> = m.too_short().iter().filter(|n| injected_secrets.contains(n)).collect();
            if !short.is_empty() {
                notices.push(format!(
                    "not masked in the output, shorter than {} characters: {}",
                    super::MIN_MASKED_LEN,
                    short.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        if super::program::launcher_path().is_none() {
            notices.push(format!(
                "{} is missing (beside latchkey, or on PATH): the command may outlive latchkey; reinstall latchkey",
                super::program::LAUNCHER
            ));
        }
        Ok(PreparedLaunch {
            env,
            profile,
            program,
            args: argv,
            cwd,
            injected,
            inherited,
            withheld,
            masker,
            notices,
            audit: self.audit_log(),
            broker,
            sandbox,
            listener: None,
        })
    }
}
