//! The forms a value takes in files: the encodings a leak sweep looks for, and the
//! same encodings of the text that replaces it.

use zeroize::Zeroizing;

use crate::encoding;

/// How a value was written where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FindingForm"))]
pub enum Form {
    /// As it is.
    Literal,
    /// Inside a JSON or JavaScript string: `"`, `\`, `/` and control characters escaped,
    /// also twice (JSON text inside a JSON string).
    Json,
    /// Percent-encoded, as in a URL or a form body.
    Percent,
    /// Hex, either case.
    Hex,
    /// Base64 with the standard alphabet, at any alignment inside a longer run.
    Base64,
    /// Base64 with the URL-safe alphabet (`-` and `_`), at any alignment.
    Base64Url,
}

impl Form {
    /// The form's name, as output shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Literal => "literal",
            Self::Json => "json",
            Self::Percent => "percent",
            Self::Hex => "hex",
            Self::Base64 => "base64",
            Self::Base64Url => "base64url",
        }
    }
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One byte string to look for, and the form it stands for.
pub(crate) struct Needle {
    pub(crate) bytes: Zeroizing<Vec<u8>>,
    pub(crate) form: Form,
}

/// Every form of `value` to look for; the same bytes never twice.
pub(crate) fn needles(value: &[u8]) -> Vec<Needle> {
    let mut out: Vec<Needle> = Vec::new();
    let mut add = |bytes: Zeroizing<Vec<u8>>, form: Form| {
        if !bytes.is_empty() && !out.iter().any(|n| n.bytes == bytes) {
            out.push(Needle { bytes, form });
        }
    };
    add(Zeroizing::new(value.to_vec()), Form::Literal);
    if let Ok(text) = std::str::from_utf8(value) {
        let once = json_escaped(text.as_bytes(), false, false);
        add(once.clone(), Form::Json);
        // `/` as `\/` (PHP and others); `&`, `<`, `>`, `'` as `\u0026`... (Go's HTML-safe JSON).
        for (slash, html) in [(true, false), (false, true), (true, true)] {
            add(json_escaped(text.as_bytes(), slash, html), Form::Json);
        }
        // JSON text inside a JSON string: a transcript's tool call holding a config file.
        add(json_escaped(&once, false, false), Form::Json);
        // Every character past ASCII as `\uXXXX` (Python's json.dumps by default).
        if !text.is_ascii() {
            let mut ascii = Zeroizing::new(Vec::new());
            for c in text.chars() {
                if c.is_ascii() {
                    ascii.extend_from_slice(&json_escaped(&[c as u8], false, false));
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        ascii.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                    }
                }
            }
            add(ascii, Form::Json);
        }
    }
    // What each encoder leaves alone: nothing (RFC 3986), `/` (Python's quote), `!*'()`
    // (JavaScript's encodeURIComponent); a form body writes a space as `+`.
    for keep in [&b""[..], b"/", b"!*'()"] {
        add(percent(value, b"0123456789ABCDEF", keep), Form::Percent);
        add(percent(value, b"0123456789abcdef", keep), Form::Percent);
    }
    if value.contains(&b' ') {
        let form: Vec<u8> = percent(value, b"0123456789ABCDEF", b" ")
            .iter()
            .map(|&b| if b == b' ' { b'+' } else { b })
            .collect();
        add(Zeroizing::new(form), Form::Percent);
    }
    // A value of several lines (a PEM key) is also printed line by line, and with CRLF.
    if let Ok(text) = std::str::from_utf8(value)
        && text.contains('\n')
    {
        add(Zeroizing::new(text.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()), Form::Literal);
        for line in text.lines().map(|l| l.trim()) {
            let armor = line.starts_with("-----") && line.ends_with("-----");
            if line.len() >= 16 && !armor {
                add(Zeroizing::new(line.as_bytes().to_vec()), Form::Literal);
            }
        }
    }
    let hex = Zeroizing::new(encoding::hex(value).into_bytes());
    add(Zeroizing::new(hex.to_ascii_uppercase()), Form::Hex);
    add(hex, Form::Hex);
    for shift in 0..3 {
        let inner = base64_inner(value, shift);
        let url = Zeroizing::new(inner.iter().map(|&b| url_safe(b)).collect::<Vec<u8>>());
        add(inner, Form::Base64);
        add(url, Form::Base64Url);
    }
    out
}

/// The base64 characters that depend on `value` alone when it starts `shift` bytes
/// into a group of three: whatever comes before and after, a base64 run holding the
/// value at that alignment holds these characters.
fn base64_inner(value: &[u8], shift: usize) -> Zeroizing<Vec<u8>> {
    let mut shifted = Zeroizing::new(vec![0u8; shift]);
    shifted.extend_from_slice(value);
    let encoded = Zeroizing::new(encoding::base64(&shifted).into_bytes());
    let start = (8 * shift).div_ceil(6);
    let end = 8 * (shift + value.len()) / 6;
    Zeroizing::new(encoded[start..end.max(start)].to_vec())
}

fn url_safe(b: u8) -> u8 {
    match b {
        b'+' => b'-',
        b'/' => b'_',
        other => other,
    }
}

/// The bytes inside a JSON string holding `text`; with `slash`, `/` is escaped too, and
/// with `html`, the characters HTML-safe encoders write as `\u00XX`.
pub(super) fn json_escaped(text: &[u8], slash: bool, html: bool) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() + 8));
    for &b in text {
        match b {
            b'&' | b'<' | b'>' | b'\'' if html => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' if slash => out.extend_from_slice(b"\\/"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..0x20 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            other => out.push(other),
        }
    }
    out
}

/// Every byte but the unreserved ones (RFC 3986) and `keep` as `%XX`, in the given
/// digits' case.
fn percent(value: &[u8], digits: &[u8; 16], keep: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(value.len() * 3));
    for &b in value {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', digits[(b >> 4) as usize], digits[(b & 15) as usize]]);
        }
    }
    out
}

/// `placeholder` written in `form`, for the text that replaces a finding: the same
/// encoding, so the file stays what it was (a JSON string stays one). Base64 runs are
/// re-encoded whole by redaction, not here.
pub(crate) fn encode(placeholder: &str, form: Form) -> Vec<u8> {
    match form {
        Form::Literal | Form::Base64 | Form::Base64Url => placeholder.as_bytes().to_vec(),
        Form::Json => json_escaped(placeholder.as_bytes(), false, false).to_vec(),
        Form::Percent => percent(placeholder.as_bytes(), b"0123456789ABCDEF", b"").to_vec(),
        Form::Hex => encoding::hex(placeholder.as_bytes()).into_bytes(),
    }
}

/// Whether `b` can be part of a base64 run of the alphabet `form` names.
pub(crate) fn is_base64_byte(b: u8, form: Form) -> bool {
    b.is_ascii_alphanumeric()
        || match form {
            Form::Base64Url => matches!(b, b'-' | b'_'),
            _ => matches!(b, b'+' | b'/'),
        }
}

/// Base64 of `bytes` in the alphabet `form` names, padded when `padded`.
pub(crate) fn base64(bytes: &[u8], form: Form, padded: bool) -> Zeroizing<Vec<u8>> {
    let mut encoded = Zeroizing::new(encoding::base64(bytes).into_bytes());
    if form == Form::Base64Url {
        encoded.iter_mut().for_each(|b| *b = url_safe(*b));
    }
    if !padded {
        let end = encoded.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
        encoded.truncate(end);
    }
    encoded
}

/// The bytes of a base64 run in the alphabet `form` names, padding optional.
pub(crate) fn decode_base64(run: &[u8], form: Form) -> Option<Zeroizing<Vec<u8>>> {
    let mut standard = Zeroizing::new(
        run.iter()
            .map(|&b| match (form, b) {
                (Form::Base64Url, b'-') => b'+',
                (Form::Base64Url, b'_') => b'/',
                _ => b,
            })
            .collect::<Vec<u8>>(),
    );
    while !standard.len().is_multiple_of(4) {
        standard.push(b'=');
    }
    let text = std::str::from_utf8(&standard).ok()?;
    encoding::decode_base64(text).map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn every_base64_alignment_is_found_inside_a_longer_run() {
        let value = b"sk-test-0123456789abcdefXYZ";
        let needles = needles(value);
        for before in 0..6 {
            let mut plain = vec![b'q'; before];
            plain.extend_from_slice(value);
            plain.extend_from_slice(b" and more");
            let standard = crate::encoding::base64(&plain).into_bytes();
            let url: Vec<u8> = standard.iter().map(|&b| url_safe(b)).collect();
            for (encoded, form) in [(standard, Form::Base64), (url, Form::Base64Url)] {
                // Where the two alphabets write the same characters, one needle stands for both.
                let forms = if form == Form::Base64 { vec![form] } else { vec![form, Form::Base64] };
                assert!(
                    needles.iter().any(|n| forms.contains(&n.form) && contains(&encoded, &n.bytes)),
                    "{form} with {before} bytes before"
                );
            }
        }
    }

    #[test]
    fn escaped_and_encoded_forms_are_the_ones_programs_write() {
        let value = br#"p@ss/w+rd"x=1&y"#;
        let forms: Vec<(Form, String)> =
            needles(value).iter().map(|n| (n.form, String::from_utf8(n.bytes.to_vec()).unwrap())).collect();
        let has = |form: Form, text: &str| forms.iter().any(|(f, t)| *f == form && t == text);
        assert!(has(Form::Json, r#"p@ss/w+rd\"x=1&y"#));
        assert!(has(Form::Json, r#"p@ss\/w+rd\"x=1&y"#));
        assert!(has(Form::Json, r#"p@ss/w+rd\\\"x=1&y"#));
        assert!(has(Form::Json, r#"p@ss/w+rd\"x=1\u0026y"#));
        assert!(has(Form::Percent, "p%40ss/w%2Brd%22x%3D1%26y"));
        let forms: Vec<(Form, String)> = needles("pässwört-€1 x!".as_bytes())
            .iter()
            .map(|n| (n.form, String::from_utf8(n.bytes.to_vec()).unwrap()))
            .collect();
        assert!(forms.contains(&(Form::Json, r"p\u00e4ssw\u00f6rt-\u20ac1 x!".to_owned())));
        assert!(forms.contains(&(Form::Percent, "p%C3%A4ssw%C3%B6rt-%E2%82%AC1+x%21".to_owned())));
        assert!(forms.contains(&(Form::Percent, "p%C3%A4ssw%C3%B6rt-%E2%82%AC1%20x!".to_owned())));
        assert!(has(Form::Percent, "p%40ss%2Fw%2Brd%22x%3D1%26y"));
        assert!(has(Form::Percent, "p%40ss%2fw%2brd%22x%3d1%26y"));
        assert!(has(Form::Hex, &crate::encoding::hex(value)));
    }

    #[test]
    fn a_plain_value_has_no_duplicate_forms() {
        let forms: Vec<Form> = needles(b"abcdefgh12345678").iter().map(|n| n.form).collect();
        assert_eq!(forms.iter().filter(|f| **f == Form::Literal).count(), 1);
        assert!(!forms.contains(&Form::Json) && !forms.contains(&Form::Percent));
    }

    #[test]
    fn base64_round_trips_in_both_alphabets_with_and_without_padding() {
        for form in [Form::Base64, Form::Base64Url] {
            for padded in [true, false] {
                let encoded = base64(b"\xfb\xffhello", form, padded);
                assert_eq!(
                    decode_base64(&encoded, form).as_deref().map(|v| v.as_slice()),
                    Some(&b"\xfb\xffhello"[..])
                );
            }
        }
    }
}
