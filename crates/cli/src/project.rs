//! The project a command runs in: `LATCHKEY_PROJECT`, else the nearest `latchkey.toml`
//! from the working directory up, found once per invocation.

use std::sync::{Arc, OnceLock};

use anyhow::Result;
use latchkey_core::Project;

/// The project, if the command runs in one.
pub fn current() -> Result<Option<Arc<Project>>> {
    static FOUND: OnceLock<Option<Arc<Project>>> = OnceLock::new();
    if let Some(found) = FOUND.get() {
        return Ok(found.clone());
    }
    // The user's catalog, only if a value in the file could be a provider's key.
    let catalog = std::cell::OnceCell::new();
    let catalog = || catalog.get_or_init(|| latchkey_core::Catalog::from_env().ok()).as_ref();
    let found = Project::from_env(&catalog)?.map(Arc::new);
    Ok(FOUND.get_or_init(|| found).clone())
}

/// Says once on stderr which environment the project chose, so that a repository's
/// file never picks one silently.
pub fn say_env(project: &Project) {
    static SAID: OnceLock<()> = OnceLock::new();
    SAID.get_or_init(|| {
        eprintln!(
            "latchkey: environment `{}`, the default of {} (--env chooses another)",
            project.default_env(),
            latchkey_core::text::printable(&project.path().display().to_string())
        );
    });
}
