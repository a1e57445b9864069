//! The project file's schema, read into a [`Project`]: each mistake is refused with the
//! line it is on, and so is any value that looks like a secret.
//!
//! The schema (`schema/latchkey.schema.json` publishes it for editors):
//!
//! ```toml
//! [project]
//! default_env = "dev"                  # the environment used when none is named
//! envs = ["dev", "staging", "prod"]    # the others it uses (`check --env all`)
//!
//! [vars.OPENAI_API_KEY]
//! kind = "secret"                      # or "config"; secret when left out
//! provider = "openai"                  # a catalog provider: its format is checked
//! required = true                      # the default; `false` for optional ones
//! description = "the agent's model access"
//!
//! [vars.LOG_LEVEL]
//! kind = "config"
//! default = "info"                     # config only
//! values = { prod = "warn" }           # config only, per environment
//!
//! [profiles.coder]                     # as `latchkey profile add`, in the project
//! vars = ["OPENAI_API_KEY"]            # default: every declared variable
//! command = "claude --model sonnet"    # or ["claude", "--model", "sonnet"]
//! env = "dev"                          # default: default_env
//! cwd = "."                            # relative to the project's root
//! broker = true                        # or { only = true }: never egress = "open" (run time only)
//! sandbox = true                       # or { mode = "strict", writable = ["build"] }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{Declared, Project, ProjectError, guard};
use crate::kind::Kind;
use crate::name::{EnvironmentName, ProfileName, VariableName};
use crate::profile::Profile;
use crate::validate::Catalog;

/// The most variables and profiles a file may declare: a contract, not a data store
/// (and every profile without `vars` gets every variable).
const MAX_VARS: usize = 1000;
const MAX_PROFILES: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    project: Option<Spanned<RawProject>>,
    #[serde(default)]
    vars: BTreeMap<Spanned<String>, Spanned<RawVar>>,
    #[serde(default)]
    profiles: BTreeMap<Spanned<String>, Spanned<RawProfile>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProject {
    default_env: Option<Spanned<String>>,
    #[serde(default)]
    envs: Vec<Spanned<String>>,
    /// Shown by `project show`; nothing depends on it.
    name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVar {
    kind: Option<Kind>,
    provider: Option<Spanned<String>>,
    required: Option<bool>,
    description: Option<Spanned<String>>,
    default: Option<Spanned<toml::Value>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    env: Option<Spanned<String>>,
    vars: Option<Vec<Spanned<String>>>,
    command: Option<Spanned<RawCommand>>,
    cwd: Option<Spanned<PathBuf>>,
    broker: Option<Spanned<Switch<crate::broker::Settings>>>,
    sandbox: Option<Spanned<Switch<crate::sandbox::Settings>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCommand {
    Text(String),
    Argv(Vec<String>),
}

/// `broker = true`, or its settings.
#[derive(Deserialize)]
#[serde(untagged)]
enum Switch<T> {
    On(bool),
    With(T),
}

impl<T: Default> Switch<T> {
    fn settings(self) -> Option<T> {
        match self {
            Switch::On(true) => Some(T::default()),
            Switch::On(false) => None,
            Switch::With(settings) => Some(settings),
        }
    }
}

/// Reads the text of the project file at `path`, whose directory is `root`.
pub(super) fn parse<'c>(
    text: &str,
    path: PathBuf,
    root: PathBuf,
    catalog: &dyn Fn() -> Option<&'c Catalog>,
) -> Result<Project, ProjectError> {
    // The user's catalog when the caller has it, else the built-in one, loaded once and
    // only if a value could be a provider's key.
    let fallback = std::cell::OnceCell::new();
    let catalog = &|| catalog().unwrap_or_else(|| fallback.get_or_init(Catalog::built_in));
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let invalid = |offset: usize, message: String| ProjectError::Invalid {
        path: path.clone(),
        line: line_of(offset),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let message = guard::scrub(e.message().lines().next().unwrap_or_default());
        invalid(offset, format!("{message}: see the schema in the README"))
    })?;
    let secret = |offset: usize, name: &str| ProjectError::Secret {
        path: path.clone(),
        line: line_of(offset),
        name: name.to_owned(),
    };
    // Every free text of the file: nothing invisible, nothing secret.
    let free_text = |value: &str, offset: usize, what: &str| -> Result<(), ProjectError> {
        if value.chars().any(guard::invisible) {
            return Err(invalid(offset, format!("{what} holds a control or invisible character: remove it")));
        }
        if guard::holds_secret(value, catalog) {
            return Err(secret(offset, what));
        }
        Ok(())
    };
    let env_name = |s: &Spanned<String>| {
        EnvironmentName::new(s.get_ref())
            .map_err(|e| invalid(s.span().start, format!("{}: {e}", guard::name(s.get_ref()))))
    };
    if raw.vars.len() > MAX_VARS || raw.profiles.len() > MAX_PROFILES {
        return Err(invalid(
            0,
            format!(
                "more than {MAX_VARS} variables or {MAX_PROFILES} profiles: a project file declares what a project needs"
            ),
        ));
    }
    let project = raw.project.map(Spanned::into_inner).unwrap_or_default();
    let default_env = match &project.default_env {
        Some(name) => env_name(name)?,
        None => EnvironmentName::default_name(),
    };
    let mut envs = vec![default_env.clone()];
    for name in &project.envs {
        let env = env_name(name)?;
        if !envs.contains(&env) {
            envs.push(env);
        }
    }
    let name = match &project.name {
        Some(n) => {
            free_text(n.get_ref(), n.span().start, "the project's name")?;
            Some(n.get_ref().trim().to_owned()).filter(|n| !n.is_empty())
        }
        None => None,
    };
    let mut vars: Vec<(usize, Declared)> = Vec::new();
    for (var_name, var) in raw.vars {
        let start = var.span().start;
        let name = VariableName::new(var_name.get_ref()).map_err(|e| {
            invalid(var_name.span().start, format!("{}: {e}", guard::name(var_name.get_ref())))
        })?;
        let var = var.into_inner();
        let kind = var.kind.unwrap_or(Kind::Secret);
        let scalar = |value: &Spanned<toml::Value>| -> Result<String, ProjectError> {
            let offset = value.span().start;
            let text = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(invalid(
                        offset,
                        format!("{name}'s value must be a string, a number or a boolean"),
                    ));
                }
            };
            if kind == Kind::Secret {
                return Err(invalid(
                    offset,
                    format!(
                        "{name} is a secret, and a project file gives secrets no value: remove it, and store the value with `latchkey set {name}`"
                    ),
                ));
            }
            // `API_KEY`, `DB_PASSWORD`: a name that ends in a credential's word (not one
            // that only holds one, like `SESSION_TIMEOUT`) gets no value here.
            let last = name.as_str().rsplit('_').next().unwrap_or_default();
            if crate::import::names_secret(last) && text.parse::<f64>().is_err() {
                return Err(secret(offset, name.as_str()));
            }
            free_text(&text, offset, name.as_str())?;
            if let Some(why) = guard::steering(name.as_str(), &text, catalog) {
                return Err(invalid(
                    offset,
                    format!(
                        "{name} {why}, and a committed file cannot set it: remove the value, and keep it in the vault (`latchkey set {name} --config --value VALUE`)"
                    ),
                ));
            }
            Ok(text)
        };
        let default = var.default.as_ref().map(scalar).transpose()?;
        let mut values = BTreeMap::new();
        for (env, value) in &var.values {
            let env_at = env.span().start;
            let env = env_name(env)?;
            if !envs.contains(&env) {
                return Err(invalid(
                    env_at,
                    format!(
                        "{name} has a value for `{env}`, which is not one of the project's environments: add it to [project] envs, or fix the name"
                    ),
                ));
            }
            values.insert(env, scalar(value)?);
        }
        if let Some(p) = &var.provider {
            free_text(p.get_ref(), p.span().start, &format!("{name}'s provider"))?;
        }
        if let Some(d) = &var.description {
            free_text(d.get_ref(), d.span().start, &format!("{name}'s description"))?;
        }
        let provider =
            var.provider.map(Spanned::into_inner).map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        let description =
            var.description.map(Spanned::into_inner).map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        let required = var.required.unwrap_or(true);
        vars.push((
            start,
            Declared { name, kind, provider, required, description, default, values, line: line_of(start) },
        ));
    }
    // The file's order, which a map does not keep.
    vars.sort_by_key(|(start, _)| *start);
    let vars: Vec<Declared> = vars.into_iter().map(|(_, d)| d).collect();
    let mut profiles = BTreeMap::new();
    for (name, raw_profile) in raw.profiles {
        let profile_name = ProfileName::new(name.get_ref())
            .map_err(|e| invalid(name.span().start, format!("{}: {e}", guard::name(name.get_ref()))))?;
        let start = raw_profile.span().start;
        let p = raw_profile.into_inner();
        let env = match &p.env {
            Some(env) => env_name(env)?,
            None => default_env.clone(),
        };
        let names = match &p.vars {
            Some(list) => list
                .iter()
                .map(|n| match vars.iter().find(|d| d.name.as_str() == n.get_ref()) {
                    Some(d) => Ok(d.name.clone()),
                    None => Err(invalid(
                        n.span().start,
                        format!(
                            "profile `{profile_name}` names {}, which the file does not declare: declare it under [vars]",
                            guard::name(n.get_ref())
                        ),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => vars.iter().map(|d| d.name.clone()).collect(),
        };
        let command = match &p.command {
            None => None,
            Some(c) => {
                let at = c.span().start;
                let argv = match c.get_ref() {
                    RawCommand::Text(text) => crate::profile::parse_command(text)
                        .map_err(|e| invalid(at, format!("profile `{profile_name}`: {e}")))?,
                    RawCommand::Argv(argv) if argv.is_empty() => {
                        return Err(invalid(at, format!("profile `{profile_name}`: the command is empty")));
                    }
                    RawCommand::Argv(argv) => argv.clone(),
                };
                free_text(&argv.join(" "), at, &format!("profile `{profile_name}`'s command"))?;
                Some(argv)
            }
        };
        let inside = |p: &Path, offset: usize, what: &str| -> Result<PathBuf, ProjectError> {
            free_text(&p.display().to_string(), offset, &format!("profile `{profile_name}`'s {what}"))?;
            let full = crate::profile::absolute_dir(&root.join(p));
            let lexical = normalise(&full);
            // `~/x` is someone's home, whatever a shell would make of it here.
            if !lexical.starts_with(&root) || p.starts_with("~") {
                return Err(invalid(
                    offset,
                    format!(
                        "profile `{profile_name}`: its {what} is outside the project: a project file only reaches its own directory"
                    ),
                ));
            }
            Ok(lexical)
        };
        let cwd = p.cwd.as_ref().map(|c| inside(c.get_ref(), c.span().start, "cwd")).transpose()?;
        let broker_at = p.broker.as_ref().map_or(start, |b| b.span().start);
        let broker = match p.broker.map(Spanned::into_inner).and_then(Switch::settings) {
            // A committed file brokers, it never opens: `--egress open` and
            // `--allow-host` are the user's to give at run time.
            Some(settings)
                if settings.egress == crate::broker::Egress::Open || !settings.allow_hosts.is_empty() =>
            {
                return Err(invalid(
                    broker_at,
                    format!(
                        "profile `{profile_name}`: a project file cannot open the broker's egress (egress = \"open\", allow_hosts): pass --egress open or --allow-host HOST when you run it"
                    ),
                ));
            }
            Some(settings) => {
                let hosts = settings.allow_hosts.clone();
                Some(settings.with_hosts(&hosts).map_err(|e| {
                    invalid(broker_at, format!("profile `{profile_name}`: {}", guard::scrub(&e.to_string())))
                })?)
            }
            None => None,
        };
        let sandbox_at = p.sandbox.as_ref().map_or(start, |s| s.span().start);
        let sandbox = match p.sandbox.map(Spanned::into_inner).and_then(Switch::settings) {
            Some(mut settings) => {
                // A file that comes with a repository opens nothing outside it: a
                // readable ~/.ssh would undo the sandbox for whoever runs the profile.
                settings.writable = settings
                    .writable
                    .iter()
                    .map(|w| inside(w, sandbox_at, "writable path"))
                    .collect::<Result<_, _>>()?;
                settings.readable = settings
                    .readable
                    .iter()
                    .map(|r| inside(r, sandbox_at, "readable path"))
                    .collect::<Result<_, _>>()?;
                settings.within = Some(root.clone());
                Some(settings)
            }
            None => None,
        };
        profiles.insert(
            profile_name,
            Profile {
                env,
                vars: names,
                command,
                cwd,
                broker,
                sandbox,
                // A file that came with a repository never lets the user's own secrets through.
                inherit: Vec::new(),
            },
        );
    }
    Ok(Project { path, root, name, default_env, envs, vars, profiles })
}

/// `path` with `.` and `..` resolved by name, so that `../x` cannot pass for inside.
pub(super) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
