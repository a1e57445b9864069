//! Deny rules that keep Claude Code out of `.env` files and latchkey's data directory,
//! added to the user's `~/.claude/settings.json` (its other bytes kept).

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::jsonc::{self, Edit, Node};
use super::protect::{ConfigFile, EntryError};

/// The rules for Claude Code's `permissions.deny`: `.env` files in the project,
/// latchkey's data directory (`data`), and the identity file when it is elsewhere.
pub fn claude_rules(home: &Path, data: &crate::Home) -> Vec<String> {
    let shown = |path: &Path| {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        match path.strip_prefix(home) {
            Ok(inside) => format!("~/{}", inside.display()),
            // Claude Code writes an absolute path with a leading `//`.
            Err(_) => format!("/{}", path.display()),
        }
    };
    let mut rules: Vec<String> =
        ["./.env", "./.env.*", "**/.env", "**/.env.*"].iter().map(|p| format!("Read({p})")).collect();
    rules.push(format!("Read({}/**)", shown(data.dir())));
    if let Ok(settings) = data.settings()
        && let crate::home::IdentityLocation::File { path } = &settings.identity
        && !path.starts_with(data.dir())
    {
        rules.push(format!("Read({})", shown(path)));
    }
    rules
}

/// Claude Code's user settings file.
pub fn claude_settings(home: &Path) -> PathBuf {
    home.join(".claude/settings.json")
}

/// The rules `settings` lacks (all of them when the file does not exist).
pub fn missing_rules(settings: &Path, rules: &[String]) -> Result<Vec<String>, EntryError> {
    match read(settings)? {
        Some(file) => missing_in(file.text(), settings, rules),
        None => Ok(rules.to_vec()),
    }
}

fn missing_in(text: &str, settings: &Path, rules: &[String]) -> Result<Vec<String>, EntryError> {
    let root = jsonc::parse(text).ok_or_else(|| invalid(settings, "not valid JSON"))?;
    if !matches!(root.node, Node::Object(_)) {
        return Err(invalid(settings, "not a JSON object"));
    }
    let present: Vec<String> = match root.member("permissions").map(|p| (&p.value, p.value.member("deny"))) {
        Some((p, _)) if !matches!(p.node, Node::Object(_)) => {
            return Err(invalid(settings, "permissions is not an object"));
        }
        Some((_, Some(deny))) => match &deny.value.node {
            Node::Array(items) => {
                items.iter().filter_map(|i| i.string(text)).map(|s| s.to_string()).collect()
            }
            _ => return Err(invalid(settings, "permissions.deny is not a list")),
        },
        _ => Vec::new(),
    };
    Ok(rules.iter().filter(|r| !present.contains(r)).cloned().collect())
}

/// Adds the rules `settings` lacks to its `permissions.deny`, creating what is
/// missing, atomically; returns how many were added.
pub fn add_rules(settings: &Path, rules: &[String]) -> Result<usize, EntryError> {
    let Some(file) = read(settings)? else {
        let quoted: Vec<Zeroizing<String>> = rules.iter().map(|r| jsonc::quoted(r)).collect();
        let list = jsonc::render('[', &quoted, Some(&("      ".to_owned(), "    ".to_owned())));
        let text = format!("{{\n  \"permissions\": {{\n    \"deny\": {}\n  }}\n}}\n", list.as_str());
        if let Some(dir) = settings.parent() {
            std::fs::create_dir_all(dir).map_err(|source| EntryError::Io { path: dir.to_owned(), source })?;
        }
        return crate::atomic::write_new(settings, text.as_bytes())
            .map(|()| rules.len())
            .map_err(|source| EntryError::Io { path: settings.to_owned(), source });
    };
    let text = file.text();
    let missing = missing_in(text, settings, rules)?;
    if missing.is_empty() {
        return Ok(0);
    }
    let quoted: Vec<Zeroizing<String>> = missing.iter().map(|r| jsonc::quoted(r)).collect();
    let root = jsonc::parse(text).ok_or_else(|| invalid(settings, "not valid JSON"))?;
    let edit = match root.member("permissions") {
        None => {
            let mut value = Zeroizing::new(String::from("{\"deny\": "));
            value.push_str(&jsonc::render('[', &quoted, None));
            value.push('}');
            super::entry::insertion(text, &root, "permissions", value)
        }
        Some(permissions) => match permissions.value.member("deny") {
            None => {
                super::entry::insertion(text, &permissions.value, "deny", jsonc::render('[', &quoted, None))
            }
            Some(deny) => {
                let Node::Array(items) = &deny.value.node else { unreachable!("checked by missing_in") };
                let mut all: Vec<Zeroizing<String>> =
                    items.iter().map(|i| Zeroizing::new(text[i.range.clone()].to_owned())).collect();
                all.extend(quoted);
                let look = jsonc::layout(text, &deny.value);
                Edit { range: deny.value.range.clone(), text: jsonc::render('[', &all, look.as_ref()) }
            }
        },
    };
    file.write(&jsonc::apply(text, vec![edit]))?;
    Ok(missing.len())
}

fn read(path: &Path) -> Result<Option<ConfigFile>, EntryError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EntryError::Io { path: path.to_owned(), source }),
        Ok(_) => ConfigFile::read(path, "json").map(Some),
    }
}

fn invalid(path: &Path, reason: &str) -> EntryError {
    EntryError::Invalid { path: path.to_owned(), reason: reason.to_owned() }
}
