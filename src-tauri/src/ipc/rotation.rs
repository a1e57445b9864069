//! The types of the Rotation screen.

use latchkey_core as core;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ProblemInfo;

/// A secret's rotation schedule, for the Rotation screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationRow {
    /// The variable.
    pub name: String,
    /// Its provider.
    pub provider: Option<String>,
    /// Where its provider issues keys.
    pub keys_page: Option<String>,
    /// What kind of secret, for its preset interval.
    pub class: core::rotation::SecretClass,
    /// Where it stands.
    pub status: core::rotation::Status,
    /// The interval in days.
    pub interval_days: Option<u32>,
    /// When its value last changed (RFC 3339).
    pub rotated: String,
    /// When it is due (RFC 3339).
    pub due: Option<String>,
    /// Its hard expiry (YYYY-MM-DD).
    pub expires: Option<String>,
    /// Reminders are quiet until then (RFC 3339).
    pub snoozed_until: Option<String>,
    /// How many previous values it keeps.
    pub versions: u32,
    /// Where a sweep found its current value outside the vault, until it is rotated.
    pub leaked: Option<LeakInfo>,
}

/// Where a secret's current value was found outside the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeakInfo {
    /// The places, as the sweep named them.
    pub places: Vec<String>,
    /// When it was last found (RFC 3339).
    pub found: String,
}

impl RotationRow {
    /// The UI's view of a secret's schedule.
    pub fn new(due: &core::Due, catalog: &core::Catalog) -> Self {
        let rfc3339 = core::text::rfc3339;
        let v = &due.variable;
        RotationRow {
            name: v.name.to_string(),
            keys_page: v
                .provider
                .as_deref()
                .and_then(|p| catalog.provider(p))
                .and_then(|p| p.keys_page.clone()),
            provider: v.provider.clone(),
            class: due.class,
            status: due.schedule.status,
            interval_days: due.schedule.interval_days,
            rotated: rfc3339(v.rotated),
            due: due.schedule.due.map(rfc3339),
            expires: due.schedule.expires.map(|d| d.to_string()),
            snoozed_until: v.snoozed_until.map(rfc3339),
            versions: v.versions,
            leaked: due
                .leaked
                .as_ref()
                .map(|l| LeakInfo { places: l.places.clone(), found: rfc3339(l.found) }),
        }
    }
}

/// `rotate_secret`'s request.
#[derive(Debug, Deserialize, TS)]
pub struct RotateRequest {
    /// The environment.
    pub env: String,
    /// The secret.
    pub name: String,
    /// The new value, as pasted.
    #[ts(type = "string")]
    pub value: SecretString,
    /// Store it even if it is for another provider or a placeholder.
    pub force: bool,
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotateResult {
    /// Files exported with the old value, stale now.
    pub stale_exports: Vec<String>,
    /// Warnings about the new value.
    pub problems: Vec<ProblemInfo>,
    /// Why the rotation is missing from the audit log, when it is.
    pub audit_warning: Option<String>,
}

/// `set_rotation_policy`'s request.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationPolicyRequest {
    /// The environment.
    pub env: String,
    /// The secret.
    pub name: String,
    /// Rotate every this many days; 0 for never; `null` for the preset.
    pub every_days: Option<u32>,
    /// A hard expiry (YYYY-MM-DD), or `null`.
    pub expires: Option<String>,
}
