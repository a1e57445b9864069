//! The broker's streaming filters. A response body reaches the command as it arrives,
//! every real value in it turned into its placeholder (the same length, so framing stays
//! true); a request body goes on as it arrives, and is cut off the moment it completes a
//! placeholder that may not go where it is going. Neither ever holds a body whole:
//! memory is bounded by a chunk and the longest value.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use aho_corasick::AhoCorasick;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::{Body as HttpBody, Frame, SizeHint};

use super::upstream::BoxError;
use crate::launch::Masker;

/// Called once when a body ends, however it ends, with the bytes it carried.
pub(super) type OnEnd = Box<dyn FnOnce(u64) + Send + Sync>;

/// A response body with real values masked as their placeholders.
pub(super) struct MaskBody<B> {
    inner: B,
    masker: Masker,
    /// Trailers waiting for what is held to be sent first.
    trailers: Option<HeaderMap>,
    done: bool,
    bytes: u64,
    on_end: Option<OnEnd>,
}

impl<B> MaskBody<B> {
    /// `inner` masked by `masker`; `on_end` is told its length when it ends or is dropped.
    pub fn new(inner: B, masker: Masker, on_end: OnEnd) -> Self {
        Self { inner, masker, trailers: None, done: false, bytes: 0, on_end: Some(on_end) }
    }
}

impl<B> Drop for MaskBody<B> {
    fn drop(&mut self) {
        if let Some(on_end) = self.on_end.take() {
            on_end(self.bytes);
        }
    }
}

impl<B> HttpBody for MaskBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(this.trailers.take().map(|t| Ok(Frame::trailers(t))));
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        this.bytes += data.len() as u64;
                        let out = this.masker.feed_bytes(data);
                        if !out.is_empty() {
                            return Poll::Ready(Some(Ok(Frame::data(out))));
                        }
                    }
                    Err(frame) => {
                        if let Ok(trailers) = frame.into_trailers() {
                            this.trailers = Some(mask_headers(&this.masker, trailers));
                        }
                    }
                },
                Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
                None => {
                    this.done = true;
                    let mut rest = Vec::new();
                    this.masker.finish(&mut rest);
                    if !rest.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(rest)))));
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        // Masking keeps lengths.
        self.inner.size_hint()
    }
}

/// Header values with real values masked as their placeholders.
pub(super) fn mask_headers(masker: &Masker, mut headers: HeaderMap) -> HeaderMap {
    for value in headers.values_mut() {
        let mut m = masker.for_another_stream();
        let mut out = Vec::with_capacity(value.len());
        m.feed(value.as_bytes(), &mut out);
        m.finish(&mut out);
        if out != value.as_bytes()
            && let Ok(masked) = HeaderValue::from_bytes(&out)
        {
            *value = masked;
        }
    }
    headers
}

/// The placeholder a request body completed where it may not go: the index of its secret.
pub(super) type Caught = Arc<Mutex<Option<usize>>>;

/// A request body scanned for placeholders that may not go where it is going. On the
/// first one it fails, which aborts the request upstream: what went on before it holds
/// only part of the placeholder, which is worthless.
pub(super) struct ScanBody<B> {
    inner: B,
    /// Placeholders that may not go here, pattern index → secret index.
    scanner: Option<(Arc<AhoCorasick>, Arc<Vec<usize>>)>,
    /// The end of what went on before: a placeholder may straddle chunks.
    tail: Vec<u8>,
    longest: usize,
    caught: Caught,
    bytes: Arc<Mutex<u64>>,
}

impl<B> ScanBody<B> {
    /// `inner`, failing on a match of `scanner` (whose pattern `i` is the placeholder of
    /// secret `secrets[i]`), which it records in `caught`; `bytes` counts what went on.
    pub fn new(
        inner: B,
        scanner: Option<(Arc<AhoCorasick>, Arc<Vec<usize>>)>,
        longest: usize,
        caught: Caught,
        bytes: Arc<Mutex<u64>>,
    ) -> Self {
        Self { inner, scanner, tail: Vec::new(), longest, caught, bytes }
    }
}

impl<B> HttpBody for ScanBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let frame = match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
            None => return Poll::Ready(None),
        };
        if let (Some(data), Some((automaton, secrets))) = (frame.data_ref(), &this.scanner) {
            let keep = this.tail.len();
            this.tail.extend_from_slice(data);
            if let Some(m) = automaton.find(&this.tail[..]) {
                debug_assert!(m.end() > keep);
                *this.caught.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(secrets[m.pattern().as_usize()]);
                return Poll::Ready(Some(Err("a placeholder may not go to this host".into())));
            }
            let from = this.tail.len().saturating_sub(this.longest.saturating_sub(1));
            this.tail.drain(..from);
        }
        if let Some(data) = frame.data_ref() {
            *this.bytes.lock().unwrap_or_else(|p| p.into_inner()) += data.len() as u64;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
