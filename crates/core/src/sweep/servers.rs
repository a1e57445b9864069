//! The MCP servers that agent tools are configured with, and the plaintext secrets in
//! their `env` blocks, headers and arguments: names only, never a value.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Unreadable;
use super::agents::{PlaceKind, tools};
use super::jsonc::Step;
use crate::validate::Catalog;

/// An agent tool whose config or data is on this machine.
#[derive(Debug, Clone, Serialize)]
pub struct FoundTool {
    /// Its id: `claude-code`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its places that exist.
    pub places: Vec<PathBuf>,
}

/// One configured MCP server.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The tool's id.
    pub tool: String,
    /// The config file.
    pub config: PathBuf,
    /// The server's name (its key, or its `name` in a list).
    pub name: String,
    /// The program it runs (its file name only: arguments may hold keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// The host it connects to, for a remote server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Where plaintext secrets sit: `env.NAME`, `headers.NAME`, `args[N]`.
    pub secrets: Vec<String>,
    /// Whether it runs through `latchkey run` already.
    pub protected: bool,
    /// The config's format: `json` or `toml`.
    #[serde(skip)]
    pub(crate) format: String,
    /// Where the entry is in the config.
    #[serde(skip)]
    pub(crate) at: Vec<Step>,
}

impl Server {
    /// Whether it runs a local command (which `latchkey run` can wrap), not a remote
    /// endpoint.
    pub fn is_local(&self) -> bool {
        self.program.is_some()
    }

    /// Whether `latchkey agents protect` can move its secrets: a local command, not yet
    /// protected, with a plaintext secret in its `env` block.
    pub fn protectable(&self) -> bool {
        self.is_local() && !self.protected && self.env_secrets().next().is_some()
    }

    /// What it runs, to show: `latchkey run`, a program's file name, or a remote host.
    pub fn runs(&self) -> String {
        match (&self.program, &self.host) {
            _ if self.protected => "latchkey run".to_owned(),
            (Some(p), _) => p.clone(),
            (None, Some(h)) => h.clone(),
            (None, None) => "-".to_owned(),
        }
    }

    /// The names in its `env` block that hold plaintext secrets.
    pub fn env_secrets(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().filter_map(|s| s.strip_prefix("env."))
    }
}

/// The agent tools on this machine and their servers.
#[derive(Debug, Default, Serialize)]
pub struct Configured {
    /// The tools found.
    pub tools: Vec<FoundTool>,
    /// Their MCP servers.
    pub servers: Vec<Server>,
    /// Configs that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// Lists the agent tools under `home` and their MCP servers.
pub fn configured(home: &Path, catalog: &Catalog) -> Configured {
    let mut out = Configured::default();
    for tool in tools() {
        let places: Vec<PathBuf> =
            tool.place.iter().map(|p| p.resolve(home)).filter(|p| p.exists()).collect();
        if places.is_empty() {
            continue;
        }
        out.tools.push(FoundTool { id: tool.id.clone(), name: tool.name.clone(), places });
        for place in tool.place.iter().filter(|p| p.kind == PlaceKind::Config && !p.servers.is_empty()) {
            let path = place.resolve(home);
            if !path.is_file() {
                continue;
            }
            let format = place.format.as_deref().unwrap_or("json");
            let parsed = read_config(&path, format);
            let doc = match parsed {
                Ok(doc) => doc,
                Err(reason) => {
                    out.unreadable.push(Unreadable { path, reason });
                    continue;
                }
            };
            for pointer in &place.servers {
                for (name, at, server) in reach(&doc, pointer) {
                    let mut server = describe(&tool.id, &path, name, server, catalog);
                    server.format = format.to_owned();
                    server.at = at;
                    out.servers.push(server);
                }
            }
        }
    }
    out
}

/// A config as JSON values: JSON (comments and trailing commas allowed) or TOML.
fn read_config(path: &Path, format: &str) -> Result<serde_json::Value, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let file = super::places::open_regular(&real).map_err(|e| e.to_string())?;
    // Cut short, a TOML file could still parse, and be listed without its end.
    if file.metadata().map_err(|e| e.to_string())?.len() > super::MAX_CONFIG {
        return Err("over 16 MiB: not read".to_owned());
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, super::MAX_CONFIG), &mut text)
        .map_err(|e| e.to_string())?;
    parse_config(&text, format)
}

/// A config's text as JSON values.
pub(crate) fn parse_config(text: &str, format: &str) -> Result<serde_json::Value, String> {
    match format {
        "json" => serde_json::from_str(&without_comments(text))
            .map_err(|e| format!("not valid JSON: line {}", e.line())),
        "toml" => toml::from_str::<toml::Value>(text)
            .map_err(|e| format!("not valid TOML: {}", e.message()))
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())),
        other => Err(format!("{other} configs are not read yet")),
    }
}

/// JSONC as JSON: `//` and `/* */` comments and trailing commas removed, strings kept.
fn without_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if bytes[i..].starts_with(b"/*") {
            i += 2;
            while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
            continue;
        } else if b == b',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if !matches!(next, Some(b'}' | b']')) {
                out.push(b);
            }
        } else {
            out.push(b);
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The servers a dotted pointer reaches, with where each is: an object's entries by
/// key, or a list's by their `name`.
fn reach<'a>(doc: &'a serde_json::Value, pointer: &str) -> Vec<(String, Vec<Step>, &'a serde_json::Value)> {
    let mut at: Vec<(Vec<Step>, &serde_json::Value)> = vec![(Vec::new(), doc)];
    for part in pointer.split('.') {
        at = at
            .into_iter()
            .flat_map(|(steps, v)| match (part, v) {
                ("*", serde_json::Value::Object(map)) => {
                    map.iter().map(|(k, v)| (with(&steps, Step::Key(k.clone())), v)).collect::<Vec<_>>()
                }
                (key, serde_json::Value::Object(map)) => {
                    map.get(key).map(|v| (with(&steps, Step::Key(key.to_owned())), v)).into_iter().collect()
                }
                _ => Vec::new(),
            })
            .collect();
    }
    at.into_iter()
        .flat_map(|(steps, v)| match v {
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(k, s)| (k.clone(), with(&steps, Step::Key(k.clone())), s))
                .collect::<Vec<_>>(),
            serde_json::Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let name =
                        s.get("name").and_then(|n| n.as_str()).map_or_else(|| format!("#{i}"), str::to_owned);
                    (name, with(&steps, Step::Index(i)), s)
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn with(steps: &[Step], next: Step) -> Vec<Step> {
    let mut out = steps.to_vec();
    out.push(next);
    out
}

/// Whether a value is a reference to a secret kept elsewhere, not the secret.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with("${")
        || (v.starts_with('$') && v[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || v.starts_with("{{")
        || v.starts_with("<latchkey:")
        || v.starts_with("latchkey://")
        || v.starts_with("op://")
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "AUTH",
        "AUTHORIZATION",
        "CREDENTIAL",
        "CREDENTIALS",
        "PAT",
    ]
    .iter()
    .any(|w| upper.split(|c: char| !c.is_ascii_alphanumeric()).any(|part| part == *w) || upper.ends_with(w))
}

fn describe(
    tool: &str,
    config: &Path,
    name: String,
    server: &serde_json::Value,
    catalog: &Catalog,
) -> Server {
    let text = |key: &str| server.get(key).and_then(|v| v.as_str());
    let command = text("command");
    let args: Vec<&str> = server
        .get("args")
        .and_then(|a| a.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let url = text("url").or(text("serverUrl")).or(text("httpUrl"));
    let mut secrets = Vec::new();
    for block in ["env", "headers", "http_headers"] {
        if let Some(map) = server.get(block).and_then(|m| m.as_object()) {
            for (key, value) in map {
                let Some(value) = value.as_str() else { continue };
                // `Bearer KEY`, `Basic B64`: the credential after the scheme.
                let (schemed, credential) = match value.trim().split_once(' ') {
                    Some((scheme, rest))
                        if ["bearer", "basic", "token"].contains(&scheme.to_ascii_lowercase().as_str()) =>
                    {
                        (true, rest.trim())
                    }
                    _ => (false, value.trim()),
                };
                if !is_reference(credential)
                    && (schemed || secret_name(key) || catalog.recognises(credential))
                {
                    secrets.push(format!("{block}.{key}"));
                }
            }
        }
    }
    for (i, arg) in args.iter().enumerate() {
        let token = arg.rsplit_once('=').map_or(*arg, |(_, v)| v);
        let url_password = url::Url::parse(arg).is_ok_and(|u| u.password().is_some_and(|p| !is_reference(p)));
        if url_password || crate::validate::key_provider(catalog, token.trim()).is_some() {
            secrets.push(format!("args[{i}]"));
        }
    }
    if url.is_some_and(|u| {
        u.contains('?')
            && crate::validate::key_provider(catalog, u.rsplit('=').next().unwrap_or("")).is_some()
    }) {
        secrets.push("url".to_owned());
    }
    let program =
        command.map(|c| Path::new(c).file_name().map_or(c.to_owned(), |f| f.to_string_lossy().into_owned()));
    let protected = command.is_some_and(|c| super::entry::runs_latchkey(c, args.first().copied()));
    let host = url.and_then(|u| url::Url::parse(u).ok()).and_then(|u| u.host_str().map(str::to_owned));
    Server {
        tool: tool.to_owned(),
        config: config.to_owned(),
        name,
        program,
        host,
        secrets,
        protected,
        format: String::new(),
        at: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_loses_its_comments_and_trailing_commas_but_not_its_strings() {
        let text = "{\n // a comment\n \"a\": \"http://x//y\", /* block */ \"b\": [1, 2,],\n}";
        let value: serde_json::Value = serde_json::from_str(&without_comments(text)).unwrap();
        assert_eq!(value["a"], "http://x//y");
        assert_eq!(value["b"], serde_json::json!([1, 2]));
    }

    #[test]
    fn references_are_not_secrets_and_key_names_are() {
        for r in ["${input:key}", "$OPENAI_API_KEY", "{{ secrets.X }}", "<latchkey:X>", ""] {
            assert!(is_reference(r), "{r}");
        }
        assert!(!is_reference("sk-live-abc"));
        assert!(
            secret_name("GITHUB_PERSONAL_ACCESS_TOKEN")
                && secret_name("x-api-key")
                && !secret_name("LOG_LEVEL")
        );
    }
}
