//! What this machine offers the sandbox: bubblewrap, user namespaces, and the Landlock
//! and seccomp support latchkey-launcher finds.

use std::path::PathBuf;

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

/// Whether `bwrap` is installed setuid and this user is not root: bubblewrap then
/// refuses the capability the sandbox's first process needs.
pub fn setuid_for_us(bwrap: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let setuid = std::fs::metadata(bwrap).is_ok_and(|m| m.permissions().mode() & 0o4000 != 0);
        setuid && !rustix::process::geteuid().is_root()
    }
    #[cfg(not(unix))]
    {
        let _ = bwrap;
        false
    }
}

/// What this machine offers the sandbox, for `latchkey doctor`.
#[derive(Debug, Clone)]
pub struct Report {
    /// bubblewrap: where, and its version line.
    pub bubblewrap: Option<(PathBuf, String)>,
    /// Whether user namespaces may be made, and why not.
    pub user_namespaces: Result<(), String>,
    /// latchkey-launcher, which confines the command.
    pub launcher: Option<PathBuf>,
    /// The kernel's Landlock ABI (0: none), as the launcher sees it.
    pub landlock_abi: Option<i32>,
    /// Whether seccomp filters can be installed.
    pub seccomp: Option<bool>,
    /// The parts a strict sandbox would refuse to start without.
    pub missing: Vec<String>,
}

/// Finds out what this machine offers the sandbox (runs `bwrap --version` and
/// `latchkey-launcher --probe`).
pub fn report() -> Report {
    let bubblewrap = bubblewrap().map(|path| {
        let version = std::process::Command::new(&path)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        (path, version)
    });
    let launcher = crate::launch::launcher_path();
    let probe = launcher
        .as_ref()
        .and_then(|l| std::process::Command::new(l).arg("--probe").output().ok())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let fact = |key: &str| probe.lines().find_map(|l| l.strip_prefix(key).map(str::trim).map(str::to_owned));
    Report {
        bubblewrap,
        user_namespaces: user_namespaces(),
        launcher,
        landlock_abi: fact("landlock-abi ").and_then(|v| v.parse().ok()),
        seccomp: fact("seccomp ").map(|v| v == "yes"),
        missing: fact("missing ")
            .filter(|m| m != "none")
            .map(|m| m.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}
