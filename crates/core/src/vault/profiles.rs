//! Agent profiles of an unlocked vault.

use super::{GetError, SaveError, Vault};
use crate::document::EnvironmentError;
use crate::name::{ProfileName, VariableName};
use crate::profile::Profile;

/// Why a profile could not be saved or removed. When this is returned, the vault is
/// unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// There is no profile of that name.
    #[error("no profile named `{0}`: `latchkey profile list` shows them")]
    Unknown(ProfileName),
    /// A profile of that name exists already.
    #[error("profile `{0}` already exists: change it with `latchkey profile edit {0}`")]
    Exists(ProfileName),
    /// The profile's environment does not exist.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    /// Variables the profile names that its environment does not have.
    #[error("`{env}` has no {names}: add them first, or leave them out of the profile")]
    MissingVariables {
        /// The environment.
        env: String,
        /// The names, comma-separated.
        names: String,
    },
    /// The vault could not be read.
    #[error(transparent)]
    Get(#[from] GetError),
    /// The vault could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

impl Vault {
    /// Every profile, by name.
    pub fn profiles(&self) -> Result<Vec<(ProfileName, Profile)>, GetError> {
        Ok(self.read()?.profiles().iter().map(|(n, p)| (n.clone(), p.clone())).collect())
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &ProfileName) -> Result<Profile, ProfileError> {
        self.read()
            .map_err(GetError::from)?
            .profiles()
            .get(name)
            .cloned()
            .ok_or_else(|| ProfileError::Unknown(name.clone()))
    }

    /// Creates (`replace` false) or replaces (`replace` true) a profile. Its environment
    /// must exist and see every variable it names.
    pub fn save_profile(
        &self,
        name: &ProfileName,
        profile: Profile,
        replace: bool,
    ) -> Result<(), ProfileError> {
        self.update(|doc| {
            let exists = doc.profiles().contains_key(name);
            if exists && !replace {
                return Err(ProfileError::Exists(name.clone()));
            }
            if !exists && replace {
                return Err(ProfileError::Unknown(name.clone()));
            }
            let seen = doc.resolve(&profile.env)?;
            let missing: Vec<String> = profile
                .vars
                .iter()
                .filter(|v| !seen.iter().any(|r| &&r.variable.name == v))
                .map(|v: &VariableName| format!("`{v}`"))
                .collect();
            if !missing.is_empty() {
                return Err(ProfileError::MissingVariables {
                    env: profile.env.to_string(),
                    names: missing.join(", "),
                });
            }
            doc.profiles_mut().insert(name.clone(), profile);
            Ok(())
        })
    }

    /// Removes a profile.
    pub fn remove_profile(&self, name: &ProfileName) -> Result<(), ProfileError> {
        self.update(|doc| {
            doc.profiles_mut().remove(name).map(drop).ok_or_else(|| ProfileError::Unknown(name.clone()))
        })
    }
}
