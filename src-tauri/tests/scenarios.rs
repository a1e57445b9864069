//! One set of scenarios (`ui/src/test/scenarios/*.json`) runs against the real commands
//! here and against the UI's fake backend in Vitest (`fakeBackend.scenarios.test.ts`),
//! and both must give the answers recorded beside each scenario
//! (`*.expected.json`). So the fake the UI tests lean on cannot drift from Rust: when
//! Rust's answers change, this test fails until `make bindings` records them again, and
//! then Vitest fails until the fake agrees.
//!
//! A scenario is `{"about", "files", "ignore", "steps"}`: `files` are written to a
//! temporary directory that `${dir}` names in arguments and answers; `ignore` lists
//! object keys dropped from answers at any depth (times, ids that differ by run); each
//! step is `{"cmd", "args"}`, answered as `{"ok": value}` or `{"err": {code, message}}`.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use support::Desktop;

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/test/scenarios")
}

/// `value` with `${dir}` replaced in every string.
fn with_dir(value: &Value, dir: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace("${dir}", dir)),
        Value::Array(items) => Value::Array(items.iter().map(|v| with_dir(v, dir)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), with_dir(v, dir))).collect()),
        other => other.clone(),
    }
}

/// `value` without the `ignore`d keys, and with the directory written back as `${dir}`.
fn normalized(value: &Value, ignore: &[String], dir: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(dir, "${dir}")),
        Value::Array(items) => Value::Array(items.iter().map(|v| normalized(v, ignore, dir)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !ignore.contains(k))
                .map(|(k, v)| (k.clone(), normalized(v, ignore, dir)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn answers(scenario: &Value) -> Value {
    let d = Desktop::new();
    let files = d.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let dir = files.display().to_string();
    for (name, content) in scenario["files"].as_object().into_iter().flatten() {
        std::fs::write(files.join(name), content.as_str().unwrap()).unwrap();
    }
    let ignore: Vec<String> =
        scenario["ignore"].as_array().into_iter().flatten().map(|k| k.as_str().unwrap().to_owned()).collect();
    let steps = scenario["steps"].as_array().expect("a scenario has steps");
    Value::Array(
        steps
            .iter()
            .map(|step| {
                let cmd = step["cmd"].as_str().unwrap();
                let args = with_dir(step.get("args").unwrap_or(&json!({})), &dir);
                match d.call(cmd, args) {
                    Ok(v) => json!({"ok": normalized(&v, &ignore, &dir)}),
                    Err(e) => json!({"err": normalized(&e, &ignore, &dir)}),
                }
            })
            .collect(),
    )
}

#[test]
fn the_scenarios_recorded_answers_are_the_commands_answers() {
    let write = std::env::var_os("LATCHKEY_WRITE_BINDINGS").is_some();
    let mut stale = Vec::new();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("ui/src/test/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty(), "no scenarios in {}", scenario_dir().display());
    for path in scenarios {
        let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected_path = path.with_extension("expected.json");
        let text = format!("{}\n", serde_json::to_string_pretty(&answers(&scenario)).unwrap());
        if write {
            std::fs::write(&expected_path, text).unwrap();
        } else if std::fs::read_to_string(&expected_path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "the commands now answer {stale:?} differently: run `make bindings`, then make the UI's fake agree"
    );
}
