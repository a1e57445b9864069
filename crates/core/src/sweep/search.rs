//! One automaton for every value in every form, and the pass over a stream with it.
//!
//! Each file is read once, in chunks, whatever its size: memory stays bounded. The
//! automaton holds every form of every value, and the literal starts of the catalog's
//! self-identifying key formats; a start is then read on as far as a key could go and
//! matched whole against the catalog, so a well-formed key the vault does not hold is
//! found in the same pass.

use std::io::{self, Read};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::forms::{self, Form};
use super::{Holder, Status};
use crate::validate::Catalog;

/// Values shorter than this (in characters) are not looked for: they would be found
/// everywhere.
pub const MIN_SOUGHT_LEN: usize = 8;

/// Whether a value is too plain to look for: under 16 characters of one class of
/// characters (`postgres`, `changeme`), it is a word found in ordinary text, and every
/// such finding, and its redaction, would be wrong.
pub fn is_weak(value: &str) -> bool {
    let classes = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    value.chars().count() < 16 && classes.iter().filter(|c| **c).count() < 2
}

/// The longest key looked for in the open, from its literal start.
const MAX_KEY_LEN: usize = 512;

/// How much of a file is read at a time.
const CHUNK: usize = 1 << 20;

/// How many leading bytes of each form the automaton holds. Every form is longer (a
/// value has 8 characters at least, and its shortest form, base64 at an alignment, 10);
/// the rest is compared where a start is found. An automaton of short starts stays in
/// the processor's cache, where one of whole forms would not.
const START_LEN: usize = 8;

/// What a sweep looks for, compiled: every stored value in every form, and where
/// unmanaged keys start.
pub struct Sought {
    /// The starts of the forms and the catalog's key prefixes (each at most
    /// [`START_LEN`] bytes).
    automaton: Option<AhoCorasick>,
    /// Per start in the automaton: the forms that begin with it.
    starts: Vec<Vec<usize>>,
    /// The starts themselves, by the same index.
    patterns_start: Vec<Zeroizing<Vec<u8>>>,
    /// Every form: its bytes, the value (index) and the form it stands for.
    forms: Vec<(Zeroizing<Vec<u8>>, usize, Form)>,
    /// The catalog's literal key starts, whole.
    key_prefixes: Vec<Vec<u8>>,
    /// Per distinct value: who holds it.
    holders: Vec<Vec<Holder>>,
    catalog: Catalog,
    /// The bytes kept from one chunk to the next, so that no match is cut.
    tail: usize,
    /// How many values were too short to look for.
    pub(crate) skipped_short: usize,
}

impl std::fmt::Debug for Sought {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sought").field("values", &self.holders.len()).finish_non_exhaustive()
    }
}

/// One thing found in a stream.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// Byte offset of its start.
    pub(crate) offset: u64,
    /// Its length in bytes.
    pub(crate) len: usize,
    /// 1-based line and byte column.
    pub(crate) line: u64,
    pub(crate) column: u64,
    pub(crate) what: HitWhat,
}

#[derive(Debug, Clone)]
pub(crate) enum HitWhat {
    /// A stored value (its index) in a form.
    Value(usize, Form),
    /// A key of this provider (its id) that the vault does not hold.
    Unmanaged(String),
}

impl Sought {
    /// Compiles the values (with who holds each) and the catalog's key starts.
    pub(crate) fn new(values: Vec<(SecretString, Holder)>, catalog: Catalog) -> Self {
        let mut distinct: Vec<(SecretString, Vec<Holder>)> = Vec::new();
        let mut skipped_short = 0;
        for (value, holder) in values {
            if value.expose_secret().chars().count() < MIN_SOUGHT_LEN || is_weak(value.expose_secret()) {
                skipped_short += 1;
                continue;
            }
            match distinct.iter_mut().find(|(v, _)| v.expose_secret() == value.expose_secret()) {
                Some((_, holders)) => holders.push(holder),
                None => distinct.push((value, vec![holder])),
            }
        }
        let mut forms: Vec<(Zeroizing<Vec<u8>>, usize, Form)> = Vec::new();
        for (index, (value, _)) in distinct.iter().enumerate() {
            for needle in forms::needles(value.expose_secret().as_bytes()) {
                // The same bytes for two values (one's hex, another's literal): the first.
                if !forms.iter().any(|(bytes, _, _)| *bytes == needle.bytes) {
                    forms.push((needle.bytes, index, needle.form));
                }
            }
        }
        let key_prefixes: Vec<Vec<u8>> = catalog.key_prefixes().into_iter().map(String::into_bytes).collect();
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let mut starts: Vec<Vec<usize>> = Vec::new();
        let start_of =
            |start: &[u8], patterns: &mut Vec<Zeroizing<Vec<u8>>>, starts: &mut Vec<Vec<usize>>| {
                match patterns.iter().position(|p| p.as_slice() == start) {
                    Some(i) => i,
                    None => {
                        patterns.push(Zeroizing::new(start.to_vec()));
                        starts.push(Vec::new());
                        patterns.len() - 1
                    }
                }
            };
        for (i, (bytes, _, _)) in forms.iter().enumerate() {
            let at = start_of(&bytes[..bytes.len().min(START_LEN)], &mut patterns, &mut starts);
            starts[at].push(i);
        }
        // Whole: `https://hooks.slack.com/services/T` cut to `https://` would stop at every URL.
        for prefix in &key_prefixes {
            start_of(prefix, &mut patterns, &mut starts);
        }
        let longest = forms.iter().map(|(f, _, _)| f.len()).max().unwrap_or(0);
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(patterns.iter().map(|p| p.as_slice()))
                .expect("byte patterns build an automaton")
        });
        let patterns_start = patterns;
        let holders = distinct.into_iter().map(|(_, h)| h).collect();
        Self {
            automaton,
            starts,
            patterns_start,
            forms,
            key_prefixes,
            holders,
            catalog,
            tail: longest.max(MAX_KEY_LEN) + 1,
            skipped_short,
        }
    }

    /// What starts at `at`: the longest form of a stored value, else a well-formed key
    /// the vault does not hold; with its length.
    fn at(&self, data: &[u8], at: usize, start: usize) -> Option<(usize, HitWhat)> {
        let rest = &data[at..];
        // A key prefix longer than a start wins the automaton's longest match: the forms
        // that begin with the start there are looked at too (a stored Slack webhook).
        let cut = &rest[..rest.len().min(START_LEN)];
        let also = self.patterns_start.iter().position(|p| p.as_slice() == cut).filter(|&p| p != start);
        let value = self.starts[start]
            .iter()
            .chain(also.into_iter().flat_map(|p| self.starts[p].iter()))
            .map(|&f| &self.forms[f])
            .filter(|(bytes, _, _)| rest.starts_with(bytes))
            .max_by_key(|(bytes, _, _)| bytes.len());
        if let Some((bytes, index, form)) = value {
            return Some((bytes.len(), HitWhat::Value(*index, *form)));
        }
        if self.key_prefixes.iter().any(|p| rest.starts_with(p)) {
            return self.unmanaged(data, at).map(|(len, provider)| (len, HitWhat::Unmanaged(provider)));
        }
        None
    }

    /// Who holds the value of this index.
    pub(crate) fn holders(&self, index: usize) -> &[Holder] {
        &self.holders[index]
    }

    /// How many values were too short to look for.
    pub fn skipped_short(&self) -> usize {
        self.skipped_short
    }

    /// How many distinct values are looked for.
    pub fn values(&self) -> usize {
        self.holders.len()
    }

    /// Whether this value's holders include a current one.
    pub(crate) fn status(&self, index: usize) -> Status {
        if self.holders[index].iter().any(|h| h.status == Status::Current) {
            Status::Current
        } else {
            Status::Past
        }
    }

    /// Reads `reader` to its end, calling `found` with each hit in order. Returns the
    /// bytes read.
    pub(crate) fn search(&self, reader: impl Read, found: impl FnMut(Hit)) -> io::Result<u64> {
        self.search_sized(reader, None, found)
    }

    /// [`Self::search`] of a stream of about `size` bytes: a small file gets a small buffer
    /// (thousands of small files would otherwise each clear a chunk's worth of memory).
    pub(crate) fn search_sized(
        &self,
        mut reader: impl Read,
        size: Option<u64>,
        mut found: impl FnMut(Hit),
    ) -> io::Result<u64> {
        let Some(automaton) = &self.automaton else {
            return io::copy(&mut reader, &mut io::sink());
        };
        let chunk = size.map_or(CHUNK, |n| usize::try_from(n).unwrap_or(CHUNK).saturating_add(1).min(CHUNK));
        let mut buf = Zeroizing::new(vec![0u8; chunk + self.tail]);
        let mut filled = 0usize;
        let mut lines = Lines { line: 1, line_start: 0, counted: 0 };
        // Absolute offset of buf[0]; where in buf the search resumes.
        let mut base: u64 = 0;
        let mut resume = 0usize;
        loop {
            let eof = fill(&mut reader, &mut buf, &mut filled)?;
            let data = &buf[..filled];
            let safe_end = if eof { filled } else { filled - self.tail };
            let mut pos = resume;
            while pos < safe_end {
                let Some(m) = automaton.find(Input::new(data).span(pos..filled)) else {
                    pos = safe_end;
                    break;
                };
                if m.start() >= safe_end {
                    pos = safe_end;
                    break;
                }
                let Some((len, what)) = self.at(data, m.start(), m.pattern().as_usize()) else {
                    pos = m.start() + 1;
                    continue;
                };
                lines.advance(data, m.start(), base);
                let offset = base + m.start() as u64;
                found(Hit { offset, len, line: lines.line, column: offset - lines.line_start + 1, what });
                pos = m.start() + len;
            }
            if eof {
                return Ok(base + filled as u64);
            }
            lines.advance(data, safe_end, base);
            buf.copy_within(safe_end..filled, 0);
            filled -= safe_end;
            base += safe_end as u64;
            lines.counted = 0;
            resume = pos - safe_end;
        }
    }

    /// The length and provider of a well-formed key starting at `at`, if one does.
    fn unmanaged(&self, buf: &[u8], at: usize) -> Option<(usize, String)> {
        // A key starts a token: `task-list` holds `sk-` but no key.
        if at > 0 && buf[at - 1].is_ascii_alphanumeric() {
            return None;
        }
        let keyish = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/');
        let run = buf[at..].iter().take(MAX_KEY_LEN).take_while(|b| keyish(b)).count();
        let mut candidate = &buf[at..at + run];
        loop {
            let text = std::str::from_utf8(candidate).ok()?;
            if let Some(provider) = crate::validate::key_provider(&self.catalog, text) {
                return Some((candidate.len(), provider.id.clone()));
            }
            // A key at the end of a sentence or a path: try without the punctuation.
            match candidate.last() {
                Some(b'.' | b':' | b'/' | b'-') => candidate = &candidate[..candidate.len() - 1],
                _ => return None,
            }
        }
    }
}

/// Reads until `buf` is full or the stream ends; whether it ended.
fn fill(reader: &mut impl Read, buf: &mut [u8], filled: &mut usize) -> io::Result<bool> {
    while *filled < buf.len() {
        match reader.read(&mut buf[*filled..]) {
            Ok(0) => return Ok(true),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Line numbers, counted lazily: only as far as the last hit, then chunk by chunk.
struct Lines {
    line: u64,
    /// Absolute offset where the current line starts.
    line_start: u64,
    /// How far into the buffer newlines are counted.
    counted: usize,
}

impl Lines {
    fn advance(&mut self, buf: &[u8], to: usize, base: u64) {
        if to <= self.counted {
            return;
        }
        let region = &buf[self.counted..to];
        let newlines = memchr::memchr_iter(b'\n', region).count();
        if newlines > 0 {
            self.line += newlines as u64;
            let last = memchr::memrchr(b'\n', region).expect("a newline was counted");
            self.line_start = base + (self.counted + last + 1) as u64;
        }
        self.counted = to;
    }
}
