//! The paths a sandbox hides by default: the built-in list of credential stores
//! (`hidden.toml`, compiled in), then those a user adds in `sandbox.toml`.

use std::path::Path;

use serde::Deserialize;

use super::SandboxError;

/// A path the sandbox hides, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hidden {
    /// The path; `~` is the home directory.
    pub path: String,
    /// What it holds.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HiddenFile {
    #[serde(default)]
    hide: Vec<Hidden>,
}

/// The built-in list of credential stores the sandbox hides.
const BUILT_IN: &str = include_str!("hidden.toml");

/// The file, in the config directory, where a user adds paths to hide.
pub const USER_FILE: &str = "sandbox.toml";

/// Every path the sandbox hides by default: the built-in list, then the user's
/// `sandbox.toml` from `config_dir`.
pub fn hidden_list(config_dir: Option<&Path>) -> Result<Vec<Hidden>, SandboxError> {
    let mut list = toml::from_str::<HiddenFile>(BUILT_IN).expect("the built-in list parses").hide;
    if let Some(path) = config_dir.map(|d| d.join(USER_FILE)) {
        let config = |reason: String| SandboxError::Config { path: path.clone(), reason };
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(config(e.to_string())),
            // A FIFO would block the run forever, a directory cannot be read.
            Ok(meta) if !meta.is_file() => return Err(config("it is not a regular file".into())),
            Ok(_) => {
                let text = std::fs::read_to_string(&path).map_err(|e| config(e.to_string()))?;
                let file: HiddenFile = toml::from_str(&text).map_err(|e| config(e.message().to_owned()))?;
                if let Some(bad) =
                    file.hide.iter().find(|h| !h.path.starts_with("~/") && !h.path.starts_with('/'))
                {
                    return Err(config(format!(
                        "`{}` is neither absolute nor under ~/: write it as /... or ~/...",
                        bad.path.escape_debug()
                    )));
                }
                list.extend(file.hide);
            }
        }
    }
    Ok(list)
}
