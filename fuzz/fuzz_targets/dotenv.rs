//! The `.env` parser: any text is parsed or refused with an error, never a panic; what
//! it parses, exported as a .env again, parses back to the same variables.
#![no_main]

use latchkey_core::dotenv;
use latchkey_core::export::{ExportFormat, render};
use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;

fuzz_target!(|text: &str| {
    let Ok(entries) = dotenv::parse(text, &|_| None) else { return };
    // The last value of each name wins, as in every dotenv reader.
    let mut values: Vec<(latchkey_core::name::VariableName, secrecy::SecretString)> = Vec::new();
    for entry in entries {
        values.retain(|(name, _)| *name != entry.name);
        values.push((entry.name, entry.value));
    }
    let Ok(exported) = render(ExportFormat::Dotenv, &values) else { return };
    let again = dotenv::parse(&exported, &|_| None).expect("our own .env export parses");
    assert_eq!(again.len(), values.len(), "{} variables exported, {} read back", values.len(), again.len());
    for (entry, (name, value)) in again.iter().zip(&values) {
        assert_eq!(entry.name, *name);
        assert!(entry.value.expose_secret() == value.expose_secret(), "{name} changed in a round trip");
    }
});
