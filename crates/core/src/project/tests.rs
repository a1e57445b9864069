use std::path::Path;

use super::*;

const MINIMAL: &str = r#"[project]
default_env = "dev"

[vars.OPENAI_API_KEY]
kind = "secret"
provider = "openai"
required = true

[vars.LOG_LEVEL]
kind = "config"
default = "info"
"#;

fn parse(text: &str) -> Result<Project, ProjectError> {
    file::parse(text, PathBuf::from("/p/latchkey.toml"), PathBuf::from("/p"), &|| None)
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn the_minimal_file_reads_as_written() {
    let p = parse(MINIMAL).unwrap();
    assert_eq!(p.default_env().as_str(), "dev");
    assert_eq!(p.envs().len(), 1);
    let names: Vec<&str> = p.vars().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["OPENAI_API_KEY", "LOG_LEVEL"], "the file's order, not the alphabet's");
    let key = &p.vars()[0];
    assert_eq!(
        (key.kind, key.provider.as_deref(), key.required, key.line),
        (Kind::Secret, Some("openai"), true, 4)
    );
    let level = &p.vars()[1];
    assert_eq!(level.value_in(p.default_env()), Some("info"));
}

#[test]
fn per_environment_values_win_over_the_default_and_numbers_read_as_text() {
    let p = parse(
        "[project]\nenvs = [\"prod\"]\n[vars.LOG_LEVEL]\nkind = \"config\"\ndefault = \"info\"\nvalues = { prod = \"warn\" }\n[vars.PORT]\nkind = \"config\"\ndefault = 8080\n",
    )
    .unwrap();
    let env = |n: &str| EnvironmentName::new(n).unwrap();
    assert_eq!(p.envs(), [env("default"), env("prod")]);
    assert_eq!(p.vars()[0].value_in(&env("prod")), Some("warn"));
    assert_eq!(p.vars()[0].value_in(&env("dev")), Some("info"));
    assert_eq!(p.vars()[1].value_in(&env("dev")), Some("8080"));
}

#[test]
fn a_value_that_looks_like_a_secret_is_refused_with_its_line() {
    let key = format!("sk-proj-{}", "a1B2c3D4e5F6g7H8i9J0".repeat(3));
    let text = format!("[vars.MODEL]\nkind = \"config\"\n\ndefault = \"{key}\"\n");
    let message = error(&text);
    assert!(message.starts_with("/p/latchkey.toml:4: MODEL holds what looks like a secret"), "{message}");
    assert!(!message.contains(&key), "the value is never repeated: {message}");
    assert!(message.contains("latchkey set MODEL"), "{message}");
    // A secret gets no value in the file at all, whatever it looks like.
    let message = error("[vars.API_TOKEN]\nkind = \"secret\"\ndefault = \"x\"\n");
    assert!(message.starts_with("/p/latchkey.toml:3: API_TOKEN is a secret"), "{message}");
    // Kind left out means secret: the safe side.
    assert!(error("[vars.X]\ndefault = \"y\"\n").contains("X is a secret"));
}

#[test]
fn what_looks_secret_and_what_does_not() {
    let secret = |n: &str, v: &str| {
        let text = format!("[vars.{n}]\nkind = \"config\"\ndefault = {}\n", toml::Value::String(v.into()));
        matches!(parse(&text), Err(ProjectError::Secret { .. }))
    };
    assert!(secret("DATABASE_URL", "postgres://app:s3cret@db.example.com:5432/app"));
    assert!(
        !secret("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/app_test"),
        "a local dev database"
    );
    assert!(!secret("DATABASE_URL", "postgres://u:p@127.0.0.1/app"));
    assert!(secret("WEBHOOK_URL", "https://hooks.example.com/x?token=abc"));
    assert!(secret("DB_PASSWORD", "postgres"));
    assert!(!secret("SESSION_TIMEOUT", "30m"), "a name that only holds a credential's word");
    assert!(!secret("MAX_TOKENS", "4096"));
    assert!(!secret("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"), "a UUID is an id");
    assert!(secret("SIGNING", "Zq8v3LkP0wX7mN2bR5tY9uHc4"), "a random token");
    assert!(!secret("GREETING", "hello world, how are you today"));
    assert!(!secret("OPENAI_MODEL", "gpt-4o-mini-2024-07-18"));
    assert!(!secret("LOG_LEVEL", "info"));
}

#[test]
fn a_committed_file_cannot_steer_keys_or_code_nor_hide_a_secret_in_another_field() {
    for (name, value) in [
        ("OPENAI_BASE_URL", "http://127.0.0.1:18080/v1"),
        ("PATH", "./bin:/usr/bin"),
        ("LD_PRELOAD", "./x.so"),
        ("NODE_OPTIONS", "--require ./x.js"),
        ("HTTPS_PROXY", "http://127.0.0.1:9"),
    ] {
        let message = error(&format!("[vars.{name}]\nkind = \"config\"\ndefault = \"{value}\"\n"));
        assert!(message.contains("a committed file cannot set it"), "{name}: {message}");
    }
    let key = "sk-proj-a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8i9J0";
    for text in [
        format!("[vars.A]\ndescription = \"Bearer {key}\"\n"),
        format!("[project]\nname = \"{key}\"\n"),
        format!("[profiles.p]\ncommand = \"curl -H 'Authorization: Bearer {key}'\"\n"),
        format!("[vars]\nOPENAI_API_KEY = \"{key}\"\n"),
        format!("[vars.A]\nrequired = \"{key}\"\n"),
        format!("[project]\ndefault_env = \"{key}\"\n"),
    ] {
        let message = error(&text);
        assert!(!message.contains(key) && !message.contains("sk-proj"), "{message}");
    }
    let message = error("[vars.A]\ndescription = \"evil\\u001b[2K\\rok\"\n");
    assert!(message.contains("control or invisible character"), "{message}");
    let message = error("[project]\nname = \"a\\u202eb\"\n");
    assert!(message.contains("control or invisible character"), "{message}");
    let message =
        error("[project]\nenvs = [\"prod\"]\n[vars.L]\nkind = \"config\"\nvalues = { prdo = \"warn\" }\n");
    assert!(message.contains("`prdo`, which is not one of the project's environments"), "{message}");
}

#[test]
fn mistakes_are_refused_with_their_line_and_what_to_do() {
    let message = error("[project]\ndefault_env = \"dev\"\n\n[vars.A]\nkind = \"config\"\nrequird = false\n");
    assert!(message.starts_with("/p/latchkey.toml:6: unknown field `requird`"), "{message}");
    let message = error("[vars.A]\nkind = \"sekret\"\n");
    assert!(message.starts_with("/p/latchkey.toml:2:"), "{message}");
    let message = error("[vars.\"1BAD\"]\nkind = \"config\"\n");
    assert!(message.starts_with("/p/latchkey.toml:1: `1BAD`"), "{message}");
    let message = error("[vars.A]\nkind = \"config\"\n[profiles.coder]\nvars = [\"A\", \"B\"]\n");
    assert!(message.starts_with("/p/latchkey.toml:4: profile `coder` names `B`"), "{message}");
    let message = error("[vars.A]\nkind = \"config\"\ndefault = [1, 2]\n");
    assert!(message.contains("must be a string, a number or a boolean"), "{message}");
    let message = error("[project]\ndefault_env = \"no spaces\"\n");
    assert!(message.starts_with("/p/latchkey.toml:2:"), "{message}");
}

#[test]
fn a_profile_in_the_file_reaches_only_the_project_directory() {
    let p = parse(
        "[vars.A]\nkind = \"config\"\n[vars.B]\nkind = \"config\"\n[profiles.coder]\nvars = [\"B\"]\ncommand = \"python agent.py --fast\"\ncwd = \"agent\"\nbroker = true\nsandbox = { writable = [\"build\"] }\n[profiles.all]\nenv = \"prod\"\ncommand = [\"node\", \"x y.js\"]\n",
    )
    .unwrap();
    let coder = &p.profiles()[&ProfileName::new("coder").unwrap()];
    assert_eq!(coder.vars, [VariableName::new("B").unwrap()]);
    assert_eq!(coder.command.as_deref().unwrap(), ["python", "agent.py", "--fast"]);
    assert_eq!(coder.cwd.as_deref(), Some(Path::new("/p/agent")));
    assert!(coder.broker.is_some());
    assert_eq!(coder.sandbox.as_ref().unwrap().writable, [PathBuf::from("/p/build")]);
    let all = &p.profiles()[&ProfileName::new("all").unwrap()];
    assert_eq!(all.vars.len(), 2, "no vars: every declared variable");
    assert_eq!(all.env.as_str(), "prod");
    assert_eq!(all.command.as_deref().unwrap(), ["node", "x y.js"]);
    for escape in [
        "sandbox = { readable = [\"~/.ssh\"] }",
        "sandbox = { readable = [\"/home/me/.ssh\"] }",
        "sandbox = { writable = [\"../..\"] }",
        "cwd = \"/etc\"",
    ] {
        let message = error(&format!("[profiles.x]\n{escape}\n"));
        assert!(message.contains("is outside the project"), "{escape}: {message}");
    }
}

#[test]
fn discovery_walks_up_and_passes_over_a_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let deep = root.join("src/agent");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(find(&deep), None);
    std::fs::write(root.join(FILE_NAME), MINIMAL).unwrap();
    assert_eq!(find(&deep), Some(root.join(FILE_NAME)));
    let p = Project::discover(&deep, &|| None).unwrap().unwrap();
    assert_eq!(p.root(), root);
    // latchkey's own data directory holds a vault: never a project, even before its
    // old settings file (also called latchkey.toml) is renamed.
    let data = root.join("src/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join(FILE_NAME), "vault_id = \"x\"\n").unwrap();
    let skip = [std::fs::canonicalize(&data).unwrap()];
    assert_eq!(find_skipping(&data, &skip), Some(root.join(FILE_NAME)));
    // Any other directory that holds a vault.age (a command could write one) is not.
    std::fs::write(root.join("vault.age"), "").unwrap();
    assert_eq!(find_skipping(&deep, &skip), Some(root.join(FILE_NAME)));
    // A symlink to nothing is no project.
    std::fs::remove_file(data.join(FILE_NAME)).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), data.join(FILE_NAME)).unwrap();
    assert_eq!(find_skipping(&data, &[]), Some(root.join(FILE_NAME)));
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_file_everyone_may_write_is_refused_at_once() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    rustix::fs::mkfifoat(rustix::fs::CWD, &path, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
    // Reading a FIFO would wait for a writer forever.
    assert!(matches!(Project::load(&path, &|| None), Err(ProjectError::NotAFile(_))));
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, MINIMAL).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let message = Project::load(&path, &|| None).unwrap_err().to_string();
    assert!(message.contains("is writable by every user: latchkey does not trust it"), "{message}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(Project::load(&path, &|| None).is_ok());
}

#[test]
fn init_writes_names_and_kinds_that_read_back_and_never_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let env = |n: &str| EnvironmentName::new(n).unwrap();
    let entries = vec![
        render::Entry {
            name: VariableName::new("OPENAI_API_KEY").unwrap(),
            kind: Kind::Secret,
            provider: Some("openai".into()),
        },
        render::Entry { name: VariableName::new("LOG_LEVEL").unwrap(), kind: Kind::Config, provider: None },
    ];
    let text = render::render(&[env("dev"), env("prod")], &entries);
    let path = render::write(dir.path(), &text, false).unwrap();
    let p = Project::load(&path, &|| None).unwrap();
    assert_eq!(p.default_env().as_str(), "dev");
    assert_eq!(p.names().len(), 2);
    assert!(p.vars().iter().all(|d| d.required && d.default.is_none()));
    let again = render::write(dir.path(), &text, false).unwrap_err().to_string();
    assert!(again.contains("exists already: edit it, or pass --force"), "{again}");
}
