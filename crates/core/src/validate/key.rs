//! Format checks of a key: which provider it belongs to, whether it has that provider's
//! shape and checksum, and the generic signs of a value that cannot work (placeholders,
//! stray whitespace, invisible characters, password-like values).

use super::catalog::{Catalog, Format, Provider};
use super::placeholder::{is_connection_url, is_filler, is_placeholder};
use super::{Finding, Problem, ProblemCode, checksum, trimmed};

/// The shortest value that can be a generated key.
const MIN_LEN: usize = 10;

/// The longest value judged as a possible password: longer ones are generated.
const MAX_PASSWORD_LEN: usize = 64;

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
    if !value.starts_with("-----BEGIN") && value.chars().any(is_non_printable) {
        problems.push(problem(
            ProblemCode::NonPrintable,
            "the value contains control or invisible characters: copy the key again from its source".into(),
        ));
    }
    let suggested = catalog.provider_for_name(name);
    // A connection URL (postgres://user:pass@host/db) under a name that is no provider's
    // is checked as one: its password is whatever the database was set up with, and a
    // local development database is not a placeholder. A template or a sample phrase in
    // it is. (Under OPENAI_API_KEY, `postgres://...` gets the key checks, and fails them.)
    if suggested.is_none() && is_connection_url(value) {
        if is_filler(value) || value.contains(['<', '>']) {
            problems.push(problem(
                ProblemCode::Placeholder,
                "this connection URL holds a template or a placeholder: fill in the real values".into(),
            ));
        }
        return Finding::new(None, problems);
    }
    let matched = best_match(catalog, name, value, suggested);
    // A password (DB_PASSWORD, POSTGRES_PASSWORD) of no provider's format is whatever the
    // service was set up with: short, a word, `postgres` on a developer's machine. Only a
    // template or an obvious filler is a placeholder.
    if matched.is_none() && suggested.is_none() && crate::name::names_a_password(name) {
        if is_filler(value) {
            problems.push(problem(
                ProblemCode::Placeholder,
                "this is a placeholder or an example, not a real password: paste the password itself".into(),
            ));
        }
        if value.is_empty() {
            problems.push(problem(ProblemCode::TooShort, "the password is empty: paste the password".into()));
        }
        return Finding::new(None, problems);
    }
    if value.chars().count() < MIN_LEN {
        problems.push(problem(
            ProblemCode::TooShort,
            format!("the value is shorter than {MIN_LEN} characters: paste the whole key"),
        ));
    }
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
                problems.push(if format.checksum_confirmed {
                    problem(
                        ProblemCode::Checksum,
                        format!(
                            "the checksum of this {} key is wrong: it was mistyped, truncated or copied from an example; copy it again",
                            found.name
                        ),
                    )
                } else {
                    problem(
                        ProblemCode::UnconfirmedChecksum,
                        format!(
                            "this {} key does not pass the checksum latchkey expects, but that scheme is not confirmed against real keys: check that it was copied whole",
                            found.name
                        ),
                    )
                });
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
    fn a_local_development_database_is_not_a_placeholder() {
        for url in [
            "postgres://postgres:postgres@localhost:5432/app_test",
            "mysql://root:root@127.0.0.1/dev",
            "redis://localhost:6379/0",
            "mongodb+srv://app:s3cr3t@cluster0.ab1cd.mongodb.net/test",
        ] {
            assert!(codes("DATABASE_URL", url).is_empty(), "{url}: {:?}", codes("DATABASE_URL", url));
        }
        assert_eq!(codes("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/app"), ["placeholder"]);
        assert_eq!(codes("DATABASE_URL", "postgres://your-api-key-here"), ["placeholder"]);
        // Under a provider's name, a URL gets the key checks (and fails them).
        for value in ["postgres://your-api-key-here", "postgres://ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] {
            assert!(!codes("OPENAI_API_KEY", value).is_empty(), "{value} passed as an OpenAI key");
            assert!(!codes("GITHUB_TOKEN", value).is_empty(), "{value} passed as a GitHub token");
        }
        assert_eq!(codes("DATABASE_URL", "postgres://app:<password>@db/app"), ["placeholder"]);
    }

    #[test]
    fn a_password_is_judged_as_a_password_not_as_a_key() {
        // Short, a word, `test`: what a developer's database was set up with.
        for password in ["postgres", "test", "hunter2", "s3cret!"] {
            assert!(
                codes("DB_PASSWORD", password).is_empty(),
                "{password}: {:?}",
                codes("DB_PASSWORD", password)
            );
            assert!(codes("SMTP_PASS", password).is_empty(), "{password}");
        }
        for filler in ["<password>", "${PASSWORD}", "changeme", "xxxxxxxx", "your-password-here"] {
            assert!(codes("POSTGRES_PASSWORD", filler).contains(&"placeholder"), "{filler}");
        }
        // A name that is not a password's still gets the key checks.
        assert_eq!(codes("DB_TOKEN", "hunter2hunter2hunter2"), ["low_entropy"]);
    }

    #[test]
    fn an_unconfirmed_checksum_warns_and_a_confirmed_one_refuses() {
        let npm = format!("npm_{}", "a1B2c3D4e5F6".repeat(3));
        let finding = check_alone(&Catalog::built_in(), "NPM_TOKEN", &npm);
        assert!(finding.has(ProblemCode::UnconfirmedChecksum), "{:?}", finding.problems);
        assert_eq!(finding.refusals().count(), 0, "an unconfirmed checksum refused a value");
        let github = format!("ghp_{}", "a1B2c3D4e5F6".repeat(3));
        let finding = check_alone(&Catalog::built_in(), "GITHUB_TOKEN", &github);
        assert!(finding.has(ProblemCode::Checksum));
        assert_eq!(finding.refusals().count(), 1);
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
