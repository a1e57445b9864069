//! The launch itself, on Unix: core prepares and starts it; this file adds the terminal
//! and forwards signals.

use std::io::{IsTerminal, Write};
use std::process::Stdio;

use anyhow::{Context, Result};
use latchkey_core::launch::{
    BrokerChoice, ChildIo, LaunchError, LaunchSpec, SandboxChoice, Sink, Source, Terminal, Withholding,
};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
use signal_hook::iterator::Signals;

use super::{RunArgs, terminal};
use crate::commands;

/// The status when the program cannot be found, as a shell's.
const NOT_FOUND: u8 = 127;

pub fn run(args: RunArgs) -> Result<u8> {
    let vault = commands::unlock()?;
    // Loaded only if a variable of this shell could be a provider's key.
    let catalog = std::cell::OnceCell::new();
    let catalog = || catalog.get_or_init(|| commands::catalog().ok()).as_ref();
    let source = match &args.profile {
        Some(profile) => Source::Profile(profile.clone()),
        None => Source::Environment(args.env.name_in_project()?),
    };
    let mut spec = LaunchSpec::new(source, args.command);
    // In a project, exactly what it declares, unless --all.
    spec.project = if args.all { None } else { crate::project::current()? };
    spec.env_override = args.profile.as_ref().and(args.env.given());
    spec.replace_command = args.replace_command;
    spec.only = args.only;
    spec.template = args.env_file;
    spec.mask = !args.no_mask;
    spec.withholding = Withholding::from_env()
        .inherit(args.inherit.iter().map(|n| n.to_string()))
        .inherit_everything(args.inherit_secrets);
    spec.broker = match args.broker.settings()? {
        Some(settings) => Some(BrokerChoice::On(settings)),
        None if args.broker.no_broker => Some(BrokerChoice::Off),
        None => None,
    };
    spec.sandbox = match args.sandbox.settings() {
        Some(settings) => Some(SandboxChoice::On(settings)),
        None if args.sandbox.no_sandbox => Some(SandboxChoice::Off),
        None => None,
    };
    let mut prepared = match vault.prepare_launch(spec, &catalog) {
        Ok(prepared) => prepared,
        Err(e @ LaunchError::NotFound(_)) => {
            commands::print_notices(&vault);
            eprintln!("latchkey: error: {}", latchkey_core::text::printable(&e.to_string()));
            return Ok(NOT_FOUND);
        }
        Err(e) => return Err(e).context("cannot run the command"),
    };
    commands::print_notices(&vault);
    for notice in prepared.notices() {
        eprintln!("latchkey: {}", latchkey_core::text::printable(notice));
    }
    if !prepared.withheld().is_empty() {
        eprintln!(
            "latchkey: withheld from the command: {} (--inherit NAME or --inherit-secrets passes them)",
            prepared.withheld().join(", ")
        );
    }
    // The broker's refusals and failures, one line each; its requests are in the audit log.
    prepared.listen(std::sync::Arc::new(|request: &latchkey_core::broker::Request| {
        if let Some(problem) = &request.problem {
            eprintln!("{}", latchkey_core::text::printable(problem));
        }
    }));
    let mask = !args.no_mask;
    let (stdin_tty, stdout_tty) = (std::io::stdin().is_terminal(), std::io::stdout().is_terminal());
    let mut input = None;
    let mut resize = None;
    let io = if stdout_tty {
        let (master, slave) = terminal::open()?;
        input = Some(master.try_clone()?);
        resize = Some(master.try_clone()?);
        ChildIo::Terminal(Terminal { slave, master, sink: sink(std::io::stdout()) })
    } else if !mask {
        ChildIo::Inherit { interactive: stdin_tty }
    } else if stdin_tty {
        let (master, slave) = terminal::open()?;
        input = Some(master.try_clone()?);
        resize = Some(master.try_clone()?);
        let terminal = Terminal { slave, master, sink: sink(terminal::our_terminal()) };
        ChildIo::PipesAndTerminal {
            stdout: sink(std::io::stdout()),
            stderr: sink(std::io::stderr()),
            terminal,
        }
    } else {
        ChildIo::Pipes {
            stdin: Stdio::inherit(),
            stdout: sink(std::io::stdout()),
            stderr: sink(std::io::stderr()),
        }
    };
    // Keys typed on a terminal reach the command as they are (Ctrl-C through its own
    // terminal), so latchkey forwards only the signals sent to it.
    let shares_our_group = matches!(io, ChildIo::Inherit { interactive: true });
    let signals = if shares_our_group {
        vec![SIGTERM, SIGHUP]
    } else {
        vec![SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]
    };
    let mut handled =
        Signals::new(signals.iter().chain(if shares_our_group { &[SIGINT, SIGQUIT][..] } else { &[] }))
            .context("cannot handle signals")?;
    let running = prepared.start(io).context("cannot run the command")?;
    if let Some(warning) = running.grant_error() {
        eprintln!("latchkey: warning: {warning}");
    }
    let raw = input.is_some().then(|| terminal::RawMode::enter(!stdout_tty)).flatten();
    if let Some(master) = input {
        terminal::forward_input(master);
    }
    let group = running.group();
    let handle = handled.handle();
    let forwarder = std::thread::spawn(move || {
        for signal in handled.forever() {
            match (signal, &resize) {
                (SIGWINCH, Some(master)) => terminal::follow_size(master),
                (s, _) if signals.contains(&s) => group.signal(s),
                _ => {}
            }
        }
    });
    let ended = running.wait();
    drop(raw);
    handle.close();
    let _ = forwarder.join();
    if let Some(error) = ended.audit_error {
        eprintln!("latchkey: warning: {error}");
    }
    if let Some(why) = ended.concealed {
        eprintln!("latchkey: error: {why}");
    }
    let shown = |p: &std::path::Path| latchkey_core::text::printable(&p.display().to_string()).into_owned();
    for (from, to) in &ended.planted.moved {
        eprintln!(
            "latchkey: warning: the sandboxed command wrote {}: moved aside to {}. A project file a command writes is not trusted: read it, and move it back if you meant it",
            shown(from),
            shown(to)
        );
    }
    for path in &ended.planted.left {
        eprintln!(
            "latchkey: warning: the sandboxed command wrote {}, which could not be moved aside: read it before you run latchkey there",
            shown(path)
        );
    }
    if ended.planted.cut_short {
        eprintln!(
            "latchkey: warning: the sandboxed command's directories hold too many entries to look through them all for project files it wrote"
        );
    }
    Ok(ended.code)
}

/// A sink writing to `out`, flushing each chunk: output reaches the user as it comes.
fn sink(mut out: impl Write + Send + 'static) -> Sink {
    Box::new(move |bytes: &[u8]| {
        out.write_all(bytes)?;
        out.flush()
    })
}
