//! Masking throughput: 64 MiB of log-like output with 20 secrets (each appearing now and
//! then), fed in 64 KiB chunks as a pipe delivers them. Target: at least 200 MB/s.

use criterion::{Criterion, Throughput, criterion_main};
use latchkey_core::SecretString;
use latchkey_core::launch::Masker;

fn stream(secrets: &[(String, SecretString)]) -> Vec<u8> {
    use latchkey_core::ExposeSecret;
    let mut out = Vec::with_capacity(64 << 20);
    let mut i = 0usize;
    while out.len() < 64 << 20 {
        out.extend_from_slice(
            format!(
                "2026-11-22T10:00:{:02}Z INFO agent step {i}: calling the model with sk-like text ",
                i % 60
            )
            .as_bytes(),
        );
        if i.is_multiple_of(50) {
            out.extend_from_slice(secrets[i % secrets.len()].1.expose_secret().as_bytes());
        }
        out.push(b'\n');
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let secrets: Vec<(String, SecretString)> = (0..20)
        .map(|n| {
            (
                format!("KEY_{n}"),
                SecretString::from(format!("sk-proj-{n:02}aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9")),
            )
        })
        .collect();
    let input = stream(&secrets);
    let mut group = c.benchmark_group("masking");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(10);
    group.bench_function("64 MiB with 20 secrets, 64 KiB chunks", |b| {
        b.iter(|| {
            let mut masker = Masker::new(secrets.iter().map(|(n, v)| (n.as_str(), v)));
            let mut out = Vec::with_capacity(input.len());
            for chunk in input.chunks(64 << 10) {
                masker.feed(chunk, &mut out);
            }
            masker.finish(&mut out);
            out.len()
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
