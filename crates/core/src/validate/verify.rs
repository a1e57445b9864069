//! Online checks: one side-effect-free request per key, from the catalog, to learn
//! whether the provider accepts it. Opt-in only: nothing here runs unless asked.
//!
//! The request goes to the base URL the environment configures for the provider (so
//! OpenAI-compatible servers work), else the provider's default. It is sent only when
//! that URL passes the endpoint checks; redirects are never followed, so the key never
//! reaches a host it was not meant for; TLS is verified; each request has a timeout.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;
use zeroize::Zeroizing;

use super::catalog::{Catalog, Provider};
use super::{ProblemCode, check};
use crate::kind::Kind;

/// The default time a provider has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// How many checks run at once by default.
pub const CONCURRENCY: usize = 8;
/// The most of an answer's body we read (for `json_flag`).
const MAX_BODY: usize = 64 * 1024;

/// What the provider said about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Online {
    /// The provider accepted the key.
    Valid,
    /// The provider rejected the key.
    Invalid,
    /// No answer either way: a timeout, a network error, a redirect, 429, 5xx.
    Indeterminate,
    /// Every known check has a side effect, so none was made.
    NoSafeCheck,
}

impl Online {
    /// The stable name, as in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Online::Valid => "valid",
            Online::Invalid => "invalid",
            Online::Indeterminate => "indeterminate",
            Online::NoSafeCheck => "no_safe_check",
        }
    }
}

/// The outcome of one online check. The message never holds the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Valid, invalid, indeterminate or not checked.
    pub online: Online,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// What happened, for people.
    pub message: String,
}

impl Verdict {
    fn new(online: Online, status: Option<u16>, message: impl Into<String>) -> Self {
        Self { online, status, message: message.into() }
    }
}

/// A prepared request: the key, and where and how to send it.
pub struct Target {
    provider: Provider,
    url: Url,
    key: SecretString,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("provider", &self.provider.id)
            .field("url", &self.url.as_str())
            .finish()
    }
}

impl Target {
    /// Where the request goes.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// Prepares the check of `key`, of provider `provider_id`, in an environment whose
/// config `config` looks up. `verifiable` is false for shapes with no safe check (a
/// webhook URL). Answers with the verdict at once when no request may be sent.
pub fn prepare(
    catalog: &Catalog,
    provider_id: &str,
    key: SecretString,
    verifiable: bool,
    config: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, Verdict> {
    let Some(provider) = catalog.provider(provider_id) else {
        return Err(Verdict::new(
            Online::Indeterminate,
            None,
            "no provider is known for this key, so there is nothing to ask",
        ));
    };
    let request = &provider.verify;
    if !request.safe || !verifiable {
        return Err(Verdict::new(
            Online::NoSafeCheck,
            None,
            format!(
                "{} has no check without side effects (it would spend credits or send something): not called",
                provider.name
            ),
        ));
    }
    if let Some(why) = &request.unsupported {
        return Err(Verdict::new(Online::Indeterminate, None, why.clone()));
    }
    let (origin, base) = match base_url(catalog, provider, config) {
        Ok(Some(found)) => found,
        Ok(None) => {
            let variable =
                provider.base_url_variables.first().map_or("its base URL variable", String::as_str);
            return Err(Verdict::new(
                Online::Indeterminate,
                None,
                format!("{} has no fixed endpoint: set {variable} in this environment", provider.name),
            ));
        }
        Err(why) => {
            return Err(Verdict::new(Online::Indeterminate, None, format!("the key was not sent: {why}")));
        }
    };
    let joined = format!("{}{}", base.trim_end_matches('/'), request.path);
    let url = Url::parse(&joined).map_err(|e| {
        Verdict::new(Online::Indeterminate, None, format!("cannot build the check's URL from {origin} ({e})"))
    })?;
    Ok(Target { provider: provider.clone(), url, key })
}

/// Where `provider`'s API is for an environment whose config `config` looks up: the
/// environment's own base URL (its first base URL variable that is set), else the
/// catalog's, as (where it came from, the URL). `Ok(None)` when there is neither; an
/// error, saying why, when the URL fails an endpoint check: no key may go there.
pub(crate) fn base_url(
    catalog: &Catalog,
    provider: &Provider,
    config: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(String, String)>, String> {
    let configured = provider.base_url_variables.iter().find_map(|v| config(v).map(|u| (v.clone(), u)));
    let (origin, base) = match (configured, &provider.base_url) {
        (Some((variable, url)), _) => (variable, url),
        (None, Some(url)) => ("the catalog".to_owned(), url.clone()),
        (None, None) => return Ok(None),
    };
    let base_check = check(
        catalog,
        provider.base_url_variables.first().map_or("BASE_URL", |v| v.as_str()),
        Kind::Config,
        &base,
        &|_| None,
    );
    if let Some(problem) = base_check.problems.iter().find(|p| p.code != ProblemCode::Whitespace) {
        return Err(format!("the base URL from {origin} is refused ({})", problem.message));
    }
    Ok(Some((origin, super::trimmed(&base).to_owned())))
}

/// Why online checks cannot run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The HTTP client could not be set up (no TLS roots, for example).
    #[error("cannot set up online checks: {0}")]
    Client(String),
}

/// Sends online checks, a bounded number at a time.
#[derive(Debug, Clone)]
pub struct Verifier {
    client: reqwest::Client,
    concurrency: usize,
    timeout: Duration,
}

impl Verifier {
    /// A verifier with this per-request timeout and this many requests at once.
    pub fn new(timeout: Duration, concurrency: usize) -> Result<Self, VerifyError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("latchkey/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VerifyError::Client(e.to_string()))?;
        Ok(Self { client, concurrency: concurrency.max(1), timeout })
    }

    /// Checks every target, at most `concurrency` at once; verdicts in the same order.
    pub async fn verify_all(&self, targets: Vec<Target>) -> Vec<Verdict> {
        for target in &targets {
            crate::network::guard(target.url.host_str().unwrap_or_default());
        }
        let permits = Arc::new(tokio::sync::Semaphore::new(self.concurrency));
        let mut tasks = tokio::task::JoinSet::new();
        let count = targets.len();
        for (index, target) in targets.into_iter().enumerate() {
            let (verifier, permits) = (self.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, verifier.verify(&target).await)
            });
        }
        let mut verdicts = vec![None; count];
        while let Some(joined) = tasks.join_next().await {
            if let Ok((index, verdict)) = joined {
                verdicts[index] = Some(verdict);
            }
        }
        verdicts
            .into_iter()
            .map(|v| {
                v.unwrap_or_else(|| {
                    Verdict::new(Online::Indeterminate, None, "the check stopped unexpectedly")
                })
            })
            .collect()
    }

    /// [`Verifier::verify_all`] for callers without an async runtime: it runs on one
    /// made for the purpose.
    pub fn verify_blocking(&self, targets: Vec<Target>) -> Vec<Verdict> {
        let count = targets.len();
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(self.verify_all(targets)),
            Err(e) => vec![
                Verdict::new(Online::Indeterminate, None, format!("cannot start the checks: {e}"));
                count
            ],
        }
    }

    /// Checks one key.
    pub async fn verify(&self, target: &Target) -> Verdict {
        crate::network::guard(target.url.host_str().unwrap_or_default());
        let request = &target.provider.verify;
        let method = if request.method.eq_ignore_ascii_case("POST") {
            reqwest::Method::POST
        } else {
            reqwest::Method::GET
        };
        let credential = Zeroizing::new(format!("{}{}", request.prefix, target.key.expose_secret()));
        let Ok(mut auth) = reqwest::header::HeaderValue::from_str(&credential) else {
            return Verdict::new(
                Online::Indeterminate,
                None,
                "the key has characters an HTTP header cannot carry, so it was not sent: check it for stray characters",
            );
        };
        auth.set_sensitive(true);
        let mut builder = self.client.request(method, target.url.clone()).header(request.auth.as_str(), auth);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.header("content-type", "application/json").body(body.clone());
        }
        let host = target.url.host_str().unwrap_or("the provider").to_owned();
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return Verdict::new(
                    Online::Indeterminate,
                    None,
                    format!("{host} did not answer within {} s: try again later", self.timeout.as_secs_f32()),
                );
            }
            Err(_) => {
                return Verdict::new(
                    Online::Indeterminate,
                    None,
                    format!("cannot reach {host}: check the network and the base URL"),
                );
            }
        };
        let status = response.status();
        let code = Some(status.as_u16());
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| target.url.join(l).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "another location".to_owned());
            return Verdict::new(
                Online::Indeterminate,
                code,
                format!(
                    "{host} redirected to {to}: latchkey never follows redirects, so the key was not sent there; check the base URL"
                ),
            );
        }
        if request.invalid.contains(&status.as_u16()) {
            return Verdict::new(
                Online::Invalid,
                code,
                format!("{} rejected the key: create a new one", target.provider.name),
            );
        }
        if request.valid.contains(&status.as_u16()) {
            return Verdict::new(
                Online::Valid,
                code,
                format!("{} knows the key; it is restricted ({status})", target.provider.name),
            );
        }
        if status.is_success() {
            return match &request.json_flag {
                None => {
                    Verdict::new(Online::Valid, code, format!("{} accepted the key", target.provider.name))
                }
                Some(flag) => match json_flag(response, flag).await {
                    Some(true) => Verdict::new(
                        Online::Valid,
                        code,
                        format!("{} accepted the key", target.provider.name),
                    ),
                    Some(false) => Verdict::new(
                        Online::Invalid,
                        code,
                        format!("{} rejected the key: create a new one", target.provider.name),
                    ),
                    None => Verdict::new(
                        Online::Indeterminate,
                        code,
                        format!("{} gave an answer latchkey does not understand", target.provider.name),
                    ),
                },
            };
        }
        let why = match status.as_u16() {
            429 => "rate limited: try again later".to_owned(),
            500..=599 => format!("{host} has a server error ({status}): try again later"),
            _ => format!("{host} answered {status}, which does not say whether the key works"),
        };
        Verdict::new(Online::Indeterminate, code, why)
    }
}

async fn json_flag(mut response: reqwest::Response, flag: &str) -> Option<bool> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            return None;
        }
    }
    serde_json::from_slice::<serde_json::Value>(&body).ok()?.get(flag)?.as_bool()
}
