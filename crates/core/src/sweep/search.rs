//! Every value in every form, and the catalog's key starts, looked for in one pass over
//! a stream.
//!
//! Each file is read once, in chunks, whatever its size: memory stays bounded. In each
//! chunk, the forms of the stored values are found by sampling (see [`super::grams`]),
//! and the literal starts of the catalog's self-identifying key formats by SIMD searchers
//! (see [`super::starts`]); a key start is then read on as far as a key could go and
//! matched whole against the catalog, so a well-formed key the vault does not hold is
//! found in the same pass.

use std::io::{self, Read};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::forms::{self, Form};
use super::grams::Grams;
use super::starts::{KeyStarts, covering};
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

/// What a sweep looks for, compiled: every stored value in every form, and where
/// unmanaged keys start.
pub struct Sought {
    /// The forms' sampled blocks; none without a value to look for.
    grams: Option<Grams>,
    /// Where the catalog's key prefixes may start: automatons over a covering set of
    /// them, a few prefixes each (see [`PER_SEARCHER`]); none for a catalog without any.
    prefixes: Vec<KeyStarts>,
    /// The catalog's key prefixes, whole: one of them must start a key found.
    key_prefixes: Vec<Vec<u8>>,
    /// Every form (a value has 8 characters at least, and its shortest form, base64 at
    /// an alignment, 10 bytes): its bytes, the value (index) and the form it stands for.
    forms: Vec<(Zeroizing<Vec<u8>>, usize, Form)>,
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
        let covered = covering(key_prefixes.clone());
        let longest = forms.iter().map(|(f, _, _)| f.len()).max().unwrap_or(0);
        let grams = Grams::new(forms.iter().map(|(f, _, _)| f.as_slice()));
        // Whole: `https://hooks.slack.com/services/T` cut to `https://` would stop at every URL.
        let prefixes = KeyStarts::build(&covered);
        let holders = distinct.into_iter().map(|(_, h)| h).collect();
        let tail = longest.max(MAX_KEY_LEN) + 1;
        Self { grams, prefixes, key_prefixes, forms, holders, catalog, tail, skipped_short }
    }

    /// The hits whose starts are in `from..to` of `data` (read on to its end), in order,
    /// none overlapping: at each start the longest form of a stored value, else a
    /// well-formed key the vault does not hold. Returns where the last hit ends, or `to`.
    fn hits_between(
        &self,
        data: &[u8],
        from: usize,
        to: usize,
        mut hit: impl FnMut(usize, usize, HitWhat),
    ) -> usize {
        let mut forms: Vec<(usize, usize)> = Vec::new();
        if let Some(grams) = &self.grams {
            grams.find(data, from, to, |f| &self.forms[f].0, |start, form| forms.push((start, form)));
        }
        // By start, the longest form first.
        forms.sort_unstable_by_key(|&(start, form)| (start, std::cmp::Reverse(self.forms[form].0.len())));
        let mut forms = forms.into_iter().peekable();
        // The next start of each automaton at or after where the search is; the nearest
        // of them is the next place a key may start.
        let mut next_keys: Vec<Option<usize>> = Vec::with_capacity(self.prefixes.len());
        let find_key = |starts: &KeyStarts, at: usize| starts.find(data, at).filter(|&k| k < to);
        next_keys.extend(self.prefixes.iter().map(|a| find_key(a, from)));
        let mut pos = from;
        loop {
            while forms.peek().is_some_and(|&(start, _)| start < pos) {
                forms.next();
            }
            for (next, automaton) in next_keys.iter_mut().zip(&self.prefixes) {
                if next.is_some_and(|k| k < pos) {
                    *next = find_key(automaton, pos);
                }
            }
            let next_key = next_keys.iter().flatten().copied().min();
            let next_form = forms.peek().map(|&(start, _)| start);
            let at = match (next_form, next_key) {
                (None, None) => return pos.max(to),
                (Some(f), Some(k)) => f.min(k),
                (Some(f), None) => f,
                (None, Some(k)) => k,
            };
            if next_form == Some(at) {
                let (_, form) = forms.next().expect("peeked");
                let (bytes, index, kind) = &self.forms[form];
                hit(at, bytes.len(), HitWhat::Value(*index, *kind));
                pos = at + bytes.len();
            } else if let Some((len, provider)) = self.unmanaged(data, at).filter(|(len, _)| *len > 0) {
                hit(at, len, HitWhat::Unmanaged(provider));
                pos = at + len;
            } else {
                pos = at + 1;
            }
        }
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
        if self.grams.is_none() && self.prefixes.is_empty() {
            return io::copy(&mut reader, &mut io::sink());
        }
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
            let pos = self.hits_between(data, resume, safe_end, |at, len, what| {
                lines.advance(data, at, base);
                let offset = base + at as u64;
                found(Hit { offset, len, line: lines.line, column: offset - lines.line_start + 1, what });
            });
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
        // A key starts a token: `task-list` holds `sk-` but no key. And with one of the
        // catalog's prefixes whole: the automaton finds where one may start.
        if at > 0 && buf[at - 1].is_ascii_alphanumeric()
            || !self.key_prefixes.iter().any(|p| buf[at..].starts_with(p))
        {
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
