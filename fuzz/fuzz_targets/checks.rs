//! Provider detection and the format checks: any value under any name, as a secret or
//! as config, gets a finding, never a panic.
#![no_main]

use std::sync::OnceLock;

use latchkey_core::Kind;
use latchkey_core::validate::{Catalog, check};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = [
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GITHUB_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_BASE_URL",
    "DATABASE_URL",
    "STRIPE_SECRET_KEY",
    "SOMETHING_ELSE",
];

fuzz_target!(|input: (u8, bool, &str)| {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    let catalog = CATALOG.get_or_init(Catalog::built_in);
    let (which, secret, value) = input;
    let name = NAMES[usize::from(which) % NAMES.len()];
    let kind = if secret { Kind::Secret } else { Kind::Config };
    let _ = check(catalog, name, kind, value, &|_| Some(value.to_owned()));
});
