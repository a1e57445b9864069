//! Placeholders: what a brokered run's command gets in place of a secret. Each is
//! unique to the run, as long as the real value, and shaped like it (the same literal
//! prefix, the same alphabet in each part), so that SDKs that check a key's format
//! accept it; where the provider's keys carry a checksum, the placeholder's fails, so
//! it is valid nowhere and raises no alarm if it leaks.
//!
//! It is not where placeholders are swapped for values: that is the proxy's.

use regex::Regex;
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Repetition};

use crate::validate::Catalog;
use crate::validate::checksum;

/// A placeholder for `value`, stored under `name`, unlike every value in `avoid` (the
/// run's real values and the placeholders made so far): none contains another.
pub(crate) fn placeholder(catalog: &Catalog, name: &str, value: &str, avoid: &[&str]) -> String {
    let shaped = catalog
        .matches(value)
        .find(|(_, f)| f.context.is_empty() || f.context.iter().any(|c| c == name))
        .map(|(_, f)| (f.pattern.clone(), f.checksum));
    for _ in 0..64 {
        let candidate = match &shaped {
            Some((pattern, sum)) => shape_like(pattern, value).map(|p| match sum {
                Some(sum) => checksum::broken(*sum, &p),
                None => p,
            }),
            None => None,
        }
        .unwrap_or_else(|| character_for_character(value));
        let unique = candidate != value
            && avoid.iter().all(|a| !a.contains(candidate.as_str()) && !candidate.contains(a));
        if unique {
            return candidate;
        }
    }
    // Values too short or too uniform to vary (never a provider's key): a long random
    // placeholder is still unique.
    format!("latchkey-placeholder-{}", crate::encoding::hex(&random_bytes(12)))
}

/// `value` with every part that a class of `pattern` matched drawn anew from that class.
fn shape_like(pattern: &str, value: &str) -> Option<String> {
    let hir = regex_syntax::parse(&format!("^(?:{pattern})$")).ok()?;
    let mut classes = Vec::new();
    let marked = mark(&hir, &mut classes);
    let captures = Regex::new(&marked.to_string()).ok()?.captures(value)?;
    let mut out = String::with_capacity(value.len());
    let mut at = 0;
    for (i, class) in classes.iter().enumerate() {
        let Some(span) = captures.get(i + 1) else { continue };
        out.push_str(&value[at..span.start()]);
        for _ in span.as_str().chars() {
            out.push(random_member(class)?);
        }
        at = span.end();
    }
    out.push_str(&value[at..]);
    let original = Regex::new(&hir.to_string()).ok()?;
    (out.len() == value.len() && original.is_match(&out)).then_some(out)
}

/// `hir` with every class, and every repetition of a class, made a capture group;
/// `classes` gets each group's class, in the groups' order.
fn mark(hir: &Hir, classes: &mut Vec<Vec<(char, char)>>) -> Hir {
    let mut capture = |sub: Hir, class: &Class| {
        classes.push(ranges(class));
        Hir::capture(Capture { index: classes.len() as u32, name: None, sub: Box::new(sub) })
    };
    match hir.kind() {
        HirKind::Class(class) => capture(hir.clone(), class),
        HirKind::Repetition(rep) => match rep.sub.kind() {
            HirKind::Class(class) => capture(hir.clone(), class),
            _ => Hir::repetition(Repetition { sub: Box::new(mark(&rep.sub, classes)), ..rep.clone() }),
        },
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(|h| mark(h, classes)).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(|h| mark(h, classes)).collect()),
        HirKind::Capture(c) => mark(&c.sub, classes),
        _ => hir.clone(),
    }
}

fn ranges(class: &Class) -> Vec<(char, char)> {
    match class {
        Class::Unicode(u) => u.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(b) => b.ranges().iter().map(|r| (char::from(r.start()), char::from(r.end()))).collect(),
    }
}

/// A random character of `class` (printable ASCII only, as keys are).
fn random_member(class: &[(char, char)]) -> Option<char> {
    let members: Vec<char> = class
        .iter()
        .flat_map(|&(a, b)| (a as u32..=b as u32).filter_map(char::from_u32))
        .filter(|c| c.is_ascii_graphic())
        .collect();
    (!members.is_empty()).then(|| members[random_index(members.len())])
}

/// For a value of no known format: a kind prefix of lower-case words (`sk-`,
/// `pk_live_`) kept, every letter and digit after it drawn anew from letters and digits
/// alike (so not even where the digits were shows), other characters kept.
fn character_for_character(value: &str) -> String {
    let keep = kind_prefix(value);
    let (head, tail) = value.split_at(keep);
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::from(head);
    for c in tail.chars() {
        out.push(if c.is_ascii_alphanumeric() { ALNUM[random_index(ALNUM.len())] as char } else { c });
    }
    out
}

/// The length of `value`'s kind prefix: up to three words of 1 to 8 lower-case letters,
/// each followed by `-` or `_`, 12 characters at most. 0 when it has none.
fn kind_prefix(value: &str) -> usize {
    let bytes = value.as_bytes();
    let (mut at, mut words) = (0, 0);
    while words < 3 {
        let word = bytes[at..].iter().take_while(|b| b.is_ascii_lowercase()).count();
        let end = at + word;
        if !(1..=8).contains(&word)
            || end + 1 >= bytes.len()
            || !matches!(bytes[end], b'-' | b'_')
            || end + 1 > 12
        {
            break;
        }
        at = end + 1;
        words += 1;
    }
    at
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    bytes
}

fn random_index(len: usize) -> usize {
    let bytes = random_bytes(8);
    (u64::from_le_bytes(bytes.try_into().expect("8 bytes")) % len as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::built_in()
    }

    #[test]
    fn a_placeholder_has_the_shape_and_length_of_the_key_and_is_another_value() {
        let key = format!("sk-proj-{}T3BlbkFJ{}", "a1B2c3D4e5".repeat(6), "Z9y8X7w6v5".repeat(6));
        let p = placeholder(&catalog(), "OPENAI_API_KEY", &key, &[&key]);
        assert_eq!(p.len(), key.len());
        assert!(p.starts_with("sk-proj-") && p.contains("T3BlbkFJ"), "{p}");
        assert_ne!(p, key);
        assert_eq!(catalog().matches(&p).next().map(|(p, _)| p.id.as_str()), Some("openai"));
    }

    #[test]
    fn a_checksummed_key_gets_a_placeholder_whose_checksum_fails() {
        // A GitHub token with a correct checksum (the corpus's first).
        let key = "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";
        let finding = crate::validate::check_alone(&catalog(), "GITHUB_TOKEN", key);
        assert!(!finding.has(crate::validate::ProblemCode::Checksum), "the test key is genuine");
        let p = placeholder(&catalog(), "GITHUB_TOKEN", key, &[key]);
        assert_eq!(p.len(), key.len());
        assert!(p.starts_with("ghp_"));
        let finding = crate::validate::check_alone(&catalog(), "GITHUB_TOKEN", &p);
        assert!(finding.has(crate::validate::ProblemCode::Checksum), "{p}: {finding:?}");
    }

    #[test]
    fn a_value_of_no_known_format_keeps_only_a_kind_prefix() {
        let value = "value-of-no-known-format-123";
        let p = placeholder(&catalog(), "X_TOKEN", value, &[value]);
        assert!(p.starts_with("value-of-no-") && p.len() == value.len(), "{p}");
        // A password keeps none of its characters, nor where its digits were.
        let password = "Tr0ub4dor&3-correct-horse";
        let p = placeholder(&catalog(), "DB_PASSWORD", password, &[password]);
        assert_eq!(p.len(), password.len());
        assert_eq!(p.as_bytes()[9], b'&', "punctuation stays: {p}");
        let kept =
            p.chars().zip(password.chars()).filter(|(a, b)| a == b && b.is_ascii_alphanumeric()).count();
        assert!(kept < 6, "{p} keeps {kept} characters of the password");
        assert_eq!(kind_prefix("pk_live_abc"), 8);
        assert_eq!(kind_prefix("Tr0ub4dor&3-x"), 0);
        assert_eq!(kind_prefix("sk-"), 0, "a prefix is followed by something");
    }

    #[test]
    fn placeholders_never_contain_each_other_or_a_value() {
        let p = placeholder(
            &catalog(),
            "X_TOKEN",
            "value-of-no-known-format-123",
            &["value-of-no-known-format-123"],
        );
        assert!(p.starts_with("value-") && p.len() == "value-of-no-known-format-123".len(), "{p}");
        let q = placeholder(&catalog(), "Y", "abc", &["abc"]);
        assert_ne!(q, "abc");
    }
}
