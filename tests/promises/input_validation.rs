//! Promise: every way a value gets in is checked the same way, and bad input is refused
//! with one line that says what to do, changing nothing.

use std::process::Stdio;

use latchkey_tests::Sandbox;

fn one_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "expected one line: {text:?}");
    text
}

/// The error line, after whatever preview came before it.
fn error_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().to_owned();
    assert!(line.starts_with("latchkey: error: "), "{text}");
    line
}

#[test]
fn import_refuses_what_set_refuses_and_imports_nothing() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "KEEP", "keep-this-value");
    let before = std::fs::read(s.home.join("vault.age")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 2] = [
        ("nul.env", b"GOOD=fine-value-1\nBAD=\"a\\x00b\"\nNUL_RAW=a\0b\n".to_vec(), "NUL"),
        (
            "huge.env",
            format!("GOOD=fine-value-1\nHUGE={}\n", "a".repeat(64 * 1024 + 1)).into_bytes(),
            "64 KiB",
        ),
    ];
    for (file, content, expected) in cases {
        let path = s.path(file);
        std::fs::write(&path, content).unwrap();
        let out = s.run(&["import", path.to_str().unwrap(), "--yes"], b"");
        assert_eq!(out.status.code(), Some(1), "{file} was imported");
        let err = error_line(&out.stderr);
        assert!(err.contains(expected), "{file}: {err}");
        assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "{file} changed the vault");
    }
    // `run` keeps working in that environment.
    let out = s.command(&["run", "--", "true"]).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success());
}

#[test]
fn a_dotenv_error_never_echoes_text_from_the_line() {
    let (s, _) = Sandbox::with_identity_file();
    let token = format!("ghp_{}", "A1b2C3d4E5".repeat(4).get(..36).unwrap());
    let path = s.path("leaky.env");
    std::fs::write(&path, format!("OK=1\n{token} oops\n")).unwrap();
    let out = s.run(&["import", path.to_str().unwrap(), "--yes"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = error_line(&out.stderr);
    assert!(err.contains("line 2"), "{err}");
    assert!(!err.contains("ghp_"), "the error echoed the line: {err}");
}

#[test]
fn a_hand_edited_vault_is_refused_without_showing_a_value() {
    if !latchkey_tests::require(latchkey_tests::have("age"), "the age CLI", "apt-get install age") {
        return;
    }
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "sk-proj-LEAKsecretvalue0123456789");
    let vault = s.home.join("vault.age");
    let plain =
        std::process::Command::new("age").arg("-d").arg("-i").arg(&identity).arg(&vault).output().unwrap();
    let text = String::from_utf8(plain.stdout).unwrap();
    let edited = text.replace("kind = \"secret\"", "kind = \"sk-proj-LEAKkindvalue0123\"");
    assert_ne!(edited, text);
    let mut age = std::process::Command::new("age")
        .args(["-r", &s.setting("recipient"), "-o"])
        .arg(&vault)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut age.stdin.take().unwrap(), edited.as_bytes()).unwrap();
    assert!(age.wait().unwrap().success());
    let out = s.run(&["list"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = one_line(&out.stderr);
    assert!(!err.contains("LEAK"), "the decode error shows a value: {err}");
    assert!(err.contains("kind"), "the error names the field: {err}");
}

#[test]
fn names_are_refused_without_being_echoed() {
    let (s, _) = Sandbox::with_identity_file();
    let long = "A".repeat(20_000);
    let out = s.run(&["set", &long, "--force"], b"value-123456");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 2_000, "the refused name was echoed ({} bytes)", out.stderr.len());
    // A key pasted where a name goes is not shown back either.
    let out = s.run(&["get", "sk-proj-pasted-key-0123456789"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("pasted-key"));
    let out = s.run(&["env", "add", "Bad Env"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("a environment"), "{err}");
}

#[test]
fn an_empty_latchkey_env_means_the_default_environment() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "default-value-123");
    let out = s.command(&["get", "API_TOKEN"]).env("LATCHKEY_ENV", "").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"default-value-123");
}

#[test]
fn import_never_runs_a_command_substitution() {
    let (s, _) = Sandbox::with_identity_file();
    let marker = s.path("ran");
    let path = s.path("sub.env");
    std::fs::write(
        &path,
        format!("A=$(touch {m})\nB=\"$(touch {m})\"\nC=`touch {m}`\n", m = marker.display()),
    )
    .unwrap();
    s.ok(&["import", path.to_str().unwrap(), "--yes", "--all-secret"], b"");
    assert!(!marker.exists(), "import ran a command");
    assert_eq!(s.ok(&["get", "A"], b""), format!("$(touch {})", marker.display()).as_bytes());
}

#[test]
fn import_writes_all_or_nothing_when_it_fails_partway() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "TAKEN", "existing-value-1");
    let path = s.path("partial.env");
    std::fs::write(&path, "FIRST=first-value-1\nTAKEN=other-value-2\nLAST=last-value-3\n").unwrap();
    let out = s.run(&["import", path.to_str().unwrap(), "--yes"], b"");
    assert_eq!(out.status.code(), Some(1));
    let names: Vec<String> =
        s.list("default").iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["TAKEN"], "a failed import left some entries behind");
}
