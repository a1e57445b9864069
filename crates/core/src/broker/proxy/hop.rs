//! The headers that concern one hop only, which the broker does not pass on, and the
//! upgrade (a WebSocket handshake) that keeps what it needs of them.

use http::header::{self, HeaderName, HeaderValue};

pub(super) fn wants_upgrade(headers: &http::HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers
            .get_all(header::CONNECTION)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("upgrade"))))
}

/// Removes the headers that concern one hop only; with `upgrade`, keeps what a WebSocket
/// handshake needs.
pub(super) fn strip_hop_by_hop(headers: &mut http::HeaderMap, upgrade: bool) {
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
