//! Promise: a secret never reaches an agent's output in a form a person could read.
//!
//! Each test is an attack the adversarial review tried (issue "Every promise holds under
//! attack"): line-ending translation on a terminal, a line of a multi-line value, one
//! secret inside another, a part of a composed value, a write to `/dev/tty`, a secret
//! the run was not given.

use std::process::Stdio;

use latchkey_tests::{Sandbox, in_terminal};

const TOKEN: &str = "tok-abcdef-123456";
const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\nggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiW\n-----END PRIVATE KEY-----";
const PEM_BODY: [&str; 2] = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw", "ggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiW"];

fn sandbox() -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "MY_TOKEN", TOKEN);
    s.set("default", "TLS_PRIVATE_KEY", PEM);
    s
}

/// `latchkey run ARGS -- sh -c SCRIPT` through pipes: (stdout, stderr).
fn piped(s: &Sandbox, args: &[&str], script: &str) -> (String, String) {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--", "sh", "-c", script]);
    let out = s.command(&all).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn assert_no_pem(text: &str) {
    for line in PEM_BODY {
        assert!(!text.contains(line), "a line of the private key was shown: {text:?}");
    }
}

#[test]
fn a_multi_line_secret_is_masked_on_a_terminal_despite_crlf_translation() {
    let s = sandbox();
    let shown = in_terminal(
        &s,
        &["run", "--only", "TLS_PRIVATE_KEY", "--", "sh", "-c", "printf '%s\\n' \"$TLS_PRIVATE_KEY\""],
        "",
    );
    assert_no_pem(&shown);
    assert!(shown.contains("<latchkey:TLS_PRIVATE_KEY>"), "{shown:?}");
}

#[test]
fn each_line_of_a_multi_line_secret_is_masked_on_its_own() {
    let s = sandbox();
    let (out, _) = piped(
        &s,
        &[],
        "printf '%s\\n' \"$TLS_PRIVATE_KEY\" | sed -n 3p; printf '%s\\n' \"$TLS_PRIVATE_KEY\" | tac",
    );
    assert_no_pem(&out);
    assert!(out.starts_with("<latchkey:TLS_PRIVATE_KEY>\n"), "{out:?}");
}

#[test]
fn the_longest_secret_wins_when_one_contains_another() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "OUTER", "sk-live-OUTERprefix0123-INNERsecret9876-tail");
    s.set("default", "INNER", "INNERsecret9876");
    let (out, _) = piped(&s, &[], "echo \"$OUTER\"; echo \"$INNER\"");
    assert_eq!(out, "<latchkey:OUTER>\n<latchkey:INNER>\n");
}

#[test]
fn each_secret_referenced_inside_a_composed_value_is_masked() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "DB_PASSWORD", "correct-horse-battery");
    let template = s.path(".env.latchkey");
    std::fs::write(&template, "DB_URL=postgres://app:latchkey://default/DB_PASSWORD@db/app\n").unwrap();
    let (out, _) = piped(
        &s,
        &["--env-file", template.to_str().unwrap()],
        "echo \"$DB_URL\"; echo \"${DB_URL#postgres://app:}\"",
    );
    assert!(!out.contains("correct-horse-battery"), "{out}");
    assert_eq!(out, "<latchkey:DB_URL>\n<latchkey:DB_PASSWORD>@db/app\n");
}

#[test]
fn writing_to_dev_tty_does_not_bypass_masking_in_pipe_mode() {
    let s = sandbox();
    let out_file = s.path("out.txt");
    let shown = in_terminal(
        &s,
        &["run", "--", "sh", "-c", "echo \"tty:$MY_TOKEN\" >/dev/tty; echo \"out:$MY_TOKEN\""],
        &format!(">{}", out_file.display()),
    );
    assert!(!shown.contains(TOKEN), "/dev/tty showed the token: {shown:?}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(written, "out:<latchkey:MY_TOKEN>\n");
    assert!(
        shown.contains("tty:<latchkey:MY_TOKEN>") || shown.contains("/dev/tty"),
        "the write to /dev/tty neither arrived masked nor failed: {shown:?}"
    );
}

#[test]
fn every_secret_of_the_environment_is_masked_not_only_the_injected_ones() {
    let s = sandbox();
    let leaked = s.path("leaked.txt");
    std::fs::write(&leaked, format!("found {TOKEN} on disk\n")).unwrap();
    let (out, _) = piped(&s, &["--only", "TLS_PRIVATE_KEY"], &format!("cat {}", leaked.display()));
    assert_eq!(out, "found <latchkey:MY_TOKEN> on disk\n");
}

#[test]
fn a_profiled_agent_gets_no_latchkey_variables_and_cannot_read_the_vault() {
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "MY_TOKEN", TOKEN);
    s.set("default", "OTHER_TOKEN", "other-secret-value-42");
    s.ok(&["profile", "add", "coder", "--env", "default", "--vars", "MY_TOKEN"], b"");
    let out = s
        .command(&[
            "run",
            "--profile",
            "coder",
            "--",
            "sh",
            "-c",
            "env | grep -c '^LATCHKEY_' ; latchkey export --format shell 2>/dev/null; true",
        ])
        .env("LATCHKEY_IDENTITY", &identity)
        .env("PATH", latchkey_tests::path_with_latchkey())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("0\n"), "LATCHKEY_* variables reached the agent: {text}");
    assert!(!text.contains("other-secret-value-42") && !text.contains(TOKEN), "{text}");
}
