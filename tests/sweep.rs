//! `latchkey scan` end to end: a fake home holding agent transcripts, configs and
//! histories in each tool's format (tests/fixtures/sweep), values planted in every
//! form, a git repository with a key in an old commit, redaction, and leaks.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use latchkey_tests::{Sandbox, corpus_key, path_with_latchkey};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sweep/home");

/// The vault's values, and what the markers stand for.
struct Values {
    by_name: BTreeMap<&'static str, String>,
}

impl Values {
    fn stored(sandbox: &Sandbox) -> Self {
        let mut by_name = BTreeMap::new();
        by_name.insert("past:OPENAI_API_KEY", corpus_key("openai", 0));
        by_name.insert("OPENAI_API_KEY", corpus_key("openai", 1));
        by_name.insert("ANTHROPIC_API_KEY", corpus_key("anthropic", 0));
        by_name.insert("GITHUB_TOKEN", corpus_key("github", 0));
        by_name.insert("TWILIO_AUTH_TOKEN", "9f3c2b7a41d05e68c1f2a9b03e7d4c65".to_owned());
        by_name.insert("DATABASE_PASSWORD", r#"Pg/s3cr+t"w0rd&x%41=y"#.to_owned());
        by_name.insert("unmanaged:anthropic", corpus_key("anthropic", 1));
        by_name.insert("unmanaged:github", corpus_key("github", 1));
        sandbox.set("default", "OPENAI_API_KEY", &by_name["past:OPENAI_API_KEY"]);
        sandbox.ok(&["rotate", "OPENAI_API_KEY", "--force"], by_name["OPENAI_API_KEY"].as_bytes());
        for name in ["ANTHROPIC_API_KEY", "GITHUB_TOKEN", "TWILIO_AUTH_TOKEN", "DATABASE_PASSWORD"] {
            sandbox.set("default", name, &by_name[name]);
        }
        // The same key in a second environment: found once, named with both.
        sandbox.ok(&["env", "add", "prod"], b"");
        sandbox.set("prod", "GITHUB_TOKEN", &by_name["GITHUB_TOKEN"]);
        Values { by_name }
    }

    /// Every value, each in the forms output could leak it in.
    fn leakable(&self) -> Vec<String> {
        let mut all = Vec::new();
        for value in self.by_name.values() {
            all.push(value.clone());
            all.push(encode(value, "hex"));
            all.push(encode(value, "base64@0").trim_end_matches('=').to_owned());
            // Any 12 characters in a row of the value.
            let chars: Vec<char> = value.chars().collect();
            all.extend(chars.windows(12).map(|w| w.iter().collect::<String>()));
        }
        all
    }
}

fn encode(value: &str, form: &str) -> String {
    let b64 = |bytes: &[u8]| {
        let mut out = String::new();
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= chunk.len() { A[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
            }
        }
        out
    };
    match form {
        "literal" => value.to_owned(),
        "json" => {
            let quoted = serde_json::to_string(value).unwrap();
            quoted[1..quoted.len() - 1].replace('/', "\\/")
        }
        "percent" => value
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
        "hex" => value.bytes().map(|b| format!("{b:02x}")).collect(),
        _ => {
            let (alphabet, shift) = form.split_once('@').unwrap();
            let mut plain = vec![b'x'; shift.parse().unwrap()];
            plain.extend_from_slice(value.as_bytes());
            plain.push(b'\n');
            let standard = b64(&plain);
            if alphabet == "base64url" { standard.replace('+', "-").replace('/', "_") } else { standard }
        }
    }
}

/// A planted marker: where, and what must be reported.
#[derive(Debug)]
struct Planted {
    path: PathBuf,
    line: u64,
    name: String,
    form: String,
}

/// Copies the fixture home to `to`, replacing each marker; returns the plantings.
fn plant(values: &Values, to: &Path) -> Vec<Planted> {
    let mut planted = Vec::new();
    let mut stack = vec![PathBuf::from(FIXTURES)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.strip_prefix(FIXTURES).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut out = String::new();
            for (i, line) in text.split_inclusive('\n').enumerate() {
                let mut line = line.to_owned();
                if let Some(start) = line.find("{{")
                    && let Some(len) = line[start..].find("}}")
                    && line[start..start + len].contains('|')
                {
                    let marker = line[start + 2..start + len].to_owned();
                    let (name, form) = marker.split_once('|').unwrap();
                    let value = values.by_name.get(name).unwrap_or_else(|| panic!("unknown marker {marker}"));
                    line.replace_range(start..start + len + 2, &encode(value, form));
                    planted.push(Planted {
                        path: target.clone(),
                        line: i as u64 + 1,
                        name: name.into(),
                        form: form.into(),
                    });
                }
                out.push_str(&line);
            }
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, out).unwrap();
        }
    }
    planted
}

fn scan(sandbox: &Sandbox, home: &Path, cwd: &Path, args: &[&str]) -> Output {
    let mut command = sandbox.command(&[&["scan"], args].concat());
    command
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .current_dir(cwd)
        .stdin(std::process::Stdio::null());
    command.output().unwrap()
}

fn findings(out: &Output) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("scan --json: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    json["findings"].as_array().unwrap().clone()
}

fn assert_no_value(values: &Values, out: &Output) {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for leak in values.leakable() {
        assert!(!text.contains(&leak), "the output shows a value (or 12 characters of one)");
    }
}

/// The forms a finding may report for a marker's form: a value that needs no escaping
/// is the same bytes in JSON or percent form, so it is found literal; base64 without `+`
/// or `/` is the same in both alphabets.
fn expected_forms(value: &str, form: &str) -> Vec<String> {
    match form.split_once('@').map_or(form, |(f, _)| f) {
        f @ ("json" | "percent") if encode(value, form) == value => vec!["literal".into(), f.into()],
        "base64url" if !encode(value, &form.replace("base64url", "base64")).contains(['+', '/']) => {
            vec!["base64url".into(), "base64".into()]
        }
        f => vec![f.into()],
    }
}

#[test]
fn every_planted_copy_in_agent_files_and_histories_is_found_with_its_name_form_and_place() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let home = sandbox.path("fakehome");
    let planted = plant(&values, &home);
    assert!(planted.len() >= 50, "the fixtures plant {} values", planted.len());

    let out = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--history", "--json"]);
    assert_eq!(out.status.code(), Some(1), "a current value found exits 1");
    assert_no_value(&values, &out);
    let found = findings(&out);
    for p in &planted {
        let value = &values.by_name[p.name.as_str()];
        let hit = found.iter().find(|f| {
            f["place"]["path"].as_str() == Some(p.path.to_str().unwrap())
                && f["line"].as_u64() == Some(p.line)
        });
        let hit = hit
            .unwrap_or_else(|| panic!("not found: {} {} at {}:{}", p.name, p.form, p.path.display(), p.line));
        match p.name.split_once(':') {
            Some(("unmanaged", provider)) => {
                assert_eq!(hit["status"], "unmanaged", "{p:?}");
                assert_eq!(hit["provider"], provider, "{p:?}");
            }
            Some(("past", name)) => {
                assert_eq!(
                    (hit["status"].as_str(), hit["variable"].as_str()),
                    (Some("past"), Some(name)),
                    "{p:?}"
                );
            }
            _ => {
                assert_eq!(
                    (hit["status"].as_str(), hit["variable"].as_str()),
                    (Some("current"), Some(p.name.as_str()))
                );
                let form = hit["form"].as_str().unwrap().to_owned();
                assert!(expected_forms(value, &p.form).contains(&form), "{p:?} found as {form}");
            }
        }
    }
    // Nothing else: no false positive for a stored value, none in the file of near misses.
    assert_eq!(found.len(), planted.len(), "{} findings for {} plantings", found.len(), planted.len());
    // The key stored in two environments names both.
    let github = found.iter().find(|f| f["variable"] == "GITHUB_TOKEN").unwrap();
    assert_eq!(github["environment"], "default");
    assert_eq!(github["also"][0]["environment"], "prod");

    // The table says the same, without values; the summary counts what was looked for.
    let table = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--history"]);
    assert_no_value(&values, &table);
    let stdout = String::from_utf8_lossy(&table.stdout);
    assert!(
        stdout.starts_with("PLACE") && stdout.contains("base64") && stdout.contains("(github key)"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&table.stderr);
    assert!(
        stderr.contains(&format!("Found {} current, 2 past and 4 unmanaged", planted.len() - 6)),
        "{stderr}"
    );

    // Leaked until rotated.
    let status = sandbox.run(&["status", "--json"], b"");
    let rows: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let twilio = rows.as_array().unwrap().iter().find(|r| r["name"] == "TWILIO_AUTH_TOKEN").unwrap();
    assert!(twilio["leaked"]["places"].as_array().is_some_and(|p| !p.is_empty()), "{twilio}");
    assert!(!status.status.success(), "status exits 1 while a secret is leaked");
    sandbox.ok(&["rotate", "TWILIO_AUTH_TOKEN", "--force"], b"0123456789abcdef0123456789abcdef");
    let rows: serde_json::Value =
        serde_json::from_slice(&sandbox.run(&["status", "--json"], b"").stdout).unwrap();
    let twilio = rows.as_array().unwrap().iter().find(|r| r["name"] == "TWILIO_AUTH_TOKEN").unwrap();
    assert!(twilio["leaked"].is_null(), "a rotated secret is no longer leaked: {twilio}");
    // Back to the leaked value: leaked again.
    sandbox.ok(&["rollback", "TWILIO_AUTH_TOKEN"], b"");
    let rows: serde_json::Value =
        serde_json::from_slice(&sandbox.run(&["status", "--json"], b"").stdout).unwrap();
    let twilio = rows.as_array().unwrap().iter().find(|r| r["name"] == "TWILIO_AUTH_TOKEN").unwrap();
    assert!(!twilio["leaked"].is_null(), "a rollback to the leaked value is leaked again: {twilio}");
    // The record holds places and a MAC, never the value.
    let record = std::fs::read_to_string(sandbox.home.join("leaks.toml")).unwrap();
    assert!(!values.leakable().iter().any(|v| record.contains(v.as_str())));
}

#[test]
fn redaction_scrubs_every_stored_value_keeps_each_file_valid_and_leaves_unmanaged_keys() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let home = sandbox.path("fakehome");
    let planted = plant(&values, &home);
    let asked = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--history", "--redact"]);
    assert!(!asked.status.success(), "without a terminal or --yes, nothing is redacted");
    assert!(String::from_utf8_lossy(&asked.stderr).contains("--yes"));
    let done = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--history", "--redact", "--yes"]);
    assert_no_value(&values, &done);
    // Agents read their keys from their configs: those are named, not rewritten, so
    // current values remain, and the exit status says so.
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(said.contains("Not redacting") && said.contains(".codex/auth.json"), "{said}");
    assert_eq!(done.status.code(), Some(1), "{said}");
    let config = |path: &str| {
        [
            ".claude.json",
            "settings.json",
            "claude_desktop_config.json",
            "config.toml",
            "auth.json",
            "mcp.json",
            "mcp_config.json",
            "config.yaml",
            "config.json",
            ".aider.conf.yml",
        ]
        .iter()
        .any(|c| path.ends_with(c))
    };

    for p in &planted {
        let text = std::fs::read_to_string(&p.path).unwrap();
        let name = p.path.to_string_lossy();
        if name.ends_with(".jsonl") {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        } else if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".toml") {
            toml::from_str::<toml::Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let again = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--history", "--json"]);
    let left = findings(&again);
    let outside_configs: Vec<_> =
        left.iter().filter(|f| !config(f["place"]["path"].as_str().unwrap())).collect();
    assert!(outside_configs.iter().all(|f| f["status"] == "unmanaged"), "{outside_configs:?}");
    assert!(!outside_configs.is_empty(), "unmanaged keys are not scrubbed: the vault has no copy");
    assert!(left.iter().any(|f| f["status"] == "current"), "the configs keep theirs");
    let transcript = std::fs::read_to_string(
        planted.iter().find(|p| p.path.to_string_lossy().contains(".claude/projects")).unwrap().path.clone(),
    )
    .unwrap();
    assert!(transcript.contains("<latchkey:"), "the copies are replaced with their placeholder");
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("PATH", path_with_latchkey())
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `git commit -m MESSAGE` with the installed hook, which runs this sandbox's latchkey.
fn commit_through_hook(repo: &Path, sandbox: &Sandbox, message: &str) -> Output {
    std::process::Command::new("git")
        .current_dir(repo)
        .args(["commit", "-q", "-m", message])
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("PATH", path_with_latchkey())
        .env("LATCHKEY_HOME", &sandbox.home)
        .output()
        .unwrap()
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git").current_dir(dir).args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_key_in_an_old_commit_is_found_a_tracked_file_is_refused_and_the_hook_stops_a_commit() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let key = &values.by_name["ANTHROPIC_API_KEY"];
    let repo = sandbox.path("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README.md"), "hello\n").unwrap();
    std::fs::write(repo.join("config.py"), format!("# settings\nKEY = \"{key}\"\n")).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let first = git_out(&repo, &["rev-parse", "HEAD"]);
    std::fs::write(repo.join("config.py"), "# settings\nKEY = os.environ[\"KEY\"]\n").unwrap();
    git(&repo, &["commit", "-q", "-am", "take the key out"]);

    // A repository whose config would run a program when `git log` shows a signature:
    // a sweep runs nothing of the repository's.
    let marker = sandbox.path("ran");
    let program = sandbox.path("gpg.sh");
    std::fs::write(&program, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let tree = git_out(&repo, &["write-tree"]);
    let signed = format!(
        "tree {tree}\nparent {first}\nauthor t <t@example.invalid> 4000000000 +0000\ncommitter t <t@example.invalid> 4000000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\nsigned\n"
    );
    std::fs::write(sandbox.path("commit.txt"), signed).unwrap();
    let id =
        git_out(&repo, &["hash-object", "-t", "commit", "-w", sandbox.path("commit.txt").to_str().unwrap()]);
    git(&repo, &["branch", "signed", &id]);
    git(&repo, &["config", "log.showSignature", "true"]);
    git(&repo, &["config", "gpg.program", program.to_str().unwrap()]);

    let out = scan(&sandbox, &sandbox.path(""), &repo, &["--git", "--json"]);
    assert_no_value(&values, &out);
    assert!(!marker.exists(), "the repository's gpg.program ran");
    let found = findings(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["place"]["commit"], first.as_str());
    assert_eq!(found[0]["place"]["path"], "config.py");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["variable"].as_str()),
        (Some(2), Some("ANTHROPIC_API_KEY"))
    );
    // The working tree is clean now.
    assert_eq!(scan(&sandbox, &sandbox.path(""), &repo, &["--json"]).status.code(), Some(0));

    // A tracked file holding a key: found, refused by --redact, unchanged.
    let tracked = format!("token: {}\n", values.by_name["GITHUB_TOKEN"]);
    std::fs::write(repo.join("ci.yml"), &tracked).unwrap();
    git(&repo, &["add", "ci.yml"]);
    git(&repo, &["commit", "-q", "-m", "ci"]);
    let refused = scan(&sandbox, &sandbox.path(""), &repo, &["--redact", "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("tracked by git") && said.contains("rotate"), "{said}");
    assert_eq!(std::fs::read_to_string(repo.join("ci.yml")).unwrap(), tracked);
    git(&repo, &["rm", "-q", "ci.yml"]);
    git(&repo, &["commit", "-q", "-m", "rm"]);

    // The pre-commit hook refuses a staged key, and lets a clean commit through.
    let hook = sandbox.command(&["hook", "install"]).current_dir(&repo).output().unwrap();
    assert!(hook.status.success(), "{}", String::from_utf8_lossy(&hook.stderr));
    std::fs::write(repo.join("notes.md"), format!("the key: {}\n", encode(key, "base64@1"))).unwrap();
    git(&repo, &["add", "notes.md"]);
    // Names git quotes or splits on are read all the same: a newline, bytes not UTF-8.
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9\nz.env");
    std::fs::write(repo.join(odd), format!("K={key}\n")).unwrap();
    let add = std::process::Command::new("git").current_dir(&repo).arg("add").arg(odd).status().unwrap();
    assert!(add.success());
    let staged = scan(&sandbox, &sandbox.path(""), &repo, &["--staged", "--json"]);
    assert_eq!(findings(&staged).len(), 2, "{}", String::from_utf8_lossy(&staged.stdout));
    let rm = std::process::Command::new("git")
        .current_dir(&repo)
        .args(["rm", "-q", "--cached", "--"])
        .arg(odd)
        .status()
        .unwrap();
    assert!(rm.success());
    std::fs::remove_file(repo.join(odd)).unwrap();
    let commit = commit_through_hook(&repo, &sandbox, "notes");
    assert!(!commit.status.success(), "the hook stops the commit");
    let said = String::from_utf8_lossy(&commit.stderr);
    assert!(
        said.contains("(staged) notes.md") || String::from_utf8_lossy(&commit.stdout).contains("notes.md")
    );
    assert!(!said.contains(key.as_str()));
    std::fs::write(repo.join("notes.md"), "no key here\n").unwrap();
    git(&repo, &["add", "notes.md"]);
    let clean = commit_through_hook(&repo, &sandbox, "notes");
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stderr));
}

#[test]
fn a_fifo_a_symlink_out_and_an_unreadable_file_do_not_stop_or_fool_a_sweep() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let tree = sandbox.path("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    let fifo = tree.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let outside = sandbox.path("outside.txt");
    std::fs::write(&outside, &values.by_name["OPENAI_API_KEY"]).unwrap();
    std::os::unix::fs::symlink(&outside, tree.join("sub/link.txt")).unwrap();
    std::fs::write(tree.join("sub/real.txt"), format!("k={}\n", values.by_name["OPENAI_API_KEY"])).unwrap();
    let out = scan(&sandbox, &sandbox.path(""), &tree, &["--json"]);
    let found = findings(&out);
    assert_eq!(found.len(), 1, "only the real file inside the tree: {found:?}");
    assert!(found[0]["place"]["path"].as_str().unwrap().ends_with("sub/real.txt"));

    // A file whose name holds a value: found, its name shown masked, in the table too.
    let named = tree.join(format!("notes-{}.txt", values.by_name["GITHUB_TOKEN"]));
    std::fs::write(&named, format!("t={}\n", values.by_name["GITHUB_TOKEN"])).unwrap();
    for args in [&["--json"][..], &[][..], &["--redact", "--yes"][..]] {
        let out = scan(&sandbox, &sandbox.path(""), &tree, args);
        assert_no_value(&values, &out);
        let said =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(said.contains("notes-<latchkey:GITHUB_TOKEN>.txt"), "{said}");
    }
}

#[test]
fn agents_lists_the_tools_and_their_servers_plaintext_secrets_by_name_only() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let home = sandbox.path("fakehome");
    plant(&values, &home);
    let out = sandbox
        .command(&["agents", "--json"])
        .env("HOME", &home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_value(&values, &out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tools: Vec<&str> =
        json["tools"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    for id in [
        "claude-code",
        "claude-desktop",
        "codex",
        "cursor",
        "vscode",
        "windsurf",
        "continue",
        "aider",
        "gemini-cli",
    ] {
        assert!(tools.contains(&id), "{id} is found: {tools:?}");
    }
    let server = |tool: &str, name: &str| {
        json["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["tool"] == tool && s["name"] == name)
            .unwrap_or_else(|| panic!("no server {name} of {tool}: {}", json["servers"]))
            .clone()
    };
    assert_eq!(
        server("claude-code", "github")["secrets"],
        serde_json::json!(["env.GITHUB_PERSONAL_ACCESS_TOKEN"])
    );
    assert_eq!(
        server("claude-code", "github-remote")["secrets"],
        serde_json::json!(["headers.Authorization"])
    );
    assert_eq!(server("claude-code", "postgres")["secrets"], serde_json::json!(["args[2]"]));
    assert_eq!(server("codex", "github")["secrets"], serde_json::json!(["env.GITHUB_PERSONAL_ACCESS_TOKEN"]));
    assert_eq!(server("codex", "context7")["secrets"], serde_json::json!([]));
}

#[test]
fn a_key_in_vs_codes_sqlite_store_is_found_by_table_and_row_and_redacted_in_place() {
    let (sandbox, _) = Sandbox::with_identity_file();
    let values = Values::stored(&sandbox);
    let key = &values.by_name["ANTHROPIC_API_KEY"];
    let home = sandbox.path("fakehome");
    let storage = home.join(".config/Code/User/globalStorage");
    std::fs::create_dir_all(&storage).unwrap();
    let db = storage.join("state.vscdb");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);").unwrap();
    conn.execute("INSERT INTO ItemTable VALUES ('theme', 'dark')", []).unwrap();
    let chat =
        serde_json::json!({"requests": [{"message": {"text": format!("my key is {key}")}}]}).to_string();
    conn.execute("INSERT INTO ItemTable VALUES ('interactive.sessions', ?1)", [&chat]).unwrap();
    drop(conn);

    let out = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--json"]);
    assert_no_value(&values, &out);
    let found = findings(&out);
    let hit = found.iter().find(|f| f["place"]["kind"] == "row").unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(hit["place"]["table"], "ItemTable");
    assert_eq!(hit["place"]["column"], "value");
    assert_eq!(hit["place"]["row"], 2);
    assert_eq!(
        (hit["variable"].as_str(), hit["status"].as_str()),
        (Some("ANTHROPIC_API_KEY"), Some("current"))
    );
    let table = scan(&sandbox, &home, &sandbox.path(""), &["--agents"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("state.vscdb (ItemTable.value, row 2)"));

    let done = scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--redact", "--yes"]);
    assert_no_value(&values, &done);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let text: String = conn
        .query_row("SELECT value FROM ItemTable WHERE key = 'interactive.sessions'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(text, chat.replace(key.as_str(), "<latchkey:ANTHROPIC_API_KEY>"));
    let again = findings(&scan(&sandbox, &home, &sandbox.path(""), &["--agents", "--json"]));
    assert!(!again.iter().any(|f| f["place"]["kind"] == "row"), "{again:?}");
    assert!(!std::fs::read(&db).unwrap().windows(key.len()).any(|w| w == key.as_bytes()));
}
