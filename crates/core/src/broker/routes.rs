//! Which of a run's secrets the broker carries, where each may go, and where it travels
//! in a request: decided once, before the run, from the provider catalog.
//!
//! A secret is carried when the catalog knows its provider (by the value's format, else
//! by the variable's name), the provider's keys can be swapped into a request, and the
//! key has somewhere to go: the provider's hosts, or a base URL that passes the endpoint
//! checks. Everything else is passed as it is, or withheld with `--broker-only`.

use regex::Regex;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::Settings;
use super::placeholder::placeholder;
use crate::validate::{Catalog, Provider, verify};

/// A secret the broker carries.
pub(crate) struct Carried {
    /// Its variable's name.
    pub name: String,
    /// Its real value: it never reaches the command.
    pub value: SecretString,
    /// What the command gets instead.
    pub placeholder: String,
    /// Headers (lower-case) where the placeholder is swapped for the value.
    pub headers: Vec<String>,
    /// Query parameters where it is swapped.
    pub query: Vec<String>,
    /// Where it may go.
    origins: Vec<Origin>,
}

/// A place a key may go: a scheme, a host (or a pattern of hosts), a port, and under a
/// base URL of its own, only paths below the base's.
#[derive(Debug, Clone)]
struct Origin {
    https: bool,
    host: HostRule,
    port: u16,
    /// The base URL's path, when the key may go only below it (a gateway shared by many
    /// accounts, routed by path).
    path: Option<String>,
}

#[derive(Debug, Clone)]
enum HostRule {
    Exact(String),
    Pattern(Regex),
}

/// Where a request goes, as ownership is decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// Whether over TLS.
    pub https: bool,
    /// The host, as the request names it.
    pub host: &'a str,
    /// The port.
    pub port: u16,
    /// The path, without the query; `None` for a CONNECT, whose requests are checked
    /// one by one inside.
    pub path: Option<&'a str>,
}

/// A host as compared: lower-case, without a trailing dot or IPv6 brackets.
pub(crate) fn normal_host(host: &str) -> String {
    host.trim_matches(['[', ']']).trim_end_matches('.').to_ascii_lowercase()
}

impl Origin {
    fn admits(&self, target: &Target<'_>) -> bool {
        let host = normal_host(target.host);
        let host_matches = match &self.host {
            HostRule::Exact(h) => *h == host,
            HostRule::Pattern(r) => r.is_match(&host),
        };
        if !(host_matches && self.https == target.https && self.port == target.port) {
            return false;
        }
        match (&self.path, target.path) {
            (Some(base), Some(path)) => below(path, base),
            _ => true,
        }
    }
}

/// Whether `path` is `base` or below it, with no `.` or `..` segment (raw or
/// percent-encoded) that a server could resolve to somewhere else.
fn below(path: &str, base: &str) -> bool {
    let dotted = path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    });
    let base = base.trim_end_matches('/');
    !dotted
        && !path.to_ascii_lowercase().contains("%2f")
        && (path == base || path.starts_with(&format!("{base}/")) || base.is_empty())
}

impl Carried {
    /// Whether the value may go to `target`.
    pub fn belongs_to(&self, target: &Target<'_>) -> bool {
        self.origins.iter().any(|o| o.admits(target))
    }
}

/// A provider reached through a base-URL variable: the broker forwards
/// `/<token>/<id>/<path>` to `<base's origin>/<path>`.
pub(crate) struct BaseRoute {
    /// The provider's id, the route's first path segment.
    pub id: String,
    /// Where its API is.
    pub base: Url,
    /// The variables pointed at the broker.
    pub variables: Vec<String>,
}

/// What a brokered run carries, decided before it starts.
pub struct Plan {
    pub(crate) settings: Settings,
    pub(crate) carried: Vec<Carried>,
    pub(crate) bases: Vec<BaseRoute>,
    /// Secrets the broker cannot carry, with why.
    pub(crate) uncarried: Vec<(String, String)>,
    /// Lines to show before the start.
    pub(crate) notices: Vec<String>,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("settings", &self.settings)
            .field("carried", &self.carried.iter().map(|c| &c.name).collect::<Vec<_>>())
            .field("uncarried", &self.uncarried)
            .finish_non_exhaustive()
    }
}

impl Plan {
    /// The names of the secrets carried.
    pub fn carried(&self) -> Vec<String> {
        self.carried.iter().map(|c| c.name.clone()).collect()
    }

    /// The secret whose placeholder is `placeholder`.
    pub(crate) fn placeholder_of(&self, name: &str) -> Option<&str> {
        self.carried.iter().find(|c| c.name == name).map(|c| c.placeholder.as_str())
    }
}

/// Decides what the broker carries of `secrets` (the run's secret variables, by name),
/// in an environment whose config `config` looks up. Placeholders are made unlike any
/// of `avoid` (every value the run masks) and each other.
pub(crate) fn plan(
    settings: Settings,
    catalog: &Catalog,
    secrets: &[(String, SecretString)],
    config: &dyn Fn(&str) -> Option<String>,
    avoid: &[&str],
) -> Plan {
    let mut carried: Vec<Carried> = Vec::new();
    let mut bases: Vec<BaseRoute> = Vec::new();
    let mut uncarried = Vec::new();
    let mut made: Vec<String> = Vec::new();
    let mut notices = Vec::new();
    for (name, value) in secrets {
        let exposed = value.expose_secret();
        let provider = match provider_of(catalog, name, exposed) {
            Ok(p) => p,
            Err(why) => {
                uncarried.push((name.clone(), why));
                continue;
            }
        };
        let route = provider.broker_route();
        if !route.carry {
            uncarried
                .push((name.clone(), format!("{} keys sign requests, they are not sent", provider.name)));
            continue;
        }
        if route.headers.is_empty() && route.query.is_empty() {
            uncarried.push((name.clone(), format!("the catalog names no header for {} keys", provider.name)));
            continue;
        }
        let base = match verify::base_url(catalog, provider, config) {
            Ok(Some((_, url))) => Url::parse(&url).ok(),
            Ok(None) => None,
            Err(why) => {
                notices.push(format!("{name} is not carried to that base URL: {why}"));
                None
            }
        };
        // The provider's API hosts over https, any path; the environment's own base URL
        // exactly: its scheme, host and port, and paths below its own.
        let mut origins: Vec<Origin> = provider
            .hosts
            .iter()
            .chain(&route.hosts)
            .map(|h| Origin { https: true, host: HostRule::Exact(normal_host(h)), port: 443, path: None })
            .chain(provider.host_patterns.iter().filter_map(|h| {
                let pattern = Regex::new(&format!("^(?:{h})$")).ok()?;
                Some(Origin { https: true, host: HostRule::Pattern(pattern), port: 443, path: None })
            }))
            .collect();
        if let Some(base) = &base
            && let (Some(host), Some(port)) = (base.host_str(), base.port_or_known_default())
        {
            let path = base.path().trim_end_matches('/');
            origins.push(Origin {
                https: base.scheme() == "https",
                host: HostRule::Exact(normal_host(host)),
                port,
                path: (!path.is_empty()).then(|| path.to_owned()),
            });
        }
        if origins.is_empty() {
            uncarried.push((
                name.clone(),
                format!(
                    "{} has no fixed host: set {} in the environment",
                    provider.name,
                    provider.base_url_variables.first().map_or("its base URL", String::as_str)
                ),
            ));
            continue;
        }
        if let Some(base) = &base
            && !route.base_url_variables.is_empty()
            && !bases.iter().any(|b| b.id == provider.id)
        {
            bases.push(BaseRoute {
                id: provider.id.clone(),
                base: base.clone(),
                variables: route.base_url_variables.clone(),
            });
        }
        let mut avoiding: Vec<&str> = avoid.to_vec();
        avoiding.extend(made.iter().map(String::as_str));
        let placeholder = placeholder(catalog, name, exposed, &avoiding);
        made.push(placeholder.clone());
        carried.push(Carried {
            name: name.clone(),
            value: value.clone(),
            placeholder,
            headers: route.headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
            query: route.query.clone(),
            origins,
        });
    }
    Plan { settings, carried, bases, uncarried, notices }
}

/// The provider of a secret: by its value's format, else by its name.
fn provider_of<'c>(catalog: &'c Catalog, name: &str, value: &str) -> Result<&'c Provider, String> {
    let by_format =
        catalog.matches(value).find(|(_, f)| f.context.is_empty() || f.context.iter().any(|c| c == name));
    match by_format {
        Some((_, format)) if !format.verify => Err("it is not a key sent in a header".into()),
        Some((provider, _)) => Ok(provider),
        None if value.contains(['\n', '\r']) => Err("it is not a key sent in a header".into()),
        None => catalog
            .provider_for_name(name)
            .ok_or_else(|| "no provider is known for it (add one in providers.toml)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(name: &str, value: &str) -> (String, SecretString) {
        (name.into(), SecretString::from(value.to_owned()))
    }

    #[test]
    fn keys_of_known_providers_are_carried_and_others_say_why_not() {
        let catalog = Catalog::built_in();
        let openai = format!("sk-proj-{}T3BlbkFJ{}", "a1B2c3D4e5".repeat(6), "Z9y8X7w6v5".repeat(6));
        let secrets = [
            secret("OPENAI_API_KEY", &openai),
            secret("DATABASE_URL", "postgres://u:p@db/x"),
            secret("AWS_SECRET_ACCESS_KEY", &"a".repeat(40)),
        ];
        let plan = plan(Settings::default(), &catalog, &secrets, &|_| None, &[&openai]);
        assert_eq!(plan.carried(), ["OPENAI_API_KEY"]);
        let c = &plan.carried[0];
        let at = |host, port, https| Target { https, host, port, path: Some("/v1/models") };
        assert!(
            c.belongs_to(&at("api.openai.com", 443, true)) && c.belongs_to(&at("API.OpenAI.com.", 443, true))
        );
        assert!(
            !c.belongs_to(&at("evil.test", 443, true))
                && !c.belongs_to(&at("api.openai.com.evil.test", 443, true))
        );
        assert!(!c.belongs_to(&at("api.openai.com", 8443, true)), "another port");
        assert!(!c.belongs_to(&at("api.openai.com", 80, false)), "clear text");
        assert_eq!(plan.bases[0].base.as_str(), "https://api.openai.com/v1");
        let why: Vec<&str> = plan.uncarried.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(why, ["DATABASE_URL", "AWS_SECRET_ACCESS_KEY"]);
    }

    #[test]
    fn an_environments_base_url_is_where_the_key_goes_only_when_it_passes_the_checks() {
        let catalog = Catalog::built_in();
        let openai = format!("sk-proj-{}T3BlbkFJ{}", "a1B2c3D4e5".repeat(6), "Z9y8X7w6v5".repeat(6));
        let secrets = [secret("OPENAI_API_KEY", &openai)];
        let local = |n: &str| (n == "OPENAI_BASE_URL").then(|| "http://127.0.0.1:8080/v1".to_owned());
        let p = plan(Settings::default(), &catalog, &secrets, &local, &[]);
        assert_eq!(p.bases[0].base.as_str(), "http://127.0.0.1:8080/v1");
        let local = |port, path| Target { https: false, host: "127.0.0.1", port, path: Some(path) };
        assert!(p.carried[0].belongs_to(&local(8080, "/v1/chat/completions")));
        // Only that origin: not another port of the same host (a listener the agent
        // opened), nor another path of a gateway shared by accounts.
        assert!(!p.carried[0].belongs_to(&local(19999, "/v1/chat/completions")));
        assert!(!p.carried[0].belongs_to(&local(8080, "/other/chat")));
        assert!(!p.carried[0].belongs_to(&local(8080, "/v1/../other")));
        assert!(!p.carried[0].belongs_to(&local(8080, "/v1/%2E%2E/other")));
        let clear = |n: &str| (n == "OPENAI_BASE_URL").then(|| "http://proxy.example.com/v1".to_owned());
        let p = plan(Settings::default(), &catalog, &secrets, &clear, &[]);
        let there = Target { https: false, host: "proxy.example.com", port: 80, path: Some("/v1/models") };
        assert!(!p.carried[0].belongs_to(&there), "plain http to another host is refused");
        assert!(p.bases.is_empty(), "no route to a refused base URL");
    }
}
