//! The agent tools a sweep knows: where each keeps its transcripts, histories and
//! configs. The list is data, `agents.toml`, each entry with its source.

use std::path::{Path, PathBuf};

use serde::Deserialize;

const DATA: &str = include_str!("agents.toml");

/// An agent tool and its places.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// A short id: `claude-code`.
    pub id: String,
    /// Its name: `Claude Code`.
    pub name: String,
    /// Where the facts about it come from.
    pub source: String,
    /// Its places.
    #[serde(default)]
    pub place: Vec<ToolPlace>,
}

/// One place where a tool keeps something.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolPlace {
    /// A file or directory: `~`, `$XDG_CONFIG_HOME` and `$XDG_DATA_HOME` are expanded.
    pub path: String,
    /// What it holds.
    pub kind: PlaceKind,
    /// For a config: its format.
    #[serde(default)]
    pub format: Option<String>,
    /// For a config: dotted paths to its MCP servers (`*` for every key at a level).
    #[serde(default)]
    pub servers: Vec<String>,
}

/// What a tool's place holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// Saved conversations.
    Transcripts,
    /// What the user typed.
    History,
    /// Settings, MCP servers among them.
    Config,
    /// A SQLite database, read cell by cell (any file with the SQLite header is).
    Sqlite,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    tool: Vec<Tool>,
}

/// The agent tools, as the built-in list gives them.
pub fn tools() -> Vec<Tool> {
    toml::from_str::<Data>(DATA).expect("the built-in agents list parses").tool
}

impl ToolPlace {
    /// The place's path under the home directory `home` (with the XDG variables of the
    /// process, else their defaults under `home`).
    pub fn resolve(&self, home: &Path) -> PathBuf {
        let xdg = |var: &str, default: &str| {
            std::env::var_os(var).filter(|v| !v.is_empty()).map_or_else(|| home.join(default), PathBuf::from)
        };
        let path = &self.path;
        if let Some(rest) = path.strip_prefix("$XDG_CONFIG_HOME") {
            xdg("XDG_CONFIG_HOME", ".config").join(rest.trim_start_matches('/'))
        } else if let Some(rest) = path.strip_prefix("$XDG_DATA_HOME") {
            xdg("XDG_DATA_HOME", ".local/share").join(rest.trim_start_matches('/'))
        } else if let Some(rest) = path.strip_prefix('~') {
            home.join(rest.trim_start_matches('/'))
        } else {
            PathBuf::from(path)
        }
    }
}

/// The places of every tool under `home` that exist.
pub fn existing_places(home: &Path) -> Vec<PathBuf> {
    let mut places: Vec<PathBuf> = tools()
        .iter()
        .flat_map(|t| t.place.iter().map(|p| p.resolve(home)).collect::<Vec<_>>())
        .filter(|p| p.exists())
        .collect();
    places.sort();
    places.dedup();
    places
}

/// The config files of every tool under `home` that exist (canonical paths): agents read
/// their keys from these, so a placeholder written there would break them.
pub fn config_files(home: &Path) -> Vec<PathBuf> {
    tools()
        .iter()
        .flat_map(|t| {
            t.place
                .iter()
                .filter(|p| p.kind == PlaceKind::Config)
                .map(|p| p.resolve(home))
                .collect::<Vec<_>>()
        })
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_list_names_every_tool_with_a_source_and_its_places() {
        let tools = tools();
        for id in [
            "claude-code",
            "claude-desktop",
            "codex",
            "cursor",
            "vscode",
            "windsurf",
            "continue",
            "aider",
            "gemini-cli",
        ] {
            let tool = tools.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("{id} is listed"));
            assert!(!tool.source.is_empty() && !tool.place.is_empty(), "{id}");
        }
        for place in tools.iter().flat_map(|t| &t.place) {
            assert!(place.path.starts_with(['~', '$']), "{}", place.path);
            if place.kind == PlaceKind::Config {
                assert!(matches!(place.format.as_deref(), Some("json" | "toml" | "yaml")), "{}", place.path);
            }
        }
    }
}
