//! Where a sweep found something: a file, a file in a commit or in the index, or a
//! cell of a SQLite database; and how output shows it.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// Where something was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Place {
    /// A file.
    File {
        /// Its path.
        path: PathBuf,
    },
    /// A file in a commit of a git repository.
    Commit {
        /// The first commit that holds it.
        commit: String,
        /// The file's path in the repository.
        path: String,
    },
    /// A file's staged content (the index of a git repository).
    Staged {
        /// The file's path in the repository.
        path: String,
    },
    /// A cell of a SQLite database.
    Row {
        /// The database file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The row's rowid (none in a table without one).
        #[serde(skip_serializing_if = "Option::is_none")]
        row: Option<i64>,
    },
}

impl Place {
    /// The file redaction rewrites for a finding here, when there is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::File { path } | Self::Row { path, .. } => Some(path),
            Self::Commit { .. } | Self::Staged { .. } => None,
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File { path } => write!(f, "{}", path.display()),
            Self::Commit { commit, path } => write!(f, "{}:{path}", commit.get(..12).unwrap_or(commit)),
            Self::Staged { path } => write!(f, "(staged) {path}"),
            Self::Row { path, table, column, row: Some(row) } => {
                write!(f, "{} ({table}.{column}, row {row})", path.display())
            }
            Self::Row { path, table, column, row: None } => {
                write!(f, "{} ({table}.{column})", path.display())
            }
        }
    }
}
