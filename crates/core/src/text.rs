//! Text that latchkey prints but did not write itself (paths, program names, names
//! read back from the audit log) made safe for a terminal: control characters, and the
//! invisible characters that reorder or hide text, are shown escaped, so a file name
//! cannot erase its own line or recolour what follows. And times, in the one format
//! latchkey shows them in.

use std::borrow::Cow;

/// A time as RFC 3339 (`2026-11-29T21:22:38Z`), as latchkey shows and stores times.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// `text` with control and bidirectional-formatting characters escaped (`\r`,
/// `\u{1b}`, `\u{202e}`); unchanged when it has none.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_reordering_characters_are_escaped() {
        assert_eq!(printable("plain/path.env"), "plain/path.env");
        assert_eq!(printable("e\r\u{1b}[2Kz.env"), "e\\r\\u{1b}[2Kz.env");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
        assert!(matches!(printable("ünïcødé"), Cow::Borrowed(_)));
    }
}
