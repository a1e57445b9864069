//! `latchkey edit`: a variable's metadata (rotation interval, hard expiry, provider,
//! notes) changed in one write, its value left alone and never asked for.

use anyhow::{Context, Result, bail};
use clap::Args;
use latchkey_core::{MetadataEdit, VariableName};

use crate::args::{EnvArg, Expiry, changed_policy, parse_expiry, parse_interval, variable_name};

pub fn run(args: EditArgs) -> Result<()> {
    if args.rotate_every.is_none()
        && args.expires.is_none()
        && args.notes.is_none()
        && args.provider.is_none()
    {
        bail!("nothing to change: give --rotate-every, --expires, --provider or --notes");
    }
    let vault = super::unlock()?;
    let env = &args.env.name();
    let name = &args.name;
    let current = vault
        .list(env)
        .with_context(|| format!("cannot read `{env}`"))?
        .into_iter()
        .find(|v| &v.name == name)
        .with_context(|| {
            format!("no variable `{name}` in `{env}`: `latchkey list --env {env}` shows them")
        })?;
    if let Some(from) = &current.inherited_from {
        bail!(
            "{name} is inherited from `{from}`: edit it there (--env {from}), or set a value of its own in `{env}`"
        );
    }
    let edit = MetadataEdit {
        kind: current.kind,
        provider: args.provider.or(current.provider.clone()),
        notes: args.notes.unwrap_or(current.notes.clone()),
        rotation: changed_policy(current.rotation.as_ref(), args.rotate_every, args.expires),
    };
    vault.edit(env, name, edit).with_context(|| format!("cannot change {name} in `{env}`"))?;
    eprintln!("Changed {name} in `{env}` (its value is unchanged).");
    Ok(())
}

/// `latchkey edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The variable's name.
    #[arg(value_parser = variable_name())]
    pub name: VariableName,
    #[command(flatten)]
    pub env: EnvArg,
    /// Rotate every so often: 30d, 12w, 6m (months), 1y, or `never`; replaces the preset.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub rotate_every: Option<u32>,
    /// The provider's hard expiry (YYYY-MM-DD), or `never` to clear it.
    #[arg(long, value_name = "DATE", value_parser = parse_expiry)]
    pub expires: Option<Expiry>,
    /// The provider this key belongs to, like openai (empty to clear it).
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Notes about the variable: where it came from, who owns it.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}
