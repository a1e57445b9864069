//! The daily sweep: whether the app sweeps the agent tools and histories once a day
//! while it runs, and when it last did, in `sweep.toml` beside the vault.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Vault;

const SCHEDULE_FILE: &str = "sweep.toml";

/// How long after a sweep the next one is due.
pub const DAY: time::Duration = time::Duration::days(1);

/// The daily sweep's settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Whether the app sweeps once a day.
    #[serde(default)]
    pub daily: bool,
    /// When it last swept.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub last: Option<OffsetDateTime>,
}

impl Schedule {
    /// Whether a sweep is due at `now`: on, and never swept, or a day ago or more (or
    /// "in the future", after the clock was set back).
    pub fn due(&self, now: OffsetDateTime) -> bool {
        self.daily && self.last.is_none_or(|last| now - last >= DAY || last > now)
    }
}

/// Why the schedule could not be read or saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The file could not be read or written.
    #[error("cannot use {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It does not parse.
    #[error("{path} is damaged ({reason}): delete it to turn the daily sweep off")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl Vault {
    fn schedule_path(&self) -> PathBuf {
        self.home().dir().join(SCHEDULE_FILE)
    }

    /// The daily sweep's settings (off when never set).
    pub fn sweep_schedule(&self) -> Result<Schedule, ScheduleError> {
        let path = self.schedule_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| ScheduleError::Invalid { path, reason: e.message().to_owned() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Schedule::default()),
            Err(source) => Err(ScheduleError::Io { path, source }),
        }
    }

    /// Saves the daily sweep's settings, atomically.
    pub fn set_sweep_schedule(&self, schedule: Schedule) -> Result<(), ScheduleError> {
        let path = self.schedule_path();
        let text = toml::to_string(&schedule).expect("a schedule serializes");
        crate::atomic::write_atomic(&path, text.as_bytes())
            .map_err(|source| ScheduleError::Io { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_is_due_a_day_after_the_last_and_never_when_off() {
        let now = time::macros::datetime!(2026-12-07 08:00 UTC);
        let on = |last| Schedule { daily: true, last };
        assert!(on(None).due(now));
        assert!(!on(Some(now - time::Duration::hours(23))).due(now));
        assert!(on(Some(now - DAY)).due(now));
        assert!(on(Some(now + time::Duration::hours(2))).due(now), "a clock set back");
        assert!(!Schedule { daily: false, last: None }.due(now));
    }
}
