//! The `latchkey-desktop` binary.
#![forbid(unsafe_code)]
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(err) = latchkey_desktop::run() {
        eprintln!("latchkey-desktop: error: {err}");
        std::process::exit(1);
    }
}
