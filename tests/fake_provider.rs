//! A fake provider API on 127.0.0.1 for the online checks: it answers every request with
//! one canned response (or never answers), and records what it received, so a test can
//! prove which keys reached which server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the fake server answers.
#[derive(Clone, Debug)]
pub enum Answer {
    /// This status, these headers and this body.
    Status(u16, Vec<(String, String)>, String),
    /// Reads the request and never answers (until the test process ends, or 30 s).
    Silence,
}

impl Answer {
    /// A status with an empty JSON body.
    pub fn status(code: u16) -> Self {
        Answer::Status(code, Vec::new(), "{}".into())
    }

    /// A redirect to `location`.
    pub fn redirect(location: &str) -> Self {
        Answer::Status(302, vec![("Location".into(), location.into())], String::new())
    }

    /// A 200 with this JSON body.
    pub fn json(body: &str) -> Self {
        Answer::Status(200, Vec::new(), body.into())
    }
}

/// One request as received: its request line and headers, lowercased names.
#[derive(Clone, Debug)]
pub struct Received {
    /// `GET /v1/models HTTP/1.1`.
    pub line: String,
    /// The headers, names lowercased.
    pub headers: Vec<(String, String)>,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A running fake provider.
pub struct FakeProvider {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    received: Arc<Mutex<Vec<Received>>>,
    peak: Arc<AtomicUsize>,
}

impl FakeProvider {
    /// Starts a server on a free loopback port that answers every request with `answer`,
    /// after `delay`.
    pub fn start(answer: Answer, delay: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let peak = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (log, high) = (received.clone(), peak.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (answer, log, high, in_flight) =
                    (answer.clone(), log.clone(), high.clone(), in_flight.clone());
                thread::spawn(move || serve(stream, &answer, delay, &log, &Concurrency { in_flight, high }));
            }
        });
        FakeProvider { origin, received, peak }
    }

    /// Starts a server that answers at once.
    pub fn answering(answer: Answer) -> Self {
        Self::start(answer, Duration::ZERO)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The most requests that were being served at the same time.
    pub fn peak_concurrency(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Requests being answered: counted from the whole request read to the answer's first
/// byte, so a client that starts its next request on an answer is never counted twice.
struct Concurrency {
    in_flight: Arc<AtomicUsize>,
    high: Arc<AtomicUsize>,
}

fn serve(
    stream: TcpStream,
    answer: &Answer,
    delay: Duration,
    log: &Mutex<Vec<Received>>,
    concurrency: &Concurrency,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    log.lock().unwrap().push(Received { line: line.trim().to_owned(), headers });
    let now = concurrency.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    concurrency.high.fetch_max(now, Ordering::SeqCst);
    thread::sleep(delay);
    concurrency.in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut stream = reader.into_inner();
    match answer {
        Answer::Silence => thread::sleep(Duration::from_secs(30)),
        Answer::Status(code, extra, body) => {
            let mut response = format!(
                "HTTP/1.1 {code} Fake\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in extra {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str("\r\n");
            response.push_str(body);
            let _ = stream.write_all(response.as_bytes());
        }
    }
}
