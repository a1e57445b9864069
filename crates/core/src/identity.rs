//! The vault's age identity: an X25519 key pair, and the file formats it is kept in.
//!
//! The identity decrypts `vault.age`. It is kept in the OS keychain, or in an identity
//! file. An identity file is either plain (`AGE-SECRET-KEY-1...`, as `age-keygen`
//! writes it) or itself age-encrypted with a passphrase (scrypt), as `age -p` writes it.
//! Both forms open with the stock `age` tool, so a user is never locked in.

use std::fmt;
use std::io::Read;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Why an identity could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The text holds no `AGE-SECRET-KEY-1...` line, or more than one.
    #[error("not an age identity: expected one line starting with AGE-SECRET-KEY-1")]
    NotAnIdentity,
    /// The passphrase does not open the identity file.
    #[error("wrong passphrase for the identity file")]
    WrongPassphrase,
    /// The identity file is passphrase-protected and no passphrase was given.
    #[error("the identity file is passphrase-protected: enter its passphrase on a terminal")]
    PassphraseRequired,
    /// The passphrase-protected file is damaged.
    #[error("the passphrase-protected identity file is damaged ({0})")]
    Damaged(String),
}

/// The X25519 identity that decrypts a vault.
pub struct Identity(age::x25519::Identity);

impl Identity {
    /// A fresh random identity.
    pub fn generate() -> Self {
        Self(age::x25519::Identity::generate())
    }

    /// Reads an identity from the text of a plain identity file: comment lines (`#`) and
    /// blank lines are skipped, and exactly one `AGE-SECRET-KEY-1` line must remain.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let mut keys = text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
        let (Some(key), None) = (keys.next(), keys.next()) else {
            return Err(IdentityError::NotAnIdentity);
        };
        key.parse::<age::x25519::Identity>().map(Self).map_err(|_| IdentityError::NotAnIdentity)
    }

    /// Reads an identity from the bytes of an identity file, plain or passphrase-protected.
    /// `passphrase` is called only when the file is protected.
    pub fn from_file_bytes(
        bytes: &[u8],
        passphrase: impl FnOnce() -> Option<SecretString>,
    ) -> Result<Self, IdentityError> {
        if !is_encrypted(bytes) {
            let text = std::str::from_utf8(bytes).map_err(|_| IdentityError::NotAnIdentity)?;
            return Self::parse(text);
        }
        let passphrase = passphrase().ok_or(IdentityError::PassphraseRequired)?;
        let decryptor = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(bytes))
            .map_err(|e| IdentityError::Damaged(e.to_string()))?;
        let identity = age::scrypt::Identity::new(passphrase);
        let mut reader =
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                    IdentityError::WrongPassphrase
                }
                other => IdentityError::Damaged(other.to_string()),
            })?;
        let mut plain = Zeroizing::new(Vec::with_capacity(256));
        reader.read_to_end(&mut plain).map_err(|e| IdentityError::Damaged(e.to_string()))?;
        let text = std::str::from_utf8(&plain).map_err(|_| IdentityError::NotAnIdentity)?;
        Self::parse(text)
    }

    /// The public key that vaults are encrypted to (`age1...`).
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.0.to_public()
    }

    /// The identity in the format `age-keygen` writes, for a plain identity file.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        let created = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Zeroizing::new(format!(
            "# created: {created}\n# public key: {}\n{}\n",
            self.recipient(),
            self.0.to_string().expose_secret()
        ))
    }

    /// The identity file encrypted with `passphrase` (armored age, scrypt), as `age -p -a`
    /// would write it. `age -d identity.age` prints the identity.
    pub fn to_protected_file(&self, passphrase: SecretString) -> Vec<u8> {
        let recipient = age::scrypt::Recipient::new(passphrase);
        let text = self.to_file_text();
        age::encrypt_and_armor(&recipient, text.as_bytes())
            .expect("encrypting a small buffer in memory does not fail")
            .into_bytes()
    }

    /// The bare secret key line, for storing in the OS keychain.
    pub(crate) fn to_secret_line(&self) -> SecretString {
        SecretString::from(self.0.to_string().expose_secret())
    }

    pub(crate) fn as_age(&self) -> &age::x25519::Identity {
        &self.0
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identity(<redacted>, recipient {})", self.recipient())
    }
}

/// Whether an identity file's bytes are an age-encrypted (passphrase-protected) file.
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(b"age-encryption.org/v1") || bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identity_files_round_trip() {
        let id = Identity::generate();
        let text = id.to_file_text();
        assert!(text.contains("# public key: age1"));
        let back = Identity::parse(&text).unwrap();
        assert_eq!(back.recipient().to_string(), id.recipient().to_string());
    }

    #[test]
    fn debug_shows_the_recipient_and_never_the_secret_key() {
        let id = Identity::generate();
        let shown = format!("{id:?}");
        assert!(shown.contains("age1"));
        assert!(!shown.to_uppercase().contains("AGE-SECRET-KEY"), "{shown}");
    }

    #[test]
    fn garbage_is_not_an_identity() {
        assert!(matches!(Identity::parse("hello"), Err(IdentityError::NotAnIdentity)));
        assert!(matches!(Identity::parse(""), Err(IdentityError::NotAnIdentity)));
        let two = format!(
            "{}{}",
            Identity::generate().to_file_text().as_str(),
            Identity::generate().to_file_text().as_str()
        );
        assert!(matches!(Identity::parse(&two), Err(IdentityError::NotAnIdentity)));
    }

    #[test]
    fn protected_identity_needs_the_right_passphrase() {
        let id = Identity::generate();
        let mut file = id.to_protected_file(SecretString::from("correct horse"));
        assert!(is_encrypted(&file));
        let back = Identity::from_file_bytes(&file, || Some(SecretString::from("correct horse"))).unwrap();
        assert_eq!(back.recipient().to_string(), id.recipient().to_string());
        assert!(matches!(
            Identity::from_file_bytes(&file, || Some(SecretString::from("wrong"))),
            Err(IdentityError::WrongPassphrase)
        ));
        assert!(matches!(Identity::from_file_bytes(&file, || None), Err(IdentityError::PassphraseRequired)));
        file.truncate(file.len() / 2);
        assert!(Identity::from_file_bytes(&file, || Some(SecretString::from("correct horse"))).is_err());
    }
}
