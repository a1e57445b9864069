//! Endpoint checks of URL-valued config (`OPENAI_BASE_URL`, `AZURE_OPENAI_ENDPOINT`):
//! a URL that would send keys in the clear, to the wrong host, or to a lookalike of a
//! provider's host.

use url::{Host, Url};

use super::catalog::Catalog;
use super::{Finding, Problem, ProblemCode, trimmed};

/// Suffixes of variable names whose values are endpoints.
const ENDPOINT_SUFFIXES: &[&str] = &["_BASE_URL", "_ENDPOINT", "_API_BASE", "_API_URL"];

/// Whether `name` holds an endpoint by its name (`*_BASE_URL`, `*_ENDPOINT`, `*_API_BASE`).
pub fn is_endpoint_name(name: &str) -> bool {
    ENDPOINT_SUFFIXES.iter().any(|s| name.ends_with(s))
        || ["BASE_URL", "API_BASE", "ENDPOINT"].contains(&name)
}

/// Whether `url`'s host is this machine, where plain http is legitimate (Ollama, vLLM).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

/// The endpoint checks of [`super::check`].
pub(super) fn check(catalog: &Catalog, name: &str, raw: &str) -> Finding {
    let mut problems = Vec::new();
    let value = trimmed(raw);
    let mut push = |code, message: String| problems.push(Problem { code, message });
    if value.len() != raw.len() {
        push(
            ProblemCode::Whitespace,
            "the URL has surrounding whitespace or quotes: store it trimmed".into(),
        );
    }
    let provider = catalog.provider_for_url_variable(name);
    let url = match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => url,
        Ok(url) => {
            push(
                ProblemCode::InvalidUrl,
                format!(
                    "`{}:` is not an http(s) URL with a host: give a URL like https://host/path",
                    url.scheme()
                ),
            );
            return Finding::new(provider.map(|p| p.id.clone()), problems);
        }
        Err(e) => {
            push(
                ProblemCode::InvalidUrl,
                format!("this is not a valid URL ({e}): give a URL like https://host/path"),
            );
            return Finding::new(provider.map(|p| p.id.clone()), problems);
        }
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if !url.username().is_empty() || url.password().is_some() {
        push(
            ProblemCode::CredentialsInUrl,
            "the URL carries a user name or password: keep credentials in their own secret variable".into(),
        );
    }
    let loopback = is_loopback(&url);
    if url.scheme() == "http" && !loopback {
        push(
            ProblemCode::InsecureScheme,
            format!(
                "http sends keys in the clear to {host}: use https (plain http is fine only on localhost)"
            ),
        );
    }
    let lookalike = lookalike_of(catalog, &host);
    if let Some(real) = &lookalike {
        push(
            ProblemCode::LookalikeHost,
            format!("{host} imitates {real}: check the URL against the provider's documentation"),
        );
    }
    if let Some(p) = provider
        && !loopback
        && lookalike.is_none()
        && !p.compatible
        && !catalog.host_allowed(p, &host)
    {
        let known =
            if p.hosts.is_empty() { "its documented resource hosts".to_owned() } else { p.hosts.join(", ") };
        push(
            ProblemCode::HostNotAllowed,
            format!("{host} is not a {} host ({known}): check the URL", p.name),
        );
    }
    let provider = provider.or_else(|| catalog.provider_for_host(&host)).map(|p| p.id.clone());
    Finding::new(provider, problems)
}

/// The provider host `host` imitates: punycode whose letters look like it, a near miss
/// (`api.openal.com`), or the real host used as a subdomain (`api.openai.com.evil.io`).
fn lookalike_of(catalog: &Catalog, host: &str) -> Option<String> {
    let known = || catalog.providers().iter().flat_map(|p| p.hosts.iter());
    if known().any(|h| h == host) || catalog.provider_for_host(host).is_some() {
        return None;
    }
    // Internationalised names are compared by the Latin letters they look like.
    let candidate: String = if host.split('.').any(|label| label.starts_with("xn--")) {
        idna::domain_to_unicode(host).0.chars().map(confusable).collect()
    } else {
        host.to_owned()
    };
    known()
        .find(|real| {
            let near = if real.len() >= 10 { 2 } else { 1 };
            candidate.starts_with(&format!("{real}.")) || strsim::levenshtein(real, &candidate) <= near
        })
        .cloned()
}

/// The Latin letter a Cyrillic or Greek letter is mistaken for.
fn confusable(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ı' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ⅼ' | 'ӏ' => 'l',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_alone;
    use super::*;

    fn codes(name: &str, value: &str) -> Vec<&'static str> {
        check_alone(&Catalog::built_in(), name, value).problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn good_endpoints_pass() {
        let none: Vec<&str> = vec![];
        assert_eq!(codes("OPENAI_BASE_URL", "https://api.openai.com/v1"), none);
        assert_eq!(codes("OPENAI_BASE_URL", "http://localhost:11434/v1"), none);
        assert_eq!(codes("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1"), none);
        assert_eq!(codes("OPENAI_BASE_URL", "http://[::1]:8000/v1"), none);
        assert_eq!(codes("OPENAI_BASE_URL", "https://my-vllm.internal.example.org/v1"), none);
        assert_eq!(codes("AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com/"), none);
    }

    #[test]
    fn each_endpoint_problem_has_its_code() {
        assert_eq!(codes("OPENAI_BASE_URL", "http://api.openai.com/v1"), ["insecure_scheme"]);
        assert_eq!(codes("OPENAI_BASE_URL", "https://user:pw@api.openai.com/v1"), ["credentials_in_url"]);
        assert_eq!(codes("AZURE_OPENAI_ENDPOINT", "https://example.azure.openai.com"), ["host_not_allowed"]);
        assert_eq!(codes("ANTHROPIC_BASE_URL", "https://api.anthropic.com.evil.io"), ["lookalike_host"]);
        assert_eq!(codes("OPENAI_BASE_URL", "https://api.openal.com/v1"), ["lookalike_host"]);
        // api.оpenai.com with a Cyrillic о, as the url crate stores it: punycode.
        assert_eq!(codes("OPENAI_BASE_URL", "https://api.xn--penai-iye.com/v1"), ["lookalike_host"]);
        assert_eq!(codes("OPENAI_BASE_URL", "https://api.оpenai.com/v1"), ["lookalike_host"]);
        assert_eq!(codes("OPENAI_BASE_URL", "api.openai.com/v1"), ["invalid_url"]);
        assert_eq!(codes("OPENAI_BASE_URL", "ftp://api.openai.com"), ["invalid_url"]);
        assert_eq!(codes("SOME_ENDPOINT", " https://x.example.org "), ["whitespace"]);
    }
}
