//! The broker's requests: what comes in on its loopback port (a base-URL request, a
//! CONNECT, a plain-http proxy request) and what goes out, with placeholders swapped for
//! keys only in their places and only towards their hosts.
//!
//! The pieces: `front` takes what comes in to where it goes, `access` decides who and what
//! may pass, `forward` sends a request on with its keys swapped in (`swap`) and its hop's
//! own headers dropped (`hop`), and `refusal` answers and records what the broker will
//! not forward.

mod access;
mod forward;
mod front;
mod hop;
mod refusal;
mod swap;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, mpsc};

use aho_corasick::AhoCorasick;
use http::Uri;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use super::Request;
use super::record::Message;
use super::routes::Plan;
use super::tls::Authority;
use super::upstream::{Clients, Dialer};
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
