//! The broker's load generator and fake upstream, for `make bench` (bench/broker.sh).
//!
//! ```text
//! broker_load serve DIR [PORT]       an upstream on 127.0.0.1 (HTTPS when PORT is given, with a
//!                                    certificate for localhost signed by DIR/ca.pem; else plain
//!                                    HTTP): prints its port
//! broker_load latency URL N [--new]  N sequential GETs of URL on one kept-alive connection (or a
//!                                    new one each with --new); prints p50, p99 in µs
//! broker_load streams URL C          C concurrent 100-event streams; checks each is whole
//! broker_load download URL           one large body; prints MB/s and the placeholders seen
//! ```
//!
//! URLs starting with `https://` go through `HTTPS_PROXY` with CONNECT (NO_PROXY is
//! ignored on purpose: fnox puts localhost in it), trusting `SSL_CERT_FILE`. Requests
//! carry `Authorization: Bearer $OPENAI_API_KEY`. It is a bench tool: errors panic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Frame;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        match args.first().map(String::as_str) {
            Some("serve") => serve(&args[1], args.get(2).map(|p| p.parse().unwrap())).await,
            Some("latency") => {
                latency(&args[1], args[2].parse().unwrap(), args.iter().any(|a| a == "--new")).await
            }
            Some("streams") => streams(&args[1], args[2].parse().unwrap()).await,
            Some("download") => download(&args[1]).await,
            _ => panic!("usage: broker_load serve|latency|streams|download ..."),
        }
    });
}

// ---------------------------------------------------------------- the upstream

async fn serve(dir: &str, port: Option<u16>) {
    let tls = port.map(|_| Arc::new(server_config(std::path::Path::new(dir))));
    let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await.unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        stream.set_nodelay(true).unwrap();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(answer);
            let builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            match tls {
                Some(config) => {
                    let Ok(stream) = tokio_rustls::TlsAcceptor::from(config).accept(stream).await else {
                        return;
                    };
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                }
                None => {
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                }
            }
        });
    }
}

type Out = http_body_util::combinators::BoxBody<Bytes, BoxError>;

async fn answer(req: hyper::Request<hyper::body::Incoming>) -> Result<hyper::Response<Out>, BoxError> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let auth = req.headers().get("authorization").map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let _ = req.into_body().collect().await?;
    let response = if path.ends_with("/stream") {
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
        tokio::spawn(async move {
            for i in 0..100 {
                let event = format!("data: {{\"i\": {i}}}\n\n");
                if tx.send(Bytes::from(event)).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        });
        let body = Channel(rx).boxed();
        hyper::Response::builder().header("content-type", "text/event-stream").body(body)?
    } else if path.ends_with("/big") {
        // `bytes` of filler, with the request's credentials echoed once per MiB: the
        // broker masks each echo.
        let total: usize = query.strip_prefix("bytes=").and_then(|n| n.parse().ok()).unwrap_or(1 << 30);
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
        tokio::spawn(async move {
            let mut chunk = vec![b'.'; 1 << 20];
            let echo = auth.strip_prefix(b"Bearer ").unwrap_or(&auth).to_vec();
            chunk[1000..1000 + echo.len()].copy_from_slice(&echo);
            let chunk = Bytes::from(chunk);
            let mut sent = 0;
            while sent < total {
                let n = chunk.len().min(total - sent);
                if tx.send(chunk.slice(..n)).await.is_err() {
                    return;
                }
                sent += n;
            }
        });
        hyper::Response::builder().header("content-length", total.to_string()).body(Channel(rx).boxed())?
    } else {
        hyper::Response::builder().header("content-type", "application/json").body(
            http_body_util::Full::new(Bytes::from_static(b"{\"ok\":true}")).map_err(|e| match e {}).boxed(),
        )?
    };
    Ok(response)
}

/// A body of what a channel receives.
struct Channel(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for Channel {
    type Data = Bytes;
    type Error = BoxError;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

fn server_config(dir: &std::path::Path) -> rustls::ServerConfig {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign];
    ca.distinguished_name.push(rcgen::DnType::CommonName, "latchkey bench CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut leaf = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    leaf.use_authority_key_identifier_extension = true;
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

// ---------------------------------------------------------------- the client

/// A connection to `url`'s host: direct for http, through HTTPS_PROXY's CONNECT and TLS
/// for https.
async fn connect(url: &hyper::Uri) -> hyper::client::conn::http1::SendRequest<Empty<Bytes>> {
    let host = url.host().unwrap().to_owned();
    let https = url.scheme_str() == Some("https");
    let port = url.port_u16().unwrap_or(if https { 443 } else { 80 });
    if !https {
        let tcp = TcpStream::connect((host.as_str(), port)).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        return handshake(TokioIo::new(tcp)).await;
    }
    let proxy: hyper::Uri =
        std::env::var("HTTPS_PROXY").or_else(|_| std::env::var("https_proxy")).unwrap().parse().unwrap();
    let authority = proxy.authority().unwrap();
    let (credentials, address) = authority.as_str().rsplit_once('@').unwrap();
    let mut tcp = TcpStream::connect(address).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let basic = latchkey_core::encoding::base64(credentials.as_bytes());
    tcp.write_all(
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\nProxy-Authorization: Basic {basic}\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        tcp.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.0 200"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    for cert in
        rustls::pki_types::CertificateDer::pem_file_iter(std::env::var("SSL_CERT_FILE").unwrap()).unwrap()
    {
        let _ = roots.add(cert.unwrap());
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = rustls::pki_types::ServerName::try_from(host).unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
    handshake(TokioIo::new(tls)).await
}

async fn handshake<T>(io: TokioIo<T>) -> hyper::client::conn::http1::SendRequest<Empty<Bytes>>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(connection);
    sender
}

fn request(url: &hyper::Uri) -> hyper::Request<Empty<Bytes>> {
    let key = std::env::var("OPENAI_API_KEY").unwrap_or_default();
    hyper::Request::get(url.path_and_query().unwrap().as_str())
        .header("host", url.authority().unwrap().as_str())
        .header("authorization", format!("Bearer {key}"))
        .body(Empty::new())
        .unwrap()
}

async fn latency(url: &str, n: usize, new_each: bool) {
    let url: hyper::Uri = url.parse().unwrap();
    let mut sender = connect(&url).await;
    let mut times = Vec::with_capacity(n);
    for i in 0..n + 100 {
        let started = Instant::now();
        if new_each {
            sender = connect(&url).await;
        }
        let response = sender.send_request(request(&url)).await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.into_body().collect().await.unwrap();
        if i >= 100 {
            // The first 100 warm up.
            times.push(started.elapsed());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
    println!("{{\"p50_us\": {:.1}, \"p99_us\": {:.1}, \"n\": {n}}}", at(0.5), at(0.99));
}

async fn streams(url: &str, concurrency: usize) {
    let url: hyper::Uri = url.parse().unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let mut sender = connect(&url).await;
                let response = sender.send_request(request(&url)).await.unwrap();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                let expected: String = (0..100).map(|i| format!("data: {{\"i\": {i}}}\n\n")).collect();
                body == expected.as_bytes()
            })
        })
        .collect();
    let mut intact = 0;
    for task in tasks {
        if task.await.unwrap() {
            intact += 1;
        }
    }
    println!(
        "{{\"streams\": {concurrency}, \"intact\": {intact}, \"seconds\": {:.2}}}",
        started.elapsed().as_secs_f64()
    );
}

async fn download(url: &str) {
    let url: hyper::Uri = url.parse().unwrap();
    let placeholder = std::env::var("OPENAI_API_KEY").unwrap_or_default();
    let mut sender = connect(&url).await;
    let started = Instant::now();
    let response = sender.send_request(request(&url)).await.unwrap();
    let mut body = response.into_body();
    let (mut bytes, mut seen) = (0usize, 0usize);
    let mut tail: Vec<u8> = Vec::new();
    // A substring search (memchr's memmem): a window-by-window comparison made this
    // client, not the broker, the bottleneck (about 200 MB/s).
    let finder =
        (!placeholder.is_empty()).then(|| aho_corasick::AhoCorasick::new([placeholder.as_bytes()]).unwrap());
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            bytes += data.len();
            tail.extend_from_slice(&data);
            seen += finder.as_ref().map_or(0, |f| f.find_iter(&tail[..]).count());
            let keep = tail.len().saturating_sub(placeholder.len().saturating_sub(1));
            tail.drain(..keep);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"bytes\": {bytes}, \"mb_per_s\": {:.0}, \"placeholders_seen\": {seen}}}",
        bytes as f64 / seconds / 1e6
    );
}
