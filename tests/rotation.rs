//! Rotation end to end: status and its exit code, guided rotation with history and
//! rollback (the history stays inside the encrypted vault), stale exports, and the
//! iCalendar file read back by a strict RFC 5545 parser.

use std::path::{Path, PathBuf};
use std::process::Command;

use latchkey_tests::{Sandbox, corpus_key};
use serde_json::Value;

fn tools() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned();
    let dir = root.join("target/test-tools");
    let out = Command::new("bash").arg(root.join("tests/tools/install.sh")).arg(&dir).output().unwrap();
    assert!(out.status.success(), "cannot install the test tools: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn github(n: usize) -> String {
    corpus_key("github", n)
}

#[test]
fn rotate_keeps_history_rollback_restores_and_exports_go_stale() {
    let (s, identity) = Sandbox::with_identity_file();
    let (first, second) = (github(0), github(1));
    s.set("default", "GITHUB_TOKEN", &first);
    let export = s.path("ci.env");
    s.ok(&["export", "--out", export.to_str().unwrap()], b"");

    // A value of another provider, or of no recognisable shape, is refused.
    for wrong in [corpus_key("groq", 0).as_str(), "ghp_truncated"] {
        let out = s.run(&["rotate", "GITHUB_TOKEN"], wrong.as_bytes());
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a key of GitHub"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), first.as_bytes());

    let out = s.run(&["rotate", "GITHUB_TOKEN"], second.as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("https://github.com/settings/tokens"), "the key page is shown: {err}");
    assert!(err.contains(&format!("Stale export: {}", export.display())), "{err}");
    assert!(err.contains("revoke the old key"), "{err}");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), second.as_bytes());

    let history = String::from_utf8(s.ok(&["history", "GITHUB_TOKEN"], b"")).unwrap();
    assert_eq!(history.lines().count(), 2, "the current value and one before: {history}");
    assert!(!history.contains(&first) && !history.contains(&second));
    let fingerprints = || -> (String, Vec<String>) {
        let doc: Value = serde_json::from_slice(&s.ok(&["history", "GITHUB_TOKEN", "--json"], b"")).unwrap();
        let past =
            doc["past"].as_array().unwrap().iter().map(|p| p["fingerprint"].as_str().unwrap().to_owned());
        (doc["current"].as_str().unwrap().to_owned(), past.collect())
    };
    let (of_second, before) = fingerprints();
    let of_first = before[0].clone();
    assert_eq!(of_second.len(), 12);
    assert_ne!(of_first, of_second, "two values, one fingerprint");
    // The old value is in the vault, which only the identity opens.
    let vault = std::fs::read(s.home.join("vault.age")).unwrap();
    assert!(
        !vault.windows(first.len()).any(|w| w == first.as_bytes()),
        "the vault file holds a value in the clear"
    );
    let decrypted =
        Command::new("age").args(["-d", "-i"]).arg(&identity).arg(s.home.join("vault.age")).output().unwrap();
    assert!(
        String::from_utf8_lossy(&decrypted.stdout).contains(&first),
        "the history is in the encrypted vault"
    );
    let listed = serde_json::to_string(&s.list("default")).unwrap();
    assert!(!listed.contains(&first) && listed.contains("\"versions\":1"), "{listed}");

    let replaced_by = || -> (bool, Vec<String>) {
        let doc: Value = serde_json::from_slice(&s.ok(&["history", "GITHUB_TOKEN", "--json"], b"")).unwrap();
        let past =
            doc["past"].as_array().unwrap().iter().map(|p| p["replaced_by"].as_str().unwrap().to_owned());
        (doc["restored"].as_bool().unwrap(), past.collect())
    };
    assert_eq!(replaced_by(), (false, vec!["new_value".to_owned()]), "a rotation is not a rollback");
    assert!(!history.contains("rollback"), "{history}");

    s.ok(&["rollback", "GITHUB_TOKEN"], b"");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), first.as_bytes());
    // The history shows the rollback: the first value's fingerprint is current again,
    // and both the restored value and the one it replaced say so.
    let (current, past) = fingerprints();
    assert_eq!(current, of_first);
    assert_eq!(past.last(), Some(&of_second));
    assert_eq!(replaced_by(), (true, vec!["rollback".to_owned()]));
    let history = String::from_utf8(s.ok(&["history", "GITHUB_TOKEN"], b"")).unwrap();
    let lines: Vec<&str> = history.lines().collect();
    assert!(lines[0].ends_with(&format!("{of_first}  (restored by a rollback)")), "{history}");
    assert!(lines[1].ends_with(&format!("{of_second}  (replaced by a rollback)")), "{history}");
    s.ok(&["rollback", "GITHUB_TOKEN"], b"");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), second.as_bytes(), "a rollback can be undone");
}

#[test]
fn the_history_keeps_the_last_five_values() {
    let (s, _) = Sandbox::with_identity_file();
    for n in 0..8 {
        s.set("default", "API_TOKEN", &format!("token-value-number-{n}-x9q"));
    }
    let history = String::from_utf8(s.ok(&["history", "API_TOKEN"], b"")).unwrap();
    assert_eq!(history.lines().count(), 6, "the current value and five before: {history}");
    let value = |n: usize| format!("token-value-number-{n}-x9q");
    let get = || String::from_utf8(s.ok(&["get", "API_TOKEN"], b"")).unwrap();
    // The five kept are values 2 to 6 (7 is current): a rollback restores the one before...
    s.ok(&["rollback", "API_TOKEN"], b"");
    assert_eq!(get(), value(6));
    // ...and a second one undoes it: the replaced value is the newest in the history.
    s.ok(&["rollback", "API_TOKEN"], b"");
    assert_eq!(get(), value(7));
    // `--to N` goes further back, to the value `history` lists as -N.
    s.ok(&["rollback", "API_TOKEN", "--to", "5"], b"");
    assert_eq!(get(), value(2), "-5 is the oldest kept value");
    let out = s.run(&["rollback", "API_TOKEN", "--to", "6"], b"");
    assert_eq!(out.status.code(), Some(2), "there is no -6");
}

#[test]
fn status_exits_1_when_a_secret_is_overdue_or_expired() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", &github(0));
    let out = s.run(&["status", "--json"], b"");
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["status"], "ok");
    assert_eq!(rows[0]["interval_days"], 90);
    assert_eq!(rows[0]["format"], "ok");
    let strict: Value =
        serde_json::from_slice(&s.ok(&["status", "--json", "--preset", "strict"], b"")).unwrap();
    assert_eq!(strict[0]["interval_days"], 7);
    // An expiry 6 days away is due soon although the interval is far from up, and the
    // table says what its `!` means.
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::days(6)).date().to_string();
    s.ok(&["set", "GITHUB_TOKEN", "--expires", &soon], github(0).as_bytes());
    let rows: Value = serde_json::from_slice(&s.ok(&["status", "--json"], b"")).unwrap();
    assert_eq!(rows[0]["status"], "due_soon", "{rows}");
    let table = String::from_utf8(s.ok(&["status"], b"")).unwrap();
    assert!(table.contains(&format!("{soon}!")) && table.contains("! a hard expiry"), "{table}");
    // A hard expiry in the past: expired, and the exit status says so.
    s.ok(&["set", "GITHUB_TOKEN", "--expires", "2020-01-01"], github(0).as_bytes());
    let out = s.run(&["status"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overdue or expired: GITHUB_TOKEN"));
}

#[test]
fn the_calendar_is_valid_icalendar_with_an_alarm_before_each_due_date() {
    let tools = tools();
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "GITHUB_TOKEN", &github(0));
    s.ok(&["set", "DB_PASSWORD", "--force", "--rotate-every", "30d"], b"a-database-password-value");
    s.ok(&["set", "FOREVER_TOKEN", "--force", "--rotate-every", "never"], b"never-rotated-value-123");
    let ics = s.path("rotation.ics");
    s.ok(&["calendar", "--out", ics.to_str().unwrap(), "--remind", "3"], b"");
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/ics_parse.py"))
        .arg(&ics)
        .env("LATCHKEY_TEST_TOOLS", &tools)
        .output()
        .unwrap();
    assert!(out.status.success(), "the calendar does not parse: {}", String::from_utf8_lossy(&out.stderr));
    let events: Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2, "a secret that never rotates has no event: {events:?}");
    let today = time::OffsetDateTime::now_utc().date();
    let db = events.iter().find(|e| e["summary"] == "Rotate DB_PASSWORD in default").unwrap();
    assert_eq!(db["start"], (today + time::Duration::days(30)).to_string());
    assert_eq!(db["alarms"], serde_json::json!(["-3 days, 0:00:00"]));
    let gh = events.iter().find(|e| e["summary"] == "Rotate GITHUB_TOKEN in default").unwrap();
    assert_eq!(gh["start"], (today + time::Duration::days(90)).to_string());
}

#[test]
fn a_key_of_another_provider_is_named_for_what_it_is_and_refused_once() {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "OPENAI_API_KEY", &latchkey_tests::corpus_key("openai", 0));
    let out = s.run(&["rotate", "OPENAI_API_KEY"], github(1).as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the new value is not a key of OpenAI (it looks like a key of GitHub)"), "{err}");
    assert_eq!(err.matches("nothing was changed").count(), 1, "{err}");
    let out = s.run(&["rotate", "OPENAI_API_KEY"], b"sk-proj-tooShortToBeAKey0123456789");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(it does not have the shape of one)"), "{err}");
}

#[test]
fn an_expiry_goes_with_the_old_key_and_metadata_changes_without_the_value() {
    let (s, _) = Sandbox::with_identity_file();
    // The first secret's row (status exits 1 while it is expired).
    let status = |s: &Sandbox| -> Value {
        serde_json::from_slice::<Value>(&s.run(&["status", "--json"], b"").stdout).unwrap()[0].clone()
    };
    s.ok(&["set", "GITHUB_TOKEN", "--rotate-every", "30d"], github(0).as_bytes());
    // Metadata alone: no value asked for, the interval kept.
    s.ok(&["edit", "GITHUB_TOKEN", "--expires", "2020-01-01", "--notes", "ci token"], b"");
    assert_eq!(status(&s)["status"], "expired");
    assert_eq!(status(&s)["interval_days"], 30, "--expires alone keeps the interval");
    // A rotation takes the passed expiry with the old key.
    s.ok(&["rotate", "GITHUB_TOKEN"], github(1).as_bytes());
    let after = status(&s);
    assert_eq!(after["status"], "ok", "{after}");
    assert_eq!(after["expires"], Value::Null);
    assert_eq!(after["interval_days"], 30);
    // The new key's expiry, given with it; then cleared with `never`.
    let ahead = (time::OffsetDateTime::now_utc() + time::Duration::days(200)).date().to_string();
    s.ok(&["rotate", "GITHUB_TOKEN", "--expires", &ahead], github(2).as_bytes());
    assert_eq!(status(&s)["expires"], ahead);
    s.ok(&["edit", "GITHUB_TOKEN", "--expires", "never"], b"");
    assert_eq!(status(&s)["expires"], Value::Null);
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), github(2).as_bytes(), "edit never touches the value");
    let list: Value = serde_json::from_slice(&s.ok(&["list", "--json"], b"")).unwrap();
    assert_eq!(list[0]["notes"], "ci token");
    let out = s.run(&["edit", "GITHUB_TOKEN"], b"");
    assert_eq!(out.status.code(), Some(2), "nothing to change is a usage error");
    let out = s.run(&["edit", "GITHUB_TOKEN", "--provider", "gihtub"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`gihtub` is not a provider latchkey knows"));
    // The same value again is no rotation.
    let out = s.run(&["rotate", "GITHUB_TOKEN"], github(2).as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the new value is the one GITHUB_TOKEN has now"));
    // A new value given with an interval only still drops a passed expiry.
    s.ok(&["edit", "GITHUB_TOKEN", "--expires", "2020-01-01"], b"");
    s.ok(&["set", "GITHUB_TOKEN", "--rotate-every", "60d"], github(3).as_bytes());
    assert_eq!(status(&s)["expires"], Value::Null);
    assert_eq!(status(&s)["interval_days"], 60);
    let out = s.run(&["set", "GITHUB_TOKEN", "--rotate-every", "99999999y"], b"");
    assert_eq!(out.status.code(), Some(2), "no overflow panic");
    let out = s.run(&["set", "GITHUB_TOKEN", "--expires", "soon"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write YYYY-MM-DD, or never"));
}

#[test]
fn a_key_made_months_ago_is_overdue_from_its_first_day_in_the_vault() {
    let (s, _) = Sandbox::with_identity_file();
    let days_ago = |n: i64| (time::OffsetDateTime::now_utc() - time::Duration::days(n)).date().to_string();
    let env_file = s.path("old.env");
    std::fs::write(&env_file, format!("GITHUB_TOKEN={}\nLOG_LEVEL=debug\n", github(0))).unwrap();
    s.ok(&["import", env_file.to_str().unwrap(), "--yes", "--created", &days_ago(120)], b"");
    let rows: Value = serde_json::from_slice(&s.run(&["status", "--json"], b"").stdout).unwrap();
    let token = rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap();
    assert_eq!(token["status"], "overdue", "made 120 days ago, rotated every 90: {rows}");
    assert_eq!(s.run(&["status"], b"").status.code(), Some(1));

    // `set --created` on a key made 80 days ago: due soon (within 14 days of 90).
    s.ok(&["set", "GITHUB_TOKEN", "--created", &days_ago(80)], github(1).as_bytes());
    let rows: Value = serde_json::from_slice(&s.ok(&["status", "--json"], b"")).unwrap();
    let token = rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap();
    assert_eq!(token["status"], "due_soon", "{rows}");
    // Without it, a new value starts the schedule again.
    s.ok(&["set", "GITHUB_TOKEN"], github(2).as_bytes());
    let rows: Value = serde_json::from_slice(&s.ok(&["status", "--json"], b"")).unwrap();
    assert_eq!(
        rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap()["status"],
        "ok"
    );

    // A day that has begun nowhere on Earth is a usage error, and nothing changes (the
    // day after today in UTC has begun east of UTC by evening: a user there may give it).
    let to_come = (time::OffsetDateTime::now_utc() + time::Duration::days(2)).date().to_string();
    let out = s.run(&["set", "GITHUB_TOKEN", "--created", &to_come], github(3).as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in the future"), "{out:?}");
    assert_eq!(s.ok(&["get", "GITHUB_TOKEN"], b""), github(2).as_bytes());
    // So is a day before 1970 (a negative year once panicked).
    for early in ["1969-12-31", "-0001-01-01"] {
        let out = s.run(&["set", "GITHUB_TOKEN", "--created", early], github(3).as_bytes());
        assert_eq!(out.status.code(), Some(2), "{early}: {out:?}");
    }

    // The same value again with --created today does not make an overdue key fresh.
    s.ok(&["set", "GITHUB_TOKEN", "--created", &days_ago(120)], github(3).as_bytes());
    let status = || -> Value {
        let rows: Value = serde_json::from_slice(&s.run(&["status", "--json"], b"").stdout).unwrap();
        rows.as_array().unwrap().iter().find(|r| r["name"] == "GITHUB_TOKEN").unwrap()["status"].clone()
    };
    assert_eq!(status(), "overdue");
    s.ok(&["set", "GITHUB_TOKEN", "--created", &days_ago(0)], github(3).as_bytes());
    assert_eq!(status(), "overdue", "the same key, said to be made today, looked fresh");
}
