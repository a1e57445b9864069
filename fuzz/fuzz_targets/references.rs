//! `latchkey://ENV/NAME` references and `inject` templates: any template is scanned,
//! and injected against a real vault, or refused with an error, never a panic; an
//! injected text never holds a reference that resolved.
#![no_main]

use std::sync::OnceLock;

use latchkey_core::home::Home;
use latchkey_core::{IdentitySetup, Vault};
use libfuzzer_sys::fuzz_target;

const VALUE: &str = "sk-fuzz-value-0123456789abcdef";

fn vault() -> &'static Vault {
    static VAULT: OnceLock<(tempfile::TempDir, Vault)> = OnceLock::new();
    &VAULT
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let home = Home::at(dir.path().join("home"));
            let setup = IdentitySetup::File { path: dir.path().join("identity.txt"), passphrase: None };
            let vault = Vault::init(&home, setup).expect("a vault");
            let value = secrecy::SecretString::from(VALUE);
            let new = latchkey_core::NewValue {
                kind: latchkey_core::Kind::Secret,
                store: latchkey_core::Store::Vault,
                value,
                provider: None,
                notes: None,
                rotation: None,
                made: None,
            };
            let env = latchkey_core::name::EnvironmentName::new("default").unwrap();
            let name = latchkey_core::name::VariableName::new("OPENAI_API_KEY").unwrap();
            vault.set(&env, &name, new).expect("a value is stored");
            (dir, vault)
        })
        .1
}

fuzz_target!(|template: &str| {
    let _ = latchkey_core::reference::scan(template);
    if let Ok(text) = vault().inject(template, "fuzz") {
        // A template without the value cannot gain it except through a reference.
        if !template.contains(VALUE) && !template.contains("latchkey://") {
            assert!(!text.contains(VALUE), "a value appeared without a reference");
        }
    }
    let _ = vault().resolve_env_file(template, "fuzz");
});
