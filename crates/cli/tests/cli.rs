//! The `latchkey` binary, run as a user would, in a temporary LATCHKEY_HOME.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

/// A temporary data directory with a vault whose identity is a plain file.
struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    identity: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let identity = dir.path().join("identity.txt");
        let sandbox = Sandbox { home, identity, _dir: dir };
        sandbox.cmd(&["init", "--identity-file", sandbox.identity.to_str().unwrap()]).assert().success();
        sandbox
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("latchkey").unwrap();
        cmd.env_clear()
            .env("LATCHKEY_HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            // No keychain is reachable from these tests: they must never touch a real one.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-test-bus")
            .args(args);
        cmd
    }

    fn set(&self, name: &str, value: &[u8], extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut args = vec!["set", name];
        args.extend_from_slice(extra);
        self.cmd(&args).write_stdin(value.to_vec()).assert()
    }

    fn get(&self, name: &str, extra: &[&str]) -> Vec<u8> {
        let mut args = vec!["get", name];
        args.extend_from_slice(extra);
        self.cmd(&args).assert().success().get_output().stdout.clone()
    }

    fn vault_bytes(&self) -> Vec<u8> {
        fs::read(self.home.join("vault.age")).unwrap()
    }
}

fn one_line_error(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "error should be one line: {text:?}");
    assert!(text.starts_with("latchkey: error: "), "{text:?}");
    text
}

#[test]
fn set_then_get_returns_the_exact_value_without_a_newline_on_a_pipe() {
    let s = Sandbox::new();
    s.set("OPENAI_API_KEY", b"sk-proj-abc123\n", &[]).success().stderr(contains("Stored OPENAI_API_KEY"));
    assert_eq!(s.get("OPENAI_API_KEY", &[]), b"sk-proj-abc123");
    // Values with inner newlines, quotes, spaces and unicode survive.
    let tricky = "  line1\n\"quoted\" 'single' $HOME \\ = # ünïcødé  ";
    s.set("TRICKY", tricky.as_bytes(), &[]).success();
    assert_eq!(s.get("TRICKY", &[]), tricky.as_bytes());
}

#[test]
fn setting_again_updates_and_keeps_one_variable() {
    let s = Sandbox::new();
    s.set("K", b"first-value", &[]).success();
    s.set("K", b"second-value", &[]).success().stderr(contains("Updated K"));
    assert_eq!(s.get("K", &[]), b"second-value");
    let json = s.cmd(&["list", "--json"]).assert().success().get_output().stdout.clone();
    let list: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn list_shows_metadata_and_never_values() {
    let s = Sandbox::new();
    s.set("OPENAI_API_KEY", b"sk-super-secret-value", &["--provider", "openai", "--notes", "team key"])
        .success();
    s.cmd(&["set", "OPENAI_BASE_URL", "--config", "--value", "https://api.example.test/v1"])
        .assert()
        .success();
    let out = s.cmd(&["list"]).assert().success().get_output().stdout.clone();
    let table = String::from_utf8(out).unwrap();
    assert!(table.contains("OPENAI_API_KEY") && table.contains("openai") && table.contains("config"));
    assert!(!table.contains("sk-super-secret-value") && !table.contains("api.example.test"), "{table}");

    let json = s.cmd(&["list", "--json"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(json.clone()).unwrap();
    assert!(!text.contains("sk-super-secret-value") && !text.contains("api.example.test"), "{text}");
    let list: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let key = &list.as_array().unwrap()[0];
    assert_eq!(key["name"], "OPENAI_API_KEY");
    assert_eq!(key["kind"], "secret");
    assert_eq!(key["store"], "vault");
    assert_eq!(key["provider"], "openai");
    assert_eq!(key["notes"], "team key");
    assert!(key["created"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn environments_keep_their_variables_apart() {
    let s = Sandbox::new();
    s.cmd(&["env", "add", "prod"]).assert().success();
    s.set("KEY", b"dev-value-1", &[]).success();
    s.set("KEY", b"prod-value-1", &["--env", "prod"]).success();
    assert_eq!(s.get("KEY", &[]), b"dev-value-1");
    assert_eq!(s.get("KEY", &["--env", "prod"]), b"prod-value-1");
    let mut cmd = s.cmd(&["get", "KEY"]);
    cmd.env("LATCHKEY_ENV", "prod");
    assert_eq!(cmd.assert().success().get_output().stdout, b"prod-value-1");
    s.cmd(&["env", "list"])
        .assert()
        .success()
        .stdout(contains("default\t1 variable\n"))
        .stdout(contains("prod\t1 variable\n"));
}

#[test]
fn removing_an_environment_with_variables_needs_force() {
    let s = Sandbox::new();
    s.cmd(&["env", "add", "staging"]).assert().success();
    s.set("KEY", b"value-12345", &["--env", "staging"]).success();
    let out = s.cmd(&["env", "rm", "staging"]).assert().code(1).get_output().stderr.clone();
    assert!(one_line_error(&out).contains("--force"));
    assert_eq!(s.get("KEY", &["--env", "staging"]), b"value-12345");
    s.cmd(&["env", "rm", "staging", "--force"]).assert().success();
    s.cmd(&["get", "KEY", "--env", "staging"])
        .assert()
        .code(1)
        .stderr(contains("no environment named `staging`"));
    s.cmd(&["env", "rm", "default"]).assert().code(1).stderr(contains("cannot be removed"));
}

#[test]
fn rm_removes_only_the_named_variable() {
    let s = Sandbox::new();
    s.set("A", b"value-aaaa", &[]).success();
    s.set("B", b"value-bbbb", &[]).success();
    s.cmd(&["rm", "A"]).assert().success();
    s.cmd(&["get", "A"]).assert().code(1).stderr(contains("no variable `A`"));
    assert_eq!(s.get("B", &[]), b"value-bbbb");
    s.cmd(&["rm", "A"]).assert().code(1).stderr(contains("nothing was removed"));
}

#[test]
fn bad_input_is_refused_and_nothing_is_stored() {
    let s = Sandbox::new();
    s.set("KEEP", b"keep-this-value", &[]).success();
    let before = s.vault_bytes();
    let refused: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        ("EMPTY", b"".to_vec(), vec![], "empty"),
        ("NEWLINE_ONLY", b"\n".to_vec(), vec![], "empty"),
        ("HUGE", vec![b'a'; 64 * 1024 + 1], vec![], "64 KiB"),
        ("NUL", b"abc\0def".to_vec(), vec![], "NUL"),
        ("LATIN1", vec![0x73, 0x6b, 0xe9, 0xff], vec![], "UTF-8"),
        ("UNKNOWN_ENV", b"value-1234".to_vec(), vec!["--env", "nope"], "latchkey env add nope"),
    ];
    for (name, value, extra, expected) in refused {
        let out = s.set(name, &value, &extra).code(1).get_output().stderr.clone();
        let message = one_line_error(&out);
        assert!(message.contains(expected), "{name}: {message}");
        assert_eq!(s.vault_bytes(), before, "{name} changed the vault");
    }
    // A value of exactly 64 KiB is fine.
    s.set("MAX", &vec![b'a'; 64 * 1024], &["--force"]).success();
}

#[test]
fn invalid_names_and_misuse_are_usage_errors() {
    let s = Sandbox::new();
    let before = s.vault_bytes();
    for args in [
        vec!["set", "1BAD"],
        vec!["set", "BAD-NAME"],
        vec!["set", "OK", "--value", "secret-on-argv"],
        vec!["get"],
        vec!["env", "add", "Prod"],
        vec!["frobnicate"],
    ] {
        s.cmd(&args).write_stdin("value-123").assert().code(2);
    }
    s.cmd(&["set", "BAD-NAME"])
        .write_stdin("x")
        .assert()
        .stderr(contains("use only letters, digits and `_`"));
    assert_eq!(s.vault_bytes(), before);
}

#[test]
fn init_refuses_an_existing_vault_and_changes_nothing() {
    let s = Sandbox::new();
    s.set("KEY", b"value-12345", &[]).success();
    let before = s.vault_bytes();
    let other = s.home.parent().unwrap().join("other-identity.txt");
    let out = s
        .cmd(&["init", "--identity-file", other.to_str().unwrap()])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(one_line_error(&out).contains("already exists"));
    assert_eq!(s.vault_bytes(), before);
    assert!(!other.exists(), "a refused init must not leave an identity file");
}

#[test]
fn init_never_overwrites_an_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let identity = dir.path().join("id.txt");
    fs::write(&identity, "precious").unwrap();
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env("LATCHKEY_HOME", dir.path().join("home"))
        .args(["init", "--identity-file", identity.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("never overwrites"));
    assert_eq!(fs::read_to_string(&identity).unwrap(), "precious");
    assert!(!dir.path().join("home/vault.age").exists());
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    s.set("KEY", b"value-12345", &[]).success();
    s.set("KEY", b"value-67890", &[]).success();
    let mode = |p: PathBuf| fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(s.home.clone()), 0o700);
    s.cmd(&["get", "KEY"]).assert().success();
    for name in ["vault.age", "vault.age.bak", "settings.toml", "audit.log", "audit.head"] {
        assert_eq!(mode(s.home.join(name)), 0o600, "{name}");
    }
    assert_eq!(mode(s.identity.clone()), 0o600);
}

#[test]
fn the_previous_version_is_kept_as_a_backup() {
    let s = Sandbox::new();
    s.set("KEY", b"version-one", &[]).success();
    s.set("KEY", b"version-two", &[]).success();
    // Restoring the backup brings the previous value back.
    fs::copy(s.home.join("vault.age.bak"), s.home.join("vault.age")).unwrap();
    assert_eq!(s.get("KEY", &[]), b"version-one");
}

#[test]
fn a_damaged_vault_gives_one_clear_line_and_is_left_alone() {
    let s = Sandbox::new();
    s.set("KEY", b"value-12345", &[]).success();
    let good = s.vault_bytes();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("flipped", {
            let mut b = good.clone();
            let i = b.len() - 20;
            b[i] ^= 0x55;
            b
        }),
        ("garbage", b"this is not an age file".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        fs::write(s.home.join("vault.age"), &bytes).unwrap();
        for args in [vec!["get", "KEY"], vec!["list"]] {
            let out = s.cmd(&args).assert().code(1).get_output().stderr.clone();
            let message = one_line_error(&out);
            assert!(message.contains("damaged"), "{what}: {message}");
            assert!(message.contains("vault.age.bak"), "{what}: {message}");
        }
        s.set("NEW", b"value-new-1", &[]).code(1);
        assert_eq!(s.vault_bytes(), bytes, "{what}: a failed write changed the file");
    }
}

#[test]
fn a_wrong_identity_is_refused_clearly() {
    let s = Sandbox::new();
    s.set("KEY", b"value-12345", &[]).success();
    let before = s.vault_bytes();
    let other = Sandbox::new();
    let mut cmd = s.cmd(&["get", "KEY"]);
    cmd.env("LATCHKEY_IDENTITY", &other.identity);
    let out = cmd.assert().code(1).get_output().stderr.clone();
    let message = one_line_error(&out);
    assert!(message.contains("does not open this vault"), "{message}");
    let mut cmd = s.cmd(&["set", "OTHER"]);
    cmd.env("LATCHKEY_IDENTITY", &other.identity).write_stdin("value-999999").assert().code(1);
    assert_eq!(s.vault_bytes(), before);
}

#[test]
fn a_missing_keychain_is_reported_with_the_identity_file_hint() {
    let s = Sandbox::new();
    let before = s.vault_bytes();
    let out = s
        .set("GH_TOKEN", b"ghp_value_1234567890", &["--store", "keychain"])
        .code(1)
        .get_output()
        .stderr
        .clone();
    let message = one_line_error(&out);
    assert!(message.contains("keychain") && message.contains("--identity-file"), "{message}");
    assert_eq!(s.vault_bytes(), before);

    // `init` without flags wants the keychain; with none and no terminal, it says what to do.
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env("LATCHKEY_HOME", dir.path().join("home"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-test-bus")
        .arg("init");
    let out = cmd.assert().code(1).get_output().stderr.clone();
    assert!(one_line_error(&out).contains("--identity-file"));
    assert!(!dir.path().join("home/vault.age").exists());
}

#[test]
fn an_uninitialised_home_says_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env("LATCHKEY_HOME", dir.path()).args(["list"]);
    let out = cmd.assert().code(1).get_output().stderr.clone();
    assert!(one_line_error(&out).contains("run `latchkey init`"));
}

#[test]
fn a_passphrase_protected_identity_is_not_stored_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env("LATCHKEY_HOME", &home)
        .args(["init", "--passphrase-stdin"])
        .write_stdin("correct horse battery\n");
    cmd.assert().success().stderr(contains("protected by your passphrase"));
    let file = fs::read(home.join("identity.age")).unwrap();
    assert!(file.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!String::from_utf8_lossy(&file).contains("AGE-SECRET-KEY"));
    // With no terminal to ask on, unlocking says why it cannot.
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env("LATCHKEY_HOME", &home).args(["list"]);
    let out = cmd.assert().code(1).get_output().stderr.clone();
    assert!(one_line_error(&out).contains("passphrase"));
}

#[test]
fn every_verb_shows_an_example_in_its_help() {
    // Every command and subcommand `--help` lists, found from the help itself, so a new
    // verb without an example fails here.
    fn subcommands(help: &str) -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .filter(|c| c != "help")
            .collect()
    }
    let s = Sandbox::new();
    let mut pending: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    let mut missing = Vec::new();
    while let Some(verb) = pending.pop() {
        let mut args: Vec<&str> = verb.iter().map(String::as_str).collect();
        args.push("--help");
        let out = s.cmd(&args).assert().success().get_output().stdout.clone();
        let help = String::from_utf8(out).unwrap();
        if !(help.contains("Example") && help.contains("latchkey ")) {
            missing.push(verb.join(" "));
        }
        for sub in subcommands(&help) {
            let mut next = verb.clone();
            next.push(sub);
            pending.push(next);
        }
        seen += 1;
    }
    assert!(seen > 25, "only {seen} commands were found in --help");
    assert!(missing.is_empty(), "no example in the help of: {missing:?}");
}

#[test]
fn identity_export_writes_a_private_file_once() {
    let s = Sandbox::new();
    let out = s.home.parent().unwrap().join("exported.txt");
    s.cmd(&["identity", "export", "--out", out.to_str().unwrap()]).assert().success();
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("AGE-SECRET-KEY-1"));
    let key_line = |t: &str| t.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).unwrap().to_owned();
    assert_eq!(key_line(&text), key_line(&fs::read_to_string(&s.identity).unwrap()));
    s.cmd(&["identity", "export", "--out", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

/// A GitHub classic token with a correct CRC32/base62 checksum, built here from its parts.
const GITHUB_TOKEN: &str = "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";

#[test]
fn set_refuses_placeholders_and_bad_checksums_unless_forced() {
    let s = Sandbox::new();
    let before = s.vault_bytes();
    for (name, value, expected) in [
        ("OPENAI_API_KEY", "your-openai-api-key-here", "placeholder"),
        ("OPENAI_API_KEY", "${OPENAI_API_KEY}", "placeholder"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "placeholder"),
        ("GITHUB_TOKEN", "ghp_Q9vT2mLx8RkW4nZc7HbJ1yPdF5sGa32G4Yvv", "checksum"),
    ] {
        let out = s.set(name, value.as_bytes(), &[]).code(1).get_output().stderr.clone();
        let message = one_line_error(&out);
        assert!(message.contains(expected) && message.contains("--force"), "{value}: {message}");
        assert!(!message.contains(value), "the error quoted the value: {message}");
        assert_eq!(s.vault_bytes(), before, "{value} changed the vault");
    }
    s.set("OPENAI_API_KEY", b"your-openai-api-key-here", &["--force"]).success();
    assert_eq!(s.get("OPENAI_API_KEY", &[]), b"your-openai-api-key-here");
}

#[test]
fn set_detects_the_provider_and_warns_about_the_rest() {
    let s = Sandbox::new();
    s.set("GITHUB_TOKEN", GITHUB_TOKEN.as_bytes(), &[]).success().stderr(contains("(secret, vault, github)"));
    // A GitHub token in the OpenAI variable: refused, naming both (its clients would send
    // it to the wrong service), and stored with --force, with the warning.
    let before = s.vault_bytes();
    s.set("OPENAI_API_KEY", GITHUB_TOKEN.as_bytes(), &[])
        .code(1)
        .stderr(contains("this looks like a GitHub key, but OPENAI_API_KEY is where OpenAI keys go"));
    assert_eq!(s.vault_bytes(), before, "a refused key changed the vault");
    s.set("OPENAI_API_KEY", GITHUB_TOKEN.as_bytes(), &["--force"]).success().stderr(contains(
        "warning: OPENAI_API_KEY: this looks like a GitHub key, but OPENAI_API_KEY is where OpenAI keys go",
    ));
    let listed = s.cmd(&["list"]).assert().success().get_output().stdout.clone();
    let listed = String::from_utf8(listed).unwrap();
    assert!(listed.contains("invalid: provider_mismatch"), "{listed}");
    assert!(listed.contains("format ok"), "{listed}");
}

#[test]
fn surrounding_whitespace_is_warned_about_and_trimmed_on_request() {
    let s = Sandbox::new();
    let quoted = format!("\"{GITHUB_TOKEN}\"");
    s.set("GITHUB_TOKEN", quoted.as_bytes(), &[]).success().stderr(contains("--trim"));
    assert_eq!(s.get("GITHUB_TOKEN", &[]), quoted.as_bytes(), "without --trim the value is kept as given");
    s.set("GITHUB_TOKEN", format!("  {GITHUB_TOKEN} \t\n").as_bytes(), &["--trim"]).success();
    assert_eq!(s.get("GITHUB_TOKEN", &[]), GITHUB_TOKEN.as_bytes());
}

#[test]
fn config_is_checked_as_config() {
    let s = Sandbox::new();
    s.cmd(&["set", "OPENAI_MODEL", "--config", "--value", "gpt-4o"])
        .assert()
        .success()
        .stderr(contains("warning").not());
    s.cmd(&["set", "OPENAI_BASE_URL", "--config", "--value", "http://api.openai.com/v1"])
        .assert()
        .success()
        .stderr(contains("use https"));
}

#[test]
fn check_reports_every_variable_as_json_and_exits_1_on_anything_invalid() {
    let s = Sandbox::new();
    s.set("GITHUB_TOKEN", GITHUB_TOKEN.as_bytes(), &[]).success();
    s.cmd(&["set", "OPENAI_MODEL", "--config", "--value", "gpt-4o"]).assert().success();
    let out = s.cmd(&["check", "--json"]).assert().success().get_output().stdout.clone();
    let reports: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        reports,
        serde_json::json!([
            {"name": "GITHUB_TOKEN", "provider": "github", "format": "ok", "problems": [], "online": null, "status": null},
            {"name": "OPENAI_MODEL", "provider": null, "format": "unknown", "problems": [], "online": null, "status": null},
        ])
    );
    assert!(!String::from_utf8_lossy(&out).contains(GITHUB_TOKEN));
    s.set("SLACK_BOT_TOKEN", b"xoxb-changeme", &["--force"]).success();
    let out = s.cmd(&["check"]).assert().code(1).get_output().clone();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("SLACK_BOT_TOKEN") && table.contains("! placeholder:"), "{table}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 3 failed their checks: SLACK_BOT_TOKEN"));
    s.cmd(&["check", "NOPE"]).assert().code(1).stderr(contains("no variable `NOPE`"));
}

#[test]
fn check_stdin_needs_no_vault_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut cmd = Command::cargo_bin("latchkey").unwrap();
        cmd.env_clear()
            .env("LATCHKEY_HOME", dir.path().join("none"))
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
    };
    let out = run(&["check", "--stdin", "--as", "GITHUB_TOKEN", "--json"], GITHUB_TOKEN)
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["provider"], "github");
    assert_eq!(report["format"], "ok");
    let out = run(&["check", "--stdin", "--as", "OPENAI_API_KEY", "--json"], GITHUB_TOKEN)
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["problems"][0]["code"], "provider_mismatch");
    run(&["check", "--stdin"], "hunter2hunter2hunter2").code(1).stdout(contains("low_entropy"));
    assert!(!dir.path().join("none").exists(), "check --stdin created a data directory");
}

#[test]
fn an_environment_sees_what_it_extends_unless_it_overrides_it() {
    let s = Sandbox::new();
    s.cmd(&["set", "LOG_LEVEL", "--config", "--value", "debug"]).assert().success();
    s.cmd(&["set", "OPENAI_MODEL", "--config", "--value", "gpt-4o-mini"]).assert().success();
    s.cmd(&["env", "add", "prod", "--extends", "default"])
        .assert()
        .success()
        .stderr(contains("extending `default`"));
    s.cmd(&["set", "LOG_LEVEL", "--env", "prod", "--config", "--value", "warn"]).assert().success();
    assert_eq!(s.get("LOG_LEVEL", &["--env", "prod"]), b"warn");
    assert_eq!(s.get("OPENAI_MODEL", &["--env", "prod"]), b"gpt-4o-mini");
    let out = s.cmd(&["list", "--env", "prod", "--json"]).assert().success().get_output().stdout.clone();
    let rows: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(rows[0]["name"], "LOG_LEVEL");
    assert!(rows[0].get("inherited_from").is_none());
    assert_eq!(rows[1]["name"], "OPENAI_MODEL");
    assert_eq!(rows[1]["inherited_from"], "default");
    let table =
        String::from_utf8(s.cmd(&["list", "--env", "prod"]).assert().success().get_output().stdout.clone())
            .unwrap();
    assert!(table.lines().any(|l| l.starts_with("OPENAI_MODEL") && l.contains(" default ")), "{table}");
    // An inherited variable is removed where it is defined.
    s.cmd(&["rm", "OPENAI_MODEL", "--env", "prod"])
        .assert()
        .code(1)
        .stderr(contains("inherited from `default`"));
    s.cmd(&["env", "list"]).assert().success().stdout(contains("prod\t1 variable\textends default"));
}

#[test]
fn extended_environments_are_kept_and_renames_carry_over() {
    let s = Sandbox::new();
    s.cmd(&["env", "add", "shared"]).assert().success();
    s.cmd(&["env", "add", "prod", "--extends", "shared"]).assert().success();
    s.cmd(&["env", "add", "x", "--extends", "nope"])
        .assert()
        .code(1)
        .stderr(contains("no environment named `nope`"));
    let before = s.vault_bytes();
    s.cmd(&["env", "rm", "shared", "--force"]).assert().code(1).stderr(contains("extended by `prod`"));
    assert_eq!(s.vault_bytes(), before);
    s.cmd(&["env", "rename", "shared", "base"]).assert().success();
    s.cmd(&["env", "list"]).assert().success().stdout(contains("prod\t0 variables\textends base"));
    s.cmd(&["env", "rename", "default", "main"]).assert().code(1).stderr(contains("cannot be renamed"));
}

#[test]
fn diff_names_what_differs_and_never_shows_values() {
    let s = Sandbox::new();
    s.cmd(&["env", "add", "prod"]).assert().success();
    for (env, name, value) in [
        ("default", "SHARED_TOKEN", "same-value-everywhere-1"),
        ("prod", "SHARED_TOKEN", "same-value-everywhere-1"),
        ("default", "DB_PASSWORD", "dev-password-value-1"),
        ("prod", "DB_PASSWORD", "prod-password-value-2"),
        ("default", "DEV_ONLY_TOKEN", "dev-only-value-3"),
        ("prod", "PROD_ONLY_TOKEN", "prod-only-value-4"),
    ] {
        s.set(name, value.as_bytes(), &["--env", env, "--force"]).success();
    }
    let out = s.cmd(&["diff", "default", "prod", "--json"]).assert().success().get_output().stdout.clone();
    let diff: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        diff,
        serde_json::json!({"only_in_first": ["DEV_ONLY_TOKEN"], "only_in_second": ["PROD_ONLY_TOKEN"],
            "different": ["DB_PASSWORD"], "same": ["SHARED_TOKEN"]})
    );
    let out = s.cmd(&["diff", "default", "prod"]).assert().success().get_output().clone();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("~ DB_PASSWORD\tdiffers") && text.contains("< DEV_ONLY_TOKEN"), "{text}");
    assert!(!text.contains("value-"), "diff showed a value: {text}");
}
