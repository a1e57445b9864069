//! `latchkey`, the command-line interface.
//!
//! `main` owns two policies, and nothing else does:
//! - exit codes: 0 for success, 1 for an error (printed on one line to stderr), 2 for a
//!   usage error (clap prints it);
//! - a closed stdout (`latchkey list | head -1`) is not an error: we exit 0 quietly;
//! - `latchkey run` exits with its command's status (128+N when signal N ended it).
#![forbid(unsafe_code)]

mod args;
mod cli;
mod commands;
mod input;
mod paint;
mod project;
mod run_line;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = run_line::parse(std::env::args_os().collect());
    match cli::run(cli.command) {
        Ok(status) => ExitCode::from(status),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("latchkey: error: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, "cannot X: because Y: do Z", each cause once
/// (a message that already ends with its cause's text does not repeat it), with
/// control characters escaped: a path may hold anything.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    latchkey_core::text::printable(&line.replace('\n', " ")).into_owned()
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
