//! What a sandbox shows, decided before the start (what is hidden, where the command may
//! write), and the bubblewrap command line that makes it so.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::hidden::hidden_list;
use super::listed::{Entry, Listed, listed};
use super::{INSIDE_DIR, INSIDE_SOCKET, Mode, PRETEND_ENV, SandboxError, Settings};

/// What a sandbox shows, decided before the start.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) settings: Settings,
    /// Directories and files hidden (canonical, existing).
    hidden: Vec<PathBuf>,
    /// Where the command may write (canonical, existing): its directory first.
    writable: Vec<PathBuf>,
    /// What stays read-only inside a writable directory (a repository's hooks).
    read_only: Vec<PathBuf>,
    /// Directories shown entry by entry, parents first.
    listed: Vec<Listed>,
    /// Lines to show before the start.
    pub(crate) notices: Vec<String>,
}

impl Plan {
    /// Decides what a command running in `cwd` sees: `own` are latchkey's own paths (data
    /// directory, config directory, identity files), always hidden.
    pub(crate) fn new(
        settings: Settings,
        cwd: &Path,
        own: &[PathBuf],
        config_dir: Option<&Path>,
        project_file: Option<&Path>,
    ) -> Result<Self, SandboxError> {
        let mut notices = Vec::new();
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let expand = |p: &str| match (p.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => Some(home.join(rest)),
            (None, _) if Path::new(p).is_absolute() => Some(PathBuf::from(p)),
            _ => None,
        };
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        // A project's profile: what it names must resolve inside the project, now.
        if let Some(root) = &settings.within {
            let root = canonical(root).unwrap_or_else(|| root.clone());
            for path in std::iter::once(cwd)
                .chain(settings.writable.iter().map(PathBuf::as_path))
                .chain(settings.readable.iter().map(PathBuf::as_path))
            {
                if canonical(path).is_some_and(|p| !p.starts_with(&root)) {
                    return Err(SandboxError::OutsideProject(path.to_owned()));
                }
            }
        }
        // Where a credential store that does not exist yet would appear: the nearest
        // directory that does, listed so that the store stays out if it appears.
        let mut guarded: Vec<PathBuf> = Vec::new();
        let mut guard = |p: &Path| {
            if let Some(dir) = p.ancestors().skip(1).find_map(&canonical) {
                guarded.push(dir);
            }
        };
        own.iter().filter(|p| !p.exists()).for_each(|p| guard(p));
        let own: Vec<PathBuf> = own.iter().filter_map(|p| canonical(p)).collect();
        let readable: Vec<PathBuf> = settings.readable.iter().filter_map(|p| canonical(p)).collect();
        if let Some(p) = readable.iter().find(|r| own.iter().any(|o| o.starts_with(r) || r.starts_with(o))) {
            return Err(SandboxError::Own(p.clone()));
        }
        let mut hidden: Vec<PathBuf> = own.clone();
        for entry in hidden_list(config_dir)? {
            let Some(path) = expand(&entry.path) else { continue };
            match canonical(&path) {
                Some(path) if !readable.iter().any(|r| path.starts_with(r)) => hidden.push(path),
                Some(_) => {}
                None if !readable.iter().any(|r| path.starts_with(r)) => guard(&path),
                None => {}
            }
        }
        // The keychain's socket and the other session services: the user's runtime
        // directory, and a session bus named by path. Docker's socket is root.
        for var in ["XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"] {
            let Some(value) = std::env::var_os(var) else { continue };
            let value = value.to_string_lossy().into_owned();
            let path =
                value.strip_prefix("unix:path=").map_or(value.as_str(), |p| p.split(',').next().unwrap_or(p));
            if let Some(path) = canonical(Path::new(path)) {
                hidden.push(path);
            }
        }
        // The runtime directory where it usually is, whether or not the variable names it.
        #[cfg(unix)]
        {
            let runtime = PathBuf::from(format!("/run/user/{}", rustix::process::getuid().as_raw()));
            hidden.extend(canonical(&runtime));
        }
        hidden.extend(
            ["/run/docker.sock", "/var/run/docker.sock"].iter().filter_map(|p| canonical(Path::new(p))),
        );
        // The SSH agent's socket wherever it is, and gnome-keyring's control sockets.
        if let Some(sock) = std::env::var_os("SSH_AUTH_SOCK") {
            hidden.extend(canonical(Path::new(&sock)));
        }
        if let Some(cache) = home.as_ref().map(|h| h.join(".cache")) {
            let keyrings = std::fs::read_dir(&cache).into_iter().flatten().flatten();
            hidden.extend(
                keyrings
                    .filter(|e| e.file_name().to_string_lossy().starts_with("keyring-"))
                    .map(|e| e.path()),
            );
        }
        hidden.retain(|p| p != Path::new("/"));
        hidden.sort();
        hidden.dedup();
        let all = hidden.clone();
        hidden.retain(|p| !all.iter().any(|q| q != p && p.starts_with(q)));
        let cwd = canonical(cwd).unwrap_or_else(|| cwd.to_owned());
        if cwd == Path::new("/") {
            return Err(SandboxError::Directory(cwd, "the whole filesystem"));
        }
        if hidden.iter().any(|h| cwd.starts_with(h)) {
            return Err(SandboxError::Directory(cwd, "a directory the sandbox hides"));
        }
        if let Some(o) = own.iter().find(|o| o.starts_with(&cwd)) {
            return Err(SandboxError::HoldsOwn(cwd, o.clone()));
        }
        if home.as_deref().and_then(canonical).is_some_and(|h| h == cwd) {
            notices.push(
                "the sandbox runs in your home directory, which the command may then write (~/.bashrc included)"
                    .to_owned(),
            );
        }
        let mut writable = vec![cwd];
        for path in &settings.writable {
            let path = std::fs::canonicalize(path)
                .map_err(|source| SandboxError::Writable { path: path.clone(), source })?;
            if own.iter().any(|o| o.starts_with(&path) || path.starts_with(o)) {
                return Err(SandboxError::Own(path));
            }
            writable.push(path);
        }
        // The shared temporary directory holds other programs' sockets (X11, agents,
        // buses): the sandbox has a /tmp of its own, and binds none of the real one whole.
        if let Some(w) = writable.iter().find(|w| Path::new("/tmp").starts_with(w)) {
            return Err(SandboxError::Directory(w.clone(), "the shared temporary directory (/tmp)"));
        }
        // A repository's hooks and config run outside the sandbox, at the user's next
        // git command: they stay read-only even in a writable directory.
        let mut read_only = Vec::new();
        if let Some(git) = writable[0].ancestors().map(|d| d.join(".git")).find(|g| g.is_dir()) {
            for part in ["hooks", "config"] {
                let path = git.join(part);
                if path.exists() && writable.iter().any(|w| path.starts_with(w)) {
                    read_only.push(path);
                }
            }
        }
        // The project file says what the next run is given: the command cannot rewrite
        // the one it runs under, nor the nearest one to where it runs. A symlink cannot
        // be held in place, so one the command could repoint is refused.
        let files = project_file.map(Path::to_owned).into_iter().chain(crate::project::find(&writable[0]));
        for file in files {
            let writable_here = |p: &Path| writable.iter().any(|w| p.starts_with(w));
            let location =
                file.parent().and_then(canonical).map(|d| d.join(file.file_name().unwrap_or_default()));
            if std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_symlink())
                && location.as_deref().is_some_and(writable_here)
            {
                return Err(SandboxError::ProjectLink(file));
            }
            if let Some(real) = canonical(&file).filter(|f| writable_here(f) && !read_only.contains(f)) {
                read_only.push(real);
            }
        }
        // The sandbox's /tmp is its own: what is under the real one shows only through a
        // writable bind, and is hidden there.
        hidden.retain(|p| !p.starts_with("/tmp") || writable.iter().any(|w| p.starts_with(w)));
        let listed = listed(&hidden, &guarded, &writable).unwrap_or_else(|| {
            notices.push(
                "the sandbox hides each credential store by mounting over it (too many entries to list): \
                 one replaced or created while the command runs would show"
                    .to_owned(),
            );
            Vec::new()
        });
        Ok(Plan { settings, hidden, writable, read_only, listed, notices })
    }

    /// Where the command may write: its directory first.
    pub(crate) fn writable(&self) -> &[PathBuf] {
        &self.writable
    }

    /// What stays read-only inside the writable directories.
    pub(crate) fn read_only(&self) -> &[PathBuf] {
        &self.read_only
    }

    /// A line for the audit grant: the rules, no values.
    pub(crate) fn summary(&self) -> String {
        let list =
            |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let mut line = format!(
            "{}; writable: {}; hidden: {}",
            self.settings.mode.as_str(),
            list(&self.writable),
            self.hidden.len()
        );
        if !self.settings.readable.is_empty() {
            line.push_str(&format!("; readable: {}", list(&self.settings.readable)));
        }
        line
    }

    /// bubblewrap's arguments and the launcher's, up to the command: a sandbox whose
    /// first process is `launcher --sandbox-init` (bubblewrap tells its pid on `info_fd`;
    /// it says it started the command on `started_fd`), with the `broker`'s directory bound
    /// inside at [`INSIDE_DIR`] (its socket at [`INSIDE_SOCKET`], the certificate bundle
    /// at [`super::INSIDE_BUNDLE`]).
    pub(crate) fn arguments(
        &self,
        launcher: &Path,
        port: u16,
        broker: &Path,
        ctty: bool,
        (info_fd, started_fd): (i32, i32),
    ) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let mut push =
            |items: &[&dyn AsRef<std::ffi::OsStr>]| a.extend(items.iter().map(|i| i.as_ref().to_owned()));
        push(&[
            &"--unshare-user",
            &"--unshare-net",
            &"--unshare-pid",
            &"--unshare-ipc",
            &"--unshare-uts",
            &"--die-with-parent",
            &"--cap-drop",
            &"ALL",
            &"--as-pid-1",
            &"--ro-bind",
            &"/",
            &"/",
            &"--dev",
            &"/dev",
            &"--proc",
            &"/proc",
            &"--tmpfs",
            &"/tmp",
        ]);
        // The listed directories are built by the first process, with the mount calls
        // themselves (bubblewrap's take ten times longer each): it needs to mount, then
        // drops every capability before anything else runs.
        if !self.listed.is_empty() {
            push(&[&"--cap-add", &"CAP_SYS_ADMIN", &"--cap-add", &"CAP_SETPCAP"]);
        }
        // Writable binds next: the hides after them cover what they would expose.
        for path in &self.writable {
            push(&[&"--bind", path, path]);
        }
        for path in &self.read_only {
            push(&[&"--ro-bind", path, path]);
        }
        // The broker's directory holds its socket and the certificate bundle, no more.
        push(&[&"--ro-bind", &broker, &INSIDE_DIR]);
        // What a listed directory left out is not there at all; the rest is mounted over.
        let absent = |p: &Path| self.listed.iter().any(|l| Some(l.dir.as_path()) == p.parent());
        for path in self.hidden.iter().filter(|p| !absent(p)) {
            if path.is_dir() {
                push(&[&"--perms", &"0000", &"--tmpfs", path]);
            } else {
                push(&[&"--ro-bind", &"/dev/null", path]);
            }
        }
        let fd = info_fd.to_string();
        push(&[&"--info-fd", &fd, &"--chdir", &self.writable[0], &"--"]);
        push(&[&launcher, &"--sandbox-init", &"--port", &port.to_string(), &"--socket", &INSIDE_SOCKET]);
        for path in self.writable.iter().map(PathBuf::as_path).chain([Path::new("/tmp"), Path::new("/dev")]) {
            push(&[&"--writable", &path]);
        }
        // The listed directories: each an empty one, with what it held bound back but the
        // hidden (and its sockets, FIFOs and devices).
        for listed in &self.listed {
            push(&[&"--stand-in", &listed.dir]);
            for entry in &listed.entries {
                match entry {
                    Entry::Bind(path) => push(&[&"--bind-back", path]),
                    Entry::Symlink { target, at } => push(&[&"--link-back", target, at]),
                }
            }
        }
        if self.settings.mode == Mode::BestEffort {
            push(&[&"--best-effort"]);
        }
        for part in std::env::var(PRETEND_ENV).unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
            push(&[&"--pretend-missing", &part]);
        }
        if ctty {
            push(&[&"--ctty"]);
        }
        push(&[&"--started-fd", &started_fd.to_string()]);
        push(&[&"--"]);
        a
    }
}
