//! The small verbs a user reaches for every day: `get --json`, `list --filter`, `rm`
//! asking first on a terminal, and `calendar --out -`.

use latchkey_tests::{Sandbox, have, require, typing_at_terminal};

const TOKEN: &str = "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";

#[test]
fn get_json_holds_the_exact_value_escaped_for_json() {
    let (s, _) = Sandbox::with_identity_file();
    let pem = "-----BEGIN KEY-----\nline \"two\"\n-----END KEY-----";
    s.ok(&["set", "SIGNING_KEY", "--force"], pem.as_bytes());
    let out = s.ok(&["get", "SIGNING_KEY", "--json"], b"");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("get --json is JSON");
    assert_eq!(doc, serde_json::json!({ "env": "default", "name": "SIGNING_KEY", "value": pem }));
    // Without --json the value is exact, as before.
    assert_eq!(s.ok(&["get", "SIGNING_KEY"], b""), pem.as_bytes());
}

#[test]
fn list_filter_takes_a_glob_or_a_part_of_the_name() {
    let (s, _) = Sandbox::with_identity_file();
    for name in ["OPENAI_API_KEY", "AZURE_OPENAI_KEY", "GITHUB_TOKEN"] {
        s.set_config("default", name, "x");
    }
    let names = |args: &[&str]| -> Vec<String> {
        let out = s.ok(args, b"");
        let listed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        listed.as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&["list", "--json", "--filter", "OPENAI_*"]), ["OPENAI_API_KEY"]);
    let mut openai = names(&["list", "--json", "--filter", "openai"]);
    openai.sort();
    assert_eq!(openai, ["AZURE_OPENAI_KEY", "OPENAI_API_KEY"]);
    let out = s.run(&["list", "--filter", "stripe"], b"");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No variable in `default` matches `stripe`"));
}

#[test]
fn rm_asks_on_a_terminal_and_not_in_a_script() {
    if !require(have("script"), "util-linux `script`", "apt-get install util-linux") {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    let screen = typing_at_terminal(&s, &["rm", "GITHUB_TOKEN"], &["n"], &[]);
    assert!(screen.contains("Remove GITHUB_TOKEN from `default`?"), "{screen}");
    assert!(screen.contains("Nothing was removed."), "{screen}");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), TOKEN.as_bytes());

    let screen = typing_at_terminal(&s, &["rm", "GITHUB_TOKEN"], &["y"], &[]);
    assert!(screen.contains("Removed GITHUB_TOKEN"), "{screen}");
    assert!(s.list("default").is_empty());

    // A script is not asked (its stdin is no terminal), nor is --yes on a terminal.
    s.set("default", "GITHUB_TOKEN", TOKEN);
    s.set("default", "OTHER_TOKEN", TOKEN);
    s.ok(&["rm", "GITHUB_TOKEN"], b"");
    let screen = typing_at_terminal(&s, &["rm", "OTHER_TOKEN", "--yes"], &[], &[]);
    assert!(!screen.contains("Remove OTHER_TOKEN"), "{screen}");
    assert!(s.list("default").is_empty());
}

#[test]
fn calendar_out_dash_writes_the_calendar_to_stdout() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    let out = s.ok(&["calendar", "--out", "-"], b"");
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(text.contains("GITHUB_TOKEN in default"), "{text}");
    assert!(!s.home.join("-").exists() && !std::path::Path::new("-").exists(), "a file named - was written");
}

#[test]
fn status_is_red_for_an_expired_key_on_a_terminal_and_plain_with_no_color() {
    if !require(have("script"), "util-linux `script`", "apt-get install util-linux") {
        return;
    }
    let (s, _) = Sandbox::with_identity_file();
    let yesterday = (time::OffsetDateTime::now_utc() - time::Duration::days(1)).date().to_string();
    s.ok(&["set", "GITHUB_TOKEN", "--force", "--expires", &yesterday], TOKEN.as_bytes());
    let screen = typing_at_terminal(&s, &["status"], &[], &[]);
    assert!(screen.contains("\x1b[31mexpired"), "no red on a terminal: {screen:?}");
    let screen = typing_at_terminal(&s, &["status"], &[], &[("NO_COLOR", "1")]);
    assert!(screen.contains("expired") && !screen.contains("\x1b["), "colour with NO_COLOR: {screen:?}");
    // Not on a terminal: plain, for scripts and files.
    let out = s.run(&["status"], b"");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn exports_forget_stops_tracking_a_file_and_leaves_it() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", TOKEN);
    let file = s.path("ci.env");
    s.ok(&["export", "--out", file.to_str().unwrap()], b"");
    let listed = || -> usize {
        let out = s.ok(&["exports", "--json"], b"");
        serde_json::from_slice::<serde_json::Value>(&out).unwrap().as_array().unwrap().len()
    };
    assert_eq!(listed(), 1);
    // Given relative to where the user is.
    let out = s.command(&["exports", "forget", "ci.env"]).current_dir(s.path("")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the file itself was left alone"));
    assert_eq!(listed(), 0);
    assert!(file.is_file(), "forget deleted the file");
    // A rotation no longer names it.
    let out =
        s.run(&["rotate", "GITHUB_TOKEN", "--force"], latchkey_tests::corpus_key("github", 1).as_bytes());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("ci.env"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An export recorded through a symlinked directory is forgotten by the same path.
    let real = s.path("real");
    std::fs::create_dir(&real).unwrap();
    let link = s.path("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let linked = link.join("app.env");
    // Written twice: the second time the file exists, and is recorded by its real path.
    s.ok(&["export", "--out", linked.to_str().unwrap()], b"");
    s.ok(&["export", "--out", linked.to_str().unwrap()], b"");
    s.ok(&["exports", "forget", linked.to_str().unwrap()], b"");
    assert_eq!(listed(), 0);
    let out = s.run(&["exports", "forget", file.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is recorded"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn import_refuses_what_set_refuses_unless_forced() {
    let (s, _) = Sandbox::with_identity_file();
    let file = s.path("app.env");
    std::fs::write(&file, format!("GITHUB_TOKEN={TOKEN}\nSTRIPE_SECRET_KEY=your-stripe-key-here\n")).unwrap();
    let out = s.run(&["set", "STRIPE_SECRET_KEY"], b"your-stripe-key-here");
    assert!(!out.status.success(), "set stored a placeholder");
    let out = s.run(&["import", file.to_str().unwrap(), "--yes"], b"");
    assert!(!out.status.success(), "import stored what set refuses");
    let err = String::from_utf8_lossy(&out.stderr);
    // Said before anything is asked, and nothing stored.
    assert!(
        err.contains(
            "nothing was imported: `STRIPE_SECRET_KEY` cannot be a working key (--force stores them anyway)"
        ),
        "{err}"
    );
    assert!(!err.contains("Import into"), "it asked first: {err}");
    assert!(s.list("default").is_empty(), "a refused import stored something");
    let out = s.run(&["import", file.to_str().unwrap(), "--dry-run"], b"");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("The import would stop: `STRIPE_SECRET_KEY` cannot be a working key")
    );
    s.ok(&["import", file.to_str().unwrap(), "--yes", "--force"], b"");
    assert_eq!(s.list("default").len(), 2);
    // A value forced in once is not refused again when the same file is imported: nothing
    // changes, so nothing needs --force.
    let again = s.run(&["import", file.to_str().unwrap(), "--yes"], b"");
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn a_key_of_another_provider_is_refused_and_asked_for_again_at_a_terminal() {
    let (s, _) = Sandbox::with_identity_file();
    let anthropic = latchkey_tests::corpus_key("anthropic", 0);
    let openai = latchkey_tests::corpus_key("openai", 0);
    let out = s.run(&["set", "OPENAI_API_KEY"], anthropic.as_bytes());
    assert!(!out.status.success(), "an Anthropic key was stored as OPENAI_API_KEY");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(s.list("default").is_empty());
    // Served by the provider the base URL names: not a mismatch.
    s.set_config("default", "OPENAI_BASE_URL", "https://api.anthropic.com/v1");
    s.ok(&["set", "OPENAI_API_KEY"], anthropic.as_bytes());
    s.ok(&["rm", "OPENAI_BASE_URL"], b"");

    if !require(have("script"), "util-linux `script`", "apt-get install util-linux") {
        return;
    }
    let t = Sandbox::new();
    t.ok(&["init", "--identity-file", t.path("id.txt").to_str().unwrap()], b"");
    let screen = typing_at_terminal(&t, &["set", "OPENAI_API_KEY"], &[&anthropic, &openai], &[]);
    assert!(screen.contains("paste it again"), "{screen}");
    assert!(screen.contains("Stored OPENAI_API_KEY"), "{screen}");
    assert_eq!(t.ok(&["get", "OPENAI_API_KEY"], b""), openai.as_bytes());
    // Three refused tries, and it gives up with the vault as it was.
    let screen =
        typing_at_terminal(&t, &["set", "OPENAI_API_KEY"], &[&anthropic, &anthropic, &anthropic], &[]);
    assert_eq!(screen.matches("paste it again").count(), 2, "{screen}");
    assert!(screen.contains("nothing was changed"), "{screen}");
    assert_eq!(t.ok(&["get", "OPENAI_API_KEY"], b""), openai.as_bytes());
}

#[test]
fn a_development_database_and_its_password_are_stored_without_a_warning() {
    let (s, _) = Sandbox::with_identity_file();
    for (name, value) in [
        ("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/app_test"),
        ("DB_PASSWORD", "postgres"),
        ("REDIS_URL", "redis://localhost:6379/0"),
    ] {
        let out = s.run(&["set", name], value.as_bytes());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {err}");
        assert!(!err.contains("warning"), "{name}: {err}");
    }
    // A template in a URL is still a placeholder.
    let out = s.run(&["set", "DATABASE_URL"], b"postgres://app:${DB_PASSWORD}@db/app");
    assert!(!out.status.success());
}
