//! Withholding: which variables of latchkey's own environment a launched command does
//! not inherit, because they look like secrets it was not granted.
//!
//! A variable is withheld when its name holds a sensitive word (`OPENAI_API_KEY_2`,
//! `GH_PAT`, `MYSQL_PWD`), is one of a few known names (`SSH_AUTH_SOCK`), matches a
//! pattern the user added in `LATCHKEY_WITHHOLD`, or when its value is a secret
//! whatever its name: a key a catalog provider recognises, a URL with a password, a
//! private key. latchkey's own variables (`LATCHKEY_*`) never reach a command.
//!
//! This is not masking (see [`super::mask`]): it decides what a command is given, not
//! what its output shows.

use std::ffi::{OsStr, OsString};

use crate::validate::Catalog;

/// The environment variable that adjusts withholding.
pub const WITHHOLD_ENV: &str = "LATCHKEY_WITHHOLD";

/// The default rules (upper case), in the syntax of `LATCHKEY_WITHHOLD`: a bare word matches a
/// `_`-separated word of a name (`KEY` matches `OPENAI_API_KEY_2`), a name with `_` and
/// no `*` matches that name exactly, and a pattern with `*` matches the whole name (`*`
/// is any run of characters). Matching ignores case.
pub const DEFAULT_WITHHELD: &[&str] = &[
    "KEY",
    "KEYS",
    "APIKEY",
    "TOKEN",
    "TOKENS",
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASSPHRASE",
    "PWD",
    "PAT",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "PRIVATE",
    "AUTH",
    "WEBHOOK",
    "DSN",
    "COOKIE",
    "SIGNATURE",
    "*PASSWORD*",
    "*PASSWD*",
    "*SECRET*",
    "*APIKEY*",
    "*TOKEN",
    "*CONNECTION_STRING*",
    "SSH_AUTH_SOCK",
    "GPG_AGENT_INFO",
];

/// Names that hold a sensitive word but are not secrets: the shell's working directory.
const NEVER_SECRET: &[&str] = &["PWD", "OLDPWD"];

/// The prefix of latchkey's own variables, which no command inherits.
const OWN_PREFIX: &str = "LATCHKEY_";

/// The rules in force for one launch.
#[derive(Debug, Clone)]
pub struct Withholding {
    rules: Vec<String>,
    /// Defaults the user removed with `-RULE`, to say so.
    removed: Vec<String>,
    /// Entries of `LATCHKEY_WITHHOLD` that remove nothing.
    unknown_removals: Vec<String>,
    /// Names let through anyway (`--inherit NAME`).
    inherit: Vec<String>,
    /// `--inherit-secrets`: nothing is withheld (latchkey's own variables still are).
    everything: bool,
}

impl Withholding {
    /// The default rules, adjusted by `LATCHKEY_WITHHOLD` (comma-separated): `RULE`
    /// adds a rule, `-RULE` removes a default one; empty entries are ignored.
    pub fn from_env() -> Self {
        Self::with_adjustments(&std::env::var(WITHHOLD_ENV).unwrap_or_default())
    }

    /// The default rules adjusted by `list`, in the syntax of `LATCHKEY_WITHHOLD`.
    pub fn with_adjustments(list: &str) -> Self {
        let mut rules: Vec<String> = DEFAULT_WITHHELD.iter().map(|r| r.to_string()).collect();
        let (mut removed, mut unknown_removals) = (Vec::new(), Vec::new());
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty() && *e != "-") {
            match entry.strip_prefix('-') {
                Some(rule) => match rules.iter().position(|r| r.eq_ignore_ascii_case(rule)) {
                    Some(i) => removed.push(rules.remove(i)),
                    None => unknown_removals.push(rule.to_owned()),
                },
                None => rules.push(entry.to_ascii_uppercase()),
            }
        }
        Self { rules, removed, unknown_removals, inherit: Vec::new(), everything: false }
    }

    /// Lets `names` through even though they look sensitive.
    pub fn inherit(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.inherit.extend(names);
        self
    }

    /// Lets every sensitive variable through (`--inherit-secrets`).
    pub fn inherit_everything(mut self, yes: bool) -> Self {
        self.everything = yes;
        self
    }

    /// Lines to show the user about these rules: defaults removed on request, and
    /// removals that matched no default.
    pub fn notices(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.removed.is_empty() {
            notes.push(format!(
                "not withholding {} ({WITHHOLD_ENV} removed these default rules)",
                self.removed.join(", ")
            ));
        }
        for rule in &self.unknown_removals {
            notes.push(format!(
                "{WITHHOLD_ENV} removes `{rule}`, which is not a default rule: the defaults are {}",
                DEFAULT_WITHHELD.join(",")
            ));
        }
        notes
    }

    /// Whether a variable `name=value` of latchkey's environment is withheld from a
    /// command. `catalog` gives the provider catalog, to recognise keys by value; it is
    /// asked only for values that could be a key.
    pub fn withholds<'c>(
        &self,
        name: &str,
        value: &OsStr,
        catalog: &dyn Fn() -> Option<&'c Catalog>,
    ) -> bool {
        if self.everything || self.inherit.iter().any(|n| n == name) {
            return false;
        }
        self.name_is_sensitive(name) || value.to_str().is_some_and(|v| value_is_secret(v, catalog))
    }

    /// Whether `name` matches a rule.
    pub fn name_is_sensitive(&self, name: &str) -> bool {
        if NEVER_SECRET.contains(&name) {
            return false;
        }
        let upper = name.to_ascii_uppercase();
        let words: Vec<&str> = upper.split('_').collect();
        self.rules.iter().any(|rule| {
            if rule.contains('*') {
                glob(rule, &upper)
            } else if rule.contains('_') {
                *rule == upper
            } else {
                words.contains(&rule.as_str())
            }
        })
    }
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

/// Whether a value is a secret whatever its name: a key of a catalog provider (by a
/// format that needs no name to tell), a URL with a password in it, or a private key.
/// The catalog is asked only about a value shaped like a token (no spaces, no path).
pub fn value_is_secret<'c>(value: &str, catalog: &dyn Fn() -> Option<&'c Catalog>) -> bool {
    if value.len() < 8 {
        return false;
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return true;
    }
    if value.contains("://")
        && let Ok(url) = url::Url::parse(value)
        && url.password().is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    let token_like = value.len() >= 16 && !value.contains(['/', ' ', ':', '='])
        || value.starts_with("https://hooks.")
        || value.starts_with("pypi-");
    // A user's providers.toml may add formats the built-in prefixes do not know.
    let user_catalog =
        || crate::validate::config_dir().is_some_and(|d| d.join(crate::validate::USER_CATALOG_FILE).exists());
    token_like
        && (crate::validate::may_be_built_in_key(value) || user_catalog())
        && catalog().is_some_and(|c| c.recognises(value))
}

/// Whether a variable is latchkey's own, which no command inherits.
pub fn is_own(name: &OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(OWN_PREFIX))
}

/// The variables of `parent` a command inherits under `rules`, and the names withheld
/// (sorted). latchkey's own variables and every name in `replaced` (injected ones) are
/// left out without being counted as withheld.
pub fn inherited<'c>(
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    rules: &Withholding,
    replaced: &[&str],
    catalog: &dyn Fn() -> Option<&'c Catalog>,
) -> (Vec<(OsString, OsString)>, Vec<String>) {
    let mut kept = Vec::new();
    let mut withheld = Vec::new();
    for (name, value) in parent {
        if is_own(&name) || name.to_str().is_some_and(|n| replaced.contains(&n)) {
            continue;
        }
        let text = name.to_string_lossy();
        if rules.withholds(&text, &value, catalog) {
            withheld.push(text.into_owned());
        } else {
            kept.push((name, value));
        }
    }
    withheld.sort();
    (kept, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_words_anywhere_in_a_name_are_withheld_and_ordinary_names_are_not() {
        let rules = Withholding::with_adjustments("");
        for name in [
            "OPENAI_API_KEY",
            "OPENAI_API_KEY_2",
            "SECRET_KEY_BASE",
            "STRIPE_SECRET_KEY_LIVE",
            "MYSQL_PWD",
            "TOKEN",
            "GH_PAT",
            "API_SECRETS",
            "OPENAI_APIKEY",
            "PRIVATE_KEY_PEM",
            "SLACK_WEBHOOK_URL",
            "SSH_AUTH_SOCK",
            "PGPASSWORD_FILE",
            "AZURE_STORAGE_CONNECTION_STRING",
            "aws_secret",
        ] {
            assert!(rules.name_is_sensitive(name), "{name}");
        }
        for name in [
            "PATH",
            "HOME",
            "PWD",
            "OLDPWD",
            "KEYBOARD",
            "TOKENIZER_PATH",
            "LANG",
            "SESSION_MANAGER",
            "XAUTHORITY",
        ] {
            assert!(!rules.name_is_sensitive(name), "{name}");
        }
    }

    #[test]
    fn latchkey_withhold_adds_rules_and_removes_defaults_only_explicitly() {
        assert!(Withholding::with_adjustments(",, ,").name_is_sensitive("OLD_API_KEY"));
        let added = Withholding::with_adjustments("CORP_*");
        assert!(added.name_is_sensitive("CORP_VAULT_ADDR") && added.name_is_sensitive("OLD_API_KEY"));
        let removed = Withholding::with_adjustments("-KEY,-NOPE");
        assert!(!removed.name_is_sensitive("OLD_API_KEY"));
        assert!(removed.name_is_sensitive("GITHUB_TOKEN"));
        let notes = removed.notices();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("KEY") && notes[0].contains(WITHHOLD_ENV));
        assert!(notes[1].contains("NOPE"));
    }

    #[test]
    fn values_that_are_secrets_are_withheld_whatever_the_name() {
        let built = Catalog::built_in();
        let catalog = || Some(&built);
        assert!(value_is_secret("postgres://app:hunter2@db/app", &catalog));
        assert!(!value_is_secret("postgres://app@db/app", &catalog));
        assert!(value_is_secret("-----BEGIN OPENSSH PRIVATE KEY-----\nabc", &|| None));
        let key = format!("gsk_{}", &"a1B2c3D4".repeat(7)[..52]);
        assert!(value_is_secret(&key, &catalog));
        assert!(value_is_secret(
            "https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/abcdefghijklmnopqrstuvwx",
            &catalog
        ));
        // A 32-digit hex string is an Azure key only under an Azure name.
        assert!(!value_is_secret("0123456789abcdef0123456789abcdef", &catalog));
        assert!(!value_is_secret("/usr/local/bin:/usr/bin", &catalog));
    }

    #[test]
    fn the_child_gets_the_parent_minus_secrets_and_latchkeys_own() {
        let parent = [
            ("PATH", "/bin"),
            ("OLD_API_KEY", "leak"),
            ("OPENAI_API_KEY", "parent"),
            ("LATCHKEY_IDENTITY", "/id"),
        ]
        .map(|(n, v)| (OsString::from(n), OsString::from(v)));
        let rules = Withholding::with_adjustments("");
        let (env, withheld) = inherited(parent.clone(), &rules, &["OPENAI_API_KEY"], &|| None);
        assert_eq!(env, [("PATH".into(), "/bin".into())]);
        assert_eq!(withheld, ["OLD_API_KEY"]);
        let (env, withheld) =
            inherited(parent.clone(), &rules.clone().inherit(["OLD_API_KEY".into()]), &[], &|| None);
        assert_eq!(env.len(), 2, "{env:?}");
        assert_eq!(withheld, ["OPENAI_API_KEY"]);
        let (env, withheld) = inherited(parent, &rules.inherit_everything(true), &[], &|| None);
        assert_eq!(env.len(), 3, "latchkey's own variable is never inherited: {env:?}");
        assert!(withheld.is_empty());
    }
}
