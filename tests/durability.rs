//! Crash safety and concurrent writers: the vault never loses data.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use latchkey_tests::Sandbox;
use std::io::Write;

/// A small deterministic generator, seeded from the clock; the seed is printed so a
/// failure can be replayed with LATCHKEY_TEST_SEED.
struct Rng(u64);

impl Rng {
    fn from_env_or_clock() -> Self {
        let seed =
            std::env::var("LATCHKEY_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
            });
        eprintln!("LATCHKEY_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

#[test]
fn sigkill_at_random_moments_never_leaves_a_broken_vault() {
    let (s, _) = Sandbox::with_identity_file();
    // A vault big enough that a write takes a while: more chances to land mid-write.
    for i in 0..20 {
        s.ok(
            &["set", &format!("BASE_{i}"), "--force"],
            format!("base-value-{i}-{}", "x".repeat(4000)).as_bytes(),
        );
    }
    // How long one `set` takes here, to aim the kills across its whole run.
    let started = Instant::now();
    s.ok(&["set", "TIMING"], b"timing-value");
    let span = started.elapsed().as_micros() as u64 * 2;

    let mut rng = Rng::from_env_or_clock();
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut killed_midway = 0;
    for round in 0..120 {
        let name = format!("ROUND_{}", round % 15);
        let value = format!("round-{round}-{}", "y".repeat(rng.below(4000) as usize));
        let mut child = s
            .command(&["set", &name, "--force"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(value.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(span)));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.success() {
            expected.insert(name.clone(), value.clone());
        } else {
            killed_midway += 1;
        }

        // After every kill the vault opens and holds a complete state: the variables
        // that were there still are, and the one being written holds either its old or
        // its new value, never a torn one.
        let listed = s.list("default");
        let names: Vec<&str> = listed.iter().filter_map(|v| v["name"].as_str()).collect();
        assert!(names.len() >= 21, "round {round}: variables were lost: {names:?}");
        if !status.success() && names.contains(&name.as_str()) {
            let got = String::from_utf8(s.ok(&["get", &name], b"")).unwrap();
            let old = expected.get(&name);
            assert!(Some(&got) == old || got == value, "round {round}: {name} holds a torn value");
            expected.insert(name.clone(), got);
        }
        if round % 30 == 29 {
            for (done_name, done_value) in &expected {
                let got = String::from_utf8(s.ok(&["get", done_name], b"")).unwrap();
                assert_eq!(&got, done_value, "round {round}: {done_name} lost its value");
            }
        }
    }
    assert!(
        killed_midway > 10,
        "too few kills landed during a write ({killed_midway}): the test proves little"
    );
    // No temporary file is left to grow the directory after the next write.
    s.ok(&["set", "FINAL"], b"final-value");
    let leftovers: Vec<_> = std::fs::read_dir(&s.home)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn two_concurrent_writers_lose_nothing() {
    let (s, _) = Sandbox::with_identity_file();
    let s = &s;
    std::thread::scope(|scope| {
        for writer in ["A", "B"] {
            scope.spawn(move || {
                for i in 0..100 {
                    s.ok(&["set", &format!("{writer}_{i:03}")], format!("{writer}-value-{i}").as_bytes());
                }
            });
        }
    });
    let listed = s.list("default");
    assert_eq!(listed.len(), 200, "concurrent writers lost variables");
    assert_eq!(s.ok(&["get", "A_042"], b""), b"A-value-42");
    assert_eq!(s.ok(&["get", "B_099"], b""), b"B-value-99");
}
