//! Promise: no value leaves latchkey except where it was asked to go. A launched command
//! gets the variables granted to it and none of the shell's secrets; nothing latchkey
//! prints holds a value.

use std::process::Stdio;

use latchkey_tests::{Sandbox, corpus_key};

/// Runs `sh -c 'env'` through `latchkey run --no-mask` with these parent variables and
/// returns the names the command saw, and latchkey's stderr.
fn child_names(s: &Sandbox, parent: &[(&str, &str)], extra_env: &[(&str, &str)]) -> (Vec<String>, String) {
    let mut cmd = s.command(&["run", "--no-mask", "--", "sh", "-c", "env"]);
    for (k, v) in parent.iter().chain(extra_env) {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let names = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('=').map(|(n, _)| n.to_owned()))
        .collect();
    (names, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn common_secret_names_of_the_shell_are_withheld() {
    let (s, _) = Sandbox::with_identity_file();
    let sensitive = [
        "OPENAI_API_KEY_2",
        "SECRET_KEY_BASE",
        "STRIPE_SECRET_KEY_LIVE",
        "MYSQL_PWD",
        "TOKEN",
        "GH_PAT",
        "API_SECRETS",
        "OPENAI_APIKEY",
        "PRIVATE_KEY_PEM",
        "SLACK_WEBHOOK_URL",
        "SSH_AUTH_SOCK",
    ];
    let mut parent: Vec<(&str, &str)> = sensitive.iter().map(|n| (*n, "parent-value-123")).collect();
    parent.push(("DATABASE_URL", "postgres://app:hunter2-password@db.internal/app"));
    let ordinary =
        [("PWD", "/tmp"), ("KEYBOARD", "us"), ("TOKENIZER_PATH", "/opt/tok"), ("SESSION_MANAGER", "x")];
    let (names, err) = child_names(&s, &parent, &ordinary);
    for n in sensitive.iter().chain(["DATABASE_URL"].iter()) {
        assert!(!names.contains(&n.to_string()), "{n} reached the command");
        assert!(err.contains(n), "{n} is not named as withheld: {err}");
    }
    for (n, _) in ordinary {
        assert!(names.contains(&n.to_string()), "{n} was withheld, but it is not a secret");
    }
}

#[test]
fn a_parent_value_shaped_like_a_providers_key_is_withheld_whatever_its_name() {
    let (s, _) = Sandbox::with_identity_file();
    let key = corpus_key("github", 0);
    let (names, err) = child_names(&s, &[("HARMLESS_LOOKING", &key)], &[]);
    assert!(!names.contains(&"HARMLESS_LOOKING".to_owned()), "a GitHub token reached the command");
    assert!(err.contains("HARMLESS_LOOKING"), "{err}");
}

#[test]
fn latchkey_withhold_adds_patterns_and_removing_a_default_is_explicit_and_said() {
    let (s, _) = Sandbox::with_identity_file();
    let parent = [("OLD_API_KEY", "parent-secret-1"), ("CORP_VAULT_ADDR", "https://vault.corp.example")];
    // An empty or comma-only list changes nothing.
    let (names, _) = child_names(&s, &parent, &[("LATCHKEY_WITHHOLD", ",")]);
    assert!(!names.contains(&"OLD_API_KEY".to_owned()), "LATCHKEY_WITHHOLD=, disabled withholding");
    // Patterns add to the defaults.
    let (names, _) = child_names(&s, &parent, &[("LATCHKEY_WITHHOLD", "CORP_*")]);
    assert!(!names.contains(&"OLD_API_KEY".to_owned()) && !names.contains(&"CORP_VAULT_ADDR".to_owned()));
    // `-RULE` removes a default rule, and the run says so.
    let (names, err) = child_names(&s, &parent, &[("LATCHKEY_WITHHOLD", "-KEY")]);
    assert!(names.contains(&"OLD_API_KEY".to_owned()), "{err}");
    assert!(err.contains("not withholding KEY") && err.contains("LATCHKEY_WITHHOLD"), "{err}");
}

#[test]
fn latchkeys_own_variables_never_reach_a_command() {
    let (s, identity) = Sandbox::with_identity_file();
    let mut cmd = s.command(&["run", "--", "sh", "-c", "env"]);
    cmd.env("LATCHKEY_IDENTITY", &identity).env("LATCHKEY_ENV", "default").env("LATCHKEY_CONFIG_DIR", "/tmp");
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("LATCHKEY_"), "{text}");
}

#[test]
fn git_messages_never_reach_stderr() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "a-value-123456");
    // Outside any work tree, git prints `fatal: not a git repository`.
    let out = s.run(&["export", "--out", s.path("x.env").to_str().unwrap()], b"");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("fatal:"));
}
