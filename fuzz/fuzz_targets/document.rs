//! The vault document decoder (the TOML inside vault.age): any text decodes or is
//! refused with an error, never a panic; a decoded document encodes and decodes again
//! to the same document.
#![no_main]

use latchkey_core::Document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(doc) = Document::decode(text) else { return };
    let encoded = doc.encode();
    let again = Document::decode(&encoded).expect("a document we encoded decodes");
    assert_eq!(*again.encode(), *encoded, "a decode/encode round trip changed the document");
});
