//! The CLI's usage errors, refusals and exit codes as data: each file in `tests/cases/`
//! holds the cases of one verb, and a new verb adds a file, not code.
//!
//! A case runs `latchkey ARGS` in a fresh data directory (with a vault whose identity is
//! a plain file, unless `vault = false`), with `stdin` on standard input, and checks the
//! exit `status`, text that standard error and output must hold (`stderr`, `stdout`),
//! and text they must not (`hidden`: a value typed must never be echoed). An error
//! (status 1) is one line.

use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows.
    name: String,
    args: Vec<String>,
    status: i32,
    #[serde(default = "yes")]
    vault: bool,
    #[serde(default)]
    stdin: String,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default)]
    hidden: Vec<String>,
}

fn yes() -> bool {
    true
}

fn latchkey(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("latchkey").unwrap();
    cmd.env_clear()
        .env("LATCHKEY_HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-test-bus")
        .args(args);
    cmd
}

fn run(file: &Path, case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    if case.vault {
        let identity = dir.path().join("identity.txt");
        latchkey(&home, &["init", "--identity-file", identity.to_str().unwrap()]).assert().success();
    }
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let out =
        latchkey(&home, &args).current_dir(dir.path()).write_stdin(case.stdin.clone()).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let said = format!("{}: `{}`\nstdout: {stdout}\nstderr: {stderr}", file.display(), case.name);
    if out.status.code() != Some(case.status) {
        return Err(format!("exit {:?}, expected {} — {said}", out.status.code(), case.status));
    }
    if let Some(missing) = case.stderr.iter().find(|t| !stderr.contains(t.as_str())) {
        return Err(format!("stderr lacks `{missing}` — {said}"));
    }
    if let Some(missing) = case.stdout.iter().find(|t| !stdout.contains(t.as_str())) {
        return Err(format!("stdout lacks `{missing}` — {said}"));
    }
    if let Some(shown) =
        case.hidden.iter().find(|t| stdout.contains(t.as_str()) || stderr.contains(t.as_str()))
    {
        return Err(format!("`{shown}` was shown — {said}"));
    }
    if case.status == 1 && stderr.trim_end().lines().count() != 1 {
        return Err(format!("an error takes one line — {said}"));
    }
    Ok(())
}

#[test]
fn every_case_file_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut count, mut failures) = (0, Vec::new());
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "toml")) {
        let cases: File = toml::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in &cases.case {
            count += 1;
            failures.extend(run(file, case).err());
        }
    }
    assert!(count >= 30, "only {count} cases in {}", dir.display());
    assert!(failures.is_empty(), "{} of {count} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
