//! Writing a new project file (`latchkey project init`): names, kinds and providers, never
//! a value, so that what it writes can be committed as it is.

use std::path::Path;

use super::{FILE_NAME, ProjectError};
use crate::kind::Kind;
use crate::name::{EnvironmentName, VariableName};

/// A variable the new file declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// The provider its value is a key of, when known.
    pub provider: Option<String>,
}

/// Why a project file was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// There is one already.
    #[error("{0} exists already: edit it, or pass --force to replace it")]
    Exists(std::path::PathBuf),
    /// It could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// What was written does not read back (a bug: nothing is left behind).
    #[error(transparent)]
    Project(#[from] ProjectError),
}

/// The text of a project file declaring `entries`, using `envs` (the first is the
/// default). Every variable is required; none has a value.
pub fn render(envs: &[EnvironmentName], entries: &[Entry]) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let default_env = envs.first().cloned().unwrap_or_else(EnvironmentName::default_name);
    let mut text = String::from(
        "# What this project needs, and nothing secret: latchkey keeps the values.\n\
         # `latchkey project show` lists what is set; `latchkey run -- CMD` gives a command\n\
         # exactly these variables. Schema: https://example.invalid/latchkey/schema/latchkey.schema.json\n\n",
    );
    text.push_str("[project]\n");
    text.push_str(&format!("default_env = {}\n", quoted(default_env.as_str())));
    if envs.len() > 1 {
        let list: Vec<String> = envs.iter().map(|e| quoted(e.as_str())).collect();
        text.push_str(&format!("envs = [{}]\n", list.join(", ")));
    }
    for entry in entries {
        text.push_str(&format!("\n[vars.{}]\nkind = \"{}\"\n", entry.name, entry.kind));
        if let Some(provider) = &entry.provider {
            text.push_str(&format!("provider = {}\n", quoted(provider)));
        }
        text.push_str("required = true\n");
    }
    text
}

/// Writes `text` as `dir/latchkey.toml`, atomically, refusing to replace one unless
/// `force`. The text is read as a project first, so nothing unreadable is written.
pub fn write(dir: &Path, text: &str, force: bool) -> Result<std::path::PathBuf, InitError> {
    let path = dir.join(FILE_NAME);
    if !force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(InitError::Exists(path));
    }
    super::file::parse(text, path.clone(), dir.to_owned(), &|| None)?;
    crate::atomic::write_atomic(&path, text.as_bytes())
        .map_err(|source| InitError::Io { path: path.clone(), source })?;
    Ok(path)
}

/// The entries for a `.env` file's variables: each classified as an import would, its
/// provider recognised from its value or its name. The values are read to classify
/// them, and then dropped.
pub fn entries_from_env_file(
    path: &Path,
    catalog: &crate::validate::Catalog,
) -> Result<Vec<Entry>, crate::import::ReadError> {
    let incoming = crate::import::read_env_file(path, catalog, false)?;
    Ok(incoming
        .into_iter()
        .map(|item| {
            let value = secrecy::ExposeSecret::expose_secret(&item.value);
            let provider = catalog
                .matches(crate::validate::trimmed(value))
                .next()
                .map(|(p, _)| p)
                .or_else(|| {
                    catalog.provider_for_name(item.name.as_str()).filter(|_| item.kind == Kind::Secret)
                })
                .map(|p| p.id.clone());
            Entry { name: item.name, kind: item.kind, provider }
        })
        .collect())
}

/// The entries for the variables an environment of the vault sees.
pub fn entries_from_vault(summaries: &[crate::variable::VariableSummary]) -> Vec<Entry> {
    summaries
        .iter()
        .map(|s| Entry { name: s.name.clone(), kind: s.kind, provider: s.provider.clone() })
        .collect()
}
