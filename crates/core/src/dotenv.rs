//! Reading `.env` files with the dotenv family's rules, as python-dotenv applies them:
//! an optional `export ` prefix; unquoted values with inline ` #` comments; single quotes
//! (only `\'` and `\\` are escapes); double quotes (`\n`, `\t`, `\"`, ... are escapes);
//! quoted values spanning lines; carriage returns read as line feeds; `${VAR}` and
//! `${VAR:-default}` expanded in every quoting style (python-dotenv 1.2 does), from earlier
//! lines of the file first, then the process environment. `$VAR` and `$(command)` are
//! left alone: latchkey never runs anything it reads.
//!
//! Values become [`SecretString`]s as soon as they are parsed. Errors name the line and
//! never quote it: a would-be name may be a pasted key.

use secrecy::{ExposeSecret, SecretString};

use crate::name::VariableName;

/// One `NAME=value` of a file.
#[derive(Debug)]
pub struct Entry {
    /// The name.
    pub name: VariableName,
    /// The value, quotes removed, escapes and `${VAR}` resolved.
    pub value: SecretString,
    /// The line it starts on (1-based).
    pub line: usize,
}

/// Why a file could not be read as a `.env` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DotenvError {
    /// A line is not `NAME=value`, a comment or blank.
    #[error("line {line}: {reason}")]
    Syntax {
        /// The line (1-based).
        line: usize,
        /// What is wrong, without the value.
        reason: String,
    },
}

/// Parses `text`; `environment` looks up variables of the process environment for
/// `${VAR}` expansion (python-dotenv consults `os.environ` after the file's own values).
pub fn parse(text: &str, environment: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Entry>, DotenvError> {
    let text = zeroize::Zeroizing::new(text.replace("\r\n", "\n").replace('\r', "\n"));
    let mut entries: Vec<Entry> = Vec::new();
    let mut rest = text.as_str();
    let mut line = 1;
    while !rest.is_empty() {
        let start = line;
        let (consumed, parsed) = parse_line(rest, start)?;
        line += rest[..consumed].matches('\n').count();
        rest = &rest[consumed..];
        if let Some((name, raw, expand)) = parsed {
            let value = if expand {
                let lookup = |n: &str| {
                    entries
                        .iter()
                        .rev()
                        .find(|e| e.name.as_str() == n)
                        .map(|e| e.value.expose_secret().to_owned())
                        .or_else(|| environment(n))
                };
                expand_variables(&raw, &lookup).ok_or_else(|| DotenvError::Syntax {
                    line: start,
                    reason: "the value grows past 1 MiB once its ${...} references are expanded: check the file's references"
                        .into(),
                })?
            } else {
                raw
            };
            let name = VariableName::new(&name)
                // The name is not quoted: a line that is not NAME=value may hold a secret.
                .map_err(|_| DotenvError::Syntax {
                    line: start,
                    reason: "the name is not a variable name: use letters, digits and `_`, not starting with a digit".into(),
                })?;
            entries.retain(|e| e.name != name);
            entries.push(Entry { name, value: SecretString::from(value), line: start });
        }
    }
    Ok(entries)
}

type Parsed = Option<(String, String, bool)>;

/// Parses one logical line at the start of `text`: returns the bytes consumed (through
/// its newline) and the entry, if the line has one.
fn parse_line(text: &str, line: usize) -> Result<(usize, Parsed), DotenvError> {
    let syntax = |reason: &str| DotenvError::Syntax { line, reason: reason.to_owned() };
    let end_of_line = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
    let trimmed = text.trim_start_matches([' ', '\t']);
    let mut at = text.len() - trimmed.len();
    // Blank lines and comments.
    if trimmed.starts_with('\n')
        || trimmed.starts_with("\r\n")
        || trimmed.starts_with('#')
        || trimmed.is_empty()
    {
        return Ok((end_of_line(at), None));
    }
    if let Some(after) = trimmed.strip_prefix("export")
        && after.starts_with([' ', '\t'])
    {
        at += "export".len() + (after.len() - after.trim_start_matches([' ', '\t']).len());
    }
    // The name: up to `=`, whitespace or `#`.
    let name_len =
        text[at..].find(|c: char| c == '=' || c.is_whitespace() || c == '#').unwrap_or(text.len() - at);
    let name = text[at..at + name_len].to_owned();
    if name.is_empty() {
        return Err(syntax("expected NAME=value"));
    }
    // Errors never quote the line: what looks like a name may be a pasted key.
    at += name_len;
    at += text[at..].len() - text[at..].trim_start_matches([' ', '\t']).len();
    if !text[at..].starts_with('=') {
        // A bare `NAME` has no value: python-dotenv gives None; we skip it.
        let rest = text[at..].trim_start_matches([' ', '\t']);
        if rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n") || rest.starts_with('#') {
            return Ok((end_of_line(at), None));
        }
        return Err(syntax("expected `=` after the name: write NAME=value"));
    }
    at += 1;
    at += text[at..].len() - text[at..].trim_start_matches([' ', '\t']).len();
    let (value, expand, after) = match text[at..].chars().next() {
        Some(quote @ ('\'' | '"')) => {
            let (value, len) = quoted(&text[at + 1..], quote)
                .ok_or_else(|| syntax(&format!("the value opens a {quote} quote that is never closed")))?;
            (value, true, at + 1 + len + 1)
        }
        _ => {
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let raw = text[at..end].trim_end_matches('\r');
            // An inline comment starts at whitespace followed by `#`.
            let value = match raw.find(" #").into_iter().chain(raw.find("\t#")).min() {
                Some(i) => &raw[..i],
                None => raw,
            };
            (value.trim_end().to_owned(), true, end)
        }
    };
    // After a quoted value: only whitespace and a comment may follow.
    let tail_end = text[after..].find('\n').map_or(text.len(), |i| after + i);
    let tail = text[after..tail_end].trim();
    if !tail.is_empty() && !tail.starts_with('#') {
        return Err(syntax("unexpected text after the quoted value"));
    }
    Ok((end_of_line(after.min(text.len())), Some((name, value, expand))))
}

/// The content of a quoted value whose opening quote was just consumed, escapes
/// decoded, and its length up to the closing quote. As python-dotenv: a backslash before
/// the quote character keeps the value open; then, left to right, `\\` and `\'` (and in
/// double quotes `\"`, `\a`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v`) are decoded and every
/// other backslash is kept.
fn quoted(text: &str, quote: char) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let q = quote as u8;
    let mut end = 0;
    loop {
        match bytes.get(end) {
            None => return None,
            Some(b'\\') if bytes.get(end + 1) == Some(&q) => end += 2,
            Some(&b) if b == q => break,
            Some(_) => end += 1,
        }
    }
    let raw = &text[..end];
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        let decoded = match (quote, chars.peek()) {
            (_, Some('\\')) => Some('\\'),
            (_, Some('\'')) => Some('\''),
            ('"', Some('"')) => Some('"'),
            ('"', Some('a')) => Some('\u{7}'),
            ('"', Some('b')) => Some('\u{8}'),
            ('"', Some('f')) => Some('\u{c}'),
            ('"', Some('n')) => Some('\n'),
            ('"', Some('r')) => Some('\r'),
            ('"', Some('t')) => Some('\t'),
            ('"', Some('v')) => Some('\u{b}'),
            _ => None,
        };
        match decoded {
            Some(d) => {
                value.push(d);
                chars.next();
            }
            None => value.push('\\'),
        }
    }
    Some((value, end))
}

/// Replaces `${NAME}` and `${NAME:-default}` as python-dotenv does: an unknown name
/// without a default becomes empty. `$NAME` without braces is left alone.
/// The longest value expansion may make. References can double a value on every line
/// (`A=${A}${A}`): thirty lines of that would ask for a gigabyte.
const MAX_EXPANDED_LEN: usize = 1 << 20;

/// `value` with its `${NAME}` and `${NAME:-default}` references expanded; `None` when it
/// would grow past [`MAX_EXPANDED_LEN`].
fn expand_variables(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        if out.len() > MAX_EXPANDED_LEN {
            return None;
        }
        let Some(len) = rest[start + 2..].find('}') else { break };
        let inner = &rest[start + 2..start + 2 + len];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        if name.contains(':') {
            // Not a reference python-dotenv recognises: keep it as written.
            out.push_str(&rest[..start + 2 + len + 1]);
        } else {
            out.push_str(&rest[..start]);
            out.push_str(&lookup(name).or(default.map(str::to_owned)).unwrap_or_default());
        }
        rest = &rest[start + 2 + len + 1..];
    }
    out.push_str(rest);
    (out.len() <= MAX_EXPANDED_LEN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Vec<(String, String, usize)> {
        parse(text, &|n| (n == "FROM_PROCESS").then(|| "process".to_owned()))
            .unwrap()
            .into_iter()
            .map(|e| (e.name.to_string(), e.value.expose_secret().to_owned(), e.line))
            .collect()
    }

    #[test]
    fn references_that_double_a_value_on_every_line_are_refused_not_expanded() {
        // Found by the dotenv fuzz target: 1.3 KB of such lines took 155 s.
        let mut text = String::from("A=xxxxxxxxxxxxxxxx\n");
        for _ in 0..40 {
            text.push_str("A=${A}${A}\n");
        }
        let err = parse(&text, &|_| None).unwrap_err().to_string();
        assert!(err.contains("grows past 1 MiB"), "{err}");
        // 16 bytes doubled 17 times is past 1 MiB: line 18, the first line over.
        assert!(err.starts_with("line 18:"), "the first line past the limit: {err}");
    }

    #[test]
    fn the_dotenv_rules_apply() {
        let text = "# a comment\n\nexport A=plain value  # inline comment\nB='single ${A} \\n kept'\nC=\"double\\tesc \\\"q\\\" ${A}\"\nD=\"multi\nline\" # after\nE=${MISSING:-fallback}/${FROM_PROCESS}/${NOPE}\nF=a=b#not-a-comment\nG=\n";
        assert_eq!(
            parse_ok(text),
            [
                ("A".into(), "plain value".into(), 3),
                ("B".into(), "single plain value \\n kept".into(), 4),
                ("C".into(), "double\tesc \"q\" plain value".into(), 5),
                ("D".into(), "multi\nline".into(), 6),
                ("E".into(), "fallback/process/".into(), 8),
                ("F".into(), "a=b#not-a-comment".into(), 9),
                ("G".into(), "".into(), 10),
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_never_the_value() {
        let err = parse("A=1\nB='never closed secret\n", &|_| None).unwrap_err().to_string();
        assert!(err.starts_with("line 2:") && !err.contains("secret"), "{err}");
        let err = parse("A=1\n\nnot a line\n", &|_| None).unwrap_err().to_string();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(parse("1BAD=x\n", &|_| None).unwrap_err().to_string().starts_with("line 1:"));
        // A pasted key where a name should be is never quoted back.
        for text in [
            "ghp_pastedsecret0123456789abcdefghijklmnopq oops\n",
            "GOOD_NAME_pasted-secret oops\n",
            "sk-proj-pasted-secret-1 oops\n",
            "sk-proj-pasted-secret-1='open\n",
            "sk-proj-pasted-secret-1=x\n",
        ] {
            let err = parse(text, &|_| None).unwrap_err().to_string();
            assert!(!err.contains("pasted"), "{err}");
        }
    }
}
