//! Online checks end to end: `latchkey check --online` against fake provider APIs on
//! 127.0.0.1, reached through the base URL variables an environment sets.

use std::time::Duration;

use latchkey_tests::fake_provider::{Answer, FakeProvider};
use latchkey_tests::{Sandbox, corpus_key};
use serde_json::Value;

/// `check --online --json` of the sandbox's default environment: its exit status and
/// the reports by name.
fn check_online(s: &Sandbox, args: &[&str]) -> (bool, Vec<Value>) {
    let mut all = vec!["check", "--online", "--json"];
    all.extend_from_slice(args);
    let out = s.run(&all, b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let reports: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("not JSON; stderr: {stderr}"));
    (out.status.success(), reports.as_array().unwrap().clone())
}

fn report<'a>(reports: &'a [Value], name: &str) -> &'a Value {
    reports.iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no report for {name}: {reports:?}"))
}

/// A vault with a well-formed OpenAI key whose base URL is `server`.
fn openai_against(server: &FakeProvider) -> (Sandbox, String) {
    let (s, _) = Sandbox::with_identity_file();
    let key = corpus_key("openai", 0);
    s.set("default", "OPENAI_API_KEY", &key);
    s.set_config("default", "OPENAI_BASE_URL", &format!("{}/v1", server.origin));
    (s, key)
}

#[test]
fn a_key_the_provider_accepts_is_valid_and_the_result_is_kept() {
    let server = FakeProvider::answering(Answer::json(r#"{"data": []}"#));
    let (s, key) = openai_against(&server);
    let (ok, reports) = check_online(&s, &[]);
    assert!(ok);
    let r = report(&reports, "OPENAI_API_KEY");
    assert_eq!(r["online"], "valid");
    assert_eq!(r["status"], 200);
    assert_eq!(r["format"], "ok");
    assert_eq!(r["provider"], "openai");
    // The config variable is checked for its format, never sent anywhere.
    assert_eq!(report(&reports, "OPENAI_BASE_URL")["online"], Value::Null);
    let received = server.received();
    assert_eq!(received.len(), 1, "exactly one request per key");
    assert_eq!(received[0].line, "GET /v1/models HTTP/1.1");
    assert_eq!(received[0].header("authorization"), Some(format!("Bearer {key}").as_str()));
    // The result is kept in the vault, with its time.
    let listed = s.list("default");
    let row = listed.iter().find(|v| v["name"] == "OPENAI_API_KEY").unwrap();
    assert_eq!(row["validation"]["online"]["result"], "valid");
    assert_eq!(row["validation"]["online"]["status"], 200);
    assert!(row["validation"]["online"]["at"].as_str().unwrap().starts_with("20"));
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key), "list leaked the key");
}

#[test]
fn a_401_is_invalid_and_fails_the_check() {
    let server = FakeProvider::answering(Answer::status(401));
    let (s, _) = openai_against(&server);
    let (ok, reports) = check_online(&s, &["OPENAI_API_KEY"]);
    assert!(!ok, "an invalid key exits 1");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["online"], "invalid");
    assert_eq!(reports[0]["status"], 401);
}

#[test]
fn a_429_is_indeterminate_and_does_not_fail_the_check() {
    let server = FakeProvider::answering(Answer::status(429));
    let (s, _) = openai_against(&server);
    let (ok, reports) = check_online(&s, &["OPENAI_API_KEY"]);
    assert!(ok, "indeterminate is not invalid");
    assert_eq!(reports[0]["online"], "indeterminate");
    assert_eq!(reports[0]["status"], 429);
    assert!(reports[0]["message"].as_str().unwrap().contains("rate limited"));
}

#[test]
fn a_server_that_never_answers_times_out_as_indeterminate() {
    let server = FakeProvider::answering(Answer::Silence);
    let (s, _) = openai_against(&server);
    let (ok, reports) = check_online(&s, &["OPENAI_API_KEY"]);
    assert!(ok);
    assert_eq!(reports[0]["online"], "indeterminate");
    assert_eq!(reports[0]["status"], Value::Null);
    assert!(reports[0]["message"].as_str().unwrap().contains("did not answer within 5 s"), "{}", reports[0]);
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_redirect_is_reported_and_never_followed_so_the_key_stays_home() {
    let elsewhere = FakeProvider::answering(Answer::json("{}"));
    let server = FakeProvider::answering(Answer::redirect(&format!("{}/v1/models", elsewhere.origin)));
    let (s, key) = openai_against(&server);
    let (ok, reports) = check_online(&s, &["OPENAI_API_KEY"]);
    assert!(ok);
    assert_eq!(reports[0]["online"], "indeterminate");
    assert_eq!(reports[0]["status"], 302);
    assert!(reports[0]["message"].as_str().unwrap().contains("never follows redirects"));
    assert_eq!(server.received().len(), 1);
    assert!(
        elsewhere.received().is_empty(),
        "the second server received a request: {:?}",
        elsewhere.received()
    );
    assert!(!reports[0].to_string().contains(&key));
}

#[test]
fn each_provider_gets_its_own_request_form() {
    let anthropic = FakeProvider::answering(Answer::json("{}"));
    let github = FakeProvider::answering(Answer::json("{}"));
    let cohere = FakeProvider::answering(Answer::json(r#"{"valid": false}"#));
    let (s, _) = Sandbox::with_identity_file();
    let (anthropic_key, github_key, cohere_key) =
        (corpus_key("anthropic", 0), corpus_key("github", 0), corpus_key("cohere", 0));
    s.set("default", "ANTHROPIC_API_KEY", &anthropic_key);
    s.set_config("default", "ANTHROPIC_BASE_URL", &anthropic.origin);
    s.set("default", "GITHUB_TOKEN", &github_key);
    s.set_config("default", "GITHUB_API_URL", &github.origin);
    s.set("default", "COHERE_API_KEY", &cohere_key);
    s.set_config("default", "CO_API_URL", &cohere.origin);
    let (ok, reports) = check_online(&s, &[]);
    assert!(!ok, "the rejected Cohere key fails the check");
    assert_eq!(report(&reports, "ANTHROPIC_API_KEY")["online"], "valid");
    assert_eq!(report(&reports, "GITHUB_TOKEN")["online"], "valid");
    assert_eq!(report(&reports, "COHERE_API_KEY")["online"], "invalid", "a 200 whose body says valid: false");

    let a = &anthropic.received()[0];
    assert_eq!(a.line, "GET /v1/models HTTP/1.1");
    assert_eq!(a.header("x-api-key"), Some(anthropic_key.as_str()));
    assert_eq!(a.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(a.header("authorization"), None);
    let g = &github.received()[0];
    assert_eq!(g.line, "GET /user HTTP/1.1");
    assert_eq!(g.header("authorization"), Some(format!("token {github_key}").as_str()));
    let c = &cohere.received()[0];
    assert_eq!(c.line, "POST /v1/check-api-key HTTP/1.1");
}

#[test]
fn keys_without_a_safe_check_and_keys_that_cannot_work_are_never_sent() {
    let server = FakeProvider::answering(Answer::json("{}"));
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "PERPLEXITY_API_KEY", &corpus_key("perplexity", 0));
    s.set("default", "OPENAI_API_KEY", "your-openai-api-key-here");
    s.set_config("default", "OPENAI_BASE_URL", &format!("{}/v1", server.origin));
    let (_, reports) = check_online(&s, &[]);
    assert_eq!(report(&reports, "PERPLEXITY_API_KEY")["online"], "no_safe_check");
    assert_eq!(
        report(&reports, "OPENAI_API_KEY")["online"],
        Value::Null,
        "a placeholder is not worth a request"
    );
    assert!(server.received().is_empty());
}

#[test]
fn a_key_is_not_sent_to_a_base_url_that_fails_the_endpoint_checks() {
    let (s, key) = {
        let (s, _) = Sandbox::with_identity_file();
        let key = corpus_key("anthropic", 1);
        s.set("default", "ANTHROPIC_API_KEY", &key);
        (s, key)
    };
    for base in
        ["http://api.anthropic.com", "https://api.anthropic.com.evil.test", "https://user:pw@127.0.0.1:9"]
    {
        s.set_config("default", "ANTHROPIC_BASE_URL", base);
        let (_, reports) = check_online(&s, &["ANTHROPIC_API_KEY"]);
        assert_eq!(reports[0]["online"], "indeterminate", "{base}");
        assert!(reports[0]["message"].as_str().unwrap().contains("was not sent"), "{base}: {}", reports[0]);
        assert!(!reports[0].to_string().contains(&key));
    }
}

#[test]
fn many_keys_are_checked_a_bounded_number_at_a_time() {
    let server = FakeProvider::start(Answer::json("{}"), Duration::from_millis(200));
    let (s, _) = Sandbox::with_identity_file();
    s.set_config("default", "OPENAI_BASE_URL", &format!("{}/v1", server.origin));
    for n in 0..20 {
        s.set("default", &format!("AGENT{n}_OPENAI_API_KEY"), &corpus_key("openai", n % 4));
    }
    let (ok, reports) = check_online(&s, &[]);
    assert!(ok);
    assert_eq!(reports.iter().filter(|r| r["online"] == "valid").count(), 20);
    assert_eq!(server.received().len(), 20);
    let peak = server.peak_concurrency();
    // At most 8 at once (how many overlap below that depends on the machine's load).
    assert!((1..=8).contains(&peak), "{peak} requests ran at once; the bound is 8");
}

/// The TLS fake of tests/tools/tls_fake.py: its process, port, and the lines it printed.
struct UntrustedTls {
    child: std::process::Child,
    port: u16,
    lines: std::sync::mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl UntrustedTls {
    fn start() -> Self {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/tls_fake.py"))
            .arg(dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let (send, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let port = lines
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the TLS fake starts")
            .parse()
            .unwrap();
        UntrustedTls { child, port, lines, _dir: dir }
    }
}

impl Drop for UntrustedTls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tls_is_verified_so_a_server_with_an_untrusted_certificate_gets_nothing() {
    let server = UntrustedTls::start();
    let (s, _) = Sandbox::with_identity_file();
    s.set("default", "OPENAI_API_KEY", &corpus_key("openai", 0));
    s.set_config("default", "OPENAI_BASE_URL", &format!("https://127.0.0.1:{}/v1", server.port));
    let (ok, reports) = check_online(&s, &["OPENAI_API_KEY"]);
    assert!(ok, "an unverified server is indeterminate, not invalid");
    assert_eq!(reports[0]["online"], "indeterminate");
    assert!(
        server.lines.recv_timeout(std::time::Duration::from_millis(500)).is_err(),
        "the server with an untrusted certificate got a request"
    );
}

#[test]
fn rotate_online_stores_a_key_the_provider_accepts_and_refuses_one_it_rejects() {
    let rejecting = FakeProvider::answering(Answer::status(401));
    let (s, old) = openai_against(&rejecting);
    let new = corpus_key("openai", 1);
    let out = s.run(&["rotate", "OPENAI_API_KEY", "--online"], new.as_bytes());
    assert_eq!(out.status.code(), Some(1), "a rejected key was stored");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rejected the new key"));
    assert_eq!(s.ok(&["get", "OPENAI_API_KEY"], b""), old.as_bytes());
    assert_eq!(rejecting.received()[0].header("authorization"), Some(format!("Bearer {new}").as_str()));
    let accepting = FakeProvider::answering(Answer::json("{}"));
    s.set_config("default", "OPENAI_BASE_URL", &format!("{}/v1", accepting.origin));
    let out = s.run(&["rotate", "OPENAI_API_KEY", "--online"], new.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.ok(&["get", "OPENAI_API_KEY"], b""), new.as_bytes());
    assert_eq!(accepting.received().len(), 1);
}
