//! Finding and reading a project's latchkey.toml, as every command in a project does
//! first: the walk up from a directory five levels below the root, and the parse and
//! checks of a file declaring 20 secrets and 10 config variables with values and two
//! profiles. Target: under 1 ms.

use criterion::{Criterion, criterion_main};
use latchkey_core::Project;

/// The benchmarks.
fn discovery(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let deep = root.join("a/b/c/d/e");
    std::fs::create_dir_all(&deep).unwrap();
    let mut text = String::from("[project]\ndefault_env = \"dev\"\nenvs = [\"staging\", \"prod\"]\n");
    for i in 0..20 {
        text.push_str(&format!(
            "\n[vars.VAR_{i}_API_KEY]\nkind = \"secret\"\nprovider = \"openai\"\ndescription = \"key {i}\"\n"
        ));
    }
    for i in 0..10 {
        text.push_str(&format!(
            "\n[vars.SETTING_{i}]\nkind = \"config\"\ndefault = \"https://api{i}.example.com/v1\"\nvalues = {{ prod = \"value-{i}\" }}\n"
        ));
    }
    text.push_str(
        "\n[profiles.coder]\nvars = [\"VAR_1_API_KEY\"]\ncommand = \"python agent.py\"\nsandbox = true\n",
    );
    text.push_str("\n[profiles.all]\ncommand = [\"node\", \"agent.js\"]\nbroker = true\n");
    std::fs::write(root.join("latchkey.toml"), &text).unwrap();
    let found = Project::discover(&deep, &|| None).unwrap().unwrap();
    assert_eq!(found.vars().len(), 30);
    c.bench_function("project discovery and parse (30 variables, 5 levels up)", |b| {
        b.iter(|| Project::discover(&deep, &|| None).unwrap())
    });
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::discovery);
}
use group::benches;
criterion_main!(benches);
