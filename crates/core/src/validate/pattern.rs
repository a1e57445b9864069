//! One key format's pattern, matched cheaply: most values are ruled out by a literal
//! prefix before any regex is parsed or compiled.

use regex::Regex;

/// One format's pattern, with the facts that rule most values out before any work: the
/// literal text it starts with, read off its source; then, once a value gets past that,
/// the length range and literal prefixes of its matches, and last the regex itself.
/// Each is computed the first time it is needed, so a catalog costs little to load when
/// few values are checked (`latchkey run`).
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    pub(super) source: String,
    /// Literal text every match starts with, as written at the start of the source.
    quick_prefix: String,
    facts: std::sync::OnceLock<Facts>,
    pub(super) provider: usize,
    pub(super) format: usize,
}

#[derive(Debug, Clone)]
struct Facts {
    regex: std::sync::OnceLock<Regex>,
    min_len: usize,
    max_len: Option<usize>,
    /// A match starts with one of these (empty: no literal is known).
    prefixes: Vec<String>,
}

impl Pattern {
    pub(super) fn new(source: &str, provider: usize, format: usize) -> Self {
        let literal: String = source
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | ':'))
            .collect();
        // A quantifier right after the literal applies to its last character.
        let quick_prefix = match source[literal.len()..].chars().next() {
            Some('{' | '*' | '?' | '+') => literal[..literal.len().saturating_sub(1)].to_owned(),
            _ => literal,
        };
        Self {
            source: format!("^(?:{source})$"),
            quick_prefix,
            facts: std::sync::OnceLock::new(),
            provider,
            format,
        }
    }

    /// Whether the pattern is a valid regex (for a user's catalog, checked at load).
    pub(super) fn check(&self) -> Result<(), String> {
        regex_syntax::parse(&self.source).map(drop).map_err(|e| e.to_string())
    }

    fn facts(&self) -> &Facts {
        self.facts.get_or_init(|| {
            let hir = regex_syntax::parse(&self.source).expect("a catalog pattern parses");
            let properties = hir.properties();
            let mut extractor = regex_syntax::hir::literal::Extractor::new();
            extractor.kind(regex_syntax::hir::literal::ExtractKind::Prefix);
            let prefixes = extractor
                .extract(&hir)
                .literals()
                .map(|lits| {
                    lits.iter()
                        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
                        .collect::<Vec<_>>()
                })
                .filter(|p| p.iter().all(|l| !l.is_empty()))
                .unwrap_or_default();
            Facts {
                regex: std::sync::OnceLock::new(),
                min_len: properties.minimum_len().unwrap_or(0),
                max_len: properties.maximum_len(),
                prefixes,
            }
        })
    }

    /// The literal texts every match starts with; empty when none is known.
    pub(super) fn prefixes(&self) -> &[String] {
        &self.facts().prefixes
    }

    pub(super) fn is_match(&self, value: &str) -> bool {
        if !value.starts_with(&self.quick_prefix) {
            return false;
        }
        let facts = self.facts();
        value.len() >= facts.min_len
            && facts.max_len.is_none_or(|max| value.len() <= max)
            && (facts.prefixes.is_empty() || facts.prefixes.iter().any(|p| value.starts_with(p.as_str())))
            && facts
                .regex
                .get_or_init(|| Regex::new(&self.source).expect("a pattern that parses compiles"))
                .is_match(value)
    }
}
