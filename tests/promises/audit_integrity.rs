//! Promise: every grant and access is recorded, and `audit verify` says when the record
//! was cut, edited or damaged.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use latchkey_tests::Sandbox;
use serde_json::Value;

fn entries(s: &Sandbox) -> Vec<Value> {
    serde_json::from_slice::<Value>(&s.ok(&["audit", "--json"], b"")).unwrap().as_array().unwrap().clone()
}

fn with_gets(n: usize) -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "audited-secret-value-1");
    for _ in 0..n {
        s.ok(&["get", "API_TOKEN"], b"");
    }
    s
}

fn verify_fails_with(s: &Sandbox, expected: &str) {
    let out = s.run(&["audit", "verify"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "verify passed: {err}");
    assert!(err.contains(expected), "expected `{expected}`: {err}");
}

#[test]
fn a_grant_is_recorded_before_the_command_runs_even_if_latchkey_is_killed() {
    let s = with_gets(0);
    let out = s
        .command(&["run", "--", "sh", "-c", "kill -9 $PPID; sleep 1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "latchkey was meant to be killed");
    let log = entries(&s);
    let grant = log.iter().find(|e| e["access"] == "grant").expect("the grant left no trace");
    assert_eq!(grant["program"], "sh");
    assert_eq!(grant["names"], serde_json::json!(["API_TOKEN"]));
    assert!(grant.get("exit_code").is_none(), "a grant recorded before the start has no outcome: {grant}");
    s.ok(&["audit", "verify"], b"");
}

#[test]
fn the_outcome_of_a_run_is_a_second_entry_that_points_at_its_grant() {
    let s = with_gets(0);
    let out =
        s.command(&["run", "--", "sh", "-c", "exit 4", "secret-arg"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let log = entries(&s);
    let kinds: Vec<&str> = log.iter().map(|e| e["access"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["grant", "exit"]);
    assert_eq!(log[1]["grant"], log[0]["seq"]);
    assert_eq!(log[1]["exit_code"], 4);
    assert!(log[1]["pid"].as_u64().unwrap() > 0);
    let text = std::fs::read_to_string(s.home.join("audit.log")).unwrap();
    assert!(!text.contains("secret-arg"));
}

#[test]
fn the_arguments_digest_is_keyed_so_a_short_secret_cannot_be_guessed() {
    let s = with_gets(0);
    s.command(&["run", "--", "sh", "-c", "true", "1234"]).stdin(Stdio::null()).output().unwrap();
    let log = entries(&s);
    let digest = log[0]["args_hmac"].as_str().expect("the grant keys its arguments' digest").to_owned();
    let plain = Command::new("sh")
        .args(["-c", "printf '%s\\0%s\\0%s\\0' -c true 1234 | sha256sum"])
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert!(!plain.starts_with(&digest), "the digest is an unkeyed SHA-256 of the arguments");
}

#[test]
fn verify_fails_when_the_head_is_gone_and_the_log_was_cut() {
    let s = with_gets(12);
    let log = s.home.join("audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let first_ten: String = text.lines().take(10).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, first_ten).unwrap();
    std::fs::remove_file(s.home.join("audit.head")).unwrap();
    verify_fails_with(&s, "audit.head");
}

#[test]
fn verify_fails_when_both_files_are_gone_after_the_vault_saw_entries() {
    let s = with_gets(3);
    // Any write of the vault keeps the log's anchor.
    s.set("default", "OTHER", "other-value-123");
    std::fs::remove_file(s.home.join("audit.log")).unwrap();
    std::fs::remove_file(s.home.join("audit.head")).unwrap();
    verify_fails_with(&s, "entries");
}

#[test]
fn verify_fails_when_log_and_head_are_rolled_back_together() {
    let s = with_gets(3);
    let saved_log = std::fs::read(s.home.join("audit.log")).unwrap();
    let saved_head = std::fs::read(s.home.join("audit.head")).unwrap();
    for _ in 0..3 {
        s.ok(&["get", "API_TOKEN"], b"");
    }
    s.ok(&["audit", "verify"], b""); // a checkpoint of the anchor in the vault
    std::fs::write(s.home.join("audit.log"), saved_log).unwrap();
    std::fs::write(s.home.join("audit.head"), saved_head).unwrap();
    verify_fails_with(&s, "entries");
}

#[test]
fn a_damaged_last_line_never_panics_and_shows_in_verify() {
    let s = with_gets(2);
    let mut log = std::fs::OpenOptions::new().append(true).open(s.home.join("audit.log")).unwrap();
    std::io::Write::write_all(&mut log, b"garbage\n").unwrap();
    for _ in 0..2 {
        let out = s.run(&["get", "API_TOKEN"], b"");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let out = s.run(&["audit"], b"");
    assert_eq!(out.status.code(), Some(0));
    verify_fails_with(&s, "line 3");
}

#[test]
fn the_log_and_its_head_are_never_opened_through_a_symlink() {
    let s = with_gets(1);
    let elsewhere = s.path("elsewhere.log");
    std::fs::write(&elsewhere, "untouched\n").unwrap();
    std::fs::remove_file(s.home.join("audit.log")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.home.join("audit.log")).unwrap();
    let out = s.run(&["get", "API_TOKEN"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not recorded"));
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "untouched\n");

    let s = with_gets(1);
    let target = s.path("head-target");
    std::fs::write(&target, "untouched\n").unwrap();
    std::os::unix::fs::symlink(&target, s.home.join("audit.head.tmp")).unwrap();
    s.run(&["get", "API_TOKEN"], b"");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched\n");
}

#[test]
fn control_characters_in_recorded_paths_are_printed_escaped() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "audited-secret-value-1");
    let nasty = s.path("e\r\u{1b}[2Kz.env");
    s.ok(&["export", "--out", nasty.to_str().unwrap()], b"");
    for args in [&["audit"][..], &["exports"][..]] {
        let out = s.run(args, b"");
        let all = [out.stdout, out.stderr].concat();
        assert!(!all.contains(&b'\r') && !all.contains(&0x1b), "{args:?} printed raw control characters");
        assert!(String::from_utf8_lossy(&all).contains("z.env"), "{args:?}");
    }
}

#[test]
fn an_access_whose_grant_was_never_closed_shows_as_such() {
    let s = with_gets(0);
    let mut child = s
        .command(&["run", "--", "sh", "-c", "sleep 30"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while entries(&s).is_empty() {
        assert!(Instant::now() < deadline, "no grant was recorded while the command runs");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let text = String::from_utf8(s.ok(&["audit"], b"")).unwrap();
    assert!(text.contains("no exit recorded"), "{text}");
}
