//! `latchkey agents protect`, `unprotect` and `deny` end to end, on a fake home holding
//! Claude Code's, VS Code's (JSON with comments) and Codex's (TOML) configs: the keys
//! move into the vault, the protected server's command runs with them, the rest of
//! each file stays as it was, and unprotect gives back the original.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use latchkey_tests::{Sandbox, corpus_key};

struct Home {
    sandbox: Sandbox,
    identity: PathBuf,
    dir: PathBuf,
    github: String,
    openai: String,
    stripe: String,
}

impl Home {
    fn new() -> Self {
        let (sandbox, identity) = Sandbox::with_identity_file();
        let dir = sandbox.path("user");
        std::fs::create_dir_all(dir.join(".codex")).unwrap();
        std::fs::create_dir_all(dir.join(".config/Code/User")).unwrap();
        let (github, openai, stripe) = (
            corpus_key("github", 0),
            corpus_key("openai", 0),
            "sk_test_51Hx9QkLmNoPqRsTuVwXyZ0123456789".to_owned(),
        );
        // The server prints a digest of the key it was given, never the key.
        let claude = format!(
            r#"{{
  "numStartups": 12,
  "mcpServers": {{
    "hash": {{
      "type": "stdio",
      "command": "/bin/sh",
      "args": [
        "-c",
        "printf %s \"$GITHUB_TOKEN\" | sha256sum"
      ],
      "env": {{
        "GITHUB_TOKEN": "{github}",
        "LOG_LEVEL": "debug"
      }}
    }},
    "docs": {{"type": "http", "url": "https://mcp.example.invalid/", "headers": {{"Authorization": "Bearer {openai}"}}}}
  }},
  "projects": {{"/src/app": {{"allowedTools": []}}}}
}}
"#
        );
        std::fs::write(dir.join(".claude.json"), claude).unwrap();
        let vscode = format!(
            "// VS Code's MCP servers\n{{\n\t\"servers\": {{\n\t\t\"openai\": {{\n\t\t\t\"command\": \"node\", // the server\n\t\t\t\"args\": [\"server.js\"],\n\t\t\t\"env\": {{\"OPENAI_API_KEY\": \"{openai}\",}},\n\t\t}},\n\t}},\n}}\n"
        );
        std::fs::write(dir.join(".config/Code/User/mcp.json"), vscode).unwrap();
        let codex = format!(
            "model = \"o3\" # the model\n\n[mcp_servers.stripe]\ncommand = \"npx\"\nargs = [\"-y\", \"@stripe/mcp\"]\n\n[mcp_servers.stripe.env]\nSTRIPE_SECRET_KEY = \"{stripe}\"\nMODE = \"test\"\nweird-key = \"1\"\n"
        );
        std::fs::write(dir.join(".codex/config.toml"), codex).unwrap();
        Home { sandbox, identity, dir, github, openai, stripe }
    }

    fn latchkey(&self, args: &[&str]) -> Output {
        let out = self
            .sandbox
            .command(args)
            .env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", self.dir.join(".config"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        for value in [&self.github, &self.openai, &self.stripe] {
            assert!(!text.contains(value.as_str()), "latchkey {args:?} printed a value");
        }
        out
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.join(path)).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn parsed_json(text: &str) -> serde_json::Value {
    // VS Code's file: comments and trailing commas out, as a reader would.
    let plain: String =
        text.lines().map(|l| l.split(" //").next().unwrap()).filter(|l| !l.starts_with("//")).collect();
    serde_json::from_str(&plain.replace(",}", "}").replace(",\t}", "}").replace(",\t\t}", "}"))
        .unwrap_or_else(|e| panic!("not JSON after removing comments: {e}\n{plain}"))
}

/// Runs a server's entry as the agent tool would: its command and args, with its env
/// added to the tool's own environment.
fn run_entry(server: &serde_json::Value, home: &Path) -> Output {
    let mut cmd = Command::new(server["command"].as_str().unwrap());
    cmd.env("HOME", home).env_remove("LATCHKEY_HOME");
    for arg in server["args"].as_array().into_iter().flatten() {
        cmd.arg(arg.as_str().unwrap());
    }
    for (k, v) in server["env"].as_object().into_iter().flatten() {
        cmd.env(k, v.as_str().unwrap());
    }
    cmd.output().unwrap()
}

fn sha256(text: &str) -> String {
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

#[test]
fn protect_moves_keys_into_the_vault_the_server_runs_with_them_and_unprotect_restores_the_config() {
    let home = Home::new();
    let originals: Vec<(&str, String)> = [".claude.json", ".config/Code/User/mcp.json", ".codex/config.toml"]
        .into_iter()
        .map(|p| (p, home.read(p)))
        .collect();
    let listed = home.latchkey(&["agents"]);
    assert!(stderr(&listed).contains("latchkey agents protect"), "{}", stderr(&listed));

    let out = home.latchkey(&["agents", "protect", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    for server in ["claude-code/hash", "vscode/openai", "codex/stripe"] {
        assert!(said.contains(&format!("Protected {server}")), "{said}");
    }
    // A name no variable can have stays in the config, said so.
    assert!(said.contains("Left in place: env.weird-key (not a variable name)"), "{said}");
    // The remote server's header is not a local command's env: reported, left alone.
    assert!(!said.contains("Protected claude-code/docs"), "{said}");

    // No value is left in any config; the keys are in the vault, each under a profile.
    for (path, _) in &originals {
        let text = home.read(path);
        for value in [&home.github, &home.openai, &home.stripe] {
            if *path == ".claude.json" && value == &home.openai {
                continue; // the remote server's header
            }
            assert!(!text.contains(value.as_str()), "{path} still holds a key:\n{text}");
        }
    }
    let got = home.sandbox.ok(&["get", "GITHUB_TOKEN"], b"");
    assert_eq!(String::from_utf8(got).unwrap().trim(), home.github);
    let profiles = String::from_utf8(home.sandbox.ok(&["profile", "list"], b"")).unwrap();
    for name in ["hash", "openai", "stripe"] {
        assert!(profiles.lines().any(|l| l == name), "no profile {name}:\n{profiles}");
    }

    // Everything outside the entries is byte for byte what it was: VS Code's comments,
    // Claude Code's other settings, Codex's comment and model.
    let vscode = home.read(".config/Code/User/mcp.json");
    assert!(vscode.starts_with(
        "// VS Code's MCP servers\n{\n\t\"servers\": {\n\t\t\"openai\": {\n\t\t\t\"command\": "
    ));
    assert!(vscode.contains(", // the server\n"), "{vscode}");
    let claude = home.read(".claude.json");
    assert!(claude.contains("\"projects\": {\"/src/app\": {\"allowedTools\": []}}\n}\n"), "{claude}");
    assert!(claude.contains(&format!("\"Authorization\": \"Bearer {}\"", home.openai)));
    let codex = home.read(".codex/config.toml");
    assert!(codex.starts_with("model = \"o3\" # the model\n"), "{codex}");
    assert!(codex.contains("MODE = \"test\""), "{codex}");

    // The protected server, started as Claude Code starts it, gets its key.
    let doc: serde_json::Value = serde_json::from_str(&claude).unwrap();
    let entry = &doc["mcpServers"]["hash"];
    assert!(entry["command"].as_str().unwrap().ends_with("/latchkey"), "{entry}");
    let ran = run_entry(entry, &home.dir);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_eq!(String::from_utf8_lossy(&ran.stdout), sha256(&home.github));

    // Protecting again changes nothing.
    let again = home.latchkey(&["agents", "protect", "--yes", "hash"]);
    assert!(!again.status.success() && stderr(&again).contains("runs through `latchkey run` already"));

    let out = home.latchkey(&["agents", "unprotect", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (path, original) in &originals {
        let now = home.read(path);
        match *path {
            ".codex/config.toml" => assert_eq!(
                now.parse::<toml::Table>().unwrap(),
                original.parse::<toml::Table>().unwrap(),
                "{now}"
            ),
            _ => assert_eq!(parsed_json(&now), parsed_json(original), "{path}:\n{now}"),
        }
    }
    // The unchanged server's bytes came back exactly.
    assert!(home.read(".claude.json").contains("\"docs\": {\"type\": \"http\""));
}

#[test]
fn a_conflicting_value_refuses_the_server_and_leaves_its_config_as_it_was() {
    let home = Home::new();
    home.sandbox.set("default", "GITHUB_TOKEN", &corpus_key("github", 3));
    let before = home.read(".claude.json");
    let out = home.latchkey(&["agents", "protect", "--yes", "claude-code/hash"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("`GITHUB_TOKEN` in default holds another value"), "{}", stderr(&out));
    assert_eq!(home.read(".claude.json"), before);
    // Into another environment it goes.
    home.sandbox.ok(&["env", "add", "agents"], b"");
    let out = home.latchkey(&["agents", "protect", "--yes", "--env", "agents", "hash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = home.sandbox.ok(&["get", "GITHUB_TOKEN", "--env", "agents"], b"");
    assert_eq!(String::from_utf8(stored).unwrap().trim(), home.github);
    // An unknown server is named as such.
    let out = home.latchkey(&["agents", "protect", "--yes", "nope"]);
    assert!(stderr(&out).contains("no MCP server named nope"), "{}", stderr(&out));
}

#[test]
fn deny_adds_claude_codes_rules_once_and_keeps_the_rest_of_its_settings() {
    let home = Home::new();
    let settings = home.dir.join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"deny\": [\n      \"Bash(curl *)\"\n    ]\n  }\n}\n")
        .unwrap();
    let out = home.latchkey(&["agents", "deny", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&settings).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let deny: Vec<&str> =
        doc["permissions"]["deny"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(deny[0], "Bash(curl *)");
    assert!(deny.contains(&"Read(./.env)") && deny.contains(&"Read(./.env.*)"), "{deny:?}");
    let data = format!("Read(/{}/**)", home.sandbox.home.display());
    assert!(deny.contains(&data.as_str()), "{deny:?}");
    // The identity file is outside the data directory: denied on its own.
    let identity = format!("Read(/{})", home.identity.display());
    assert!(deny.contains(&identity.as_str()), "{deny:?}");
    assert!(text.starts_with("{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"deny\": [\n      \"Bash(curl *)\",\n      \"Read(./.env)\""), "{text}");
    let again = home.latchkey(&["agents", "deny", "--yes"]);
    assert!(stderr(&again).contains("denies every rule already"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), text);
}

#[test]
fn a_key_named_twice_a_hard_link_and_another_vault_are_refused_with_nothing_written() {
    let home = Home::new();
    // A key twice in one object: one copy would be moved, the other kept.
    let vscode = home.dir.join(".config/Code/User/mcp.json");
    let twice = format!(
        "{{\"servers\": {{\"openai\": {{\"command\": \"node\", \"env\": {{\"OPENAI_API_KEY\": \"{0}\", \"OPENAI_API_KEY\": \"{0}\"}}}}}}}}",
        home.openai
    );
    std::fs::write(&vscode, &twice).unwrap();
    let out = home.latchkey(&["agents", "protect", "--yes", "vscode/openai"]);
    assert!(
        !out.status.success() && stderr(&out).contains("names `OPENAI_API_KEY` twice"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&vscode).unwrap(), twice);

    // A hard link would keep the old text under its other name.
    let codex = home.dir.join(".codex/config.toml");
    std::fs::hard_link(&codex, home.dir.join("codex-backup.toml")).unwrap();
    let before = std::fs::read_to_string(&codex).unwrap();
    let out = home.latchkey(&["agents", "protect", "--yes", "stripe"]);
    assert!(!out.status.success() && stderr(&out).contains("hard links"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&codex).unwrap(), before);

    // Unprotect takes the keys from the vault the entry runs with, never another one.
    let out = home.latchkey(&["agents", "protect", "--yes", "hash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (other, _) = Sandbox::with_identity_file();
    other.set("default", "GITHUB_TOKEN", &corpus_key("github", 4));
    let protected = home.read(".claude.json");
    let out =
        other.command(&["agents", "unprotect", "--yes", "hash"]).env("HOME", &home.dir).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("runs with the vault in"), "{}", stderr(&out));
    assert_eq!(home.read(".claude.json"), protected);
}

#[test]
fn a_config_over_16_mib_is_not_read_and_never_rewritten_cut_short() {
    let home = Home::new();
    let codex = home.dir.join(".codex/config.toml");
    let mut text = std::fs::read_to_string(&codex).unwrap();
    text.push_str("\n[notes]\n");
    let line = format!("k = \"{}\"\n", "x".repeat(1000));
    while text.len() <= 16 << 20 {
        text.push_str(&format!("# {line}"));
    }
    text.push_str("[profiles.important]\nmodel = \"keep-me\"\n");
    std::fs::write(&codex, &text).unwrap();
    let listed = home.latchkey(&["agents"]);
    assert!(stderr(&listed).contains("was not read: over 16 MiB"), "{}", stderr(&listed));
    let out = home.latchkey(&["agents", "protect", "--yes", "codex/stripe"]);
    assert!(
        !out.status.success() && stderr(&out).contains("no MCP server named codex/stripe"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&codex).unwrap(), text);
}
