//! The vault's side of the audit log: its key, the anchor it keeps of the log, and
//! checking the log against it.

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::{RecordError, SaveError, Vault, VerifyAuditError};
use crate::audit::{Access, Anchor, AuditLog, Entry, Event, Tampering};
use crate::document::Document;

impl Vault {
    /// Appends an access to the audit log.
    pub fn record_access(&self, access: Access, event: Event) -> Result<Entry, RecordError> {
        Ok(self.audit_log()?.append(access, event)?)
    }

    /// The audit log, chained with the vault's key (created on first use in a vault made
    /// before the log existed). The first time the log has entries, the vault takes its
    /// anchor, so that deleting both the log and its head is detected from then on.
    pub fn audit_log(&self) -> Result<AuditLog, SaveError> {
        if self.audit_key.get().is_none() {
            let key = self.update(|doc| Ok::<_, SaveError>(doc.ensure_audit_key().to_owned()))?;
            self.audit_key.get_or_init(|| super::secret_key(&key));
        }
        let key = Zeroizing::new(self.audit_key.get().expect("the key was just set").expose_secret().clone());
        let log = AuditLog::new(&self.home, key);
        if !self.anchored.load(std::sync::atomic::Ordering::Relaxed) && log.is_started() {
            // Anchored by the write itself (see `update`).
            self.update(|_| Ok::<_, SaveError>(()))?;
            self.anchored.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(log)
    }

    /// The vault's own key (the audit log's, made on first use), for MACs that only this
    /// vault can make or check.
    pub(crate) fn own_key(&self) -> Result<Zeroizing<Vec<u8>>, SaveError> {
        self.audit_log()?;
        Ok(Zeroizing::new(self.audit_key.get().expect("audit_log sets the key").expose_secret().clone()))
    }

    /// Checks the audit log: its chain, its head and the anchor the vault keeps. When
    /// it is intact, the vault's anchor moves to its end. Returns how many entries it
    /// holds, or what is wrong.
    pub fn verify_audit(&self) -> Result<Result<u64, Tampering>, VerifyAuditError> {
        let log = self.audit_log().map_err(RecordError::from)?;
        let anchor = self.read()?.audit_anchor().cloned();
        let verdict = log.verify(anchor.as_ref()).map_err(RecordError::from)?;
        if verdict.is_ok() {
            self.update(|_| Ok::<_, SaveError>(())).map_err(RecordError::from)?;
        }
        Ok(verdict)
    }

    /// Moves the document's audit anchor to the log's current head, when the head is
    /// genuine and not behind the anchor (a head restored from an older copy is not
    /// taken).
    pub(super) fn anchor_audit(&self, doc: &mut Document) {
        let Some(key) = doc.audit_key().and_then(crate::encoding::decode_hex) else { return };
        let Some(head) = AuditLog::new(&self.home, Zeroizing::new(key)).head() else { return };
        if doc.audit_anchor().is_none_or(|a: &Anchor| head.seq >= a.seq) {
            doc.set_audit_anchor(head);
        }
    }
}
