//! `latchkey-launcher`: the steps between latchkey and a command it launches that must
//! happen in the command's own process, before its program starts.
//!
//! ```text
//! latchkey-launcher [--parent PID] [--session] [--ctty] -- PROGRAM [ARGS...]
//! ```
//!
//! - `--parent PID`: the command is killed (SIGKILL) when the thread of `PID` that
//!   started it ends, even when latchkey itself is killed outright; and if `PID` has
//!   already gone, the program is never started.
//! - `--session`: the command leads a new session, with no controlling terminal: writing
//!   to `/dev/tty` fails instead of bypassing latchkey's masking.
//! - `--ctty`: with `--session`, its standard input (a pseudo-terminal latchkey masks)
//!   becomes its controlling terminal.
//!
//! Then it replaces itself with `PROGRAM`, whose environment is the launcher's own. It
//! is a separate, small program so that launching costs a fraction of a millisecond,
//! and so that none of this needs `unsafe` code between `fork` and `exec`. It never
//! reads a secret: values reach the command through the environment it passes on.
//!
//! Exit statuses of its own: 127 when the program cannot be found, 126 when it cannot
//! be run, 125 when the launcher was misused; otherwise the program's.
//!
//! In a sandboxed run (`latchkey run --sandbox`) it plays one more part inside the
//! sandbox bubblewrap makes: `--sandbox-init`, the sandbox's first process, which
//! confines itself and starts the command (see [`init`] and [`confine`]). `--probe`
//! prints what this kernel offers.
#![forbid(unsafe_code)]

#[cfg(target_os = "linux")]
mod confine;
#[cfg(target_os = "linux")]
mod init;
#[cfg(target_os = "linux")]
mod standin;

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

/// What the launcher was asked to do.
#[derive(Debug, Default, PartialEq)]
struct Steps {
    parent: Option<i32>,
    session: bool,
    ctty: bool,
    program: OsString,
    args: Vec<OsString>,
}

fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Steps, String> {
    let mut steps = Steps::default();
    let mut args = args.into_iter();
    loop {
        let Some(arg) = args.next() else { return Err("no program after `--`".into()) };
        match arg.to_str() {
            Some("--session") => steps.session = true,
            Some("--ctty") => steps.ctty = true,
            Some("--parent") => {
                let pid = args.next().and_then(|p| p.to_str()?.parse().ok()).ok_or("--parent takes a pid")?;
                steps.parent = Some(pid);
            }
            Some("--") => break,
            _ => return Err(format!("unknown option {}", arg.to_string_lossy())),
        }
    }
    steps.program = args.next().ok_or("no program after `--`")?;
    steps.args = args.collect();
    Ok(steps)
}

#[cfg(target_os = "linux")]
fn prepare(steps: &Steps) -> Result<(), String> {
    use rustix::process::{Signal, getppid, set_parent_process_death_signal};
    if let Some(parent) = steps.parent {
        set_parent_process_death_signal(Some(Signal::KILL))
            .map_err(|e| format!("parent-death signal: {e}"))?;
        // Set after fork: if latchkey died in between, nobody would ever kill us.
        if getppid().map(|p| p.as_raw_nonzero().get()) != Some(parent) {
            return Err("latchkey ended before the command started".into());
        }
    }
    if steps.session {
        own_session(steps.ctty)?;
    }
    Ok(())
}

/// Makes this process the leader of a new session, with standard input (the terminal
/// latchkey masks) as its controlling terminal when `ctty`.
#[cfg(target_os = "linux")]
fn own_session(ctty: bool) -> Result<(), String> {
    rustix::process::setsid().map_err(|e| format!("new session: {e}"))?;
    if ctty {
        rustix::process::ioctl_tiocsctty(std::io::stdin())
            .map_err(|e| format!("controlling terminal: {e}"))?;
    }
    Ok(())
}

/// The line and status for a program that could not start: 127 when it cannot be
/// found, 126 when it cannot be run.
fn cannot_start(program: &std::ffi::OsStr, err: &std::io::Error) -> ExitCode {
    eprintln!("latchkey: cannot start `{}`: {err}", std::path::Path::new(program).display());
    ExitCode::from(if err.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 })
}

#[cfg(not(target_os = "linux"))]
fn prepare(_steps: &Steps) -> Result<(), String> {
    Ok(())
}

/// The options of `--sandbox-init`.
#[cfg(target_os = "linux")]
fn parse_sandbox(args: Vec<OsString>) -> Result<init::Init, String> {
    let mut init = init::Init::default();
    let confine = &mut init.confine;
    let mut args = args.into_iter();
    loop {
        let Some(arg) = args.next() else { return Err("no program after `--`".into()) };
        let mut value = || args.next().ok_or_else(|| format!("{} takes a value", arg.to_string_lossy()));
        match arg.to_str() {
            Some("--port") => {
                let port = value()?.to_str().and_then(|p| p.parse().ok()).ok_or("--port takes a port")?;
                (init.port, confine.port) = (port, port);
            }
            Some("--socket") => init.socket = value()?.into(),
            Some("--writable") => confine.writable.push(value()?.into()),
            Some("--stand-in") => {
                let dir = value()?.into();
                init.stand_ins.push(standin::StandIn { dir, ..Default::default() });
            }
            Some("--bind-back") => {
                let path = value()?.into();
                init.stand_ins.last_mut().ok_or("--bind-back comes after its --stand-in")?.binds.push(path);
            }
            Some("--link-back") => {
                let target = value()?.into();
                let at = value()?.into();
                let stand_in = init.stand_ins.last_mut().ok_or("--link-back comes after its --stand-in")?;
                stand_in.links.push((target, at));
            }
            Some("--pretend-missing") => {
                confine.pretend_missing.push(value()?.to_string_lossy().into_owned())
            }
            Some("--best-effort") => confine.best_effort = true,
            Some("--ctty") => init.ctty = true,
            Some("--started-fd") => {
                let fd = value()?
                    .to_str()
                    .and_then(|f| f.parse().ok())
                    .ok_or("--started-fd takes a descriptor")?;
                init.started_fd = Some(fd);
            }
            Some("--") => break,
            _ => return Err(format!("unknown option {}", arg.to_string_lossy())),
        }
    }
    init.program = args.next().ok_or("no program after `--`")?;
    init.args = args.collect();
    Ok(init)
}

/// `--probe`: what this kernel offers the sandbox, one fact a line.
#[cfg(target_os = "linux")]
fn probe() -> ExitCode {
    println!("landlock-abi {}", confine::landlock_abi());
    println!("seccomp {}", if confine::seccomp_available() { "yes" } else { "no" });
    let missing: Vec<&str> = confine::missing(&[]).iter().map(|p| p.name()).collect();
    println!("missing {}", if missing.is_empty() { "none".to_owned() } else { missing.join(",") });
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    {
        let mut all: Vec<OsString> = std::env::args_os().skip(1).collect();
        let mode = all.first().and_then(|a| a.to_str()).map(str::to_owned);
        match mode.as_deref() {
            Some("--probe") => return probe(),
            Some("--sandbox-init") => {
                all.remove(0);
                return match parse_sandbox(all) {
                    Ok(init) => init::run(init),
                    Err(e) => {
                        eprintln!("latchkey-launcher: {e}");
                        ExitCode::from(125)
                    }
                };
            }
            _ => {}
        }
    }
    let steps = match parse(std::env::args_os().skip(1)) {
        Ok(steps) => steps,
        Err(e) => {
            eprintln!("latchkey-launcher: {e}");
            return ExitCode::from(125);
        }
    };
    if let Err(e) = prepare(&steps) {
        eprintln!("latchkey: cannot start the command: {e}");
        return ExitCode::from(125);
    }
    let err = Command::new(&steps.program).args(&steps.args).exec();
    cannot_start(&steps.program, &err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_come_before_the_program_and_everything_after_is_its_argv() {
        let steps =
            parse(args(&["--parent", "42", "--session", "--ctty", "--", "sh", "-c", "--ctty"])).unwrap();
        assert_eq!(steps.parent, Some(42));
        assert!(steps.session && steps.ctty);
        assert_eq!(steps.program, "sh");
        assert_eq!(steps.args, args(&["-c", "--ctty"]));
    }

    #[test]
    fn misuse_is_refused() {
        assert!(parse(args(&["sh"])).is_err());
        assert!(parse(args(&["--parent", "x", "--", "sh"])).is_err());
        assert!(parse(args(&["--"])).is_err());
    }
}
