//! Where a placeholder becomes its key: in a header (in `Basic` credentials, decoded) and
//! in the query parameters the catalog names, and nowhere else.

use http::header::HeaderValue;

/// The user and password of `Basic` credentials, decoded.
pub(super) fn basic_credentials(value: &HeaderValue) -> Option<Vec<u8>> {
    let text = value.to_str().ok()?;
    let (scheme, rest) = text.split_once(' ')?;
    scheme.eq_ignore_ascii_case("basic").then(|| crate::encoding::decode_base64(rest.trim()))?
}

/// `value` with `placeholder` swapped for `real`, in `Basic` credentials decoded; `None`
/// when it holds no placeholder.
pub(super) fn swap_header(value: &HeaderValue, placeholder: &str, real: &str) -> Option<HeaderValue> {
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
pub(super) fn swap_query(target: &str, names: &[String], placeholder: &str, real: &str) -> Option<String> {
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
}
