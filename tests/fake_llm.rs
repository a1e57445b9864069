//! A fake LLM provider on 127.0.0.1 (tests/tools/provider_fake.py), for the broker's
//! and the sandbox's suites: it logs what it receives and echoes credentials back.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A fake provider (tests/tools/provider_fake.py).
pub struct Fake {
    child: Child,
    /// Its port.
    pub port: u16,
    log: PathBuf,
    /// Its directory: the test authority (`ca.pem`) and its certificates.
    pub dir: tempfile::TempDir,
}

impl Fake {
    /// Starts one: over TLS (a certificate for api.openai.com, api.anthropic.com,
    /// other.test and 127.0.0.1) or plain HTTP; with `gate`, a stream waits for that file
    /// after its first event.
    pub fn start(tls: bool, gate: Option<&Path>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut cmd = Command::new("python3");
        cmd.arg(tool("provider_fake.py")).arg(&log);
        if tls {
            cmd.arg("--tls").arg(dir.path());
        }
        if let Some(gate) = gate {
            cmd.arg("--gate").arg(gate);
        }
        let mut child = cmd.stdout(Stdio::piped()).spawn().expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the fake printed no port: {line:?}"));
        Fake { child, port, log, dir }
    }

    /// The test authority that signed its certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// What it received, one JSON object a request.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Everything the fake received, as text.
    /// Everything it received, as text.
    pub fn everything(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A script of tests/tools.
pub fn tool(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools").join(name)
}

/// Where tests/tools/install.sh put the third-party clients.
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target/test-tools")
}
