//! Every export format: any variables render or are refused as unrepresentable, never
//! a panic; what renders reads back to the same values with a reader of that format
//! (our own .env parser, serde_json, toml, and the docker and GitHub line forms).
#![no_main]

use latchkey_core::export::{ExportFormat, render};
use latchkey_core::name::VariableName;
use libfuzzer_sys::fuzz_target;
use secrecy::{ExposeSecret, SecretString};

#[path = "../../crates/core/tests/readers/mod.rs"]
mod readers;

fuzz_target!(|input: Vec<(String, String)>| {
    let mut values: Vec<(VariableName, SecretString)> = Vec::new();
    for (name, value) in input {
        let Ok(name) = VariableName::new(&name) else { continue };
        if values.iter().any(|(n, _)| *n == name) {
            continue;
        }
        values.push((name, SecretString::from(value)));
    }
    for format in ExportFormat::ALL {
        let Ok(text) = render(format, &values) else { continue };
        let Some(mut read) = readers::read_back(format, &text) else { continue };
        let mut expected: Vec<(String, String)> =
            values.iter().map(|(n, v)| (n.to_string(), v.expose_secret().to_owned())).collect();
        read.sort();
        expected.sort();
        assert!(read == expected, "a {format:?} export read back differently");
    }
});
