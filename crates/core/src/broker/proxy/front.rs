//! What comes in on the broker's loopback port, taken to where it goes: a base-URL
//! request to its provider, a plain-http proxy request, a CONNECT intercepted, tunnelled
//! or refused, and the requests inside an intercepted connection.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header;
use http::{Method, Request as HttpRequest, Response, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::access::same;
use super::refusal::{Refusal, plain, proxy_login};
use super::{Destination, State, record};
use crate::broker::record::Message;
use crate::broker::routes::{Target, normal_host};
use crate::broker::upstream::Body;

impl State {
    fn front_boxed(
        self: Arc<Self>,
        req: HttpRequest<Incoming>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response<Body>> + Send>> {
        Box::pin(self.front(req))
    }

    /// A request on the loopback port.
    pub(super) async fn front(self: Arc<Self>, req: HttpRequest<Incoming>) -> Response<Body> {
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
}

fn empty() -> Body {
    Empty::<Bytes>::new().map_err(|never| match never {}).boxed()
}
