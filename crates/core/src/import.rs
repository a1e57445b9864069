//! Importing variables from outside (a `.env` file, the process environment) into an
//! environment: classifying each as secret or config, planning what would change, and
//! writing everything at once or nothing.

use secrecy::{ExposeSecret, SecretString};

use crate::name::{EnvironmentName, VariableName};
use crate::validate::{self, Catalog, ProblemCode};
use crate::variable::{Kind, Metadata, Value, Variable};
use crate::vault::{EnforceChecks, GetError, SaveError, Vault};

/// A variable to import.
#[derive(Debug)]
pub struct Incoming {
    /// Its name.
    pub name: VariableName,
    /// Its value.
    pub value: SecretString,
    /// Secret or config.
    pub kind: Kind,
    /// When the value was made at its provider (`import --created`); `None` for now.
    pub made: Option<crate::variable::KeyMade>,
}

/// What importing one variable would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new variable.
    Create,
    /// It replaces a different value (needs `overwrite`).
    Replace,
    /// The environment has this very value already.
    Unchanged,
}

/// One line of an import's preview: never the value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Planned {
    /// The name.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// What would happen.
    pub action: Action,
    /// The provider detected.
    pub provider: Option<String>,
    /// Problems the format checks found.
    pub problems: Vec<ProblemCode>,
    /// Whether `set` would refuse the value (a placeholder, a failed checksum): an
    /// import stores it only when forced.
    pub refused: bool,
}

/// Why an import was refused. When this is returned, nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The environment could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// A value that no variable can hold.
    #[error("`{name}` cannot be imported: {source}; nothing was imported")]
    Value {
        /// The variable.
        name: VariableName,
        /// What is wrong with the value.
        source: crate::value::ValueError,
    },
    /// Names the environment has with other values.
    #[error(
        "`{env}` already has {names} with other values: nothing was imported; pass --overwrite to replace them"
    )]
    Exists {
        /// The environment.
        env: EnvironmentName,
        /// The names, comma-separated.
        names: String,
    },
    /// Values `set` would refuse: they cannot be working keys.
    #[error(
        "{names} cannot be a working key, as `latchkey set` would say: nothing was imported; fix them in the file, or store them anyway with --force"
    )]
    Refused {
        /// The names and their problems.
        names: String,
    },
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Whether a variable's name says it holds a credential (`*_KEY`, `*_TOKEN`,
/// `*PASSWORD*`, ...), whatever its value.
pub fn names_secret(name: &str) -> bool {
    name.split(['_', '-', '.']).any(|w| SECRET_WORDS.contains(&w.to_ascii_uppercase().as_str()))
}

/// Name parts that mark a credential.
const SECRET_WORDS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTH",
    "PRIVATE",
    "SIGNATURE",
    "SALT",
    "DSN",
    "COOKIE",
    "SESSION",
];
/// Name parts that mark a setting.
const CONFIG_WORDS: &[&str] = &[
    "URL",
    "URI",
    "ENDPOINT",
    "BASE",
    "HOST",
    "PORT",
    "MODEL",
    "LEVEL",
    "REGION",
    "VERSION",
    "ENV",
    "MODE",
    "DIR",
    "PATH",
    "TIMEOUT",
    "DEBUG",
    "NAME",
    "ORG",
    "ORGANIZATION",
    "PROJECT",
    "DEPLOYMENT",
    "LANG",
    "LOCALE",
    "TZ",
    "ID",
];

/// Why a `.env` file could not be read into import input. Nothing was imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a `.env` file (the line, never its text).
    #[error("{path}: {source}")]
    Syntax {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong, and where.
        source: crate::dotenv::DotenvError,
    },
}

/// Reads a `.env` file as an import's input, the one way both front ends do it: parsed
/// with the dotenv rules (`${VAR}` from earlier lines, then the process environment),
/// each entry classified as secret or config, or every entry a secret with `all_secret`.
pub fn read_env_file(
    path: &std::path::Path,
    catalog: &Catalog,
    all_secret: bool,
) -> Result<Vec<Incoming>, ReadError> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: path.to_owned(), source })?,
    );
    let entries = crate::dotenv::parse(&text, &|name| std::env::var(name).ok())
        .map_err(|source| ReadError::Syntax { path: path.to_owned(), source })?;
    Ok(classified(entries.into_iter().map(|e| (e.name, e.value)), catalog, all_secret))
}

/// Names and values as an import's input: classified, or every one a secret.
pub fn classified(
    entries: impl IntoIterator<Item = (VariableName, SecretString)>,
    catalog: &Catalog,
    all_secret: bool,
) -> Vec<Incoming> {
    entries
        .into_iter()
        .map(|(name, value)| {
            let kind = if all_secret { Kind::Secret } else { classify(catalog, &name, &value) };
            Incoming { name, value, kind, made: None }
        })
        .collect()
}

/// Secret or config, by name and format: a known provider's key, a URL with a password
/// in it, or a name with `KEY`, `TOKEN`, `SECRET`, `PASSWORD`, ... is a secret; a name
/// of a setting (`*_URL`, `*_MODEL`, `LOG_LEVEL`, ...) or a number or boolean is config;
/// anything else is a secret, the safe side.
pub fn classify(catalog: &Catalog, name: &VariableName, value: &SecretString) -> Kind {
    let value = value.expose_secret();
    let words: Vec<&str> = name.as_str().split('_').collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.to_ascii_uppercase().as_str()));
    if catalog.matches(validate::trimmed(value)).next().is_some() {
        return Kind::Secret;
    }
    if let Ok(url) = url::Url::parse(value)
        && url.password().is_some()
    {
        return Kind::Secret;
    }
    if has(SECRET_WORDS) {
        return Kind::Secret;
    }
    let plain = value.parse::<f64>().is_ok()
        || ["true", "false", "yes", "no", "on", "off"].contains(&value.to_ascii_lowercase().as_str());
    if has(CONFIG_WORDS) || plain || validate::is_endpoint_name(name.as_str()) {
        return Kind::Config;
    }
    Kind::Secret
}

impl Vault {
    /// What importing `incoming` into `env` would do, in order; nothing is written.
    pub fn plan_import(
        &self,
        env: &EnvironmentName,
        incoming: &[Incoming],
        catalog: &Catalog,
    ) -> Result<Vec<Planned>, ImportError> {
        let doc = self.read().map_err(GetError::from)?;
        let environment = doc.environment(env).map_err(GetError::from)?;
        let mut reader = crate::vault::ValueReader::default();
        let mut planned = Vec::new();
        for item in incoming {
            // The checks `set` makes, but for emptiness: `NAME=` in a file says the
            // variable is set and empty, where an empty `set` is almost always a mistake.
            match crate::value::check_text(item.value.expose_secret()) {
                Ok(()) | Err(crate::value::ValueError::Empty) => {}
                Err(source) => return Err(ImportError::Value { name: item.name.clone(), source }),
            }
            let action = match environment.get(&item.name) {
                None => Action::Create,
                Some(existing) => {
                    let current = reader.read(&existing.value).map_err(GetError::from)?;
                    if current.expose_secret() == item.value.expose_secret() && existing.kind == item.kind {
                        Action::Unchanged
                    } else {
                        Action::Replace
                    }
                }
            };
            let finding =
                validate::check(catalog, item.name.as_str(), item.kind, item.value.expose_secret(), &|n| {
                    incoming.iter().find(|i| i.name.as_str() == n).map(|i| i.value.expose_secret().to_owned())
                });
            planned.push(Planned {
                name: item.name.clone(),
                kind: item.kind,
                action,
                provider: finding.provider.clone(),
                problems: finding.problems.iter().map(|p| p.code).collect(),
                refused: action != Action::Unchanged && finding.refusals().next().is_some(),
            });
        }
        Ok(planned)
    }

    /// Imports `incoming` into `env` in one write: all of it, or nothing. Names the
    /// environment has with other values are refused unless `overwrite`; values that
    /// `set` would refuse (a placeholder, a failed checksum) unless `enforce` is
    /// [`EnforceChecks::Force`].
    pub fn import(
        &self,
        env: &EnvironmentName,
        incoming: Vec<Incoming>,
        overwrite: bool,
        enforce: EnforceChecks,
        catalog: &Catalog,
    ) -> Result<Vec<Planned>, ImportError> {
        let planned = self.plan_import(env, &incoming, catalog)?;
        let replaced: Vec<String> =
            planned.iter().filter(|p| p.action == Action::Replace).map(|p| format!("`{}`", p.name)).collect();
        if !replaced.is_empty() && !overwrite {
            return Err(ImportError::Exists { env: env.clone(), names: replaced.join(", ") });
        }
        if enforce == EnforceChecks::Refusals {
            let refused: Vec<String> = planned
                .iter()
                .filter(|p| p.refused)
                .map(|p| {
                    let why: Vec<&str> =
                        p.problems.iter().filter(|c| c.refuses_storing()).map(|c| c.as_str()).collect();
                    format!("`{}` ({})", p.name, why.join(", "))
                })
                .collect();
            if !refused.is_empty() {
                return Err(ImportError::Refused { names: refused.join(", ") });
            }
        }
        let now =
            time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let mut reader = crate::vault::ValueReader::default();
        let mut left_in_keychain = Vec::new();
        self.update(|doc| {
            let environment = doc.environment_mut(env).map_err(GetError::from)?;
            for (item, plan) in incoming.into_iter().zip(&planned) {
                if plan.action == Action::Unchanged {
                    continue;
                }
                let previous = environment.get(&item.name).cloned();
                let mut meta = previous.as_ref().map_or_else(|| Metadata::new(now), |v| v.meta.clone());
                meta.updated = now;
                // A replaced value is a rotation, as with `set`: the old one joins the
                // history, and the schedule starts again. Imported values live in the
                // vault; a keychain entry they replace is deleted once the vault is saved.
                if let Some(previous) = &previous {
                    meta.history.push(reader.read(&previous.value).map_err(GetError::from)?, now);
                    meta.rotated = Some(now);
                    if let Value::Keychain { account } = &previous.value {
                        left_in_keychain.push(account.clone());
                    }
                }
                if let Some(made) = item.made {
                    meta.value_made(made, previous.is_none(), previous.is_some());
                }
                meta.provider = plan.provider.clone().filter(|_| item.kind == Kind::Secret).or(meta.provider);
                meta.validation = Some(crate::variable::Validation {
                    checked: now,
                    provider: plan.provider.clone(),
                    format: if !plan.problems.is_empty() {
                        validate::FormatVerdict::Invalid
                    } else if plan.provider.is_some() {
                        validate::FormatVerdict::Ok
                    } else {
                        validate::FormatVerdict::Unknown
                    },
                    problems: plan.problems.clone(),
                    online: None,
                });
                environment.insert(Variable {
                    name: item.name,
                    kind: item.kind,
                    value: Value::InVault(item.value),
                    meta,
                });
            }
            Ok::<_, ImportError>(())
        })?;
        if !left_in_keychain.is_empty()
            && let Ok(keychain) = crate::keychain::Keychain::open()
        {
            for account in left_in_keychain {
                // The vault no longer refers to it; a failure leaves an unused entry.
                let _ = keychain.delete(&account);
            }
        }
        Ok(planned)
    }
}
