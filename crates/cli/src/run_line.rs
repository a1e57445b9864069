//! `latchkey run ...` parsed on its own. Building the whole command line (every verb,
//! its arguments and help) takes clap about half a millisecond, a sixth of what `run`
//! adds to the command it starts; `run` is the verb an agent's every start goes
//! through, so it is parsed by a command line that holds only `run`. Anything that
//! command line does not accept as it is (`--help`, a usage error, an abbreviation) goes
//! to the whole one, which answers exactly as before.

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::cli::{Cli, Command};
use crate::commands::run::RunArgs;

/// The command line with `run` alone.
#[derive(Debug, Parser)]
#[command(name = "latchkey")]
struct RunLine {
    #[command(subcommand)]
    verb: RunVerb,
}

#[derive(Debug, Subcommand)]
enum RunVerb {
    Run(RunArgs),
}

/// Parses `args` (the program's name first), exiting with clap's message and status on
/// a usage error.
pub fn parse(args: Vec<OsString>) -> Cli {
    quick(&args).unwrap_or_else(|| Cli::parse_from(args))
}

/// `run` and what follows it, when the `run`-only command line accepts it as it is.
fn quick(args: &[OsString]) -> Option<Cli> {
    if args.get(1).is_none_or(|verb| verb != "run") {
        return None;
    }
    let RunLine { verb: RunVerb::Run(run) } = RunLine::try_parse_from(args).ok()?;
    Some(Cli { command: Command::Run(run) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(args: &[&str]) -> Vec<OsString> {
        std::iter::once("latchkey").chain(args.iter().copied()).map(OsString::from).collect()
    }

    /// The quick parse gives what the whole command line gives, for every option of
    /// `run`: an option added to one and not the other fails here.
    #[test]
    fn the_quick_parse_agrees_with_the_whole_command_line() {
        let lines: &[&[&str]] = &[
            &["run", "--", "true"],
            &["run", "--env", "prod", "--only", "A_KEY,B_KEY", "--no-mask", "--", "sh", "-c", "echo"],
            &["run", "--profile", "coder", "--command", "--env", "dev", "--", "bash"],
            &["run", "--all", "--inherit", "GH_TOKEN", "--inherit-secrets", "--env-file", "t.env", "--", "x"],
            &["run", "--broker", "--allow-host", "example.test", "--", "curl"],
            &["run", "--sandbox", "--writable", "/tmp/w", "--readable", "/srv", "--", "agent"],
            &["run", "--sandbox=best-effort", "--no-broker", "--", "agent"],
            &["run", "--no-sandbox", "--profile", "p"],
        ];
        for args in lines {
            let whole = Cli::try_parse_from(line(args));
            let quick = quick(&line(args));
            let whole = whole.unwrap_or_else(|e| panic!("{args:?} is a valid command line: {e}"));
            let quick = quick.unwrap_or_else(|| panic!("the quick parse accepts {args:?}"));
            assert_eq!(format!("{quick:?}"), format!("{whole:?}"), "{args:?}");
        }
    }

    /// Help, usage errors and other verbs are the whole command line's to answer.
    #[test]
    fn anything_else_goes_to_the_whole_command_line() {
        for args in [
            &["run", "--help"][..],
            &["run"],
            &["run", "--only", "not a name", "--", "x"],
            &["run", "--version"],
            &["list"],
            &["--version"],
            &[],
        ] {
            assert!(quick(&line(args)).is_none(), "{args:?}");
        }
    }
}
