//! Agent profiles: a named agent, the environment it draws from, exactly the variables
//! it may receive, and optionally its command and working directory. How a command
//! typed by a person becomes argv, and a directory an absolute path, is decided here
//! once, for the CLI and the app alike.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::name::{EnvironmentName, VariableName};

/// What an agent is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The environment its variables come from.
    pub env: EnvironmentName,
    /// Exactly the variables it receives.
    pub vars: Vec<VariableName>,
    /// The command it runs, as argv, when none is given at launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// The directory it runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Whether its runs are brokered (it holds placeholders, never keys), and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::broker::Settings>,
    /// Whether its runs are sandboxed (which brokers them too), and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<crate::sandbox::Settings>,
    /// Variables of the launching shell it inherits although their names look sensitive
    /// (`GOOGLE_APPLICATION_CREDENTIALS`, a path): `run --inherit NAME`, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherit: Vec<VariableName>,
}

/// Why a profile's command could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// Its quotes do not match.
    #[error("the command's quotes do not match: check them")]
    Quotes,
    /// It is empty.
    #[error("the command is empty: give the program and its arguments")]
    Empty,
}

impl Profile {
    /// A profile of `env` and `vars`, with `command` typed as in a shell (`python
    /// agent.py --fast`) and `cwd` made absolute against the current directory.
    pub fn new(
        env: EnvironmentName,
        vars: Vec<VariableName>,
        command: Option<&str>,
        cwd: Option<&std::path::Path>,
    ) -> Result<Self, CommandError> {
        Ok(Profile {
            env,
            vars,
            command: command.map(parse_command).transpose()?,
            cwd: cwd.map(absolute_dir),
            broker: None,
            sandbox: None,
            inherit: Vec::new(),
        })
    }
}

/// A command typed as in a shell, as argv: quotes group words, nothing is expanded.
pub fn parse_command(text: &str) -> Result<Vec<String>, CommandError> {
    let argv = shell_words::split(text).map_err(|_| CommandError::Quotes)?;
    if argv.is_empty() {
        return Err(CommandError::Empty);
    }
    Ok(argv)
}

/// A command's argv as a person would type it.
pub fn join_command(argv: &[String]) -> String {
    shell_words::join(argv)
}

/// `dir` made absolute against the current directory (a profile runs from anywhere).
pub fn absolute_dir(dir: &std::path::Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_split_as_a_shell_would_and_nothing_else() {
        assert_eq!(parse_command("sh -c 'echo $HOME; ls'").unwrap(), ["sh", "-c", "echo $HOME; ls"]);
        assert_eq!(parse_command("  "), Err(CommandError::Empty));
        assert_eq!(parse_command("sh -c 'open"), Err(CommandError::Quotes));
        let p =
            Profile::new(EnvironmentName::default_name(), vec![], None, Some(std::path::Path::new("agent")))
                .unwrap();
        assert!(p.cwd.unwrap().is_absolute());
    }
}
