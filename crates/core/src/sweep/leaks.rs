//! The record of current values a sweep found outside the vault: a secret stays
//! `leaked` while its value is the one found, so until it is rotated (and again after a
//! rollback to that value). Which value was found is kept as an HMAC under the vault's
//! own key, which only the vault holds: the record names places, never a value.

use std::path::PathBuf;

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;

use super::{Finding, Status};
use crate::Vault;
use crate::name::{EnvironmentName, VariableName};

/// The file, in the data directory, that records leaks.
pub const LEAKS_FILE: &str = "leaks.toml";

/// How many places a leak keeps.
const MOST_PLACES: usize = 20;

/// A secret whose current value was found outside the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leak {
    /// The variable.
    pub variable: VariableName,
    /// Its environment.
    pub environment: EnvironmentName,
    /// Where it was found (the first few places), as output shows them.
    pub places: Vec<String>,
    /// When it was last found.
    #[serde(with = "time::serde::rfc3339")]
    pub found: OffsetDateTime,
    /// The value found, as an HMAC under the vault's key.
    #[serde(skip)]
    value_mac: String,
}

/// A leak as the file keeps it, with the HMAC of its value.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    variable: VariableName,
    environment: EnvironmentName,
    places: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    found: OffsetDateTime,
    value: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct LeaksFile {
    #[serde(default)]
    leak: Vec<Stored>,
}

/// Why the record of leaks could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeakError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not what latchkey writes.
    #[error("{path} is damaged ({reason}): move it aside; the next sweep writes it again")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The vault could not be read.
    #[error(transparent)]
    Open(#[from] crate::OpenError),
    /// The vault's key could not be made.
    #[error(transparent)]
    Save(#[from] crate::SaveError),
    /// A keychain-stored value could not be read.
    #[error(transparent)]
    Keychain(#[from] crate::KeychainError),
}

impl Vault {
    fn leaks_path(&self) -> PathBuf {
        self.home().dir().join(LEAKS_FILE)
    }

    fn read_leaks(&self) -> Result<Vec<Leak>, LeakError> {
        let path = self.leaks_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<LeaksFile>(&text)
                .map(|f| {
                    f.leak
                        .into_iter()
                        .map(|s| Leak {
                            variable: s.variable,
                            environment: s.environment,
                            places: s.places,
                            found: s.found,
                            value_mac: s.value,
                        })
                        .collect()
                })
                .map_err(|e| LeakError::Invalid { path, reason: e.message().to_owned() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(LeakError::Io { path, source }),
        }
    }

    /// The HMAC of each variable's current value under the vault's key; `None` for a
    /// variable that is gone.
    fn value_macs(
        &self,
        wanted: &[(VariableName, EnvironmentName)],
    ) -> Result<Vec<Option<String>>, LeakError> {
        let key = self.own_key()?;
        let doc = self.read()?;
        let mut reader = crate::vault::ValueReader::default();
        wanted
            .iter()
            .map(|(name, env)| {
                let Some(variable) = doc.environment(env).ok().and_then(|e| e.get(name)) else {
                    return Ok(None);
                };
                let value = reader.read(&variable.value)?;
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
                for part in [
                    b"latchkey leak\0".as_slice(),
                    env.as_str().as_bytes(),
                    b"\0",
                    name.as_str().as_bytes(),
                    b"\0",
                ] {
                    mac.update(part);
                }
                mac.update(value.expose_secret().as_bytes());
                Ok(Some(crate::encoding::hex(&mac.finalize().into_bytes()[..16])))
            })
            .collect()
    }

    /// Records the current values among `findings` as leaked, found at `now`, each with
    /// the places of this sweep. Returns how many secrets were found leaked.
    pub fn record_leaks(&self, findings: &[Finding], now: OffsetDateTime) -> Result<usize, LeakError> {
        let mut found: Vec<(VariableName, EnvironmentName, Vec<String>)> = Vec::new();
        for finding in findings.iter().filter(|f| f.status == Status::Current) {
            let (Some(variable), Some(environment)) = (&finding.variable, &finding.environment) else {
                continue;
            };
            let place = finding.place.to_string();
            // Every variable that holds the value now: the same key in dev and prod is
            // leaked in both.
            let others = finding.also.iter().filter(|h| h.status == Status::Current);
            for (variable, environment) in
                std::iter::once((variable, environment)).chain(others.map(|h| (&h.variable, &h.environment)))
            {
                match found.iter_mut().find(|(v, e, _)| v == variable && e == environment) {
                    Some((_, _, places)) if places.len() < MOST_PLACES && !places.contains(&place) => {
                        places.push(place.clone())
                    }
                    Some(_) => {}
                    None => found.push((variable.clone(), environment.clone(), vec![place.clone()])),
                }
            }
        }
        // One sweep at a time changes the record: two at once would each drop the other's.
        let _lock = self.lock_leaks()?;
        // A damaged record is written anew from what is still known.
        let mut leaks = match self.leaks() {
            Err(LeakError::Invalid { .. }) => Vec::new(),
            other => other?,
        };
        if found.is_empty() && leaks.is_empty() {
            return Ok(0);
        }
        let wanted: Vec<_> = found.iter().map(|(v, e, _)| (v.clone(), e.clone())).collect();
        let macs = self.value_macs(&wanted)?;
        for ((variable, environment, places), mac) in found.iter().zip(macs) {
            let Some(value_mac) = mac else { continue };
            leaks.retain(|l| !(&l.variable == variable && &l.environment == environment));
            leaks.push(Leak {
                variable: variable.clone(),
                environment: environment.clone(),
                places: places.clone(),
                found: now,
                value_mac,
            });
        }
        let file = LeaksFile {
            leak: leaks
                .into_iter()
                .map(|l| Stored {
                    variable: l.variable,
                    environment: l.environment,
                    places: l.places,
                    found: l.found,
                    value: l.value_mac,
                })
                .collect(),
        };
        let text = toml::to_string(&file).expect("leaks encode as TOML");
        let path = self.leaks_path();
        crate::atomic::write_atomic(&path, text.as_bytes())
            .map_err(|source| LeakError::Io { path, source })?;
        Ok(found.len())
    }

    /// Holds the record's lock file until dropped.
    fn lock_leaks(&self) -> Result<std::fs::File, LeakError> {
        let path = self.home().dir().join("leaks.lock");
        let io = |source| LeakError::Io { path: path.clone(), source };
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(io)?;
        file.lock().map_err(io)?;
        Ok(file)
    }

    /// The secrets whose current value is one a sweep found outside the vault.
    pub fn leaks(&self) -> Result<Vec<Leak>, LeakError> {
        let recorded = self.read_leaks()?;
        if recorded.is_empty() {
            return Ok(recorded);
        }
        let wanted: Vec<_> = recorded.iter().map(|l| (l.variable.clone(), l.environment.clone())).collect();
        let macs = self.value_macs(&wanted)?;
        Ok(recorded
            .into_iter()
            .zip(macs)
            .filter(|(l, mac)| mac.as_deref() == Some(l.value_mac.as_str()))
            .map(|(l, _)| l)
            .collect())
    }
}
