//! Projects end to end, with the real binary: a committed latchkey.toml found from
//! where a command runs, the least privilege of `run`, `check` per environment, `project
//! init` and `show`, and the old settings file renamed.

use std::path::{Path, PathBuf};
use std::process::Output;

use latchkey_tests::{Sandbox, corpus_key};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A vault with an identity file, and a project folder (outside the data directory)
/// holding `toml` as its latchkey.toml.
struct Fixture {
    s: Sandbox,
    root: PathBuf,
}

impl Fixture {
    fn new(toml: &str) -> Self {
        let (s, _) = Sandbox::with_identity_file();
        let root = s.path("repo");
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::write(root.join("latchkey.toml"), toml).unwrap();
        Fixture { s, root }
    }

    /// `latchkey ARGS` run in `dir`, as a shell there would (`PWD` set).
    fn in_dir(&self, dir: &Path, args: &[&str]) -> Output {
        self.s.command(args).current_dir(dir).env("PWD", dir).env_remove("LATCHKEY_PROJECT").output().unwrap()
    }

    fn here(&self, args: &[&str]) -> Output {
        self.in_dir(&self.root, args)
    }
}

const CONTRACT: &str = r#"[project]
default_env = "dev"
envs = ["prod"]

[vars.OPENAI_API_KEY]
kind = "secret"
provider = "openai"
required = true

[vars.LOG_LEVEL]
kind = "config"
default = "info"
values = { prod = "warn" }

[vars.OPTIONAL_TOKEN]
kind = "secret"
required = false
"#;

fn with_dev_and_prod() -> Fixture {
    let f = Fixture::new(CONTRACT);
    f.s.ok(&["env", "add", "dev"], b"");
    f.s.ok(&["env", "add", "prod"], b"");
    f
}

#[test]
fn a_run_in_a_project_gets_exactly_the_declared_variables_from_its_default_environment() {
    let f = with_dev_and_prod();
    let key = corpus_key("openai", 0);
    f.s.set("dev", "OPENAI_API_KEY", &key);
    f.s.set("dev", "UNDECLARED_SECRET", "undeclared-value-123456");
    f.s.set_config("dev", "UNDECLARED_CONFIG", "plain");
    let out = f.in_dir(&f.root.join("src/deep"), &["run", "--no-mask", "--", "env"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let env = stdout(&out);
    assert!(env.contains(&format!("OPENAI_API_KEY={key}\n")), "the declared secret, from dev");
    assert!(env.contains("LOG_LEVEL=info\n"), "the file's default fills in: {env}");
    assert!(!env.contains("UNDECLARED_SECRET"), "least privilege: {env}");
    assert!(!env.contains("UNDECLARED_CONFIG"), "least privilege: {env}");
    assert!(!env.contains("OPTIONAL_TOKEN"), "an optional variable nothing gives is left out");
    // The per-environment value, and the vault's own value over the file's.
    f.s.set("prod", "OPENAI_API_KEY", &corpus_key("openai", 1));
    let out = f.here(&["run", "--env", "prod", "--", "printenv", "LOG_LEVEL"]);
    assert_eq!(stdout(&out), "warn\n", "{}", stderr(&out));
    f.s.set_config("dev", "LOG_LEVEL", "debug");
    let out = f.here(&["run", "--", "printenv", "LOG_LEVEL"]);
    assert_eq!(stdout(&out), "debug\n");
    // --all: the whole environment, as outside a project.
    let out = f.here(&["run", "--all", "--", "printenv", "UNDECLARED_CONFIG"]);
    assert_eq!(stdout(&out), "plain\n", "{}", stderr(&out));
    // The grant names the project file.
    let audit = stdout(&f.here(&["audit", "--json"]));
    assert!(audit.contains(&f.root.join("latchkey.toml").display().to_string()), "{audit}");
}

#[test]
fn a_run_is_refused_while_a_required_variable_is_missing_and_nothing_starts() {
    let f = with_dev_and_prod();
    let marker = f.s.path("started");
    let out = f.here(&["run", "--", "touch", marker.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("latchkey.toml requires OPENAI_API_KEY, which `dev` does not have"), "{err}");
    assert!(err.contains("latchkey set NAME --env dev"), "{err}");
    assert!(!marker.exists(), "the command did not run");
}

#[test]
fn the_project_is_found_from_a_subdirectory_and_through_a_symlinked_one() {
    let f = with_dev_and_prod();
    f.s.set("dev", "OPENAI_API_KEY", &corpus_key("openai", 0));
    // A directory elsewhere, reached through a symlink inside the project: the shell's
    // PWD is inside the project, the kernel's path is not.
    let elsewhere = f.s.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, f.root.join("linked")).unwrap();
    for dir in [f.root.join("src/deep"), f.root.join("linked")] {
        let out = f.in_dir(&dir, &["run", "--", "printenv", "LOG_LEVEL"]);
        assert_eq!(stdout(&out), "info\n", "from {}: {}", dir.display(), stderr(&out));
    }
    // Without PWD, only the kernel's path counts: no project, so `default` and everything.
    let out =
        f.s.command(&["list", "--json"])
            .current_dir(f.root.join("linked"))
            .env_remove("PWD")
            .output()
            .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // LATCHKEY_PROJECT=off turns the project off; a path names one.
    let out =
        f.s.command(&["run", "--", "printenv", "LOG_LEVEL"])
            .current_dir(&f.root)
            .env("LATCHKEY_PROJECT", "off")
            .output()
            .unwrap();
    assert_ne!(stdout(&out), "info\n");
    let out =
        f.s.command(&["run", "--", "printenv", "LOG_LEVEL"])
            .current_dir(&elsewhere)
            .env_remove("PWD")
            .env("LATCHKEY_PROJECT", f.root.join("latchkey.toml"))
            .output()
            .unwrap();
    assert_eq!(stdout(&out), "info\n", "{}", stderr(&out));
}

#[test]
fn check_reports_missing_required_variables_per_environment_and_exits_one() {
    let f = with_dev_and_prod();
    f.s.set("dev", "OPENAI_API_KEY", &corpus_key("openai", 0));
    let out = f.here(&["check"]);
    assert!(out.status.success(), "dev has everything: {}{}", stdout(&out), stderr(&out));
    let out = f.here(&["check", "--env", "all", "--json"]);
    assert_eq!(out.status.code(), Some(1), "prod misses its key");
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<(&str, &str)> = reports
        .iter()
        .filter(|r| r["missing"] == true)
        .map(|r| (r["env"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(missing, [("prod", "OPENAI_API_KEY")]);
    assert!(stderr(&out).contains("OPENAI_API_KEY (missing in prod)"), "{}", stderr(&out));
    // A key of another provider than the declared one fails its check.
    f.s.set("prod", "OPENAI_API_KEY", &corpus_key("anthropic", 0));
    let out = f.here(&["check", "--env", "prod", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let key = reports.iter().find(|r| r["name"] == "OPENAI_API_KEY").unwrap();
    assert_eq!(key["format"], "invalid", "{key}");
    f.s.set("prod", "OPENAI_API_KEY", &corpus_key("openai", 1));
    let out = f.here(&["check", "--env", "all"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("dev:") && stdout(&out).contains("prod:"), "{}", stdout(&out));
}

#[test]
fn show_lists_the_contract_per_environment_without_values() {
    let f = with_dev_and_prod();
    let key = corpus_key("openai", 0);
    f.s.set("dev", "OPENAI_API_KEY", &key);
    f.s.set_config("prod", "EXTRA_SETTING", "x");
    let out = f.here(&["project", "show", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains(&key));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let states = |env: usize| -> Vec<String> {
        shown["status"][env]["vars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["state"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(shown["status"][0]["env"], "dev");
    assert_eq!(states(0), ["set", "default", "unset"]);
    assert_eq!(states(1), ["missing", "default", "unset"]);
    assert_eq!(shown["status"][1]["extra"], serde_json::json!(["EXTRA_SETTING"]));
    let table = stdout(&f.here(&["project", "show"]));
    assert!(table.contains("Missing in `prod`: OPENAI_API_KEY."), "{table}");
    assert!(
        table.contains("In `prod` but not declared (a run in the project does not get them): EXTRA_SETTING."),
        "{table}"
    );
}

#[test]
fn a_project_file_holding_a_key_is_refused_with_its_line_and_the_key_is_never_shown() {
    let key = corpus_key("openai", 0);
    let f =
        Fixture::new(&format!("[project]\n\n[vars.OPENAI_MODEL]\nkind = \"config\"\ndefault = \"{key}\"\n"));
    for args in [&["check"][..], &["run", "--", "true"], &["list"], &["project", "show"]] {
        let out = f.here(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("latchkey.toml:5: OPENAI_MODEL holds what looks like a secret"),
            "{args:?}: {err}"
        );
        assert!(!err.contains(&key) && !stdout(&out).contains(&key), "{args:?}");
    }
}

#[test]
fn a_project_file_another_user_could_have_written_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = Fixture::new(CONTRACT);
    let file = f.root.join("latchkey.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = f.here(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is writable by every user: latchkey does not trust it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn project_init_writes_names_and_kinds_from_a_tricky_env_file_and_never_a_value() {
    let (s, _) = Sandbox::with_identity_file();
    let dir = s.path("app");
    std::fs::create_dir_all(&dir).unwrap();
    let key = corpus_key("openai", 0);
    let values =
        [key.as_str(), "hunter2-s3cret", "multi\nline", "postgres://app:pw-9f8e@db.internal/app", "info"];
    std::fs::write(
        dir.join(".env"),
        format!(
            "# comment\nexport OPENAI_API_KEY=\"{}\"\nDB_PASSWORD='{}'\nPEM=\"multi\\nline\"\nDATABASE_URL={}\nLOG_LEVEL={} # trailing\nEMPTY=\nREF=${{LOG_LEVEL}}-x\n",
            values[0], values[1], values[3], values[4]
        ),
    )
    .unwrap();
    let out = s.command(&["project", "init", "--envs", "dev,prod"]).current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("latchkey.toml")).unwrap();
    for value in values {
        assert!(!text.contains(value), "{value:?} is in the project file:\n{text}");
    }
    for name in ["OPENAI_API_KEY", "DB_PASSWORD", "PEM", "DATABASE_URL", "LOG_LEVEL", "EMPTY", "REF"] {
        assert!(text.contains(&format!("[vars.{name}]")), "{name}:\n{text}");
    }
    assert!(text.contains("provider = \"openai\""), "{text}");
    assert!(text.contains("default_env = \"dev\""), "{text}");
    // It reads back, and a second init does not replace it.
    let out = s.command(&["project", "show", "--json"]).current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let again = s.command(&["project", "init"]).current_dir(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("exists already"), "{}", stderr(&again));
}

#[test]
fn a_project_profile_runs_from_the_file_and_a_vault_profile_of_the_same_name_comes_first() {
    let f = Fixture::new(
        "[vars.A]\nkind = \"config\"\ndefault = \"from-file\"\n[vars.B]\nkind = \"config\"\ndefault = \"b\"\n[profiles.coder]\nvars = [\"A\"]\ncommand = \"sh -c 'echo A=$A B=${B:-none}'\"\n",
    );
    let out = f.here(&["run", "--profile", "coder"]);
    assert_eq!(stdout(&out), "A=from-file B=none\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("profile `coder` from"), "{}", stderr(&out));
    f.s.set_config("default", "B", "vault-b");
    f.s.ok(
        &["profile", "add", "coder", "--env", "default", "--vars", "B", "--command", "sh -c 'echo B=$B'"],
        b"",
    );
    let out = f.here(&["run", "--profile", "coder"]);
    assert_eq!(stdout(&out), "B=vault-b\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("profile `coder` of the vault, not the one"), "{}", stderr(&out));
}

#[test]
fn an_old_settings_file_is_renamed_and_the_vault_still_opens() {
    let (s, _) = Sandbox::with_identity_file();
    s.set_config("default", "X", "1");
    std::fs::rename(s.home.join("settings.toml"), s.home.join("latchkey.toml")).unwrap();
    let out = s.run(&["list", "--json"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.home.join("settings.toml").is_file());
    assert!(!s.home.join("latchkey.toml").exists());
    // Inside the data directory, no project is found.
    let out = s.command(&["project", "show"]).current_dir(&s.home).env("PWD", &s.home).output().unwrap();
    assert!(stderr(&out).contains("no latchkey.toml here or above"), "{}", stderr(&out));
}

#[test]
fn the_published_examples_are_projects_latchkey_reads() {
    let (s, _) = Sandbox::with_identity_file();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/projects");
    for example in ["minimal", "agent"] {
        let file = examples.join(example).join("latchkey.toml");
        let out = s.command(&["project", "show", "--json"]).env("LATCHKEY_PROJECT", &file).output().unwrap();
        assert!(out.status.success(), "{example}: {}", stderr(&out));
    }
}

/// The JSON Schema editors use, as a validator sees it.
fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/latchkey.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_json_schema_accepts_the_examples_and_rejects_a_wrong_type() {
    let schema = schema();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/projects");
    for example in ["minimal", "agent"] {
        let text = std::fs::read_to_string(examples.join(example).join("latchkey.toml")).unwrap();
        let errors: Vec<String> = schema.iter_errors(&as_json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
    for wrong in [
        "[vars.A]\nrequired = \"yes\"\n",
        "[vars.A]\nkind = \"sekret\"\n",
        "[vars.A]\nrequird = true\n",
        "[vars.A]\nkind = \"secret\"\ndefault = \"x\"\n",
        "[project]\ndefault_env = 3\n",
        "[vars.\"1A\"]\nkind = \"config\"\n",
        "[profiles.coder]\ncommand = []\n",
    ] {
        assert!(!schema.is_valid(&as_json(wrong)), "the schema accepts {wrong:?}");
    }
}

#[test]
fn a_project_profile_cannot_open_the_sandbox_beyond_the_project_through_a_symlink() {
    if !latchkey_tests::require(latchkey_tests::have("bwrap"), "bubblewrap", "apt-get install bubblewrap") {
        return;
    }
    let f = Fixture::new(
        "[vars.A]\nkind = \"config\"\ndefault = \"a\"\n[profiles.peek]\ncommand = \"true\"\nsandbox = { readable = [\"creds\"] }\n[profiles.home]\ncommand = \"true\"\ncwd = \"work\"\nsandbox = true\n[profiles.plain]\ncommand = \"true\"\ncwd = \"work\"\n",
    );
    let outside = f.s.path("outside-credentials");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, f.root.join("creds")).unwrap();
    std::os::unix::fs::symlink(&outside, f.root.join("work")).unwrap();
    // The last one is sandboxed from the command line, not by the file.
    for args in [
        &["run", "--profile", "peek"][..],
        &["run", "--profile", "home"],
        &["run", "--profile", "plain", "--sandbox"],
    ] {
        let profile = args[2];
        let out = f.here(args);
        assert_eq!(out.status.code(), Some(1), "{profile}: {}", stderr(&out));
        assert!(stderr(&out).contains("is outside the project"), "{profile}: {}", stderr(&out));
    }
}

#[test]
fn a_repository_cannot_point_keys_elsewhere_nor_point_single_value_verbs_at_another_environment() {
    let f = Fixture::new(
        "[vars.OPENAI_API_KEY]\nprovider = \"openai\"\n[vars.OPENAI_BASE_URL]\nkind = \"config\"\ndefault = \"http://127.0.0.1:9/v1\"\n",
    );
    let out = f.here(&["run", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "OPENAI_BASE_URL decides where a provider's key goes, and a committed file cannot set it"
        ),
        "{}",
        stderr(&out)
    );
    // Nor open the broker's egress from the file.
    let f = Fixture::new("[profiles.coder]\ncommand = \"true\"\nbroker = { egress = \"open\" }\n");
    let out = f.here(&["run", "--profile", "coder"]);
    assert!(stderr(&out).contains("a project file cannot open the broker's egress"), "{}", stderr(&out));
    // The user's shell wins over the file's value.
    let f = Fixture::new("[vars.LOG_LEVEL]\nkind = \"config\"\ndefault = \"info\"\n");
    let out =
        f.s.command(&["run", "--", "printenv", "LOG_LEVEL"])
            .current_dir(&f.root)
            .env("PWD", &f.root)
            .env("LOG_LEVEL", "debug")
            .output()
            .unwrap();
    assert_eq!(stdout(&out), "debug\n", "{}", stderr(&out));
    // default_env shapes run, export, check and list; never get, set or rm.
    let f = Fixture::new("[project]\ndefault_env = \"prod\"\n[vars.DB_HOST]\nkind = \"config\"\n");
    f.s.ok(&["env", "add", "prod"], b"");
    f.s.set_config("default", "DB_HOST", "dev-db");
    f.s.set_config("prod", "DB_HOST", "prod-db");
    let out = f.here(&["get", "DB_HOST"]);
    assert_eq!(stdout(&out), "dev-db", "{}", stderr(&out));
    let out = f.here(&["rm", "DB_HOST"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("`default`"), "{}", stderr(&out));
    let out = f.here(&["export", "--format", "dotenv"]);
    assert!(stdout(&out).contains("prod-db"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("environment `prod`, the default of"),
        "said, not silent: {}",
        stderr(&out)
    );
    let out = f.here(&["env", "add", "all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`all` means every environment"), "{}", stderr(&out));
}

#[test]
fn a_sandboxed_command_cannot_rewrite_or_hide_the_project_it_runs_under() {
    if !latchkey_tests::require(latchkey_tests::have("bwrap"), "bubblewrap", "apt-get install bubblewrap") {
        return;
    }
    // Outside /tmp: a sandboxed command has a /tmp of its own.
    let parent = std::env::current_dir().unwrap().join("../target/project-sandbox");
    let s = Sandbox::new_in(&parent);
    s.ok(&["init", "--identity-file", s.path("identity.txt").to_str().unwrap()], b"");
    let root = s.path("repo");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("latchkey.toml"), "[vars.A]\nkind = \"config\"\ndefault = \"a\"\n").unwrap();
    s.set_config("default", "OTHER", "undeclared");
    let run = |args: &[&str]| s.command(args).current_dir(&root).env("PWD", &root).output().unwrap();
    let out = run(&[
        "run",
        "--sandbox",
        "--",
        "sh",
        "-c",
        "echo '[vars.OTHER]' >> latchkey.toml; : > vault.age; echo done",
    ]);
    assert!(stdout(&out).contains("done"), "{}", stderr(&out));
    assert!(root.join("latchkey.toml").exists(), "{}", stderr(&out));
    assert!(
        !std::fs::read_to_string(root.join("latchkey.toml")).unwrap().contains("OTHER"),
        "the file was rewritten"
    );
    // A project file it makes below its directory is moved aside when it ends, and said.
    let out = run(&[
        "run",
        "--sandbox",
        "--",
        "sh",
        "-c",
        "mkdir -p sub && printf '[project]\\ndefault_env = \"prod\"\\n' > sub/latchkey.toml",
    ]);
    assert!(stderr(&out).contains("the sandboxed command wrote"), "{}", stderr(&out));
    assert!(!root.join("sub/latchkey.toml").exists());
    assert!(root.join("sub/latchkey.toml.untrusted").exists());
    // A vault.age written beside it does not make the project disappear.
    let out = run(&["run", "--", "sh", "-c", "echo ${OTHER:-absent}"]);
    assert_eq!(stdout(&out), "absent\n", "{}", stderr(&out));
    // A symlinked project file the command could repoint is refused.
    std::fs::rename(root.join("latchkey.toml"), root.join("real.toml")).unwrap();
    std::os::unix::fs::symlink("real.toml", root.join("latchkey.toml")).unwrap();
    let out = run(&["run", "--sandbox", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is a symlink in a directory the sandboxed command may write"),
        "{}",
        stderr(&out)
    );
}
