//! The broker's connections out: how a host is dialled (with the test suites' and the
//! bench's name overrides, under the loopback-only rule), and the pooled HTTP/1.1 and
//! HTTP/2 clients over verified TLS.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::combinators::BoxBody;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;

/// An error of a body or a connection.
pub(super) type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// A body of a request or response on its way through.
pub(super) type Body = BoxBody<Bytes, BoxError>;

/// The variable that maps host names to local addresses for the broker's connections
/// out, as `HOST:PORT=ADDRESS:PORT`, comma-separated: the tests and the bench name fake
/// providers on 127.0.0.1 this way. TLS is still verified against the name.
pub const RESOLVE_ENV: &str = "LATCHKEY_BROKER_RESOLVE";

/// Dials hosts: the name overrides first, else the system's resolver; every address is
/// checked against the loopback-only rule before it is connected to.
#[derive(Clone, Default)]
pub(super) struct Dialer {
    overrides: Arc<Vec<(String, u16, SocketAddr)>>,
}

impl Dialer {
    /// A dialer with the overrides of `LATCHKEY_BROKER_RESOLVE`.
    pub fn from_env() -> Self {
        let overrides = std::env::var(RESOLVE_ENV)
            .unwrap_or_default()
            .split(',')
            .filter_map(|entry| {
                let (name, address) = entry.trim().split_once('=')?;
                let (host, port) = name.rsplit_once(':')?;
                Some((super::routes::normal_host(host), port.parse().ok()?, address.parse().ok()?))
            })
            .collect();
        Self { overrides: Arc::new(overrides) }
    }

    /// A connection to `host`:`port`.
    pub async fn dial(&self, host: &str, port: u16) -> std::io::Result<TcpStream> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let lower = super::routes::normal_host(host);
        let addresses: Vec<SocketAddr> =
            match self.overrides.iter().find(|(h, p, _)| *h == lower && *p == port) {
                Some((_, _, address)) => vec![*address],
                None => {
                    // Under the tests' loopback-only rule, not even a lookup may leave.
                    crate::network::guard(host);
                    tokio::net::lookup_host((host, port)).await?.collect()
                }
            };
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the name has no address");
        for address in addresses {
            crate::network::guard(&address.ip().to_string());
            match tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Ok(Err(e)) => last = e,
                Err(_) => last = std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"),
            }
        }
        Err(last)
    }
}

impl tower_service::Service<Uri> for Dialer {
    type Response = TokioIo<TcpStream>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = std::io::Result<TokioIo<TcpStream>>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let dialer = self.clone();
        Box::pin(async move {
            let host = uri.host().ok_or_else(|| std::io::Error::other("the URL has no host"))?;
            let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
            dialer.dial(host, port).await.map(TokioIo::new)
        })
    }
}

/// A pooled client.
pub(super) type Pool = Client<HttpsConnector<Dialer>, Body>;

/// The broker's clients: one speaking HTTP/2 where the server offers it, and one for
/// WebSocket upgrades, which need HTTP/1.1.
pub(super) struct Clients {
    pub any: Pool,
    pub http1: Pool,
}

impl Clients {
    /// The clients, trusting what [`super::tls::client_config`] trusts.
    pub fn new(dialer: Dialer) -> Result<Self, String> {
        let tls = super::tls::client_config()?;
        let any = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls.clone())
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(dialer.clone());
        let http1 = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(dialer);
        let build = |connector| {
            Client::builder(TokioExecutor::new())
                .timer(TokioTimer::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .http2_adaptive_window(true)
                .build(connector)
        };
        Ok(Self { any: build(any), http1: build(http1) })
    }
}
