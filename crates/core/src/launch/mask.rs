//! Masking: every injected secret value of 6 or more characters is replaced by
//! `<latchkey:NAME>` in a child's output, including values split across writes.
//!
//! The masker is a stream filter. It passes bytes through as soon as they cannot be the
//! start of a secret, and holds back only the shortest tail that still could be, so an
//! interactive program's prompt appears at once. Overlapping values are masked as one
//! span, so no part of either leaks.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Values shorter than this are not masked: they would corrupt ordinary output.
pub const MIN_MASKED_LEN: usize = 6;

/// A stream filter that masks secret values.
#[derive(Clone)]
pub struct Masker {
    automaton: Option<Arc<AhoCorasick>>,
    /// The values, by pattern index, to test held-back tails against.
    values: Arc<Vec<Zeroizing<Vec<u8>>>>,
    replacements: Arc<Vec<Vec<u8>>>,
    /// Which bytes start some value.
    first_bytes: [bool; 256],
    longest: usize,
    held: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker").field("values", &self.values.len()).finish_non_exhaustive()
    }
}

impl Masker {
    /// A masker for these (name, value) pairs; values shorter than
    /// [`MIN_MASKED_LEN`] characters are left alone.
    pub fn new<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a SecretString)>) -> Self {
        let mut values = Vec::new();
        let mut replacements = Vec::new();
        for (name, value) in secrets {
            let bytes = value.expose_secret().as_bytes();
            if value.expose_secret().chars().count() >= MIN_MASKED_LEN {
                values.push(Zeroizing::new(bytes.to_vec()));
                replacements.push(format!("<latchkey:{name}>").into_bytes());
            }
        }
        let mut first_bytes = [false; 256];
        for v in &values {
            first_bytes[v[0] as usize] = true;
        }
        let automaton = (!values.is_empty()).then(|| {
            Arc::new(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(values.iter().map(|v| v.as_slice()))
                    .expect("literal patterns always build"),
            )
        });
        let longest = values.iter().map(|v| v.len()).max().unwrap_or(0);
        Self {
            automaton,
            values: Arc::new(values),
            replacements: Arc::new(replacements),
            first_bytes,
            longest,
            held: Zeroizing::new(Vec::new()),
        }
    }

    /// Another masker for the same values (for a second stream), sharing the compiled
    /// automaton, with nothing held.
    pub fn for_another_stream(&self) -> Self {
        Self { held: Zeroizing::new(Vec::new()), ..self.clone() }
    }

    /// Filters `chunk`, appending what may be shown now to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.automaton.is_none() {
            out.extend_from_slice(chunk);
            return;
        }
        self.held.extend_from_slice(chunk);
        let hold_from = self.partial_start();
        self.emit(hold_from, out);
    }

    /// Flushes what is held at the end of the stream.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let end = self.held.len();
        self.emit(end, out);
    }

    /// Masks and emits `held[..limit]`, keeping the rest (and any span that reaches past
    /// `limit`) for later.
    fn emit(&mut self, limit: usize, out: &mut Vec<u8>) {
        let Some(automaton) = &self.automaton else { return };
        let buffer = &self.held[..];
        // Merge overlapping matches into spans, each named by its first value.
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        for m in automaton.find_overlapping_iter(buffer) {
            match spans.last_mut() {
                Some(last) if m.start() < last.1 => last.1 = last.1.max(m.end()),
                _ => spans.push((m.start(), m.end(), m.pattern().as_usize())),
            }
        }
        let mut at = 0;
        let mut cut = limit;
        for (start, end, pattern) in spans {
            if start >= limit {
                break;
            }
            if end > limit {
                // A span that a held-back tail may still extend: keep it whole.
                cut = start;
                break;
            }
            out.extend_from_slice(&buffer[at..start]);
            out.extend_from_slice(&self.replacements[pattern]);
            at = end;
        }
        let cut = cut.max(at);
        out.extend_from_slice(&buffer[at..cut]);
        self.held.drain(..cut);
    }

    /// Where the longest tail of the held bytes that is a proper prefix of some value
    /// starts: it must wait for more bytes. The held length when there is none.
    fn partial_start(&self) -> usize {
        let len = self.held.len();
        let earliest = len.saturating_sub(self.longest.saturating_sub(1));
        (earliest..len)
            .find(|&s| {
                self.first_bytes[self.held[s] as usize]
                    && self.values.iter().any(|v| v.len() > len - s && v.starts_with(&self.held[s..]))
            })
            .unwrap_or(len)
    }
}

/// Copies `reader` to `sink` through `masker` (or as it is, without one) until the end
/// of the stream or until `sink` fails, flushing what is held at the end. Output that
/// cannot start a secret reaches `sink` as soon as it is read.
pub fn pump(
    mut reader: impl std::io::Read,
    mut masker: Option<Masker>,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) {
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut out = Zeroizing::new(Vec::with_capacity(buf.len() + 256));
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        out.clear();
        match &mut masker {
            Some(m) => m.feed(&buf[..n], &mut out),
            None => out.extend_from_slice(&buf[..n]),
        }
        if sink(&out).is_err() {
            return;
        }
    }
    out.clear();
    if let Some(m) = &mut masker {
        m.finish(&mut out);
    }
    let _ = sink(&out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker(pairs: &[(&str, &str)]) -> Masker {
        let secrets: Vec<(String, SecretString)> =
            pairs.iter().map(|(n, v)| (n.to_string(), SecretString::from(v.to_string()))).collect();
        Masker::new(secrets.iter().map(|(n, v)| (n.as_str(), v)))
    }

    /// Feeds `input` in pieces of `size` bytes and returns everything shown.
    fn run(m: &mut Masker, input: &[u8], size: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in input.chunks(size.max(1)) {
            m.feed(chunk, &mut out);
        }
        m.finish(&mut out);
        out
    }

    #[test]
    fn a_value_is_masked_whatever_the_chunking() {
        let input = b"key=sk-secret-123456 and again sk-secret-123456!";
        for size in [1, 2, 3, 5, 7, 11, 64] {
            let out = run(&mut masker(&[("OPENAI_API_KEY", "sk-secret-123456")]), input, size);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "key=<latchkey:OPENAI_API_KEY> and again <latchkey:OPENAI_API_KEY>!",
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn a_value_split_across_two_writes_is_masked() {
        let mut m = masker(&[("TOKEN", "abcdef123456")]);
        let mut out = Vec::new();
        m.feed(b"before abcdef", &mut out);
        assert_eq!(out, b"before ", "the possible start of a secret is held back, nothing else");
        m.feed(b"123456 after", &mut out);
        m.finish(&mut out);
        assert_eq!(out, b"before <latchkey:TOKEN> after");
    }

    #[test]
    fn output_that_cannot_start_a_secret_passes_at_once() {
        let mut m = masker(&[("TOKEN", "abcdef123456")]);
        let mut out = Vec::new();
        m.feed(b"Password: ", &mut out);
        assert_eq!(out, b"Password: ");
    }

    #[test]
    fn overlapping_values_are_masked_as_one_span() {
        let out = run(&mut masker(&[("A", "abcdef"), ("B", "defghi")]), b"xabcdefghiy", 3);
        assert_eq!(out, b"x<latchkey:A>y");
    }

    #[test]
    fn short_values_and_binary_output_are_left_alone() {
        let mut m = masker(&[("PIN", "12345"), ("KEY", "\u{e9}secret")]);
        let binary: Vec<u8> = (0..=255u8).chain([0xff, 0xfe, 0x00]).collect();
        assert_eq!(run(&mut m, &binary, 10), binary);
        let out = run(&mut masker(&[("PIN", "12345")]), b"pin 12345", 4);
        assert_eq!(out, b"pin 12345");
    }

    #[test]
    fn very_long_lines_keep_their_length_and_lose_only_the_secret() {
        let secret = "s3cr3t-value-xyz";
        let mut line = "a".repeat(1 << 20);
        line.insert_str(500_000, secret);
        let out = run(&mut masker(&[("K", secret)]), line.as_bytes(), 4096);
        assert_eq!(out.len(), line.len() - secret.len() + "<latchkey:K>".len());
        assert!(!out.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
}
