//! Environments: named sets of variables (`default`, `dev`, `prod`). An environment may
//! extend another: its variables then resolve to their nearest definition, its own first.

use std::collections::BTreeMap;

use crate::name::{EnvironmentName, VariableName};
use crate::variable::Variable;

/// The variables of one environment, by name, and the environment it extends.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    variables: BTreeMap<VariableName, Variable>,
    extends: Option<EnvironmentName>,
}

impl Environment {
    /// An environment with no variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty environment that extends `base`.
    pub fn extending(base: Option<EnvironmentName>) -> Self {
        Self { variables: BTreeMap::new(), extends: base }
    }

    /// The environment this one extends, if any.
    pub fn extends(&self) -> Option<&EnvironmentName> {
        self.extends.as_ref()
    }

    pub(crate) fn set_extends(&mut self, base: Option<EnvironmentName>) {
        self.extends = base;
    }

    /// The variable called `name`, if there is one.
    pub fn get(&self, name: &VariableName) -> Option<&Variable> {
        self.variables.get(name)
    }

    /// All variables, in name order.
    pub fn variables(&self) -> impl ExactSizeIterator<Item = &Variable> {
        self.variables.values()
    }

    /// How many variables there are.
    pub fn len(&self) -> usize {
        self.variables.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
    }

    /// Stores `variable`, replacing and returning any variable of the same name.
    pub fn insert(&mut self, variable: Variable) -> Option<Variable> {
        self.variables.insert(variable.name.clone(), variable)
    }

    /// Removes and returns the variable called `name`.
    pub fn remove(&mut self, name: &VariableName) -> Option<Variable> {
        self.variables.remove(name)
    }
}
