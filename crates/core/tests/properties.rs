//! Property tests: round trips checked over many generated inputs, heavy in the
//! characters that break formats (quotes, backslashes, `$`, `#`, `=`, newlines, CR,
//! tabs, NUL, non-ASCII and invisible characters).
//!
//! - every export format, rendered then read back by its reader, gives the same values
//!   (or the export refuses, naming a variable);
//! - the vault document: values stored through the vault read back the same after a
//!   fresh unlock, and the decrypted document encodes and decodes to itself;
//! - the audit chain: any chain verifies; any single-byte change, deleted line or cut
//!   tail is reported, unless the entries read back unchanged.
//!
//! Each property runs from a seed printed on failure; `LATCHKEY_PROPERTY_SEED=N` replays
//! it. (proptest is not in this machine's offline registry: the cases come from
//! `fastrand`, and a failing export case is shrunk by hand below.)

mod readers;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

use latchkey_core::audit::{Access, AuditLog, Event};
use latchkey_core::export::{ExportFormat, render};
use latchkey_core::name::VariableName;
use latchkey_core::{
    Document, EnvironmentName, ExposeSecret, Home, IdentitySetup, Kind, NewValue, SecretString, Store, Vault,
};
use zeroize::Zeroizing;

/// Runs `property` on `cases` generators seeded one after another from one seed, and
/// names that seed and the case when one fails.
fn check(name: &str, cases: u64, property: impl Fn(&mut fastrand::Rng)) {
    let seed = std::env::var("LATCHKEY_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    for case in 0..cases {
        let mut rng = fastrand::Rng::with_seed(seed.wrapping_add(case));
        if catch_unwind(AssertUnwindSafe(|| property(&mut rng))).is_err() {
            panic!("property `{name}` failed at case {case}: replay with LATCHKEY_PROPERTY_SEED={seed}");
        }
    }
}

/// Pieces values are made of: most of them are trouble for some format.
const PIECES: &[&str] = &[
    "a", "Z", "0", "sk-", "_", "-", " ", "  ", "\t", "\n", "\r\n", "\r", "'", "\"", "\\", "\\n", "$",
    "${HOME}", "$(id)", "`", "#", "=", "{", "}", "[", "]", ",", ":", "<<", "EOF", "é", "😀", "\u{202e}",
    "\u{200b}", "\u{feff}", "\0", "\u{7f}", "%41", "&", "null", "true", "0x1F",
];

fn value(rng: &mut fastrand::Rng) -> String {
    (0..rng.usize(0..12)).map(|_| PIECES[rng.usize(..PIECES.len())]).collect()
}

fn variable_name(rng: &mut fastrand::Rng) -> VariableName {
    let first = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ_"[rng.usize(..27)] as char;
    let rest: String = (0..rng.usize(0..8))
        .map(|_| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"[rng.usize(..37)] as char)
        .collect();
    VariableName::new(&format!("{first}{rest}")).expect("a valid name")
}

fn variables(rng: &mut fastrand::Rng) -> Vec<(VariableName, String)> {
    let mut out: Vec<(VariableName, String)> = Vec::new();
    for _ in 0..rng.usize(0..6) {
        let name = variable_name(rng);
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value(rng)));
        }
    }
    out
}

/// Whether `format` carries `values` exactly, or refuses them naming one of them.
fn round_trips(format: ExportFormat, values: &[(VariableName, String)]) -> bool {
    let secret: Vec<(VariableName, SecretString)> =
        values.iter().map(|(n, v)| (n.clone(), SecretString::from(v.as_str()))).collect();
    match render(format, &secret) {
        Err(refused) => values.iter().any(|(n, _)| *n == refused.name),
        // Names are unique, so the order does not matter (JSON and TOML readers sort).
        Ok(text) => catch_unwind(|| readers::read_back(format, &text)).is_ok_and(|read| {
            read.is_none_or(|mut read| {
                let mut given: Vec<(String, String)> =
                    values.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
                read.sort();
                given.sort();
                read == given
            })
        }),
    }
}

/// The smallest input still failing: whole variables dropped, then pieces of values.
fn shrink(format: ExportFormat, mut values: Vec<(VariableName, String)>) -> Vec<(VariableName, String)> {
    loop {
        let before = values.clone();
        for i in (0..values.len()).rev() {
            let mut fewer = values.clone();
            fewer.remove(i);
            if !round_trips(format, &fewer) {
                values = fewer;
            }
        }
        for i in 0..values.len() {
            let chars: Vec<char> = values[i].1.chars().collect();
            for cut in (0..chars.len()).rev() {
                let mut shorter = values.clone();
                shorter[i].1 = chars.iter().enumerate().filter(|(j, _)| *j != cut).map(|(_, c)| c).collect();
                if !round_trips(format, &shorter) {
                    values = shorter;
                    break;
                }
            }
        }
        if values == before {
            return values;
        }
    }
}

#[test]
fn every_export_format_reads_back_what_it_was_given_or_names_what_it_cannot_carry() {
    const CASES: u64 = 4000;
    let rendered: [AtomicU64; 7] = Default::default();
    check("export round trip", CASES, |rng| {
        let values = variables(rng);
        for (i, format) in ExportFormat::ALL.into_iter().enumerate() {
            if !round_trips(format, &values) {
                let smallest = shrink(format, values.clone());
                panic!("{format:?} does not round-trip; smallest failing input: {smallest:?}");
            }
            let secret: Vec<(VariableName, SecretString)> =
                values.iter().map(|(n, v)| (n.clone(), SecretString::from(v.as_str()))).collect();
            if render(format, &secret).is_ok() {
                rendered[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    // Not a property that holds by refusing everything: each format carries most inputs.
    for (format, n) in ExportFormat::ALL.iter().zip(&rendered) {
        let n = n.load(Ordering::Relaxed);
        assert!(n > CASES / 4, "{format:?} rendered only {n} of {CASES} inputs");
    }
}

#[test]
fn values_stored_in_the_vault_read_back_after_a_fresh_unlock_and_the_document_round_trips() {
    const CASES: u64 = 60;
    let checked = AtomicU64::new(0);
    check("vault round trip", CASES, |rng| {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path().join("home"));
        let identity = dir.path().join("identity.txt");
        let vault =
            Vault::init(&home, IdentitySetup::File { path: identity.clone(), passphrase: None }).unwrap();
        let envs: Vec<EnvironmentName> =
            ["default", "staging", "prod"].iter().map(|e| EnvironmentName::new(e).unwrap()).collect();
        vault.add_environment(envs[1].clone(), Some(envs[0].clone())).unwrap();
        vault.add_environment(envs[2].clone(), None).unwrap();
        let mut stored: Vec<(EnvironmentName, VariableName, String)> = Vec::new();
        for _ in 0..rng.usize(1..8) {
            let env = envs[rng.usize(..envs.len())].clone();
            // Few names, so that values replace each other and build up history.
            let name = VariableName::new(["CFG_A", "CFG_B", "TOKEN_C"][rng.usize(..3)]).unwrap();
            let text = value(rng);
            let new = NewValue {
                kind: if rng.bool() { Kind::Config } else { Kind::Secret },
                store: Store::Vault,
                value: SecretString::from(text.as_str()),
                provider: None,
                notes: rng.bool().then(|| value(rng)),
                rotation: None,
                made: None,
            };
            // A value the checks refuse (empty, a placeholder) is simply not stored.
            if vault.set(&env, &name, new).is_ok() {
                stored.retain(|(e, n, _)| !(*e == env && *n == name));
                stored.push((env, name, text));
            }
        }
        let again = Vault::unlock(&home, Some(&identity), |_| None).unwrap();
        for (env, name, text) in &stored {
            let got = again.get(env, name).unwrap_or_else(|e| panic!("{env}/{name}: {e}"));
            assert_eq!(got.expose_secret(), text, "{env}/{name} read back differently");
            checked.fetch_add(1, Ordering::Relaxed);
        }
        let doc = again.read().unwrap();
        let encoded: Zeroizing<String> = doc.encode();
        let decoded = Document::decode(&encoded).expect("an encoded document decodes");
        assert_eq!(*decoded.encode(), *encoded, "decode then encode changed the document");
    });
    let checked = checked.load(Ordering::Relaxed);
    assert!(checked > CASES, "only {checked} values were stored and read back in {CASES} vaults");
}

const ACCESSES: [Access; 8] = [
    Access::Grant,
    Access::Get,
    Access::Export,
    Access::Reveal,
    Access::Exit,
    Access::Request,
    Access::Rotate,
    Access::Refused,
];

#[test]
fn an_audit_chain_verifies_and_any_change_to_it_is_reported() {
    const CASES: u64 = 400;
    let caught = AtomicU64::new(0);
    check("audit chain", CASES, |rng| {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path().to_owned());
        let key: Vec<u8> = (0..32).map(|_| rng.u8(..)).collect();
        let log = AuditLog::new(&home, Zeroizing::new(key));
        let count = rng.u64(1..12);
        for _ in 0..count {
            let event = Event {
                env: value(rng),
                names: (0..rng.usize(0..3)).map(|_| value(rng)).collect(),
                program: rng.bool().then(|| value(rng)),
                exit_code: rng.bool().then(|| rng.i32(..)),
                ..Event::default()
            };
            log.append(ACCESSES[rng.usize(..ACCESSES.len())], event).unwrap();
        }
        assert_eq!(log.verify(None).unwrap(), Ok(count), "a chain as written verifies");
        let original = std::fs::read(log.path()).unwrap();
        let entries = log.entries().unwrap();

        let mut changed = original.clone();
        match rng.u8(0..3) {
            0 => {
                let at = rng.usize(..changed.len());
                changed[at] ^= 1 << rng.u32(0..8);
            }
            1 => {
                let lines: Vec<&[u8]> = original.split_inclusive(|b| *b == b'\n').collect();
                let gone = rng.usize(..lines.len());
                changed = lines
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != gone)
                    .flat_map(|(_, l)| l.to_vec())
                    .collect();
            }
            _ => {
                let lines: Vec<&[u8]> = original.split_inclusive(|b| *b == b'\n').collect();
                let keep = rng.usize(..lines.len());
                changed = lines[..keep].concat();
            }
        }
        std::fs::write(log.path(), &changed).unwrap();
        let verdict = log.verify(None);
        let unchanged = log.entries().is_ok_and(|now| now == entries);
        assert!(
            unchanged || !matches!(verdict, Ok(Ok(_))),
            "a changed log verified: {verdict:?} ({} of {} bytes)",
            changed.len(),
            original.len()
        );
        if !matches!(verdict, Ok(Ok(_))) {
            caught.fetch_add(1, Ordering::Relaxed);
        }
    });
    // Most changes matter (a flipped bit in a key name may not): they were reported.
    let caught = caught.load(Ordering::Relaxed);
    assert!(caught > CASES * 3 / 4, "only {caught} of {CASES} changes were reported");
}
