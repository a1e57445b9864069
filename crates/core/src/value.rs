//! Secret values: how raw input becomes a [`SecretString`], and what input is refused.
//!
//! Every value latchkey stores, secret or config, is held as a [`SecretString`]: it is
//! zeroized when dropped and its `Debug` output is redacted. The only way to see it is
//! [`ExposeSecret::expose_secret`], which makes every place that reveals a value easy to
//! find.

pub use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// The largest value we store: 64 KiB.
pub const MAX_VALUE_LEN: usize = 64 * 1024;

/// Why a value was refused. The message never contains the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Nothing was given.
    #[error("the value is empty: give a non-empty value")]
    Empty,
    /// More than [`MAX_VALUE_LEN`] bytes were given.
    #[error("the value is larger than 64 KiB: store a path or a reference instead")]
    TooLarge,
    /// The value has a NUL byte, which no environment variable can carry.
    #[error("the value contains a NUL byte, which an environment variable cannot carry")]
    NulByte,
    /// The value is not UTF-8 text.
    #[error("the value is not valid UTF-8 text: encode binary data (base64, for example) first")]
    InvalidUtf8,
}

/// Turns raw bytes (from stdin, a prompt, or the desktop app) into a stored value.
///
/// Strips one trailing newline (`\n` or `\r\n`), as `echo KEY | latchkey set` adds one,
/// then refuses empty, oversized, NUL-containing or non-UTF-8 input. The input buffer is
/// zeroized whatever the outcome.
pub fn parse_value(raw: Zeroizing<Vec<u8>>) -> Result<SecretString, ValueError> {
    let mut bytes = raw;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    check_bytes(&bytes)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ValueError::InvalidUtf8)?;
    Ok(SecretString::from(text))
}

/// Checks a value that is already text, as given on a command line for config.
pub fn parse_text_value(text: &str) -> Result<SecretString, ValueError> {
    check_text(text)?;
    Ok(SecretString::from(text))
}

/// The checks every value passes however it gets in (`set`, `import`, the app): not
/// empty, at most [`MAX_VALUE_LEN`] bytes, no NUL byte.
pub fn check_text(text: &str) -> Result<(), ValueError> {
    check_bytes(text.as_bytes())
}

fn check_bytes(bytes: &[u8]) -> Result<(), ValueError> {
    if bytes.is_empty() {
        return Err(ValueError::Empty);
    }
    if bytes.len() > MAX_VALUE_LEN {
        return Err(ValueError::TooLarge);
    }
    if bytes.contains(&0) {
        return Err(ValueError::NulByte);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<String, ValueError> {
        parse_value(Zeroizing::new(bytes.to_vec())).map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn one_trailing_newline_is_stripped_and_no_more() {
        assert_eq!(parse(b"sk-abc\n").unwrap(), "sk-abc");
        assert_eq!(parse(b"sk-abc\r\n").unwrap(), "sk-abc");
        assert_eq!(parse(b"line1\nline2\n\n").unwrap(), "line1\nline2\n");
        assert_eq!(parse(b"  spaced  ").unwrap(), "  spaced  ");
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert_eq!(parse(b""), Err(ValueError::Empty));
        assert_eq!(parse(b"\n"), Err(ValueError::Empty));
        assert_eq!(parse(b"a\0b"), Err(ValueError::NulByte));
        assert_eq!(parse(&[0xff, 0xfe, b'a']), Err(ValueError::InvalidUtf8));
        assert_eq!(parse(&vec![b'a'; MAX_VALUE_LEN + 1]), Err(ValueError::TooLarge));
        assert!(parse(&vec![b'a'; MAX_VALUE_LEN]).is_ok());
    }

    #[test]
    fn secrets_never_print_themselves() {
        let secret = parse_text_value("sk-very-secret-value").unwrap();
        let debug = format!("{secret:?} {:#?}", secret);
        assert!(!debug.contains("very-secret"), "Debug leaked the value: {debug}");
    }
}
