//! The sandbox end to end: a leaky agent runs under `latchkey run --sandbox` and tries,
//! itself and from a grandchild in a session of its own, every way around the broker.
//! Each attempt must fail with its own error; what an agent needs must keep working.
//!
//! The suite plants credentials in a fake HOME (an SSH key, AWS credentials), keeps the
//! vault and its identity file there too, runs a second local server the agent must not
//! reach, and uses the real Secret Service of tests/with-keyring.sh.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use latchkey_tests::fake_llm::{Fake, tool};
use latchkey_tests::{Sandbox, corpus_key, have, latchkey_bin, path_with_latchkey, require};

/// A vault in a fake HOME that also holds an SSH key and AWS credentials, with an
/// OpenAI key stored; and a project directory to run in.
struct Home {
    s: Sandbox,
    home: PathBuf,
    project: PathBuf,
    identity: PathBuf,
    key: String,
}

fn home() -> Home {
    // Outside /tmp: the sandbox has a /tmp of its own, which would hide it all anyway.
    home_in(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")))
}

fn home_in(parent: &std::path::Path) -> Home {
    let s = Sandbox::new_in(parent);
    let home = s.path("user");
    let project = home.join("project");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "SSH-PRIVATE-KEY-CONTENT\n").unwrap();
    std::fs::write(home.join(".aws/credentials"), "[default]\naws_secret_access_key = AWS-SECRET-CONTENT\n")
        .unwrap();
    let identity = home.join(".config/latchkey-id.txt");
    std::fs::create_dir_all(identity.parent().unwrap()).unwrap();
    s.ok(&["init", "--identity-file", identity.to_str().unwrap()], b"");
    let key = corpus_key("openai", 0);
    s.set("default", "OPENAI_API_KEY", &key);
    Home { s, home, project, identity, key }
}

/// What the kernel gives the sandbox: all it needs, or (as the test pretends) no
/// Landlock, under `--sandbox=best-effort`, where the mounts alone hide.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kernel {
    Full,
    WithoutLandlock,
}

/// `latchkey run --sandbox EXTRA -- sh -c SCRIPT` in the project directory, HOME the
/// fake one, on the `kernel` given (best effort, when it pretends to lack Landlock).
fn sandbox_command(h: &Home, kernel: Kernel, extra: &[&str], script: &str) -> Command {
    let mut args =
        vec!["run", if kernel == Kernel::WithoutLandlock { "--sandbox=best-effort" } else { "--sandbox" }];
    args.extend_from_slice(extra);
    args.extend(["--", "sh", "-c", script]);
    let mut command = h.s.command(&args);
    if kernel == Kernel::WithoutLandlock {
        command.env("LATCHKEY_SANDBOX_PRETEND_MISSING", "landlock-files");
    }
    command.current_dir(&h.project).env("HOME", &h.home);
    command
}

/// That command run to its end, the provider's host mapped to `fake`.
fn sandboxed(h: &Home, fake: Option<&Fake>, kernel: Kernel, extra: &[&str], script: &str) -> Output {
    let mut command = sandbox_command(h, kernel, extra, script);
    command
        .env("PATH", path_with_latchkey())
        .env("BUS", std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default())
        .stdin(Stdio::null());
    if let Some(fake) = fake {
        command
            .env("LATCHKEY_BROKER_RESOLVE", format!("api.openai.com:443=127.0.0.1:{}", fake.port))
            .env("LATCHKEY_EXTRA_CA_FILE", fake.ca())
            .env("OTHER_PORT", fake.port.to_string());
    }
    command.output().unwrap()
}

fn available() -> bool {
    require(have("bwrap"), "bubblewrap", "apt-get install bubblewrap (make deps installs it)")
}

/// The battery's attempts: each line of the script prints `NAME rc=STATUS` and the
/// attempt's last line of output (where a traceback puts its error).
const LEAKS: &str = r#"
try() { name=$1; shift; out=$("$@" 2>&1); echo "$name rc=$? ${out##*
}"; }
try vault cat "$LATCHKEY_VAULT"
try identity cat "$LATCHKEY_IDENTITY_FILE"
try ssh cat "$HOME/.ssh/id_ed25519"
try aws cat "$HOME/.aws/credentials"
try keyring env DBUS_SESSION_BUS_ADDRESS="$BUS" secret-tool lookup service latchkey-probe
try latchkey latchkey get OPENAI_API_KEY
try direct curl -sS --noproxy '*' --max-time 5 "http://127.0.0.1:$OTHER_PORT/direct"
try udp python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 9))"
try dns python3 -c "import socket; socket.getaddrinfo('example.com', 443)"
try up cat ../.ssh/id_ed25519
try write-home touch "$HOME/escaped"
try write-usr touch /usr/escaped
"#;

fn results(text: &str) -> std::collections::BTreeMap<String, (i32, String)> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(" rc=")?;
            let (rc, error) = rest.split_once(' ').unwrap_or((rest, ""));
            Some((name.to_owned(), (rc.parse().ok()?, error.to_owned())))
        })
        .collect()
}

fn assert_all_fail(report: &str, key: &str) {
    let r = results(report);
    let expect = [
        // Not in the sandbox at all: their directories show what they held, less them.
        ("vault", "No such file or directory"),
        ("identity", "No such file or directory"),
        ("ssh", "No such file or directory"),
        ("aws", "No such file or directory"),
        // Up from the working directory: the home directory the sandbox shows.
        ("up", "No such file or directory"),
        ("keyring", ""),
        ("latchkey", "runs in a latchkey sandbox"),
        ("direct", "Failed to connect"),
        ("udp", "Operation not permitted"),
        ("dns", ""),
        ("write-home", "Read-only file system"),
        ("write-usr", "Read-only file system"),
    ];
    for (name, error) in expect {
        let (rc, said) = r.get(name).unwrap_or_else(|| panic!("no result for {name}: {report}"));
        assert_ne!(*rc, 0, "{name} succeeded in the sandbox: {report}");
        assert!(said.contains(error), "{name}: expected `{error}`, got `{said}`");
    }
    for secret in [key, "SSH-PRIVATE-KEY-CONTENT", "AWS-SECRET-CONTENT", "KEYRING-SECRET-CONTENT"] {
        assert!(!report.contains(secret), "a secret reached the sandbox: {report}");
    }
}

#[test]
fn a_leaky_agent_and_its_setsid_grandchild_reach_nothing_but_the_broker() {
    if !available() || !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    leaky_agent(Kernel::Full);
}

#[test]
fn best_effort_without_landlock_still_hides_everything_from_a_leaky_agent() {
    if !available() || !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    leaky_agent(Kernel::WithoutLandlock);
}

fn leaky_agent(kernel: Kernel) {
    let h = home();
    let fake = Fake::start(true, None);
    let vault = h.s.home.join("vault.age");
    assert!(vault.exists());
    // A secret in the user's keyring, which the agent must not read over D-Bus.
    let mut store = Command::new("secret-tool");
    store.args(["store", "--label=latchkey-probe", "service", "latchkey-probe"]).stdin(Stdio::piped());
    let mut store = store.spawn().unwrap();
    std::io::Write::write_all(&mut store.stdin.take().unwrap(), b"KEYRING-SECRET-CONTENT").unwrap();
    assert!(store.wait().unwrap().success(), "secret-tool could not store the probe");
    let script = format!(
        "export LATCHKEY_VAULT={vault} LATCHKEY_IDENTITY_FILE={identity}\n{LEAKS}\n\
         echo ---grandchild\nsetsid sh -c '{grandchild}'\n\
         try broker curl -sS -o /dev/null -w '%{{http_code}}' https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\"\n\
         try write-project sh -c 'echo ok > written && cat written'\n\
         try read-usr sh -c 'ls /usr/bin >/dev/null && echo readable'\n\
         try capabilities awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ && $2 !~ /^0+$/ {{n++}} END {{print n+0}}' /proc/self/status\n",
        vault = vault.display(),
        identity = h.identity.display(),
        grandchild = LEAKS.replace('\'', "'\\''"),
    );
    let out = sandboxed(&h, Some(&fake), kernel, &[], &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}\n{stdout}");
    let (child, grandchild) =
        stdout.split_once("---grandchild").unwrap_or_else(|| panic!("{stdout}\n{stderr}"));
    assert_all_fail(child, &h.key);
    assert_all_fail(grandchild, &h.key);
    let works = results(grandchild);
    assert_eq!(works["broker"], (0, "200".to_owned()), "{stdout}");
    assert_eq!(works["write-project"].0, 0);
    assert_eq!(works["read-usr"], (0, "readable".to_owned()));
    // The first process mounted the stand-ins with capabilities it then gave up for good.
    assert_eq!(works["capabilities"], (0, "0".to_owned()), "capabilities left: {stdout}");
    assert_eq!(std::fs::read_to_string(h.project.join("written")).unwrap(), "ok\n");
    assert!(!h.home.join("escaped").exists());
    // The provider got the real key through the broker, and the second server nothing.
    let got = fake.requests();
    assert!(got.iter().any(|r| r["headers"]["authorization"] == format!("Bearer {}", h.key)));
    assert!(!got.iter().any(|r| r["path"] == "/direct"), "the agent went around the broker");
    // The grant says it was sandboxed, and how.
    let audit: serde_json::Value = serde_json::from_slice(&h.s.ok(&["audit", "--json"], b"")).unwrap();
    let grant = audit.as_array().unwrap().iter().rev().find(|e| e["access"] == "grant").unwrap().clone();
    let rules = grant["sandbox"].as_str().unwrap_or_else(|| panic!("no sandbox in {grant}"));
    let mode = if kernel == Kernel::WithoutLandlock { "best-effort" } else { "strict" };
    assert!(rules.starts_with(&format!("{mode}; writable: ")) && rules.contains("project"), "{rules}");
}

#[test]
fn a_missing_kernel_part_refuses_the_strict_sandbox_and_best_effort_names_it() {
    if !available() {
        return;
    }
    let h = home();
    let without_landlock_network = |mode: &str| {
        let mut command = h.s.command(&["run", mode, "--", "sh", "-c", "echo ran"]);
        command
            .current_dir(&h.project)
            .env("HOME", &h.home)
            .env("LATCHKEY_SANDBOX_PRETEND_MISSING", "landlock-network");
        command.output().unwrap()
    };
    let out = without_landlock_network("--sandbox");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(125), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ran"), "the command ran");
    assert!(
        stderr.contains("the sandbox cannot start: this kernel lacks Landlock network rules"),
        "{stderr}"
    );
    assert!(stderr.contains("--sandbox=best-effort"), "{stderr}");
    let out = without_landlock_network("--sandbox=best-effort");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ran"));
    assert!(stderr.contains("sandbox (best effort) without Landlock network rules"), "{stderr}");
}

#[test]
fn on_a_terminal_colours_sizes_ctrl_c_and_exit_codes_behave_as_in_a_plain_run() {
    if !available() {
        return;
    }
    let h = home();
    // It reads the terminal (as the foreground: a background read would stop it) and
    // opens it as its controlling terminal.
    let script = "test -t 0 && test -t 1 && echo tty-yes; stty size; printf '\\033[31mred\\033[0m\\n'; \
                  : </dev/tty && echo ctty-yes; echo asking; read answer; echo \"answer-$answer\"; \
                  trap 'echo got-INT; exit 42' INT; echo ready; while :; do sleep 0.1; done";
    let line = format!(
        "cd {} && HOME={} exec {} run --sandbox -- sh -c {}",
        latchkey_tests::shell_quote(&h.project.display().to_string()),
        latchkey_tests::shell_quote(&h.home.display().to_string()),
        latchkey_tests::shell_quote(&latchkey_bin().display().to_string()),
        latchkey_tests::shell_quote(script)
    );
    let steps = serde_json::json!([
        ["resize", 40, 132],
        ["wait", "asking", 1],
        ["type", "blue\r"],
        ["wait", "ready", 1],
        // Ctrl-Z: the command's group is orphaned, as in a plain run, so it does not stop.
        ["type", "\u{1a}"],
        ["type", "\u{3}"],
        ["wait", "got-INT", 1]
    ]);
    let out = Command::new("python3")
        .arg(tool("pty_drive.py"))
        .arg(steps.to_string())
        .args(["--", "sh", "-c", &line])
        .env("LATCHKEY_HOME", &h.s.home)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    let status = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a step timed out: {status}\n{shown}");
    assert!(shown.contains("tty-yes") && shown.contains("ctty-yes"), "{shown}");
    assert!(shown.contains("answer-blue"), "it read the terminal: {shown}");
    assert!(shown.contains("40 132"), "the window size: {shown}");
    assert!(shown.contains("\u{1b}[31mred"), "colours: {shown}");
    assert!(status.contains("exit 42"), "the exit status reaches latchkey: {status}");
}

#[test]
fn latchkey_doctor_says_what_the_sandbox_has_here() {
    let out = Command::new(latchkey_bin()).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for fact in ["keychain", "bubblewrap", "user namespaces", "landlock", "seccomp", "run --sandbox"] {
        assert!(text.lines().any(|l| l.starts_with(fact)), "{fact} missing from:\n{text}");
    }
}

#[test]
fn a_directory_that_holds_latchkeys_files_or_is_the_shared_tmp_is_refused() {
    if !available() {
        return;
    }
    let s = latchkey_tests::Sandbox::new_in(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")));
    let identity = s.path("identity.txt");
    s.ok(&["init", "--identity-file", identity.to_str().unwrap()], b"");
    let refused = |dir: &std::path::Path, said: &str| {
        let mut command = s.command(&["run", "--sandbox", "--", "sh", "-c", "echo ran"]);
        command.current_dir(dir).stdin(Stdio::null());
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: {stderr}", dir.display());
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("ran"),
            "the command ran in {}",
            dir.display()
        );
        assert!(stderr.contains(said), "{stderr}");
    };
    // The directory holds the vault (home/) and the identity file: the command could
    // move them aside and plant its own.
    refused(&s.path(""), "holds latchkey's own");
    // The real /tmp holds other programs' sockets.
    refused(std::path::Path::new("/tmp"), "the shared temporary directory");
    // A FIFO for the user's sandbox.toml is refused at once, not waited on.
    let config = s.path("config");
    std::fs::create_dir_all(&config).unwrap();
    assert!(Command::new("mkfifo").arg(config.join("sandbox.toml")).status().unwrap().success());
    let project = s.path("project");
    std::fs::create_dir_all(&project).unwrap();
    let mut command = s.command(&["run", "--sandbox", "--", "sh", "-c", "echo ran"]);
    command.current_dir(&project).env("LATCHKEY_CONFIG_DIR", &config).stdin(Stdio::null());
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("sandbox.toml is not a valid sandbox file (it is not a regular file)"),
        "{stderr}"
    );
}

#[test]
fn nothing_inherited_reaches_the_sandbox_an_open_directory_another_identity_or_git_hooks() {
    if !available() {
        return;
    }
    let h = home();
    // Another identity file, named by LATCHKEY_IDENTITY rather than the settings.
    let other = h.home.join("other-identity.txt");
    std::fs::copy(&h.identity, &other).unwrap();
    // A repository in the project: its hooks run outside the sandbox.
    std::fs::create_dir_all(h.project.join(".git/hooks")).unwrap();
    std::fs::write(h.project.join(".git/config"), "[core]\n").unwrap();
    let inner = "ls /proc/self/fd/9/ >/dev/null 2>&1 && echo fd-open; \
                 cat \"$OTHER\" >/dev/null 2>&1 && echo other-read; \
                 echo x > .git/hooks/pre-commit 2>/dev/null && echo hook-written; \
                 echo x >> .git/config 2>/dev/null && echo config-written; \
                 echo ok > .git/description && echo git-dir-written";
    // The shell opens descriptor 9 on the data directory, without close-on-exec.
    let line = format!(
        "exec 9<{} && exec {} run --sandbox -- sh -c {}",
        latchkey_tests::shell_quote(&h.s.home.display().to_string()),
        latchkey_tests::shell_quote(&latchkey_bin().display().to_string()),
        latchkey_tests::shell_quote(inner)
    );
    let out = Command::new("sh")
        .args(["-c", &line])
        .current_dir(&h.project)
        .env("LATCHKEY_HOME", &h.s.home)
        .env("LATCHKEY_IDENTITY", &other)
        .env("HOME", &h.home)
        .env("OTHER", &other)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), "git-dir-written", "what got through: {stdout}");
    assert_eq!(std::fs::read_to_string(h.project.join(".git/config")).unwrap(), "[core]\n");
}

#[test]
fn a_credential_file_replaced_or_created_while_the_command_runs_stays_hidden() {
    if !available() {
        return;
    }
    for kernel in [Kernel::Full, Kernel::WithoutLandlock] {
        replaced_or_created(kernel);
    }
}

fn replaced_or_created(kernel: Kernel) {
    let h = home();
    std::fs::write(h.home.join(".npmrc"), "//registry/:_authToken=OLD-NPM-TOKEN\n").unwrap();
    let script = "echo ready; while [ ! -e go ]; do sleep 0.05; done; \
                  cat ~/.npmrc ~/.git-credentials ~/.docker/config.json 2>&1; echo; ls -a ~ | tr '\\n' ' '";
    let (mut child, mut stdout) = started(&h, kernel, script);
    // Outside, while the command runs: `npm login` renames a new ~/.npmrc into place,
    // git stores a credential, a first `docker login` makes its config.
    let new = h.home.join(".npmrc.new");
    std::fs::write(&new, "//registry/:_authToken=NEW-NPM-TOKEN\n").unwrap();
    std::fs::rename(&new, h.home.join(".npmrc")).unwrap();
    std::fs::write(h.home.join(".git-credentials"), "https://u:NEW-GIT-TOKEN@github.com\n").unwrap();
    std::fs::create_dir_all(h.home.join(".docker")).unwrap();
    std::fs::write(h.home.join(".docker/config.json"), r#"{"auths":{"x":{"auth":"NEW-DOCKER-AUTH"}}}"#)
        .unwrap();
    // And an SSH agent starts, its socket in the home directory.
    let _agent = std::os::unix::net::UnixListener::bind(h.home.join("agent.sock")).unwrap();
    std::fs::write(h.project.join("go"), "").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!rest.contains("agent.sock"), "a socket made during the run is in the sandbox: {rest}");
    for token in ["OLD-NPM-TOKEN", "NEW-NPM-TOKEN", "NEW-GIT-TOKEN", "NEW-DOCKER-AUTH"] {
        assert!(!rest.contains(token), "{token} reached the sandbox ({kernel:?}): {rest}");
    }
    assert!(rest.contains("No such file or directory"), "{kernel:?}: {rest}");
    // The rest of the home directory is there as it was.
    assert!(rest.contains(" project ") && rest.contains(".config"), "{rest}");
}

#[test]
fn a_signal_to_latchkey_reaches_the_sandboxed_command_and_its_status_comes_back() {
    if !available() {
        return;
    }
    let h = home();
    let script = "trap 'echo got-TERM; exit 5' TERM; echo ready; while :; do sleep 0.1; done";
    let (mut child, mut stdout) = started(&h, Kernel::Full, script);
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "got-TERM\n");
    assert_eq!(child.wait().unwrap().code(), Some(5));
}

/// `latchkey run --sandbox -- sh -c SCRIPT` started in the project directory, once the
/// script has printed its first line, `ready`; and its output after that.
fn started(h: &Home, kernel: Kernel, script: &str) -> (std::process::Child, impl std::io::BufRead) {
    let mut command = sandbox_command(h, kernel, &[], script);
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert_eq!(first, "ready\n");
    (child, stdout)
}

#[test]
fn for_a_user_other_than_root_the_sandbox_hides_the_same() {
    // For another user, bubblewrap nests the sandbox's user namespace one deeper: the
    // stand-ins are built there. The suite runs as root in CI; this runs as `nobody`.
    if !available() {
        return;
    }
    let uid = Command::new("id").arg("-u").output().unwrap().stdout;
    if String::from_utf8_lossy(&uid).trim() != "0" {
        eprintln!("skipped: the suite already runs as a user other than root");
        return;
    }
    // Where `nobody` can reach it (not under root's home), latchkey copied there too.
    let h = home_in(std::path::Path::new("/var/tmp"));
    let root = h.s.path("");
    let bin = root.join("bin");
    std::fs::create_dir(&bin).unwrap();
    for program in ["latchkey", "latchkey-launcher"] {
        std::fs::copy(latchkey_bin().with_file_name(program), bin.join(program)).unwrap();
    }
    assert!(Command::new("chown").args(["-R", "65534:65534"]).arg(&root).status().unwrap().success());
    let script = "cat ~/.ssh/id_ed25519 2>&1; cat ../.ssh/id_ed25519 2>&1; cat \"$LATCHKEY_HOME/vault.age\" 2>&1; \
                  echo ok > written && ls -a ~ | tr '\\n' ' '";
    // `latchkey run --sandbox -- ARGS` as nobody, in the project directory.
    let as_nobody = |args: &[&str]| {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin.join("latchkey"))
            .args(["run", "--sandbox", "--"])
            .args(args)
            .current_dir(&h.project)
            .env("HOME", &h.home)
            .env("LATCHKEY_HOME", &h.s.home)
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null());
        command
    };
    let out = as_nobody(&["sh", "-c", script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches("No such file or directory").count(), 3, "{stdout}");
    assert!(!stdout.contains("SSH-PRIVATE-KEY-CONTENT"), "{stdout}");
    assert!(stdout.contains(" project ") && stdout.contains(".config"), "{stdout}");
    assert_eq!(std::fs::read_to_string(h.project.join("written")).unwrap(), "ok\n");
    // A bubblewrap installed setuid refuses such a user what the sandbox needs: one line.
    let setuid = root.join("setuid");
    std::fs::create_dir(&setuid).unwrap();
    std::fs::copy("/usr/bin/bwrap", setuid.join("bwrap")).unwrap();
    std::fs::set_permissions(setuid.join("bwrap"), std::os::unix::fs::PermissionsExt::from_mode(0o4755))
        .unwrap();
    let path = std::env::join_paths(
        std::iter::once(setuid).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let out = as_nobody(&["true"]).env("PATH", path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("installed setuid") && stderr.lines().count() == 1, "{stderr}");
}

#[test]
fn a_signal_that_comes_while_the_sandbox_starts_is_not_lost() {
    // Before the command is in the first process's group, a signal reaches that process
    // alone; it must pass it on, not drop it (the command would then run to its end).
    if !available() {
        return;
    }
    let h = home();
    for delay in [0, 5, 10, 15, 20, 25, 30, 40] {
        let child = sandbox_command(&h, Kernel::Full, &[], "sleep 3; echo survived")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("survived") && !out.status.success(), "a SIGTERM after {delay} ms was lost");
    }
}
