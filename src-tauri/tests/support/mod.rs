//! The app, built on Tauri's mock runtime with the real configuration (so the real
//! capability is enforced), and called as the UI calls it.
#![allow(dead_code)]

use latchkey_core::{Catalog, Home};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// The app in a temporary data directory.
pub struct Desktop {
    pub dir: tempfile::TempDir,
    pub app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

impl Desktop {
    pub fn new() -> Self {
        assert!(
            std::env::var_os("LATCHKEY_LOOPBACK_ONLY").is_some(),
            "run the desktop tests through tests/with-keyring.sh (make test-rust): it sets the guard that keeps them on 127.0.0.1"
        );
        let dir = tempfile::tempdir().unwrap();
        let app =
            latchkey_desktop::builder(mock_builder(), Home::at(dir.path().join("home")), Catalog::built_in())
                // The real configuration, so the real capability (the ACL) is enforced.
                .build(latchkey_desktop::context())
                .unwrap();
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        Desktop { dir, app, webview }
    }

    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, answered {v}"),
            Err(e) => e,
        }
    }

    pub fn unlocked_with_secret(value: &str) -> Self {
        let d = Desktop::new();
        d.ok("create_vault", json!({"request": {"passphrase": "correct horse"}}));
        d.ok(
            "set_variable",
            json!({"request": {
            "env": "default", "name": "OPENAI_API_KEY", "kind": "secret", "store": "vault",
            "value": value, "provider": "openai", "notes": null}}),
        );
        d
    }
}
