//! Validated names: of variables (`OPENAI_API_KEY`) and of environments (`prod`).
//!
//! A name is checked once, when it is parsed, so the rest of the crate never sees an
//! invalid one. Names are not secret: they appear in listings, errors and the keychain.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest name we accept, for variables and environments alike.
const MAX_NAME_LEN: usize = 128;

/// Why a name was refused. The message never repeats the refused text: it may be a key
/// pasted where a name goes, or 20 KB long.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name was empty.
    #[error("the {what} name is empty")]
    Empty {
        /// `variable`, `environment` or `profile`.
        what: &'static str,
    },
    /// The name was longer than we accept.
    #[error("the {what} name is too long: use at most {MAX_NAME_LEN} characters")]
    TooLong {
        /// `variable`, `environment` or `profile`.
        what: &'static str,
    },
    /// The name has a character or shape we do not accept.
    #[error("that is not a valid {what} name: {rule}")]
    Invalid {
        /// `variable`, `environment` or `profile`.
        what: &'static str,
        /// The rule the name breaks, phrased as what to do.
        rule: &'static str,
    },
}

/// Whether a variable's name says it holds a password (`DB_PASSWORD`, `SMTP_PASSWD`,
/// `REDIS_PASS`, `ADMIN_PWD`): a value a person or a service set up, not a generated key.
pub fn names_a_password(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("PASSWORD")
        || upper.contains("PASSWD")
        || upper.ends_with("_PASS")
        || upper.ends_with("_PWD")
}

/// The name of a variable: an environment-variable name, `[A-Za-z_][A-Za-z0-9_]*`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VariableName(String);

impl VariableName {
    /// Parses and validates a variable name.
    pub fn new(name: &str) -> Result<Self, NameError> {
        const WHAT: &str = "variable";
        let mut chars = name.chars();
        match chars.next() {
            None => return Err(NameError::Empty { what: WHAT }),
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {}
            Some(_) => {
                return Err(NameError::Invalid {
                    what: WHAT,
                    rule: "start with a letter or `_`, then use only letters, digits and `_` (like OPENAI_API_KEY)",
                });
            }
        }
        if name.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong { what: WHAT });
        }
        if !chars.all(|c| c == '_' || c.is_ascii_alphanumeric()) {
            return Err(NameError::Invalid {
                what: WHAT,
                rule: "use only letters, digits and `_` (like OPENAI_API_KEY)",
            });
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of an environment: lowercase letters, digits, `-` and `_`, starting with a
/// letter or digit (`default`, `prod`, `staging-eu`).
///
/// Environment names appear in keychain account names and, later, in
/// `latchkey://ENV/NAME` references, so they are kept to a URL- and path-safe set.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvironmentName(String);

impl EnvironmentName {
    /// The name of the environment every vault has.
    pub const DEFAULT: &'static str = "default";

    /// Parses and validates an environment name.
    pub fn new(name: &str) -> Result<Self, NameError> {
        slug(
            name,
            "environment",
            "use lowercase letters, digits, `-` and `_`, starting with a letter or digit (like prod)",
        )
        .map(Self)
    }

    /// The `default` environment's name.
    pub fn default_name() -> Self {
        Self(Self::DEFAULT.to_owned())
    }

    /// Whether this is the `default` environment, which cannot be removed.
    pub fn is_default(&self) -> bool {
        self.0 == Self::DEFAULT
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A lowercase, URL- and path-safe name: letters, digits, `-` and `_`, starting with a
/// letter or digit.
fn slug(name: &str, what: &'static str, rule: &'static str) -> Result<String, NameError> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Err(NameError::Empty { what }),
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {}
        Some(_) => return Err(NameError::Invalid { what, rule }),
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong { what });
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
        return Err(NameError::Invalid { what, rule });
    }
    Ok(name.to_owned())
}

/// The name of an agent profile (`coder`, `research-bot`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileName(String);

impl ProfileName {
    /// Parses and validates a profile name.
    pub fn new(name: &str) -> Result<Self, NameError> {
        slug(
            name,
            "profile",
            "use lowercase letters, digits, `-` and `_`, starting with a letter or digit (like coder)",
        )
        .map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! name_traits {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
        impl FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
name_traits!(VariableName);
name_traits!(EnvironmentName);
name_traits!(ProfileName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_follow_environment_variable_rules() {
        for ok in ["OPENAI_API_KEY", "_private", "a", "A1_2", "x".repeat(128).as_str()] {
            assert!(VariableName::new(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in ["", "1ABC", "OPENAI-KEY", "A B", "KEY=1", "Ä", "A\0", "x".repeat(129).as_str()] {
            assert!(VariableName::new(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn variable_name_error_says_what_to_do() {
        let err = VariableName::new("OPENAI-KEY").unwrap_err().to_string();
        assert_eq!(
            err,
            "that is not a valid variable name: use only letters, digits and `_` (like OPENAI_API_KEY)"
        );
        let err = VariableName::new(&"A".repeat(20_000)).unwrap_err().to_string();
        assert!(err.len() < 100, "{err}");
        assert_eq!(EnvironmentName::new("").unwrap_err().to_string(), "the environment name is empty");
        let err = VariableName::new("bad\nname").unwrap_err().to_string();
        assert!(!err.contains('\n'), "error must stay on one line: {err}");
    }

    #[test]
    fn environment_names_are_path_and_url_safe() {
        for ok in ["default", "prod", "staging-eu", "dev_2", "2024"] {
            assert!(EnvironmentName::new(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in ["", "Prod", "-x", "a/b", "a.b", "a b", "../x"] {
            assert!(EnvironmentName::new(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(EnvironmentName::default_name().is_default());
    }
}
