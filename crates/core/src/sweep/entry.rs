//! One MCP server's entry in an agent tool's config, read and rewritten in place: JSON
//! through byte spans (every byte outside the entry's `command`, `args` and `env`
//! kept), TOML through `toml_edit` (which keeps the document's layout and comments).

use zeroize::Zeroizing;

use super::jsonc::{self, Edit, Node, Span, Step};

/// What a server's entry runs.
pub(crate) struct Entry {
    /// Its program.
    pub command: Zeroizing<String>,
    /// Its arguments.
    pub args: Vec<Zeroizing<String>>,
    /// Its `env` block's string values, by name.
    env: Vec<(String, Zeroizing<String>)>,
}

/// A new `command` and `args`, and names taken out of and put into `env`.
pub(crate) struct Change {
    /// The program.
    pub command: Zeroizing<String>,
    /// The arguments; an empty list removes the member.
    pub args: Vec<Zeroizing<String>>,
    /// Names removed from `env`.
    pub remove_env: Vec<String>,
    /// Names and values added to `env`, after the removals.
    pub add_env: Vec<(String, Zeroizing<String>)>,
}

impl Entry {
    /// The entry at `at` in `text`.
    pub fn read(text: &str, format: &str, at: &[Step]) -> Result<Self, String> {
        match format {
            "json" => read_json(text, at),
            "toml" => read_toml(text, at),
            other => Err(format!("{other} configs cannot be rewritten yet")),
        }
    }

    /// The string value of `name` in its `env` block.
    pub fn env_value(&self, name: &str) -> Option<&Zeroizing<String>> {
        self.env.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether it runs `latchkey run` already, with a profile or not.
    pub fn runs_latchkey(&self) -> bool {
        runs_latchkey(&self.command, self.args.first().map(|a| a.as_str()))
    }

    /// For an entry that runs `latchkey run --profile NAME -- COMMAND...`: the profile,
    /// and the original command and arguments.
    pub fn protected_profile(&self) -> Option<(String, Vec<Zeroizing<String>>)> {
        if !self.runs_latchkey() {
            return None;
        }
        let (profile, rest) = match self.args.get(1).map(|a| a.as_str()) {
            Some("--profile") => (self.args.get(2)?.to_string(), &self.args[3..]),
            Some(flag) => (flag.strip_prefix("--profile=")?.to_owned(), &self.args[2..]),
            None => return None,
        };
        let (dashes, original) = rest.split_first()?;
        (dashes.as_str() == "--" && !original.is_empty()).then(|| (profile, original.to_vec()))
    }
}

/// Whether a server's `command` and first argument are `latchkey run`: the one rule for
/// a server that runs through latchkey, listed or rewritten.
pub(crate) fn runs_latchkey(command: &str, first: Option<&str>) -> bool {
    std::path::Path::new(command).file_name().is_some_and(|p| p == "latchkey") && first == Some("run")
}

impl Change {
    /// `text` with the change made to the entry at `at`.
    pub fn apply(&self, text: &str, format: &str, at: &[Step]) -> Result<Zeroizing<String>, String> {
        match format {
            "json" => self.apply_json(text, at),
            "toml" => self.apply_toml(text, at),
            other => Err(format!("{other} configs cannot be rewritten yet")),
        }
    }

    /// Whether `entry` is what this change makes.
    pub fn made(&self, entry: &Entry) -> bool {
        entry.command == self.command
            && entry.args == self.args
            && self
                .remove_env
                .iter()
                .filter(|k| !self.add_env.iter().any(|(a, _)| a == *k))
                .all(|k| entry.env_value(k).is_none())
            && self.add_env.iter().all(|(k, v)| entry.env_value(k) == Some(v))
    }

    fn apply_json(&self, text: &str, at: &[Step]) -> Result<Zeroizing<String>, String> {
        let root = jsonc::parse(text).ok_or("not valid JSON")?;
        let server = root.at(at).ok_or("the server's entry is gone")?;
        let Node::Object(members) = &server.node else {
            return Err("the server's entry is not an object".into());
        };
        let mut edits = Vec::new();
        let command = server.member("command").ok_or("the server has no command")?;
        edits.push(Edit { range: command.value.range.clone(), text: jsonc::quoted(&self.command) });
        let args: Vec<Zeroizing<String>> = self.args.iter().map(|a| jsonc::quoted(a)).collect();
        match members.iter().rposition(|m| m.key == "args") {
            Some(i) if args.is_empty() => {
                edits.push(Edit { range: removal(members, i), text: Zeroizing::default() })
            }
            Some(i) => {
                let span = &members[i].value;
                let look = jsonc::layout(text, span);
                edits
                    .push(Edit { range: span.range.clone(), text: jsonc::render('[', &args, look.as_ref()) });
            }
            None if args.is_empty() => {}
            None => edits.push(insertion(text, server, "args", jsonc::render('[', &args, None))),
        }
        let mut env: Vec<Zeroizing<String>> = Vec::new();
        let old_env = server.member("env");
        if let Some(Node::Object(old)) = old_env.map(|m| &m.value.node) {
            for m in old.iter().filter(|m| !self.remove_env.contains(&m.key) && !self.adds(&m.key)) {
                env.push(Zeroizing::new(text[m.start..m.value.range.end].to_owned()));
            }
        }
        for (key, value) in &self.add_env {
            let mut member = jsonc::quoted(key);
            member.push_str(": ");
            member.push_str(&jsonc::quoted(value));
            env.push(member);
        }
        match old_env {
            Some(m) => {
                let look = jsonc::layout(text, &m.value);
                edits.push(Edit {
                    range: m.value.range.clone(),
                    text: jsonc::render('{', &env, look.as_ref()),
                });
            }
            None if env.is_empty() => {}
            None => edits.push(insertion(text, server, "env", jsonc::render('{', &env, None))),
        }
        Ok(jsonc::apply(text, edits))
    }

    fn adds(&self, key: &str) -> bool {
        self.add_env.iter().any(|(k, _)| k == key)
    }

    fn apply_toml(&self, text: &str, at: &[Step]) -> Result<Zeroizing<String>, String> {
        use toml_edit::{Array, InlineTable, Item, Value};
        let mut doc: toml_edit::DocumentMut = text.parse().map_err(|_| "not valid TOML")?;
        let mut item = doc.as_item_mut();
        for step in at {
            item = match step {
                Step::Key(key) => item.get_mut(key.as_str()),
                Step::Index(i) => item.get_mut(*i),
            }
            .ok_or("the server's entry is gone")?;
        }
        let table = item.as_table_like_mut().ok_or("the server's entry is not a table")?;
        table.insert("command", Item::Value(Value::from(self.command.as_str())));
        if self.args.is_empty() {
            table.remove("args");
        } else {
            let args: Array = self.args.iter().map(|a| a.as_str()).collect();
            table.insert("args", Item::Value(Value::Array(args)));
        }
        // toml_edit keeps its values in plain strings: the new text is zeroized, its
        // working copies are not.
        match table.get_mut("env").and_then(Item::as_table_like_mut) {
            Some(env) => {
                for key in &self.remove_env {
                    env.remove(key);
                }
                for (key, value) in &self.add_env {
                    env.insert(key, Item::Value(Value::from(value.as_str())));
                }
            }
            None if self.add_env.is_empty() => {}
            None => {
                let env: InlineTable =
                    self.add_env.iter().map(|(k, v)| (k.as_str(), Value::from(v.as_str()))).collect();
                table.insert("env", Item::Value(Value::InlineTable(env)));
            }
        }
        Ok(Zeroizing::new(doc.to_string()))
    }
}

/// The range that removes member `i`, with the comma that separates it.
fn removal(members: &[jsonc::Member], i: usize) -> std::ops::Range<usize> {
    let member = &members[i];
    match (i.checked_sub(1), members.get(i + 1)) {
        (Some(before), _) => members[before].value.range.end..member.value.range.end,
        (None, Some(next)) => member.start..next.start,
        (None, None) => member.start..member.value.range.end,
    }
}

/// An edit that adds `"key": value` as the object's last member.
pub(super) fn insertion(text: &str, object: &Span, key: &str, value: Zeroizing<String>) -> Edit {
    let Node::Object(members) = &object.node else { unreachable!("an object") };
    let mut out = Zeroizing::new(String::new());
    let at = match members.last() {
        Some(last) => {
            out.push(',');
            match jsonc::indent_before(text, last.start).filter(|_| jsonc::layout(text, object).is_some()) {
                Some(indent) => {
                    out.push('\n');
                    out.push_str(&indent);
                }
                None => out.push(' '),
            }
            last.value.range.end
        }
        None => object.range.start + 1,
    };
    out.push_str(&jsonc::quoted(key));
    out.push_str(": ");
    out.push_str(&value);
    Edit { range: at..at, text: out }
}

fn read_json(text: &str, at: &[Step]) -> Result<Entry, String> {
    let root = jsonc::parse(text).ok_or("not valid JSON")?;
    let server = root.at(at).ok_or("the server's entry is gone")?;
    // With a key twice, one copy would be rewritten and the other kept: refused.
    let mut on_the_way = vec![&root];
    for i in 1..at.len() {
        on_the_way.extend(root.at(&at[..i]));
    }
    on_the_way.push(server);
    on_the_way.extend(server.member("env").map(|m| &m.value));
    if let Some(key) = on_the_way.iter().find_map(|s| s.duplicate_key()) {
        return Err(format!("it names `{key}` twice in one object: remove one, then run this again"));
    }
    let string = |span: &Span, what: &str| span.string(text).ok_or(format!("its {what} is not a string"));
    let command = string(&server.member("command").ok_or("the server has no command")?.value, "command")?;
    let args = match server.member("args").map(|m| &m.value.node) {
        Some(Node::Array(items)) => items.iter().map(|i| string(i, "argument")).collect::<Result<_, _>>()?,
        Some(_) => return Err("its args are not a list".into()),
        None => Vec::new(),
    };
    let env = match server.member("env").map(|m| &m.value.node) {
        Some(Node::Object(members)) => {
            members.iter().filter_map(|m| Some((m.key.clone(), m.value.string(text)?))).collect()
        }
        _ => Vec::new(),
    };
    Ok(Entry { command, args, env })
}

fn read_toml(text: &str, at: &[Step]) -> Result<Entry, String> {
    let doc: toml_edit::DocumentMut = text.parse().map_err(|_| "not valid TOML")?;
    let mut item = doc.as_item();
    for step in at {
        item = match step {
            Step::Key(key) => item.get(key.as_str()),
            Step::Index(i) => item.get(*i),
        }
        .ok_or("the server's entry is gone")?;
    }
    let table = item.as_table_like().ok_or("the server's entry is not a table")?;
    let text_of = |item: &toml_edit::Item| item.as_str().map(|s| Zeroizing::new(s.to_owned()));
    let command = table.get("command").and_then(text_of).ok_or("the server has no command")?;
    let args = match table.get("args") {
        Some(item) => item
            .as_array()
            .ok_or("its args are not a list")?
            .iter()
            .map(|v| v.as_str().map(|s| Zeroizing::new(s.to_owned())).ok_or("an argument is not a string"))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let env = match table.get("env").and_then(toml_edit::Item::as_table_like) {
        Some(env) => env.iter().filter_map(|(k, v)| Some((k.to_owned(), text_of(v)?))).collect(),
        None => Vec::new(),
    };
    Ok(Entry { command, args, env })
}
