//! Environments of a document: adding, extending, renaming and removing them, and
//! resolving a variable to its nearest definition along the `extends` chain.

use std::collections::BTreeSet;

use super::{Document, EnvironmentError};
use crate::environment::Environment;
use crate::name::{EnvironmentName, VariableName};
use crate::variable::Variable;

/// A variable as an environment sees it: its nearest definition, and where that is.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    /// The definition.
    pub variable: &'a Variable,
    /// The environment that defines it: the one asked for, or one it extends.
    pub from: &'a EnvironmentName,
}

impl Document {
    /// Adds an empty environment, extending `base` when given.
    pub fn add_environment(
        &mut self,
        name: EnvironmentName,
        base: Option<EnvironmentName>,
    ) -> Result<(), EnvironmentError> {
        if name.as_str() == "all" {
            return Err(EnvironmentError::Reserved);
        }
        if self.environments.contains_key(&name) {
            return Err(EnvironmentError::Exists(name));
        }
        if let Some(base) = &base {
            self.environment(base)?;
        }
        self.environments.insert(name, Environment::extending(base));
        Ok(())
    }

    /// Removes an environment and returns it, with its variables. Refused for `default`
    /// and for an environment that others extend.
    pub fn remove_environment(&mut self, name: &EnvironmentName) -> Result<Environment, EnvironmentError> {
        if name.is_default() {
            return Err(EnvironmentError::RemoveDefault);
        }
        self.environment(name)?;
        let by = self.extended_by(name);
        if !by.is_empty() {
            return Err(EnvironmentError::Extended { name: name.clone(), by: by.join(", ") });
        }
        self.environments.remove(name).ok_or_else(|| EnvironmentError::Unknown(name.clone()))
    }

    /// Renames an environment; the environments that extend it, the profiles that draw
    /// from it and the records of its exports follow.
    pub fn rename_environment(
        &mut self,
        old: &EnvironmentName,
        new: EnvironmentName,
    ) -> Result<(), EnvironmentError> {
        if old.is_default() {
            return Err(EnvironmentError::RenameDefault);
        }
        if new.as_str() == "all" {
            return Err(EnvironmentError::Reserved);
        }
        if self.environments.contains_key(&new) {
            return Err(EnvironmentError::Exists(new));
        }
        let env = self.environments.remove(old).ok_or_else(|| EnvironmentError::Unknown(old.clone()))?;
        self.environments.insert(new.clone(), env);
        for env in self.environments.values_mut() {
            if env.extends() == Some(old) {
                env.set_extends(Some(new.clone()));
            }
        }
        // Profiles and export records follow, so none points at a name that is gone.
        for profile in self.profiles.values_mut().filter(|p| p.env == *old) {
            profile.env = new.clone();
        }
        for record in self.exports.iter_mut().filter(|r| r.env == *old) {
            record.env = new.clone();
        }
        Ok(())
    }

    /// The names of the environments that extend `name` directly.
    pub fn extended_by(&self, name: &EnvironmentName) -> Vec<String> {
        self.environments
            .iter()
            .filter(|(_, env)| env.extends() == Some(name))
            .map(|(n, _)| format!("`{n}`"))
            .collect()
    }

    /// `name` and the environments it extends, nearest first.
    pub fn chain(&self, name: &EnvironmentName) -> Result<Vec<&EnvironmentName>, EnvironmentError> {
        let mut chain = Vec::new();
        let mut seen = BTreeSet::new();
        let mut next = Some(name);
        while let Some(current) = next {
            // A hand-edited vault could hold a cycle: stop where it closes.
            if !seen.insert(current) {
                break;
            }
            let (key, env) = self
                .environments
                .get_key_value(current)
                .ok_or_else(|| EnvironmentError::Unknown(current.clone()))?;
            chain.push(key);
            next = env.extends();
        }
        Ok(chain)
    }

    /// Every variable `name` sees, in name order: its own, then those it inherits that it
    /// does not define itself.
    pub fn resolve(&self, name: &EnvironmentName) -> Result<Vec<Resolved<'_>>, EnvironmentError> {
        let mut seen = BTreeSet::new();
        let mut resolved = Vec::new();
        for env_name in self.chain(name)? {
            for variable in self.environments[env_name].variables() {
                if seen.insert(&variable.name) {
                    resolved.push(Resolved { variable, from: env_name });
                }
            }
        }
        resolved.sort_by(|a, b| a.variable.name.cmp(&b.variable.name));
        Ok(resolved)
    }

    /// The nearest definition of `variable` that `name` sees.
    pub fn lookup(
        &self,
        name: &EnvironmentName,
        variable: &VariableName,
    ) -> Result<Option<Resolved<'_>>, EnvironmentError> {
        for env_name in self.chain(name)? {
            if let Some(found) = self.environments[env_name].get(variable) {
                return Ok(Some(Resolved { variable: found, from: env_name }));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::variable::{Kind, Metadata, Value};

    fn env(name: &str) -> EnvironmentName {
        EnvironmentName::new(name).unwrap()
    }

    fn put(doc: &mut Document, in_env: &str, name: &str, value: &str) {
        doc.environment_mut(&env(in_env)).unwrap().insert(Variable {
            name: VariableName::new(name).unwrap(),
            kind: Kind::Config,
            value: Value::InVault(value.into()),
            meta: Metadata::new(OffsetDateTime::UNIX_EPOCH),
        });
    }

    #[test]
    fn a_variable_resolves_to_its_nearest_definition() {
        let mut doc = Document::new("x".into());
        doc.add_environment(env("staging"), Some(env("default"))).unwrap();
        doc.add_environment(env("prod"), Some(env("staging"))).unwrap();
        put(&mut doc, "default", "LOG_LEVEL", "debug");
        put(&mut doc, "default", "MODEL", "small");
        put(&mut doc, "staging", "MODEL", "medium");
        put(&mut doc, "prod", "LOG_LEVEL", "warn");
        let seen: Vec<(String, String)> = doc
            .resolve(&env("prod"))
            .unwrap()
            .iter()
            .map(|r| (r.variable.name.to_string(), r.from.to_string()))
            .collect();
        assert_eq!(seen, [("LOG_LEVEL".into(), "prod".into()), ("MODEL".into(), "staging".into())]);
        assert_eq!(
            doc.lookup(&env("prod"), &VariableName::new("MODEL").unwrap()).unwrap().unwrap().from.as_str(),
            "staging"
        );
    }

    #[test]
    fn extended_environments_cannot_be_removed_and_renames_carry_over() {
        let mut doc = Document::new("x".into());
        doc.add_environment(env("base"), None).unwrap();
        doc.add_environment(env("prod"), Some(env("base"))).unwrap();
        let err = doc.remove_environment(&env("base")).unwrap_err();
        assert!(err.to_string().contains("extended by `prod`"), "{err}");
        doc.rename_environment(&env("base"), env("shared")).unwrap();
        assert_eq!(doc.environment(&env("prod")).unwrap().extends(), Some(&env("shared")));
        assert!(matches!(
            doc.add_environment(env("x"), Some(env("nope"))),
            Err(EnvironmentError::Unknown(_))
        ));
        assert_eq!(
            doc.rename_environment(&EnvironmentName::default_name(), env("main")),
            Err(EnvironmentError::RenameDefault)
        );
        doc.remove_environment(&env("prod")).unwrap();
        doc.remove_environment(&env("shared")).unwrap();
    }

    #[test]
    fn extends_survives_encoding() {
        let mut doc = Document::new("x".into());
        doc.add_environment(env("prod"), Some(env("default"))).unwrap();
        let back = Document::decode(&doc.encode()).unwrap();
        assert_eq!(back.environment(&env("prod")).unwrap().extends(), Some(&EnvironmentName::default_name()));
        let broken =
            "format = 1\nid = \"x\"\n[environments.default]\n[environments.prod]\nextends = \"gone\"\n";
        assert!(Document::decode(broken).unwrap_err().to_string().contains("extends `gone`"));
    }
}
