//! Rendering variables in each export format. Every format round-trips: what its usual
//! parser reads back is exactly the stored value, or the export fails naming the
//! variable that the format cannot carry.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::name::VariableName;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// `NAME='value'` lines, as python-dotenv and dotenvx read them.
    Dotenv,
    /// One JSON object.
    Json,
    /// A YAML mapping.
    Yaml,
    /// A TOML table.
    Toml,
    /// `export NAME='value'` lines for `eval` or `source`.
    Shell,
    /// An env-file for `docker run --env-file`: `NAME=value`, taken literally.
    Docker,
    /// The `NAME<<DELIMITER` form for `$GITHUB_ENV`.
    Github,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Dotenv,
        ExportFormat::Json,
        ExportFormat::Yaml,
        ExportFormat::Toml,
        ExportFormat::Shell,
        ExportFormat::Docker,
        ExportFormat::Github,
    ];

    /// Its name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Dotenv => "dotenv",
            ExportFormat::Json => "json",
            ExportFormat::Yaml => "yaml",
            ExportFormat::Toml => "toml",
            ExportFormat::Shell => "shell",
            ExportFormat::Docker => "docker",
            ExportFormat::Github => "github",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown format `{s}`: choose one of {}", names.join(", "))
        })
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value a format cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{format} cannot carry the value of {name}: it {reason}; export it in another format, or leave it out with --only"
)]
pub struct Unrepresentable {
    /// The variable.
    pub name: VariableName,
    /// The format.
    pub format: ExportFormat,
    /// What in the value the format cannot carry.
    pub reason: &'static str,
}

/// Renders `values` in `format`. The text holds secrets, so it is zeroized on drop.
pub fn render(
    format: ExportFormat,
    values: &[(VariableName, SecretString)],
) -> Result<Zeroizing<String>, Unrepresentable> {
    let mut out = Zeroizing::new(String::new());
    let refuse = |name: &VariableName, reason| Unrepresentable { name: name.clone(), format, reason };
    match format {
        ExportFormat::Json => {
            out.push('{');
            for (i, (name, value)) in values.iter().enumerate() {
                out.push_str(if i == 0 { "\n  " } else { ",\n  " });
                out.push_str(&json_string(name.as_str()));
                out.push_str(": ");
                out.push_str(&Zeroizing::new(json_string(value.expose_secret())));
            }
            out.push_str(if values.is_empty() { "}\n" } else { "\n}\n" });
        }
        // A JSON string is a valid YAML double-quoted scalar.
        ExportFormat::Yaml => {
            if values.is_empty() {
                out.push_str("{}\n");
            }
            for (name, value) in values {
                write_all(
                    &mut out,
                    format_args!("{name}: {}\n", Zeroizing::new(json_string(value.expose_secret())).as_str()),
                );
            }
        }
        ExportFormat::Toml => {
            for (name, value) in values {
                write_all(
                    &mut out,
                    format_args!(
                        "{name} = {}\n",
                        Zeroizing::new(toml_string(value.expose_secret())).as_str()
                    ),
                );
            }
        }
        ExportFormat::Shell => {
            for (name, value) in values {
                write_all(
                    &mut out,
                    format_args!(
                        "export {name}={}\n",
                        Zeroizing::new(shell_quote(value.expose_secret())).as_str()
                    ),
                );
            }
        }
        ExportFormat::Dotenv => {
            for (name, value) in values {
                let quoted = dotenv_quote(value.expose_secret()).map_err(|reason| refuse(name, reason))?;
                write_all(&mut out, format_args!("{name}={}\n", quoted.as_str()));
            }
        }
        ExportFormat::Docker => {
            for (name, value) in values {
                let v = value.expose_secret();
                if v.contains(['\n', '\r']) {
                    return Err(refuse(
                        name,
                        "holds a line break, and a docker env-file has one variable per line",
                    ));
                }
                write_all(&mut out, format_args!("{name}={v}\n"));
            }
        }
        ExportFormat::Github => {
            for (name, value) in values {
                let v = value.expose_secret();
                let delimiter =
                    (0..).map(|n| format!("LATCHKEY_EOF_{n}")).find(|d| !v.lines().any(|l| l == d));
                let delimiter = delimiter.expect("some delimiter is not a line of the value");
                write_all(&mut out, format_args!("{name}<<{delimiter}\n{v}\n{delimiter}\n"));
            }
        }
    }
    Ok(out)
}

/// Appends to `out` in place: no intermediate `String` holds a copy of a value.
fn write_all(out: &mut String, args: std::fmt::Arguments<'_>) {
    std::fmt::Write::write_fmt(out, args).expect("writing to a String cannot fail");
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always encodes as JSON")
}

/// A TOML basic string: `"`, `\` and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Single quotes, each `'` written as `'\''`: POSIX shells take everything else
/// literally, newlines included.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The one encoding python-dotenv and dotenvx both read back exactly, measured against
/// both (`tests/tools/DOTENV-SEMANTICS.md`): `'...'` with `\'` for each quote in the normal
/// case; `"..."` with `\r` and `\n` for a carriage return; unquoted for plain values. A
/// `${...}` (python-dotenv expands it in every quoting style) and a few backslash
/// combinations have no encoding both parsers agree on.
fn dotenv_quote(s: &str) -> Result<Zeroizing<String>, &'static str> {
    if has_dotenv_reference(s) {
        return Err("holds `${...}`, which python-dotenv expands however it is quoted");
    }
    if s.contains('\r') {
        if s.contains(['"', '\\', '$']) {
            return Err("holds a carriage return together with a quote, backslash or `$`");
        }
        return Ok(Zeroizing::new(format!("\"{}\"", s.replace('\r', "\\r").replace('\n', "\\n"))));
    }
    if !s.contains("\\\\") && !s.contains("\\'") && !s.ends_with('\\') {
        return Ok(Zeroizing::new(format!("'{}'", s.replace('\'', "\\'"))));
    }
    let plain =
        !s.is_empty() && !s.contains(['\n', '#', '$']) && !s.starts_with(['\'', '"', '`']) && s.trim() == s;
    if plain {
        return Ok(Zeroizing::new(s.to_owned()));
    }
    Err(
        "combines backslashes with quotes, `#`, `$`, line breaks or edge spaces in a way .env parsers read differently",
    )
}

/// Whether `s` holds `${NAME}` or `${NAME:-default}` as python-dotenv recognises them.
fn has_dotenv_reference(s: &str) -> bool {
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let inner = &rest[start + 2..];
        let Some(close) = inner.find('}') else { return false };
        let body = &inner[..close];
        let name = body.split_once(":-").map_or(body, |(name, _)| name);
        if !name.contains(':') {
            return true;
        }
        rest = &inner[close + 1..];
    }
    false
}
