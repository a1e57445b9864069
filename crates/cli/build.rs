//! With `LATCHKEY_RELR=1`, links `latchkey` with packed relative relocations (DT_RELR)
//! where this machine's C library reads them (glibc 2.36 and later, with a linker that
//! knows `-z pack-relative-relocs`). The binary's 35,000 relative relocations then take
//! 10 KB instead of 850 KB, and the dynamic loader applies them about 0.3 ms sooner at
//! every start: `latchkey run` is on every agent's start path.
//!
//! Opt-in, because such a binary runs only where glibc is 2.36 or later: `make run` and
//! `make bench` build for this machine and ask for it; `make package`, whose .deb may be
//! installed on an older system, does not. A build with its own linker (`RUSTC_LINKER`
//! or a target's linker setting) is left alone: the probe could not speak for it.

use std::process::{Command, Stdio};

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["LATCHKEY_RELR", "RUSTC_LINKER"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    let linker_var = format!("CARGO_TARGET_{}_LINKER", target.to_uppercase().replace('-', "_"));
    println!("cargo:rerun-if-env-changed={linker_var}");
    let own_linker = std::env::var_os("RUSTC_LINKER").is_some() || std::env::var_os(&linker_var).is_some();
    if std::env::var("LATCHKEY_RELR").as_deref() != Ok("1")
        || own_linker
        || target != host
        || !target.ends_with("-linux-gnu")
        || !glibc_has_relr()
        || !linker_accepts_flag()
    {
        return;
    }
    println!("cargo:rustc-link-arg-bins={FLAG}");
}

/// glibc 2.36 or later: the first to read DT_RELR.
fn glibc_has_relr() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else { return false };
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.trim().trim_start_matches("glibc ");
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (2, 36)
}

/// Whether the C compiler Rust links with links a program with the flag.
fn linker_accepts_flag() -> bool {
    let out =
        std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("relr-probe");
    let Ok(mut cc) = Command::new("cc")
        .args(["-x", "c", "-", "-o"])
        .arg(&out)
        .arg(FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    if let Some(mut stdin) = cc.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(b"int main(void) { return 0; }\n");
    }
    let linked = cc.wait().is_ok_and(|s| s.success());
    // The probe must also run: a loader without DT_RELR would refuse it.
    linked && Command::new(&out).status().is_ok_and(|s| s.success())
}
