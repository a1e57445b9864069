//! `latchkey edit`: a variable's metadata (rotation interval, hard expiry, provider,
//! notes) changed in one write, its value left alone and never asked for. Only what is
//! given changes, merged by the vault under its lock.

use anyhow::{Context, Result, bail};
use clap::Args;
use latchkey_core::{Kind, MetadataEdit, VariableName};

use crate::args::{EnvArg, Expiry, parse_expiry, parse_interval, policy_change, variable_name};

pub fn run(args: EditArgs) -> Result<()> {
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
    let rotation = policy_change(args.rotate_every, args.expires);
    if rotation.is_some() && current.kind == Kind::Config {
        bail!("{name} is config, which is not rotated: --rotate-every and --expires are for secrets");
    }
    if let Some(id) = args.provider.as_deref().filter(|p| !p.is_empty()) {
        let catalog = super::catalog()?;
        if catalog.provider(id).is_none() {
            let known: Vec<&str> = catalog.providers().iter().map(|p| p.id.as_str()).collect();
            bail!(
                "`{}` is not a provider latchkey knows: give one of {} (or an empty --provider to clear it)",
                latchkey_core::text::printable(id),
                known.join(", ")
            );
        }
    }
    let edit = MetadataEdit { kind: None, provider: args.provider, notes: args.notes, rotation };
    vault.edit(env, name, edit).with_context(|| format!("cannot change {name} in `{env}`"))?;
    eprintln!("Changed {name} in `{env}` (its value is unchanged).");
    Ok(())
}

/// `latchkey edit`.
#[derive(Debug, Args)]
#[group(id = "change", required = true, multiple = true, args = ["rotate_every", "expires", "provider", "notes"])]
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
