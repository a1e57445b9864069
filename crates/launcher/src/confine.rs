//! The sandbox's confinement, which its first process applies to itself before it
//! starts the command. What it sets is inherited by the command and every process it
//! starts, and none of it can be undone:
//!
//! - Landlock: writing only beneath the writable paths (the working directory, the
//!   sandbox's `/tmp`, `/dev`, `--writable`); TCP connections only to the broker's
//!   port; no abstract Unix sockets and no signals outside the sandbox's own processes;
//! - seccomp: no UDP, raw or other non-TCP sockets (DNS lookups included), no
//!   io_uring (which would go around the socket rules), no ptrace, no keyrings, no
//!   typing into the terminal (TIOCSTI);
//! - no capabilities and no new privileges.
//!
//! Reading is confined by what the sandbox shows (bubblewrap and [`crate::standin`]
//! hide the vault, the identity, the keychain's socket and the credential stores), not
//! here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, LandlockStatus, NetPort, RestrictSelf,
    Ruleset, RulesetAttr, RulesetCreatedAttr, Scope, path_beneath_rules,
};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
};

/// How the sandbox confines its processes.
#[derive(Debug, Default, PartialEq)]
pub struct Confine {
    /// The broker's port: the only TCP port the command may connect to.
    pub port: u16,
    /// Where the command may write.
    pub writable: Vec<PathBuf>,
    /// Run with what the kernel offers, naming what it does not (else refuse).
    pub best_effort: bool,
    /// Parts to treat as missing (tests of the refusal; `doctor` support).
    pub pretend_missing: Vec<String>,
}

/// A part of the sandbox the kernel may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Landlock's filesystem rules (ABI 1; 5 for device ioctls).
    LandlockFiles,
    /// Landlock's TCP rules (ABI 4).
    LandlockNetwork,
    /// Landlock's scopes: abstract Unix sockets and signals (ABI 6).
    LandlockScopes,
    /// seccomp filters.
    Seccomp,
}

impl Part {
    /// Its name, as `--pretend-missing` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Part::LandlockFiles => "landlock-files",
            Part::LandlockNetwork => "landlock-network",
            Part::LandlockScopes => "landlock-scopes",
            Part::Seccomp => "seccomp",
        }
    }

    /// What it keeps the command from doing, for the refusal.
    pub fn what(self) -> &'static str {
        match self {
            Part::LandlockFiles => "Landlock filesystem rules (writing outside the working directory)",
            Part::LandlockNetwork => "Landlock network rules, ABI 4 (TCP connections around the broker)",
            Part::LandlockScopes => {
                "Landlock scopes, ABI 6 (abstract sockets and signals outside the sandbox)"
            }
            Part::Seccomp => "seccomp (UDP, DNS lookups and raw sockets)",
        }
    }
}

/// The running kernel's Landlock ABI, 0 when it has none.
pub fn landlock_abi() -> i32 {
    match RestrictSelf::default().no_new_privs(false).apply().map(|s| s.landlock) {
        Ok(LandlockStatus::Available { effective_abi, kernel_abi }) => {
            kernel_abi.unwrap_or(effective_abi as i32)
        }
        _ => 0,
    }
}

/// Whether seccomp filters can be installed.
pub fn seccomp_available() -> bool {
    std::fs::read_to_string("/proc/sys/kernel/seccomp/actions_avail").is_ok_and(|a| a.contains("errno"))
}

/// The parts this kernel lacks (or that `pretend` names).
pub fn missing(pretend: &[String]) -> Vec<Part> {
    let abi = landlock_abi();
    let mut missing = Vec::new();
    for (part, needs) in [(Part::LandlockFiles, 1), (Part::LandlockNetwork, 4), (Part::LandlockScopes, 6)] {
        if abi < needs || pretend.iter().any(|p| p == part.name()) {
            missing.push(part);
        }
    }
    if !seccomp_available() || pretend.iter().any(|p| p == Part::Seccomp.name()) {
        missing.push(Part::Seccomp);
    }
    missing
}

/// Confines this process as `confine` says. The error is the line to print.
pub fn apply(confine: &Confine) -> Result<(), String> {
    let missing = missing(&confine.pretend_missing);
    if !missing.is_empty() {
        let list = missing.iter().map(|p| p.what()).collect::<Vec<_>>().join("; ");
        if !confine.best_effort {
            return Err(format!(
                "the sandbox cannot start: this kernel lacks {list}; run with --sandbox=best-effort to run without it"
            ));
        }
        eprintln!("latchkey: sandbox (best effort) without {list}");
    }
    let has = |part| !missing.contains(&part);
    if has(Part::LandlockFiles) {
        landlock(confine, has(Part::LandlockNetwork), has(Part::LandlockScopes))
            .map_err(|e| format!("the sandbox cannot start: Landlock: {e}"))?;
    } else {
        rustix::thread::set_no_new_privs(true).map_err(|e| format!("no new privileges: {e}"))?;
    }
    if has(Part::Seccomp) {
        let filter = filter().map_err(|e| format!("the sandbox cannot start: seccomp: {e}"))?;
        seccompiler::apply_filter(&filter).map_err(|e| format!("the sandbox cannot start: seccomp: {e}"))?;
    }
    Ok(())
}

fn landlock(confine: &Confine, network: bool, scopes: bool) -> Result<(), landlock::RulesetError> {
    let write = AccessFs::from_write(ABI::V5);
    let mut ruleset = Ruleset::default().set_compatibility(CompatLevel::BestEffort).handle_access(write)?;
    if network {
        ruleset = ruleset.handle_access(AccessNet::ConnectTcp)?;
    }
    if scopes {
        ruleset = ruleset.scope(Scope::from_all(ABI::V6))?;
    }
    let mut created = ruleset.create()?.add_rules(path_beneath_rules(&confine.writable, write))?;
    if network {
        created = created.add_rule(NetPort::new(confine.port, AccessNet::ConnectTcp))?;
    }
    created.restrict_self()?;
    Ok(())
}

/// The seccomp filter: what no process of the sandbox may do, each refused with EPERM.
fn filter() -> Result<BpfProgram, seccompiler::BackendError> {
    let condition = |arg, op, value: u64| {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).expect("a valid condition")
    };
    let rule = |conditions| SeccompRule::new(conditions).expect("a rule has conditions");
    let (af_unix, af_inet, af_inet6, af_netlink) =
        (libc::AF_UNIX as u64, libc::AF_INET as u64, libc::AF_INET6 as u64, libc::AF_NETLINK as u64);
    let mut socket = vec![
        // Families other than Unix, IPv4, IPv6 and netlink (vsock, packet, ...).
        rule(vec![
            condition(0, SeccompCmpOp::Ne, af_unix),
            condition(0, SeccompCmpOp::Ne, af_inet),
            condition(0, SeccompCmpOp::Ne, af_inet6),
            condition(0, SeccompCmpOp::Ne, af_netlink),
        ]),
    ];
    for family in [af_inet, af_inet6] {
        // Any type but a stream: UDP (DNS lookups), raw, reliable datagrams, sequenced
        // packets, DCCP, packet.
        for kind in [libc::SOCK_DGRAM, libc::SOCK_RAW, libc::SOCK_RDM, libc::SOCK_SEQPACKET, 6, 10] {
            socket.push(rule(vec![
                condition(0, SeccompCmpOp::Eq, family),
                condition(1, SeccompCmpOp::MaskedEq(0xf), kind as u64),
            ]));
        }
        // A stream that is not TCP (MPTCP, SCTP).
        socket.push(rule(vec![
            condition(0, SeccompCmpOp::Eq, family),
            condition(2, SeccompCmpOp::Ne, 0),
            condition(2, SeccompCmpOp::Ne, libc::IPPROTO_TCP as u64),
        ]));
    }
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    rules.insert(libc::SYS_socket, socket);
    rules.insert(
        libc::SYS_ioctl,
        vec![
            rule(vec![condition(1, SeccompCmpOp::Eq, libc::TIOCSTI)]),
            rule(vec![condition(1, SeccompCmpOp::Eq, libc::TIOCLINUX)]),
        ],
    );
    for call in [
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
    ] {
        rules.insert(call, Vec::new());
    }
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|_| seccompiler::BackendError::InvalidTargetArch(std::env::consts::ARCH.into()))?;
    let filter =
        SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)?;
    filter.try_into()
}
