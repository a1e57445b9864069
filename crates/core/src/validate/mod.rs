//! Validation: does a value look like a working key of the right provider, and does a
//! base URL point where it should? And, on request, does the key actually work?
//!
//! Format checks ([`check`]) are offline and fast: provider detection from the value and
//! the variable name, checksums, placeholders, whitespace, entropy, and for URL-valued
//! config the endpoint rules. Online checks ([`verify`]) send one side-effect-free
//! request per key, and only when asked. This module never stores anything; the vault
//! records results (see [`crate::variable::Validation`]).

mod catalog;
pub(crate) mod checksum;
mod endpoint;
mod key;
mod pattern;
mod placeholder;
pub mod verify;

use serde::{Deserialize, Serialize};

use crate::kind::Kind;

pub use catalog::{
    Catalog, CatalogError, Checksum, Format, Provider, USER_CATALOG_FILE, VerifyRequest, config_dir,
    may_be_built_in_key,
};
pub use endpoint::is_endpoint_name;

/// What is wrong with a value. The codes are stable: scripts and the UI branch on them.
/// Findings list problems in this order, the most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProblemCode {
    /// A placeholder, a template or a documentation sample, not a real key.
    Placeholder,
    /// The key's embedded checksum is wrong.
    Checksum,
    /// The key's embedded checksum does not hold under a scheme not confirmed against
    /// real keys (npm's): a warning, never a refusal.
    UnconfirmedChecksum,
    /// A key of one provider under another provider's variable name.
    ProviderMismatch,
    /// Not the shape of the provider's keys.
    Format,
    /// Shorter than 10 characters.
    TooShort,
    /// Surrounding whitespace, quotes or a newline.
    Whitespace,
    /// Control or invisible characters.
    NonPrintable,
    /// Looks like a password or a word, not a generated key.
    LowEntropy,
    /// Not a usable http(s) URL.
    InvalidUrl,
    /// A host that imitates a provider's host.
    LookalikeHost,
    /// A user name or password inside the URL.
    CredentialsInUrl,
    /// `http` to a host that is not loopback.
    InsecureScheme,
    /// A host that is not the provider's.
    HostNotAllowed,
}

impl ProblemCode {
    /// The stable code, as in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::TooShort => "too_short",
            ProblemCode::Placeholder => "placeholder",
            ProblemCode::Checksum => "checksum",
            ProblemCode::UnconfirmedChecksum => "unconfirmed_checksum",
            ProblemCode::Whitespace => "whitespace",
            ProblemCode::NonPrintable => "non_printable",
            ProblemCode::LowEntropy => "low_entropy",
            ProblemCode::ProviderMismatch => "provider_mismatch",
            ProblemCode::Format => "format",
            ProblemCode::InsecureScheme => "insecure_scheme",
            ProblemCode::CredentialsInUrl => "credentials_in_url",
            ProblemCode::HostNotAllowed => "host_not_allowed",
            ProblemCode::LookalikeHost => "lookalike_host",
            ProblemCode::InvalidUrl => "invalid_url",
        }
    }

    /// Whether `latchkey set` refuses a value with this problem unless forced: the value
    /// cannot be a working key, or not one for this variable (another provider's key,
    /// which the variable's clients would send to the wrong service).
    pub fn refuses_storing(self) -> bool {
        matches!(self, ProblemCode::Placeholder | ProblemCode::Checksum | ProblemCode::ProviderMismatch)
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem: its code and a sentence for people. The message never holds the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The stable code.
    pub code: ProblemCode,
    /// What is wrong and what to do.
    pub message: String,
}

/// The format verdict on a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatVerdict {
    /// A known provider's format, and nothing wrong.
    Ok,
    /// Something is wrong: see the problems.
    Invalid,
    /// Nothing is wrong, but no provider's format was recognised.
    Unknown,
}

/// The result of the format checks on one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The provider, detected from the value or suggested by the name.
    pub provider: Option<String>,
    /// The verdict.
    pub format: FormatVerdict,
    /// What is wrong, in a stable order.
    pub problems: Vec<Problem>,
}

impl Finding {
    fn new(provider: Option<String>, mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|p| p.code);
        problems.dedup_by_key(|p| p.code);
        let format = match (&provider, problems.is_empty()) {
            (_, false) => FormatVerdict::Invalid,
            (Some(_), true) => FormatVerdict::Ok,
            (None, true) => FormatVerdict::Unknown,
        };
        Self { provider, format, problems }
    }

    /// Whether a problem with this code was found.
    pub fn has(&self, code: ProblemCode) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    /// The problems that make `set` refuse the value unless forced.
    pub fn refusals(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.code.refuses_storing())
    }
}

/// Checks `value`, stored (or to be stored) under `name` as `kind`. `config` looks up
/// the values of config variables of the same environment, for base URLs
/// (`OPENAI_BASE_URL`).
///
/// URL-valued variables (`*_BASE_URL`, `*_ENDPOINT`, `*_API_BASE`, and the catalog's
/// base URL variables) get the endpoint checks, secrets the key checks; other config
/// (a model name, a log level) has no format to check.
pub fn check(
    catalog: &Catalog,
    name: &str,
    kind: Kind,
    value: &str,
    config: &dyn Fn(&str) -> Option<String>,
) -> Finding {
    if is_endpoint_name(name) || catalog.provider_for_url_variable(name).is_some() {
        endpoint::check(catalog, name, value)
    } else if kind == Kind::Secret {
        key::check(catalog, name, value, config)
    } else {
        Finding::new(None, Vec::new())
    }
}

/// The provider whose key `value` is by a format that tells on its own, with its
/// checksum holding where the format has one: a well-formed key found in the open.
pub fn key_provider<'a>(catalog: &'a Catalog, value: &str) -> Option<&'a Provider> {
    catalog
        .matches(value)
        .find(|(_, format)| {
            format.context.is_empty() && format.checksum.is_none_or(|sum| checksum::holds(sum, value))
        })
        .map(|(provider, _)| provider)
}

/// [`check`] for a value with no environment around it, taken as a secret unless its
/// name says it is an endpoint (`latchkey check --stdin`).
pub fn check_alone(catalog: &Catalog, name: &str, value: &str) -> Finding {
    check(catalog, name, Kind::Secret, value, &|_| None)
}

/// `value` without surrounding whitespace and one pair of matching quotes: what the
/// user meant, when [`ProblemCode::Whitespace`] was found.
pub fn trimmed(value: &str) -> &str {
    let inner = value.trim();
    for quote in ['"', '\'', '`'] {
        if let Some(unquoted) = inner.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return unquoted.trim();
        }
    }
    inner
}
