//! `latchkey man --out DIR`: the manual pages, one per verb (`latchkey-rotate.1`,
//! `latchkey-profile-add.1`, ...) and `latchkey.1`, generated from the command line's
//! own definition. Packages install them; `man latchkey-run` then works.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What `latchkey man` takes.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The directory to write the pages to (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `cmd` is the whole CLI (`Cli::command()`), handed in by the dispatch.
pub fn run(args: ManArgs, mut cmd: clap::Command) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", super::shown(&args.out)))?;
    cmd.build();
    let written = write_pages(&cmd, &args.out)?;
    eprintln!("wrote {written} manual pages to {}", super::shown(&args.out));
    Ok(())
}

/// Writes the page of `cmd` and of each of its subcommands; returns how many.
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<usize> {
    let page = clap_mangen::Man::new(cmd.clone())
        .manual("latchkey manual")
        .source(concat!("latchkey ", env!("CARGO_PKG_VERSION")));
    let mut text = Vec::new();
    page.render(&mut text).context("cannot render a manual page")?;
    let path = dir.join(page.get_filename());
    write_replacing(&path, &text).with_context(|| format!("cannot write {}", super::shown(&path)))?;
    let mut written = 1;
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set() && sub.get_name() != "help") {
        written += write_pages(sub, dir)?;
    }
    Ok(written)
}

/// Writes a page (public documentation, so with the umask's mode) through a temporary
/// file renamed over `path`: a reader sees the old page or the new, never half of one.
fn write_replacing(path: &Path, text: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
