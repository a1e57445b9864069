//! The layout keeps its promises (issue "One launch path in core"): no source file over
//! 400 lines, no two files of a crate that import each other, and no process spawned or
//! signalled by the desktop shell, whose commands are a few lines over core.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if entry.is_dir() {
            if !["node_modules", "bindings", "target", "test"].contains(&name.as_str()) {
                files(&entry, ext, out);
            }
        } else if ext.iter().any(|e| name.ends_with(e)) && !name.contains(".test.") {
            out.push(entry);
        }
    }
}

#[test]
fn no_source_file_is_over_400_lines() {
    let root = workspace();
    let mut sources = Vec::new();
    for dir in ["crates/core/src", "crates/cli/src", "crates/launcher/src", "src-tauri/src", "ui/src"] {
        files(&root.join(dir), &[".rs", ".svelte", ".ts"], &mut sources);
    }
    let long: Vec<String> = sources
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            // Unit tests at the end of a Rust file do not count.
            let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            let lines = code.lines().count();
            (lines > 400).then(|| format!("{} ({lines})", p.strip_prefix(&root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 400 lines: {long:?}");
}

/// The module path of a Rust file under `src`: `vault/mod.rs` is `vault`, `vault/file.rs`
/// is `vault::file`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let parts: Vec<&str> =
        parts.iter().map(String::as_str).filter(|p| *p != "mod" && *p != "lib" && *p != "main").collect();
    parts.join("::")
}

/// For each file of a crate, the other files it names through `crate::` or `super::`
/// paths (the longest module path that is a file).
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut sources = Vec::new();
    files(src, &[".rs"], &mut sources);
    let modules: BTreeSet<String> = sources.iter().map(|f| module_of(src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &sources {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
        // Comments (doc links included) name modules without importing them.
        let text: String =
            code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let mut targets = BTreeSet::new();
        let words: Vec<&str> = text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).collect();
        for word in words {
            let path: Vec<&str> = word.split("::").filter(|p| !p.is_empty()).collect();
            let absolute: Vec<String> = match path.first() {
                Some(&"crate") => path[1..].iter().map(|s| s.to_string()).collect(),
                Some(&"super") => {
                    let mut base: Vec<String> = module.split("::").map(str::to_owned).collect();
                    let mut rest = &path[..];
                    // `super` in `a/b.rs` is `a`; in `a/mod.rs` it is a's parent.
                    let is_mod = file.file_name().is_some_and(|n| n == "mod.rs");
                    while rest.first() == Some(&"super") {
                        if !(is_mod && rest.len() == path.len()) || base.len() > 1 {
                            base.pop();
                        }
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().map(|s| s.to_string()));
                    base
                }
                _ => continue,
            };
            if let Some(target) =
                (1..=absolute.len()).rev().map(|n| absolute[..n].join("::")).find(|m| modules.contains(m))
                && target != module
            {
                targets.insert(target);
            }
        }
        graph.insert(module, targets);
    }
    graph
}

fn is_parent(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}::"))
}

#[test]
fn no_two_files_of_a_crate_import_each_other() {
    let root = workspace();
    let mut circles = Vec::new();
    for krate in ["crates/core/src", "crates/cli/src", "src-tauri/src"] {
        let graph = imports(&root.join(krate));
        for (a, targets) in &graph {
            for b in targets {
                // A module and the files of its own directory may name each other.
                if a < b
                    && !is_parent(a, b)
                    && !is_parent(b, a)
                    && graph.get(b).is_some_and(|t| t.contains(a))
                {
                    circles.push(format!("{krate}: {a} <-> {b}"));
                }
            }
        }
    }
    assert!(circles.is_empty(), "files that import each other: {circles:#?}");
}

#[test]
fn the_desktop_shell_never_spawns_or_signals_a_process() {
    let mut sources = Vec::new();
    files(&workspace().join("src-tauri/src"), &[".rs"], &mut sources);
    for file in sources {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["process::Command", "Command::new", "kill_process", "rustix", "libc::kill"] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}: launching belongs to core",
                file.display()
            );
        }
    }
}
