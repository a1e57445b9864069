//! What the broker answers itself: a refusal, recorded and answered with its line as
//! the body and the reason phrase, and the proxy's request for credentials.

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Full};

use super::{State, record};
use crate::broker::record::Message;
use crate::broker::upstream::Body;

/// The answer and the record of a request the broker refuses or cannot forward.
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) names: Vec<String>,
    pub(super) line: String,
}

impl State {
    pub(super) fn exfiltration(&self, i: usize, method: &Method, host: &str, path: &str) -> Response<Body> {
        let name = self.plan.carried[i].name.clone();
        let line = format!(
            "latchkey: refused: {name}'s placeholder was on its way to {host}, which is not its provider's"
        );
        self.refuse(Refusal { status: StatusCode::FORBIDDEN, names: vec![name], line }, method, host, path)
    }

    /// Records a refusal, and answers it: the status with its line as the body and, on
    /// HTTP/1.1, as the reason phrase (clients often show only the status line).
    pub(super) fn refuse(&self, refusal: Refusal, method: &Method, host: &str, path: &str) -> Response<Body> {
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

/// A response of `status` whose body is `line`.
pub(super) fn plain(status: StatusCode, line: String) -> Response<Body> {
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
pub(super) fn proxy_login() -> Response<Body> {
    let mut response = plain(
        StatusCode::PROXY_AUTHENTICATION_REQUIRED,
        "latchkey: this broker answers only its own run: use the proxy URL it was given".into(),
    );
    response
        .headers_mut()
        .insert(header::PROXY_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"latchkey\""));
    response
}
