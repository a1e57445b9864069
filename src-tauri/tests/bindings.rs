//! The TypeScript bindings in `ui/src/lib/bindings/` match the Rust IPC types.
//! `make bindings` (LATCHKEY_WRITE_BINDINGS=1) rewrites them.

use std::path::Path;

#[test]
fn bindings_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    let write = std::env::var_os("LATCHKEY_WRITE_BINDINGS").is_some();
    let mut stale = Vec::new();
    let bindings = latchkey_desktop::ipc::bindings();
    // Every type a binding imports is a binding too.
    for (file, text) in &bindings {
        for line in text.lines().filter(|l| l.starts_with("import type")) {
            let imported = line.rsplit("\"./").next().unwrap_or_default().trim_end_matches("\";");
            assert!(
                bindings.iter().any(|(f, _)| *f == format!("{imported}.ts")),
                "{file} imports {imported}, which is not in ipc::bindings()"
            );
        }
    }
    for (file, text) in bindings {
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
