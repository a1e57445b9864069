//! A broker's life: it opens its loopback port and writes the certificate bundle before
//! the command starts, serves on a thread of its own while the command runs, and, when
//! the command has ended, stops, records what is left and removes the bundle.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use hyper_util::rt::TokioIo;

use super::BrokerError;
use super::proxy::State;
use super::record::{Recorder, Records};
use super::routes::Plan;
use super::tls::{Authority, system_bundle};

/// The variables that tell clients to trust the run's certificate bundle.
const CA_VARIABLES: &[&str] = &[
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "GIT_SSL_CAINFO",
    "CARGO_HTTP_CAINFO",
    "DENO_CERT",
];

/// The proxy variables, in both cases (curl reads only the lower-case `http_proxy`).
const PROXY_VARIABLES: &[&str] =
    &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/// A running broker.
pub(crate) struct Broker {
    env: Vec<(String, String)>,
    dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    records: Option<Records>,
}

impl Broker {
    /// Starts a broker for `plan`, recording to `recorder`.
    pub fn start(plan: Plan, recorder: Recorder) -> Result<Self, BrokerError> {
        let token = crate::encoding::hex(&random::<16>());
        let authority = Authority::new(&token[..8]).map_err(|e| BrokerError::Authority(e.to_string()))?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(BrokerError::Listen)?;
        listener.set_nonblocking(true).map_err(BrokerError::Listen)?;
        let own = listener.local_addr().map_err(BrokerError::Listen)?;
        let dir = bundle_dir()?;
        let bundle = dir.join("ca-bundle.pem");
        let written = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&bundle)?;
            let mut contents = system_bundle();
            if !contents.is_empty() && !contents.ends_with(b"\n") {
                contents.push(b'\n');
            }
            contents.extend_from_slice(authority.pem().as_bytes());
            file.write_all(&contents)
        })();
        if let Err(source) = written {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(BrokerError::Bundle { path: dir, source });
        }
        let env = child_env(&plan, own, &token, &bundle);
        let records = Records::start(recorder).map_err(BrokerError::Thread)?;
        let state = Arc::new(State::new(token, own, plan, authority, records.sender()));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("latchkey-broker".into())
            .spawn(move || serve(state, listener, stopped))
            .map_err(BrokerError::Thread)?;
        Ok(Self { env, dir, shutdown: Some(shutdown), thread: Some(thread), records: Some(records) })
    }

    /// What the command's environment gets besides its placeholders: the proxy, the
    /// bundle to trust, and base URLs that point at the broker.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Stops serving, records what is left and removes the bundle. Why some request was
    /// not recorded in the audit log, if so.
    pub fn stop(mut self) -> Option<String> {
        self.halt()
    }

    fn halt(&mut self) -> Option<String> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        self.records.take().and_then(Records::finish)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.halt();
    }
}

/// The broker's thread: a single-threaded runtime serving the port until told to stop.
fn serve(state: Arc<State>, listener: std::net::TcpListener, stopped: tokio::sync::oneshot::Receiver<()>) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
        let accept = async {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    // Out of descriptors, say: let some close.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                if !peer.ip().is_loopback() {
                    continue;
                }
                let _ = stream.set_nodelay(true);
                tokio::spawn(state.clone().serve(TokioIo::new(stream)));
            }
        };
        tokio::select! {
            _ = accept => {}
            _ = stopped => {}
        }
    });
    runtime.shutdown_background();
}

/// A new directory only this user can enter, for the run's bundle: in the user's
/// runtime directory where there is one.
fn bundle_dir() -> Result<PathBuf, BrokerError> {
    let parent = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = parent.join(format!("latchkey-broker-{}", crate::encoding::hex(&random::<8>())));
    DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|source| BrokerError::Bundle { path: dir.clone(), source })?;
    Ok(dir)
}

fn child_env(
    plan: &Plan,
    own: std::net::SocketAddr,
    token: &str,
    bundle: &std::path::Path,
) -> Vec<(String, String)> {
    let proxy = format!("http://latchkey:{token}@{own}");
    let bundle = bundle.display().to_string();
    let mut env: Vec<(String, String)> = Vec::new();
    env.extend(PROXY_VARIABLES.iter().map(|v| (v.to_string(), proxy.clone())));
    env.extend(
        ["NO_PROXY", "no_proxy"].iter().map(|v| (v.to_string(), "127.0.0.1,localhost,::1".to_owned())),
    );
    env.extend(CA_VARIABLES.iter().map(|v| (v.to_string(), bundle.clone())));
    env.push(("NODE_USE_ENV_PROXY".into(), "1".into()));
    for route in &plan.bases {
        let path = route.base.path().trim_end_matches('/');
        let url = format!("http://{own}/{token}/{}{path}", route.id);
        env.extend(route.variables.iter().map(|v| (v.clone(), url.clone())));
    }
    env
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    bytes
}
