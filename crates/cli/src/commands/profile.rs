//! `latchkey profile add|list|show|edit|rm`.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::args::{BrokerArgs, SandboxArgs, environment_name, profile_name, variable_name};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use latchkey_core::profile::{absolute_dir, join_command, parse_command};
use latchkey_core::{EnvironmentName, VariableName};
use latchkey_core::{Profile, ProfileName};
use std::path::PathBuf;

pub fn run(command: ProfileCommand) -> Result<()> {
    let vault = super::unlock()?;
    match command {
        ProfileCommand::Add { name, spec } => {
            let (Some(env), Some(vars)) = (spec.env.clone(), spec.vars.clone()) else {
                bail!("a profile needs --env and --vars: which environment, and exactly which variables");
            };
            let mut profile = Profile::new(env, vars, spec.command.as_deref(), spec.cwd.as_deref())
                .context("cannot read --command")?;
            profile.broker = spec.broker.settings()?;
            profile.sandbox = spec.sandbox.settings();
            profile.inherit = spec.inherit.unwrap_or_default();
            vault
                .save_profile(&name, profile, false)
                .with_context(|| format!("cannot add profile `{name}`"))?;
            eprintln!("Added profile `{name}`. Run it with `latchkey run --profile {name}`.");
        }
        ProfileCommand::Edit { name, spec } => {
            let mut profile = vault.profile(&name)?;
            if let Some(env) = spec.env {
                profile.env = env;
            }
            if let Some(vars) = spec.vars {
                profile.vars = vars;
            }
            if let Some(command) = spec.command.as_deref() {
                profile.command = Some(parse_command(command).context("cannot read --command")?);
            }
            if let Some(cwd) = spec.cwd {
                profile.cwd = Some(absolute_dir(&cwd));
            }
            if let Some(settings) = spec.broker.settings()? {
                profile.broker = Some(settings);
            } else if spec.broker.no_broker {
                profile.broker = None;
            }
            if let Some(settings) = spec.sandbox.settings() {
                profile.sandbox = Some(settings);
            } else if spec.sandbox.no_sandbox {
                profile.sandbox = None;
            }
            if let Some(names) = spec.inherit {
                profile.inherit = names;
            } else if spec.no_inherit {
                profile.inherit.clear();
            }
            vault
                .save_profile(&name, profile, true)
                .with_context(|| format!("cannot change profile `{name}`"))?;
            eprintln!("Changed profile `{name}`.");
        }
        ProfileCommand::Rm { name } => {
            vault.remove_profile(&name)?;
            eprintln!("Removed profile `{name}`.");
        }
        ProfileCommand::Show { name } => {
            let project = crate::project::current()?;
            let in_project =
                project.as_ref().and_then(|p| p.profiles().get(&name).map(|profile| (p, profile)));
            match (vault.profile(&name), in_project) {
                (Ok(profile), _) => print(&describe(&name, &profile))?,
                (Err(_), Some((p, profile))) => {
                    print(&format!("{}  from     {}\n", describe(&name, profile), super::shown(p.path())))?
                }
                (Err(e), None) => return Err(e.into()),
            }
        }
        ProfileCommand::List { json } => {
            let profiles = vault.profiles().context("cannot read the profiles")?;
            if json {
                let map: serde_json::Map<String, serde_json::Value> = profiles
                    .iter()
                    .map(|(n, p)| {
                        (n.to_string(), serde_json::to_value(p).expect("a profile encodes as JSON"))
                    })
                    .collect();
                print(&format!("{}\n", serde_json::to_string_pretty(&map)?))?;
                return Ok(());
            }
            // The project's own, where the vault has none of that name.
            let project = crate::project::current()?;
            let from_project: Vec<_> = project
                .iter()
                .flat_map(|p| p.profiles().iter().map(move |(n, profile)| (n, profile, p.path())))
                .filter(|(n, _, _)| !profiles.iter().any(|(v, _)| v == *n))
                .collect();
            if profiles.is_empty() && from_project.is_empty() {
                eprintln!("No profiles yet: `latchkey profile add NAME --env ENV --vars A,B` creates one.");
                return Ok(());
            }
            let mut out = String::new();
            for (name, profile) in &profiles {
                out.push_str(&describe(name, profile));
            }
            for (name, profile, path) in from_project {
                out.push_str(&describe(name, profile));
                let _ = writeln!(out, "  from     {}", super::shown(path));
            }
            print(&out)?;
        }
    }
    Ok(())
}

fn describe(name: &ProfileName, p: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}\n  env      {}\n  vars     {}",
        p.env,
        p.vars.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
    );
    if let Some(command) = &p.command {
        let _ = writeln!(out, "  command  {}", latchkey_core::text::printable(&join_command(command)));
    }
    if let Some(cwd) = &p.cwd {
        let _ = writeln!(out, "  cwd      {}", super::shown(cwd));
    }
    if let Some(b) = &p.broker {
        let mut line = format!("on, egress {}", b.egress.as_str());
        if !b.allow_hosts.is_empty() {
            let _ = write!(line, ", allowed {}", b.allow_hosts.join(", "));
        }
        if b.only {
            line.push_str(", broker only");
        }
        let _ = writeln!(out, "  broker   {line}");
    }
    if let Some(sandbox) = &p.sandbox {
        let mut line = sandbox.mode.as_str().to_owned();
        for (label, paths) in [("writable", &sandbox.writable), ("readable", &sandbox.readable)] {
            if !paths.is_empty() {
                let shown: Vec<String> = paths.iter().map(|p| super::shown(p)).collect();
                let _ = write!(line, ", {label} {}", shown.join(", "));
            }
        }
        let _ = writeln!(out, "  sandbox  {line}");
    }
    if !p.inherit.is_empty() {
        let names: Vec<&str> = p.inherit.iter().map(|v| v.as_str()).collect();
        let _ = writeln!(out, "  inherit  {}", names.join(", "));
    }
    out
}

fn print(text: &str) -> Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
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
    /// Variables of the launching shell it inherits although they look sensitive
    /// (comma-separated; a path like GOOGLE_APPLICATION_CREDENTIALS). Others stay withheld.
    #[arg(value_parser = variable_name(), long, value_name = "NAMES", value_delimiter = ',')]
    pub inherit: Option<Vec<VariableName>>,
    /// Inherit nothing sensitive any more (`profile edit`).
    #[arg(long, conflicts_with = "inherit")]
    pub no_inherit: bool,
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
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
  latchkey profile add gcp --env prod --vars VERTEX_MODEL --inherit GOOGLE_APPLICATION_CREDENTIALS
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
