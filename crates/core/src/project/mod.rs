//! Projects: a `latchkey.toml` committed at a repository's root that says which
//! variables the project needs (name, kind, provider, required or not, config defaults),
//! which environments it uses, and which agent profiles it runs.
//!
//! The file is found by walking up from the working directory, as git finds `.git`. It
//! never holds a secret: a value in it that looks like a key is refused with its line.
//! Because it comes with a repository, it is trusted only as far as a repository is:
//! - a file owned by another user, or writable by everyone, is refused (git's
//!   `safe.directory` rule);
//! - a profile in it cannot open the sandbox beyond the project's own directory;
//! - a sandboxed command cannot rewrite it (it is mounted read-only).
//!
//! This module reads and checks the file; [`status`] compares it with a vault, and
//! [`render`] writes a new one. It is not the data directory's own `settings.toml`: a
//! directory that holds a vault is never taken for a project.

mod file;
mod guard;
pub mod recent;
pub mod render;
pub mod status;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::kind::Kind;
use crate::name::{EnvironmentName, ProfileName, VariableName};
use crate::profile::Profile;
use crate::validate::Catalog;

/// The project file's name.
pub const FILE_NAME: &str = "latchkey.toml";

/// The environment variable naming a project file to use instead of looking for one;
/// `off` turns projects off for a command.
pub const PROJECT_ENV: &str = "LATCHKEY_PROJECT";

/// The largest project file read: a contract, not a data store.
const MAX_LEN: u64 = 1 << 20;

/// A project's contract, read from its `latchkey.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    path: PathBuf,
    root: PathBuf,
    name: Option<String>,
    default_env: EnvironmentName,
    envs: Vec<EnvironmentName>,
    vars: Vec<Declared>,
    profiles: BTreeMap<ProfileName, Profile>,
}

/// A variable a project declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Declared {
    /// Its name.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// The catalog provider its value is a key of, when one is named.
    pub provider: Option<String>,
    /// Whether a run or a check fails without it. A config variable with a value in the
    /// file is never missing.
    pub required: bool,
    /// What it is for, for a newcomer.
    pub description: Option<String>,
    /// Config only: the value when neither the vault nor [`Declared::values`] give one.
    /// Not secret: the file refuses anything that looks like a key.
    pub default: Option<String>,
    /// Config only: the value per environment, over the default.
    pub values: BTreeMap<EnvironmentName, String>,
    /// The line of its table in the file.
    pub line: usize,
}

impl Declared {
    /// The value the project file gives it in `env`, if any (config only).
    pub fn value_in(&self, env: &EnvironmentName) -> Option<&str> {
        self.values.get(env).or(self.default.as_ref()).map(String::as_str)
    }
}

impl Declared {
    /// What the declaration adds to the format checks of its value: a key of another
    /// provider than the declared one, or of no provider at all, fails.
    pub fn judge(&self, finding: &mut crate::validate::Finding) {
        use crate::validate::{FormatVerdict, Problem, ProblemCode};
        let Some(declared) = &self.provider else { return };
        let problem = match &finding.provider {
            Some(found) if found == declared => return,
            Some(found) => Problem {
                code: ProblemCode::ProviderMismatch,
                message: format!(
                    "the project declares a {declared} key, and this is a {found} key: store the right one"
                ),
            },
            None => Problem {
                code: ProblemCode::Format,
                message: format!(
                    "the project declares a {declared} key, and this has the shape of none: paste the whole key"
                ),
            },
        };
        if !finding.problems.iter().any(|p| p.code == problem.code) {
            finding.problems.push(problem);
            finding.problems.sort_by_key(|p| p.code);
        }
        finding.format = FormatVerdict::Invalid;
    }
}

impl Project {
    /// What is wrong with the file that only the provider catalog can tell: a provider it
    /// does not know, one line each with the line number.
    pub fn problems(&self, catalog: &Catalog) -> Vec<String> {
        self.vars
            .iter()
            .filter_map(|d| {
                let provider = d.provider.as_deref()?;
                if catalog.provider(provider).is_some() {
                    return None;
                }
                let close = catalog
                    .providers()
                    .iter()
                    .map(|p| (strsim::levenshtein(&p.id, provider), &p.id))
                    .min()
                    .filter(|(d, _)| *d <= 2)
                    .map(|(_, id)| format!(" (did you mean `{id}`?)"))
                    .unwrap_or_default();
                Some(format!(
                    "{}:{}: {} names provider `{provider}`, which the catalog does not have{close}",
                    self.path.display(),
                    d.line,
                    d.name
                ))
            })
            .collect()
    }
}

/// Why a project file could not be used. Nothing was run or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// The file could not be read.
    #[error("cannot read the project file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// It is not a regular file (a FIFO, a directory, a device).
    #[error("the project file {0} is not a regular file: replace it with one, or set LATCHKEY_PROJECT=off")]
    NotAFile(PathBuf),
    /// It is larger than a contract needs to be.
    #[error(
        "the project file {0} is larger than 1 MiB: a project file declares variables, it does not hold data"
    )]
    TooLarge(PathBuf),
    /// Another user owns it, or everyone may write it: it may have been planted.
    #[error(
        "the project file {path} {why}: latchkey does not trust it. If it is yours, fix that (chown or chmod o-w); otherwise work elsewhere or set LATCHKEY_PROJECT=off"
    )]
    Untrusted {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// It is not valid TOML, or not a project file.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line where it goes wrong (1 when unknown).
        line: usize,
        /// What is wrong, and what to do.
        message: String,
    },
    /// A value in it looks like a secret.
    #[error(
        "{path}:{line}: {name} holds what looks like a secret, and a project file is committed: remove it from the file and store it with `latchkey set {name}`"
    )]
    Secret {
        /// The file.
        path: PathBuf,
        /// The line of the value.
        line: usize,
        /// The variable (or profile setting) it was given for.
        name: String,
    },
}

impl Project {
    /// The project for a command started in the current directory: the file named by
    /// `LATCHKEY_PROJECT` (`off`: none), else the nearest `latchkey.toml` from the
    /// working directory up. `catalog` is asked only when a value in the file could be a
    /// provider's key.
    pub fn from_env<'c>(catalog: &dyn Fn() -> Option<&'c Catalog>) -> Result<Option<Project>, ProjectError> {
        match std::env::var_os(PROJECT_ENV).filter(|v| !v.is_empty()) {
            Some(v) if v.eq_ignore_ascii_case("off") => Ok(None),
            // A folder means its latchkey.toml.
            Some(path) if Path::new(&path).is_dir() => {
                Project::load(&Path::new(&path).join(FILE_NAME), catalog).map(Some)
            }
            Some(path) => Project::load(Path::new(&path), catalog).map(Some),
            None => match working_dirs().iter().find_map(|dir| find(dir)) {
                Some(path) => Project::load(&path, catalog).map(Some),
                None => Ok(None),
            },
        }
    }

    /// The nearest project at or above `dir`, if any.
    pub fn discover<'c>(
        dir: &Path,
        catalog: &dyn Fn() -> Option<&'c Catalog>,
    ) -> Result<Option<Project>, ProjectError> {
        find(dir).map(|path| Project::load(&path, catalog)).transpose()
    }

    /// Reads and checks the project file at `path`.
    pub fn load<'c>(path: &Path, catalog: &dyn Fn() -> Option<&'c Catalog>) -> Result<Project, ProjectError> {
        let path = file::normalise(&std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
        let text = read_trusted(&path)?;
        let root = path.parent().map_or_else(|| PathBuf::from("/"), Path::to_owned);
        file::parse(&text, path, root, catalog)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory that holds it: the project's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The project's name, when the file gives one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The environment used when none is named.
    pub fn default_env(&self) -> &EnvironmentName {
        &self.default_env
    }

    /// The environments the project uses: the default one first, then those it lists.
    pub fn envs(&self) -> &[EnvironmentName] {
        &self.envs
    }

    /// The declared variables, in the file's order.
    pub fn vars(&self) -> &[Declared] {
        &self.vars
    }

    /// A declared variable.
    pub fn var(&self, name: &VariableName) -> Option<&Declared> {
        self.vars.iter().find(|d| &d.name == name)
    }

    /// The names of the declared variables, in the file's order.
    pub fn names(&self) -> Vec<VariableName> {
        self.vars.iter().map(|d| d.name.clone()).collect()
    }

    /// The profiles the file defines.
    pub fn profiles(&self) -> &BTreeMap<ProfileName, Profile> {
        &self.profiles
    }
}

/// The working directory as the user sees it (`$PWD`, through any symlink they came
/// by), then as the kernel does: a project above either is found.
fn working_dirs() -> Vec<PathBuf> {
    let physical = std::env::current_dir().ok();
    let logical = std::env::var_os("PWD").map(PathBuf::from).filter(|p| {
        p.is_absolute()
            && physical.as_ref().is_some_and(|real| std::fs::canonicalize(p).is_ok_and(|c| &c == real))
    });
    logical.into_iter().chain(physical).collect()
}

/// The nearest `latchkey.toml` at or above `dir`, if any. latchkey's data directories
/// (`LATCHKEY_HOME`'s and the default one) are never projects, and are passed over; so
/// is a symlink to nothing.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let data: Vec<PathBuf> = crate::home::Home::from_env()
        .ok()
        .map(|h| h.dir().to_owned())
        .into_iter()
        .chain(crate::home::default_home_dir())
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    find_skipping(dir, &data)
}

fn find_skipping(dir: &Path, data: &[PathBuf]) -> Option<PathBuf> {
    dir.ancestors().find_map(|d| {
        let candidate = d.join(FILE_NAME);
        if !candidate.exists() {
            return None;
        }
        let is_data = std::fs::canonicalize(d).is_ok_and(|d| data.contains(&d));
        (!is_data).then_some(candidate)
    })
}

/// Reads the file, refusing what could block (a FIFO), what is too large, and what
/// someone else could have written.
fn read_trusted(path: &Path) -> Result<String, ProjectError> {
    let io = |source| ProjectError::Io { path: path.to_owned(), source };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading would wait for a writer.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ProjectError::NotAFile(path.to_owned()));
    }
    if meta.len() > MAX_LEN {
        return Err(ProjectError::TooLarge(path.to_owned()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let me = rustix::process::geteuid().as_raw();
        let untrusted = |why: String| ProjectError::Untrusted { path: path.to_owned(), why };
        // The symlink itself too: another user's link to a file of yours is theirs.
        let link = std::fs::symlink_metadata(path).map_err(io)?;
        for uid in [meta.uid(), link.uid()] {
            if uid != me && uid != 0 {
                return Err(untrusted(format!("belongs to another user (uid {uid})")));
            }
        }
        if meta.mode() & 0o002 != 0 {
            return Err(untrusted("is writable by every user".to_owned()));
        }
    }
    let mut text = String::new();
    file.take(MAX_LEN + 1).read_to_string(&mut text).map_err(io)?;
    Ok(text)
}

#[cfg(test)]
mod tests;
