//! The broker's requests: what comes in on its loopback port (a base-URL request, a
//! CONNECT, a plain-http proxy request) and what goes out, with placeholders swapped for
//! keys only in their places and only towards their hosts.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};

use aho_corasick::AhoCorasick;
use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request as HttpRequest, Response, StatusCode, Uri, Version};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use super::Egress;
use super::Request;
use super::body::{Caught, MaskBody, ScanBody, mask_headers};
use super::record::Message;
use super::routes::{Plan, Target, normal_host};
use super::tls::Authority;
use super::upstream::{Body, Clients, Dialer};
use crate::launch::Masker;

/// Everything the broker's tasks share.
pub(super) struct State {
    pub token: String,
    pub own: SocketAddr,
    pub plan: Plan,
    pub authority: Authority,
    pub dialer: Dialer,
    pub clients: tokio::sync::OnceCell<Result<Clients, String>>,
    pub records: mpsc::Sender<Message>,
    /// Every carried secret's placeholder, pattern `i` for secret `i`.
    placeholders: AhoCorasick,
    /// The same, in any case: host names are case-insensitive.
    placeholders_nocase: AhoCorasick,
    longest: usize,
    /// Real values → placeholders, for responses.
    reflect: Masker,
}

/// Where a request is going.
struct Destination {
    https: bool,
    host: String,
    port: u16,
    /// Path and query.
    target: String,
}

impl Destination {
    fn uri(&self) -> Result<Uri, http::Error> {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let authority = if self.port == default { host } else { format!("{host}:{}", self.port) };
        Uri::builder().scheme(scheme).authority(authority).path_and_query(self.target.as_str()).build()
    }

    fn path(&self) -> String {
        self.target.split('?').next().unwrap_or("/").to_owned()
    }

    /// The host as recorded: with its port when it is not the scheme's.
    fn shown(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        if self.port == default { self.host.clone() } else { format!("{}:{}", self.host, self.port) }
    }
}

/// The answer and the record of a request the broker refuses or cannot forward.
struct Refusal {
    status: StatusCode,
    names: Vec<String>,
    line: String,
}

impl State {
    pub fn new(
        token: String,
        own: SocketAddr,
        plan: Plan,
        authority: Authority,
        records: mpsc::Sender<Message>,
    ) -> Self {
        let placeholders = AhoCorasick::new(plan.carried.iter().map(|c| c.placeholder.as_bytes()))
            .expect("literal patterns always build");
        let placeholders_nocase = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(plan.carried.iter().map(|c| c.placeholder.as_bytes()))
            .expect("literal patterns always build");
        let longest = plan.carried.iter().map(|c| c.placeholder.len()).max().unwrap_or(0);
        let reflect = Masker::with_replacements(
            plan.carried
                .iter()
                .map(|c| {
                    (
                        zeroize::Zeroizing::new(c.value.expose_secret().as_bytes().to_vec()),
                        c.placeholder.as_bytes().to_vec(),
                    )
                })
                .collect(),
        );
        Self {
            token,
            own,
            plan,
            authority,
            dialer: Dialer::from_env(),
            clients: tokio::sync::OnceCell::new(),
            records,
            placeholders,
            placeholders_nocase,
            longest,
            reflect,
        }
    }

    async fn clients(&self) -> Result<&Clients, String> {
        let dialer = self.dialer.clone();
        self.clients
            .get_or_init(|| async move {
                tokio::task::spawn_blocking(move || Clients::new(dialer))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Serves one connection to the loopback port.
    pub async fn serve<I>(self: Arc<Self>, io: TokioIo<I>)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let service = service_fn(move |req| {
            let state = self.clone();
            async move { Ok::<_, Infallible>(state.front(req).await) }
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .serve_connection(io, service)
            .with_upgrades()
            .await;
    }

    fn front_boxed(
        self: Arc<Self>,
        req: HttpRequest<Incoming>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response<Body>> + Send>> {
        Box::pin(self.front(req))
    }

    /// A request on the loopback port.
    async fn front(self: Arc<Self>, req: HttpRequest<Incoming>) -> Response<Body> {
        if req.method() == Method::CONNECT {
            return self.connect(req).await;
        }
        if let Some(authority) = req.uri().authority().cloned() {
            if !self.authorized(&req) {
                return proxy_login();
            }
            if !self.is_own(authority.host(), authority.port_u16()) {
                let host = authority.host().trim_matches(['[', ']']).to_owned();
                let target = req.uri().path_and_query().map_or("/".to_owned(), |p| p.to_string());
                let https = req.uri().scheme_str() == Some("https");
                let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
                return self.proxied(Destination { https, host, port, target }, req).await;
            }
        }
        self.base_url(req).await
    }

    /// A request through a base-URL variable: `/<token>/<provider>/<path>`.
    async fn base_url(self: Arc<Self>, req: HttpRequest<Incoming>) -> Response<Body> {
        let target = req.uri().path_and_query().map_or("/".to_owned(), |p| p.to_string());
        let rest = target.strip_prefix('/').unwrap_or(&target);
        let (token, rest) = rest.split_once('/').unwrap_or((rest, ""));
        if !same(token.split('?').next().unwrap_or(""), &self.token) {
            let refusal = Refusal {
                status: StatusCode::FORBIDDEN,
                names: Vec::new(),
                line: "latchkey: this broker answers only its own run (the path lacks its token)".into(),
            };
            return self.refuse(refusal, req.method(), "127.0.0.1", "/");
        }
        let (id, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let Some(route) = self.plan.bases.iter().find(|b| b.id == id) else {
            let line = format!("latchkey: the broker has no route `{}`", crate::text::printable(id));
            let refusal = Refusal { status: StatusCode::NOT_FOUND, names: Vec::new(), line };
            return self.refuse(refusal, req.method(), "127.0.0.1", "/");
        };
        let base = &route.base;
        let https = base.scheme() == "https";
        let destination = Destination {
            https,
            host: base.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned(),
            port: base.port_or_known_default().unwrap_or(if https { 443 } else { 80 }),
            target: if path.starts_with('?') { format!("/{path}") } else { path.to_owned() },
        };
        self.forward(destination, req).await
    }

    /// A proxy request for a plain-http URL (`HTTP_PROXY`).
    async fn proxied(
        self: Arc<Self>,
        destination: Destination,
        req: HttpRequest<Incoming>,
    ) -> Response<Body> {
        let target =
            Target { https: destination.https, host: &destination.host, port: destination.port, path: None };
        if self.owners(&target).is_empty()
            && let Some(refusal) = self.egress(&destination.host)
        {
            return self.refuse(refusal, req.method(), &destination.shown(), &destination.path());
        }
        self.forward(destination, req).await
    }

    /// A CONNECT (`HTTPS_PROXY`): intercepted for a host a key belongs to, tunnelled for
    /// an allowed one, refused for any other.
    async fn connect(self: Arc<Self>, req: HttpRequest<Incoming>) -> Response<Body> {
        if !self.authorized(&req) {
            return proxy_login();
        }
        let Some(authority) = req.uri().authority().cloned() else {
            return plain(StatusCode::BAD_REQUEST, "latchkey: CONNECT needs a host and port".into());
        };
        let host = normal_host(authority.host());
        let port = authority.port_u16().unwrap_or(443);
        let shown = if port == 443 { host.clone() } else { format!("{host}:{port}") };
        if self.is_own(&host, Some(port)) {
            tokio::spawn(async move {
                if let Ok(io) = hyper::upgrade::on(req).await {
                    // A tunnel to the broker itself (undici does that): its requests
                    // are served as if they came to the port.
                    let service = service_fn(move |req| {
                        let state = self.clone();
                        async move { Ok::<_, Infallible>(state.front_boxed(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .with_upgrades()
                        .await;
                }
            });
            return Response::new(empty());
        }
        if let Some(i) = self.placeholders_nocase.find(host.as_bytes()).map(|m| m.pattern().as_usize()) {
            // The host name is not repeated: it holds the placeholder.
            let name = self.plan.carried[i].name.clone();
            let line = format!("latchkey: refused: {name}'s placeholder was in a host name");
            let refusal = Refusal { status: StatusCode::FORBIDDEN, names: vec![name], line };
            return self.refuse(refusal, &Method::CONNECT, "(a host name holding a placeholder)", "");
        }
        if !self.owners(&Target { https: true, host: &host, port, path: None }).is_empty() {
            let state = self.clone();
            let config = match self.authority.server_config(&host) {
                Ok(config) => config,
                Err(e) => {
                    let line = format!("latchkey: cannot make a certificate for {host}: {e}");
                    let refusal = Refusal { status: StatusCode::BAD_GATEWAY, names: Vec::new(), line };
                    return self.refuse(refusal, &Method::CONNECT, &shown, "");
                }
            };
            tokio::spawn(async move {
                let Ok(upgraded) = hyper::upgrade::on(req).await else { return };
                let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(TokioIo::new(upgraded)).await
                else {
                    return;
                };
                let service = service_fn(move |req| {
                    let state = state.clone();
                    let host = host.clone();
                    async move { Ok::<_, Infallible>(state.intercepted(host, port, req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection_with_upgrades(TokioIo::new(tls), service)
                    .await;
            });
            return Response::new(empty());
        }
        if let Some(refusal) = self.egress(&host) {
            return self.refuse(refusal, &Method::CONNECT, &shown, "");
        }
        let upstream = match self.dialer.dial(&host, port).await {
            Ok(stream) => stream,
            Err(e) => {
                let line = format!("latchkey: cannot reach {shown}: {e}");
                let refusal = Refusal { status: StatusCode::BAD_GATEWAY, names: Vec::new(), line };
                return self.refuse(refusal, &Method::CONNECT, &shown, "");
            }
        };
        // Recorded as it opens: a tunnel still open when the run ends is in the log too.
        let opened = record(Vec::new(), "CONNECT", &shown, "", 200, 0, 0, None);
        let _ = self.records.send(Message::Request(opened));
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(req).await else { return };
            let mut upstream = upstream;
            let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut upstream).await;
        });
        Response::new(empty())
    }

    /// A request inside an intercepted connection to `host`.
    async fn intercepted(
        self: Arc<Self>,
        host: String,
        port: u16,
        req: HttpRequest<Incoming>,
    ) -> Response<Body> {
        let named = req.uri().host().map(str::to_owned).or_else(|| {
            req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| {
                h.rsplit_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()).map_or(h, |(h, _)| h).to_owned()
            })
        });
        if let Some(named) = named
            && !named.trim_matches(['[', ']']).eq_ignore_ascii_case(&host)
        {
            let line = format!(
                "latchkey: refused: a request for {} inside a connection to {host}",
                crate::text::printable(&named)
            );
            let refusal = Refusal { status: StatusCode::FORBIDDEN, names: Vec::new(), line };
            return self.refuse(refusal, req.method(), &host, "");
        }
        let target = req.uri().path_and_query().map_or("/".to_owned(), |p| p.to_string());
        self.forward(Destination { https: true, host, port, target }, req).await
    }

    /// Whether `host` may be reached without a key: allowed by name, or open egress.
    /// The refusal when it may not.
    fn egress(&self, host: &str) -> Option<Refusal> {
        let settings = &self.plan.settings;
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let allowed = settings.egress == Egress::Open
            || settings.allow_hosts.iter().any(|a| match a.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => *a == host,
            });
        (!allowed).then(|| Refusal {
            status: StatusCode::FORBIDDEN,
            names: Vec::new(),
            line: format!(
                "latchkey: {host} is not a host of any brokered key: allow it with --allow-host {host}, or run with --egress open"
            ),
        })
    }

    /// The carried secrets that may go to `target`.
    fn owners(&self, target: &Target<'_>) -> Vec<usize> {
        (0..self.plan.carried.len()).filter(|&i| self.plan.carried[i].belongs_to(target)).collect()
    }

    fn is_own(&self, host: &str, port: Option<u16>) -> bool {
        port == Some(self.own.port()) && crate::network::is_loopback(host)
    }

    /// Whether a proxy request carries the run's token (`latchkey:<token>` as Basic
    /// proxy credentials).
    fn authorized<B>(&self, req: &HttpRequest<B>) -> bool {
        req.headers()
            .get(header::PROXY_AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
            .and_then(|b| crate::encoding::decode_base64(b.trim()))
            .is_some_and(|pair| same(&String::from_utf8_lossy(&pair), &format!("latchkey:{}", self.token)))
    }

    /// Sends a request on to `destination`: placeholders of secrets that belong there
    /// swapped for their values in their places, any other placeholder refused.
    async fn forward(
        self: Arc<Self>,
        destination: Destination,
        req: HttpRequest<Incoming>,
    ) -> Response<Body> {
        let (mut parts, body) = req.into_parts();
        let method = parts.method.clone();
        let path = destination.path();
        let shown = destination.shown();
        let fail = |status: StatusCode, names: Vec<String>, line: String| Refusal { status, names, line };
        let owners = self.owners(&Target {
            https: destination.https,
            host: &destination.host,
            port: destination.port,
            path: Some(&path),
        });
        let foreign: Vec<usize> = (0..self.plan.carried.len()).filter(|i| !owners.contains(i)).collect();
        // Placeholders where they may not go: the URL, any header.
        let mut seen = self.found(destination.target.as_bytes());
        for value in parts.headers.values() {
            seen.extend(self.found(value.as_bytes()));
            if let Some(decoded) = basic_credentials(value) {
                seen.extend(self.found(&decoded));
            }
        }
        if let Some(&i) = seen.iter().find(|i| foreign.contains(i)) {
            return self.exfiltration(i, &method, &shown, &path);
        }
        // Swap, in the catalog's places only.
        let mut used = BTreeSet::new();
        let mut target = destination.target.clone();
        for &i in owners.iter().filter(|i| seen.contains(i)) {
            let carried = &self.plan.carried[i];
            let real = carried.value.expose_secret();
            if let Some(swapped) = swap_query(&target, &carried.query, &carried.placeholder, real) {
                target = swapped;
                used.insert(i);
            }
            for name in &carried.headers {
                let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
                if let header::Entry::Occupied(mut entry) = parts.headers.entry(name) {
                    for value in entry.iter_mut() {
                        if let Some(swapped) = swap_header(value, &carried.placeholder, real) {
                            *value = swapped;
                            used.insert(i);
                        }
                    }
                }
            }
        }
        let names: Vec<String> = used.iter().map(|&i| self.plan.carried[i].name.clone()).collect();
        if !destination.https && !used.is_empty() && !crate::network::is_loopback(&destination.host) {
            let line = format!(
                "latchkey: refused: {} would go in clear text to {shown}: use https",
                names.join(", ")
            );
            return self.refuse(fail(StatusCode::FORBIDDEN, names, line), &method, &shown, &path);
        }
        let destination = Destination { target, ..destination };
        let uri = match destination.uri() {
            Ok(uri) => uri,
            Err(e) => {
                let line = format!("latchkey: cannot build the upstream URL: {e}");
                return self.refuse(fail(StatusCode::BAD_REQUEST, names, line), &method, &shown, &path);
            }
        };
        let upgrade = wants_upgrade(&parts.headers) && parts.version == Version::HTTP_11;
        strip_hop_by_hop(&mut parts.headers, upgrade);
        parts.headers.remove(header::HOST);
        // No compression of WebSocket frames: what comes back is masked as bytes.
        parts.headers.remove(header::SEC_WEBSOCKET_EXTENSIONS);
        parts.headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        parts.uri = uri;
        parts.version = Version::HTTP_11;
        let mut client_side = None;
        let caught: Caught = Arc::new(Mutex::new(None));
        let sent = Arc::new(Mutex::new(0u64));
        let scanner = (!foreign.is_empty()).then(|| {
            let automaton =
                AhoCorasick::new(foreign.iter().map(|&i| self.plan.carried[i].placeholder.as_bytes()))
                    .expect("literal patterns always build");
            (Arc::new(automaton), Arc::new(foreign.clone()))
        });
        let body = ScanBody::new(body, scanner, self.longest, caught.clone(), sent.clone()).boxed();
        let mut outgoing = HttpRequest::from_parts(parts, body);
        if upgrade {
            client_side = Some(hyper::upgrade::on(&mut outgoing));
        }
        let clients = match self.clients().await {
            Ok(clients) => clients,
            Err(e) => {
                let line = format!("latchkey: cannot set up TLS to {shown}: {e}");
                return self.refuse(fail(StatusCode::BAD_GATEWAY, names, line), &method, &shown, &path);
            }
        };
        let pool = if upgrade { &clients.http1 } else { &clients.any };
        let mut response = match pool.request(outgoing).await {
            Ok(response) => response,
            Err(e) => {
                if let Some(i) = *caught.lock().unwrap_or_else(|p| p.into_inner()) {
                    return self.exfiltration(i, &method, &shown, &path);
                }
                let line = format!("latchkey: cannot reach {shown}: {}", cause(&e));
                return self.refuse(fail(StatusCode::BAD_GATEWAY, names, line), &method, &shown, &path);
            }
        };
        if let Some(encoding) = response.headers().get(header::CONTENT_ENCODING)
            && !encoding.as_bytes().eq_ignore_ascii_case(b"identity")
        {
            let line = format!(
                "latchkey: {shown} answered with a compressed body ({}), which the broker cannot check for keys",
                crate::text::printable(&String::from_utf8_lossy(encoding.as_bytes()))
            );
            return self.refuse(fail(StatusCode::BAD_GATEWAY, names, line), &method, &shown, &path);
        }
        let status = response.status();
        // The upstream's own reason phrase could carry a reflected key: the command gets
        // the standard one.
        response.extensions_mut().remove::<hyper::ext::ReasonPhrase>();
        if upgrade && status == StatusCode::SWITCHING_PROTOCOLS {
            let upstream_side = hyper::upgrade::on(&mut response);
            if let Some(client_side) = client_side {
                let masker = self.reflect.for_another_stream();
                tokio::spawn(async move {
                    if let (Ok(a), Ok(b)) = tokio::join!(client_side, upstream_side) {
                        relay_upgraded(TokioIo::new(a), TokioIo::new(b), masker).await;
                    }
                });
            }
        }
        let (mut parts, body) = response.into_parts();
        strip_hop_by_hop(&mut parts.headers, upgrade && status == StatusCode::SWITCHING_PROTOCOLS);
        parts.headers = mask_headers(&self.reflect, parts.headers);
        let records = self.records.clone();
        let method = method.to_string();
        let on_end = Box::new(move |received: u64| {
            let sent = *sent.lock().unwrap_or_else(|p| p.into_inner());
            let done = record(names, &method, &shown, &path, status.as_u16(), sent, received, None);
            let _ = records.send(Message::Request(done));
        });
        let body = MaskBody::new(body, self.reflect.for_another_stream(), on_end);
        Response::from_parts(parts, body.boxed())
    }

    /// The carried secrets whose placeholders are in `bytes`.
    fn found(&self, bytes: &[u8]) -> BTreeSet<usize> {
        // Placeholders never contain each other: a plain search finds each.
        self.placeholders.find_iter(bytes).map(|m| m.pattern().as_usize()).collect()
    }

    fn exfiltration(&self, i: usize, method: &Method, host: &str, path: &str) -> Response<Body> {
        let name = self.plan.carried[i].name.clone();
        let line = format!(
            "latchkey: refused: {name}'s placeholder was on its way to {host}, which is not its provider's"
        );
        self.refuse(Refusal { status: StatusCode::FORBIDDEN, names: vec![name], line }, method, host, path)
    }

    /// Records a refusal, and answers it: the status with its line as the body and, on
    /// HTTP/1.1, as the reason phrase (clients often show only the status line).
    fn refuse(&self, refusal: Refusal, method: &Method, host: &str, path: &str) -> Response<Body> {
        let Refusal { status, names, line } = refusal;
        let _ = self.records.send(Message::Request(record(
            names,
            method.as_str(),
            host,
            path,
            status.as_u16(),
            0,
            0,
            Some(line.clone()),
        )));
        plain(status, line)
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    names: Vec<String>,
    method: &str,
    host: &str,
    path: &str,
    status: u16,
    sent: u64,
    received: u64,
    problem: Option<String>,
) -> Request {
    Request {
        at: OffsetDateTime::now_utc(),
        names,
        method: method.to_owned(),
        host: crate::text::printable(host).into_owned(),
        path: crate::text::printable(path).into_owned(),
        status,
        sent,
        received,
        problem,
    }
}

/// Compares in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn empty() -> Body {
    Empty::<Bytes>::new().map_err(|never| match never {}).boxed()
}

/// A response of `status` whose body is `line`.
fn plain(status: StatusCode, line: String) -> Response<Body> {
    let mut response =
        Response::new(Full::new(Bytes::from(format!("{line}\n"))).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    let phrase = format!(
        "{} ({})",
        status.canonical_reason().unwrap_or("Error"),
        line.trim_start_matches("latchkey: ")
    );
    if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(phrase.into_bytes()) {
        response.extensions_mut().insert(reason);
    }
    response
}

/// 407, asking for the run's proxy credentials.
fn proxy_login() -> Response<Body> {
    let mut response = plain(
        StatusCode::PROXY_AUTHENTICATION_REQUIRED,
        "latchkey: this broker answers only its own run: use the proxy URL it was given".into(),
    );
    response
        .headers_mut()
        .insert(header::PROXY_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"latchkey\""));
    response
}

/// The user and password of `Basic` credentials, decoded.
fn basic_credentials(value: &HeaderValue) -> Option<Vec<u8>> {
    let text = value.to_str().ok()?;
    let (scheme, rest) = text.split_once(' ')?;
    scheme.eq_ignore_ascii_case("basic").then(|| crate::encoding::decode_base64(rest.trim()))?
}

/// `value` with `placeholder` swapped for `real`, in `Basic` credentials decoded; `None`
/// when it holds no placeholder.
fn swap_header(value: &HeaderValue, placeholder: &str, real: &str) -> Option<HeaderValue> {
    if let Some(decoded) = basic_credentials(value) {
        let decoded = zeroize::Zeroizing::new(decoded);
        let text = std::str::from_utf8(&decoded).ok()?;
        if !text.contains(placeholder) {
            return None;
        }
        let swapped = zeroize::Zeroizing::new(text.replace(placeholder, real));
        let scheme = value.to_str().ok()?.split_once(' ')?.0.to_owned();
        let encoded =
            zeroize::Zeroizing::new(format!("{scheme} {}", crate::encoding::base64(swapped.as_bytes())));
        let mut out = HeaderValue::from_str(&encoded).ok()?;
        out.set_sensitive(true);
        return Some(out);
    }
    let text = value.to_str().ok()?;
    if !text.contains(placeholder) {
        return None;
    }
    let swapped = zeroize::Zeroizing::new(text.replace(placeholder, real));
    let mut out = HeaderValue::from_str(&swapped).ok()?;
    out.set_sensitive(true);
    Some(out)
}

/// `target` with `placeholder` swapped for `real` in the values of the query parameters
/// named `names`; `None` when none holds it.
fn swap_query(target: &str, names: &[String], placeholder: &str, real: &str) -> Option<String> {
    let (path, query) = target.split_once('?')?;
    let mut changed = false;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if names.iter().any(|n| n == name) && value.contains(placeholder) => {
                changed = true;
                format!("{name}={}", value.replace(placeholder, real))
            }
            _ => pair.to_owned(),
        })
        .collect();
    changed.then(|| format!("{path}?{}", pairs.join("&")))
}

fn wants_upgrade(headers: &http::HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers
            .get_all(header::CONNECTION)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("upgrade"))))
}

/// Removes the headers that concern one hop only; with `upgrade`, keeps what a WebSocket
/// handshake needs.
fn strip_hop_by_hop(headers: &mut http::HeaderMap, upgrade: bool) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>())
        .filter(|t| !(upgrade && t == "upgrade"))
        .filter_map(|t| HeaderName::from_bytes(t.as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in
        ["keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "transfer-encoding"]
    {
        headers.remove(name);
    }
    if headers.get(header::TE).is_some_and(|te| te.as_bytes() != b"trailers") {
        headers.remove(header::TE);
    }
    if upgrade {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    } else {
        headers.remove(header::CONNECTION);
        headers.remove(header::UPGRADE);
    }
}

/// Bytes both ways over an upgraded connection (a WebSocket): what the command sends goes
/// on as it is (client frames are masked with a random key, so there is nothing to
/// match), what comes back has real values turned into placeholders of the same length,
/// which keeps frame lengths true (compression was not offered).
async fn relay_upgraded<C, U>(client: C, upstream: U, mut masker: Masker)
where
    C: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    U: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = tokio::io::split(client);
    let (mut upstream_read, mut upstream_write) = tokio::io::split(upstream);
    let up = tokio::io::copy(&mut client_read, &mut upstream_write);
    let down = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match upstream_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let out = masker.feed_bytes(Bytes::copy_from_slice(&buf[..n]));
            if client_write.write_all(&out).await.is_err() {
                return;
            }
        }
        let mut rest = Vec::new();
        masker.finish(&mut rest);
        let _ = client_write.write_all(&rest).await;
        let _ = client_write.shutdown().await;
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

/// The innermost cause of an error, for a one-line message.
fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string().lines().next().unwrap_or("error").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_swapped_only_where_it_is() {
        let v = HeaderValue::from_static("Bearer PH-123");
        assert_eq!(swap_header(&v, "PH-123", "real").unwrap(), "Bearer real");
        assert!(swap_header(&v, "PH-999", "real").is_none());
        let basic =
            HeaderValue::from_str(&format!("Basic {}", crate::encoding::base64(b"x-access-token:PH-123")))
                .unwrap();
        let swapped = swap_header(&basic, "PH-123", "real").unwrap();
        assert_eq!(basic_credentials(&swapped).unwrap(), b"x-access-token:real");
        assert!(swapped.is_sensitive());
        assert_eq!(
            swap_query("/v1/models?key=PH-123&other=PH-123", &["key".into()], "PH-123", "real").unwrap(),
            "/v1/models?key=real&other=PH-123"
        );
        assert!(swap_query("/v1?k=PH-123", &["key".into()], "PH-123", "real").is_none());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
