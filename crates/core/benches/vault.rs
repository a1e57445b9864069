//! Opening (decrypt + parse) a vault of 10,000 variables across 3 environments, and one
//! `set` into it. Targets: under 50 ms and under 150 ms.

use criterion::{Criterion, criterion_main};
use latchkey_core::{
    EnvironmentName, Home, IdentitySetup, Kind, NewValue, SecretString, Store, VariableName, Vault,
};

fn big_vault(dir: &std::path::Path) -> Vault {
    let home = Home::at(dir.join("home"));
    let vault =
        Vault::init(&home, IdentitySetup::File { path: dir.join("id.txt"), passphrase: None }).unwrap();
    let envs = ["default", "staging", "prod"];
    vault
        .update(|doc| -> Result<(), latchkey_core::SaveError> {
            for (e, env) in envs.iter().enumerate() {
                let env = EnvironmentName::new(env).unwrap();
                if !env.is_default() {
                    doc.add_environment(env.clone(), None).unwrap();
                }
                let environment = doc.environment_mut(&env).unwrap();
                let count = if e == 0 { 3334 } else { 3333 };
                for i in 0..count {
                    let now = time::OffsetDateTime::now_utc();
                    environment.insert(latchkey_core::Variable {
                        name: VariableName::new(&format!("SERVICE_{i:05}_API_KEY")).unwrap(),
                        kind: Kind::Secret,
                        value: latchkey_core::Value::InVault(SecretString::from(format!(
                            "sk-proj-{i:05}-aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2rS5uV8xA1d"
                        ))),
                        meta: latchkey_core::Metadata {
                            provider: Some("openai".into()),
                            ..latchkey_core::Metadata::new(now)
                        },
                    });
                }
            }
            Ok(())
        })
        .unwrap();
    vault
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let vault = big_vault(dir.path());
    let mut group = c.benchmark_group("vault_10k");
    group.sample_size(30);
    group.bench_function("open", |b| b.iter(|| vault.read().unwrap()));
    let env = EnvironmentName::default_name();
    let name = VariableName::new("BENCH_KEY").unwrap();
    group.bench_function("set", |b| {
        b.iter(|| {
            let value = NewValue {
                kind: Kind::Secret,
                store: Store::Vault,
                value: SecretString::from("sk-bench-value-0123456789"),
                provider: None,
                notes: None,
                rotation: None,
                made: None,
            };
            vault.set(&env, &name, value).unwrap()
        })
    });
    group.finish();
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);
