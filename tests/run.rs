//! `latchkey run` end to end: injection, withholding, masking (through pipes and in a
//! pseudo-terminal), signals, exit codes, and no orphan when latchkey is killed.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use latchkey_tests::Sandbox;

const TOKEN: &str = "tok-abcdef-123456";

fn sandbox() -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "MY_TOKEN", TOKEN);
    s.set_config("default", "MODEL", "small-model");
    s
}

/// `latchkey run ARGS -- sh -c SCRIPT`, piped: (status, stdout, stderr).
fn run_sh(s: &Sandbox, args: &[&str], script: &str) -> (Option<i32>, String, String) {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--", "sh", "-c", script]);
    let out = s.command(&all).env("OLD_API_KEY", "parent-secret").stdin(Stdio::null()).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_gets_the_variables_and_not_the_shells_secrets() {
    let s = sandbox();
    let (code, out, err) =
        run_sh(&s, &["--no-mask"], "echo \"$MY_TOKEN|$MODEL|${OLD_API_KEY:-withheld}|${PATH:+path}\"");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, format!("{TOKEN}|small-model|withheld|path\n"));
    assert!(err.contains("withheld from the command: OLD_API_KEY"), "{err}");
    let (_, out, _) = run_sh(&s, &["--inherit-secrets", "--no-mask"], "echo \"$OLD_API_KEY\"");
    assert_eq!(out, "parent-secret\n");
    let (_, out, _) = run_sh(&s, &["--only", "MODEL"], "echo \"${MY_TOKEN:-absent} $MODEL\"");
    assert_eq!(out, "absent small-model\n");
}

#[test]
fn inherit_lets_one_named_variable_through_and_a_profile_keeps_that_choice() {
    let s = sandbox();
    let script = "echo \"${OLD_API_KEY:-withheld} ${GOOGLE_APPLICATION_CREDENTIALS:-withheld}\"";
    let mut cmd =
        s.command(&["run", "--inherit", "GOOGLE_APPLICATION_CREDENTIALS", "--", "sh", "-c", script]);
    let both = [("OLD_API_KEY", "parent-secret"), ("GOOGLE_APPLICATION_CREDENTIALS", "/home/ada/gcp.json")];
    let out = cmd.envs(both).stdin(Stdio::null()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "withheld /home/ada/gcp.json\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("withheld from the command: OLD_API_KEY") && !err.contains("GOOGLE_APP"), "{err}");

    s.ok(
        &[
            "profile",
            "add",
            "gcp",
            "--env",
            "default",
            "--vars",
            "MODEL",
            "--inherit",
            "GOOGLE_APPLICATION_CREDENTIALS",
        ],
        b"",
    );
    let shown = String::from_utf8(s.ok(&["profile", "show", "gcp"], b"")).unwrap();
    assert!(shown.contains("inherit  GOOGLE_APPLICATION_CREDENTIALS"), "{shown}");
    let run = |s: &Sandbox| {
        let mut cmd = s.command(&["run", "--profile", "gcp", "--", "sh", "-c", script]);
        let out = cmd.envs(both).stdin(Stdio::null()).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(run(&s), "withheld /home/ada/gcp.json\n");
    s.ok(&["profile", "edit", "gcp", "--no-inherit"], b"");
    assert_eq!(run(&s), "withheld withheld\n", "after --no-inherit the path is withheld again");
}

#[test]
fn secrets_are_masked_in_stdout_and_stderr_even_split_across_writes() {
    let s = sandbox();
    let (half, rest) = TOKEN.split_at(7);
    let script = format!(
        "echo \"one $MY_TOKEN\"; printf 'two {half}'; sleep 0.2; printf '{rest} end\\n'; echo \"err $MY_TOKEN\" >&2"
    );
    let (code, out, err) = run_sh(&s, &[], &script);
    assert_eq!(code, Some(0));
    assert_eq!(out, "one <latchkey:MY_TOKEN>\ntwo <latchkey:MY_TOKEN> end\n");
    assert!(err.contains("err <latchkey:MY_TOKEN>"), "{err}");
    assert!(!out.contains(TOKEN) && !err.contains(TOKEN));
    let (_, out, _) = run_sh(&s, &["--no-mask"], "echo $MY_TOKEN");
    assert_eq!(out, format!("{TOKEN}\n"));
}

#[test]
fn binary_and_very_long_output_pass_through_intact() {
    let s = sandbox();
    let out = s
        .command(&[
            "run",
            "--",
            "sh",
            "-c",
            "head -c 300000 /dev/zero | tr '\\0' 'x'; printf '\\000\\377\\376'",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.stdout.len(), 300_003);
    assert_eq!(&out.stdout[300_000..], &[0, 0xff, 0xfe]);
}

#[test]
fn exit_codes_and_signals_propagate() {
    let s = sandbox();
    assert_eq!(run_sh(&s, &[], "exit 7").0, Some(7));
    assert_eq!(run_sh(&s, &[], "kill -KILL $$").0, Some(137), "128 + SIGKILL");
    // SIGTERM to latchkey reaches the command, which says so and exits.
    let mut child = s
        .command(&[
            "run",
            "--",
            "sh",
            "-c",
            "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 6];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    assert_eq!(&first, b"ready\n");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "got-term\n");
    assert_eq!(status.code(), Some(3));
}

#[test]
fn killing_latchkey_outright_leaves_no_orphan() {
    let s = sandbox();
    let pidfile = s.path("agent.pid");
    let script = format!("echo $$ > {}; exec sleep 30", pidfile.display());
    let mut latchkey = s
        .command(&["run", "--", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pidfile)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            break pid;
        }
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    latchkey.kill().unwrap(); // SIGKILL: no chance to clean up
    latchkey.wait().unwrap();
    let gone = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_or(true, |stat| stat.rsplit(')').next().is_some_and(|s| s.trim_start().starts_with('Z')))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !gone() {
        assert!(Instant::now() < deadline, "the command (pid {pid}) outlived latchkey");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_a_terminal_the_command_runs_in_a_pseudo_terminal_with_colours_and_masking() {
    let s = sandbox();
    // `script` gives latchkey a terminal, as a user's shell would.
    let inner = format!(
        "{} run -- sh -c 'test -t 0 && test -t 1 && echo tty-yes; printf \"\\033[31mred\\033[0m $MY_TOKEN\\n\"'",
        latchkey_tests::latchkey_bin().display()
    );
    let out = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env("LATCHKEY_HOME", &s.home)
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tty-yes"), "the command did not see a terminal: {text:?}");
    assert!(text.contains("\u{1b}[31mred\u{1b}[0m <latchkey:MY_TOKEN>"), "{text:?}");
    assert!(!text.contains(TOKEN));
}

#[test]
fn an_env_file_template_is_resolved_in_memory_and_its_secrets_masked() {
    let s = sandbox();
    let template = s.path(".env.latchkey");
    std::fs::write(&template, "AGENT_TOKEN=latchkey://default/MY_TOKEN\nAGENT_MODE=fast\n").unwrap();
    let (code, out, err) = run_sh(
        &s,
        &["--env-file", template.to_str().unwrap(), "--only", "MODEL"],
        "echo \"$AGENT_TOKEN $AGENT_MODE $MODEL\"",
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "<latchkey:AGENT_TOKEN> fast small-model\n");
    std::fs::write(&template, "AGENT_TOKEN=latchkey://default/NOPE\n").unwrap();
    let (code, _, err) = run_sh(&s, &["--env-file", template.to_str().unwrap()], "true");
    assert_eq!(code, Some(1));
    assert!(err.contains(".env.latchkey:1: `latchkey://default/NOPE` cannot be resolved"), "{err}");
}

#[test]
fn an_env_file_takes_vault_values_as_they_are_and_masks_every_referenced_one() {
    // A value with line breaks, ` #` and `${…}` before another reference: resolving it
    // must neither shift the next one's line (leaving it unmasked) nor reread the value.
    let s = sandbox();
    let pem = "-----BEGIN KEY-----\nline-two-secret-body\n-----END KEY----- #not-a-comment ${HOME}";
    s.set("default", "SIGNING_KEY", pem);
    let template = s.path(".env.latchkey");
    std::fs::write(
        &template,
        "SIGNING=latchkey://default/SIGNING_KEY\nAGENT_TOKEN=latchkey://default/MY_TOKEN\nMODE=fast\n",
    )
    .unwrap();
    let args = ["--env-file", template.to_str().unwrap(), "--only", "MODEL"];
    let (code, out, err) =
        run_sh(&s, &args, "echo \"$AGENT_TOKEN|$MODE\"; printf %s \"$SIGNING\" | sha256sum");
    assert_eq!(code, Some(0), "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("<latchkey:AGENT_TOKEN>|fast"), "{out}");
    // The command got the value exactly (compared by digest: the value itself is masked).
    let digest =
        Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(pem.as_bytes())?;
            c.wait_with_output()
        });
    assert_eq!(lines.next(), Some(String::from_utf8_lossy(&digest.unwrap().stdout).trim_end()), "{out}");
    assert!(!out.contains(TOKEN) && !out.contains("line-two-secret-body"), "{out}");
}

#[test]
fn a_profiles_agent_gets_exactly_its_variables_command_and_directory() {
    let s = sandbox();
    s.set("default", "OTHER_TOKEN", "other-token-value-9");
    let dir = s.path("agent-dir");
    std::fs::create_dir(&dir).unwrap();
    s.ok(
        &[
            "profile",
            "add",
            "coder",
            "--env",
            "default",
            "--vars",
            "MY_TOKEN,MODEL",
            "--command",
            "sh -c 'echo \"${MY_TOKEN:-none} ${OTHER_TOKEN:-none} $MODEL $(pwd)\"'",
            "--cwd",
            dir.to_str().unwrap(),
        ],
        b"",
    );
    let out = s.command(&["run", "--profile", "coder"]).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("<latchkey:MY_TOKEN> none small-model {}\n", dir.display())
    );
    // With --command, a command after `--` replaces the profile's; the variables stay
    // the profile's.
    let out = s
        .command(&["run", "--profile", "coder", "--command", "--", "sh", "-c", "echo ${OTHER_TOKEN:-none}"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "none\n");
    // Without it, what follows `--` is added to the profile's command as arguments.
    s.ok(
        &[
            "profile",
            "add",
            "echoer",
            "--env",
            "default",
            "--vars",
            "MODEL",
            "--command",
            "echo from the profile",
        ],
        b"",
    );
    let out = s.command(&["run", "--profile", "echoer", "--", "--ask", "twice"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "from the profile --ask twice\n");
    let out = s.run(&["run", "--command", "--", "true"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--profile"));
    // The grant is recorded under the profile's name.
    let log: serde_json::Value = serde_json::from_slice(&s.ok(&["audit", "--json"], b"")).unwrap();
    let grants: Vec<&serde_json::Value> =
        log.as_array().unwrap().iter().filter(|e| e["access"] == "grant").collect();
    assert_eq!(grants[0]["profile"], "coder");
    assert_eq!(grants[0]["names"], serde_json::json!(["MODEL", "MY_TOKEN"]));

    let listed = String::from_utf8(s.ok(&["profile", "show", "coder"], b"")).unwrap();
    assert!(listed.contains("vars     MY_TOKEN, MODEL"), "{listed}");
    let out = s.run(&["profile", "add", "bad", "--env", "default", "--vars", "NOPE"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("`default` has no `NOPE`"));
    s.ok(&["profile", "edit", "coder", "--vars", "MODEL"], b"");
    let out = s.command(&["run", "--profile", "coder"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("none none small-model {}\n", dir.display()));
    s.ok(&["profile", "rm", "coder"], b"");
    let out = s.run(&["run", "--profile", "coder"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no profile named `coder`"));
}

#[test]
fn the_withheld_rules_can_be_extended() {
    let s = sandbox();
    let out = s
        .command(&[
            "run",
            "--no-mask",
            "--",
            "sh",
            "-c",
            "echo \"${CORP_VAULT_ADDR:-gone} ${OLD_API_KEY:-gone}\"",
        ])
        .env("LATCHKEY_WITHHOLD", "CORP_*")
        .env("CORP_VAULT_ADDR", "https://vault.corp.example")
        .env("OLD_API_KEY", "withheld-by-default")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "gone gone\n");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("withheld from the command: CORP_VAULT_ADDR, OLD_API_KEY")
    );
}
