//! What a project file may not say, because it comes with a repository: a secret (in
//! any field), a value for a variable that decides where keys go or what code runs, or a
//! character that could rewrite the terminal line it is printed on. And what an error
//! about the file may not repeat: the text it could not read, which may be a key.

use zeroize::Zeroizing;

use crate::validate::Catalog;

/// Whether `text` (any string the file holds) looks like a secret or holds one: a
/// provider's key, a private key, a URL with a password for a host that is not local, a
/// `password=` setting, or a long random-looking token, alone or among other words.
pub(super) fn holds_secret<'c>(text: &str, catalog: &dyn Fn() -> &'c Catalog) -> bool {
    let text = Zeroizing::new(text.chars().filter(|c| !invisible(*c)).collect::<String>());
    if text.contains("PRIVATE KEY-----") {
        return true;
    }
    let lower = Zeroizing::new(text.to_ascii_lowercase());
    if ["password=", "pwd=", "passwd=", "secret=", "token="].iter().any(|p| lower.contains(p)) {
        return true;
    }
    let secret_token = |token: &str| {
        let known_prefix = crate::validate::may_be_built_in_key(token)
            || token.starts_with("AKIA")
            || token.starts_with("ASIA");
        (known_prefix && catalog().matches(token).next().is_some())
            || url_with_password(token)
            || random_token(token)
    };
    // The whole text, its words, then their parts (a key follows `key:`, `x@` or a URL's
    // `/` as often as a space); and the same of what percent-encoding hides.
    let decoded = Zeroizing::new(percent_decoded(&text));
    let texts: &[&str] = if *decoded == *text { &[&text] } else { &[&text, &decoded] };
    texts.iter().any(|t| {
        let coarse = t.split(|c: char| c.is_whitespace() || "\"'`,;()[]{}<>|".contains(c));
        let fine = t.split(|c: char| !(c.is_ascii_alphanumeric() || "-_+.".contains(c)));
        std::iter::once(t.trim()).chain(coarse).chain(fine).filter(|w| !w.is_empty()).any(secret_token)
    })
}

/// `text` with `%XX` escapes decoded (invalid ones left as they are).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL with a password for a host that is not this machine, in any of its hosts
/// (`postgres://u:p@localhost,db.prod/app` names two), or with a credential in its query.
/// A local development database (`postgres://postgres:postgres@localhost/app`) is not
/// a secret.
fn url_with_password(text: &str) -> bool {
    // Browsers and many clients read `\\` as `/`: `u:p@db.example.com\\@localhost/`.
    let text = text.replace('\\', "/");
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
    !all_local(hosts)
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

/// Why a committed file may not give `name` the value `value`, if it may not: the
/// variable decides what code runs, what is trusted or where things go, and the value
/// does not stay inside the project or on this machine. A deny-list cannot be complete,
/// so two rules back it: a location (`*_URL`, `*_HOST`, ...) may only point at this
/// machine, a path (`*_PATH`, `*_DIR`, ...) only inside the project, and at run time a
/// variable the user's shell sets wins over the file's value.
pub(super) fn steering<'c>(
    name: &str,
    value: &str,
    catalog: &dyn Fn() -> &'c Catalog,
) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let ends = |list: &[&str]| list.iter().any(|s| upper.ends_with(s));
    let starts = |list: &[&str]| list.iter().any(|p| upper.starts_with(p));
    const CODE: &[&str] = &[
        "PATH",
        "BASH_ENV",
        "ENV",
        "SHELL",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "PROMPT_COMMAND",
        "IFS",
        "HOME",
        "TMPDIR",
        "CDPATH",
        "ZDOTDIR",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "MANPAGER",
        "BROWSER",
        "LESSOPEN",
        "LESSCLOSE",
        "CLASSPATH",
        "CC",
        "CXX",
        "CPP",
        "AR",
        "AS",
        "LD",
        "GLIBC_TUNABLES",
        "HOSTALIASES",
        "LOCALDOMAIN",
        "RES_OPTIONS",
        "SSLKEYLOGFILE",
        "WGETRC",
        "INPUTRC",
        "TERMINFO",
        "VIMINIT",
        "EXINIT",
        "MYVIMRC",
        "KUBECONFIG",
        "PHPRC",
        "LUA_INIT",
        "GOFLAGS",
        "GOPROXY",
        "GOSUMDB",
        "GONOSUMDB",
        "GONOPROXY",
        "GOPRIVATE",
        "GOINSECURE",
        "GOTOOLCHAIN",
        "GOPATH",
        "GOROOT",
        "GOBIN",
        "GOENV",
        "GOEXPERIMENT",
        "MAIL",
        "NLSPATH",
        "LOCPATH",
        "TZDIR",
    ];
    const CODE_PREFIXES: &[&str] = &[
        "LD_",
        "DYLD_",
        "PYTHON",
        "PERL",
        "RUBY",
        "NODE_",
        "NPM_",
        "PNPM_",
        "YARN_",
        "BUN_",
        "PIP_",
        "UV_",
        "POETRY_",
        "CONDA",
        "GIT_",
        "XDG_",
        "LATCHKEY_",
        "SSL_",
        "OPENSSL_",
        "GCONV",
        "DOTNET_",
        "CORECLR_",
        "COMPLUS_",
        "RUSTC",
        "RUSTDOC",
        "RUSTFLAGS",
        "CARGO_",
        "JAVA_",
        "JDK_",
        "MAVEN_",
        "GRADLE_",
        "SBT_",
        "KUBE",
        "HELM_",
        "DOCKER_",
        "PODMAN_",
        "CONTAINERS_",
        "SSH_",
        "GPG",
        "GNUPG",
        "VAULT_",
        "CONSUL_",
        "NOMAD_",
        "AWS_CONFIG",
        "AWS_SHARED",
        "AWS_PROFILE",
        "AWS_CA",
        "CLOUDSDK_",
        "GRPC_",
        "REQUESTS_",
        "CURL_",
        "LUA_",
        "R_",
        "GEM_",
        "BUNDLE_",
        "PKG_CONFIG",
        "EMACS",
        "PASSWORD_STORE",
    ];
    const CODE_SUFFIXES: &[&str] = &[
        "_OPTIONS",
        "_OPTS",
        "PROXY",
        "_CA_BUNDLE",
        "_CA_CERTS",
        "_CERT",
        "_CERTS",
        "_CERT_FILE",
        "_CERT_DIR",
        "_KEY_FILE",
        "FLAGS",
        "_WRAPPER",
        "_COMMAND",
        "_CMD",
        "_EXEC",
        "_PROGRAM",
        "_PRELOAD",
        "_ASKPASS",
        "_HOOK",
        "_HOOKS",
        "_PLUGIN",
        "_PLUGINS",
        "_SCRIPT",
        "_INIT",
        "_RC",
        "_PROFILE",
        "_CONTEXT",
        "_SHELL",
    ];
    if CODE.contains(&upper.as_str()) || starts(CODE_PREFIXES) || ends(CODE_SUFFIXES) {
        return Some("decides what code runs or what is trusted");
    }
    // A provider's base URL routes its key: never from a file, even to this machine. The
    // catalog is asked only for a name shaped like one (loading it costs more than
    // reading the rest of the file).
    const LOCATIONS: &[&str] = &[
        "_URL",
        "_URI",
        "_ADDR",
        "_ADDRESS",
        "HOST",
        "HOSTS",
        "_HOSTNAME",
        "_ENDPOINT",
        "_BASE",
        "_SERVER",
        "_SERVERS",
        "_REGISTRY",
        "_DSN",
        "_INDEX",
        "_DOMAIN",
    ];
    let location = upper == "HOST" || ends(LOCATIONS);
    if crate::validate::is_endpoint_name(&upper)
        || (location && catalog().provider_for_url_variable(&upper).is_some())
    {
        return Some("decides where a provider's key goes");
    }
    if location && !points_here(value) {
        return Some("is a location, and this one is not on this machine");
    }
    const PLACES: &[&str] =
        &["_PATH", "_DIR", "_DIRS", "_FILE", "_HOME", "_CONF", "_CONFIG", "_ROOT", "_CACHE"];
    if ends(PLACES) && !inside_project(value) {
        return Some("is a path, and this one leads outside the project");
    }
    None
}

/// Whether a location (a URL, or `host[:port]`) is this machine, every host of it.
fn points_here(value: &str) -> bool {
    let value = value.trim().replace('\\', "/");
    let authority = match value.split_once("://") {
        Some((_, rest)) => rest.split(['/', '?', '#']).next().unwrap_or_default(),
        None => value.as_str(),
    };
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    !hosts.is_empty() && all_local(hosts)
}

/// Whether every host of a comma-separated `host[:port]` list (`[v6]:port` too) is this
/// machine. Read by hand: url reads no list of hosts.
fn all_local(hosts: &str) -> bool {
    hosts.split(',').all(|host| {
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

/// Whether a path stays inside the project: relative, with no `..` and no `~`.
fn inside_project(value: &str) -> bool {
    let path = std::path::Path::new(value.trim());
    !value.trim().starts_with('~')
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
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
        for (name, value) in [
            ("PATH", "./bin"),
            ("LD_PRELOAD", "./x.so"),
            ("NODE_OPTIONS", "--require ./x.js"),
            ("BASH_ENV", "./x"),
            ("PYTHONPATH", "src"),
            ("https_proxy", "http://127.0.0.1:9"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
            ("openai_base_url", "http://127.0.0.1:9/v1"),
            ("LATCHKEY_HOME", "x"),
            ("REQUESTS_CA_BUNDLE", "ca.pem"),
            ("LESSOPEN", "|./evil.sh %s"),
            ("GOFLAGS", "-toolexec=./x"),
            ("RUSTC_WRAPPER", "./x"),
            ("KUBECONFIG", "kube.yaml"),
            ("AWS_PROFILE", "prod"),
            ("VAULT_ADDR", "https://vault.example.com"),
            ("PGHOST", "db.prod.internal"),
            ("PIP_INDEX_URL", "https://evil.example.com/simple"),
            ("SSLKEYLOGFILE", "keys.log"),
            ("MODEL_PATH", "/home/me/.ssh/id_rsa"),
            ("CACHE_DIR", "../../elsewhere"),
            ("CONFIG_FILE", "~/.aws/config"),
        ] {
            assert!(steering(name, value, none).is_some(), "{name}={value}");
        }
        for (name, value) in [
            ("LOG_LEVEL", "info"),
            ("MAX_TOKENS", "4096"),
            ("OPENAI_MODEL", "gpt-4o"),
            ("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/app"),
            ("REDIS_HOST", "127.0.0.1"),
            ("MODEL_PATH", "models/small.bin"),
            ("DATA_DIR", "./data"),
            ("GOOGLE_CLOUD_PROJECT", "my-project"),
        ] {
            assert_eq!(steering(name, value, none), None, "{name}={value}");
        }
    }

    #[test]
    fn keys_behind_punctuation_and_percent_encoding_are_found() {
        let built_in = Catalog::built_in();
        let none = &|| &built_in;
        let key = "sk-proj-a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8i9J0";
        for text in [
            format!("key:{key}"),
            format!("{key}!"),
            format!("x@{key}"),
            key.replace('-', "%2D"),
            "https://user:hunter2@db.example.com\\@localhost/".to_owned(),
            "https://api.telegram.org/bot123456789:AAEhBP0av28CtQe7sKmL9xJz4wQ1rT5uY3i/x".to_owned(),
        ] {
            assert!(holds_secret(&text, none), "{text}");
        }
    }
}
