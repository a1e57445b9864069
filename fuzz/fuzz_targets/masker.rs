//! The masker's promise: for any output of a command, cut into chunks anywhere, no
//! injected value of MIN_MASKED_LEN (6) or more characters appears in what is written.
#![no_main]

use latchkey_core::launch::mask::{MIN_MASKED_LEN, Masker};
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;

fuzz_target!(|input: (Vec<String>, Vec<u8>, Vec<u8>)| {
    let (values, output, cuts) = input;
    // Values made only of characters that no replacement (`<latchkey:V0>`) holds, so a
    // value found in the output can only be one the masker let through.
    let in_replacement = |c: char| "<latchkey:V0123456789>".contains(c);
    let values: Vec<SecretString> = values
        .into_iter()
        .filter(|v| v.chars().count() >= MIN_MASKED_LEN && !v.chars().any(in_replacement))
        .take(8)
        .map(SecretString::from)
        .collect();
    let names: Vec<String> = (0..values.len()).map(|i| format!("V{i}")).collect();
    let mut masker = Masker::new(names.iter().map(String::as_str).zip(values.iter()));
    let mut written = Vec::new();
    let mut rest = output.as_slice();
    for cut in cuts {
        let at = usize::from(cut).min(rest.len());
        let (chunk, tail) = rest.split_at(at);
        masker.feed(chunk, &mut written);
        rest = tail;
    }
    masker.feed(rest, &mut written);
    masker.finish(&mut written);
    for value in &values {
        let value = secrecy::ExposeSecret::expose_secret(value).as_bytes();
        assert!(!written.windows(value.len()).any(|w| w == value), "an injected value was written unmasked");
    }
});
