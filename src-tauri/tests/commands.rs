//! The app's commands through Tauri's mock runtime: the IPC contract the UI relies on.

mod support;

use serde_json::{Value, json};
use support::Desktop;

const SECRET: &str = "sk-proj-Q9vT2mLx8RkW4nZc7HbJ1yPd-runtime-8f3k2q7w";

#[test]
fn first_run_creates_an_unlocked_vault_behind_a_passphrase() {
    let d = Desktop::new();
    let status = d.ok("app_status", json!({}));
    assert_eq!(status["initialized"], false);
    assert_eq!(status["unlocked"], false);
    assert_eq!(status["autoLockMinutes"], 10);
    let status = d.ok("create_vault", json!({"request": {"passphrase": "correct horse"}}));
    assert_eq!(status["initialized"], true);
    assert_eq!(status["unlocked"], true);
    assert_eq!(status["identity"], "passphrase");
    let envs = d.ok("list_environments", json!({}));
    assert_eq!(envs, json!([{"name": "default", "variables": 0, "extends": null}]));
    let again = d.err("create_vault", json!({"request": {"passphrase": "x"}}));
    assert_eq!(again["code"], "exists");
}

#[test]
fn the_identity_moves_between_a_file_a_passphrase_and_the_keychain_and_still_unlocks() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let home = d.dir.path().join("home");
    let (protected, plain) = (home.join("identity.age"), home.join("identity.txt"));
    let relock = |passphrase: Value| {
        d.ok("lock", json!({}));
        let status = d.ok("unlock", json!({"passphrase": passphrase}));
        assert_eq!(status["unlocked"], true);
        assert_eq!(status["identityMovable"], true);
        let revealed = d.ok("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"}));
        assert_eq!(revealed["value"], SECRET);
    };
    let current = |passphrase: &str| json!(passphrase);

    // Refused, each leaving the passphrase-protected file as it was. An unlocked window
    // alone cannot take the passphrase off or replace it.
    let before = std::fs::read(&protected).unwrap();
    for (request, code, says) in [
        (
            json!({"to": "passphrase", "passphrase": "", "current": "correct horse"}),
            "invalid_value",
            "the passphrase is empty",
        ),
        (
            json!({"to": "passphrase", "passphrase": null, "current": null}),
            "invalid_value",
            "Choose a passphrase",
        ),
        (
            json!({"to": "file", "passphrase": "x", "current": null}),
            "invalid_value",
            "passphrase-protected file only",
        ),
        (
            json!({"to": "file", "passphrase": null, "current": null}),
            "passphrase_required",
            "give the current passphrase",
        ),
        (
            json!({"to": "keychain", "passphrase": null, "current": "wrong"}),
            "wrong_passphrase",
            "current passphrase is wrong",
        ),
        (
            json!({"to": "passphrase", "passphrase": "mine now", "current": null}),
            "passphrase_required",
            "give the current",
        ),
    ] {
        let err = d.err("move_identity", json!({ "request": request }));
        assert_eq!(err["code"], code, "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
        assert!(!err.to_string().contains("correct horse"), "{err}");
    }
    assert_eq!(std::fs::read(&protected).unwrap(), before);
    assert!(!plain.exists());
    assert_eq!(d.ok("app_status", json!({}))["identity"], "passphrase");

    // To a plain file: the protected one is gone, and no passphrase is asked.
    let moved = d.ok(
        "move_identity",
        json!({"request": {"to": "file", "passphrase": null, "current": current("correct horse")}}),
    );
    assert_eq!(moved["status"]["identity"], "file");
    assert_eq!(moved["leftBehind"], Value::Null);
    assert!(plain.is_file() && !protected.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again =
        d.err("move_identity", json!({"request": {"to": "file", "passphrase": null, "current": null}}));
    assert!(again["message"].as_str().unwrap().contains("kept there already"), "{again}");
    relock(Value::Null);

    // Behind a new passphrase, then a changed one (which needs the one before): only the
    // latest opens the vault.
    let moved = d.ok(
        "move_identity",
        json!({"request": {"to": "passphrase", "passphrase": "new horse", "current": null}}),
    );
    assert_eq!(moved["status"]["identity"], "passphrase");
    assert!(protected.is_file() && !plain.exists());
    d.ok(
        "move_identity",
        json!({"request": {"to": "passphrase", "passphrase": "third horse", "current": current("new horse")}}),
    );
    d.ok("lock", json!({}));
    for wrong in ["correct horse", "new horse"] {
        assert_eq!(d.err("unlock", json!({"passphrase": wrong}))["code"], "wrong_passphrase");
    }
    relock(json!("third horse"));
    // Even right after an unlock with it, the passphrase is asked for again.
    let err = d.err("move_identity", json!({"request": {"to": "file", "passphrase": null, "current": null}}));
    assert_eq!(err["code"], "passphrase_required", "{err}");
    assert!(protected.is_file() && !plain.exists());

    // Into the OS keychain: no identity file is left in the data directory.
    let moved = d.ok(
        "move_identity",
        json!({"request": {"to": "keychain", "passphrase": null, "current": current("third horse")}}),
    );
    assert_eq!(moved["status"]["identity"], "keychain");
    assert!(!protected.exists() && !plain.exists());
    relock(Value::Null);
    assert_eq!(vault_of(&d).identity_file(), None);
}

#[test]
fn a_vault_is_not_created_behind_an_empty_passphrase() {
    let d = Desktop::new();
    let err = d.err("create_vault", json!({"request": {"passphrase": ""}}));
    assert_eq!(err["code"], "invalid_value", "{err}");
    assert_eq!(d.ok("app_status", json!({}))["initialized"], false);
}

#[test]
fn listing_never_carries_a_value_and_reveal_does() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let rows = d.ok("list_variables", json!({"env": "default"}));
    assert!(!rows.to_string().contains(SECRET), "the list leaked the value: {rows}");
    assert_eq!(rows[0]["name"], "OPENAI_API_KEY");
    assert_eq!(rows[0]["kind"], "secret");
    assert_eq!(rows[0]["store"], "vault");
    assert_eq!(rows[0]["provider"], "openai");
    // Checked when stored: not an OpenAI key's shape, so the badge says so.
    assert_eq!(rows[0]["check"]["format"], "invalid");
    assert_eq!(rows[0]["check"]["problems"], json!(["format"]));
    assert_eq!(rows[0]["check"]["online"], Value::Null);
    assert!(rows[0].get("value").is_none());
    let revealed = d.ok("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"}));
    assert_eq!(revealed, json!({"value": SECRET, "hideAfterMs": 30000, "auditWarning": null}));
}

#[test]
fn locking_hides_everything_until_the_right_passphrase_unlocks() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let status = d.ok("lock", json!({}));
    assert_eq!(status["unlocked"], false);
    for (cmd, args) in [
        ("list_variables", json!({"env": "default"})),
        ("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"})),
        ("list_environments", json!({})),
    ] {
        let err = d.err(cmd, args);
        assert_eq!(err["code"], "locked", "{cmd}: {err}");
        assert!(!err.to_string().contains(SECRET));
    }
    let err = d.err("unlock", json!({"passphrase": "wrong"}));
    assert_eq!(err["code"], "wrong_passphrase");
    assert!(err["message"].as_str().unwrap().contains("passphrase"));
    let err = d.err("unlock", json!({"passphrase": null}));
    assert_eq!(err["code"], "passphrase_required");
    d.ok("unlock", json!({"passphrase": "correct horse"}));
    let revealed = d.ok("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"}));
    assert_eq!(revealed["value"], SECRET);
}

#[test]
fn editing_without_a_value_keeps_the_value() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let row = d.ok(
        "set_variable",
        json!({"request": {
        "env": "default", "name": "OPENAI_API_KEY", "kind": "secret", "store": "vault",
        "value": null, "provider": "openai", "notes": "rotated by ops"}}),
    );
    assert_eq!(row["notes"], "rotated by ops");
    let revealed = d.ok("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"}));
    assert_eq!(revealed["value"], SECRET);
}

#[test]
fn errors_cross_as_code_and_message() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let set = |name: &str, env: &str, value: Value| {
        d.err(
            "set_variable",
            json!({"request": {
            "env": env, "name": name, "kind": "secret", "store": "vault",
            "value": value, "provider": null, "notes": null}}),
        )
    };
    assert_eq!(set("BAD-NAME", "default", json!("value-123"))["code"], "invalid_name");
    assert_eq!(set("OK_NAME", "default", json!(""))["code"], "invalid_value");
    let err = set("OK_NAME", "prod", json!("value-123"));
    assert_eq!(err["code"], "unknown_environment");
    assert!(err["message"].as_str().unwrap().contains("latchkey env add prod"));
    let err = d.err("reveal_value", json!({"env": "default", "name": "MISSING"}));
    assert_eq!(err["code"], "not_found");
    assert_eq!(err.as_object().unwrap().len(), 2, "errors are exactly {{code, message}}: {err}");
}

#[test]
fn names_are_checked_as_they_are_typed() {
    let d = Desktop::new();
    assert_eq!(d.ok("check_name", json!({"name": "OPENAI_API_KEY"})), json!({"ok": true, "message": null}));
    let bad = d.ok("check_name", json!({"name": "openai-key"}));
    assert_eq!(bad["ok"], false);
    assert!(bad["message"].as_str().unwrap().contains("letters, digits and `_`"));
}

#[test]
fn deleting_removes_the_variable() {
    let d = Desktop::unlocked_with_secret(SECRET);
    d.ok("delete_variable", json!({"env": "default", "name": "OPENAI_API_KEY"}));
    assert_eq!(d.ok("list_variables", json!({"env": "default"})), json!([]));
    assert_eq!(
        d.err("delete_variable", json!({"env": "default", "name": "OPENAI_API_KEY"}))["code"],
        "not_found"
    );
}

#[test]
fn auto_lock_time_is_configurable_within_bounds() {
    let d = Desktop::unlocked_with_secret(SECRET);
    assert_eq!(d.ok("set_auto_lock", json!({"minutes": 3}))["autoLockMinutes"], 3);
    assert_eq!(d.err("set_auto_lock", json!({"minutes": 0}))["code"], "invalid_value");
}

#[test]
fn the_webview_cannot_reach_the_clipboard() {
    let d = Desktop::unlocked_with_secret(SECRET);
    // Rust copies values to the clipboard; the page has no permission to read it back.
    for cmd in ["plugin:clipboard-manager|read_text", "plugin:clipboard-manager|write_text"] {
        let err = d.err(cmd, json!({"text": "x"}));
        assert!(err.to_string().contains("not allowed"), "{cmd}: {err}");
    }
}

fn set(d: &Desktop, name: &str, kind: &str, value: &str, force: bool) -> Result<Value, Value> {
    d.call(
        "set_variable",
        json!({"request": {"env": "default", "name": name, "kind": kind, "store": "vault",
            "value": value, "provider": null, "notes": null, "force": force}}),
    )
}

#[test]
fn a_key_made_before_today_is_due_from_the_day_it_was_made() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let key = latchkey_tests::corpus_key("github", 0);
    let set_made = |created: &str| {
        d.call(
            "set_variable",
            json!({"request": {"env": "default", "name": "GITHUB_TOKEN", "kind": "secret", "store": "vault",
                "value": key, "provider": null, "notes": null, "force": false, "created": created}}),
        )
    };
    for (day, says) in
        [("2999-01-01", "is in the future"), ("01/02/2025", "is not a date"), ("1960-05-01", "before 1970")]
    {
        let err = set_made(day).unwrap_err();
        assert_eq!(err["code"], "invalid_value", "{day}");
        assert!(err["message"].as_str().unwrap().contains(says), "{day}: {err}");
    }
    assert!(
        d.ok("list_variables", json!({"env": "default"})).to_string().find("GITHUB_TOKEN").is_none(),
        "nothing stored"
    );
    for (kind, value) in [("config", json!("eu-west-1")), ("secret", json!(null))] {
        let err = d.err(
            "set_variable",
            json!({"request": {"env": "default", "name": "OPENAI_API_KEY", "kind": kind, "store": "vault",
                "value": value, "provider": null, "notes": null, "force": false, "created": "2025-01-15"}}),
        );
        assert_eq!(err["code"], "invalid_value", "{kind}");
        assert!(err["message"].as_str().unwrap().contains("the day a key was made goes with a"), "{err}");
    }
    let row = set_made("2025-01-15").unwrap();
    assert_eq!(row["created"], "2025-01-15T00:00:00Z");
    let rows = d.ok("rotation_status", json!({"env": "default", "preset": "standard"}));
    let gh = rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap().clone();
    assert_eq!(gh["status"], "overdue", "90 days from 2025-01-15 have passed: {gh}");
}

#[test]
fn a_value_is_checked_as_it_is_typed_and_nothing_is_stored() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let key = latchkey_tests::corpus_key("anthropic", 0);
    let check = |name: &str, value: &str| {
        d.ok(
            "check_value",
            json!({"request": {"env": "default", "name": name, "kind": "secret", "value": value}}),
        )
    };
    let found = check("ANTHROPIC_API_KEY", &key);
    assert_eq!(found["provider"], "anthropic");
    assert_eq!(found["providerName"], "Anthropic");
    assert_eq!(found["format"], "ok");
    assert_eq!(found["refused"], false);
    // Another provider's key: its clients would send it to the wrong service. Refused
    // unless forced, as in the CLI.
    let mismatch = check("OPENAI_API_KEY", &key);
    assert_eq!(mismatch["problems"][0]["code"], "provider_mismatch");
    assert_eq!(mismatch["refused"], true);
    let placeholder = check("OPENAI_API_KEY", "<your key here>");
    assert_eq!(placeholder["refused"], true);
    assert!(!placeholder.to_string().contains("your key here"), "the answer echoed the value");
    assert_eq!(d.ok("list_variables", json!({"env": "default"})).as_array().unwrap().len(), 1);
}

#[test]
fn saving_a_placeholder_is_refused_until_forced() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let err = set(&d, "GROQ_API_KEY", "secret", "changeme-changeme", false).unwrap_err();
    assert_eq!(err["code"], "refused");
    assert!(err["message"].as_str().unwrap().contains("placeholder"));
    assert_eq!(d.ok("list_variables", json!({"env": "default"})).as_array().unwrap().len(), 1);
    let row = set(&d, "GROQ_API_KEY", "secret", "changeme-changeme", true).unwrap();
    assert!(row["check"]["problems"].as_array().unwrap().contains(&json!("placeholder")), "{row}");
}

#[test]
fn verify_asks_the_provider_and_keeps_the_result() {
    use latchkey_tests::fake_provider::{Answer, FakeProvider};
    let valid = FakeProvider::answering(Answer::json("{}"));
    let d = Desktop::unlocked_with_secret(SECRET);
    let key = latchkey_tests::corpus_key("groq", 0);
    set(&d, "GROQ_API_KEY", "secret", &key, false).unwrap();
    set(&d, "GROQ_BASE_URL", "config", &format!("{}/openai/v1", valid.origin), false).unwrap();
    let results = d.ok("verify_variables", json!({"env": "default", "name": "GROQ_API_KEY"}));
    assert_eq!(results.as_array().unwrap().len(), 1);
    assert_eq!(results[0]["online"], "valid");
    assert_eq!(results[0]["status"], 200);
    assert_eq!(valid.received()[0].header("authorization"), Some(format!("Bearer {key}").as_str()));
    assert!(!results.to_string().contains(&key), "the answer carried the key");
    let rows = d.ok("list_variables", json!({"env": "default"}));
    let row = rows.as_array().unwrap().iter().find(|r| r["name"] == "GROQ_API_KEY").unwrap();
    assert_eq!(row["check"]["online"], "valid");
    assert_eq!(row["check"]["onlineStatus"], 200);
    assert!(row["check"]["onlineAt"].is_string());
    // All of the environment, every key sent to a local fake (the OpenAI key to one
    // that rejects it); config is never sent.
    let rejecting = FakeProvider::answering(Answer::status(401));
    set(&d, "OPENAI_BASE_URL", "config", &format!("{}/v1", rejecting.origin), false).unwrap();
    let all = d.ok("verify_variables", json!({"env": "default", "name": null}));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 4);
    let by_name = |name: &str| all.iter().find(|r| r["name"] == name).unwrap();
    assert_eq!(by_name("OPENAI_API_KEY")["online"], "invalid");
    assert_eq!(by_name("GROQ_API_KEY")["online"], "valid");
    assert_eq!(by_name("GROQ_BASE_URL")["online"], Value::Null);
    assert_eq!(by_name("OPENAI_BASE_URL")["online"], Value::Null);
    assert_eq!(rejecting.received().len(), 1, "the OpenAI key went to the local fake");
}

#[test]
fn environments_are_created_extended_renamed_compared_and_deleted() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let envs = d.ok("add_environment", json!({"name": "prod", "extends": "default"}));
    assert_eq!(envs[1], json!({"name": "prod", "variables": 0, "extends": "default"}));
    // prod sees default's variable, marked as inherited.
    let rows = d.ok("list_variables", json!({"env": "prod"}));
    assert_eq!(rows[0]["name"], "OPENAI_API_KEY");
    assert_eq!(rows[0]["inheritedFrom"], "default");
    assert_eq!(d.err("delete_environment", json!({"name": "default"}))["code"], "environment");
    d.ok(
        "set_variable",
        json!({"request": {"env": "prod", "name": "PROD_ONLY", "kind": "config", "store": "vault",
            "value": "x", "provider": null, "notes": null, "force": false}}),
    );
    let comparison = d.ok("compare_environments", json!({"first": "default", "second": "prod"}));
    assert_eq!(
        comparison,
        json!({"onlyFirst": [], "onlySecond": ["PROD_ONLY"], "different": [], "same": ["OPENAI_API_KEY"]})
    );
    assert!(!comparison.to_string().contains(SECRET));
    let envs = d.ok("rename_environment", json!({"old": "prod", "new": "production"}));
    assert_eq!(envs[1]["name"], "production");
    let envs = d.ok("delete_environment", json!({"name": "production"}));
    assert_eq!(envs.as_array().unwrap().len(), 1);
}

#[test]
fn a_file_is_previewed_then_imported_and_an_export_is_tracked() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    std::fs::write(
        &file,
        "LOG_LEVEL=debug\nOPENAI_API_KEY='another-value-entirely-x9'\nGROQ_API_KEY=\"changeme\"\n",
    )
    .unwrap();
    let request = |overwrite: bool, force: bool| json!({"request": {"env": "default", "path": file.display().to_string(), "allSecret": false, "overwrite": overwrite, "force": force}});
    let preview = d.ok("preview_import", request(false, false));
    assert!(!preview.to_string().contains("another-value-entirely"), "the preview carried a value");
    assert_eq!(
        preview[0],
        json!({"name": "LOG_LEVEL", "kind": "config", "action": "create", "provider": null, "problems": [], "refused": false})
    );
    assert_eq!(preview[1]["action"], "replace");
    assert_eq!(preview[2]["problems"][0], "placeholder");
    assert_eq!(preview[2]["refused"], true);
    // Nothing was written by the preview; replacing needs overwrite, and a placeholder
    // force, as Set does.
    assert_eq!(d.ok("list_variables", json!({"env": "default"})).as_array().unwrap().len(), 1);
    assert_eq!(d.err("import_file", request(false, false))["code"], "import_exists");
    let refused = d.err("import_file", request(true, false));
    assert_eq!(refused["code"], "invalid_value");
    assert!(refused["message"].as_str().unwrap().contains("`GROQ_API_KEY` (placeholder)"), "{refused}");
    assert_eq!(d.ok("list_variables", json!({"env": "default"})).as_array().unwrap().len(), 1);
    d.ok("import_file", request(true, true));
    assert_eq!(
        d.ok("reveal_value", json!({"env": "default", "name": "OPENAI_API_KEY"}))["value"],
        "another-value-entirely-x9"
    );

    let out = dir.path().join("prod.json");
    let export = |format: &str| {
        d.call(
            "export_file",
            json!({"request": {"env": "default", "format": format, "only": null,
            "path": out.display().to_string(), "allowTracked": false}}),
        )
    };
    let info = export("json").unwrap();
    assert_eq!(info["state"], "current");
    assert_eq!(info["auditWarning"], Value::Null);
    let activity = d.ok("list_activity", json!({}));
    let exported = activity
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["access"] == "export")
        .expect("the export was audited");
    assert_eq!(exported["path"], out.display().to_string());
    assert_eq!(info["names"], json!(["GROQ_API_KEY", "LOG_LEVEL", "OPENAI_API_KEY"]));
    assert!(!info.to_string().contains("another-value"));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["LOG_LEVEL"], "debug");
    set(&d, "LOG_LEVEL", "config", "info", false).unwrap();
    assert_eq!(d.ok("list_exports", json!({}))[0]["state"], "stale");
}

#[test]
fn a_profiles_agent_runs_with_masked_output_and_is_recorded() {
    use std::sync::{Arc, Mutex};
    use tauri::Listener;
    let d = Desktop::unlocked_with_secret(SECRET);
    set(&d, "MODEL", "config", "small-model", false).unwrap();
    let profiles = d.ok(
        "save_profile",
        json!({"request": {"name": "coder", "env": "default", "vars": ["OPENAI_API_KEY", "MODEL"],
            "command": "sh -c 'echo \"key=$OPENAI_API_KEY model=$MODEL other=${OTHER:-none}\"; exit 3'",
            "cwd": null, "replace": false}}),
    );
    assert_eq!(profiles[0]["vars"], json!(["OPENAI_API_KEY", "MODEL"]));
    let output = Arc::new(Mutex::new(String::new()));
    let exit = Arc::new(Mutex::new(None::<Value>));
    let (o, e) = (output.clone(), exit.clone());
    d.app.listen_any("agent-output", move |event| {
        let payload: Value = serde_json::from_str(event.payload()).unwrap();
        o.lock().unwrap().push_str(payload["text"].as_str().unwrap());
    });
    d.app.listen_any("agent-exit", move |event| {
        *e.lock().unwrap() = Some(serde_json::from_str(event.payload()).unwrap());
    });
    let run = d.ok("launch_agent", json!({"profile": "coder"}));
    assert!(run["pid"].as_u64().unwrap() > 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while exit.lock().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "the agent never ended");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(exit.lock().unwrap().as_ref().unwrap()["code"], 3);
    assert_eq!(*output.lock().unwrap(), "key=<latchkey:OPENAI_API_KEY> model=small-model other=none\n");
    // The grant is in the activity log, with the reveal that came before it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let activity = loop {
        let activity = d.ok("list_activity", json!({}));
        if activity.as_array().unwrap().iter().any(|a| a["access"] == "grant")
            || std::time::Instant::now() > deadline
        {
            break activity;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let grant = activity.as_array().unwrap().iter().find(|a| a["access"] == "grant").unwrap();
    assert_eq!(grant["profile"], "coder");
    assert_eq!(grant["exitCode"], 3);
    assert_eq!(grant["names"], json!(["MODEL", "OPENAI_API_KEY"]));
    assert!(!activity.to_string().contains(SECRET));
    assert_eq!(d.err("launch_agent", json!({"profile": "nobody"}))["code"], "profile_not_found");
    assert_eq!(run["auditWarning"], Value::Null, "the grant was recorded");
    d.ok(
        "save_profile",
        json!({"request": {"name": "typo", "env": "default", "vars": [], "command": "no-such-program-xyz", "cwd": null, "replace": false}}),
    );
    assert_eq!(d.err("launch_agent", json!({"profile": "typo"}))["code"], "program_not_found");
    d.ok(
        "save_profile",
        json!({"request": {"name": "idle", "env": "default", "vars": [], "command": null, "cwd": null, "replace": false}}),
    );
    assert_eq!(d.err("launch_agent", json!({"profile": "idle"}))["code"], "no_command");
    assert_eq!(d.err("stop_agent", json!({"id": 9999}))["code"], "not_running");
}

#[test]
fn stop_ends_an_agent_that_ignores_nothing() {
    let d = Desktop::unlocked_with_secret(SECRET);
    d.ok(
        "save_profile",
        json!({"request": {"name": "sleeper", "env": "default", "vars": [], "command": "sleep 30", "cwd": null, "replace": false}}),
    );
    let run = d.ok("launch_agent", json!({"profile": "sleeper"}));
    let pid = run["pid"].as_u64().unwrap();
    d.ok("stop_agent", json!({"id": run["id"]}));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z")) {
        assert!(std::time::Instant::now() < deadline, "the agent is still running after Stop");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn stop_kills_an_agent_that_ignores_sigterm_once_the_grace_period_is_over() {
    let d = Desktop::unlocked_with_secret(SECRET);
    d.ok(
        "save_profile",
        json!({"request": {"name": "stubborn", "env": "default", "vars": [],
            "command": "sh -c 'trap \"\" TERM; echo started; while :; do sleep 0.1; done'", "cwd": null, "replace": false}}),
    );
    let run = d.ok("launch_agent", json!({"profile": "stubborn"}));
    let pid = run["pid"].as_u64().unwrap();
    let alive = || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let stopped = std::time::Instant::now();
    d.ok("stop_agent", json!({"id": run["id"]}));
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(alive(), "SIGTERM was ignored, so the agent runs until the grace period is over");
    while alive() {
        assert!(stopped.elapsed() < std::time::Duration::from_secs(10), "Stop never escalated to SIGKILL");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let waited = stopped.elapsed();
    assert!(waited >= std::time::Duration::from_millis(4_500), "SIGKILL came after {waited:?}, before 5 s");
}

#[test]
fn rotation_is_scheduled_rotated_rolled_back_snoozed_and_set() {
    let d = Desktop::unlocked_with_secret(SECRET);
    let first = latchkey_tests::corpus_key("github", 0);
    let second = latchkey_tests::corpus_key("github", 1);
    set(&d, "GITHUB_TOKEN", "secret", &first, false).unwrap();
    let rows = d.ok("rotation_status", json!({"env": "default", "preset": "standard"}));
    let unknown = d.err("rotation_status", json!({"env": "default", "preset": "weekly"}));
    assert_eq!(unknown["code"], "invalid_preset", "an unknown preset is not taken for standard");
    assert_eq!(unknown["message"], "there is no preset `weekly`: use standard or strict");
    let gh = rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap().clone();
    assert_eq!(gh["status"], "ok");
    assert_eq!(gh["intervalDays"], 90);
    assert_eq!(gh["keysPage"], "https://github.com/settings/tokens");
    let strict = d.ok("rotation_status", json!({"env": "default", "preset": "strict"}));
    assert_eq!(
        strict.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap()["intervalDays"],
        7
    );

    let rotate = |value: &str, force: bool| {
        d.call(
            "rotate_secret",
            json!({"request": {"env": "default", "name": "GITHUB_TOKEN", "value": value, "force": force}}),
        )
    };
    assert_eq!(rotate(&latchkey_tests::corpus_key("groq", 0), false).unwrap_err()["code"], "other_provider");
    let result = rotate(&second, false).unwrap();
    assert_eq!(result["staleExports"], json!([]));
    assert!(!result.to_string().contains(&second));
    assert_eq!(d.ok("reveal_value", json!({"env": "default", "name": "GITHUB_TOKEN"}))["value"], second);
    d.ok("rollback_secret", json!({"env": "default", "name": "GITHUB_TOKEN"}));
    assert_eq!(d.ok("reveal_value", json!({"env": "default", "name": "GITHUB_TOKEN"}))["value"], first);
    assert_eq!(
        d.err("rollback_secret", json!({"env": "default", "name": "OPENAI_API_KEY"}))["code"],
        "no_history"
    );

    d.ok("snooze_secret", json!({"env": "default", "name": "GITHUB_TOKEN", "days": 7}));
    d.ok("set_rotation_policy", json!({"request": {"env": "default", "name": "GITHUB_TOKEN", "everyDays": 30, "expires": "2020-01-01"}}));
    let rows = d.ok("rotation_status", json!({"env": "default", "preset": "standard"}));
    let gh = rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap().clone();
    assert_eq!(gh["intervalDays"], 30);
    assert_eq!(gh["status"], "expired");
    assert!(gh["snoozedUntil"].is_string());
    assert_eq!(gh["versions"], 1, "the rolled-back value is kept");
    // A snoozed key raises no reminder until the snooze ends.
    assert!(latchkey_desktop::reminders::pending(&vault_of(&d), time::OffsetDateTime::now_utc()).is_empty());
    d.ok("snooze_secret", json!({"env": "default", "name": "GITHUB_TOKEN", "days": 0}));
    // Once, where it is defined: not again in an environment that inherits it.
    d.ok("add_environment", json!({"name": "prod", "extends": "default"}));
    assert_eq!(
        latchkey_desktop::reminders::pending(&vault_of(&d), time::OffsetDateTime::now_utc()),
        ["default/GITHUB_TOKEN"]
    );
}

/// The vault the app holds, unlocked again from its data directory for a direct look.
fn vault_of(d: &Desktop) -> latchkey_core::Vault {
    let home = latchkey_core::Home::at(d.dir.path().join("home"));
    let passphrase = latchkey_core::SecretString::from("correct horse");
    latchkey_core::Vault::unlock(&home, None, |_| Some(passphrase)).unwrap()
}
