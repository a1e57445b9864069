//! How the app's web view is set up on Linux, to keep an idle window small.
//!
//! WebKitGTK composites a page on the GPU by default. For a window of tables and dialogs
//! that buys nothing visible, and under a software GL stack (Xvfb, many VMs) it keeps
//! about 100 MB of tiles in the web process: measured by `make bench`. The app therefore
//! paints without compositing, and tells WebKit it shows one local document (no page
//! cache, small memory caches).
use tauri::{Manager, Runtime};

/// Applies the settings to the main window's web view. Other platforms are unchanged.
pub fn tune<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        linux::tune(&webview.inner());
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

#[cfg(target_os = "linux")]
mod linux {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebView, WebViewExt,
    };

    pub(super) fn tune(view: &WebView) {
        if let Some(settings) = view.settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            settings.set_enable_page_cache(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    }
}
