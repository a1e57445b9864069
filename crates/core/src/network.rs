//! The one rule every outgoing connection obeys: under `LATCHKEY_LOOPBACK_ONLY` (set by
//! the test suites) latchkey may reach loopback addresses only, and anything else aborts
//! the process at once, so a test that would reach the internet fails loudly instead of
//! passing or hanging. Outside tests the variable is unset and this does nothing.
//!
//! It is not a firewall for users: latchkey connects only for the online checks a user
//! asks for (and, when enabled, for the broker's upstream requests).

/// The environment variable that confines connections to loopback.
pub const LOOPBACK_ONLY_ENV: &str = "LATCHKEY_LOOPBACK_ONLY";

/// Whether `host` (a name or an address) is loopback.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Aborts the process when a connection to `host` is about to be made under
/// `LATCHKEY_LOOPBACK_ONLY` and `host` is not loopback.
pub fn guard(host: &str) {
    if std::env::var_os(LOOPBACK_ONLY_ENV).is_some_and(|v| !v.is_empty()) && !is_loopback(host) {
        eprintln!(
            "latchkey: {LOOPBACK_ONLY_ENV} is set and a connection to {host} was about to be made: tests may reach only 127.0.0.1"
        );
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_from_others() {
        for host in ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["api.openai.com", "10.0.0.1", "localhost.evil.com", "0.0.0.0"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
