//! The directories a sandbox shows entry by entry (`--stand-in`), built by its first
//! process before anything else runs in it.
//!
//! Each directory on the way to a hidden path (your home, `~/.config`, ...) becomes an
//! empty, read-only directory into which each entry latchkey listed at the start is
//! bound back (`--bind-back`, `--link-back` for a symbolic link), as it is mounted in the
//! sandbox: read-only, or writable for the working directory, with what bubblewrap
//! mounted beneath it. The hidden entries are not there, nor anything that appears in
//! the real directory later: a credential file `npm login` renames into place, a first
//! `docker login`'s config, an SSH agent's new socket. Sockets, FIFOs and devices are
//! left out too, and so is an entry that is no longer a file or a directory.
//!
//! bubblewrap could build these too, but each of its binds reads the whole mount table
//! again (about 0.25 ms each, and a home directory has dozens of entries); the mount
//! calls themselves take a few microseconds. Building them needs `CAP_SYS_ADMIN` in the
//! sandbox's user namespace, which [`drop_capabilities`] then gives up for good.

use std::fs::File;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::mount::{MountFlags, MoveMountFlags, OpenTreeFlags};

/// One directory to stand in for, and what goes back into it.
#[derive(Debug, Default, PartialEq)]
pub struct StandIn {
    /// The directory.
    pub dir: PathBuf,
    /// Its entries to bind back (files and directories), by full path.
    pub binds: Vec<PathBuf>,
    /// Its symbolic links to make again: the target, and where.
    pub links: Vec<(PathBuf, PathBuf)>,
}

/// Builds every stand-in, parents first, then enters the working directory again
/// through them. The error is the line to print.
pub fn build(stand_ins: &[StandIn]) -> Result<(), String> {
    if stand_ins.is_empty() {
        return Ok(());
    }
    // A mount namespace of the sandbox's own user namespace, where its capabilities
    // count: for a user other than root, bubblewrap starts the sandbox in a user
    // namespace nested in the one that owns the mounts it made. Those stay locked.
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNS)
        .map_err(|e| format!("the sandbox cannot make its mounts: {e}"))?;
    // The real directories, opened before any of them is covered; not through a
    // symbolic link put in place of one since the listing.
    let mut real = Vec::with_capacity(stand_ins.len());
    for s in stand_ins {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let dir = rustix::fs::open(&s.dir, flags, Mode::empty())
            .map_err(|e| format!("the sandbox cannot show {}: {e}", s.dir.display()))?;
        real.push(File::from(dir));
    }
    // The working directory (bubblewrap's, inherited) is under a stand-in now: entered
    // as it was, `..` would lead to the real directory around it.
    let cwd = std::env::current_dir().map_err(|e| format!("the sandbox's working directory: {e}"))?;
    for (s, real) in stand_ins.iter().zip(&real) {
        // The places of the stand-ins inside this one are made before it turns read-only.
        let inner: Vec<&Path> = stand_ins
            .iter()
            .map(|i| i.dir.as_path())
            .filter(|i| i.parent() == Some(s.dir.as_path()))
            .collect();
        build_one(s, real, &inner)
            .map_err(|e| format!("the sandbox cannot show {}: {e}", s.dir.display()))?;
    }
    std::env::set_current_dir(&cwd).map_err(|e| format!("the sandbox's working directory: {e}"))
}

fn build_one(s: &StandIn, real: &File, inner: &[&Path]) -> rustix::io::Result<()> {
    let mode = rustix::fs::fstat(real)?.st_mode & 0o7777;
    let data = std::ffi::CString::new(format!("mode={mode:o}")).unwrap_or_default();
    rustix::mount::mount("tmpfs", &s.dir, "tmpfs", MountFlags::NOSUID | MountFlags::NODEV, data.as_c_str())?;
    for dir in inner {
        rustix::fs::mkdir(*dir, Mode::from_raw_mode(0o700))?;
    }
    for path in &s.binds {
        let Some(name) = path.file_name() else { continue };
        bind_back(real, name, path)?;
    }
    for (target, at) in &s.links {
        rustix::fs::symlink(target, at)?;
    }
    let read_only = MountFlags::BIND | MountFlags::RDONLY | MountFlags::NOSUID | MountFlags::NODEV;
    rustix::mount::mount_remount(&s.dir, read_only, "")
}

/// Binds `name` of the `real` directory back at `at`, with what is mounted beneath it;
/// an entry gone, or no longer a file or a directory, is left out.
fn bind_back(real: &File, name: &std::ffi::OsStr, at: &Path) -> rustix::io::Result<()> {
    let kind = match rustix::fs::statat(real, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => FileType::from_raw_mode(stat.st_mode),
        // Gone, or unreachable (a FUSE mount whose daemon died): left out.
        Err(_) => return Ok(()),
    };
    match kind {
        FileType::Directory => rustix::fs::mkdir(at, Mode::from_raw_mode(0o700))?,
        FileType::RegularFile => {
            rustix::fs::open(
                at,
                OFlags::CREATE | OFlags::WRONLY | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            )?;
        }
        _ => return Ok(()),
    }
    let flags = OpenTreeFlags::OPEN_TREE_CLONE
        | OpenTreeFlags::OPEN_TREE_CLOEXEC
        | OpenTreeFlags::AT_RECURSIVE
        | OpenTreeFlags::AT_SYMLINK_NOFOLLOW;
    let tree = match rustix::mount::open_tree(real, name, flags) {
        Ok(tree) => tree,
        Err(_) => return Ok(()),
    };
    rustix::mount::move_mount(tree.as_fd(), "", rustix::fs::CWD, at, MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH)
}

/// Gives up every capability, for this process and whatever it starts: none left to
/// use, none to gain back by running a program as the namespace's root.
pub fn drop_capabilities() -> Result<(), String> {
    use rustix::thread::{CapabilitySet, CapabilitySets};
    let fail = |e: rustix::io::Errno| format!("the sandbox cannot drop its capabilities: {e}");
    for cap in (0..64).map(|c| CapabilitySet::from_bits_retain(1 << c)) {
        // Only one still held needs dropping (and dropping takes CAP_SETPCAP).
        if rustix::thread::capability_is_in_bounding_set(cap).unwrap_or(false) {
            rustix::thread::remove_capability_from_bounding_set(cap).map_err(fail)?;
        }
    }
    rustix::thread::clear_ambient_capability_set().map_err(fail)?;
    let none = CapabilitySet::empty();
    rustix::thread::set_capabilities(
        None,
        CapabilitySets { effective: none, permitted: none, inheritable: none },
    )
    .map_err(fail)
}
