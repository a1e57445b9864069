//! The TypeScript bindings in `ui/src/lib/bindings/` match the Rust IPC types.
//! `make bindings` (LATCHKEY_WRITE_BINDINGS=1) rewrites them.

use std::path::Path;

#[test]
fn bindings_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    let write = std::env::var_os("LATCHKEY_WRITE_BINDINGS").is_some();
    let mut stale = Vec::new();
    for (file, text) in latchkey_desktop::ipc::bindings() {
        let path = dir.join(&file);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale TypeScript bindings {stale:?}: run `make bindings` and commit ui/src/lib/bindings"
    );
}
