//! The types of key validation: status badges, checks while typing, verification.

use latchkey_core as core;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Kind;

/// The format verdict on a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FormatStatus {
    /// A known provider's format, nothing wrong.
    Ok,
    /// Something is wrong.
    Invalid,
    /// Nothing wrong, no provider recognised.
    Unknown,
}

/// What a provider said about a key online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnlineStatus {
    /// Accepted.
    Valid,
    /// Rejected.
    Invalid,
    /// No answer either way.
    Indeterminate,
    /// Not checked: every known check has a side effect.
    NoSafeCheck,
}

/// A problem found in a value: a stable code and a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProblemInfo {
    /// What kind of problem.
    pub code: core::ProblemCode,
    /// What is wrong and what to do.
    pub message: String,
    /// Whether saving refuses a value with this problem unless forced (core's rule).
    pub refuses: bool,
}

impl From<&core::Problem> for ProblemInfo {
    fn from(p: &core::Problem) -> Self {
        ProblemInfo { code: p.code, message: p.message.clone(), refuses: p.code.refuses_storing() }
    }
}

/// The latest validation of a stored variable, for its status badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckInfo {
    /// The provider detected.
    pub provider: Option<String>,
    /// The format verdict.
    pub format: FormatStatus,
    /// The codes of the problems found.
    pub problems: Vec<core::ProblemCode>,
    /// Whether saving refuses such a value unless forced (core's rule, for the badge).
    pub refused: bool,
    /// When the format was checked (RFC 3339).
    pub checked: String,
    /// The latest online check, if any.
    pub online: Option<OnlineStatus>,
    /// Its HTTP status.
    pub online_status: Option<u16>,
    /// When it was made (RFC 3339).
    pub online_at: Option<String>,
}

/// `check_value`'s request: a value being typed, checked as if stored under `name`.
#[derive(Debug, Deserialize, TS)]
pub struct CheckValueRequest {
    /// The environment (its base URLs count).
    pub env: String,
    /// The variable name it would be stored under.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// The value typed so far.
    #[ts(type = "string")]
    pub value: SecretString,
}

/// The format checks of a value: what the add dialog shows while a key is typed, and
/// part of each `verify_variables` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValueCheck {
    /// The provider detected (its id).
    pub provider: Option<String>,
    /// The provider's name.
    pub provider_name: Option<String>,
    /// The verdict.
    pub format: FormatStatus,
    /// The problems found.
    pub problems: Vec<ProblemInfo>,
    /// Whether saving refuses it unless forced (a placeholder, a failed checksum).
    pub refused: bool,
}

/// One variable's result from `verify_variables`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    /// The variable.
    pub name: String,
    /// Its format checks.
    pub check: ValueCheck,
    /// What the provider said; `null` for config and keys that cannot work.
    pub online: Option<OnlineStatus>,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// What happened, for the user.
    pub message: Option<String>,
}

impl From<core::FormatVerdict> for FormatStatus {
    fn from(verdict: core::FormatVerdict) -> Self {
        match verdict {
            core::FormatVerdict::Ok => FormatStatus::Ok,
            core::FormatVerdict::Invalid => FormatStatus::Invalid,
            core::FormatVerdict::Unknown => FormatStatus::Unknown,
        }
    }
}

impl From<core::validate::verify::Online> for OnlineStatus {
    fn from(online: core::validate::verify::Online) -> Self {
        use core::validate::verify::Online;
        match online {
            Online::Valid => OnlineStatus::Valid,
            Online::Invalid => OnlineStatus::Invalid,
            Online::Indeterminate => OnlineStatus::Indeterminate,
            Online::NoSafeCheck => OnlineStatus::NoSafeCheck,
        }
    }
}

impl ValueCheck {
    /// The UI's view of a finding.
    pub fn new(finding: &core::Finding, catalog: &core::Catalog) -> Self {
        ValueCheck {
            provider_name: finding
                .provider
                .as_deref()
                .and_then(|id| catalog.provider(id))
                .map(|p| p.name.clone()),
            provider: finding.provider.clone(),
            format: finding.format.into(),
            problems: finding.problems.iter().map(ProblemInfo::from).collect(),
            refused: finding.refusals().next().is_some(),
        }
    }
}

impl VerifyResult {
    /// The UI's view of one variable's check.
    pub fn new(checked: &core::Checked, catalog: &core::Catalog) -> Self {
        VerifyResult {
            name: checked.name.to_string(),
            check: ValueCheck::new(&checked.finding, catalog),
            online: checked.online.as_ref().map(|v| v.online.into()),
            status: checked.online.as_ref().and_then(|v| v.status),
            message: checked.online.as_ref().map(|v| v.message.clone()),
        }
    }
}
