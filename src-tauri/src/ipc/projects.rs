//! The types of the Project screen: a project's contract beside the vault.

use latchkey_core as core;
use serde::Serialize;
use ts_rs::TS;

use super::Kind;

/// A project opened in the app: what its latchkey.toml declares and, per environment,
/// where each declared variable stands. Names only, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    /// The project file.
    pub path: String,
    /// The directory that holds it.
    pub root: String,
    /// The name the file gives, if any.
    pub name: Option<String>,
    /// The environment used when none is named.
    pub default_env: String,
    /// The declared variables, in the file's order.
    pub vars: Vec<DeclaredInfo>,
    /// The contract in each environment the project uses, the default first.
    pub envs: Vec<ProjectEnv>,
    /// What is wrong with the file that the catalog tells (an unknown provider), one
    /// line each.
    pub problems: Vec<String>,
}

/// A declared variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredInfo {
    /// Its name.
    pub name: String,
    /// Secret or config.
    pub kind: Kind,
    /// The catalog provider it is a key of.
    pub provider: Option<String>,
    /// Whether runs and checks fail without it.
    pub required: bool,
    /// What it is for.
    pub description: Option<String>,
}

/// The contract in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEnv {
    /// The environment.
    pub env: String,
    /// Whether the vault has it.
    pub exists: bool,
    /// The state of each declared variable, in the order of [`ProjectView::vars`].
    pub states: Vec<core::project::status::State>,
    /// Required variables nothing gives.
    pub missing: Vec<String>,
    /// What the environment holds that the project does not declare.
    pub extra: Vec<String>,
}

/// A project opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentProject {
    /// Its project file.
    pub path: String,
    /// The folder, as shown.
    pub root: String,
    /// Whether the file is still there.
    pub exists: bool,
}

impl ProjectView {
    /// The view of `project` with its `status` in the vault.
    pub fn new(
        project: &core::Project,
        status: Vec<core::project::status::EnvStatus>,
        problems: Vec<String>,
    ) -> Self {
        ProjectView {
            path: project.path().display().to_string(),
            root: project.root().display().to_string(),
            name: project.name().map(str::to_owned),
            default_env: project.default_env().to_string(),
            vars: project
                .vars()
                .iter()
                .map(|d| DeclaredInfo {
                    name: d.name.to_string(),
                    kind: d.kind.into(),
                    provider: d.provider.clone(),
                    required: d.required,
                    description: d.description.clone(),
                })
                .collect(),
            envs: status
                .into_iter()
                .map(|s| ProjectEnv {
                    env: s.env.to_string(),
                    exists: s.exists,
                    missing: s.missing().map(ToString::to_string).collect(),
                    states: s.vars.iter().map(|v| v.state).collect(),
                    extra: s.extra.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            problems,
        }
    }
}

impl From<&std::path::Path> for RecentProject {
    fn from(path: &std::path::Path) -> Self {
        RecentProject {
            path: path.display().to_string(),
            root: path.parent().unwrap_or(path).display().to_string(),
            exists: path.is_file(),
        }
    }
}
