//! The types of the Leaks screen's agent tools: the tools on this machine, their MCP
//! servers with the names (never the values) of their plaintext secrets, Protect and
//! Unprotect, Claude Code's deny rules, and the daily sweep.

use latchkey_core as core;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The agent tools, their servers, the deny rules Claude Code lacks, and the daily sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentToolsView {
    /// The tools found.
    pub tools: Vec<ToolInfo>,
    /// Their MCP servers.
    pub servers: Vec<ServerInfo>,
    /// One line per config that could not be read.
    pub unreadable: Vec<String>,
    /// Claude Code's settings file.
    pub claude_settings: String,
    /// The deny rules it lacks.
    pub deny_missing: Vec<String>,
    /// Whether the app sweeps once a day.
    pub daily_sweep: bool,
    /// When it last did (RFC 3339).
    pub last_sweep: Option<String>,
}

/// An agent tool on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    /// Its id: `claude-code`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its places that exist.
    pub places: Vec<String>,
}

/// One MCP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// The tool's id.
    pub tool: String,
    /// The server's name.
    pub name: String,
    /// Its config file.
    pub config: String,
    /// What it runs: a program's file name, or a remote host.
    pub runs: String,
    /// Where plaintext secrets sit: `env.NAME`, `headers.NAME`, `args[N]`.
    pub secrets: Vec<String>,
    /// Whether it runs through `latchkey run`.
    pub protected: bool,
    /// Whether Protect can move its secrets (a local command with secrets in `env`).
    pub protectable: bool,
}

impl ServerInfo {
    /// The UI's view of a server.
    pub fn new(s: &core::sweep::servers::Server) -> Self {
        Self {
            tool: s.tool.clone(),
            name: s.name.clone(),
            config: s.config.display().to_string(),
            runs: s.runs(),
            secrets: s.secrets.clone(),
            protected: s.protected,
            protectable: s.protectable(),
        }
    }
}

/// `protect_server`'s and `unprotect_server`'s request: a server, and for Protect the
/// environment its keys go to.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerRequest {
    /// The tool's id.
    pub tool: String,
    /// The server's name.
    pub name: String,
    /// The config file, as listed.
    pub config: String,
    /// The environment (Protect only).
    pub environment: Option<String>,
}

/// What Protect did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectResult {
    /// The profile the server now runs with.
    pub profile: String,
    /// Variables stored anew.
    pub moved: Vec<String>,
    /// Variables the vault held already, with the same value.
    pub reused: Vec<String>,
    /// Secrets left in place (headers, arguments).
    pub left: Vec<String>,
}

impl From<core::sweep::protect::Protection> for ProtectResult {
    fn from(p: core::sweep::protect::Protection) -> Self {
        let names = |v: Vec<core::VariableName>| v.into_iter().map(|n| n.to_string()).collect();
        Self { profile: p.profile.to_string(), moved: names(p.moved), reused: names(p.reused), left: p.left }
    }
}
