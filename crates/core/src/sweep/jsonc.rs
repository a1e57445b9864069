//! A JSON document (comments and trailing commas allowed) as a tree of byte spans, so
//! that one entry can be rewritten and every other byte, comments included, kept.

use std::ops::Range;

use zeroize::Zeroizing;

/// How deep a document may nest before it is refused: far beyond any config.
const MAX_DEPTH: usize = 200;

/// A value and where it sits in the text.
#[derive(Debug)]
pub(crate) struct Span {
    /// Its bytes: `text[range]`.
    pub range: Range<usize>,
    /// What it is.
    pub node: Node,
}

/// A value's shape.
#[derive(Debug)]
pub(crate) enum Node {
    /// `{...}`, members in order.
    Object(Vec<Member>),
    /// `[...]`, items in order.
    Array(Vec<Span>),
    /// A string.
    Text,
    /// A number, `true`, `false` or `null`.
    Other,
}

/// One `"key": value` of an object.
#[derive(Debug)]
pub(crate) struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key's opening quote is.
    pub start: usize,
    /// The value.
    pub value: Span,
}

/// One step down a document: an object's member by key, or an array's item by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A member.
    Key(String),
    /// An item.
    Index(usize),
}

/// Parses `text`; `None` when it is not JSON (with comments).
pub(crate) fn parse(text: &str) -> Option<Span> {
    let mut parser = Parser { bytes: text.as_bytes(), text, pos: 0 };
    parser.blank();
    let root = parser.value(0)?;
    parser.blank();
    (parser.pos == parser.bytes.len()).then_some(root)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    /// Skips whitespace and comments.
    fn blank(&mut self) {
        loop {
            while self.bytes.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
            let rest = &self.bytes[self.pos..];
            if rest.starts_with(b"//") {
                while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if rest.starts_with(b"/*") {
                match rest[2..].windows(2).position(|w| w == b"*/") {
                    Some(end) => self.pos += end + 4,
                    None => self.pos = self.bytes.len(),
                }
            } else {
                return;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Span> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let node = match *self.bytes.get(self.pos)? {
            b'{' => Node::Object(self.members(depth)?),
            b'[' => Node::Array(self.items(depth)?),
            b'"' => {
                self.string()?;
                Node::Text
            }
            _ => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
                serde_json::from_str::<serde_json::Value>(&self.text[start..self.pos]).ok()?;
                Node::Other
            }
        };
        Some(Span { range: start..self.pos, node })
    }

    /// A string's end, past its closing quote.
    fn string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            match *self.bytes.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => self.pos += 1,
            }
        }
    }

    fn members(&mut self, depth: usize) -> Option<Vec<Member>> {
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            self.blank();
            match *self.bytes.get(self.pos)? {
                b'}' => {
                    self.pos += 1;
                    return Some(members);
                }
                b'"' => {}
                _ => return None,
            }
            let start = self.pos;
            self.string()?;
            let key: String = serde_json::from_str(&self.text[start..self.pos]).ok()?;
            self.blank();
            (self.bytes.get(self.pos) == Some(&b':')).then_some(())?;
            self.pos += 1;
            self.blank();
            let value = self.value(depth + 1)?;
            members.push(Member { key, start, value });
            self.blank();
            match *self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b'}' => {}
                _ => return None,
            }
        }
    }

    fn items(&mut self, depth: usize) -> Option<Vec<Span>> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.blank();
            if *self.bytes.get(self.pos)? == b']' {
                self.pos += 1;
                return Some(items);
            }
            items.push(self.value(depth + 1)?);
            self.blank();
            match *self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b']' => {}
                _ => return None,
            }
        }
    }
}

impl Span {
    /// The value `steps` lead to.
    pub(crate) fn at(&self, steps: &[Step]) -> Option<&Span> {
        let Some((first, rest)) = steps.split_first() else { return Some(self) };
        match (first, &self.node) {
            (Step::Key(key), Node::Object(members)) => {
                members.iter().rev().find(|m| &m.key == key)?.value.at(rest)
            }
            (Step::Index(i), Node::Array(items)) => items.get(*i)?.at(rest),
            _ => None,
        }
    }

    /// An object's member.
    pub(crate) fn member(&self, key: &str) -> Option<&Member> {
        match &self.node {
            Node::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// A key an object names twice (readers disagree on which one counts).
    pub(crate) fn duplicate_key(&self) -> Option<&str> {
        let Node::Object(members) = &self.node else { return None };
        members
            .iter()
            .enumerate()
            .find(|(i, m)| members[..*i].iter().any(|o| o.key == m.key))
            .map(|(_, m)| m.key.as_str())
    }

    /// A string's text, unescaped.
    pub(crate) fn string(&self, text: &str) -> Option<Zeroizing<String>> {
        matches!(self.node, Node::Text)
            .then(|| serde_json::from_str::<String>(&text[self.range.clone()]).ok().map(Zeroizing::new))?
    }
}

/// One replacement of a range of the text.
pub(crate) struct Edit {
    /// What is replaced.
    pub range: Range<usize>,
    /// By what.
    pub text: Zeroizing<String>,
}

/// `text` with the edits (which must not overlap) made.
pub(crate) fn apply(text: &str, mut edits: Vec<Edit>) -> Zeroizing<String> {
    edits.sort_by_key(|e| e.range.start);
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 256));
    let mut copied = 0;
    for edit in &edits {
        out.push_str(&text[copied..edit.range.start]);
        out.push_str(&edit.text);
        copied = edit.range.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// How a container lays out its entries: on one line (`None`), or one per line with
/// the entries' indentation and the closing bracket's.
pub(crate) fn layout(text: &str, span: &Span) -> Option<(String, String)> {
    let inner = &text[span.range.clone()];
    if !inner.contains('\n') {
        return None;
    }
    let close = indent_before(text, span.range.end - 1).unwrap_or_default();
    let first = match &span.node {
        Node::Object(m) => m.first().map(|m| m.start),
        Node::Array(i) => i.first().map(|i| i.range.start),
        _ => None,
    };
    let item = first.and_then(|p| indent_before(text, p)).unwrap_or_else(|| format!("{close}  "));
    Some((item, close))
}

/// The whitespace between the start of `pos`'s line and `pos`, when there is only
/// whitespace.
pub(crate) fn indent_before(text: &str, pos: usize) -> Option<String> {
    let line = text[..pos].rfind('\n').map_or(0, |n| n + 1);
    let lead = &text[line..pos];
    lead.bytes().all(|b| b == b' ' || b == b'\t').then(|| lead.to_owned())
}

/// Entries (each already JSON text) in brackets, laid out as `layout` says.
pub(crate) fn render(
    open: char,
    entries: &[Zeroizing<String>],
    layout: Option<&(String, String)>,
) -> Zeroizing<String> {
    let close = if open == '{' { '}' } else { ']' };
    let mut out = Zeroizing::new(String::new());
    out.push(open);
    if entries.is_empty() {
        out.push(close);
        return out;
    }
    match layout {
        None => {
            for (i, entry) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "" } else { ", " });
                out.push_str(entry);
            }
        }
        Some((item, end)) => {
            for (i, entry) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(item);
                out.push_str(entry);
            }
            out.push('\n');
            out.push_str(end);
        }
    }
    out.push(close);
    out
}

/// `value` as a JSON string, written straight into zeroizing memory.
pub(crate) fn quoted(value: &str) -> Zeroizing<String> {
    let mut inner = super::forms::json_escaped(value.as_bytes(), false, false);
    inner.insert(0, b'"');
    inner.push(b'"');
    // Escapes are ASCII and every other byte is the value's own UTF-8.
    Zeroizing::new(String::from_utf8(std::mem::take(&mut *inner)).expect("escaped UTF-8 is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_reach_nested_members_past_comments_and_trailing_commas() {
        let text = "{\n  // servers\n  \"a\": {\"b\": [1, \"x\\\"y\",],},\n  \"a\": {\"b\": [2]}\n}";
        let root = parse(text).unwrap();
        // The last of two equal keys wins, as in serde_json.
        let b = root.at(&[Step::Key("a".into()), Step::Key("b".into())]).unwrap();
        assert_eq!(&text[b.range.clone()], "[2]");
        let first = &root.member("a").unwrap().value;
        assert!(root.at(&[Step::Key("a".into()), Step::Index(0)]).is_none());
        assert!(first.range.start > 0);
        assert!(parse("{\"a\": }").is_none() && parse("[1 2]").is_none() && parse("{} x").is_none());
    }

    #[test]
    fn edits_keep_every_other_byte_and_layouts_follow_the_original() {
        let text =
            "{\n\t\"env\": {\n\t\t\"A\": \"1\",\n\t\t\"B\": \"2\"\n\t}, // keep me\n\t\"x\": [1, 2]\n}\n";
        let root = parse(text).unwrap();
        let env = &root.member("env").unwrap().value;
        let look = layout(text, env).unwrap();
        assert_eq!(look, ("\t\t".to_owned(), "\t".to_owned()));
        let entries = vec![Zeroizing::new(format!("\"A\": {}", quoted("a\"b\u{1}").as_str()))];
        let new = render('{', &entries, Some(&look));
        let out = apply(text, vec![Edit { range: env.range.clone(), text: new }]);
        assert_eq!(
            out.as_str(),
            "{\n\t\"env\": {\n\t\t\"A\": \"a\\\"b\\u0001\"\n\t}, // keep me\n\t\"x\": [1, 2]\n}\n"
        );
        let x = &root.member("x").unwrap().value;
        assert_eq!(layout(text, x), None);
    }
}
