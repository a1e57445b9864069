//! References: `latchkey://ENV/NAME` in a committed template (`.env.latchkey`, a config
//! file), resolved to values when the file is rendered. Text around references passes
//! through unchanged; a reference that cannot be resolved is an error naming the file
//! and line, never passed through.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::dotenv::{self, DotenvError};
use crate::name::{EnvironmentName, VariableName};
use crate::variable::Kind;
use crate::vault::{GetError, ResolvedValue, Vault};

/// What starts a reference.
pub const SCHEME: &str = "latchkey://";

/// Why a template could not be resolved. Nothing is written when this is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InjectError {
    /// A reference is not `latchkey://ENV/NAME`.
    #[error(
        "{file}:{line}: `{reference}` is not a reference latchkey understands: write latchkey://ENV/NAME"
    )]
    Malformed {
        /// The template.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The reference as written.
        reference: String,
    },
    /// A reference names something the vault does not have.
    #[error("{file}:{line}: `{reference}` cannot be resolved")]
    Unresolved {
        /// The template.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The reference as written.
        reference: String,
        /// Why.
        source: Box<GetError>,
    },
}

/// Why a `.env` template could not be rendered. Nothing is injected when this is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvFileError {
    /// The template is not a `.env` file.
    #[error("{file}: {source}")]
    Syntax {
        /// The template.
        file: String,
        /// Where and why (never a value).
        source: DotenvError,
    },
    /// A reference in it cannot be resolved.
    #[error(transparent)]
    Reference(#[from] InjectError),
}

/// One variable of a rendered `.env` template.
#[derive(Debug)]
pub struct TemplateValue {
    /// The name.
    pub name: VariableName,
    /// The value, its references resolved.
    pub value: SecretString,
    /// The secrets its references brought in, each by its own name: a value composed
    /// around a secret (`postgres://app:latchkey://prod/DB_PASSWORD@db`) is masked
    /// whole, and so is each secret inside it.
    pub secrets: Vec<(VariableName, SecretString)>,
}

/// A parsed reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// The environment.
    pub env: EnvironmentName,
    /// The variable.
    pub name: VariableName,
}

/// Every reference in `text`: (line, byte range, the text as written, the parsed
/// reference if it is well-formed).
pub fn scan(text: &str) -> Vec<(usize, std::ops::Range<usize>, &str, Option<Reference>)> {
    let mut found = Vec::new();
    for (start, _) in text.match_indices(SCHEME) {
        let body_start = start + SCHEME.len();
        let body_len = text[body_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/')))
            .unwrap_or(text.len() - body_start);
        let end = body_start + body_len;
        let written = &text[start..end];
        let parsed = text[body_start..end].split_once('/').and_then(|(env, name)| {
            Some(Reference { env: EnvironmentName::new(env).ok()?, name: VariableName::new(name).ok()? })
        });
        let line = text[..start].matches('\n').count() + 1;
        found.push((line, start..end, written, parsed));
    }
    found
}

impl Vault {
    /// `template` with every reference replaced by its value. `file` names the template
    /// in errors.
    pub fn inject(&self, template: &str, file: &str) -> Result<Zeroizing<String>, InjectError> {
        Resolver::new(self, file).resolve(template, 1).map(|(text, _)| text)
    }

    /// The variables of a `.env` template (`.env.latchkey`), each value's references
    /// resolved. The template is parsed before anything is resolved, so a value from the
    /// vault is taken as it is: its line breaks, `#` or `${…}` change nothing else.
    pub fn resolve_env_file(&self, template: &str, file: &str) -> Result<Vec<TemplateValue>, EnvFileError> {
        let entries = dotenv::parse(template, &|_| None)
            .map_err(|source| EnvFileError::Syntax { file: file.to_owned(), source })?;
        let mut resolver = Resolver::new(self, file);
        entries
            .into_iter()
            .map(|entry| {
                let raw = entry.value.expose_secret();
                if !raw.contains(SCHEME) {
                    return Ok(TemplateValue { name: entry.name, value: entry.value, secrets: Vec::new() });
                }
                let (text, secrets) = resolver.resolve(raw, entry.line)?;
                Ok(TemplateValue { name: entry.name, value: SecretString::from(text.as_str()), secrets })
            })
            .collect()
    }
}

/// A resolved text and the secrets it took in.
type Resolution = (Zeroizing<String>, Vec<(VariableName, SecretString)>);

/// Resolves references against one vault, reading each environment's values once.
struct Resolver<'a> {
    vault: &'a Vault,
    file: &'a str,
    cache: BTreeMap<EnvironmentName, Vec<ResolvedValue>>,
}

impl<'a> Resolver<'a> {
    fn new(vault: &'a Vault, file: &'a str) -> Self {
        Self { vault, file, cache: BTreeMap::new() }
    }

    /// `text` with its references replaced, and the secrets they brought in;
    /// `first_line` is the template line it starts on.
    fn resolve(&mut self, text: &str, first_line: usize) -> Result<Resolution, InjectError> {
        let mut out = Zeroizing::new(String::with_capacity(text.len()));
        let mut secrets = Vec::new();
        let mut at = 0;
        for (line, range, written, parsed) in scan(text) {
            let line = first_line + line - 1;
            let file = self.file;
            let malformed =
                || InjectError::Malformed { file: file.to_owned(), line, reference: written.to_owned() };
            let reference = parsed.ok_or_else(malformed)?;
            let unresolved = |source| InjectError::Unresolved {
                file: file.to_owned(),
                line,
                reference: written.to_owned(),
                source: Box::new(source),
            };
            if !self.cache.contains_key(&reference.env) {
                let values = self.vault.values(&reference.env, None).map_err(unresolved)?;
                self.cache.insert(reference.env.clone(), values);
            }
            let value =
                self.cache[&reference.env].iter().find(|v| v.name == reference.name).ok_or_else(|| {
                    unresolved(GetError::NotFound {
                        name: reference.name.clone(),
                        env: reference.env.clone(),
                    })
                })?;
            out.push_str(&text[at..range.start]);
            out.push_str(value.value.expose_secret());
            if value.kind == Kind::Secret {
                secrets.push((value.name.clone(), value.value.clone()));
            }
            at = range.end;
        }
        out.push_str(&text[at..]);
        Ok((out, secrets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_with_their_lines() {
        let text =
            "A=latchkey://prod/OPENAI_API_KEY\n# plain\nB=x-latchkey://dev/DB_URL-y\nC=latchkey://Bad/x\n";
        let found: Vec<_> = scan(text)
            .into_iter()
            .map(|(line, _, written, parsed)| (line, written, parsed.is_some()))
            .collect();
        assert_eq!(
            found,
            [
                (1, "latchkey://prod/OPENAI_API_KEY", true),
                (3, "latchkey://dev/DB_URL-y", false),
                (4, "latchkey://Bad/x", false),
            ]
        );
    }
}
