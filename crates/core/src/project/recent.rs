//! The projects opened last, newest first: what the desktop app offers to reopen. Paths
//! only, kept in the data directory (`projects.toml`, 0600) beside the vault, never in
//! it: a list of folders is not a secret, and needs no unlock to show.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::home::Home;

/// How many are kept.
pub const KEPT: usize = 10;

#[derive(Default, Serialize, Deserialize)]
struct RecentFile {
    #[serde(default)]
    projects: Vec<PathBuf>,
}

/// Why the list could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot remember the project in {path}: {source}")]
pub struct RecentError {
    path: PathBuf,
    source: std::io::Error,
}

fn file(home: &Home) -> PathBuf {
    home.dir().join("projects.toml")
}

/// The project files opened last, newest first. A missing or damaged list is empty: it
/// is a convenience, and the app starts without it.
pub fn list(home: &Home) -> Vec<PathBuf> {
    std::fs::read_to_string(file(home))
        .ok()
        .and_then(|text| toml::from_str::<RecentFile>(&text).ok())
        .map(|f| f.projects)
        .unwrap_or_default()
}

/// Puts `project` (a project file) first, keeping the list to [`KEPT`].
pub fn remember(home: &Home, project: &Path) -> Result<Vec<PathBuf>, RecentError> {
    let mut projects = list(home);
    if projects.first().is_some_and(|p| p == project) {
        // Reopened: nothing to write.
        return Ok(projects);
    }
    projects.retain(|p| p != project);
    projects.insert(0, project.to_owned());
    projects.truncate(KEPT);
    write(home, projects)
}

/// Takes `project` off the list.
pub fn forget(home: &Home, project: &Path) -> Result<Vec<PathBuf>, RecentError> {
    let mut projects = list(home);
    projects.retain(|p| p != project);
    write(home, projects)
}

fn write(home: &Home, projects: Vec<PathBuf>) -> Result<Vec<PathBuf>, RecentError> {
    let path = file(home);
    let error = |source| RecentError { path: path.clone(), source };
    home.create().map_err(error)?;
    let text = toml::to_string(&RecentFile { projects }).map_err(|e| error(std::io::Error::other(e)))?;
    crate::atomic::write_atomic(&path, text.as_bytes()).map_err(error)?;
    Ok(list(home))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_comes_first_once_and_the_list_is_kept_short() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path().join("data"));
        assert!(list(&home).is_empty());
        for i in 0..12 {
            remember(&home, Path::new(&format!("/p{i}/latchkey.toml"))).unwrap();
        }
        let again = remember(&home, Path::new("/p5/latchkey.toml")).unwrap();
        assert_eq!(again.len(), KEPT);
        assert_eq!(again[0], Path::new("/p5/latchkey.toml"));
        assert_eq!(again.iter().filter(|p| p.ends_with("p5/latchkey.toml")).count(), 1);
        assert_eq!(again[1], Path::new("/p11/latchkey.toml"));
        let left = forget(&home, Path::new("/p5/latchkey.toml")).unwrap();
        assert!(!left.iter().any(|p| p.ends_with("p5/latchkey.toml")));
        std::fs::write(file(&home), "not toml [").unwrap();
        assert!(list(&home).is_empty(), "a damaged list is empty, not an error");
    }
}
