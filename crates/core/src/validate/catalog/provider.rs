//! A provider's entry in the catalog: the shapes of its keys, where its API lives, the
//! request that verifies a key, and where the credential broker carries one.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A checksum embedded in a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// The last 6 characters are the CRC32 of the 30 characters after the prefix's `_`,
    /// in base62 (GitHub classic tokens, npm tokens).
    Crc32Base62,
    /// Characters 78 to 85 are base32 of SHA-256 of the first 77 (GitHub fine-grained).
    Sha256Base32,
}

/// One shape a provider's keys take.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// A regex matched against the whole value.
    pub pattern: String,
    /// Variable names under which this shape counts; empty means it counts anywhere.
    #[serde(default)]
    pub context: Vec<String>,
    /// The checksum keys of this shape carry.
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Whether the checksum scheme was confirmed against real keys (and where): only a
    /// confirmed checksum that fails refuses a value; an unconfirmed one warns.
    #[serde(default = "yes")]
    pub checksum_confirmed: bool,
    /// Whether keys of this shape can be verified online (a webhook URL cannot).
    #[serde(default = "yes")]
    pub verify: bool,
}

fn yes() -> bool {
    true
}

/// How to ask a provider whether a key works.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// `false` when every known check has a side effect: such keys are never sent.
    #[serde(default = "yes")]
    pub safe: bool,
    /// Set when a safe check exists but latchkey cannot make it; says why.
    #[serde(default)]
    pub unsupported: Option<String>,
    /// `GET` or `POST`.
    #[serde(default)]
    pub method: String,
    /// Appended to the base URL; may carry a query.
    #[serde(default)]
    pub path: String,
    /// The header that carries the key.
    #[serde(default)]
    pub auth: String,
    /// What goes before the key in that header (`Bearer `).
    #[serde(default)]
    pub prefix: String,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A request body (JSON).
    #[serde(default)]
    pub body: Option<String>,
    /// Statuses that mean the key was rejected.
    #[serde(default)]
    pub invalid: Vec<u16>,
    /// Non-2xx statuses that still prove the key exists (a restricted key's 403).
    #[serde(default)]
    pub valid: Vec<u16>,
    /// A boolean field of a 2xx JSON answer that says whether the key is valid.
    #[serde(default)]
    pub json_flag: Option<String>,
}

/// A provider: its keys, endpoints and verification request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// A stable id: `openai`, `github`, ...
    pub id: String,
    /// The name people know it by.
    pub name: String,
    /// Where the facts of this entry come from.
    #[serde(default)]
    pub source: String,
    /// The conventional variable names for its keys.
    #[serde(default)]
    pub variables: Vec<String>,
    /// The shapes of its keys.
    #[serde(default)]
    pub formats: Vec<Format>,
    /// Its API's base URL, when it has a fixed one.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Config variables that point its clients at another base URL.
    #[serde(default)]
    pub base_url_variables: Vec<String>,
    /// The hosts its API lives on.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Regexes for hosts that vary per customer (Azure resource hosts).
    #[serde(default)]
    pub host_patterns: Vec<String>,
    /// Whether other servers speak its API (OpenAI-compatible servers): then any https
    /// host is a legitimate base URL.
    #[serde(default)]
    pub compatible: bool,
    /// The page where its keys are created and revoked.
    #[serde(default)]
    pub keys_page: Option<String>,
    /// How to check a key online.
    #[serde(default)]
    pub verify: VerifyRequest,
    /// How the credential broker carries its keys; when absent, in the header that
    /// `verify` names.
    #[serde(default)]
    pub broker: Option<BrokerRoute>,
}

/// Where a provider's key travels in its requests, for the credential broker: the only
/// places where a placeholder is swapped for the key, and the hosts it may go to beyond
/// the provider's API hosts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerRoute {
    /// `false` when a key cannot be carried by swapping it in (AWS signs requests with it).
    #[serde(default = "yes")]
    pub carry: bool,
    /// Headers that may carry the key, anywhere in their value (`Authorization: Bearer
    /// KEY`; for `Basic` credentials, in the decoded user and password).
    #[serde(default)]
    pub headers: Vec<String>,
    /// Query parameters that may carry the key (Gemini's `key`).
    #[serde(default)]
    pub query: Vec<String>,
    /// Hosts the key is used on besides `hosts` (git over HTTPS on `github.com`).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Variables the provider's SDKs read their base URL from: in a brokered run they
    /// point at the broker.
    #[serde(default)]
    pub base_url_variables: Vec<String>,
}

impl Provider {
    /// How the broker carries this provider's keys: its `broker` entry, else the header
    /// its verification request uses.
    pub fn broker_route(&self) -> BrokerRoute {
        self.broker.clone().unwrap_or_else(|| BrokerRoute {
            carry: true,
            headers: (!self.verify.auth.is_empty()).then(|| self.verify.auth.clone()).into_iter().collect(),
            ..BrokerRoute::default()
        })
    }
}
