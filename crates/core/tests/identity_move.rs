//! Moving the identity in core: a new passphrase keeps a protected file where it is,
//! and only with the current passphrase.

use latchkey_core::{
    Home, IdentityMove, IdentitySetup, IdentityTarget, MoveIdentityError, SecretString, Vault,
};

#[test]
fn a_new_passphrase_keeps_a_protected_file_at_its_own_path_and_needs_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::at(dir.path().join("home"));
    let custom = dir.path().join("keys").join("mine.age");
    let first = || SecretString::from("first horse");
    Vault::init(&home, IdentitySetup::File { path: custom.clone(), passphrase: Some(first()) }).unwrap();
    let vault = Vault::unlock(&home, None, |_| Some(first())).unwrap();
    let change = |current: Option<SecretString>| IdentityMove {
        to: IdentityTarget::Passphrase { path: None, passphrase: SecretString::from("second horse") },
        current_passphrase: current,
        allow_tracked: false,
    };
    let before = std::fs::read(&custom).unwrap();
    assert!(matches!(vault.move_identity(change(None)), Err(MoveIdentityError::PassphraseRequired)));
    let wrong = Some(SecretString::from("not it"));
    assert!(matches!(vault.move_identity(change(wrong)), Err(MoveIdentityError::WrongPassphrase)));
    assert_eq!(std::fs::read(&custom).unwrap(), before, "a refused move changed the file");

    vault.move_identity(change(Some(first()))).unwrap();
    assert!(custom.is_file() && !home.default_identity_path().exists(), "the file moved");
    assert!(Vault::unlock(&home, None, |_| Some(first())).is_err());
    Vault::unlock(&home, None, |_| Some(SecretString::from("second horse"))).unwrap();
}
