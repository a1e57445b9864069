//! Promise: signals reach a launched command once, in every way `latchkey run` connects
//! it (pipes; a pseudo-terminal; pipes with a terminal on stdin), window-size changes
//! follow, a key typed as Ctrl-C interrupts it once, and latchkey exits with its status.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use latchkey_tests::{Sandbox, latchkey_bin};

/// A command that says which signal it got, each time, and exits 7 on SIGTERM.
const LISTENER: &str = "trap 'echo got-INT' INT; trap 'echo got-HUP' HUP; trap 'echo got-QUIT' QUIT; \
    trap 'echo got-WINCH' WINCH; trap 'echo got-TERM; exit 7' TERM; echo ready; \
    while :; do sleep 0.05; done";

fn sandbox() -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "MY_TOKEN", "tok-abcdef-123456");
    s
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn through_pipes_each_signal_reaches_the_command_once() {
    let s = sandbox();
    let mut child = s
        .command(&["run", "--", "sh", "-c", LISTENER])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |line: &str| loop {
        let got = received
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no `{line}`: {seen:?}"));
        seen.push(got.clone());
        if got == line {
            break seen.clone();
        }
    };
    wait_for("ready");
    for (signal, line) in
        [("INT", "got-INT"), ("HUP", "got-HUP"), ("QUIT", "got-QUIT"), ("WINCH", "got-WINCH")]
    {
        Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        wait_for(line);
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let seen = wait_for("got-TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(7), "latchkey exits with the command's status");
    let all = seen.join("\n");
    for line in ["got-INT", "got-HUP", "got-QUIT", "got-WINCH", "got-TERM"] {
        assert_eq!(count(&all, line), 1, "{line} was delivered {} times: {all}", count(&all, line));
    }
}

/// Runs `latchkey run ... -- sh -c LISTENER` (after `prefix`, a shell redirect or not) on a
/// terminal of its own, driving it with `steps` (see tests/tools/pty_drive.py); returns
/// what the terminal showed and latchkey's exit status.
fn on_a_terminal(s: &Sandbox, redirect: &str, steps: serde_json::Value) -> (String, String) {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/pty_drive.py");
    let line = format!(
        "exec {} run -- sh -c {} {redirect}",
        latchkey_tests::shell_quote(&latchkey_bin().display().to_string()),
        latchkey_tests::shell_quote(LISTENER)
    );
    let out = Command::new("python3")
        .arg(driver)
        .arg(steps.to_string())
        .args(["--", "sh", "-c", &line])
        .env("LATCHKEY_HOME", &s.home)
        .output()
        .expect("python3 runs");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "a step timed out: {status}\n{shown}");
    (shown, status)
}

#[test]
fn in_a_pseudo_terminal_signals_keys_and_resizes_reach_the_command_once() {
    let s = sandbox();
    let steps = serde_json::json!([
        ["wait", "ready", 1],
        ["signal", "SIGINT"],
        ["wait", "got-INT", 1],
        ["type", "\u{3}"],
        ["wait", "got-INT", 2],
        ["signal", "SIGHUP"],
        ["wait", "got-HUP", 1],
        ["signal", "SIGQUIT"],
        ["wait", "got-QUIT", 1],
        ["resize", 40, 100],
        ["wait", "got-WINCH", 1],
        ["signal", "SIGTERM"],
        ["wait", "got-TERM", 1]
    ]);
    let (shown, status) = on_a_terminal(&s, "", steps);
    assert_eq!(count(&shown, "got-INT"), 2, "one SIGINT sent, one Ctrl-C typed: {shown}");
    for line in ["got-HUP", "got-QUIT", "got-WINCH", "got-TERM"] {
        assert_eq!(count(&shown, line), 1, "{line}: {shown}");
    }
    assert!(status.contains("exit 7"), "{status}");
}

#[test]
fn with_a_terminal_on_stdin_and_output_piped_ctrl_c_and_signals_reach_it_once() {
    let s = sandbox();
    let out = s.path("out.txt");
    let file = out.display().to_string();
    let steps = serde_json::json!([
        ["file", file, "ready", 1],
        ["signal", "SIGINT"],
        ["file", file, "got-INT", 1],
        ["type", "\u{3}"],
        ["file", file, "got-INT", 2],
        ["signal", "SIGHUP"],
        ["file", file, "got-HUP", 1],
        ["signal", "SIGTERM"],
        ["file", file, "got-TERM", 1]
    ]);
    let (_, status) = on_a_terminal(&s, &format!(">{}", out.display()), steps);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("ready\n"), "{written}");
    assert_eq!(count(&written, "got-INT"), 2, "{written}");
    assert_eq!(count(&written, "got-HUP"), 1, "{written}");
    assert!(status.contains("exit 7"), "{status}");
}
