//! Preparing a launch: from what a front end asks (an environment or a profile, some
//! names, a template, a command) to everything the command is given and everything its
//! grant records, from one reading of the vault.
//!
//! Nothing is started here and nothing is recorded: [`PreparedLaunch::start`] does both.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::error::LaunchError;
use super::mask::PendingMasker;
use super::prepared::PreparedLaunch;
use super::spec::{BrokerChoice, LaunchSpec, SandboxChoice, Source};
use super::withhold::inherited;
use crate::validate::Catalog;
use crate::variable::{Kind, Value};
use crate::vault::{GetError, ProfileError, ValueReader, Vault};

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
        let mut withholding = spec.withholding.clone();
        let (env, profile, only, mut argv, profile_cwd, profile_broker, profile_sandbox) = match &spec.source
        {
            Source::Environment(env) => {
                // In a project, exactly what it declares.
                let only = spec.only.clone().or_else(|| spec.project.as_ref().map(|p| p.names()));
                (env.clone(), None, only, spec.command.clone(), None, None, None)
            }
            Source::Profile(name) => {
                // The vault's own profile comes first: a file that came with a repository
                // (or that a command wrote) cannot stand in for one the user made.
                let from_project = spec.project.as_ref().and_then(|project| {
                    let p = project.profiles().get(name)?;
                    if doc.profiles().contains_key(name) {
                        notices.push(format!(
                            "profile `{name}` of the vault, not the one {} defines",
                            project.path().display()
                        ));
                        return None;
                    }
                    notices.push(format!("profile `{name}` from {}", project.path().display()));
                    Some(p.clone())
                });
                let p = from_project
                    .or_else(|| doc.profiles().get(name).cloned())
                    .ok_or_else(|| ProfileError::Unknown(name.clone()))?;
                // `run --profile coder -- --ask` adds `--ask` to the profile's command;
                // with `replace_command`, or a profile without one, it is the command.
                let argv: Vec<OsString> = match &p.command {
                    Some(own) if !spec.replace_command => {
                        own.iter().map(OsString::from).chain(spec.command.iter().cloned()).collect()
                    }
                    _ if !spec.command.is_empty() => spec.command.clone(),
                    _ => return Err(LaunchError::NoCommand(name.clone())),
                };
                let env = match &spec.env_override {
                    Some(env) if *env != p.env => {
                        notices.push(format!("using `{env}` instead of the profile's `{}` (--env)", p.env));
                        env.clone()
                    }
                    _ => p.env.clone(),
                };
                let (broker, sandbox) = (p.broker.clone(), p.sandbox.clone());
                withholding = withholding.inherit(p.inherit.iter().map(|n| n.to_string()));
                (env, Some(name.clone()), Some(p.vars.clone()), argv, p.cwd.clone(), broker, sandbox)
            }
        };
        let broker_settings = match (spec.broker.clone(), profile_broker) {
            // Options given at launch add to the profile's settings.
            (Some(BrokerChoice::On(mut settings)), Some(own)) => {
                for host in own.allow_hosts {
                    if !settings.allow_hosts.contains(&host) {
                        settings.allow_hosts.push(host);
                    }
                }
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
        let mut sandbox_settings = match spec.sandbox.clone() {
            Some(SandboxChoice::On(settings)) => Some(settings),
            Some(SandboxChoice::Off) => None,
            None => profile_sandbox,
        };
        // A project's profile reaches only the project, however it is sandboxed.
        if let (Some(settings), Some(project)) = (sandbox_settings.as_mut(), spec.project.as_ref())
            && profile
                .as_ref()
                .is_some_and(|n| project.profiles().contains_key(n) && !doc.profiles().contains_key(n))
        {
            settings.within = Some(project.root().to_owned());
        }
        // A sandboxed run is brokered: the sandbox's only way out is the broker.
        let broker_settings = match (broker_settings, &sandbox_settings) {
            (None, Some(_)) => Some(crate::broker::Settings::default()),
            (settings, _) => settings,
        };
        let resolved = doc.resolve(&env).map_err(GetError::from)?;
        // What the vault does not hold: the project file's config values, else nothing
        // for an optional variable, else a refusal naming every required one.
        let mut from_file: Vec<(String, SecretString)> = Vec::new();
        if let Some(only) = &only {
            let mut required = Vec::new();
            for name in only.iter().filter(|n| !resolved.iter().any(|r| &r.variable.name == *n)) {
                match spec.project.as_ref().and_then(|p| p.var(name)) {
                    None => return Err(GetError::NotFound { name: name.clone(), env: env.clone() }.into()),
                    // The user's own shell wins over a committed file: its value goes through.
                    Some(_) if std::env::var_os(name.as_str()).is_some() => {}
                    Some(d) if d.kind == Kind::Config && d.value_in(&env).is_some() => {
                        let value = d.value_in(&env).unwrap_or_default();
                        from_file.push((name.to_string(), SecretString::from(value.to_owned())));
                    }
                    Some(d) if d.required => required.push(name.clone()),
                    Some(_) => {}
                }
            }
            if let Some(project) = spec.project.as_ref().filter(|_| !required.is_empty()) {
                return Err(LaunchError::Missing {
                    file: project.path().to_owned(),
                    env: env.clone(),
                    names: required,
                });
            }
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
        // Not a setting the broker routes by: those never come from a project file.
        injected.extend(from_file);
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
        let (inherited, withheld) = inherited(std::env::vars_os(), &withholding, &replaced, catalog);
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
                match crate::sandbox::bubblewrap() {
                    None => return Err(crate::sandbox::SandboxError::NoBubblewrap.into()),
                    Some(path) if crate::sandbox::setuid_for_us(&path) => {
                        return Err(crate::sandbox::SandboxError::SetuidBubblewrap(path).into());
                    }
                    Some(_) => {}
                }
                crate::sandbox::user_namespaces().map_err(crate::sandbox::SandboxError::NoUserNamespaces)?;
                let here = match &cwd {
                    Some(dir) => dir.clone(),
                    None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
                };
                let config_dir = crate::validate::config_dir();
                // latchkey's own: this vault's directory and the default one, the config
                // directory, and every identity file in play.
                let mut own = vec![self.home().dir().to_owned(), self.home().default_identity_path()];
                own.extend(crate::home::default_home_dir());
                own.extend(config_dir.clone());
                if let crate::IdentityLocation::File { path } = &self.settings().identity {
                    own.push(path.clone());
                }
                own.extend(self.identity_file().map(std::path::Path::to_owned));
                let project_file = spec.project.as_ref().map(|p| p.path());
                let plan =
                    crate::sandbox::Plan::new(settings, &here, &own, config_dir.as_deref(), project_file)?;
                notices.extend(plan.notices.iter().cloned());
                Some(plan)
            }
            None => None,
        };
        if spec.mask {
            let short = super::mask::too_short(masked.iter().map(|(n, v)| (n.as_str(), v)));
            let short: Vec<&String> = short.iter().filter(|n| injected_secrets.contains(n)).collect();
            if !short.is_empty() {
                notices.push(format!(
                    "not masked in the output, shorter than {} characters: {}",
                    super::MIN_MASKED_LEN,
                    short.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        // Built while the command starts (see `PreparedLaunch::start`).
        let masker = spec.mask.then(|| PendingMasker::new(masked));
        if super::program::launcher_path().is_none() {
            notices.push(format!(
                "{} is missing (beside latchkey, or on PATH): the command may outlive latchkey; reinstall latchkey",
                super::program::LAUNCHER
            ));
        }
        Ok(PreparedLaunch {
            env,
            project: spec.project.as_ref().map(|p| p.path().to_owned()),
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
