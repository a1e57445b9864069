//! Whether a variable is a secret or config: the one distinction every part of latchkey
//! makes (checks, masking, listing), kept apart so that none of them depends on another
//! for it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a variable is for. Secrets and config are stored the same way; the kind decides
/// how a variable is shown and, later, checked, masked and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential: an API key, a token, a password.
    Secret,
    /// A setting that is not secret: a base URL, a model name, a log level.
    Config,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Secret => "secret",
            Kind::Config => "config",
        })
    }
}
