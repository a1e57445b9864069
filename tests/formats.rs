//! Exports round-trip through the parsers people use, and imports read `.env` files as
//! python-dotenv does: python-dotenv and dotenvx (installed by `tests/tools/install.sh`
//! into target/test-tools), bash, Python's json and tomllib, and PyYAML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use latchkey_tests::Sandbox;
use serde_json::Value;

/// Values that break naive quoting: quotes, newlines, `$`, backslashes, `=`, `#`, edge
/// spaces, unicode. Names say what each holds.
const TRICKY: &[(&str, &str)] = &[
    ("PLAIN", "sk-plain-value-0123"),
    ("SINGLE_QUOTE", "it's here"),
    ("DOUBLE_QUOTE", "say \"hi\""),
    ("BOTH_QUOTES", "it's \"both\""),
    ("NEWLINE", "line one\nline two"),
    ("PEM", "-----BEGIN KEY-----\nMIIB\n-----END KEY-----\n"),
    ("DOLLAR", "pa$$word $HOME"),
    ("COMMAND", "$(echo pwned) `id`"),
    ("BACKSLASH", "C:\\path\\to"),
    ("EQUALS", "a=b=c"),
    ("HASH", "value # not a comment"),
    ("HASH_TIGHT", "a#b"),
    ("EDGE_SPACES", "  padded  "),
    ("TAB", "a\tb"),
    ("UNICODE", "héllo ✓ 😀 日本"),
    ("JSON", "{\"a\": [1, \"two\"]}"),
    ("EMPTY_LOOKING", "''"),
];

/// Values some formats cannot carry, by format.
const DOTENV_ONLY_REFUSED: &[(&str, &str)] = &[("REFERENCE", "${HOME}/x"), ("DEFAULTED", "${X:-fallback}")];

fn tools() -> &'static Path {
    static TOOLS: OnceLock<PathBuf> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = root.join("target/test-tools");
        let out = Command::new("bash")
            .arg(root.join("tests/tools/install.sh"))
            .arg(&dir)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "cannot install python-dotenv, PyYAML and dotenvx for these tests (tests/tools/install.sh): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools").join(name)
}

/// Runs a parser script and reads the JSON object it prints.
fn parsed_by(program: &str, args: &[&Path], format: Option<&str>) -> BTreeMap<String, Value> {
    let mut cmd = Command::new(program);
    if let Some(f) = format {
        cmd.arg(script("structured_parse.py")).arg(f);
    }
    let out =
        cmd.args(args).env("LATCHKEY_TEST_TOOLS", tools()).env("X", "from-the-environment").output().unwrap();
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{program} printed no JSON ({e})"))
}

fn vault_with(values: &[(&str, &str)]) -> Sandbox {
    let (s, _) = Sandbox::with_identity_file();
    for (name, value) in values {
        s.ok(&["set", name, "--config", &format!("--value={value}")], b"");
    }
    s
}

fn export(s: &Sandbox, format: &str) -> PathBuf {
    let path = s.path(&format!("export.{format}"));
    s.ok(&["export", "--format", format, "--out", path.to_str().unwrap()], b"");
    path
}

fn expected(values: &[(&str, &str)]) -> BTreeMap<String, Value> {
    values.iter().map(|(n, v)| (n.to_string(), Value::String(v.to_string()))).collect()
}

#[test]
fn dotenv_exports_read_back_identically_in_python_dotenv_and_dotenvx() {
    let s = vault_with(TRICKY);
    let file = export(&s, "dotenv");
    assert_eq!(
        parsed_by("python3", &[&script("dotenv_parse.py"), &file], None),
        expected(TRICKY),
        "python-dotenv"
    );
    assert_eq!(parsed_by("node", &[&script("dotenvx_parse.mjs"), &file], None), expected(TRICKY), "dotenvx");
}

#[test]
fn a_value_dotenv_cannot_carry_fails_the_export_naming_it() {
    for (name, value) in DOTENV_ONLY_REFUSED {
        let s = vault_with(&[(name, value)]);
        let out = s.run(&["export", "--format", "dotenv"], b"");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("cannot carry the value of {name}")), "{err}");
        assert!(!err.contains(value), "the error showed the value: {err}");
        // Every other format carries it.
        for format in ["json", "yaml", "toml", "shell", "docker", "github"] {
            s.ok(&["export", "--format", format], b"");
        }
    }
}

#[test]
fn shell_exports_read_back_identically_in_bash() {
    let mut values = TRICKY.to_vec();
    values.extend_from_slice(DOTENV_ONLY_REFUSED);
    let s = vault_with(&values);
    let file = export(&s, "shell");
    let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
    let out = Command::new("bash")
        .args(["-c", "source \"$1\"; shift; for n in \"$@\"; do printf '%s\\0' \"${!n}\"; done", "bash"])
        .arg(&file)
        .args(&names)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read: Vec<String> =
        String::from_utf8(out.stdout).unwrap().split_terminator('\0').map(str::to_owned).collect();
    let wanted: Vec<String> = values.iter().map(|(_, v)| v.to_string()).collect();
    assert_eq!(read, wanted);
}

#[test]
fn json_yaml_and_toml_exports_read_back_identically() {
    let mut values = TRICKY.to_vec();
    values.extend_from_slice(DOTENV_ONLY_REFUSED);
    let s = vault_with(&values);
    for format in ["json", "yaml", "toml"] {
        let file = export(&s, format);
        assert_eq!(parsed_by("python3", &[&file], Some(format)), expected(&values), "{format}");
    }
}

#[test]
fn docker_and_github_exports_follow_their_readers_rules() {
    let one_line: Vec<(&str, &str)> = TRICKY
        .iter()
        .copied()
        .filter(|(_, v)| !(v.contains('\n') || v.starts_with('\'') && v.ends_with('\'')))
        .collect();
    let s = vault_with(&one_line);
    // docker: each line split at its first `=`, the value verbatim.
    let text = std::fs::read_to_string(export(&s, "docker")).unwrap();
    let read: BTreeMap<String, Value> = text
        .lines()
        .map(|l| l.trim_start())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (n, v) = l.split_once('=').unwrap();
            (n.to_owned(), Value::String(v.to_owned()))
        })
        .collect();
    assert_eq!(read, expected(&one_line));
    // A value with a line break cannot be in a docker env-file: the export names it.
    let s = vault_with(TRICKY);
    let out = s.run(&["export", "--format", "docker"], b"");
    assert_eq!(out.status.code(), Some(1), "a docker export of a multi-line value succeeded");
    assert!(out.stdout.is_empty(), "part of the export was printed before the refusal");
    assert!(String::from_utf8_lossy(&out.stderr).contains("docker cannot carry the value of NEWLINE"));

    // github: NAME<<DELIMITER, the value's lines, the delimiter; any value.
    let mut values = TRICKY.to_vec();
    values.push(("DELIMITER_INSIDE", "LATCHKEY_EOF_0\nstill the value"));
    let s = vault_with(&values);
    let text = std::fs::read_to_string(export(&s, "github")).unwrap();
    let mut read = BTreeMap::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let (name, delimiter) = line.split_once("<<").unwrap();
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
        read.insert(name.to_owned(), Value::String(body.join("\n")));
    }
    assert_eq!(read, expected(&values));
}

/// `.env` files that exercise the dotenv rules; each is imported and compared with
/// python-dotenv's reading of the same file.
const IMPORTS: &[&str] = &[
    "# comment\nexport A=plain value  # inline\nB='single ${A} \\' \\\\ kept'\nC=\"double \\t \\\" \\n ${A}\"\n",
    "D=\"multi\nline\nvalue\"\nE='multi\nsingle'\n\nF=a=b#c\nG=\nH=${UNSET:-fallback}\nI=${X}\n",
    "J = spaced\nK=\"trailing\" # comment\nL=unicode ✓ 😀\r\nM=crlf\r\n",
];

#[test]
fn imports_read_env_files_as_python_dotenv_does() {
    for (n, text) in IMPORTS.iter().enumerate() {
        let (s, _) = Sandbox::with_identity_file();
        let file = s.path(&format!("import{n}.env"));
        std::fs::write(&file, text).unwrap();
        let python = parsed_by("python3", &[&script("dotenv_parse.py"), &file], None);
        let out = s
            .command(&["import", file.to_str().unwrap(), "--yes", "--all-secret"])
            .env("X", "from-the-environment")
            .output()
            .unwrap();
        assert!(out.status.success(), "file {n}: {}", String::from_utf8_lossy(&out.stderr));
        let exported = s.ok(&["export", "--format", "json"], b"");
        let ours: BTreeMap<String, Value> = serde_json::from_slice(&exported).unwrap();
        assert_eq!(ours, python, "file {n} is read differently from python-dotenv");
    }
}
