//! Protecting an MCP server: its plaintext keys move into the vault, under a profile
//! named after it, and its entry is rewritten to `latchkey run --profile NAME --
//! <original command>`; unprotecting puts the keys back. Only the entry changes: JSON
//! keeps every other byte (comments too), TOML goes through `toml_edit`.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroizing;

use super::entry::{Change, Entry};
use super::servers::Server;
use crate::vault::{GetError, NewValue, ProfileError, SetError};
use crate::{EnvironmentName, Kind, Profile, ProfileName, Store, VariableName, Vault};

/// The variable that points a protected entry at a vault outside the default place.
const HOME_VARIABLE: &str = crate::home::HOME_ENV;

/// The vault's directory as an absolute path: an agent starts a server from a
/// directory of its own.
pub(crate) fn vault_dir(vault: &Vault) -> PathBuf {
    std::path::absolute(vault.home().dir()).unwrap_or_else(|_| vault.home().dir().to_owned())
}

/// What protecting a server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protection {
    /// The profile it now runs with.
    pub profile: ProfileName,
    /// The environment its keys are in.
    pub env: EnvironmentName,
    /// The keys stored anew.
    pub moved: Vec<VariableName>,
    /// The keys the vault held already, with the same value.
    pub reused: Vec<VariableName>,
    /// Plaintext secrets left where they are (headers, arguments): `latchkey run` hands
    /// over environment variables only.
    pub left: Vec<String>,
}

/// Why a server could not be protected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtectError {
    /// It is a remote endpoint.
    #[error(
        "{0} is a remote server: `latchkey run` wraps local commands only; keep its header out of the file with the tool's own variable expansion"
    )]
    Remote(String),
    /// Nothing in its `env` block is a plaintext secret.
    #[error("{0} has no plaintext secret in its env block: nothing to protect")]
    Nothing(String),
    /// It runs through latchkey already.
    #[error("{0} runs through `latchkey run` already")]
    Already(String),
    /// Its name does not make a profile name.
    #[error("{server}'s name does not make a profile name ({source}): rename the server")]
    ProfileName {
        /// The server.
        server: String,
        /// Why.
        source: crate::NameError,
    },
    /// The vault holds another value under a key's name.
    #[error(
        "`{name}` in {env} holds another value than {server}'s: protect it into another environment with --env, or remove the old one"
    )]
    Conflict {
        /// The server.
        server: String,
        /// The variable.
        name: VariableName,
        /// The environment.
        env: EnvironmentName,
    },
    /// A profile by that name exists and is not this server's.
    #[error("a profile named {0} exists with other variables: rename it (`latchkey profile`) or the server")]
    ProfileExists(ProfileName),
    /// The config could not be read, parsed or rewritten.
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// The vault could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// A key could not be stored.
    #[error(transparent)]
    Set(#[from] SetError),
    /// The profile could not be saved.
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// Why a server could not be unprotected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnprotectError {
    /// It does not run through `latchkey run --profile NAME --`.
    #[error("{0} does not run through `latchkey run --profile NAME --`: nothing to restore")]
    NotProtected(String),
    /// It runs with another vault than the one open.
    #[error("{server} runs with the vault in {vault}: set LATCHKEY_HOME to it and run this again")]
    OtherVault {
        /// The server.
        server: String,
        /// Where its vault is.
        vault: String,
    },
    /// The config could not be read, parsed or rewritten.
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// The profile or a value could not be read.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A value could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
}

/// Why a config's entry could not be read or rewritten.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// The file could not be read or written.
    #[error("cannot rewrite {path}: {source}")]
    Io {
        /// The config.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It does not parse, or the entry is not where it was.
    #[error("{path}: {reason}")]
    Invalid {
        /// The config.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// It changed while it was rewritten.
    #[error(
        "{0} changed while latchkey rewrote it (the agent tool saved it): nothing was written; run it again"
    )]
    Changed(PathBuf),
}

impl Vault {
    /// Moves `server`'s plaintext `env` secrets into `env` (stored in `store`), saves a
    /// profile named after it with exactly those variables, and rewrites its entry to
    /// run `latchkey` (the program at `latchkey`) with that profile. Everything is
    /// checked before anything is written; the config is written last, atomically.
    pub fn protect_server(
        &self,
        server: &Server,
        env: &EnvironmentName,
        store: Store,
        latchkey: &Path,
        catalog: &crate::Catalog,
    ) -> Result<Protection, ProtectError> {
        let label = format!("{} ({})", server.name, server.tool);
        if !server.is_local() {
            return Err(ProtectError::Remote(label));
        }
        let file = ConfigFile::read(&server.config, &server.format)?;
        let entry = file.entry(server)?;
        if entry.runs_latchkey() {
            return Err(ProtectError::Already(label));
        }
        let keys: Vec<&str> = server.env_secrets().collect();
        if keys.is_empty() {
            return Err(ProtectError::Nothing(label));
        }
        let profile = ProfileName::new(&slug(&server.name))
            .map_err(|source| ProtectError::ProfileName { server: label.clone(), source })?;
        let mut vars = Vec::new();
        let (mut moved, mut reused) = (Vec::new(), Vec::new());
        let mut left: Vec<String> =
            server.secrets.iter().filter(|s| !s.starts_with("env.")).cloned().collect();
        let mut taken: Vec<(VariableName, SecretString)> = Vec::new();
        for key in &keys {
            // A name no environment variable can have stays where it is, said so.
            let Ok(name) = VariableName::new(key) else {
                left.push(format!("env.{key} (not a variable name)"));
                continue;
            };
            let Some(value) = entry.env_value(key) else { continue };
            match self.get(env, &name) {
                Ok(held) if held.expose_secret() == value.as_str() => reused.push(name.clone()),
                Ok(_) => return Err(ProtectError::Conflict { server: label, name, env: env.clone() }),
                Err(GetError::NotFound { .. }) => {
                    moved.push(name.clone());
                    taken.push((name.clone(), SecretString::from(value.as_str())));
                }
                Err(e) => return Err(e.into()),
            }
            vars.push(name);
        }
        if vars.is_empty() {
            return Err(ProtectError::Nothing(label));
        }
        let wanted = Profile {
            env: env.clone(),
            vars: vars.clone(),
            command: None,
            cwd: None,
            broker: None,
            sandbox: None,
            inherit: Vec::new(),
        };
        let existing = match self.profile(&profile) {
            Ok(found) if found == wanted => true,
            Ok(_) => return Err(ProtectError::ProfileExists(profile)),
            Err(ProfileError::Unknown(_)) => false,
            Err(e) => return Err(e.into()),
        };
        let mut args: Vec<Zeroizing<String>> = ["run", "--profile", profile.as_str(), "--"]
            .into_iter()
            .map(|a| Zeroizing::new(a.to_owned()))
            .collect();
        args.push(entry.command.clone());
        args.extend(entry.args.iter().cloned());
        let mut add_env = Vec::new();
        let dir = vault_dir(self);
        if crate::home::default_home_dir().as_deref() != Some(dir.as_path()) {
            add_env.push((HOME_VARIABLE.to_owned(), Zeroizing::new(dir.to_string_lossy().into_owned())));
        }
        let change = Change {
            command: Zeroizing::new(latchkey.to_string_lossy().into_owned()),
            args,
            remove_env: vars.iter().map(ToString::to_string).collect(),
            add_env,
        };
        let rewritten = file.rewritten(server, &change)?;
        for (name, value) in taken {
            let provider =
                crate::validate::key_provider(catalog, value.expose_secret()).map(|p| p.id.clone());
            let new = NewValue {
                kind: Kind::Secret,
                store,
                value,
                provider,
                notes: Some(format!("Moved from the MCP server {label}'s config.")),
                rotation: None,
                made: None,
            };
            self.set(env, &name, new)?;
        }
        if !existing {
            self.save_profile(&profile, wanted, false)?;
        }
        file.write(&rewritten)?;
        Ok(Protection { profile, env: env.clone(), moved, reused, left })
    }

    /// Restores a protected server's entry: its original command, and its profile's
    /// values back in its `env` block. The vault keeps the variables and the profile.
    pub fn unprotect_server(&self, server: &Server) -> Result<ProfileName, UnprotectError> {
        let label = format!("{} ({})", server.name, server.tool);
        let file = ConfigFile::read(&server.config, &server.format)?;
        let entry = file.entry(server)?;
        let Some((profile_name, original)) = entry.protected_profile() else {
            return Err(UnprotectError::NotProtected(label));
        };
        let profile_name =
            ProfileName::new(&profile_name).map_err(|_| UnprotectError::NotProtected(label.clone()))?;
        // The entry's keys come from the vault it runs with, and only from that one.
        let named = match entry.env_value(HOME_VARIABLE) {
            Some(dir) => Some(PathBuf::from(dir.as_str())),
            None => crate::home::default_home_dir(),
        };
        let dir = vault_dir(self);
        if named.as_deref() != Some(dir.as_path()) {
            let named = named.map_or_else(|| "the default place".to_owned(), |p| p.display().to_string());
            return Err(UnprotectError::OtherVault { server: label, vault: named });
        }
        let profile = self.profile(&profile_name)?;
        let mut add_env = Vec::new();
        for var in &profile.vars {
            let value = self.get(&profile.env, var)?;
            add_env.push((var.to_string(), Zeroizing::new(value.expose_secret().to_owned())));
        }
        let mut remove_env: Vec<String> = profile.vars.iter().map(ToString::to_string).collect();
        if entry.env_value(HOME_VARIABLE).is_some() {
            remove_env.push(HOME_VARIABLE.to_owned());
        }
        let (command, args) = original.split_first().expect("a protected entry names its command");
        let change = Change { command: command.clone(), args: args.to_vec(), remove_env, add_env };
        let rewritten = file.rewritten(server, &change)?;
        file.write(&rewritten)?;
        Ok(profile_name)
    }
}

/// A profile name made from a server's name: lowercase, other characters as `-`.
fn slug(name: &str) -> String {
    let lowered: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    lowered.trim_matches('-').to_owned()
}

/// A config, as read, to be rewritten only if nobody changed it meanwhile.
pub(super) struct ConfigFile {
    real: PathBuf,
    format: String,
    text: Zeroizing<String>,
    before: std::fs::Metadata,
}

impl ConfigFile {
    pub(super) fn read(path: &Path, format: &str) -> Result<Self, EntryError> {
        let io = |source| EntryError::Io { path: path.to_owned(), source };
        // A config linked from a dotfiles repository stays linked: its target is rewritten.
        let real = std::fs::canonicalize(path).map_err(io)?;
        let mut file = super::places::open_regular(&real).map_err(io)?;
        let before = file.metadata().map_err(io)?;
        let invalid = |reason: &str| EntryError::Invalid { path: real.clone(), reason: reason.to_owned() };
        let too_large = "over 16 MiB, too large to rewrite: edit it by hand";
        if before.len() > super::MAX_CONFIG {
            return Err(invalid(too_large));
        }
        #[cfg(unix)]
        if std::os::unix::fs::MetadataExt::nlink(&before) > 1 {
            // Replacing one name would leave the keys under the other.
            return Err(invalid(
                "has other hard links, which would keep the old text: make it a single file first",
            ));
        }
        let mut text = Zeroizing::new(String::new());
        std::io::Read::read_to_string(&mut std::io::Read::take(&mut file, super::MAX_CONFIG + 1), &mut text)
            .map_err(io)?;
        if text.len() as u64 > super::MAX_CONFIG {
            return Err(invalid(too_large));
        }
        Ok(Self { real, format: format.to_owned(), text, before })
    }

    fn invalid(&self, reason: impl Into<String>) -> EntryError {
        EntryError::Invalid { path: self.real.clone(), reason: reason.into() }
    }

    fn entry(&self, server: &Server) -> Result<Entry, EntryError> {
        Entry::read(&self.text, &self.format, &server.at).map_err(|reason| self.invalid(reason))
    }

    /// The new text, checked by reading the entry back.
    fn rewritten(&self, server: &Server, change: &Change) -> Result<Zeroizing<String>, EntryError> {
        let text = change.apply(&self.text, &self.format, &server.at).map_err(|r| self.invalid(r))?;
        let back = Entry::read(&text, &self.format, &server.at).map_err(|r| self.invalid(r))?;
        if !change.made(&back) {
            return Err(
                self.invalid("the rewritten entry did not read back as written; the file was left alone")
            );
        }
        Ok(text)
    }

    pub(super) fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn write(&self, text: &str) -> Result<(), EntryError> {
        let unchanged = || {
            std::fs::symlink_metadata(&self.real)
                .is_ok_and(|now| super::redact::same_file_unchanged(&self.before, &now))
        };
        match crate::atomic::replace_keeping(&self.real, text.as_bytes(), &self.before, &unchanged) {
            Ok(true) => Ok(()),
            Ok(false) => Err(EntryError::Changed(self.real.clone())),
            Err(source) => Err(EntryError::Io { path: self.real.clone(), source }),
        }
    }
}
