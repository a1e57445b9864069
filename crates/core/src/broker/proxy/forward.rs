//! A request sent on to where it goes: placeholders swapped for keys where they belong,
//! any other placeholder refused, and the response streamed back with real values masked
//! (an upgraded connection relayed both ways).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aho_corasick::AhoCorasick;
use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Request as HttpRequest, Response, StatusCode, Version};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use secrecy::ExposeSecret;

use super::hop::{strip_hop_by_hop, wants_upgrade};
use super::refusal::Refusal;
use super::swap::{basic_credentials, swap_header, swap_query};
use super::{Destination, State, record};
use crate::broker::body::{Caught, MaskBody, ScanBody, mask_headers};
use crate::broker::record::Message;
use crate::broker::routes::Target;
use crate::broker::upstream::Body;
use crate::launch::Masker;

impl State {
    /// Sends a request on to `destination`: placeholders of secrets that belong there
    /// swapped for their values in their places, any other placeholder refused.
    pub(super) async fn forward(
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
