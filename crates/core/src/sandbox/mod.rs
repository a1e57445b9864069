//! The sandbox of a launched command (`latchkey run --sandbox`): the command runs
//! brokered, as the same user, but cannot go around the broker.
//!
//! It is built from three kernel features, each doing what it does best. bubblewrap
//! (user, network, pid and mount namespaces) gives the command a network of its own with
//! only loopback in it, a private `/tmp`, a read-only view of the rest, and hides the
//! vault, the identity, latchkey's config, the keychain's socket and the credential
//! stores of [`hidden.toml`](hidden.toml). Inside, `latchkey-launcher` carries the
//! broker's port to the broker and confines the command with Landlock (writes, TCP
//! connections, scopes) and seccomp (UDP, raw sockets, io_uring, ptrace); see
//! `crates/launcher`.
//!
//! This module decides what a sandbox shows and builds bubblewrap's command line. It
//! does not start anything: the launch does.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What a sandbox does when the kernel lacks a part of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Mode {
    /// Refuse to start, naming the missing part.
    #[default]
    Strict,
    /// Run with what is available, naming what is not.
    BestEffort,
}

impl Mode {
    /// Its name, as typed (`strict`, `best-effort`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Strict => "strict",
            Mode::BestEffort => "best-effort",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "strict" | "" => Ok(Mode::Strict),
            "best-effort" => Ok(Mode::BestEffort),
            _ => Err("the sandbox is `strict` or `best-effort`".into()),
        }
    }
}

/// How a run is sandboxed: what a profile stores and `run --sandbox` sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Strict, or best effort.
    #[serde(default)]
    pub mode: Mode,
    /// Paths the command may write besides its working directory and `/tmp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writable: Vec<PathBuf>,
    /// Paths hidden by default that the command may read (`~/.config/gh`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readable: Vec<PathBuf>,
}

/// Why a sandbox cannot be set up. Nothing was started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// bubblewrap is not installed.
    #[error(
        "the sandbox needs bubblewrap (bwrap), which is not installed: install it (apt-get install bubblewrap)"
    )]
    NoBubblewrap,
    /// latchkey-launcher is not installed.
    #[error("the sandbox needs latchkey-launcher, beside latchkey or on PATH: reinstall latchkey")]
    NoLauncher,
    /// The kernel does not let this user make namespaces.
    #[error("the sandbox needs user namespaces, which this machine does not allow ({0})")]
    NoUserNamespaces(String),
    /// The working directory is one the sandbox hides, or the whole filesystem.
    #[error("the sandbox cannot run in {0}: it is {1}; run from a project directory")]
    Directory(PathBuf, &'static str),
    /// A path to make readable or writable is latchkey's own.
    #[error("{0} is latchkey's own (its vault, identity or config): a sandboxed command may not reach it")]
    Own(PathBuf),
    /// A writable path does not exist.
    #[error("cannot make {path} writable in the sandbox: {source}")]
    Writable {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The user's `sandbox.toml` cannot be read.
    #[error("{path} is not a valid sandbox file ({reason}): fix it, or move it aside")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// A path the sandbox hides, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hidden {
    /// The path; `~` is the home directory.
    pub path: String,
    /// What it holds.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HiddenFile {
    #[serde(default)]
    hide: Vec<Hidden>,
}

/// The built-in list of credential stores the sandbox hides.
const BUILT_IN: &str = include_str!("hidden.toml");

/// The file, in the config directory, where a user adds paths to hide.
pub const USER_FILE: &str = "sandbox.toml";

/// Every path the sandbox hides by default: the built-in list, then the user's
/// `sandbox.toml` from `config_dir`.
pub fn hidden_list(config_dir: Option<&Path>) -> Result<Vec<Hidden>, SandboxError> {
    let mut list = toml::from_str::<HiddenFile>(BUILT_IN).expect("the built-in list parses").hide;
    if let Some(path) = config_dir.map(|d| d.join(USER_FILE)) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file: HiddenFile = toml::from_str(&text).map_err(|e| SandboxError::Config {
                    path: path.clone(),
                    reason: e.message().to_owned(),
                })?;
                list.extend(file.hide);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(SandboxError::Config { path, reason: e.to_string() }),
        }
    }
    Ok(list)
}

/// What a sandbox shows, decided before the start.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) settings: Settings,
    /// Directories and files hidden (canonical, existing).
    hidden: Vec<PathBuf>,
    /// Where the command may write (canonical, existing): its directory first.
    writable: Vec<PathBuf>,
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
    ) -> Result<Self, SandboxError> {
        let mut notices = Vec::new();
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let expand = |p: &str| match (p.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => Some(home.join(rest)),
            (None, _) if Path::new(p).is_absolute() => Some(PathBuf::from(p)),
            _ => None,
        };
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let own: Vec<PathBuf> = own.iter().filter_map(|p| canonical(p)).collect();
        let readable: Vec<PathBuf> = settings.readable.iter().filter_map(|p| canonical(p)).collect();
        if let Some(p) = readable.iter().find(|r| own.iter().any(|o| o.starts_with(r) || r.starts_with(o))) {
            return Err(SandboxError::Own(p.clone()));
        }
        let mut hidden: Vec<PathBuf> = own.clone();
        for entry in hidden_list(config_dir)? {
            let Some(path) = expand(&entry.path).as_deref().and_then(canonical) else { continue };
            if !readable.iter().any(|r| path.starts_with(r)) {
                hidden.push(path);
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
        hidden.extend(
            ["/run/docker.sock", "/var/run/docker.sock"].iter().filter_map(|p| canonical(Path::new(p))),
        );
        // Nothing under /tmp (the sandbox has its own), none twice, none inside another.
        hidden.retain(|p| !p.starts_with("/tmp") && p != Path::new("/"));
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
        Ok(Plan { settings, hidden, writable, notices })
    }

    /// A line for the audit grant: the rules, no values.
    pub(crate) fn summary(&self) -> String {
        format!(
            "{}; writable: {}; hidden: {}",
            self.settings.mode.as_str(),
            self.writable.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            self.hidden.len()
        )
    }

    /// bubblewrap's arguments and the launcher's, up to the command: a sandbox whose
    /// first process is `launcher --sandbox-init`, with the broker's `socket` and the
    /// certificate `bundle` bound inside at [`INSIDE_SOCKET`] and [`INSIDE_BUNDLE`].
    pub(crate) fn arguments(
        &self,
        launcher: &Path,
        port: u16,
        broker: &Path,
        ctty: bool,
        info_fd: i32,
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
        // Writable binds first: the hides after them cover what they would expose.
        for path in &self.writable {
            push(&[&"--bind", path, path]);
        }
        push(&[&"--ro-bind", &broker.join("broker.sock"), &INSIDE_SOCKET]);
        push(&[&"--ro-bind", &broker.join("ca-bundle.pem"), &INSIDE_BUNDLE]);
        for path in &self.hidden {
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
        if self.settings.mode == Mode::BestEffort {
            push(&[&"--best-effort"]);
        }
        for part in std::env::var(PRETEND_ENV).unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
            push(&[&"--pretend-missing", &part]);
        }
        if ctty {
            push(&[&"--ctty"]);
        }
        push(&[&"--"]);
        a
    }
}

/// Where the broker's socket is inside a sandbox.
pub const INSIDE_SOCKET: &str = "/tmp/.latchkey/broker.sock";
/// Where the certificate bundle is inside a sandbox.
pub const INSIDE_BUNDLE: &str = "/tmp/.latchkey/ca-bundle.pem";

/// Set in a sandboxed command's environment, so that latchkey inside says why it cannot
/// reach the vault.
pub const INSIDE_ENV: &str = "LATCHKEY_SANDBOXED";

/// The variable that makes the sandbox treat parts of the kernel as missing
/// (`landlock-network,seccomp`): how the refusal is tested, and how a user sees what
/// best effort would leave out.
pub const PRETEND_ENV: &str = "LATCHKEY_SANDBOX_PRETEND_MISSING";

/// The variables of the session a sandboxed command does not get: the keychain's bus,
/// the agents' sockets, the displays.
pub const DROPPED: &[&str] = &[
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "SSH_AUTH_SOCK",
    "GPG_AGENT_INFO",
    "WAYLAND_DISPLAY",
    "DISPLAY",
    "XAUTHORITY",
];

/// Whether this machine lets latchkey make the sandbox's namespaces, and why not.
pub fn user_namespaces() -> Result<(), String> {
    let read = |p: &str| std::fs::read_to_string(p).ok().map(|v| v.trim().to_owned());
    #[cfg(unix)]
    let root = rustix::process::geteuid().is_root();
    #[cfg(not(unix))]
    let root = false;
    if read("/proc/sys/user/max_user_namespaces").as_deref() == Some("0") {
        return Err("user.max_user_namespaces is 0: sysctl -w user.max_user_namespaces=10000".into());
    }
    if !root && read("/proc/sys/kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        return Err(
            "kernel.unprivileged_userns_clone is 0: sysctl -w kernel.unprivileged_userns_clone=1".into()
        );
    }
    if !root && read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        return Err(
            "AppArmor restricts unprivileged user namespaces: install latchkey's AppArmor profile, or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
                .into(),
        );
    }
    Ok(())
}

/// bubblewrap, found on PATH.
pub fn bubblewrap() -> Option<PathBuf> {
    crate::launch::find_program(std::ffi::OsStr::new("bwrap"), std::env::var_os("PATH").as_deref())
}
