//! Promise: what latchkey writes lands only where it was asked to, privately, whole or
//! not at all, and never replaces something that is not a regular file.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use latchkey_tests::{Sandbox, is_root};

const TOKEN: &str = "tok-abcdef-123456";

fn sandbox() -> (Sandbox, std::path::PathBuf) {
    let (s, identity) = Sandbox::with_identity_file();
    s.set("default", "MY_TOKEN", TOKEN);
    (s, identity)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn one_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "expected one line: {text:?}");
    text
}

#[test]
fn export_into_a_fifo_streams_into_it_and_leaves_it_a_fifo() {
    let (s, _) = sandbox();
    let fifo = s.path("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = Command::new("cat").arg(&fifo).stdout(Stdio::piped()).spawn().unwrap();
    let out = s.run(&["export", "--out", fifo.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = reader.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&read.stdout), format!("MY_TOKEN='{TOKEN}'\n"));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
}

/// A character device that refuses writes: a private copy of /dev/full where root may
/// make one (so the real one is never at risk), /dev/full itself otherwise.
fn full_device(s: &Sandbox) -> std::path::PathBuf {
    let dev = s.path("full");
    let made = is_root()
        && Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "7"])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
    if made { dev } else { "/dev/full".into() }
}

#[test]
fn export_and_inject_never_replace_a_device() {
    let (s, _) = sandbox();
    let template = s.path("t.tpl");
    std::fs::write(&template, "X=latchkey://default/MY_TOKEN\n").unwrap();
    for args in [vec!["export", "--out"], vec!["inject", "-i", template.to_str().unwrap(), "-o"]] {
        let dev = full_device(&s);
        let mut all = args.clone();
        all.push(dev.to_str().unwrap());
        let out = s.run(&all, b"");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = one_line(&out.stderr);
        assert!(err.contains("No space left"), "{err}");
        let meta = std::fs::symlink_metadata(&dev).unwrap();
        assert!(meta.file_type().is_char_device(), "{args:?} replaced the device {}", dev.display());
    }
}

#[test]
fn a_socket_is_refused_in_one_line_and_left_alone() {
    let (s, _) = sandbox();
    let sock = s.path("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let out = s.run(&["export", "--out", sock.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = one_line(&out.stderr);
    assert!(err.contains("socket"), "{err}");
    assert!(std::fs::symlink_metadata(&sock).unwrap().file_type().is_socket());
}

#[test]
fn dev_stdout_and_links_to_a_stream_are_written_as_streams() {
    let (s, _) = sandbox();
    let template = s.path("t.tpl");
    std::fs::write(&template, "X=latchkey://default/MY_TOKEN\n").unwrap();
    let out = s.run(&["inject", "-i", template.to_str().unwrap(), "-o", "/dev/stdout"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("X={TOKEN}\n"));
    assert!(std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_symlink());
    // A link of our own to our stdout: the link stays a link.
    let link = s.path("to-stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let out = s.run(&["export", "--out", link.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("MY_TOKEN='{TOKEN}'\n"));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn errors_about_a_path_are_one_line_and_said_once() {
    let (s, _) = sandbox();
    let dir = s.path("a-dir");
    std::fs::create_dir(&dir).unwrap();
    let out = s.run(&["export", "--out", dir.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = one_line(&out.stderr);
    assert!(err.contains("is a directory"), "{err}");
    let missing = dir.join("no/such/dir/x.env");
    let out = s.run(&["export", "--out", missing.to_str().unwrap()], b"");
    let err = one_line(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "the cause is repeated: {err}");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success(), "git {args:?}");
}

fn work_tree(s: &Sandbox) -> std::path::PathBuf {
    let repo = s.path("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    repo
}

#[test]
fn the_git_guard_refuses_when_git_cannot_answer() {
    let (s, _) = sandbox();
    let repo = work_tree(&s);
    let target = repo.join("prod.env");
    let target = target.to_str().unwrap();
    // A bogus GIT_DIR.
    let out = s.command(&["export", "--out", target]).env("GIT_DIR", "/nonexistent/.git").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "wrote into a work tree with a bogus GIT_DIR");
    let err = one_line(&out.stderr);
    assert!(!err.contains("fatal:"), "git's own message leaked: {err}");
    // No git at all.
    let empty = s.path("empty-bin");
    std::fs::create_dir(&empty).unwrap();
    let out = s.command(&["export", "--out", target]).env("PATH", &empty).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "wrote into a work tree without git");
    assert!(one_line(&out.stderr).contains(".git"));
    assert!(!Path::new(target).exists());
    // inject -o is guarded the same way.
    let template = s.path("t.tpl");
    std::fs::write(&template, "X=latchkey://default/MY_TOKEN\n").unwrap();
    let out = s.run(&["inject", "-i", template.to_str().unwrap(), "-o", target], b"");
    assert_eq!(out.status.code(), Some(1), "inject -o wrote into a work tree");
    assert!(!Path::new(target).exists());
}

#[test]
fn the_git_guard_refuses_a_repository_git_does_not_trust() {
    if !is_root() {
        // Only root can hand a repository to another owner; CI runs as root.
        latchkey_tests::require(false, "root", "run the suite as root to chown a repository");
        return;
    }
    let (s, _) = sandbox();
    let repo = work_tree(&s);
    assert!(Command::new("chown").args(["-R", "12345:12345"]).arg(&repo).status().unwrap().success());
    let out = s.run(&["export", "--out", repo.join("prod.env").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "wrote into a repository git refuses to read");
    let err = one_line(&out.stderr);
    assert!(!err.contains("fatal:"), "{err}");
}

#[test]
fn identity_export_is_guarded_like_exports_and_audited() {
    let (s, _) = sandbox();
    let repo = work_tree(&s);
    let inside = repo.join("identity.txt");
    let out = s.run(&["identity", "export", "--out", inside.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "the identity was written into a work tree");
    assert!(!inside.exists());
    let outside = s.path("identity-copy.txt");
    s.ok(&["identity", "export", "--out", outside.to_str().unwrap()], b"");
    assert_eq!(mode(&outside), 0o600);
    let log: serde_json::Value = serde_json::from_slice(&s.ok(&["audit", "--json"], b"")).unwrap();
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["access"], "identity", "{last}");
    assert_eq!(last["path"], outside.to_str().unwrap());
}

#[test]
fn init_makes_the_data_directory_private_and_new_identity_directories_0700() {
    let s = Sandbox::new();
    std::fs::create_dir_all(&s.home).unwrap();
    std::fs::set_permissions(&s.home, std::fs::Permissions::from_mode(0o755)).unwrap();
    let identity = s.path("new-dir/deeper/identity.txt");
    let out = Command::new("sh")
        .args(["-c", "umask 000; exec \"$0\" init --identity-file \"$1\""])
        .arg(latchkey_tests::latchkey_bin())
        .arg(&identity)
        .env("LATCHKEY_HOME", &s.home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(&s.home), 0o700, "init left the data directory open");
    assert_eq!(mode(identity.parent().unwrap()), 0o700);
    assert_eq!(mode(&s.path("new-dir")), 0o700);
    assert_eq!(mode(&identity), 0o600);
}

#[test]
fn an_open_data_directory_or_identity_file_is_warned_about_with_the_fix() {
    let (s, identity) = sandbox();
    std::fs::set_permissions(&s.home, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = s.run(&["list"], b"");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("chmod 700 {}", s.home.display())), "{err}");
    assert!(err.contains(&format!("chmod 600 {}", identity.display())), "{err}");
    assert_eq!(err.matches("chmod 700").count(), 1, "warned more than once: {err}");
}

#[test]
fn a_vault_rolled_back_to_its_backup_is_warned_about() {
    let (s, _) = sandbox();
    s.set("default", "SECOND", "second-value-123");
    std::fs::copy(s.home.join("vault.age.bak"), s.home.join("vault.age")).unwrap();
    let out = s.run(&["list"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("older than"), "a rolled-back vault was taken silently: {err}");
}

#[test]
fn a_vault_with_another_id_is_refused() {
    if !latchkey_tests::require(latchkey_tests::have("age"), "the age CLI", "apt-get install age") {
        return;
    }
    let (s, identity) = sandbox();
    let vault = s.home.join("vault.age");
    let plain = Command::new("age").arg("-d").arg("-i").arg(&identity).arg(&vault).output().unwrap();
    assert!(plain.status.success());
    let id = s.setting("vault_id");
    let forged = String::from_utf8(plain.stdout).unwrap().replace(&id, "lk-0000000000000000");
    let recipient = s.setting("recipient");
    let mut age =
        Command::new("age").args(["-r", &recipient, "-o"]).arg(&vault).stdin(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut age.stdin.take().unwrap(), forged.as_bytes()).unwrap();
    assert!(age.wait().unwrap().success());
    let out = s.run(&["list"], b"");
    assert_eq!(out.status.code(), Some(1), "a vault of another id was accepted");
    assert!(one_line(&out.stderr).contains("lk-0000000000000000"));
}

#[test]
fn updates_survive_the_lock_file_being_deleted_under_writers() {
    let (s, _) = sandbox();
    let lock = s.home.join("vault.lock");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let deleter = {
        let (lock, stop) = (lock.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(&lock);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        })
    };
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let home = s.home.clone();
            std::thread::spawn(move || {
                let mut stored = Vec::new();
                for i in 0..12 {
                    let name = format!("W{w}_{i}");
                    let out = Command::new(latchkey_tests::latchkey_bin())
                        .args(["set", &name, "--force"])
                        .env("LATCHKEY_HOME", &home)
                        .stdin(Stdio::piped())
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .spawn()
                        .and_then(|mut c| {
                            std::io::Write::write_all(&mut c.stdin.take().unwrap(), b"value-123456")?;
                            c.wait_with_output()
                        })
                        .unwrap();
                    if String::from_utf8_lossy(&out.stderr).contains("Stored") {
                        stored.push(name);
                    }
                }
                stored
            })
        })
        .collect();
    let stored: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    deleter.join().unwrap();
    let listed: Vec<String> =
        s.list("default").iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
    let lost: Vec<&String> = stored.iter().filter(|n| !listed.contains(n)).collect();
    assert!(lost.is_empty(), "{} of {} stored values were lost: {lost:?}", lost.len(), stored.len());
    assert_eq!(stored.len(), 36);
}
