//! The types of agent profiles, running agents and the activity log.

use latchkey_core as core;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An agent profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProfileInfo {
    /// Its name.
    pub name: String,
    /// The environment its variables come from.
    pub env: String,
    /// Exactly the variables it gets.
    pub vars: Vec<String>,
    /// Its command, quoted as in a shell.
    pub command: Option<String>,
    /// Its working directory.
    pub cwd: Option<String>,
    /// Whether its runs are brokered, and how; `null` when they are not.
    pub broker: Option<BrokerSettings>,
    /// Whether its runs are sandboxed (which brokers them too), and how; `null` when
    /// they are not.
    pub sandbox: Option<SandboxSettings>,
    /// Variables of the app's environment it inherits although they look sensitive.
    pub inherit: Vec<String>,
}

/// How a profile's runs are sandboxed: no way around the broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SandboxSettings {
    /// `strict` refuses to start when the kernel lacks a part; `best-effort` runs
    /// without it and says so.
    pub mode: core::sandbox::Mode,
    /// Paths the command may write besides its working directory and `/tmp`.
    pub writable: Vec<String>,
    /// Paths hidden by default that the command may read.
    pub readable: Vec<String>,
}

impl SandboxSettings {
    /// Core's settings: blank paths dropped, `~/` expanded, a relative path refused.
    pub fn to_core(&self) -> Result<core::sandbox::Settings, core::sandbox::SandboxError> {
        let paths = |list: &[String]| {
            list.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).map(std::path::PathBuf::from).collect()
        };
        core::sandbox::Settings {
            mode: self.mode,
            writable: paths(&self.writable),
            readable: paths(&self.readable),
            within: None,
        }
        .absolute()
    }
}

impl From<&core::sandbox::Settings> for SandboxSettings {
    fn from(s: &core::sandbox::Settings) -> Self {
        let paths = |list: &[std::path::PathBuf]| list.iter().map(|p| p.display().to_string()).collect();
        SandboxSettings { mode: s.mode, writable: paths(&s.writable), readable: paths(&s.readable) }
    }
}

/// How a profile's runs are brokered: the agent holds placeholders, never keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BrokerSettings {
    /// Whether hosts no brokered key belongs to are refused, or tunnelled.
    pub egress: core::broker::Egress,
    /// Hosts tunnelled without inspection under strict egress (`*.example.com` for a
    /// domain).
    pub allow_hosts: Vec<String>,
    /// Whether secrets the broker cannot carry are withheld.
    pub only: bool,
}

impl BrokerSettings {
    /// Core's settings, the hosts checked.
    pub fn to_core(&self) -> Result<core::broker::Settings, core::broker::HostError> {
        core::broker::Settings { egress: self.egress, only: self.only, ..Default::default() }
            .with_hosts(&self.allow_hosts)
    }
}

impl From<&core::broker::Settings> for BrokerSettings {
    fn from(s: &core::broker::Settings) -> Self {
        BrokerSettings { egress: s.egress, allow_hosts: s.allow_hosts.clone(), only: s.only }
    }
}

impl ProfileInfo {
    /// The UI's view of a profile.
    pub fn new(name: &core::ProfileName, p: &core::Profile) -> Self {
        ProfileInfo {
            name: name.to_string(),
            env: p.env.to_string(),
            vars: p.vars.iter().map(|v| v.to_string()).collect(),
            command: p.command.as_deref().map(core::profile::join_command),
            cwd: p.cwd.as_ref().map(|d| d.display().to_string()),
            broker: p.broker.as_ref().map(BrokerSettings::from),
            sandbox: p.sandbox.as_ref().map(SandboxSettings::from),
            inherit: p.inherit.iter().map(|v| v.to_string()).collect(),
        }
    }
}

/// `save_profile`'s request.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SaveProfileRequest {
    /// Its name.
    pub name: String,
    /// The environment.
    pub env: String,
    /// Exactly the variables it gets.
    pub vars: Vec<String>,
    /// Its command, quoted as in a shell; empty for none.
    pub command: Option<String>,
    /// Its working directory; empty for none.
    pub cwd: Option<String>,
    /// Whether its runs are brokered, and how; `null` for not brokered.
    pub broker: Option<BrokerSettings>,
    /// Whether its runs are sandboxed, and how; `null` for not sandboxed. Absent means
    /// `null`.
    #[serde(default)]
    pub sandbox: Option<SandboxSettings>,
    /// Variables of the app's environment it inherits although they look sensitive.
    /// Absent means none.
    #[serde(default)]
    pub inherit: Vec<String>,
    /// Change an existing profile (true) or create one (false).
    pub replace: bool,
}

/// One entry of the activity (audit) log: names, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    /// Its position in the log.
    pub seq: u32,
    /// When (RFC 3339).
    pub at: String,
    /// What kind of access.
    pub access: core::audit::Access,
    /// The agent profile, for grants through one.
    pub profile: Option<String>,
    /// The program, for grants.
    pub program: Option<String>,
    /// The environment.
    pub env: String,
    /// The variables.
    pub names: Vec<String>,
    /// The program's exit code.
    pub exit_code: Option<i32>,
    /// How long it ran.
    pub duration_ms: Option<u32>,
    /// The file, for exports; the path without its query, for brokered requests.
    pub path: Option<String>,
    /// A brokered request's method.
    pub method: Option<String>,
    /// The host a brokered request went to, or was refused.
    pub host: Option<String>,
    /// The status a brokered request got.
    pub status: Option<u16>,
    /// Why a brokered request was refused or failed.
    pub reason: Option<String>,
    /// For a sandboxed grant, its rules: mode, writable paths, how many paths were
    /// hidden.
    pub sandbox: Option<String>,
}

impl From<core::audit::Entry> for ActivityEntry {
    fn from(e: core::audit::Entry) -> Self {
        ActivityEntry {
            seq: e.seq as u32,
            at: core::text::rfc3339(e.at),
            access: e.access,
            profile: e.event.profile,
            program: e.event.program,
            env: e.event.env,
            names: e.event.names,
            exit_code: e.event.exit_code,
            duration_ms: e.event.duration_ms.map(|d| d.min(u64::from(u32::MAX)) as u32),
            path: e.event.path,
            method: e.event.method,
            host: e.event.host,
            status: e.event.status,
            reason: e.event.reason,
            sandbox: e.event.sandbox,
        }
    }
}

/// Which stream of an agent's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AgentStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A chunk of an agent's output, masked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AgentOutput {
    /// The run.
    pub id: u32,
    /// Which stream.
    pub stream: AgentStream,
    /// The text (ANSI colour codes included), with secrets masked.
    pub text: String,
}

/// How an agent ended.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentExit {
    /// The run.
    pub id: u32,
    /// Its exit status as latchkey reports it (128+N for signal N).
    pub code: u8,
    /// How long it ran.
    pub duration_ms: u32,
    /// Why its end could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
}

/// A running agent, as the window sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentRun {
    /// Its run id, for output events and Stop.
    pub id: u32,
    /// The profile.
    pub profile: String,
    /// The process id.
    pub pid: u32,
    /// The command line (program and arguments).
    pub command: String,
    /// Lines to show before its output (withholding rules changed, values too short to
    /// mask).
    pub notices: Vec<String>,
    /// Variables of the app's environment the agent did not inherit.
    pub withheld: Vec<String>,
    /// Why its grant could not be recorded in the audit log, if so.
    pub audit_warning: Option<String>,
    /// For a brokered run, the secrets it holds placeholders for; `null` when the run
    /// is not brokered.
    pub brokered: Option<Vec<String>>,
    /// Whether the run is sandboxed: the broker is its only way out.
    pub sandboxed: bool,
}

/// A request of a brokered agent, as it ended: names, never values.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentRequest {
    /// The run.
    pub id: u32,
    /// When it ended (RFC 3339).
    pub at: String,
    /// The secrets it carried, or whose placeholders it tried to take elsewhere.
    pub names: Vec<String>,
    /// Its method (`CONNECT` for a refused connection).
    pub method: String,
    /// The host.
    pub host: String,
    /// The path, without the query.
    pub path: String,
    /// The status the agent got.
    pub status: u16,
    /// Bytes of the request body.
    pub sent: u32,
    /// Bytes of the response body.
    pub received: u32,
    /// For a refused or failed request, why.
    pub problem: Option<String>,
}

impl AgentRequest {
    /// The window's view of request `r` of run `id`.
    pub fn new(id: u32, r: &core::broker::Request) -> Self {
        AgentRequest {
            id,
            at: core::text::rfc3339(r.at),
            names: r.names.clone(),
            method: r.method.clone(),
            host: r.host.clone(),
            path: r.path.clone(),
            status: r.status,
            sent: r.sent.min(u64::from(u32::MAX)) as u32,
            received: r.received.min(u64::from(u32::MAX)) as u32,
            problem: r.problem.clone(),
        }
    }
}
