//! Where the vault's identity lives, chosen at `latchkey init` and changed later with
//! `latchkey identity move`: a headless machine with no keychain gets one clear line and
//! nothing half-made, a terminal gets a choice, and a move keeps the same vault readable.

use std::process::{Command, Output, Stdio};

use latchkey_tests::{Sandbox, have, require, typing_at_terminal};

use std::io::Write as _;

/// A D-Bus address where nothing listens: the Secret Service cannot be reached.
const NO_BUS: &str = "unix:path=/nonexistent/latchkey-test-bus";

const TOKEN: &str = "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";

fn without_keychain(s: &Sandbox, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = s
        .command(args)
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("latchkey starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// `latchkey ARGS` on a pseudo-terminal, typing each of `typed`'s lines at its own
/// prompt, with no keychain reachable; everything the terminal showed.
fn at_terminal(s: &Sandbox, args: &[&str], typed: &str) -> String {
    let lines: Vec<&str> = typed.lines().collect();
    typing_at_terminal(s, args, &lines, &[("DBUS_SESSION_BUS_ADDRESS", NO_BUS)])
}

fn script_ready() -> bool {
    require(have("script"), "util-linux `script`", "apt-get install util-linux")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn shown_identity(s: &Sandbox) -> String {
    String::from_utf8(s.ok(&["identity", "show"], b"")).unwrap()
}

#[test]
fn init_without_a_keychain_or_a_terminal_says_what_to_run_and_leaves_nothing() {
    let s = Sandbox::new();
    let out = without_keychain(&s, &["init"], b"");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("no OS keychain is reachable"), "{err}");
    assert!(
        err.contains("latchkey init --identity-file PATH") && err.contains("--passphrase-stdin"),
        "{err}"
    );
    assert!(!s.home.exists(), "a failed init left {} behind", s.home.display());

    // The way it names works at once, with no prompt and no keychain.
    let identity = s.path("id.txt");
    let out = without_keychain(&s, &["init", "--identity-file", identity.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = without_keychain(&s, &["set", "GITHUB_TOKEN"], TOKEN.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = without_keychain(&s, &["get", "GITHUB_TOKEN"], b"");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), TOKEN);
}

#[test]
fn init_puts_the_identity_where_latchkey_identity_points() {
    let s = Sandbox::new();
    let identity = s.path("agent-identity.txt");
    let out = s
        .command(&["init"])
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .env("LATCHKEY_IDENTITY", &identity)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&identity)
        .expect("the identity file was made where LATCHKEY_IDENTITY points");
    assert!(text.contains("AGE-SECRET-KEY-1"), "not a plain age identity");
    assert!(shown_identity(&s).contains("(a plain file)"));
    assert_eq!(
        std::fs::metadata(&identity)
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .unwrap(),
        0o600
    );
}

#[test]
fn init_on_a_terminal_without_a_keychain_offers_a_plain_file_by_default() {
    if !script_ready() {
        return;
    }
    let s = Sandbox::new();
    let screen = at_terminal(&s, &["init"], "\n");
    assert!(screen.contains("No OS keychain is reachable"), "{screen}");
    assert!(
        screen.contains("1) a plain identity file") && screen.contains("2) a file protected by a passphrase"),
        "{screen}"
    );
    assert!(screen.contains("Created a vault"), "{screen}");
    let plain = s.home.join("identity.txt");
    assert!(plain.is_file(), "the default choice makes {}", plain.display());
    // No prompt afterwards: the vault works for a script.
    let out = without_keychain(&s, &["set", "GITHUB_TOKEN"], TOKEN.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn init_on_a_terminal_refuses_a_wrong_answer_three_times_and_makes_nothing() {
    if !script_ready() {
        return;
    }
    let s = Sandbox::new();
    let screen = at_terminal(&s, &["init"], "x\n9\nplain\n");
    assert_eq!(screen.matches("Type 1 or 2.").count(), 3, "{screen}");
    assert!(screen.contains("no choice was made: nothing was created"), "{screen}");
    assert!(!s.home.join("vault.age").exists() && !s.home.join("settings.toml").exists());
}

#[test]
fn a_passphrase_chosen_at_the_terminal_is_asked_for_and_a_move_to_a_plain_file_stops_the_asking() {
    if !script_ready() {
        return;
    }
    let s = Sandbox::new();
    let screen = at_terminal(&s, &["init"], "2\ncorrect horse\ncorrect horse\n");
    assert!(screen.contains("protected by your passphrase"), "{screen}");
    assert!(shown_identity(&s).contains("(protected by a passphrase)"));
    // Without a terminal, a protected identity cannot be opened.
    let out = without_keychain(&s, &["set", "GITHUB_TOKEN"], TOKEN.as_bytes());
    assert!(!out.status.success(), "a protected identity opened with no passphrase");
    let screen = at_terminal(&s, &["identity", "move", "--to", "file"], "correct horse\n");
    assert!(screen.contains("a plain file, so keep it safe"), "{screen}");
    assert!(shown_identity(&s).contains("(a plain file)"));
    assert!(!s.home.join("identity.age").exists(), "the protected copy was left behind");
    let out = without_keychain(&s, &["set", "GITHUB_TOKEN"], TOKEN.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_move_keeps_the_same_key_and_removes_the_old_copy() {
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    let recipient = s.setting("recipient");
    let before = std::fs::read(s.home.join("vault.age")).unwrap();

    let out = s.run(&["identity", "move", "--to", "passphrase", "--passphrase-stdin"], b"battery staple\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!identity.exists(), "the plain copy is still there");
    assert!(shown_identity(&s).contains("(protected by a passphrase)"));
    assert_eq!(s.setting("recipient"), recipient, "the key changed");
    assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "the vault was rewritten");

    // The protected copy is an armored age file: `age -d` opens it with the passphrase.
    let protected = std::fs::read(s.home.join("identity.age")).expect("the protected copy is there");
    assert!(protected.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n"), "not an armored age file");
}

#[test]
fn a_move_never_overwrites_a_file_it_did_not_write() {
    let (s, identity) = Sandbox::with_identity_file();
    let taken = s.path("taken.txt");
    std::fs::write(&taken, "someone else's file").unwrap();
    let out = s.run(&["identity", "move", "--to", "file", "--path", taken.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "someone else's file");
    assert!(identity.is_file(), "the identity in use was removed");
    // Nor through a symlink.
    let link = s.path("link.txt");
    std::os::unix::fs::symlink(s.path("nowhere"), &link).unwrap();
    let out = s.run(&["identity", "move", "--to", "file", "--path", link.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(!s.path("nowhere").exists(), "the move wrote through a symlink");
    let out = s.run(&["identity", "move", "--to", "file", "--path", identity.to_str().unwrap()], b"");
    assert!(stderr(&out).contains("is kept there already"), "{}", stderr(&out));
}

fn keyring_ready() -> bool {
    require(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some() && have("secret-tool"),
        "a throwaway Secret Service keyring",
        "run these tests through tests/with-keyring.sh, as `make test` does",
    )
}

#[test]
fn a_plain_file_moves_into_the_keychain_and_back() {
    if !keyring_ready() {
        return;
    }
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    s.ok(&["identity", "move", "--to", "keychain"], b"");
    assert!(!identity.exists(), "the plain copy is still there");
    assert!(shown_identity(&s).contains("OS keychain"));
    let account = format!("{}/identity", s.setting("vault_id"));
    let lookup = || {
        Command::new("secret-tool")
            .args(["lookup", "service", "latchkey", "username", &account])
            .output()
            .unwrap()
    };
    let held = lookup();
    assert!(held.status.success(), "no keychain entry {account}");
    assert!(
        String::from_utf8_lossy(&held.stdout).contains("AGE-SECRET-KEY-1"),
        "the entry is not the identity"
    );
    assert_eq!(String::from_utf8(s.ok(&["get", "GITHUB_TOKEN"], b"")).unwrap().trim_end(), TOKEN);

    let back = s.path("back.txt");
    s.ok(&["identity", "move", "--to", "file", "--path", back.to_str().unwrap()], b"");
    assert!(back.is_file());
    assert!(!lookup().status.success(), "the keychain entry was left behind");
    // The stock age tool opens the vault with the moved file.
    if have("age") {
        let out = Command::new("age")
            .args(["-d", "-i", back.to_str().unwrap(), s.home.join("vault.age").to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "age cannot open the vault with the moved identity");
    }
}

#[test]
fn the_identity_never_goes_where_latchkey_rewrites_files() {
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    for name in ["vault.age.bak", "audit.log", "projects.toml"] {
        let inside = s.home.join(name);
        let out = s.run(&["identity", "move", "--to", "file", "--path", inside.to_str().unwrap()], b"");
        assert!(!out.status.success(), "moved into {name}");
        assert!(stderr(&out).contains("inside latchkey's data directory"), "{}", stderr(&out));
    }
    // Nor through another spelling of the same directory.
    let link = s.path("data-link");
    std::os::unix::fs::symlink(&s.home, &link).unwrap();
    let out = s
        .run(&["identity", "move", "--to", "file", "--path", link.join("audit.head").to_str().unwrap()], b"");
    assert!(stderr(&out).contains("inside latchkey's data directory"), "{}", stderr(&out));
    assert!(identity.is_file());
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), TOKEN.as_bytes());
    // identity.txt in the data directory is allowed (the headless default).
    s.ok(&["identity", "move", "--to", "file", "--path", s.home.join("identity.txt").to_str().unwrap()], b"");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), TOKEN.as_bytes());

    // init refuses the same.
    let t = Sandbox::new();
    std::fs::create_dir_all(&t.home).unwrap();
    let out = t.run(&["init", "--identity-file", t.home.join("vault.age.bak").to_str().unwrap()], b"");
    assert!(stderr(&out).contains("inside latchkey's data directory"), "{}", stderr(&out));
    assert!(!t.home.join("settings.toml").exists());
}

#[test]
fn a_move_is_refused_while_latchkey_identity_points_at_a_copy() {
    let (s, identity) = Sandbox::with_identity_file();
    let out = s
        .command(&["identity", "move", "--to", "file", "--path", s.path("new.txt").to_str().unwrap()])
        .env("LATCHKEY_IDENTITY", &identity)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("LATCHKEY_IDENTITY is set"), "{}", stderr(&out));
    assert!(identity.is_file() && !s.path("new.txt").exists());
}

#[test]
fn a_move_from_a_symlinked_identity_removes_the_file_behind_the_link() {
    let s = Sandbox::new();
    let real = s.path("real-identity.txt");
    let link = s.path("identity-link.txt");
    s.ok(&["init", "--identity-file", real.to_str().unwrap()], b"");
    s.set("default", "GITHUB_TOKEN", TOKEN);
    // The settings name the link, as when a user keeps the identity on another disk.
    std::fs::rename(&real, s.path("moved.txt")).unwrap();
    std::os::unix::fs::symlink(s.path("moved.txt"), &link).unwrap();
    let settings = std::fs::read_to_string(s.home.join("settings.toml")).unwrap();
    std::fs::write(
        s.home.join("settings.toml"),
        settings.replace(real.to_str().unwrap(), link.to_str().unwrap()),
    )
    .unwrap();
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), TOKEN.as_bytes());

    let out = s.run(&["identity", "move", "--to", "passphrase", "--passphrase-stdin"], b"pw\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!s.path("moved.txt").exists(), "the plain identity behind the link is still there");
}

#[test]
fn a_move_into_a_git_work_tree_is_refused_unless_allowed() {
    if !require(have("git"), "git", "apt-get install git") {
        return;
    }
    let (s, identity) = Sandbox::with_identity_file();
    let repo = s.path("repo");
    std::fs::create_dir(&repo).unwrap();
    assert!(Command::new("git").args(["init", "-q"]).current_dir(&repo).status().unwrap().success());
    let target = repo.join("id.txt");
    let out = s.run(&["identity", "move", "--to", "file", "--path", target.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("git work tree"), "{}", stderr(&out));
    assert!(!target.exists() && identity.is_file());
    s.ok(&["identity", "move", "--to", "file", "--path", target.to_str().unwrap(), "--allow-tracked"], b"");
    assert!(target.is_file() && !identity.exists());
}
