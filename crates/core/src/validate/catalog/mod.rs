//! The provider catalog: what each provider's keys look like, where its API lives, and
//! how to ask it, without side effects, whether a key works.
//!
//! The catalog is data: `validate/catalog.toml` is compiled in, and a user's
//! `providers.toml` in the config directory adds providers or replaces built-in ones of
//! the same `id`. It is not the checks themselves: those are in the sibling modules.
//!
//! What one provider's entry says is in `provider`; this module loads the entries and
//! answers from them.

mod provider;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use super::pattern::Pattern;
use serde::Deserialize;

pub use provider::{Checksum, Format, Provider, VerifyRequest};

/// The built-in catalog, `catalog.toml` as JSON (see build.rs).
const BUILT_IN: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

include!(concat!(env!("OUT_DIR"), "/key_prefixes.rs"));

/// Whether `value` could be a key of a built-in provider by a format that tells on its
/// own, judged from the literal prefixes alone: no catalog needs to be loaded for the
/// many values that could not.
pub fn may_be_built_in_key(value: &str) -> bool {
    BUILT_IN_KEY_PREFIXES.iter().any(|p| value.starts_with(p))
}

/// The file, in the config directory, where a user adds or replaces providers.
pub const USER_CATALOG_FILE: &str = "providers.toml";

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The user's catalog could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A catalog is not valid TOML of the expected shape, or a pattern does not compile.
    #[error("{origin} is not a valid provider catalog ({reason}): fix it, or move it aside")]
    Invalid {
        /// The file, or `the built-in catalog`.
        origin: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    provider: Vec<Provider>,
}

/// The providers, with their key patterns compiled for fast matching.
#[derive(Debug, Clone)]
pub struct Catalog {
    providers: Vec<Provider>,
    /// Every format of every provider, with what rules a value out cheaply.
    patterns: Vec<Pattern>,
    host_patterns: Vec<Vec<Regex>>,
    /// Conventional key variable names → provider index.
    key_names: HashMap<String, usize>,
    /// Base URL variable names → provider index.
    url_names: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog.
    pub fn built_in() -> Self {
        let providers = parse_built_in().expect("the built-in catalog parses");
        let count = providers.len();
        Self::from_providers(providers, count).expect("the built-in catalog compiles")
    }

    /// The built-in catalog with the user's `providers.toml` from `config_dir` applied:
    /// new ids are added, known ids replaced. A missing file is not an error.
    pub fn load(config_dir: Option<&Path>) -> Result<Self, CatalogError> {
        let mut providers = parse_built_in()?;
        let mut from_user = false;
        if let Some(path) = config_dir.map(|d| d.join(USER_CATALOG_FILE)) {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    from_user = true;
                    for extra in parse(&text, &path.display().to_string())? {
                        match providers.iter_mut().find(|p| p.id == extra.id) {
                            Some(known) => *known = extra,
                            None => providers.push(extra),
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(CatalogError::Io { path, source }),
            }
        }
        // The built-in patterns are checked by a test; with a user's file, all are
        // checked here.
        let checked_from = if from_user { 0 } else { providers.len() };
        Self::from_providers(providers, checked_from)
    }

    /// [`Catalog::load`] from the user's config directory: `LATCHKEY_CONFIG_DIR`, else
    /// `$XDG_CONFIG_HOME/latchkey`, else `~/.config/latchkey`.
    pub fn from_env() -> Result<Self, CatalogError> {
        Self::load(config_dir().as_deref())
    }

    /// The catalog of `providers`; the patterns of providers from `check_from` on (a
    /// user's, possibly replacing built-in ones) are checked for validity now.
    fn from_providers(providers: Vec<Provider>, check_from: usize) -> Result<Self, CatalogError> {
        let invalid = |id: &str, e: String| CatalogError::Invalid {
            origin: format!("provider `{id}`"),
            reason: e.lines().last().unwrap_or("bad pattern").trim().to_owned(),
        };
        let mut patterns = Vec::new();
        let mut host_patterns = Vec::new();
        for (p, provider) in providers.iter().enumerate() {
            for (f, format) in provider.formats.iter().enumerate() {
                let pattern = Pattern::new(&format.pattern, p, f);
                if p >= check_from {
                    pattern.check().map_err(|e| invalid(&provider.id, e))?;
                }
                patterns.push(pattern);
            }
            let hosts = provider
                .host_patterns
                .iter()
                .map(|h| Regex::new(&format!("^(?:{h})$")).map_err(|e| invalid(&provider.id, e.to_string())))
                .collect::<Result<_, _>>()?;
            host_patterns.push(hosts);
        }
        let index = |names: fn(&Provider) -> &Vec<String>| {
            let mut map = HashMap::new();
            for (i, provider) in providers.iter().enumerate() {
                for name in names(provider) {
                    map.entry(name.clone()).or_insert(i);
                }
            }
            map
        };
        let key_names = index(|p| &p.variables);
        let url_names = index(|p| &p.base_url_variables);
        Ok(Self { providers, patterns, host_patterns, key_names, url_names })
    }

    /// Every provider, in catalog order.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The formats whose pattern matches `value` whole, as (provider, format).
    pub(crate) fn matches<'a, 'v>(
        &'a self,
        value: &'v str,
    ) -> impl Iterator<Item = (&'a Provider, &'a Format)> + use<'a, 'v> {
        self.patterns
            .iter()
            .filter(move |p| p.is_match(value))
            .map(|p| (&self.providers[p.provider], &self.providers[p.provider].formats[p.format]))
    }

    /// Whether `value` is a key of some provider by a format that tells on its own,
    /// without a variable name for context: what withholding and leak scans rely on.
    pub fn recognises(&self, value: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| self.providers[p.provider].formats[p.format].context.is_empty() && p.is_match(value))
    }

    /// The literal texts that keys of the formats that tell on their own start with
    /// (formats with no literal start are left out): where to look for keys in text.
    pub fn key_prefixes(&self) -> Vec<String> {
        let mut prefixes: Vec<String> = self
            .patterns
            .iter()
            .filter(|p| self.providers[p.provider].formats[p.format].context.is_empty())
            .flat_map(|p| p.prefixes().to_vec())
            .collect();
        prefixes.sort();
        prefixes.dedup();
        prefixes
    }

    /// Whether no format `value` has is marked as impossible to verify (a webhook URL).
    pub fn verifiable(&self, value: &str) -> bool {
        self.matches(value).all(|(_, format)| format.verify)
    }

    /// The provider a variable name suggests: the one with the longest conventional name
    /// that the name is, or holds between underscores (`PROD_OPENAI_API_KEY`).
    pub fn provider_for_name(&self, name: &str) -> Option<&Provider> {
        longest_held(name, &self.key_names).map(|i| &self.providers[i])
    }

    /// The provider whose base URL variable this is (`OPENAI_BASE_URL`).
    pub fn provider_for_url_variable(&self, name: &str) -> Option<&Provider> {
        longest_held(name, &self.url_names).map(|i| &self.providers[i])
    }

    /// Whether `host` is one of the provider's API hosts.
    pub fn host_allowed(&self, provider: &Provider, host: &str) -> bool {
        let index = self.providers.iter().position(|p| std::ptr::eq(p, provider));
        provider.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
            || index.is_some_and(|i| self.host_patterns[i].iter().any(|r| r.is_match(host)))
    }

    /// The provider that owns `host`, if any.
    pub fn provider_for_host(&self, host: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| self.host_allowed(p, host))
    }
}

/// The user's latchkey config directory, where `providers.toml` lives.
pub fn config_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("LATCHKEY_CONFIG_DIR")
        .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("latchkey")))
        .or_else(|| var("HOME").map(|d| d.join(".config").join("latchkey")))
}

/// The entry of `names` for the longest part of `name` between `_` boundaries (the
/// whole name included): `PROD_OPENAI_API_KEY_2` holds `OPENAI_API_KEY`.
fn longest_held(name: &str, names: &HashMap<String, usize>) -> Option<usize> {
    if let Some(&i) = names.get(name) {
        return Some(i);
    }
    let starts = std::iter::once(0).chain(name.match_indices('_').map(|(at, _)| at + 1));
    let mut best: Option<(usize, usize)> = None;
    for start in starts {
        let ends =
            name[start..].match_indices('_').map(|(at, _)| start + at).chain(std::iter::once(name.len()));
        for end in ends {
            if best.is_some_and(|(len, _)| len >= end - start) {
                continue;
            }
            if let Some(&i) = names.get(&name[start..end]) {
                best = Some((end - start, i));
            }
        }
    }
    best.map(|(_, i)| i)
}

fn parse_built_in() -> Result<Vec<Provider>, CatalogError> {
    let file: CatalogFile = serde_json::from_str(BUILT_IN).map_err(|e| CatalogError::Invalid {
        origin: "the built-in catalog".to_owned(),
        reason: e.to_string(),
    })?;
    Ok(file.provider)
}

fn parse(text: &str, origin: &str) -> Result<Vec<Provider>, CatalogError> {
    let file: CatalogFile = toml::from_str(text).map_err(|e| CatalogError::Invalid {
        origin: origin.to_owned(),
        reason: e.message().lines().next().unwrap_or("unreadable").to_owned(),
    })?;
    Ok(file.provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: &[&str] = &[
        "openai",
        "anthropic",
        "azure-openai",
        "gemini",
        "mistral",
        "groq",
        "cohere",
        "huggingface",
        "replicate",
        "together",
        "perplexity",
        "deepseek",
        "xai",
        "openrouter",
        "fireworks",
        "langsmith",
        "tavily",
        "pinecone",
        "aws",
        "github",
        "gitlab",
        "stripe",
        "slack",
        "sendgrid",
        "npm",
        "pypi",
    ];

    #[test]
    fn the_built_in_catalog_covers_every_provider_with_a_source() {
        let catalog = Catalog::built_in();
        for id in IDS {
            let p = catalog.provider(id).unwrap_or_else(|| panic!("{id} is missing"));
            assert!(!p.source.is_empty(), "{id} names no source");
            assert!(!p.formats.is_empty() && !p.variables.is_empty(), "{id} has no formats or variables");
            let v = &p.verify;
            assert!(
                !v.safe || v.unsupported.is_some() || (!v.path.is_empty() && !v.invalid.is_empty()),
                "{id} has no verification request and is not marked unsafe"
            );
        }
        assert_eq!(catalog.providers().len(), IDS.len());
    }

    #[test]
    fn every_built_in_pattern_is_a_valid_regex() {
        let catalog = Catalog::built_in();
        for pattern in &catalog.patterns {
            assert!(pattern.check().is_ok(), "{}", pattern.source);
            // And it compiles.
            assert!(Regex::new(&pattern.source).is_ok(), "{}", pattern.source);
        }
    }

    #[test]
    fn a_name_suggests_the_provider_of_its_longest_conventional_name() {
        let catalog = Catalog::built_in();
        let id = |n: &str| catalog.provider_for_name(n).map(|p| p.id.as_str());
        assert_eq!(id("OPENAI_API_KEY"), Some("openai"));
        assert_eq!(id("AZURE_OPENAI_API_KEY"), Some("azure-openai"));
        assert_eq!(id("PROD_OPENAI_API_KEY"), Some("openai"));
        assert_eq!(id("OPENAI_API_KEY_2"), Some("openai"));
        assert_eq!(id("NOPENAI_API_KEY"), None);
        assert_eq!(id("DATABASE_URL"), None);
    }

    #[test]
    fn user_entries_add_and_replace_providers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(USER_CATALOG_FILE),
            r#"
[[provider]]
id = "acme"
name = "Acme AI"
variables = ["ACME_API_KEY"]
formats = [{ pattern = 'acme_[a-z]{20}' }]
[[provider]]
id = "groq"
name = "Groq (ours)"
variables = ["GROQ_API_KEY"]
formats = [{ pattern = 'gsk_[A-Za-z0-9]{10}' }]
"#,
        )
        .unwrap();
        let catalog = Catalog::load(Some(dir.path())).unwrap();
        assert_eq!(catalog.provider("acme").unwrap().name, "Acme AI");
        assert_eq!(catalog.provider("groq").unwrap().name, "Groq (ours)");
        assert_eq!(catalog.matches("acme_abcdefghijklmnopqrst").next().unwrap().0.id, "acme");

        std::fs::write(
            dir.path().join(USER_CATALOG_FILE),
            "[[provider]]\nid = \"x\"\nname = \"X\"\nformats = [{ pattern = '(' }]\n",
        )
        .unwrap();
        let err = Catalog::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("provider `x`"), "{err}");
    }

    #[test]
    fn azure_resource_hosts_follow_the_naming_rule() {
        let catalog = Catalog::built_in();
        let azure = catalog.provider("azure-openai").unwrap();
        for ok in
            ["myres.openai.azure.com", "my-res-2.cognitiveservices.azure.com", "ab.services.ai.azure.com"]
        {
            assert!(catalog.host_allowed(azure, ok), "{ok}");
        }
        for bad in [
            "example.azure.openai.com",
            "my-.openai.azure.com",
            "openai.azure.com",
            "x.openai.azure.com.evil.io",
        ] {
            assert!(!catalog.host_allowed(azure, bad), "{bad}");
        }
    }
}
