//! What a placeholder looks like: templates, documentation samples, fillers; and what a
//! connection URL is, whose password is no key.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

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
    "yourpassword",
    "passwordhere",
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

/// The schemes of database and message-broker connection URLs.
const CONNECTION_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "rediss",
    "mongodb",
    "mongodb+srv",
    "amqp",
    "amqps",
    "sqlserver",
    "mssql",
    "clickhouse",
    "cockroachdb",
];

/// Whether `value` is a database or broker connection URL.
pub(super) fn is_connection_url(value: &str) -> bool {
    value
        .split_once("://")
        .is_some_and(|(scheme, _)| CONNECTION_SCHEMES.iter().any(|s| scheme.eq_ignore_ascii_case(s)))
}

/// A template: `<...>`, `${...}`, `{{...}}`, `%...%` or `$NAME`.
fn is_template(value: &str) -> bool {
    (value.starts_with('<') && value.ends_with('>'))
        || (value.contains("${") && value.contains('}'))
        || (value.contains("{{") && value.contains("}}"))
        || (value.len() > 2 && value.starts_with('%') && value.ends_with('%'))
        || (value.starts_with('$') && value[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `value` lowercased, without separators: `Your-API_Key` reads `yourapikey`.
fn squashed(value: &str) -> Vec<u8> {
    value.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_lowercase()).collect()
}

/// Whether `value` holds a phrase of documentation samples (`yourapikey`, `changeme`).
fn has_placeholder_fragment(value: &str) -> bool {
    static FRAGMENTS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(PLACEHOLDER_FRAGMENTS).expect("the fragments compile"));
    FRAGMENTS.is_match(&squashed(value))
}

/// A template, a documentation sample or a run of `x`: what is a placeholder even in a
/// value of free form (a password, a connection URL), where words and repeats are not.
pub(super) fn is_filler(value: &str) -> bool {
    is_template(value) || has_run_of_x(value) || has_placeholder_fragment(value)
}

/// Placeholders, templates, documentation samples and runs of one character.
pub(super) fn is_placeholder(value: &str, known_format: bool) -> bool {
    if is_template(value) || longest_run(value) >= 8 || has_run_of_x(value) {
        return true;
    }
    let squashed = squashed(value);
    if squashed.len() >= 2 && squashed.iter().all(|&b| b == squashed[0]) {
        return true;
    }
    if has_placeholder_fragment(value) {
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
