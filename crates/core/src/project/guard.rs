//! What a project file may not say, because it comes with a repository: a secret (in
//! any field), a value for a variable that decides where keys go or what code runs, or a
//! character that could rewrite the terminal line it is printed on. And what an error
//! about the file may not repeat: the text it could not read, which may be a key.

use crate::validate::Catalog;

/// Whether `text` (any string the file holds) looks like a secret or holds one: a
/// provider's key, a private key, a URL with a password for a host that is not local, a
/// `password=` setting, or a long random-looking token, alone or among other words.
pub(super) fn holds_secret<'c>(text: &str, catalog: &dyn Fn() -> &'c Catalog) -> bool {
    let text: String = text.chars().filter(|c| !invisible(*c)).collect();
    if text.contains("PRIVATE KEY-----") {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if ["password=", "pwd=", "passwd=", "secret=", "token="].iter().any(|p| lower.contains(p)) {
        return true;
    }
    let tokens =
        text.split(|c: char| c.is_whitespace() || "\"'`,;()[]{}<>|".contains(c)).filter(|t| !t.is_empty());
    for token in std::iter::once(text.trim()).chain(tokens) {
        let known_prefix = crate::validate::may_be_built_in_key(token)
            || token.starts_with("AKIA")
            || token.starts_with("ASIA");
        if known_prefix && catalog().matches(token).next().is_some() {
            return true;
        }
        if url_with_password(token) || random_token(token) {
            return true;
        }
    }
    false
}

/// A URL with a password for a host that is not this machine, in any of its hosts
/// (`postgres://u:p@localhost,db.prod/app` names two), or with a credential in its query.
/// A local development database (`postgres://postgres:postgres@localhost/app`) is not
/// a secret.
fn url_with_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else { return false };
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query_secret = query
        .split(['&', '#'])
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k))
        .any(crate::import::names_secret);
    if query_secret {
        return true;
    }
    // Read by hand: url reads no list of hosts.
    let authority = before_query.split(['/', '#']).next().unwrap_or_default();
    let Some((userinfo, hosts)) = authority.rsplit_once('@') else { return false };
    if userinfo.split_once(':').is_none_or(|(_, password)| password.is_empty()) {
        return false;
    }
    !hosts.split(',').all(|host| {
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => host.split(':').next().unwrap_or_default(),
        };
        let host = host.to_ascii_lowercase();
        host == "localhost"
            || host.ends_with(".localhost")
            || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// A token of 24 or more letters and digits (and `-_+/=.`), letters and digits mixed,
/// that is not a UUID: the shape of a key no catalog knows.
pub(super) fn random_token(value: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_+/=.".contains(c);
    if value.len() < 24 || !value.chars().all(allowed) {
        return false;
    }
    let is_uuid = value.len() == 36
        && value.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let letters = value.chars().filter(char::is_ascii_alphabetic).count();
    let upper = value.chars().any(|c| c.is_ascii_uppercase());
    let lower = value.chars().any(|c| c.is_ascii_lowercase());
    !is_uuid && digits >= 4 && letters >= 8 && (upper && lower || digits * 4 >= value.len())
}

/// Whether a variable's value, set by a committed file, would decide where keys go or
/// what code runs: the search path, loaders and interpreters' startup options, proxies
/// and trusted authorities, provider base URLs and endpoints, latchkey's own settings.
pub(super) fn steers<'c>(name: &str, catalog: &dyn Fn() -> &'c Catalog) -> bool {
    let upper = name.to_ascii_uppercase();
    const EXACT: &[&str] = &[
        "PATH",
        "BASH_ENV",
        "ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "PROMPT_COMMAND",
        "IFS",
        "HOME",
        "TMPDIR",
        "CDPATH",
        "PERLLIB",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "BROWSER",
    ];
    const PREFIXES: &[&str] = &[
        "LD_",
        "DYLD_",
        "PYTHON",
        "PERL5",
        "RUBY",
        "NODE_",
        "NPM_CONFIG_",
        "GIT_",
        "XDG_",
        "LATCHKEY_",
        "SSL_",
        "GCONV",
    ];
    const SUFFIXES: &[&str] =
        &["_OPTIONS", "_OPTS", "_PROXY", "_CA_BUNDLE", "_CA_CERTS", "_CERT_FILE", "_CERT_DIR"];
    if EXACT.contains(&upper.as_str())
        || PREFIXES.iter().any(|p| upper.starts_with(p))
        || SUFFIXES.iter().any(|s| upper.ends_with(s))
        || upper.ends_with("PROXY")
    {
        return true;
    }
    if crate::validate::is_endpoint_name(name) {
        return true;
    }
    // A provider's base URL variable (OPENAI_BASE_URL, HF_ENDPOINT, NPM_CONFIG_REGISTRY):
    // the catalog is asked only for a name shaped like one, as loading it costs more than
    // reading the rest of the file.
    let url_shaped = ["_URL", "_ENDPOINT", "_BASE", "_REGISTRY", "_HOST"].iter().any(|s| upper.ends_with(s));
    url_shaped && catalog().provider_for_url_variable(name).is_some()
}

/// A character that is invisible or controls a terminal: C0 and C1 controls (a tab
/// aside), and Unicode's format characters (zero-width spaces, bidirectional overrides).
pub(super) fn invisible(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{00ad}')
}

/// An error message from the TOML reader with what it quotes from the file left out:
/// serde names the text it could not take (`invalid type: string "sk-..."`), and that
/// text may be a key pasted in the wrong place.
pub(super) fn scrub(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[start] as char;
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(quote) {
            Some(end) => {
                let inner = &after[..end];
                out.push_str(&shown(inner, quote));
                rest = &after[end + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A name from the file, quoted, as an error may show it: only a plausible name is.
pub(super) fn name(text: &str) -> String {
    shown(text, '`')
}

fn shown(text: &str, quote: char) -> String {
    let plain = text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && !random_token(text)
        && !crate::validate::may_be_built_in_key(text);
    if plain && quote == '`' { format!("`{text}`") } else { "a value".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_repeat_what_the_file_quoted() {
        let key = "sk-proj-a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6";
        let message = format!("invalid type: string \"{key}\", expected struct RawVar");
        assert_eq!(scrub(&message), "invalid type: string a value, expected struct RawVar");
        let message = format!("unknown field `{key}`, expected one of `kind`, `provider`");
        assert_eq!(scrub(&message), "unknown field a value, expected one of `kind`, `provider`");
        assert_eq!(name("prod"), "`prod`");
        assert_eq!(name("Prod Env!"), "a value");
    }

    #[test]
    fn secrets_are_found_among_other_words_and_behind_invisible_characters() {
        let built_in = Catalog::built_in();
        let none = &|| &built_in;
        let key = "sk-proj-a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8i9J0";
        assert!(holds_secret(&format!("Bearer {key}"), none));
        assert!(holds_secret(&format!("\u{200b}{key}\u{200b}"), none));
        assert!(holds_secret(&format!("[\"{key}\"]"), none));
        assert!(holds_secret("-----BEGIN RSA PRIVATE KEY-----\nMIIE", none));
        assert!(holds_secret("host=db.prod password=hunter2", none));
        assert!(holds_secret("Server=db;Password=hunter2", none));
        assert!(holds_secret("postgres://u:p@localhost:5432,db.prod.internal:5432/app", none));
        assert!(!holds_secret("postgres://postgres:postgres@localhost:5432/app_test", none));
        assert!(!holds_secret("the agent's model access, see docs/keys.md", none));
        assert!(!holds_secret("python agent.py --task triage", none));
    }

    #[test]
    fn what_steers_keys_or_code_cannot_come_from_the_file() {
        let built_in = Catalog::built_in();
        let none = &|| &built_in;
        for name in [
            "PATH",
            "LD_PRELOAD",
            "NODE_OPTIONS",
            "BASH_ENV",
            "PYTHONPATH",
            "HTTPS_PROXY",
            "OPENAI_BASE_URL",
            "LATCHKEY_HOME",
            "REQUESTS_CA_BUNDLE",
        ] {
            assert!(steers(name, none), "{name}");
        }
        for name in ["LOG_LEVEL", "MAX_TOKENS", "OPENAI_MODEL", "DATABASE_URL"] {
            assert!(!steers(name, none), "{name}");
        }
    }
}
