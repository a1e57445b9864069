//! A prepared launch: what the command is given, what is masked, and the grant it
//! records, ready for [`PreparedLaunch::start`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::mask::PendingMasker;
use crate::audit::{AuditLog, Event};
use crate::broker::{Listener, Plan};
use crate::name::{EnvironmentName, ProfileName};
use crate::vault::SaveError;

/// A launch ready to start: what the command is given, what is masked, and its grant.
pub struct PreparedLaunch {
    pub(super) env: EnvironmentName,
    pub(super) profile: Option<ProfileName>,
    /// The project file whose contract shaped the launch.
    pub(super) project: Option<std::path::PathBuf>,
    pub(super) program: OsString,
    pub(super) args: Vec<OsString>,
    pub(super) cwd: Option<PathBuf>,
    pub(super) injected: Vec<(String, SecretString)>,
    pub(super) inherited: Vec<(OsString, OsString)>,
    pub(super) withheld: Vec<String>,
    pub(super) masker: Option<PendingMasker>,
    pub(super) notices: Vec<String>,
    pub(super) audit: Result<AuditLog, SaveError>,
    pub(super) broker: Option<Plan>,
    pub(super) sandbox: Option<crate::sandbox::Plan>,
    pub(super) listener: Option<Listener>,
}

impl std::fmt::Debug for PreparedLaunch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedLaunch")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("program", &self.program)
            .field("names", &self.names())
            .field("withheld", &self.withheld)
            .finish_non_exhaustive()
    }
}

/// What [`PreparedLaunch::start`] takes apart.
pub(super) struct Parts {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    pub injected: Vec<(String, SecretString)>,
    pub inherited: Vec<(OsString, OsString)>,
    pub masker: Option<PendingMasker>,
    pub audit: Result<AuditLog, SaveError>,
    pub grant: Event,
    pub broker: Option<Plan>,
    pub sandbox: Option<crate::sandbox::Plan>,
    pub listener: Option<Listener>,
}

impl PreparedLaunch {
    /// The environment the variables come from.
    pub fn env(&self) -> &EnvironmentName {
        &self.env
    }

    /// The profile, when launched through one.
    pub fn profile(&self) -> Option<&ProfileName> {
        self.profile.as_ref()
    }

    /// The names of the injected variables.
    pub fn names(&self) -> Vec<String> {
        self.injected.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Variables of latchkey's environment the command does not inherit.
    pub fn withheld(&self) -> &[String] {
        &self.withheld
    }

    /// Lines the front end should show before the start: rules changed on request,
    /// values too short to mask, an environment used instead of the profile's.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// For a brokered run, the names of the secrets the broker carries (the command
    /// gets placeholders for them); `None` when the run is not brokered.
    pub fn brokered(&self) -> Option<Vec<String>> {
        self.broker.as_ref().map(Plan::carried)
    }

    /// Whether the run is sandboxed.
    pub fn sandboxed(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Tells `listener` of each request through the broker as it ends.
    pub fn listen(&mut self, listener: Listener) {
        self.listener = Some(listener);
    }

    /// The program and its arguments, quoted as in a shell, for display.
    pub fn command_line(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|a| {
                let a = a.to_string_lossy();
                if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
                    a.into_owned()
                } else {
                    format!("'{}'", a.replace('\'', "'\\''"))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn into_parts(self) -> Parts {
        let cwd = self.cwd.clone().or_else(|| std::env::current_dir().ok());
        let args_hmac = self.audit.as_ref().ok().map(|log| log.args_digest(&self.args));
        let grant = Event {
            profile: self.profile.as_ref().map(ToString::to_string),
            project: self.project.as_ref().map(|p| p.display().to_string()),
            program: Some(Path::new(&self.program).display().to_string()),
            args_hmac,
            cwd: cwd.map(|d| d.display().to_string()),
            env: self.env.to_string(),
            names: self.names(),
            sandbox: self.sandbox.as_ref().map(crate::sandbox::Plan::summary),
            ..Event::default()
        };
        Parts {
            program: self.program,
            args: self.args,
            cwd: self.cwd,
            injected: self.injected,
            inherited: self.inherited,
            masker: self.masker,
            audit: self.audit,
            grant,
            broker: self.broker,
            sandbox: self.sandbox,
            listener: self.listener,
        }
    }
}
