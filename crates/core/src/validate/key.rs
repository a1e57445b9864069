//! Format checks of a key: which provider it belongs to, whether it has that provider's
//! shape and checksum, and the generic signs of a value that cannot work (placeholders,
//! stray whitespace, invisible characters, password-like values).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::catalog::{Catalog, Format, Provider};
use super::{Finding, Problem, ProblemCode, checksum, trimmed};

/// The shortest value that can be a generated key.
const MIN_LEN: usize = 10;

/// The longest value judged as a possible password: longer ones are generated.
const MAX_PASSWORD_LEN: usize = 64;

/// Lowercase fragments that no generated key contains by chance (compared with the value
/// lowercased and stripped of separators). Long enough that a random base62 key holds one
/// with a probability below one in a million.
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "changeme",
    "placeholder",
    "yourkey",
    "yourapi",
    "yourtoken",
    "yoursecret",
    "keyhere",
    "tokenhere",
    "replaceme",
    "insertyour",
    "redacted",
    "notreal",
    "missingapikey",
];

/// Whole words (between separators) that mark a placeholder, in values of no known format.
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "here",
    "test",
    "testing",
    "example",
    "sample",
    "fake",
    "mock",
    "demo",
    "dummy",
    "todo",
    "fixme",
    "changeme",
    "replaceme",
    "placeholder",
    "none",
    "null",
    "undefined",
    "insert",
    "redacted",
];

/// Words people use in passwords, never found in generated keys of no known format.
const PASSWORD_WORDS: &[&str] = &[
    "password", "passwd", "letmein", "qwerty", "welcome", "iloveyou", "monkey", "dragon", "123456", "admin",
];

/// The key checks of [`super::check`].
pub(super) fn check(
    catalog: &Catalog,
    name: &str,
    raw: &str,
    config: &dyn Fn(&str) -> Option<String>,
) -> Finding {
    let mut problems = Vec::new();
    let value = trimmed(raw);
    if value.len() != raw.len() {
        problems.push(problem(
            ProblemCode::Whitespace,
            "the value has surrounding whitespace, quotes or a newline: store it trimmed".into(),
        ));
    }
    if value.chars().count() < MIN_LEN {
        problems.push(problem(
            ProblemCode::TooShort,
            format!("the value is shorter than {MIN_LEN} characters: paste the whole key"),
        ));
    }
    if !value.starts_with("-----BEGIN") && value.chars().any(is_non_printable) {
        problems.push(problem(
            ProblemCode::NonPrintable,
            "the value contains control or invisible characters: copy the key again from its source".into(),
        ));
    }
    let suggested = catalog.provider_for_name(name);
    let matched = best_match(catalog, name, value, suggested);
    match (matched, suggested) {
        (Some((found, format)), _) => {
            if let Some(expected) = suggested.filter(|s| s.id != found.id)
                && !served_by(catalog, expected, found, config)
            {
                problems.push(problem(
                    ProblemCode::ProviderMismatch,
                    format!(
                        "this looks like {} {} key, but {name} is where {} keys go: check that it was pasted into the right variable",
                        article(&found.name),
                        found.name,
                        expected.name
                    ),
                ));
            }
            if let Some(sum) = format.checksum
                && !checksum::holds(sum, value)
            {
                problems.push(problem(
                    ProblemCode::Checksum,
                    format!(
                        "the checksum of this {} key is wrong: it was mistyped, truncated or copied from an example; copy it again",
                        found.name
                    ),
                ));
            }
        }
        (None, Some(expected)) if !expected.formats.is_empty() => problems.push(problem(
            ProblemCode::Format,
            format!(
                "this does not have the shape of {} {} key: check it is complete and for {}",
                article(&expected.name),
                expected.name,
                expected.name
            ),
        )),
        (None, _) => {}
    }
    if is_placeholder(value, matched.is_some()) {
        problems.push(problem(
            ProblemCode::Placeholder,
            "this is a placeholder or an example, not a real key: paste the key itself".into(),
        ));
    } else if matched.is_none()
        && (MIN_LEN..=MAX_PASSWORD_LEN).contains(&value.len())
        && looks_like_password(value)
    {
        problems.push(problem(
            ProblemCode::LowEntropy,
            "this looks like a password or a word, not a generated key: use the key the provider issued"
                .into(),
        ));
    }
    let provider = matched.map(|(p, _)| p).or(suggested).map(|p| p.id.clone());
    Finding::new(provider, problems)
}

/// "an" before a vowel sound (an OpenAI key), "a" otherwise.
fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

fn problem(code: ProblemCode, message: String) -> Problem {
    Problem { code, message }
}

/// The format `value` has, preferring the provider the name suggests. A format with a
/// context counts only under one of its variable names.
fn best_match<'a>(
    catalog: &'a Catalog,
    name: &str,
    value: &str,
    suggested: Option<&Provider>,
) -> Option<(&'a Provider, &'a Format)> {
    let mut first = None;
    for (provider, format) in catalog.matches(value) {
        if !format.context.is_empty()
            && !format.context.iter().any(|c| c == name || name.ends_with(&format!("_{c}")))
        {
            continue;
        }
        if suggested.is_some_and(|s| s.id == provider.id) {
            return Some((provider, format));
        }
        first = first.or(Some((provider, format)));
    }
    first
}

/// Whether the environment points `expected`'s clients at `found`'s servers, as with
/// `OPENAI_BASE_URL=https://api.groq.com/openai/v1` and a Groq key in `OPENAI_API_KEY`.
fn served_by(
    catalog: &Catalog,
    expected: &Provider,
    found: &Provider,
    config: &dyn Fn(&str) -> Option<String>,
) -> bool {
    expected
        .base_url_variables
        .iter()
        .filter_map(|v| config(v))
        .filter_map(|u| url::Url::parse(u.trim()).ok())
        .any(|u| u.host_str().is_some_and(|h| catalog.host_allowed(found, h)))
}

fn is_non_printable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00A0}' | '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Placeholders, templates, documentation samples and runs of one character.
fn is_placeholder(value: &str, known_format: bool) -> bool {
    let template = (value.starts_with('<') && value.ends_with('>'))
        || (value.contains("${") && value.contains('}'))
        || (value.contains("{{") && value.contains("}}"))
        || (value.len() > 2 && value.starts_with('%') && value.ends_with('%'))
        || (value.starts_with('$') && value[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if template || longest_run(value) >= 8 || has_run_of_x(value) {
        return true;
    }
    // The value lowercased, without separators: `Your-API_Key` reads `yourapikey`.
    let squashed: Vec<u8> =
        value.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_lowercase()).collect();
    if squashed.len() >= 2 && squashed.iter().all(|&b| b == squashed[0]) {
        return true;
    }
    static FRAGMENTS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(PLACEHOLDER_FRAGMENTS).expect("the fragments compile"));
    if FRAGMENTS.is_match(&squashed) {
        return true;
    }
    // Words are only a sign in values of no known format: `sk_test_...` is a real Stripe
    // test-mode key.
    !known_format
        && value
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| PLACEHOLDER_WORDS.iter().any(|p| word.eq_ignore_ascii_case(p)))
}

fn longest_run(value: &str) -> usize {
    let (mut best, mut run, mut last) = (0, 0, None);
    for c in value.chars() {
        run = if Some(c) == last { run + 1 } else { 1 };
        last = Some(c);
        best = best.max(run);
    }
    best
}

fn has_run_of_x(value: &str) -> bool {
    value.as_bytes().windows(6).any(|w| w.iter().all(|b| b.eq_ignore_ascii_case(&b'x')))
}

/// A value of no known format that a person chose: common password words, a repeated
/// chunk (`hunter2hunter2`), or a small alphabet for its length.
fn looks_like_password(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if PASSWORD_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let bytes = value.as_bytes();
    const CHUNK: usize = 6;
    if bytes.len() >= 2 * CHUNK {
        for i in 0..=bytes.len() - 2 * CHUNK {
            let chunk = &bytes[i..i + CHUNK];
            if bytes[i + CHUNK..].windows(CHUNK).any(|w| w == chunk) {
                return true;
            }
        }
    }
    shannon_bits_per_char(value) < 2.5
}

fn shannon_bits_per_char(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let len = value.len() as f64;
    counts.iter().filter(|&&n| n > 0).map(|&n| f64::from(n) / len).map(|p| -p * p.log2()).sum()
}

#[cfg(test)]
mod tests {
    use super::super::{FormatVerdict, check_alone};
    use super::*;

    fn codes(name: &str, value: &str) -> Vec<&'static str> {
        check_alone(&Catalog::built_in(), name, value).problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn stripe_test_mode_keys_are_not_placeholders() {
        let finding =
            check_alone(&Catalog::built_in(), "STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc");
        assert_eq!(finding.format, FormatVerdict::Ok, "{:?}", finding.problems);
    }

    #[test]
    fn templates_and_samples_are_placeholders() {
        for value in [
            "<OPENAI_API_KEY>",
            "${OPENAI_API_KEY}",
            "{{ openai_key }}",
            "%OPENAI_KEY%",
            "$OPENAI_KEY",
            "your-api-key-here",
            "sk-xxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "<missing API key>",
        ] {
            assert!(codes("SOME_API_KEY", value).contains(&"placeholder"), "{value}");
        }
    }

    #[test]
    fn passwords_are_low_entropy_and_random_strings_are_not() {
        assert_eq!(codes("DB_TOKEN", "hunter2hunter2hunter2"), ["low_entropy"]);
        assert_eq!(codes("DB_TOKEN", "MyPassword!2024"), ["low_entropy"]);
        assert!(codes("DB_TOKEN", "q8ZfT1xLw0PmR3vKc7NbYs2HdJ9gAe4U").is_empty());
        assert!(codes("DB_TOKEN", "4f9c2a7e1b3d8f6a0c5e9b2d7a1f3c8e").is_empty());
    }

    #[test]
    fn messages_never_quote_the_value() {
        let value = " sk-ant-api03-not-a-real-key-at-all\u{7} ";
        let finding = check_alone(&Catalog::built_in(), "OPENAI_API_KEY", value);
        assert!(!finding.problems.is_empty());
        for p in &finding.problems {
            assert!(!p.message.contains("not-a-real"), "{}", p.message);
        }
    }
}
