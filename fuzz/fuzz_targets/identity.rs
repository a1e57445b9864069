//! Identity files (a plain age identity, or one protected by a passphrase): any bytes
//! are read or refused with an error, never a panic.
#![no_main]

use latchkey_core::identity::Identity;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // A fixed passphrase: a protected file the fuzzer makes up is refused, quickly.
    let _ = Identity::from_file_bytes(bytes, || Some(secrecy::SecretString::from("fuzz")));
});
