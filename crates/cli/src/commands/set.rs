//! `latchkey set`: store a value, after checking its format.

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow};
use latchkey_core::{
    EnforceChecks, ExposeSecret, Kind, NewValue, ProblemCode, SetError, SetOutcome, Store, parse_text_value,
    validate,
};

use crate::cli::{SetArgs, StoreArg};
use crate::input;

pub fn run(args: SetArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    let mut value = match &args.value {
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
    if args.trim {
        value = parse_text_value(validate::trimmed(value.expose_secret()))
            .context("nothing is left of the value once trimmed")?;
    }
    let store = match args.store {
        StoreArg::Vault => Store::Vault,
        StoreArg::Keychain => Store::Keychain,
    };
    let kind = if args.config { Kind::Config } else { Kind::Secret };
    let rotation = (args.rotate_every.is_some() || args.expires.is_some())
        .then_some(latchkey_core::rotation::Policy { every_days: args.rotate_every, expires: args.expires });
    let new = NewValue { kind, store, value, provider: args.provider, notes: args.notes, rotation };
    let enforce = if args.force { EnforceChecks::Force } else { EnforceChecks::Refusals };
    let (stored, finding) = match vault.set_checked(env, &args.name, new, &catalog, enforce) {
        Ok(done) => done,
        Err(err @ SetError::Refused { .. }) => {
            return Err(anyhow!("{err}; nothing was changed (store it anyway with --force)"));
        }
        Err(err) => return Err(err).with_context(|| format!("cannot store {} in `{env}`", args.name)),
    };
    for problem in &finding.problems {
        eprintln!("latchkey: warning: {}: {}", args.name, problem.message);
    }
    if finding.has(ProblemCode::Whitespace) {
        eprintln!("latchkey: hint: run the same command with --trim to store it without them");
    }
    let verb = match stored.outcome {
        SetOutcome::Created => "Stored",
        SetOutcome::Updated => "Updated",
    };
    let provider = stored.variable.provider.as_deref().map(|p| format!(", {p}")).unwrap_or_default();
    eprintln!("{verb} {} in `{env}` ({kind}, {store}{provider}).", args.name);
    Ok(())
}
