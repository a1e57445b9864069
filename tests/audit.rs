//! The audit log end to end: every access that yields a value is recorded (names, never
//! values), and `latchkey audit verify` detects an edited, removed, reordered or
//! truncated entry, naming the first bad one.

use std::process::Stdio;

use latchkey_tests::Sandbox;
use serde_json::Value;

const SECRET: &str = "audited-secret-value-1";

fn entries(s: &Sandbox) -> Vec<Value> {
    serde_json::from_slice::<Value>(&s.ok(&["audit", "--json"], b"")).unwrap().as_array().unwrap().clone()
}

fn with_accesses() -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "API_TOKEN", SECRET);
    s.ok(&["get", "API_TOKEN"], b"");
    s.ok(&["export", "--format", "json"], b"");
    let template = s.path("t.tpl");
    std::fs::write(&template, "X=latchkey://default/API_TOKEN\n").unwrap();
    s.ok(&["inject", "-i", template.to_str().unwrap()], b"");
    let out =
        s.command(&["run", "--", "sh", "-c", "exit 4", "secret-arg"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    s
}

#[test]
fn every_access_is_recorded_with_names_and_never_values() {
    let s = with_accesses();
    let log = entries(&s);
    let kinds: Vec<&str> = log.iter().map(|e| e["access"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["get", "export", "inject", "grant", "exit"]);
    for e in &log {
        assert_eq!(e["names"], serde_json::json!(["API_TOKEN"]), "{e}");
        assert_eq!(e["env"], "default");
    }
    for e in &log[..4] {
        assert!(e["cwd"].is_string(), "{e}");
    }
    let (grant, exit) = (&log[3], &log[4]);
    assert_eq!(grant["program"], "sh");
    assert_eq!(grant["args_hmac"].as_str().unwrap().len(), 64);
    assert_eq!(exit["grant"], grant["seq"]);
    assert_eq!(exit["exit_code"], 4);
    assert!(exit["pid"].as_u64().unwrap() > 0);
    assert!(exit["duration_ms"].is_u64());
    let text = std::fs::read_to_string(s.home.join("audit.log")).unwrap();
    assert!(!text.contains(SECRET) && !text.contains("secret-arg"), "the log holds a value or an argument");
    s.ok(&["audit", "verify"], b"");
    assert!(entries(&s).len() == 5);
    let since: Vec<Value> =
        serde_json::from_slice::<Value>(&s.ok(&["audit", "--since", "2999-01-01", "--json"], b""))
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
    assert!(since.is_empty());
}

#[test]
fn verify_names_the_first_bad_entry_for_each_kind_of_tampering() {
    type Tamper = fn(&mut Vec<String>);
    let cases: [(&str, Tamper); 4] = [
        ("entry 2 (line 2) was edited", |l| l[1] = l[1].replace("\"export\"", "\"get\"")),
        ("entry 3 (line 2) does not follow entry 1", |l| {
            l.remove(1);
        }),
        ("entry 3 (line 2) does not follow entry 1", |l| l.swap(1, 2)),
        ("the log ends at entry 2, but entry 5 was written", |l| l.truncate(2)),
    ];
    for (expected, tamper) in cases {
        let s = with_accesses();
        let path = s.home.join("audit.log");
        let mut lines: Vec<String> =
            std::fs::read_to_string(&path).unwrap().lines().map(str::to_owned).collect();
        tamper(&mut lines);
        std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
        let out = s.run(&["audit", "verify"], b"");
        assert_eq!(out.status.code(), Some(1), "{expected}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "expected `{expected}`, got {err}");
    }
}
