//! `latchkey set`: store a value.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use latchkey_core::{Kind, NewValue, SetOutcome, Store, parse_text_value};

use crate::cli::{SetArgs, StoreArg};
use crate::input;

pub fn run(args: SetArgs) -> Result<()> {
    let vault = super::unlock()?;
    let env = &args.env.env;
    let value = match &args.value {
        Some(text) => parse_text_value(text)?,
        None => {
            // Refuse an unknown environment before the user types a secret for it. Piped
            // input needs no early check: `set` below refuses it all the same.
            if std::io::stdin().is_terminal() {
                vault.read()?.environment(env)?;
            }
            input::secret_value(&format!("Value for {}: ", args.name))?
        }
    };
    let store = match args.store {
        StoreArg::Vault => Store::Vault,
        StoreArg::Keychain => Store::Keychain,
    };
    let kind = if args.config { Kind::Config } else { Kind::Secret };
    let new = NewValue { kind, store, value, provider: args.provider, notes: args.notes };
    let stored =
        vault.set(env, &args.name, new).with_context(|| format!("cannot store {} in `{env}`", args.name))?;
    let verb = match stored.outcome {
        SetOutcome::Created => "Stored",
        SetOutcome::Updated => "Updated",
    };
    eprintln!("{verb} {} in `{env}` ({kind}, {store}).", args.name);
    Ok(())
}
