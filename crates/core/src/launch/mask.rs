//! Masking: every secret value of 6 or more characters is replaced by
//! `<latchkey:NAME>` in a child's output, including values split across writes.
//!
//! A value is looked for in the forms a program or a terminal may give it: as it is;
//! with its line breaks turned into CRLF (a pseudo-terminal does that); each line of a
//! multi-line value on its own (a PEM's body, printed line by line); escaped as a JSON
//! string; and, for values of 16 characters or more, base64-encoded from an aligned
//! start. Where matches overlap, one span is masked, named by the longest: a secret that
//! contains another is masked whole.
//!
//! The masker is a stream filter. It passes bytes through as soon as they cannot be the
//! start of a secret, and holds back only the shortest tail that still could be, so an
//! interactive program's prompt appears at once.
//!
//! It is not withholding (which variables a child gets): see [`super::withhold`].

use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Values shorter than this are not masked: they would corrupt ordinary output.
pub const MIN_MASKED_LEN: usize = 6;
/// Values at least this long are also masked in their base64 form.
pub const MIN_BASE64_LEN: usize = 16;

/// A stream filter that masks secret values.
#[derive(Clone)]
pub struct Masker {
    automaton: Option<Arc<AhoCorasick>>,
    /// The patterns, by index, to test held-back tails against.
    patterns: Arc<Vec<Zeroizing<Vec<u8>>>>,
    replacements: Arc<Vec<Vec<u8>>>,
    /// Which bytes start some pattern.
    first_bytes: [bool; 256],
    longest: usize,
    /// Names of values too short to mask.
    too_short: Arc<Vec<String>>,
    held: Zeroizing<Vec<u8>>,
    /// Whether every replacement is as long as its pattern, and the output must keep the
    /// input's length (the broker's, where lengths are framing).
    same_length: bool,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker").field("patterns", &self.patterns.len()).finish_non_exhaustive()
    }
}

/// The forms in which a value is looked for in output.
fn forms(value: &str) -> Vec<Zeroizing<Vec<u8>>> {
    let mut forms: Vec<Zeroizing<Vec<u8>>> = vec![Zeroizing::new(value.as_bytes().to_vec())];
    if value.contains('\n') {
        forms.push(Zeroizing::new(value.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()));
        for line in value.lines().map(|l| l.trim_end_matches('\r')) {
            let armor = line.starts_with("-----") && line.ends_with("-----");
            if line.chars().count() >= MIN_MASKED_LEN && !armor {
                forms.push(Zeroizing::new(line.as_bytes().to_vec()));
            }
        }
    }
    let json = Zeroizing::new(serde_json::to_string(value).expect("a string encodes as JSON"));
    let escaped = &json[1..json.len() - 1];
    if escaped != value {
        forms.push(Zeroizing::new(escaped.as_bytes().to_vec()));
    }
    if value.len() >= MIN_BASE64_LEN {
        let encoded = Zeroizing::new(crate::encoding::base64(value.as_bytes()));
        // The groups that do not depend on what follows the value...
        let stable = value.len() / 3 * 4;
        forms.push(Zeroizing::new(encoded.as_bytes()[..stable].to_vec()));
        // ...and the whole of the two encodings a command most often prints: the value's
        // own (padded), and `echo "$KEY" | base64`'s, with the newline. The longer match
        // wins, so no trailing group is left in clear.
        forms.push(Zeroizing::new(encoded.as_bytes().to_vec()));
        let mut line = Zeroizing::new(value.as_bytes().to_vec());
        line.push(b'\n');
        forms.push(Zeroizing::new(crate::encoding::base64(&line).into_bytes()));
    }
    forms.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
    forms.dedup_by(|a, b| a.as_slice() == b.as_slice());
    forms
}

impl Masker {
    /// A masker for these (name, value) pairs, each replaced by `<latchkey:NAME>`;
    /// values shorter than [`MIN_MASKED_LEN`] characters are left alone (and named by
    /// [`Masker::too_short`]).
    pub fn new<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a SecretString)> + Clone) -> Self {
        let mut pairs = Vec::new();
        let too_short = too_short(secrets.clone());
        for (name, value) in secrets {
            let value = value.expose_secret();
            if is_too_short(value) {
                continue;
            }
            let replacement = format!("<latchkey:{name}>").into_bytes();
            for form in forms(value) {
                pairs.push((form, replacement.clone()));
            }
        }
        let mut masker = Self::with_replacements(pairs);
        masker.too_short = Arc::new(too_short);
        masker.same_length = false;
        masker
    }

    /// A masker that replaces each pattern with its own replacement (the broker's
    /// placeholders). Empty patterns are ignored. When every replacement is as long as
    /// its pattern, the output is as long as the input: overlapping matches are each
    /// replaced in place, the later over the earlier.
    pub fn with_replacements(pairs: Vec<(Zeroizing<Vec<u8>>, Vec<u8>)>) -> Self {
        let same_length = pairs.iter().all(|(p, r)| p.len() == r.len());
        let (patterns, replacements): (Vec<_>, Vec<_>) =
            pairs.into_iter().filter(|(p, _)| !p.is_empty()).unzip();
        let mut first_bytes = [false; 256];
        for p in &patterns {
            first_bytes[p[0] as usize] = true;
        }
        let automaton = (!patterns.is_empty()).then(|| {
            Arc::new(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    // Built at every launch: a contiguous NFA builds in a fraction of a
                    // DFA's time and searches nearly as fast.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(patterns.iter().map(|v| v.as_slice()))
                    .expect("literal patterns always build"),
            )
        });
        let longest = patterns.iter().map(|v| v.len()).max().unwrap_or(0);
        Self {
            automaton,
            patterns: Arc::new(patterns),
            replacements: Arc::new(replacements),
            first_bytes,
            longest,
            too_short: Arc::new(Vec::new()),
            held: Zeroizing::new(Vec::new()),
            same_length,
        }
    }

    /// The names of values too short to be masked, each once.
    pub fn too_short(&self) -> &[String] {
        &self.too_short
    }

    /// Whether anything is masked at all.
    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
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

    /// Filters `chunk` as [`Masker::feed`] does, but hands it back untouched, without a
    /// copy, when nothing is held and it holds no pattern and does not end with the start
    /// of one: the common case, which costs one search.
    pub fn feed_bytes(&mut self, chunk: bytes::Bytes) -> bytes::Bytes {
        let Some(automaton) = &self.automaton else { return chunk };
        if self.held.is_empty() && !automaton.is_match(&chunk[..]) && self.partial_in(&chunk) == chunk.len() {
            return chunk;
        }
        let mut out = Vec::with_capacity(chunk.len() + self.held.len());
        self.feed(&chunk, &mut out);
        bytes::Bytes::from(out)
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
        let mut matches: Vec<(usize, usize, usize)> = automaton
            .find_overlapping_iter(buffer)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        // By start, the longest first, so that a span is named by its longest match.
        matches.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new(); // start, end, pattern, its length
        for &(start, end, pattern) in &matches {
            match spans.last_mut() {
                Some(last) if start < last.1 => {
                    last.1 = last.1.max(end);
                    if end - start > last.3 {
                        (last.2, last.3) = (pattern, end - start);
                    }
                }
                _ => spans.push((start, end, pattern, end - start)),
            }
        }
        let mut at = 0;
        let mut cut = limit;
        for (start, end, pattern, _) in spans {
            if start >= limit {
                break;
            }
            if end > limit {
                // A span that a held-back tail may still extend: keep it whole.
                cut = start;
                break;
            }
            out.extend_from_slice(&buffer[at..start]);
            if self.same_length {
                let base = out.len();
                out.extend_from_slice(&buffer[start..end]);
                for &(s, e, p) in matches.iter().filter(|m| m.0 >= start && m.1 <= end) {
                    out[base + s - start..base + e - start].copy_from_slice(&self.replacements[p]);
                }
            } else {
                out.extend_from_slice(&self.replacements[pattern]);
            }
            at = end;
        }
        let cut = cut.max(at);
        out.extend_from_slice(&buffer[at..cut]);
        self.held.drain(..cut);
    }

    /// Where the longest tail of the held bytes that is a proper prefix of some pattern
    /// starts: it must wait for more bytes. The held length when there is none.
    fn partial_start(&self) -> usize {
        self.partial_in(&self.held)
    }

    /// [`Masker::partial_start`] of `buffer`.
    fn partial_in(&self, buffer: &[u8]) -> usize {
        let len = buffer.len();
        let earliest = len.saturating_sub(self.longest.saturating_sub(1));
        (earliest..len)
            .find(|&s| {
                self.first_bytes[buffer[s] as usize]
                    && self.patterns.iter().any(|v| v.len() > len - s && v.starts_with(&buffer[s..]))
            })
            .unwrap_or(len)
    }
}

/// Whether a value is too short to be masked.
fn is_too_short(value: &str) -> bool {
    value.chars().count() < MIN_MASKED_LEN
}

/// The names of the values too short to be masked, each once, in order.
pub fn too_short<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a SecretString)>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, value) in secrets {
        if is_too_short(value.expose_secret()) && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// A masker built when it is first needed, by whichever thread needs it first: a
/// launch starts its command while the masker's automaton is built on another core,
/// instead of before.
#[derive(Clone)]
pub struct PendingMasker(Arc<LazyLock<Masker, Box<dyn FnOnce() -> Masker + Send>>>);

impl PendingMasker {
    /// The masker [`Masker::new`] makes of these (name, value) pairs, once needed.
    pub fn new(secrets: Vec<(String, SecretString)>) -> Self {
        Self(Arc::new(LazyLock::new(Box::new(move || {
            Masker::new(secrets.iter().map(|(n, v)| (n.as_str(), v)))
        }))))
    }

    /// The masker, built now if no thread has built it yet (others wait meanwhile).
    fn get(&self) -> &Masker {
        &self.0
    }

    /// A masker of its own for one stream; `None` when the masker could not be built
    /// (its building panicked, here or on another thread): the stream must then show
    /// nothing (see [`conceal`]).
    pub fn for_stream(&self) -> Option<Masker> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.get().for_another_stream())).ok()
    }
}

/// What a front end says when a stream was concealed (see [`conceal`]).
pub const CONCEALED: &str =
    "the command's output was not shown: its masker could not be built (latchkey exits 70)";

/// The status of a run whose output was concealed (EX_SOFTWARE): a script must not take
/// output it never got for the command's success.
pub const CONCEALED_STATUS: u8 = 70;

/// Reads `reader` to its end and shows none of it: the output of a stream whose masker
/// could not be built ([`CONCEALED`] says why, and the run ends with
/// [`CONCEALED_STATUS`]). Reading
/// on keeps the command from blocking on a full pipe; the only call to `sink` is the
/// end, as in [`pump`].
pub fn conceal(mut reader: impl std::io::Read, mut sink: impl FnMut(&[u8]) -> std::io::Result<()>) {
    let mut buf = Zeroizing::new(vec![0u8; 16 * 1024]);
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
    let _ = sink(&[]);
}

impl std::fmt::Debug for PendingMasker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingMasker").finish_non_exhaustive()
    }
}

/// Copies `reader` to `sink` through `masker` (or as it is, without one) until the end
/// of the stream or until `sink` fails, flushing what is held at the end. Output that
/// cannot start a secret reaches `sink` as soon as it is read. The last call to `sink`
/// is the end of the stream (possibly empty); no other call is empty.
pub fn pump(
    mut reader: impl std::io::Read,
    mut masker: Option<Masker>,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) {
    // 16 KiB: a terminal or pipe rarely gives more at once, and the buffer is zeroized
    // whole when dropped.
    let mut buf = Zeroizing::new(vec![0u8; 16 * 1024]);
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
        if !out.is_empty() && sink(&out).is_err() {
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
    fn a_secret_that_contains_another_is_masked_whole_by_its_own_name() {
        let m = || {
            masker(&[("INNER", "INNERsecret9876"), ("OUTER", "sk-live-OUTERprefix0123-INNERsecret9876-tail")])
        };
        let input = b"x sk-live-OUTERprefix0123-INNERsecret9876-tail y INNERsecret9876 z";
        for size in [1, 4, 9, 64] {
            assert_eq!(
                run(&mut m(), input, size),
                b"x <latchkey:OUTER> y <latchkey:INNER> z",
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn multi_line_values_are_masked_through_crlf_and_line_by_line() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----";
        let mut m = masker(&[("TLS_KEY", pem)]);
        let crlf = pem.replace('\n', "\r\n");
        assert_eq!(run(&mut m, format!("{crlf}\r\n").as_bytes(), 5), b"<latchkey:TLS_KEY>\r\n");
        let out = run(&mut masker(&[("TLS_KEY", pem)]), b"line: AQEFAASCBKcwggSjAgEAAoIB!", 3);
        assert_eq!(out, b"line: <latchkey:TLS_KEY>!");
        // The armor lines are not secret, and stay.
        let out = run(&mut masker(&[("TLS_KEY", pem)]), b"-----END PRIVATE KEY-----", 3);
        assert_eq!(out, b"-----END PRIVATE KEY-----");
    }

    #[test]
    fn json_escaped_and_base64_forms_are_masked() {
        let value = "line one\n\"quoted\" secret-value";
        let out = run(&mut masker(&[("K", value)]), br#"{"k":"line one\n\"quoted\" secret-value"}"#, 4);
        assert_eq!(out, br#"{"k":"<latchkey:K>"}"#);
        let token = "tok-abcdef-1234567890";
        let encoded = crate::encoding::base64(format!("{token}:x").as_bytes());
        let out = run(&mut masker(&[("T", token)]), encoded.as_bytes(), 7);
        assert!(String::from_utf8(out).unwrap().starts_with("<latchkey:T>"));
        // The whole encoding, its last group and padding included, whatever the length.
        for token in ["tok-abcdef-1234567890", "tok-abcdef-12345678901", "tok-abcdef-123456789012"] {
            let padded = crate::encoding::base64(token.as_bytes());
            let out = run(&mut masker(&[("T", token)]), format!("[{padded}]").as_bytes(), 5);
            assert_eq!(out, b"[<latchkey:T>]", "{} bytes", token.len());
            // `echo "$T" | base64`: the newline's group too.
            let echoed = crate::encoding::base64(format!("{token}\n").as_bytes());
            let out = run(&mut masker(&[("T", token)]), format!("{echoed}\n").as_bytes(), 3);
            assert_eq!(out, b"<latchkey:T>\n", "{} bytes, echoed", token.len());
        }
    }

    #[test]
    fn short_values_are_named_as_unmasked() {
        let m = masker(&[("PIN", "1234"), ("KEY", "long-enough-value")]);
        assert_eq!(m.too_short(), ["PIN"]);
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

    fn replacing(pairs: &[(&str, &str)]) -> Masker {
        Masker::with_replacements(
            pairs
                .iter()
                .map(|(v, r)| (Zeroizing::new(v.as_bytes().to_vec()), r.as_bytes().to_vec()))
                .collect(),
        )
    }

    #[test]
    fn same_length_replacements_keep_the_length_even_where_values_overlap() {
        // Two values that overlap in the stream: each is replaced where it is, so no
        // byte of either survives and framing (Content-Length) stays true.
        let mut m = replacing(&[("abcdef123", "XXXXXXXXX"), ("123456789", "YYYYYYYYY")]);
        let input = b"--abcdef123456789--";
        for split in 1..input.len() {
            let mut m = m.for_another_stream();
            let mut out = Vec::new();
            m.feed(&input[..split], &mut out);
            m.feed(&input[split..], &mut out);
            m.finish(&mut out);
            assert_eq!(out.len(), input.len(), "split at {split}");
            assert_eq!(&out, b"--XXXXXXYYYYYYYYY--", "split at {split}");
        }
        let mut out = Vec::new();
        m.feed(b"no value here", &mut out);
        assert_eq!(out, b"no value here");
    }

    #[test]
    fn a_chunk_that_cannot_hold_a_value_passes_without_a_copy() {
        let mut m = replacing(&[("sk-secret-value", "sk-placeholder!")]);
        let chunk = bytes::Bytes::from_static(b"data: {\"token\": \"hello\"}\n\n");
        let out = m.feed_bytes(chunk.clone());
        assert_eq!(out.as_ptr(), chunk.as_ptr(), "the same buffer, not a copy");
        // A chunk ending with the start of a value is held back until the next one.
        let out = m.feed_bytes(bytes::Bytes::from_static(b"key: sk-sec"));
        assert_eq!(&out[..], b"key: ");
        let out = m.feed_bytes(bytes::Bytes::from_static(b"ret-value and more"));
        assert_eq!(&out[..], b"sk-placeholder! and more");
    }

    #[test]
    fn a_pending_masker_is_built_once_and_masks_every_stream_that_waits_for_it() {
        let secrets = vec![
            ("KEY".to_owned(), SecretString::from("long-enough-value".to_owned())),
            ("PIN".to_owned(), SecretString::from("1234".to_owned())),
            ("PIN".to_owned(), SecretString::from("5678".to_owned())),
        ];
        assert_eq!(too_short(secrets.iter().map(|(n, v)| (n.as_str(), v))), ["PIN"]);
        let pending = PendingMasker::new(secrets);
        // Two streams ask at once, as a command's stdout and stderr pumps do.
        let outputs: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let streams: Vec<_> = (0..2)
                .map(|_| {
                    let pending = pending.clone();
                    scope.spawn(move || {
                        run(&mut pending.get().for_another_stream(), b"a long-enough-value b", 4)
                    })
                })
                .collect();
            streams.into_iter().map(|s| s.join().unwrap()).collect()
        });
        assert_eq!(outputs, [b"a <latchkey:KEY> b".to_vec(), b"a <latchkey:KEY> b".to_vec()]);
        assert!(std::ptr::eq(pending.get(), pending.clone().get()), "one masker, shared");
        assert_eq!(pending.get().too_short(), ["PIN"]);
    }

    #[test]
    fn a_stream_whose_masker_cannot_be_built_shows_nothing_of_its_output() {
        let pending = PendingMasker(Arc::new(LazyLock::new(Box::new(|| panic!("cannot build")))));
        for _ in 0..2 {
            // Every stream that asks, the first and those after it.
            assert!(pending.for_stream().is_none());
        }
        let mut shown = Vec::new();
        conceal(&b"sk-the-secret-value"[..], |chunk: &[u8]| {
            shown.extend_from_slice(chunk);
            Ok(())
        });
        assert!(shown.is_empty(), "nothing of the stream is shown");
    }
}
