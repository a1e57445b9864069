//! Shell completions, manual pages and help, as a user meets them: the real bash, zsh
//! and fish load `latchkey completions SHELL` and complete verbs and flags from it, `man`
//! renders every page `latchkey man` writes, and `--help` names every variable read.

use std::process::Command;

use latchkey_tests::{have, latchkey_bin, require};

fn completions(shell: &str) -> String {
    let out = Command::new(latchkey_bin()).args(["completions", shell]).output().expect("latchkey runs");
    assert!(out.status.success(), "completions {shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("the script is text")
}

/// Runs `script` in `shell` with the completion script at `$1`; returns stdout.
fn in_shell(shell: &str, completion: &str, script: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latchkey-completion");
    std::fs::write(&file, completion).unwrap();
    let mut cmd = Command::new(shell);
    match shell {
        "fish" => cmd.args(["--no-config", "-c", script, file.to_str().unwrap()]),
        "zsh" => cmd.args(["-f", "-c", script, "zsh", file.to_str().unwrap()]),
        _ => cmd.args(["--norc", "--noprofile", "-c", script, "bash", file.to_str().unwrap()]),
    };
    let out = cmd.env("HOME", dir.path()).output().expect("the shell runs");
    assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

#[test]
fn bash_completes_verbs_and_a_verbs_flags() {
    if !require(have("bash"), "bash", "install bash") {
        return;
    }
    let script = completions("bash");
    let verbs = in_shell(
        "bash",
        &script,
        r#"source "$1"; COMP_WORDS=(latchkey ro); COMP_CWORD=1; _latchkey latchkey ro latchkey; printf '%s\n' "${COMPREPLY[@]}""#,
    );
    let mut got = words(&verbs);
    got.sort_unstable();
    assert_eq!(got, ["rollback", "rotate"], "bash completed `latchkey ro` as {verbs:?}");

    let flags = in_shell(
        "bash",
        &script,
        r#"source "$1"; COMP_WORDS=(latchkey rotate --ex); COMP_CWORD=2; _latchkey latchkey --ex rotate; printf '%s\n' "${COMPREPLY[@]}""#,
    );
    assert_eq!(words(&flags), ["--expires"], "bash completed `latchkey rotate --ex` as {flags:?}");
}

#[test]
fn fish_completes_verbs_and_a_verbs_flags() {
    if !require(have("fish"), "fish", "apt-get install fish (make deps does)") {
        return;
    }
    let script = completions("fish");
    let verbs = in_shell("fish", &script, r#"source $argv[1]; complete -C 'latchkey ro'"#);
    let mut got: Vec<&str> = verbs.lines().filter_map(|l| l.split('\t').next()).collect();
    got.sort_unstable();
    assert_eq!(got, ["rollback", "rotate"], "fish completed `latchkey ro` as {verbs:?}");

    let flags = in_shell("fish", &script, r#"source $argv[1]; complete -C 'latchkey run --inh'"#);
    let got: Vec<&str> = flags.lines().filter_map(|l| l.split('\t').next()).collect();
    assert!(got.contains(&"--inherit-secrets"), "fish completed `latchkey run --inh` as {flags:?}");
}

#[test]
fn zsh_loads_the_completion_function_for_latchkey() {
    if !require(have("zsh"), "zsh", "apt-get install zsh (make deps does)") {
        return;
    }
    let script = completions("zsh");
    // compinit maps each command to its function from the #compdef line of the files on
    // fpath: the file installed as _latchkey must register itself for `latchkey`.
    let out = in_shell(
        "zsh",
        &script,
        r#"d=$(mktemp -d); cp "$1" "$d/_latchkey"; fpath=("$d" $fpath); autoload -U compinit; compinit -u -D; print -r -- "$_comps[latchkey]"; autoload +X _latchkey && print loaded"#,
    );
    assert_eq!(words(&out), ["_latchkey", "loaded"], "zsh registered {out:?}");
}

#[test]
fn every_verb_has_a_manual_page_that_man_renders_with_its_examples() {
    if !require(have("man"), "man", "apt-get install man-db") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(latchkey_bin()).arg("man").arg("--out").arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let help = Command::new(latchkey_bin()).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let verbs: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| *v != "help")
        .collect();
    assert!(verbs.len() > 25, "--help lists the verbs: {verbs:?}");
    for verb in verbs.iter().copied().chain(["profile-add", "audit-verify", "env-rm", "identity-export"]) {
        assert!(dir.path().join(format!("latchkey-{verb}.1")).exists(), "no manual page for {verb}");
    }
    let pages: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(pages.len() > verbs.len(), "a page per verb and per subcommand: {pages:?}");
    for page in pages {
        let shown = Command::new("man").arg("-l").arg(&page).env("MANWIDTH", "100").output().unwrap();
        let text = plain(&String::from_utf8_lossy(&shown.stdout));
        assert!(shown.status.success() && text.contains("NAME"), "man cannot render {page:?}: {text}");
        assert!(text.contains("Example"), "{page:?} has no example");
    }
}

#[test]
fn help_names_every_environment_variable_latchkey_reads() {
    let help = Command::new(latchkey_bin()).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut read = std::collections::BTreeSet::new();
    let mut dirs = vec![root.join("crates/core/src"), root.join("crates/cli/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("\"LATCHKEY_") {
                let name: String =
                    text[at + 1..].chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
                // A name that ends in `_` is a prefix that code completes (a heredoc
                // delimiter), not a variable read.
                if !name.ends_with('_') {
                    read.insert(name);
                }
            }
        }
    }
    assert!(read.len() >= 8, "the variables latchkey reads: {read:?}");
    let missing: Vec<&String> = read.iter().filter(|name| !help.contains(name.as_str())).collect();
    assert!(missing.is_empty(), "`latchkey --help` does not name {missing:?}");
}

/// Text without the overstrikes (`N\bN` for bold, `_\bN` for underline) `man` prints
/// when its output is not a terminal.
fn plain(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}
