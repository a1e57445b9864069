//! The bytes of `vault.age`: the writer lock, decryption, encryption and replacement.

use std::fs::{self, File};
use std::io::{self, Read};

use zeroize::Zeroizing;

use super::{OpenError, SaveError};
use crate::atomic;
use crate::document::Document;
use crate::home::Home;
use crate::identity::Identity;

/// Takes the exclusive writer lock; it is released when the returned handle is dropped.
///
/// The lock is on the data directory itself, which cannot be deleted while it holds
/// the vault: a lock file could be deleted from under a writer, letting a second one in.
pub(super) fn lock(home: &Home) -> io::Result<File> {
    let dir = File::open(home.dir())?;
    dir.lock()?;
    Ok(dir)
}

/// Reads, decrypts and decodes `vault.age`.
pub(super) fn read(home: &Home, identity: &Identity) -> Result<Document, OpenError> {
    let path = home.vault_path();
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(OpenError::Missing(path)),
        Err(source) => return Err(OpenError::Io { path, source }),
    };
    let damaged = |reason: String| OpenError::Damaged { path: path.clone(), reason };
    let decryptor = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(&bytes[..]))
        .map_err(|e| damaged(e.to_string()))?;
    let mut reader =
        decryptor.decrypt(std::iter::once(identity.as_age() as &dyn age::Identity)).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => OpenError::WrongIdentity(path.clone()),
            other => damaged(other.to_string()),
        })?;
    // Sized up front so that the plaintext is never copied into a larger buffer and the
    // old one freed without being zeroized.
    let mut plain = Zeroizing::new(Vec::with_capacity(bytes.len()));
    reader.read_to_end(&mut plain).map_err(|e| damaged(format!("{e}; the file may be truncated")))?;
    let text = std::str::from_utf8(&plain).map_err(|_| damaged("the document is not UTF-8".into()))?;
    Document::decode(text).map_err(|source| OpenError::Document { path, source })
}

/// Encrypts `doc` to `recipient` and replaces `vault.age`, keeping the old one as
/// `vault.age.bak`. The caller holds the lock.
pub(super) fn write(
    home: &Home,
    recipient: &age::x25519::Recipient,
    doc: &Document,
) -> Result<(), SaveError> {
    let text = doc.encode();
    let ciphertext = age::encrypt(recipient, text.as_bytes()).expect("encrypting in memory does not fail");
    let vault = home.vault_path();
    let write_err = |path: std::path::PathBuf| move |source| SaveError::Write { path, source };
    atomic::remove_stale_temps(home.dir());
    atomic::link_backup(&vault, &home.backup_path()).map_err(write_err(home.backup_path()))?;
    atomic::write_atomic(&vault, &ciphertext).map_err(write_err(vault.clone()))?;
    Ok(())
}
