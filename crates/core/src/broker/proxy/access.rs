//! Who and what may pass the broker: the run's token, the carried secrets a host may
//! receive, and the hosts reachable without a key.

use http::{Request as HttpRequest, StatusCode, header};

use super::State;
use super::refusal::Refusal;
use crate::broker::Egress;
use crate::broker::routes::Target;

impl State {
    /// Whether `host` may be reached without a key: allowed by name, or open egress.
    /// The refusal when it may not.
    pub(super) fn egress(&self, host: &str) -> Option<Refusal> {
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
    pub(super) fn owners(&self, target: &Target<'_>) -> Vec<usize> {
        (0..self.plan.carried.len()).filter(|&i| self.plan.carried[i].belongs_to(target)).collect()
    }

    pub(super) fn is_own(&self, host: &str, port: Option<u16>) -> bool {
        port == Some(self.own.port()) && crate::network::is_loopback(host)
    }

    /// Whether a proxy request carries the run's token (`latchkey:<token>` as Basic
    /// proxy credentials).
    pub(super) fn authorized<B>(&self, req: &HttpRequest<B>) -> bool {
        req.headers()
            .get(header::PROXY_AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
            .and_then(|b| crate::encoding::decode_base64(b.trim()))
            .is_some_and(|pair| same(&String::from_utf8_lossy(&pair), &format!("latchkey:{}", self.token)))
    }
}

/// Compares in time independent of where they differ.
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
