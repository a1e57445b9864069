//! Rotation: how often each secret should be replaced, when it is due, and whether it is
//! due soon, overdue or expired. Pure computation with the clock passed in, so it is
//! tested without waiting; the vault stores policies and the history of values.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// What kind of secret a variable holds, for its preset interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SecretClass {
    /// An API key.
    ApiKey,
    /// A database password.
    DatabasePassword,
    /// A webhook signing secret.
    WebhookSecret,
    /// An access token.
    Token,
}

impl SecretClass {
    /// The class a variable name suggests; an API key when nothing else does.
    pub fn of(name: &str) -> Self {
        let upper = name.to_ascii_uppercase();
        if upper.contains("WEBHOOK") {
            SecretClass::WebhookSecret
        } else if crate::name::names_a_password(name) || upper.contains("DB_") || upper.contains("DATABASE") {
            SecretClass::DatabasePassword
        } else if upper.ends_with("_TOKEN") || upper.ends_with("_PAT") {
            SecretClass::Token
        } else {
            SecretClass::ApiKey
        }
    }

    /// Its name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretClass::ApiKey => "api key",
            SecretClass::DatabasePassword => "database password",
            SecretClass::WebhookSecret => "webhook secret",
            SecretClass::Token => "token",
        }
    }
}

/// A set of preset intervals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presets {
    /// 90 days for API keys, 180 for database passwords, 365 for webhook secrets, 90
    /// for tokens.
    #[default]
    Standard,
    /// The agent frameworks' security guidance: API keys and tokens weekly, database
    /// passwords monthly, webhook secrets quarterly.
    Strict,
}

/// A preset name that is neither `standard` nor `strict`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no preset `{0}`: use standard or strict")]
pub struct UnknownPreset(pub String);

impl std::str::FromStr for Presets {
    type Err = UnknownPreset;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "standard" => Ok(Self::Standard),
            "strict" => Ok(Self::Strict),
            other => Err(UnknownPreset(other.to_owned())),
        }
    }
}

impl Presets {
    /// The interval for `class`, in days.
    pub fn days(self, class: SecretClass) -> u32 {
        match (self, class) {
            (Presets::Standard, SecretClass::ApiKey | SecretClass::Token) => 90,
            (Presets::Standard, SecretClass::DatabasePassword) => 180,
            (Presets::Standard, SecretClass::WebhookSecret) => 365,
            (Presets::Strict, SecretClass::ApiKey | SecretClass::Token) => 7,
            (Presets::Strict, SecretClass::DatabasePassword) => 30,
            (Presets::Strict, SecretClass::WebhookSecret) => 90,
        }
    }
}

/// A variable's own rotation settings, overriding the preset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Rotate every this many days; 0 means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_days: Option<u32>,
    /// A hard expiry set by the provider (GitHub fine-grained tokens have one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// A change to a secret's rotation settings: each part kept (`None`), or set to a new
/// value (`Some`, where `Some(None)` means the preset interval, or no expiry). Applied
/// under the vault's lock, so two changes to different parts never lose each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyChange {
    /// The interval in days (0: never), or the preset's.
    pub every_days: Option<Option<u32>>,
    /// The hard expiry, or none.
    pub expires: Option<Option<Date>>,
}

impl PolicyChange {
    /// A change that replaces the whole policy.
    pub fn replace(policy: Policy) -> Self {
        PolicyChange { every_days: Some(policy.every_days), expires: Some(policy.expires) }
    }

    /// The settings `current` becomes; `None` when they are the defaults.
    pub fn apply(&self, current: Option<&Policy>) -> Option<Policy> {
        let mut policy = current.cloned().unwrap_or_default();
        if let Some(days) = self.every_days {
            policy.every_days = days;
        }
        if let Some(expires) = self.expires {
            policy.expires = expires;
        }
        Some(policy).filter(|p| *p != Policy::default())
    }
}

/// Where a secret stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Status {
    /// Not due yet.
    Ok,
    /// Due within the lead time.
    DueSoon,
    /// Past its due date.
    Overdue,
    /// Past its hard expiry.
    Expired,
    /// No rotation policy.
    NoPolicy,
}

impl Status {
    /// Its name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::DueSoon => "due_soon",
            Status::Overdue => "overdue",
            Status::Expired => "expired",
            Status::NoPolicy => "no_policy",
        }
    }

    /// Whether `latchkey status` fails on it.
    pub fn is_late(self) -> bool {
        matches!(self, Status::Overdue | Status::Expired)
    }
}

/// A secret's schedule at some moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The interval in days, when there is one.
    pub interval_days: Option<u32>,
    /// When it is due.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due: Option<OffsetDateTime>,
    /// Its hard expiry.
    #[serde(default)]
    pub expires: Option<Date>,
    /// Where it stands.
    pub status: Status,
}

impl Schedule {
    /// The nearer of the interval's due date and the hard expiry: the date that matters.
    pub fn next_date(&self) -> Option<Date> {
        match (self.due.map(|d| d.date()), self.expires) {
            (Some(due), Some(expires)) => Some(due.min(expires)),
            (due, expires) => due.or(expires),
        }
    }
}

/// The lead time before a due date: 14 days or 20% of the interval, whichever is shorter.
pub fn lead(interval: Duration) -> Duration {
    let fifth: Duration = interval / 5;
    fifth.min(Duration::days(14))
}

/// The schedule of a secret last rotated at `rotated`, at `now`.
pub fn schedule(
    rotated: OffsetDateTime,
    class: SecretClass,
    policy: Option<&Policy>,
    presets: Presets,
    now: OffsetDateTime,
) -> Schedule {
    let interval_days = match policy.and_then(|p| p.every_days) {
        Some(0) => None,
        Some(days) => Some(days),
        None => Some(presets.days(class)),
    };
    let expires = policy.and_then(|p| p.expires);
    // An interval past the calendar's end (a hand-edited vault) is never due.
    let due = interval_days.and_then(|d| rotated.checked_add(Duration::days(i64::from(d))));
    // The nearer of the two dates decides: an expiry a few days away is due soon even
    // when the interval is far from up.
    let expires_soon = expires.is_some_and(|e| now.date() + Duration::days(14) >= e);
    let status = if expires.is_some_and(|e| now.date() >= e) {
        Status::Expired
    } else {
        match (due, interval_days) {
            (Some(due), _) if now >= due => Status::Overdue,
            (Some(due), Some(days)) if now >= due - lead(Duration::days(i64::from(days))) => Status::DueSoon,
            _ if expires_soon => Status::DueSoon,
            (Some(_), _) => Status::Ok,
            (None, _) if expires.is_some() => Status::Ok,
            (None, _) => Status::NoPolicy,
        }
    };
    Schedule { interval_days, due, expires, status }
}

/// When the app reminds: at start, then once a day while it runs.
#[derive(Debug, Clone, Default)]
pub struct ReminderClock {
    last: Option<OffsetDateTime>,
}

impl ReminderClock {
    /// Whether reminders are due at `now`; if so, the next ones are a day later.
    pub fn tick(&mut self, now: OffsetDateTime) -> bool {
        if self.last.is_some_and(|last| now - last < Duration::days(1)) {
            return false;
        }
        self.last = Some(now);
        true
    }
}

/// Whether a secret in `status`, snoozed until `snoozed_until`, calls for a reminder at
/// `now`: due soon, overdue or expired, and not snoozed.
pub fn needs_reminder(status: Status, snoozed_until: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    matches!(status, Status::DueSoon | Status::Overdue | Status::Expired)
        && snoozed_until.is_none_or(|until| now >= until)
}

/// One due date for the calendar.
#[derive(Debug, Clone)]
pub struct CalendarItem {
    /// A stable identifier (vault id, environment, name).
    pub uid: String,
    /// What to rotate: `OPENAI_API_KEY in prod`.
    pub title: String,
    /// Where to do it: the provider's key page, when known.
    pub url: Option<String>,
    /// The due (or expiry) date.
    pub date: Date,
}

/// An iCalendar file (RFC 5545) with an all-day event per item on its due date and an
/// alarm `remind_days` before it, so the reminders reach any calendar.
pub fn calendar(items: &[CalendarItem], remind_days: u32, now: OffsetDateTime) -> String {
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let day = |d: Date| format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day());
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//latchkey//rotation//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
    ];
    for item in items {
        let summary = format!("Rotate {}", item.title);
        let mut description = format!("Rotate {} with `latchkey rotate`.", item.title);
        if let Some(url) = &item.url {
            description.push_str(&format!(" New keys: {url}"));
        }
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}", escape(&item.uid)));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART;VALUE=DATE:{}", day(item.date)));
        lines.push(format!("DTEND;VALUE=DATE:{}", day(item.date + Duration::days(1))));
        lines.push(format!("SUMMARY:{}", escape(&summary)));
        lines.push(format!("DESCRIPTION:{}", escape(&description)));
        if let Some(url) = &item.url {
            lines.push(format!("URL:{url}"));
        }
        lines.push("BEGIN:VALARM".to_owned());
        lines.push("ACTION:DISPLAY".to_owned());
        lines.push(format!("DESCRIPTION:{}", escape(&summary)));
        lines.push(format!("TRIGGER:-P{remind_days}D"));
        lines.push("END:VALARM".to_owned());
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

/// TEXT escaping of RFC 5545 §3.3.11.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// A content line folded at 75 octets, with CRLF (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

    fn at(days: i64) -> OffsetDateTime {
        T0 + Duration::days(days)
    }

    #[test]
    fn reminders_come_at_start_then_once_a_day_and_respect_snoozes() {
        let mut clock = ReminderClock::default();
        assert!(clock.tick(at(0)), "at start");
        assert!(!clock.tick(at(0) + Duration::hours(23)));
        assert!(clock.tick(at(1)));
        assert!(!clock.tick(at(1) + Duration::hours(1)));
        assert!(needs_reminder(Status::DueSoon, None, at(0)));
        assert!(needs_reminder(Status::Expired, Some(at(-1)), at(0)));
        assert!(!needs_reminder(Status::Overdue, Some(at(3)), at(0)), "snoozed");
        assert!(needs_reminder(Status::Overdue, Some(at(3)), at(3)), "the snooze ended");
        assert!(!needs_reminder(Status::Ok, None, at(0)));
        assert!(!needs_reminder(Status::NoPolicy, None, at(0)));
    }

    #[test]
    fn presets_give_each_class_its_interval() {
        assert_eq!(Presets::Standard.days(SecretClass::of("OPENAI_API_KEY")), 90);
        assert_eq!(Presets::Standard.days(SecretClass::of("DB_PASSWORD")), 180);
        // A connection URL holds the database's password: the database interval, as
        // the README promises.
        assert_eq!(Presets::Standard.days(SecretClass::of("DATABASE_URL")), 180);
        assert_eq!(Presets::Standard.days(SecretClass::of("STRIPE_WEBHOOK_SECRET")), 365);
        assert_eq!(Presets::Standard.days(SecretClass::of("GITHUB_TOKEN")), 90);
        assert_eq!(Presets::Strict.days(SecretClass::of("OPENAI_API_KEY")), 7);
        assert_eq!(Presets::Strict.days(SecretClass::of("POSTGRES_PASSWORD")), 30);
        assert_eq!(Presets::Strict.days(SecretClass::of("SLACK_WEBHOOK_SECRET")), 90);
    }

    #[test]
    fn status_moves_from_ok_to_due_soon_to_overdue() {
        let s = |days| schedule(T0, SecretClass::ApiKey, None, Presets::Standard, at(days)).status;
        // 90 days, lead min(14, 18) = 14 days.
        assert_eq!(s(0), Status::Ok);
        assert_eq!(s(75), Status::Ok);
        assert_eq!(s(76), Status::DueSoon);
        assert_eq!(s(89), Status::DueSoon);
        assert_eq!(s(90), Status::Overdue);
        // A 30-day override: lead is 20% = 6 days.
        let policy = Policy { every_days: Some(30), expires: None };
        let s = |days| schedule(T0, SecretClass::ApiKey, Some(&policy), Presets::Standard, at(days)).status;
        assert_eq!(s(23), Status::Ok);
        assert_eq!(s(24), Status::DueSoon);
        assert_eq!(s(30), Status::Overdue);
    }

    #[test]
    fn a_hard_expiry_wins_and_never_means_no_policy() {
        let policy = Policy { every_days: Some(0), expires: Some(date!(2026 - 03 - 01)) };
        let s = |days| schedule(T0, SecretClass::Token, Some(&policy), Presets::Standard, at(days));
        assert_eq!(s(0).status, Status::Ok);
        assert_eq!(s(45).status, Status::DueSoon);
        assert_eq!(s(59).status, Status::Expired);
        assert_eq!(s(59).due, None);
        // With an interval (every secret has one by default), the nearer date decides:
        // an expiry 6 days away is due soon although the interval is far from up.
        let both = Policy { every_days: None, expires: Some(date!(2026 - 01 - 20)) };
        let s = |days| schedule(T0, SecretClass::Token, Some(&both), Presets::Standard, at(days)).status;
        assert_eq!(s(0), Status::Ok, "19 days to the expiry, 90 to the interval");
        assert_eq!(s(13), Status::DueSoon, "6 days to the expiry");
        assert_eq!(s(19), Status::Expired);
        let never = Policy { every_days: Some(0), expires: None };
        assert_eq!(
            schedule(T0, SecretClass::ApiKey, Some(&never), Presets::Strict, at(999)).status,
            Status::NoPolicy
        );
    }
}
