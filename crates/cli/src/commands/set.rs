//! `latchkey set`: store a value.

use anyhow::{Context, Result};
use latchkey_core::{Kind, NewValue, SetOutcome, Store, parse_text_value};

use crate::cli::{SetArgs, StoreArg};
use crate::input;

pub fn run(args: SetArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.env;
    // Refuse an unknown environment before the user types a secret for it.
    vault.read()?.environment(env)?;
    let value = match &args.value {
        Some(text) => parse_text_value(text)?,
        None => input::secret_value(&format!("Value for {}: ", args.name))?,
    };
    let store = match args.store {
        StoreArg::Vault => Store::Vault,
        StoreArg::Keychain => Store::Keychain,
    };
    let kind = if args.config { Kind::Config } else { Kind::Secret };
    let new = NewValue { kind, store, value, provider: args.provider, notes: args.notes };
    let outcome =
        vault.set(env, &args.name, new).with_context(|| format!("cannot store {} in `{env}`", args.name))?;
    let verb = match outcome {
        SetOutcome::Created => "Stored",
        SetOutcome::Updated => "Updated",
    };
    eprintln!("{verb} {} in `{env}` ({kind}, {store}).", args.name);
    Ok(())
}
