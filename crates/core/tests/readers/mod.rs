//! Readers of each export format, as the tools that consume them read them: our own
//! `.env` parser, serde_json, toml, and the line forms of docker and `$GITHUB_ENV`.
//! Shared by the property tests (`tests/properties.rs`) and the `export` fuzz target.
#![allow(dead_code)]

use latchkey_core::dotenv;
use latchkey_core::export::ExportFormat;
use secrecy::ExposeSecret;

/// What `text`, an export in `format`, holds, as (name, value) pairs in order; `None`
/// for a format without a reader here (YAML).
pub fn read_back(format: ExportFormat, text: &str) -> Option<Vec<(String, String)>> {
    Some(match format {
        ExportFormat::Shell => read_shell(text),
        ExportFormat::Dotenv => dotenv::parse(text, &|_| None)
            .unwrap_or_else(|e| panic!("our {format:?} export does not parse: {e}"))
            .into_iter()
            .map(|e| (e.name.to_string(), e.value.expose_secret().to_owned()))
            .collect(),
        ExportFormat::Json => {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).expect("our JSON export parses");
            map.into_iter().map(|(k, v)| (k, v.as_str().expect("a string").to_owned())).collect()
        }
        ExportFormat::Toml => {
            let table: toml::Table = toml::from_str(text).expect("our TOML export parses");
            table.into_iter().map(|(k, v)| (k, v.as_str().expect("a string").to_owned())).collect()
        }
        ExportFormat::Docker => text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once('=').expect("NAME=value");
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        ExportFormat::Github => read_github(text),
        _ => return None,
    })
}

/// `export NAME='...'` lines as a POSIX shell reads them: single-quoted chunks, with
/// `\'` between them for a quote.
fn read_shell(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let line = rest.strip_prefix("export ").expect("export NAME=...");
        let (name, mut tail) = line.split_once('=').expect("NAME=");
        let mut value = String::new();
        loop {
            if let Some(quoted) = tail.strip_prefix('\'') {
                let end = quoted.find('\'').expect("a closing quote");
                value.push_str(&quoted[..end]);
                tail = &quoted[end + 1..];
            } else if let Some(after) = tail.strip_prefix("\\'") {
                value.push('\'');
                tail = after;
            } else {
                break;
            }
        }
        rest = tail.strip_prefix('\n').expect("a line ends after its value");
        out.push((name.to_owned(), value));
    }
    out
}

/// `NAME<<DELIM`, the value's lines, `DELIM`, as the runner reads $GITHUB_ENV.
fn read_github(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let (name, delim) = line.split_once("<<").expect("NAME<<DELIM");
        let mut value: Vec<&str> = Vec::new();
        for l in lines.by_ref() {
            if l == delim {
                break;
            }
            value.push(l);
        }
        out.push((name.to_owned(), value.join("\n")));
    }
    out
}
