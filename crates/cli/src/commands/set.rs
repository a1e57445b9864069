//! `latchkey set`: store a value, after checking its format.

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow};
use latchkey_core::{
    EnforceChecks, ExposeSecret, Kind, NewValue, ProblemCode, SetError, SetOutcome, Store, parse_text_value,
    validate,
};

use crate::args::{EnvArg, Expiry, parse_expiry, parse_interval, parse_made, policy_change, variable_name};
use crate::input;
use clap::{Args, ValueEnum};
use latchkey_core::VariableName;

pub fn run(args: SetArgs) -> Result<()> {
    let vault = super::unlock()?;
    let catalog = super::catalog()?;
    let env = &args.env.name();
    // Typed at a prompt: a refused value is asked for again (a pasted key is easily cut
    // short, or taken from the wrong line), up to three times.
    let prompted = args.value.is_none() && std::io::stdin().is_terminal();
    if prompted {
        // Refuse an unknown environment before the user types a secret for it. Piped
        // input needs no early check: `set` below refuses it all the same.
        vault.read()?.environment(env)?;
    }
    let read_value = || -> Result<_> {
        let mut value = match &args.value {
            Some(text) => parse_text_value(text)?,
            None => input::secret_value(&format!("Value for {}: ", args.name))?,
        };
        if args.trim {
            value = parse_text_value(validate::trimmed(value.expose_secret()))
                .context("nothing is left of the value once trimmed")?;
        }
        Ok(value)
    };
    let store = Store::from(args.store);
    let kind = if args.config { Kind::Config } else { Kind::Secret };
    // What is not given is kept: `--expires` alone leaves a custom interval alone.
    let rotation = policy_change(args.rotate_every, args.expires);
    let enforce = EnforceChecks::forced(args.force);
    let mut tries = 0;
    let (stored, finding) = loop {
        let new = NewValue {
            kind,
            store,
            value: read_value()?,
            provider: args.provider.clone(),
            notes: args.notes.clone(),
            rotation,
            made: args.created,
        };
        tries += 1;
        match vault.set_checked(env, &args.name, new, &catalog, enforce) {
            Ok(done) => break done,
            Err(err @ SetError::Refused { .. }) if prompted && tries < 3 => {
                eprintln!("latchkey: {err}: paste it again (or press Ctrl+C; --force stores it anyway)");
            }
            Err(err @ SetError::Refused { .. }) => {
                return Err(anyhow!("{err}; nothing was changed (store it anyway with --force)"));
            }
            Err(err) => return Err(err).with_context(|| format!("cannot store {} in `{env}`", args.name)),
        }
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

/// Where a value is kept, on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StoreArg {
    /// In the age-encrypted vault file.
    Vault,
    /// In the OS keychain; the vault keeps only a reference.
    Keychain,
}

impl From<StoreArg> for Store {
    fn from(arg: StoreArg) -> Self {
        match arg {
            StoreArg::Vault => Store::Vault,
            StoreArg::Keychain => Store::Keychain,
        }
    }
}

/// `latchkey set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The variable's name, like OPENAI_API_KEY.
    #[arg(value_parser = variable_name())]
    pub name: VariableName,
    #[command(flatten)]
    pub env: EnvArg,
    /// Where to keep the value.
    #[arg(long, value_enum, default_value = "vault")]
    pub store: StoreArg,
    /// Store non-secret config (a base URL, a model name) rather than a secret.
    #[arg(long)]
    pub config: bool,
    /// The value, for config only; secrets are read from stdin or a prompt.
    #[arg(long, requires = "config", value_name = "VALUE")]
    pub value: Option<String>,
    /// The provider this key belongs to, like openai.
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Notes about the variable: where it came from, who owns it.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// Store the value even if it looks like a placeholder, fails its checksum, or is
    /// another provider's key.
    #[arg(long)]
    pub force: bool,
    /// Remove surrounding whitespace and quotes from the value before storing it.
    #[arg(long)]
    pub trim: bool,
    /// Rotate every so often: 30d, 12w, 6m (months), 1y, or `never`; replaces the preset.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval, conflicts_with = "config")]
    pub rotate_every: Option<u32>,
    /// A hard expiry date set by the provider (YYYY-MM-DD), like a fine-grained PAT's;
    /// `never` clears it.
    #[arg(long, value_name = "DATE", value_parser = parse_expiry, conflicts_with = "config")]
    pub expires: Option<Expiry>,
    /// The day the key was made at its provider (YYYY-MM-DD), when earlier than today:
    /// its rotation schedule counts from then.
    #[arg(long, value_name = "DATE", value_parser = parse_made, conflicts_with = "config")]
    pub created: Option<latchkey_core::KeyMade>,
}
