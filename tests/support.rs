//! Shared by the cross-component suites: the built `latchkey` binary, run in a
//! temporary data directory, the rule for suites that need a real system component, and
//! a fake provider API on 127.0.0.1 ([`fake_provider`]).
//!
//! These suites run the binary that `cargo build -p latchkey-cli` made (`make test` builds
//! it first), found at `$CARGO_TARGET_DIR/debug/latchkey` or `target/debug/latchkey`, or at
//! `LATCHKEY_BIN`.

pub mod fake_llm;
pub mod fake_provider;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::io::Write;

/// The `latchkey` binary under test.
pub fn latchkey_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("LATCHKEY_BIN") {
        return PathBuf::from(bin);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from);
    let bin = target.join("debug").join(format!("latchkey{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is missing: run `cargo build -p latchkey-cli` (make test does)", bin.display());
    bin
}

/// Whether a suite that needs `component` may run. A missing component fails the test
/// (libtest cannot show a skip in its summary, and a skip must never look like a pass),
/// unless a developer asks for skips with `LATCHKEY_ALLOW_SKIP=1`; CI never does.
pub fn require(available: bool, component: &str, how: &str) -> bool {
    if available {
        return true;
    }
    let allowed = std::env::var_os("LATCHKEY_ALLOW_SKIP").is_some() && std::env::var_os("CI").is_none();
    assert!(
        allowed,
        "{component} is required but not available: {how} (LATCHKEY_ALLOW_SKIP=1 skips instead)"
    );
    eprintln!("SKIPPED (LATCHKEY_ALLOW_SKIP): {component} is not available ({how})");
    false
}

/// Whether a command is on PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

/// A temporary data directory for one test.
pub struct Sandbox {
    dir: tempfile::TempDir,
    /// `LATCHKEY_HOME`.
    pub home: PathBuf,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// An empty sandbox: no vault yet.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let home = dir.path().join("home");
        Sandbox { dir, home }
    }

    /// An empty sandbox in a directory under `parent` (outside /tmp, where a sandboxed
    /// command sees its own /tmp).
    pub fn new_in(parent: &Path) -> Self {
        std::fs::create_dir_all(parent).expect("the parent directory can be made");
        let dir = tempfile::tempdir_in(parent).expect("a temporary directory");
        let home = dir.path().join("home");
        Sandbox { dir, home }
    }

    /// A sandbox with a vault whose identity is a plain file, returned too.
    pub fn with_identity_file() -> (Self, PathBuf) {
        let sandbox = Self::new();
        let identity = sandbox.path("identity.txt");
        sandbox.ok(&["init", "--identity-file", identity.to_str().unwrap()], b"");
        (sandbox, identity)
    }

    /// A path inside the sandbox's temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `latchkey ARGS` with this sandbox's LATCHKEY_HOME.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(latchkey_bin());
        cmd.env("LATCHKEY_HOME", &self.home)
            .env_remove("LATCHKEY_IDENTITY")
            .env_remove("LATCHKEY_ENV")
            .args(args);
        cmd
    }

    /// Runs `latchkey ARGS` with `stdin`, and returns its output.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("latchkey starts");
        child.stdin.take().unwrap().write_all(stdin).expect("stdin is written");
        child.wait_with_output().expect("latchkey finishes")
    }

    /// Runs `latchkey ARGS`, asserts success and returns stdout.
    pub fn ok(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        let out = self.run(args, stdin);
        assert!(out.status.success(), "latchkey {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// A value from the sandbox.s `settings.toml` (`vault_id`, `recipient`).
    pub fn setting(&self, key: &str) -> String {
        let text = std::fs::read_to_string(self.home.join("settings.toml")).expect("settings.toml exists");
        let prefix = format!("{key} = ");
        let line = text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no {key}"));
        line.trim_matches('"').to_owned()
    }

    /// Stores `value` under `name` in `env` (a secret; `--force` so test keys of any
    /// shape are stored).
    pub fn set(&self, env: &str, name: &str, value: &str) {
        self.ok(&["set", name, "--env", env, "--force"], value.as_bytes());
    }

    /// Stores config `name=value` in `env`.
    pub fn set_config(&self, env: &str, name: &str, value: &str) {
        self.ok(&["set", name, "--env", env, "--config", "--value", value], b"");
    }

    /// The variables of `env` as `latchkey list --json` reports them.
    pub fn list(&self, env: &str) -> Vec<serde_json::Value> {
        let out = self.ok(&["list", "--json", "--env", env], b"");
        serde_json::from_slice::<serde_json::Value>(&out)
            .expect("list --json is JSON")
            .as_array()
            .unwrap()
            .clone()
    }
}

/// A well-formed synthetic key of `provider` from the validation corpus
/// (`tests/validation/corpus.json`), the `n`th of its kind.
pub fn corpus_key(provider: &str, n: usize) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("validation/corpus.json");
    let corpus: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["provider"] == provider && c["format"] == "ok")
        .nth(n)
        .unwrap_or_else(|| panic!("no ok key number {n} for {provider}"))["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Whether the tests run as root (CI does): some attacks need it to be staged.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

/// PATH with the directory of the `latchkey` under test first, for commands that call it.
pub fn path_with_latchkey() -> std::ffi::OsString {
    let dir = latchkey_bin().parent().expect("the binary is in a directory").to_owned();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).expect("a valid PATH")
}

/// Quotes `arg` for `sh`.
pub fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', "'\\''"))
}

/// Runs `latchkey ARGS` on a terminal, as a user's shell would (util-linux `script`
/// gives it a pseudo-terminal), with `redirect` (like `>out.txt`) appended to the shell
/// command line; returns everything that reached the terminal.
pub fn in_terminal(sandbox: &Sandbox, args: &[&str], redirect: &str) -> String {
    let mut line = shell_quote(&latchkey_bin().display().to_string());
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    line.push(' ');
    line.push_str(redirect);
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("LATCHKEY_HOME", &sandbox.home)
        .env_remove("LATCHKEY_IDENTITY")
        .env_remove("LATCHKEY_ENV")
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `latchkey ARGS` on a pseudo-terminal (util-linux `script`) with `env` added,
/// typing each of `lines` (a newline after each) at its own prompt, slowly, as a person
/// would: a prompt that reads a line must not take the next one too. Returns everything
/// that reached the terminal.
pub fn typing_at_terminal(sandbox: &Sandbox, args: &[&str], lines: &[&str], env: &[(&str, &str)]) -> String {
    let mut line = shell_quote(&latchkey_bin().display().to_string());
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("LATCHKEY_HOME", &sandbox.home)
        .env_remove("LATCHKEY_IDENTITY")
        .env_remove("LATCHKEY_ENV")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    for typed in lines {
        std::thread::sleep(std::time::Duration::from_millis(600));
        stdin.write_all(format!("{typed}\n").as_bytes()).expect("the terminal takes input");
    }
    std::thread::sleep(std::time::Duration::from_millis(600));
    drop(stdin);
    String::from_utf8_lossy(&child.wait_with_output().expect("script finishes").stdout).into_owned()
}
