//! The credential broker: a brokered run's command uses its keys without ever holding
//! them.
//!
//! The command gets a placeholder for each key the broker can carry, shaped like the key
//! but valid nowhere. A proxy on loopback, for this run only, puts the real key into a
//! request in the one place the provider's catalog entry names (a header, a query
//! parameter), and only when the request goes to a host the key belongs to. Two ways
//! lead in: base-URL variables (`OPENAI_BASE_URL`) pointing at the broker, and
//! `HTTPS_PROXY`, through which connections to a key's hosts are intercepted with a
//! certificate authority made for the run. A placeholder on its way anywhere else is
//! refused; so is, by default, a connection to a host no key belongs to. A real value
//! that comes back in a response reaches the command as its placeholder.
//!
//! What it is not: a sandbox. A process of the same user can still read the vault or
//! call latchkey; see the launch's sandbox for that.
//!
//! The pieces: [`placeholder`] makes placeholders, `routes` decides which keys are
//! carried and where, `tls` is the run's authority and the upstream trust, `upstream`
//! the connections out, `body` the streaming filters, `proxy` the requests, and
//! `record` the audit entries and the listener.

mod body;
mod placeholder;
mod proxy;
mod record;
mod routes;
mod start;
mod tls;
mod upstream;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub(crate) use record::Recorder;
pub use routes::Plan;
pub(crate) use routes::plan;

/// Which connections a brokered run may make to hosts no brokered key belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Egress {
    /// None, except the hosts allowed by name.
    #[default]
    Strict,
    /// Any: they are tunnelled without inspection.
    Open,
}

impl Egress {
    /// Its name, as typed (`strict`, `open`).
    pub fn as_str(self) -> &'static str {
        match self {
            Egress::Strict => "strict",
            Egress::Open => "open",
        }
    }
}

impl std::str::FromStr for Egress {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "strict" => Ok(Egress::Strict),
            "open" => Ok(Egress::Open),
            _ => Err("egress is `strict` or `open`".into()),
        }
    }
}

/// How a run is brokered: what a profile stores and `run --broker` sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Connections to hosts no brokered key belongs to.
    #[serde(default)]
    pub egress: Egress,
    /// Hosts tunnelled without inspection under strict egress.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_hosts: Vec<String>,
    /// Whether secrets the broker cannot carry are withheld rather than passed as they are.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only: bool,
}

impl Settings {
    /// Checks the allowed hosts: each a host name or address, optionally `*.` and a
    /// domain (any host under it). Returns them lower-cased.
    pub fn with_hosts(mut self, hosts: &[String]) -> Result<Self, HostError> {
        // Blank entries (a trailing comma, an empty line in the app's field) are dropped.
        let hosts = hosts.iter().map(|h| h.trim()).filter(|h| !h.is_empty());
        self.allow_hosts = hosts.map(allowed_host).collect::<Result<_, _>>()?;
        Ok(self)
    }
}

/// Why an allowed host was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a host name: give one like api.example.com, or *.example.com for every host under it")]
pub struct HostError(pub String);

fn allowed_host(host: &str) -> Result<String, HostError> {
    let bare = host.strip_prefix("*.").unwrap_or(host);
    let fine = !bare.is_empty()
        && bare.len() <= 253
        && url::Host::parse(bare).is_ok()
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if fine {
        Ok(host.to_ascii_lowercase())
    } else {
        Err(HostError(crate::text::printable(host).into_owned()))
    }
}

/// One request through the broker, as front ends show it. It holds no header, body,
/// query or value.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// When it ended.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The secrets it carried, or whose placeholders it tried to take elsewhere.
    pub names: Vec<String>,
    /// Its method (`CONNECT` for a refused connection).
    pub method: String,
    /// The host it went to, or was refused.
    pub host: String,
    /// Its path, without the query.
    pub path: String,
    /// The status the command got.
    pub status: u16,
    /// Bytes of the request body sent on.
    pub sent: u64,
    /// Bytes of the response body.
    pub received: u64,
    /// For a refused or failed request, the line the command got, which front ends show.
    pub problem: Option<String>,
}

/// What a front end is told of each request, as it ends (the CLI prints refusals and
/// failures; the app lists them all).
pub type Listener = Arc<dyn Fn(&Request) + Send + Sync>;

/// Why a brokered run could not start. Nothing was started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrokerError {
    /// No loopback port could be opened.
    #[error("cannot open the broker's loopback port: {0}")]
    Listen(std::io::Error),
    /// The run's certificate authority could not be made.
    #[error("cannot make the broker's certificate authority: {0}")]
    Authority(String),
    /// The bundle of trusted certificates could not be written.
    #[error("cannot write the broker's certificate bundle in {path}: {source}")]
    Bundle {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The broker's thread could not start.
    #[error("cannot start the broker: {0}")]
    Thread(std::io::Error),
}

pub(crate) use start::Broker;
pub use tls::{EXTRA_CA_ENV, system_bundle_path};
pub use upstream::RESOLVE_ENV;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_are_checked_and_blank_entries_dropped() {
        let hosts = [" pypi.org ".to_owned(), String::new(), "*.example.com".to_owned(), "  ".to_owned()];
        let settings = Settings::default().with_hosts(&hosts).unwrap();
        assert_eq!(settings.allow_hosts, ["pypi.org", "*.example.com"]);
        let bad = Settings::default().with_hosts(&["bad host".to_owned()]).unwrap_err();
        assert_eq!(bad, HostError("bad host".to_owned()));
    }
}
