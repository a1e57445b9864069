//! The environment a launched agent receives: the parent's variables, minus those whose
//! names look sensitive (unless asked to keep them), plus exactly the injected ones.

use std::ffi::{OsStr, OsString};

use secrecy::{ExposeSecret, SecretString};

/// Name patterns of parent variables withheld from an agent: `*` matches any run of
/// characters, and matching ignores case.
pub const DEFAULT_WITHHELD: &[&str] = &["*_KEY", "*_TOKEN", "*_SECRET", "*PASSWORD*", "*_CREDENTIALS"];

/// Whether `name` matches one of `patterns`.
pub fn is_sensitive(name: &str, patterns: &[String]) -> bool {
    let upper = name.to_ascii_uppercase();
    patterns.iter().any(|p| glob(&p.to_ascii_uppercase(), &upper))
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            if rest.is_empty() {
                return true;
            }
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// The environment of a child: `parent` without what `withhold` matches (unless
/// `inherit_secrets`), then `injected` on top. Returns it, with the names withheld.
pub fn child_environment(
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    injected: &[(String, SecretString)],
    withhold: &[String],
    inherit_secrets: bool,
) -> (Vec<(OsString, OsString)>, Vec<String>) {
    let mut withheld = Vec::new();
    let mut env: Vec<(OsString, OsString)> = Vec::new();
    for (name, value) in parent {
        let text = name.to_string_lossy();
        if injected.iter().any(|(n, _)| OsStr::new(n) == name) {
            continue;
        }
        if !inherit_secrets && is_sensitive(&text, withhold) {
            withheld.push(text.into_owned());
            continue;
        }
        env.push((name, value));
    }
    for (name, value) in injected {
        env.push((OsString::from(name), OsString::from(value.expose_secret())));
    }
    withheld.sort();
    (env, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<String> {
        DEFAULT_WITHHELD.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sensitive_names_match_the_default_patterns() {
        let d = defaults();
        for name in [
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "CLIENT_SECRET",
            "DB_PASSWORD",
            "PGPASSWORD",
            "GOOGLE_CREDENTIALS",
            "aws_secret",
        ] {
            assert!(is_sensitive(name, &d), "{name}");
        }
        for name in ["PATH", "HOME", "KEYBOARD", "TOKENIZER_PATH", "LANG"] {
            assert!(!is_sensitive(name, &d), "{name}");
        }
    }

    #[test]
    fn the_child_gets_the_parent_minus_secrets_plus_the_injected() {
        let parent = [("PATH", "/bin"), ("OLD_API_KEY", "leak"), ("OPENAI_API_KEY", "parent")]
            .map(|(n, v)| (OsString::from(n), OsString::from(v)));
        let injected = vec![("OPENAI_API_KEY".to_owned(), SecretString::from("injected"))];
        let (env, withheld) = child_environment(parent.clone(), &injected, &defaults(), false);
        assert_eq!(env, [("PATH".into(), "/bin".into()), ("OPENAI_API_KEY".into(), "injected".into())]);
        assert_eq!(withheld, ["OLD_API_KEY"]);
        let (env, withheld) = child_environment(parent, &injected, &defaults(), true);
        assert_eq!(env.len(), 3);
        assert!(withheld.is_empty());
    }
}
