//! Environments of an unlocked vault: adding, extending, renaming, removing, resolving
//! their values and comparing two of them.

use secrecy::{ExposeSecret, SecretString};

use super::variables::delete_keychain_values;
use super::{EnvironmentChangeError, GetError, Removed, Vault};
use crate::name::{EnvironmentName, VariableName};
use crate::variable::Kind;

/// A variable's value as an environment sees it.
#[derive(Debug)]
pub struct ResolvedValue {
    /// Its name.
    pub name: VariableName,
    /// Secret or config.
    pub kind: Kind,
    /// Its value.
    pub value: SecretString,
    /// The environment that defines it.
    pub from: EnvironmentName,
}

/// How two environments differ, by name only: never by value.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Difference {
    /// Names only the first environment has.
    pub only_first: Vec<VariableName>,
    /// Names only the second environment has.
    pub only_second: Vec<VariableName>,
    /// Names both have, with different values (or kinds).
    pub differ: Vec<VariableName>,
    /// Names both have with the same value.
    pub same: Vec<VariableName>,
}

impl Vault {
    /// Adds an empty environment, extending `base` when given.
    pub fn add_environment(
        &self,
        name: EnvironmentName,
        base: Option<EnvironmentName>,
    ) -> Result<(), EnvironmentChangeError> {
        self.update(|doc| Ok(doc.add_environment(name, base)?))
    }

    /// Renames an environment; environments that extend it follow.
    pub fn rename_environment(
        &self,
        old: &EnvironmentName,
        new: EnvironmentName,
    ) -> Result<(), EnvironmentChangeError> {
        self.update(|doc| Ok(doc.rename_environment(old, new)?))
    }

    /// Removes an environment with all its variables, and their keychain entries.
    /// Refused while other environments extend it.
    pub fn remove_environment(&self, name: &EnvironmentName) -> Result<Removed, EnvironmentChangeError> {
        let removed = self.update(|doc| Ok::<_, EnvironmentChangeError>(doc.remove_environment(name)?))?;
        Ok(delete_keychain_values(removed.variables()))
    }

    /// The values `env` sees (its own and inherited ones), in name order; only `names`
    /// when given, each of which must exist.
    pub fn values(
        &self,
        env: &EnvironmentName,
        names: Option<&[VariableName]>,
    ) -> Result<Vec<ResolvedValue>, GetError> {
        let doc = self.read()?;
        let resolved = doc.resolve(env)?;
        if let Some(names) = names
            && let Some(missing) = names.iter().find(|n| !resolved.iter().any(|r| &r.variable.name == *n))
        {
            return Err(GetError::NotFound { name: missing.clone(), env: env.clone() });
        }
        let mut reader = super::ValueReader::default();
        let mut values = Vec::new();
        for r in resolved.into_iter().filter(|r| names.is_none_or(|n| n.contains(&r.variable.name))) {
            let value = reader.read(&r.variable.value)?;
            values.push(ResolvedValue {
                name: r.variable.name.clone(),
                kind: r.variable.kind,
                value,
                from: r.from.clone(),
            });
        }
        Ok(values)
    }

    /// How `first` and `second` differ, comparing the values each sees.
    pub fn diff(&self, first: &EnvironmentName, second: &EnvironmentName) -> Result<Difference, GetError> {
        let a = self.values(first, None)?;
        let b = self.values(second, None)?;
        let mut difference = Difference::default();
        for x in &a {
            match b.iter().find(|y| y.name == x.name) {
                None => difference.only_first.push(x.name.clone()),
                Some(y) if y.kind != x.kind || y.value.expose_secret() != x.value.expose_secret() => {
                    difference.differ.push(x.name.clone());
                }
                Some(_) => difference.same.push(x.name.clone()),
            }
        }
        difference.only_second =
            b.iter().filter(|y| !a.iter().any(|x| x.name == y.name)).map(|y| y.name.clone()).collect();
        Ok(difference)
    }
}
