//! Interop with the stock `age` tool, both ways: nobody is locked in.

use std::process::{Command, Stdio};

use latchkey_tests::{Sandbox, have, require};
use std::io::Write;

fn age_ready() -> bool {
    require(have("age"), "the `age` command", "apt-get install age")
}

fn age(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new("age")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn recipient(s: &Sandbox) -> String {
    s.setting("recipient")
}

#[test]
fn age_decrypts_a_vault_that_latchkey_wrote() {
    if !age_ready() {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    s.ok(&["env", "add", "prod"], b"");
    s.ok(&["set", "OPENAI_API_KEY", "--env", "prod"], b"sk-proj-interop-value\n");
    s.ok(&["set", "MODEL", "--config", "--value", "gpt-5"], b"");
    let exported = s.path("exported-identity.txt");
    s.ok(&["identity", "export", "--out", exported.to_str().unwrap()], b"");

    let out = age(&["-d", "-i", exported.to_str().unwrap(), s.home.join("vault.age").to_str().unwrap()], b"");
    assert!(out.status.success(), "age failed: {}", String::from_utf8_lossy(&out.stderr));
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.starts_with("format = 1\n"), "{doc}");
    assert!(doc.contains("[environments.prod.variables.OPENAI_API_KEY]"), "{doc}");
    assert!(doc.contains("value = \"sk-proj-interop-value\""), "{doc}");
    assert!(doc.contains("value = \"gpt-5\""), "{doc}");
}

#[test]
fn latchkey_reads_a_vault_document_that_age_encrypted() {
    if !age_ready() {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    let settings = std::fs::read_to_string(s.home.join("settings.toml")).unwrap();
    let id =
        settings.lines().find_map(|l| l.strip_prefix("vault_id = ")).unwrap().trim_matches('"').to_owned();
    let doc = format!(
        "format = 1\nid = \"{id}\"\n\n[environments.default.variables.HAND_WRITTEN]\nkind = \"secret\"\nstore = \"vault\"\nvalue = \"written by hand, encrypted by age\"\ncreated = \"2026-01-02T03:04:05Z\"\nupdated = \"2026-01-02T03:04:05Z\"\nprovider = \"openai\"\n"
    );
    for armor in [false, true] {
        let recipient = recipient(&s);
        let mut args = vec!["-r", recipient.as_str()];
        if armor {
            args.push("-a");
        }
        let out = age(&args, doc.as_bytes());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(s.home.join("vault.age"), &out.stdout).unwrap();
        assert_eq!(s.ok(&["get", "HAND_WRITTEN"], b""), b"written by hand, encrypted by age");
        let listed = s.list("default");
        assert_eq!(listed[0]["provider"], "openai");
        assert_eq!(listed[0]["created"], "2026-01-02T03:04:05Z");
        // And latchkey keeps writing to it.
        s.ok(&["set", "AFTER"], b"value-after-age");
        assert_eq!(s.ok(&["get", "HAND_WRITTEN"], b""), b"written by hand, encrypted by age");
    }
}

#[test]
fn a_vault_from_a_newer_latchkey_is_refused_and_left_alone() {
    if !age_ready() {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    let doc = "format = 7\nid = \"lk-future\"\nsomething_new = true\n";
    let out = age(&["-r", &recipient(&s)], doc.as_bytes());
    std::fs::write(s.home.join("vault.age"), &out.stdout).unwrap();
    let before = out.stdout;
    for (args, stdin) in [(vec!["list"], &b""[..]), (vec!["set", "X"], &b"value-12345"[..])] {
        let out = s.run(&args, stdin);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("newer latchkey (format 7") && stderr.contains("upgrade latchkey"),
            "{stderr}"
        );
        assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "the vault changed");
    }
}

#[test]
fn a_passphrase_protected_identity_file_opens_with_age() {
    if !age_ready() {
        return;
    }
    // Go age reads passphrases only from a terminal; `script` gives it one.
    if !require(have("script"), "the `script` command", "apt-get install bsdutils") {
        return;
    }
    let s = Sandbox::new();
    s.ok(&["init", "--passphrase-stdin"], b"interop passphrase\n");
    let identity = s.home.join("identity.age");
    let cmd = format!(
        "(sleep 1; printf 'interop passphrase\\r') | script -qec \"age -d -o '{}' '{}'\" /dev/null",
        s.path("decrypted.txt").display(),
        identity.display()
    );
    let out = Command::new("sh").args(["-c", &cmd]).output().unwrap();
    let decrypted = std::fs::read_to_string(s.path("decrypted.txt"))
        .unwrap_or_else(|_| panic!("age did not decrypt: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(decrypted.contains("AGE-SECRET-KEY-1"));
    let out = age(
        &["-d", "-i", s.path("decrypted.txt").to_str().unwrap(), s.home.join("vault.age").to_str().unwrap()],
        b"",
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("format = 1"));
}
