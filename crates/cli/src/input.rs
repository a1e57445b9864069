//! Reading secrets from the user: stdin, or a terminal prompt with no echo.

use std::io::{self, IsTerminal, Read};

use anyhow::{Context, Result, bail};
use latchkey_core::{MAX_VALUE_LEN, SecretString, parse_value};
use zeroize::Zeroizing;

/// Reads a value from stdin, or prompts for it with no echo when stdin is a terminal.
pub fn secret_value(prompt: &str) -> Result<SecretString> {
    let raw = if io::stdin().is_terminal() {
        let typed =
            Zeroizing::new(rpassword::prompt_password(prompt).context("cannot read from the terminal")?);
        Zeroizing::new(typed.as_bytes().to_vec())
    } else {
        read_stdin()?
    };
    Ok(parse_value(raw)?)
}

/// Reads all of stdin, up to just over the largest value we accept.
pub fn read_stdin() -> Result<Zeroizing<Vec<u8>>> {
    // Sized up front so the buffer never grows: growing would leave copies of the value
    // in freed memory.
    let limit = MAX_VALUE_LEN + 3;
    let mut buf = Zeroizing::new(Vec::with_capacity(limit));
    io::stdin().lock().take(limit as u64).read_to_end(&mut buf).context("cannot read stdin")?;
    Ok(buf)
}

/// A passphrase from stdin, for `init --passphrase-stdin`.
pub fn passphrase_from_stdin() -> Result<SecretString> {
    parse_value(read_stdin()?).context("cannot use the passphrase from stdin")
}

/// Asks for a new passphrase twice on the terminal.
pub fn new_passphrase() -> Result<SecretString> {
    let first = Zeroizing::new(rpassword::prompt_password("New passphrase for the identity: ")?);
    if first.is_empty() {
        bail!("the passphrase is empty: choose a passphrase");
    }
    let second = Zeroizing::new(rpassword::prompt_password("Repeat the passphrase: ")?);
    if first != second {
        bail!("the passphrases differ: nothing was changed; run the command again");
    }
    Ok(SecretString::from(first.as_str()))
}

/// Asks for the passphrase of an identity file on the terminal; `None` without one.
pub fn existing_passphrase(path: &std::path::Path) -> Option<SecretString> {
    let typed = Zeroizing::new(
        rpassword::prompt_password(format!(
            "Passphrase for {}: ",
            latchkey_core::text::printable(&path.display().to_string())
        ))
        .ok()?,
    );
    Some(SecretString::from(typed.as_str()))
}

/// Asks `question` and reads a yes; without a terminal to ask on, the error says
/// `unattended` (how to go on without being asked).
pub fn confirm(question: &str, unattended: &str) -> Result<bool> {
    use std::io::{BufRead as _, IsTerminal as _};
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("{unattended}");
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
