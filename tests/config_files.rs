//! Config files end to end: importing (refusals, the current environment), exporting to
//! files (mode, git work trees, records and staleness), and templates with references.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use latchkey_tests::Sandbox;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn import_previews_without_values_and_never_overwrites_unasked() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "DB_PASSWORD", "old-password-value");
    let file = s.path("app.env");
    std::fs::write(
        &file,
        "DB_PASSWORD=new-password-value\nLOG_LEVEL=debug\nOPENAI_BASE_URL=https://api.openai.com/v1\n",
    )
    .unwrap();
    let before = std::fs::read(s.home.join("vault.age")).unwrap();
    let out = s.run(&["import", file.to_str().unwrap(), "--yes"], b"");
    assert!(!out.status.success());
    let err = stderr(&out);
    // The preview: a header, then one row per entry with its kind, action and checks.
    let rows: Vec<Vec<&str>> = err.lines().skip(2).take(3).map(|l| l.split_whitespace().collect()).collect();
    assert!(
        err.lines()
            .nth(1)
            .is_some_and(|h| h.split_whitespace().collect::<Vec<_>>()
                == ["NAME", "KIND", "ACTION", "PROVIDER", "CHECKS"]),
        "{err}"
    );
    // Refused without --overwrite, and the preview says so before it is refused.
    assert_eq!(rows[0][..3], ["DB_PASSWORD", "secret", "conflict"], "{err}");
    assert_eq!(rows[1][..3], ["LOG_LEVEL", "config", "new"], "{err}");
    assert_eq!(rows[2][..3], ["OPENAI_BASE_URL", "config", "new"], "{err}");
    assert!(
        err.contains("already has `DB_PASSWORD` with other values") && err.contains("--overwrite"),
        "{err}"
    );
    assert!(!err.contains("password-value"), "the preview showed a value: {err}");
    assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "a refused import wrote something");
    // A dry run says what the import would need.
    let out = s.run(&["import", file.to_str().unwrap(), "--dry-run"], b"");
    assert!(out.status.success());
    assert!(stderr(&out).contains(
        "The import would stop: `default` already has `DB_PASSWORD` with other values (--overwrite replaces them)."
    ));
    // With --overwrite the preview says overwrite.
    let out = s.run(&["import", file.to_str().unwrap(), "--dry-run", "--overwrite"], b"");
    assert!(stderr(&out).lines().nth(2).is_some_and(|l| l.split_whitespace().nth(2) == Some("overwrite")));

    s.ok(&["import", file.to_str().unwrap(), "--yes", "--overwrite"], b"");
    assert_eq!(s.ok(&["get", "DB_PASSWORD"], b""), b"new-password-value");
    // A replaced value is a rotation: the old one is in the history, to roll back to.
    let history = String::from_utf8(s.ok(&["history", "DB_PASSWORD"], b"")).unwrap();
    assert_eq!(history.lines().count(), 2, "the current value and the one before: {history}");
    s.ok(&["rollback", "DB_PASSWORD"], b"");
    assert_eq!(s.ok(&["get", "DB_PASSWORD"], b""), b"old-password-value");
    s.ok(&["rollback", "DB_PASSWORD"], b"");
    let kinds: Vec<(String, String)> = s
        .list("default")
        .iter()
        .map(|v| (v["name"].as_str().unwrap().to_owned(), v["kind"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("DB_PASSWORD".into(), "secret".into()),
            ("LOG_LEVEL".into(), "config".into()),
            ("OPENAI_BASE_URL".into(), "config".into())
        ]
    );
    // Piped without --yes, import asks for confirmation instead of writing.
    std::fs::write(&file, "NEW_SETTING=1\n").unwrap();
    let before = std::fs::read(s.home.join("vault.age")).unwrap();
    let out = s.run(&["import", file.to_str().unwrap()], b"y\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert_eq!(std::fs::read(s.home.join("vault.age")).unwrap(), before, "import wrote without confirmation");
    assert!(!s.list("default").iter().any(|v| v["name"] == "NEW_SETTING"));
}

#[test]
fn import_from_the_current_environment_takes_named_variables() {
    let (s, _) = Sandbox::with_identity_file();
    let out = s
        .command(&["import", "--from-env", "MY_API_TOKEN,MY_MODEL", "--yes"])
        .env("MY_API_TOKEN", "token-from-the-shell-123")
        .env("MY_MODEL", "gpt-4o")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.ok(&["get", "MY_API_TOKEN"], b""), b"token-from-the-shell-123");
    let out = s.command(&["import", "--from-env", "NOT_SET_ANYWHERE", "--yes"]).output().unwrap();
    assert!(stderr(&out).contains("NOT_SET_ANYWHERE is not set"), "{}", stderr(&out));
}

#[test]
fn an_export_file_is_private_and_kept_out_of_git_unless_ignored() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "OPENAI_API_KEY", "sk-export-test-value-1");
    let repo = s.path("repo");
    std::fs::create_dir(&repo).unwrap();
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(&repo).args(args).output().unwrap();
    assert!(git(&["init", "-q"]).status.success(), "git is needed for this test");
    let target = repo.join(".env");
    let out = s.run(&["export", "--out", target.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not ignored by git") && stderr(&out).contains("--allow-tracked"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists(), "a refused export wrote the file");

    std::fs::write(repo.join(".gitignore"), ".env\n").unwrap();
    s.ok(&["export", "--out", target.to_str().unwrap()], b"");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "OPENAI_API_KEY='sk-export-test-value-1'\n");

    let tracked = repo.join("settings.json");
    s.ok(&["export", "--format", "json", "--out", tracked.to_str().unwrap(), "--allow-tracked"], b"");
    assert!(tracked.exists());
}

#[test]
fn exports_tell_current_stale_edited_and_missing_files_apart() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", "first-token-value-1");
    s.set_config("default", "LOG_LEVEL", "info");
    let files: Vec<_> =
        ["current.env", "stale.env", "edited.env", "missing.env"].iter().map(|f| s.path(f)).collect();
    s.ok(&["export", "--only", "LOG_LEVEL", "--out", files[0].to_str().unwrap()], b"");
    for file in &files[1..] {
        s.ok(&["export", "--out", file.to_str().unwrap()], b"");
    }
    s.set("default", "API_TOKEN", "rotated-token-value-2");
    std::fs::write(&files[2], "API_TOKEN=edited by hand\n").unwrap();
    std::fs::remove_file(&files[3]).unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&s.ok(&["exports", "--json"], b"")).unwrap();
    let state = |file: &std::path::Path| {
        listed.as_array().unwrap().iter().find(|e| e["path"] == file.to_str().unwrap()).unwrap()["state"]
            .clone()
    };
    assert_eq!(state(&files[0]), "current", "an export without API_TOKEN is not affected by its change");
    assert_eq!(state(&files[1]), "stale");
    assert_eq!(state(&files[2]), "edited");
    assert_eq!(state(&files[3]), "missing");
    assert!(!listed.to_string().contains("token-value"));
}

#[test]
fn inject_resolves_references_and_names_the_line_of_one_it_cannot() {
    let (s, _) = Sandbox::with_identity_file();
    s.ok(&["env", "add", "prod", "--extends", "default"], b"");
    s.set("prod", "OPENAI_API_KEY", "sk-prod-inject-value-1");
    s.set_config("default", "LOG_LEVEL", "warn");
    let template = s.path(".env.latchkey");
    std::fs::write(
        &template,
        "# committed template\nOPENAI_API_KEY=latchkey://prod/OPENAI_API_KEY\nLOG_LEVEL=latchkey://prod/LOG_LEVEL\nPLAIN=unchanged ${NOT_A_REFERENCE}\n",
    )
    .unwrap();
    let out = s.ok(&["inject", "-i", template.to_str().unwrap()], b"");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "# committed template\nOPENAI_API_KEY=sk-prod-inject-value-1\nLOG_LEVEL=warn\nPLAIN=unchanged ${NOT_A_REFERENCE}\n"
    );
    let rendered = s.path("rendered.env");
    s.ok(&["inject", "-i", template.to_str().unwrap(), "-o", rendered.to_str().unwrap()], b"");
    assert_eq!(std::fs::metadata(&rendered).unwrap().permissions().mode() & 0o777, 0o600);

    for (line, expected) in [
        (
            "X=latchkey://prod/MISSING_KEY\n",
            ".env.latchkey:2: `latchkey://prod/MISSING_KEY` cannot be resolved: no variable `MISSING_KEY`",
        ),
        ("X=latchkey://staging/OPENAI_API_KEY\n", "no environment named `staging`"),
        ("X=latchkey://prod\n", "is not a reference latchkey understands"),
    ] {
        std::fs::write(&template, format!("OK=latchkey://prod/LOG_LEVEL\n{line}")).unwrap();
        let out = s.run(&["inject", "-i", template.to_str().unwrap(), "-o", rendered.to_str().unwrap()], b"");
        assert!(!out.status.success());
        assert!(stderr(&out).contains(expected), "{line}: {}", stderr(&out));
        assert!(stderr(&out).contains(".env.latchkey:2:"), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::read_to_string(&rendered).unwrap().lines().count(),
        4,
        "a failed inject replaced the output"
    );
}
