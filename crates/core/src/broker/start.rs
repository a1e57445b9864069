//! A broker's life: it opens its loopback port and writes the certificate bundle before
//! the command starts, serves on a thread of its own while the command runs, and, when
//! the command has ended, stops, records what is left and removes the bundle.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
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
    port: u16,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    records: Option<Records>,
}

impl Broker {
    /// Starts a broker for `plan`, recording to `recorder`; for a sandboxed run, it also
    /// listens on a Unix socket in its directory (the sandbox has no other way out).
    pub fn start(plan: Plan, recorder: Recorder, sandboxed: bool) -> Result<Self, BrokerError> {
        let token = crate::encoding::hex(&random::<16>());
        let authority = Authority::new(&token[..8]).map_err(|e| BrokerError::Authority(e.to_string()))?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(BrokerError::Listen)?;
        listener.set_nonblocking(true).map_err(BrokerError::Listen)?;
        let own = listener.local_addr().map_err(BrokerError::Listen)?;
        let dir = bundle_dir()?;
        let bundle = dir.join("ca-bundle.pem");
        let written = (|| {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&bundle)?;
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
        let mut env = child_env(&plan, own, &token, &bundle);
        let unix = if sandboxed {
            let socket = dir.join("broker.sock");
            let bound = sandbox_door(&socket);
            match bound {
                Ok(listener) => Some(listener),
                Err(source) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(BrokerError::Bundle { path: dir, source });
                }
            }
        } else {
            None
        };
        if sandboxed {
            let inside = crate::sandbox::INSIDE_BUNDLE.to_owned();
            for (name, value) in env.iter_mut() {
                if CA_VARIABLES.contains(&name.as_str()) {
                    *value = inside.clone();
                }
            }
        }
        let records = Records::start(recorder).map_err(BrokerError::Thread)?;
        let state = Arc::new(State::new(token, own, plan, authority, records.sender()));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("latchkey-broker".into())
            .spawn(move || serve(state, listener, unix, stopped))
            .map_err(BrokerError::Thread)?;
        Ok(Self {
            env,
            dir,
            port: own.port(),
            shutdown: Some(shutdown),
            thread: Some(thread),
            records: Some(records),
        })
    }

    /// Its directory: the certificate bundle, and for a sandboxed run its socket.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Its loopback port.
    pub fn port(&self) -> u16 {
        self.port
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

/// Connections served at once: enough for any agent, and a bound on what a process
/// without the token can hold open.
const MAX_CONNECTIONS: usize = 768;

/// The broker's thread: a single-threaded runtime serving the port until told to stop.
fn serve(
    state: Arc<State>,
    listener: std::net::TcpListener,
    unix: Option<Door>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
    raise_descriptor_limit();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
        let accept = async {
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else { return };
                let Ok((stream, peer)) = listener.accept().await else {
                    // Out of descriptors, say: let some close.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                if !peer.ip().is_loopback() {
                    continue;
                }
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                tokio::spawn(async move {
                    state.serve(TokioIo::new(stream)).await;
                    drop(slot);
                });
            }
        };
        // The sandbox's door: only the sandbox sees the socket (its directory is private).
        #[cfg(unix)]
        let unix_accept = async {
            let Some(Ok(unix)) = unix.map(tokio::net::UnixListener::from_std) else {
                return std::future::pending().await;
            };
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else { return };
                let Ok((stream, _)) = unix.accept().await else {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let state = state.clone();
                tokio::spawn(async move {
                    state.serve(TokioIo::new(stream)).await;
                    drop(slot);
                });
            }
        };
        #[cfg(not(unix))]
        let unix_accept = {
            let _ = unix;
            std::future::pending::<()>()
        };
        tokio::select! {
            _ = accept => {}
            _ = unix_accept => {}
            _ = stopped => {}
        }
    });
    runtime.shutdown_background();
}

/// The soft limit on open files raised to the hard one: each connection costs two.
fn raise_descriptor_limit() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum {
            let _ = setrlimit(Resource::Nofile, rustix::process::Rlimit { current: limit.maximum, ..limit });
        }
    }
}

/// The Unix socket a sandboxed command reaches the broker through.
#[cfg(unix)]
type Door = std::os::unix::net::UnixListener;
/// No sandbox, so no door, where there are no Unix sockets.
#[cfg(not(unix))]
type Door = std::convert::Infallible;

/// Listens on `socket`, for the sandbox.
fn sandbox_door(socket: &std::path::Path) -> std::io::Result<Door> {
    #[cfg(unix)]
    {
        let listener = std::os::unix::net::UnixListener::bind(socket)?;
        listener.set_nonblocking(true)?;
        Ok(listener)
    }
    #[cfg(not(unix))]
    {
        let _ = socket;
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// A new directory only this user can enter, for the run's bundle: in the user's
/// runtime directory where there is one. Its name holds latchkey's pid, so that the
/// directories of runs whose latchkey was killed are removed by the next one.
fn bundle_dir() -> Result<PathBuf, BrokerError> {
    let parent = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    remove_orphans(&parent);
    let dir = parent.join(format!(
        "latchkey-broker-{}-{}",
        std::process::id(),
        crate::encoding::hex(&random::<8>())
    ));
    let mut builder = DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).map_err(|source| BrokerError::Bundle { path: dir.clone(), source })?;
    Ok(dir)
}

/// Where there is no /proc to tell a live latchkey, orphans stay.
#[cfg(not(unix))]
fn remove_orphans(_parent: &std::path::Path) {}

/// Removes bundle directories, ours by owner and name, whose latchkey is gone.
#[cfg(unix)]
fn remove_orphans(parent: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let uid = rustix::process::getuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("latchkey-broker-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = entry.metadata().is_ok_and(|m| m.is_dir() && !m.is_symlink() && m.uid() == uid);
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
        if mine && !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
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
