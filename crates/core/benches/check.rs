//! Format checks of 10,000 values: the corpus of synthetic keys (every provider,
//! placeholders, broken checksums, endpoints' neighbours) cycled to 10,000 values, as
//! `latchkey check` of a large environment runs them. Target: under 20 ms.

use criterion::{Criterion, criterion_main};
use latchkey_core::Catalog;
use latchkey_core::validate::check_alone;

const CORPUS: &str = include_str!("../../../tests/validation/corpus.json");

/// The (name, value) pairs checked: the corpus, cycled.
fn values() -> Vec<(String, String)> {
    let corpus: serde_json::Value = serde_json::from_str(CORPUS).unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    cases
        .iter()
        .cycle()
        .take(10_000)
        .map(|c| (c["variable"].as_str().unwrap().to_owned(), c["value"].as_str().unwrap().to_owned()))
        .collect()
}

/// The benchmarks.
fn format_checks(c: &mut Criterion) {
    let catalog = Catalog::built_in();
    let values = values();
    c.bench_function("format check of 10,000 values", |b| {
        b.iter(|| {
            let mut invalid = 0;
            for (name, value) in &values {
                if !check_alone(&catalog, name, value).problems.is_empty() {
                    invalid += 1;
                }
            }
            invalid
        })
    });
    c.bench_function("loading the built-in catalog", |b| b.iter(Catalog::built_in));
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::format_checks);
}
use group::benches;
criterion_main!(benches);
