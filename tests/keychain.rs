//! The real OS keychain: the Secret Service of a throwaway gnome-keyring.
//!
//! Run through `tests/with-keyring.sh` (as `make test` does), which starts a private
//! D-Bus session with an unlocked keyring. Elsewhere these tests print why they skip;
//! in CI they fail instead.

use std::process::Command;

use latchkey_tests::{Sandbox, have, require};

fn keyring_ready() -> bool {
    require(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some() && have("secret-tool"),
        "a throwaway Secret Service keyring",
        "run these tests through tests/with-keyring.sh, as `make test` does",
    )
}

/// `secret-tool ARGS`: its stdout, and whether it succeeded (lookup fails when nothing
/// matches, so callers say which they expect).
fn secret_tool(args: &[&str]) -> (bool, String) {
    let out = Command::new("secret-tool").args(args).output().expect("secret-tool runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `secret-tool search` prints the attributes on stderr and the rest on stdout; it must
/// succeed.
fn secret_tool_search(args: &[&str]) -> String {
    let out = Command::new("secret-tool").arg("search").args(args).output().expect("secret-tool runs");
    assert!(
        out.status.success(),
        "secret-tool search {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The vault document, as the stock `age` tool decrypts it with `identity`.
fn decrypt_with_age(s: &Sandbox, identity: &std::path::Path) -> String {
    let out = Command::new("age")
        .args(["-d", "-i", identity.to_str().unwrap(), s.home.join("vault.age").to_str().unwrap()])
        .output()
        .expect("age runs");
    String::from_utf8(out.stdout).expect("the vault document is UTF-8")
}

fn vault_id(s: &Sandbox) -> String {
    s.setting("vault_id")
}

#[test]
fn a_keychain_secret_lives_in_the_secret_service_and_never_in_the_vault() {
    if !keyring_ready() {
        return;
    }
    let (s, identity) = Sandbox::with_identity_file();
    let value = "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";
    s.ok(&["set", "GITHUB_TOKEN", "--store", "keychain"], value.as_bytes());
    let account = format!("{}/default/GITHUB_TOKEN", vault_id(&s));

    // The Secret Service holds it under service `latchkey` and our account.
    let found = secret_tool_search(&["--all", "service", "latchkey"]);
    assert!(found.contains(&format!("attribute.username = {account}")), "{found}");
    assert_eq!(
        secret_tool(&["lookup", "service", "latchkey", "username", &account]),
        (true, value.to_owned())
    );

    // The vault records only the reference.
    let doc = decrypt_with_age(&s, &identity);
    assert!(doc.contains(&format!("keychain_account = \"{account}\"")), "{doc}");
    assert!(!doc.contains(value), "the vault holds the keychain value");

    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), value.as_bytes());
    let listed = s.list("default");
    assert_eq!(listed[0]["store"], "keychain");

    // Removing the variable removes the keychain entry.
    s.ok(&["rm", "GITHUB_TOKEN"], b"");
    assert_eq!(secret_tool(&["lookup", "service", "latchkey", "username", &account]), (false, String::new()));
}

#[test]
fn moving_a_value_from_the_keychain_to_the_vault_deletes_the_entry() {
    if !keyring_ready() {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    s.ok(&["set", "TOKEN", "--store", "keychain"], b"first-keychain-value");
    let account = format!("{}/default/TOKEN", vault_id(&s));
    assert_eq!(
        secret_tool(&["lookup", "service", "latchkey", "username", &account]),
        (true, "first-keychain-value".to_owned())
    );
    s.ok(&["set", "TOKEN", "--store", "vault"], b"now-in-the-vault");
    assert_eq!(s.ok(&["get", "TOKEN"], b""), b"now-in-the-vault");
    assert_eq!(secret_tool(&["lookup", "service", "latchkey", "username", &account]), (false, String::new()));
}

#[test]
fn init_keeps_the_identity_in_the_keychain_by_default() {
    if !keyring_ready() {
        return;
    }
    let s = Sandbox::new();
    let out = s.run(&["init"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the OS keychain"));
    let account = format!("{}/identity", vault_id(&s));
    let (found, line) = secret_tool(&["lookup", "service", "latchkey", "username", &account]);
    assert!(found, "the identity is not in the keychain");
    assert!(line.starts_with("AGE-SECRET-KEY-1"), "the identity is not in the keychain");
    // No identity file was written anywhere in the data directory.
    for entry in std::fs::read_dir(&s.home).unwrap() {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains("AGE-SECRET-KEY"));
    }
    s.ok(&["set", "OPENAI_API_KEY"], b"sk-proj-kept-in-the-vault-value");
    assert_eq!(s.ok(&["get", "OPENAI_API_KEY"], b""), b"sk-proj-kept-in-the-vault-value");

    // The exported identity opens the vault with the plain `age` tool.
    let exported = s.path("exported.txt");
    s.ok(&["identity", "export", "--out", exported.to_str().unwrap()], b"");
    assert!(decrypt_with_age(&s, &exported).contains("sk-proj-kept-in-the-vault-value"));
}

#[test]
fn a_locked_keychain_is_refused_with_the_identity_file_hint() {
    if !keyring_ready() {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    s.ok(&["set", "KEEP", "--store", "vault"], b"keep-this-value");
    let before = std::fs::read(s.home.join("vault.age")).unwrap();
    // A fresh private session whose keyring is locked before latchkey asks for it, so the
    // other tests' session stays unlocked.
    let script = format!(
        "gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
           --method org.freedesktop.Secret.Service.Lock \"[objectpath '/org/freedesktop/secrets/collection/login']\" >/dev/null \
         && printf %s ghp_lockedKeychainValue123 | LATCHKEY_HOME='{}' '{}' set LOCKED --store keychain",
        s.home.display(),
        latchkey_tests::latchkey_bin().display()
    );
    let script_path = concat!(env!("CARGO_MANIFEST_DIR"), "/with-keyring.sh");
    let out = Command::new(script_path)
        .env_remove("LATCHKEY_KEYRING_DIR")
        .args(["timeout", "30", "sh", "-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr.lines().find(|l| l.starts_with("latchkey: error:")).expect("an error line");
    assert!(line.contains("locked") && line.contains("--identity-file"), "{line}");
    assert!(!stderr.contains("ghp_lockedKeychainValue123"));
    assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "the vault changed");
}
