//! Debug output of an unlocked vault never shows the vault's own key (the audit log's,
//! which also keys the history's fingerprints and the leak records).

use latchkey_core::{Home, IdentitySetup, Vault};

#[test]
fn an_unlocked_vaults_debug_output_never_shows_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::at(dir.path().join("home"));
    let identity = dir.path().join("identity.txt");
    Vault::init(&home, IdentitySetup::File { path: identity.clone(), passphrase: None }).unwrap();
    let vault = Vault::unlock(&home, Some(&identity), |_| None).unwrap();
    // Makes the key and loads it into the unlocked vault.
    vault.audit_log().unwrap();
    let doc = vault.read().unwrap();
    let key = doc.audit_key().expect("the vault has its own key now").to_owned();
    let bytes: Vec<u8> =
        (0..key.len() / 2).map(|i| u8::from_str_radix(&key[2 * i..2 * i + 2], 16).unwrap()).collect();
    let shown = format!("{vault:?} {vault:#?}");
    assert!(!shown.contains(&key), "the key's hex is in the Debug output");
    assert!(!shown.contains(&format!("{bytes:?}")), "the key's bytes are in the Debug output");
}
