use secrecy::SecretString;

use super::search::HitWhat;
use super::*;
use crate::validate::Catalog;

fn holder(name: &str, status: Status) -> Holder {
    Holder {
        variable: VariableName::new(name).unwrap(),
        environment: EnvironmentName::new("default").unwrap(),
        status,
    }
}

fn sought(values: &[(&str, &str, Status)]) -> Sought {
    let values = values
        .iter()
        .map(|(name, value, status)| (SecretString::from(value.to_string()), holder(name, *status)))
        .collect();
    Sought::new(values, Catalog::built_in())
}

fn hits(sought: &Sought, text: &[u8]) -> Vec<search::Hit> {
    let mut hits = Vec::new();
    sought.search(text, |h| hits.push(h)).unwrap();
    hits
}

/// A reader that gives one byte at a time: every chunk boundary falls everywhere.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(buf.len()).min(7);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn values_are_found_with_their_line_column_and_form_across_chunk_boundaries() {
    let value = "sk-live-abcdefghijklmnopqrstuvwxyz012345";
    let s = sought(&[("API_KEY", value, Status::Current)]);
    // Past the first chunk, so the carried tail and the line count are exercised.
    let mut text = "filler line\n".repeat(200_000).into_bytes();
    let line = 200_001;
    text.extend_from_slice(format!("  key={value}\n").as_bytes());
    text.extend_from_slice(
        format!("x{}\n", crate::encoding::base64(format!("ab{value}").as_bytes())).as_bytes(),
    );
    for reader_hits in [hits(&s, &text), {
        let mut v = Vec::new();
        s.search(Trickle(&text), |h| v.push(h)).unwrap();
        v
    }] {
        let found: Vec<(u64, u64, Form)> = reader_hits
            .iter()
            .map(|h| match h.what {
                HitWhat::Value(_, form) => (h.line, h.column, form),
                HitWhat::Unmanaged(_) => panic!("no unmanaged key here"),
            })
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], (line, 7, Form::Literal));
        assert_eq!((found[1].0, found[1].2), (line + 1, Form::Base64));
    }
}

#[test]
fn short_values_are_counted_not_sought_and_past_values_say_past() {
    let s = sought(&[("PIN", "1234567", Status::Current), ("OLD", "old-value-0123456789", Status::Past)]);
    assert_eq!((s.skipped_short, s.values()), (1, 1));
    let found = hits(&s, b"1234567 and old-value-0123456789");
    assert_eq!(found.len(), 1);
    let HitWhat::Value(index, _) = found[0].what else { panic!() };
    assert_eq!(s.status(index), Status::Past);
}

#[test]
fn a_well_formed_key_the_vault_does_not_hold_is_unmanaged_and_a_near_miss_is_nothing() {
    let s = sought(&[]);
    let key = format!("sk-ant-api03-{}AA", "a".repeat(93));
    let text = format!(
        "ANTHROPIC_API_KEY={key}.\nnot a key: task-ant-api03-{}AA sk-ant-api03-short\n",
        "b".repeat(93)
    );
    let found = hits(&s, text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(matches!(&found[0].what, HitWhat::Unmanaged(p) if p == "anthropic"));
    assert_eq!((found[0].column, found[0].len), (19, key.len()));
}

#[test]
fn a_stored_key_is_the_variable_not_an_unmanaged_key() {
    let key = format!("sk-ant-api03-{}AA", "c".repeat(93));
    let s = sought(&[("ANTHROPIC_API_KEY", &key, Status::Current)]);
    let found = hits(&s, key.as_bytes());
    assert!(matches!(found.as_slice(), [h] if matches!(h.what, HitWhat::Value(_, Form::Literal))));
}

#[test]
fn redaction_keeps_each_form_valid_and_leaves_nothing_to_find() {
    let dir = tempfile::tempdir().unwrap();
    let value = r#"p@ss/w+rd"x=1&yz"#;
    let s = sought(&[("DB_PASSWORD", value, Status::Current)]);
    let json_escaped = serde_json::to_string(value).unwrap();
    let b64 = crate::encoding::base64(format!("user:{value}").as_bytes());
    let lines = [
        serde_json::json!({"text": format!("the password is {value}")}).to_string(),
        format!(r#"{{"auth":"Basic {b64}"}}"#),
        format!(
            r#"{{"url":"https://h/?p={}"}}"#,
            String::from_utf8(forms::encode(value, Form::Percent)).unwrap()
        ),
        format!(r#"{{"hex":"{}"}}"#, crate::encoding::hex(value.as_bytes())),
        format!(
            r#"{{"nested":"{}"}}"#,
            json_escaped[1..json_escaped.len() - 1].replace('\\', "\\\\").replace('"', "\\\"")
        ),
    ];
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let before = s.sweep_files(std::slice::from_ref(&path), &|_| {});
    assert_eq!(before.findings.len(), 5, "{:?}", before.findings);
    assert_eq!(s.redact(&path, None).unwrap(), 5);
    let after = std::fs::read_to_string(&path).unwrap();
    for line in after.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    assert!(after.contains("<latchkey:DB_PASSWORD>"), "{after}");
    let decoded = crate::encoding::decode_base64(
        after.lines().nth(1).unwrap().split("Basic ").nth(1).unwrap().trim_end_matches("\"}"),
    )
    .unwrap();
    assert_eq!(decoded, b"user:<latchkey:DB_PASSWORD>");
    assert!(s.sweep_files(std::slice::from_ref(&path), &|_| {}).findings.is_empty());
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn redaction_refuses_a_symlink_and_a_second_hard_link() {
    let dir = tempfile::tempdir().unwrap();
    let s = sought(&[("K", "value-0123456789", Status::Current)]);
    let real = dir.path().join("real.txt");
    std::fs::write(&real, "value-0123456789\n").unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link.txt")).unwrap();
    assert!(s.redact(&dir.path().join("link.txt"), None).is_err());
    std::fs::hard_link(&real, dir.path().join("second.txt")).unwrap();
    assert!(matches!(s.redact(&real, None), Err(redact::RedactError::Linked(_))));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "value-0123456789\n");
}

#[test]
fn plain_words_are_not_looked_for_and_binary_files_and_broken_databases_are_not_redacted() {
    let s = sought(&[("DB", "postgres", Status::Current), ("PIN", "12345678", Status::Current)]);
    assert_eq!((s.values(), s.skipped_short), (0, 2));
    assert!(!is_weak("sk-live-abcdefgh") && is_weak("changemenow") && !is_weak("averylongwordofletters"));
    let dir = tempfile::tempdir().unwrap();
    let s = sought(&[("K", "value-0123456789", Status::Current)]);
    // A file with SQLite's header that SQLite cannot open is left alone, said so.
    let db = dir.path().join("state.vscdb");
    std::fs::write(&db, b"SQLite format 3\0....value-0123456789....").unwrap();
    assert!(matches!(s.redact(&db, None), Err(redact::RedactError::Database { .. })));
    assert_eq!(std::fs::read(&db).unwrap(), b"SQLite format 3\0....value-0123456789....");
    let bin = dir.path().join("blob.dat");
    std::fs::write(&bin, b"\0\x01value-0123456789").unwrap();
    assert!(matches!(s.redact(&bin, None), Err(redact::RedactError::Binary(_))));
}

#[test]
fn a_literal_right_before_a_base64_run_and_a_url_safe_run_are_redacted_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = sought(&[
        ("A_KEY", "abcdefgh12345678", Status::Current),
        ("B_KEY", "zyxwvuts98765432", Status::Current),
    ]);
    let path = dir.path().join("f.txt");
    let b64 = crate::encoding::base64(b"zyxwvuts98765432");
    std::fs::write(&path, format!("x=abcdefgh12345678{b64}\n")).unwrap();
    s.redact(&path, None).unwrap();
    assert!(!std::fs::read_to_string(&path).unwrap().contains("abcdefgh12345678"));
    // URL-safe base64 whose value characters need neither `-` nor `_`.
    let url_path = dir.path().join("u.txt");
    let mut plain = b"\x0f\xe0\x00hello, ".to_vec();
    plain.extend_from_slice(b"abcdefgh12345678 bye\x0f\xe0\x00tail");
    let url = String::from_utf8(forms::base64(&plain, Form::Base64Url, true).to_vec()).unwrap();
    assert!(url.contains('-') || url.contains('_'));
    std::fs::write(&url_path, format!("data={url}\n")).unwrap();
    s.redact(&url_path, None).unwrap();
    let after = std::fs::read_to_string(&url_path).unwrap();
    let run = after.trim_end().strip_prefix("data=").unwrap();
    let decoded = forms::decode_base64(run.as_bytes(), Form::Base64Url).expect("still URL-safe base64");
    assert_eq!(decoded.as_slice(), &b"\x0f\xe0\x00hello, <latchkey:A_KEY> bye\x0f\xe0\x00tail"[..]);
}

#[test]
fn a_database_is_read_cell_by_cell_and_redacted_in_a_transaction_leaving_no_copy_in_the_file() {
    let key = "sk-proj-Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ";
    let s = sought(&[("OPENAI_API_KEY", key, Status::Current)]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.vscdb");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);").unwrap();
    // A JSON text value, and a blob long enough to run over several overflow pages,
    // with the key across a page boundary.
    let json = format!("{{\"chat\":[{{\"text\":\"export OPENAI_API_KEY={key}\"}}]}}");
    conn.execute("INSERT INTO ItemTable VALUES ('chat.history', ?1)", [&json]).unwrap();
    let mut blob = vec![b'.'; 4090];
    blob.extend_from_slice(key.as_bytes());
    blob.extend(std::iter::repeat_n(b'.', 9000));
    conn.execute("INSERT INTO ItemTable VALUES ('big', ?1)", [&blob]).unwrap();
    drop(conn);

    let sweep = s.sweep_files(std::slice::from_ref(&db), &|_| {});
    assert_eq!(sweep.findings.len(), 2, "{:?}", sweep.findings);
    let rows: Vec<String> = sweep.findings.iter().map(|f| f.place.to_string()).collect();
    assert!(rows[0].ends_with("state.vscdb (ItemTable.value, row 1)"), "{rows:?}");
    assert!(rows[1].ends_with("state.vscdb (ItemTable.value, row 2)"), "{rows:?}");
    assert!(sweep.findings.iter().all(|f| f.status == Status::Current));

    assert_eq!(s.redact(&db, None).unwrap(), 2);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let text: String =
        conn.query_row("SELECT value FROM ItemTable WHERE key = 'chat.history'", [], |r| r.get(0)).unwrap();
    assert_eq!(text, json.replace(key, "<latchkey:OPENAI_API_KEY>"));
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    drop(conn);
    assert!(s.sweep_files(std::slice::from_ref(&db), &|_| {}).findings.is_empty());
    // Not in a freed page either: the file's bytes hold no copy.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()), "the old cell is still in the file");
}

/// A database at a fresh path, made by `sql` with `{KEY}` standing for the key.
fn database(dir: &std::path::Path, name: &str, key: &str, sql: &str) -> std::path::PathBuf {
    let db = dir.join(name);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&sql.replace("{KEY}", key)).unwrap();
    db
}

fn holds(path: &std::path::Path, key: &str) -> bool {
    std::fs::read(path).unwrap().windows(key.len()).any(|w| w == key.as_bytes())
}

#[test]
fn a_database_redaction_updates_the_right_row_and_refuses_whatever_would_keep_a_copy() {
    let key = "sk-proj-Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ";
    let s = sought(&[("OPENAI_API_KEY", key, Status::Current)]);
    let dir = tempfile::tempdir().unwrap();

    // A column named rowid: the row is found by SQLite's own rowid, not by it.
    let db = database(
        dir.path(),
        "rowid.db",
        key,
        "CREATE TABLE t(rowid INTEGER, v TEXT); INSERT INTO t VALUES (1, 'a {KEY} b'); INSERT INTO t VALUES (1, 'other');",
    );
    assert_eq!(s.redact(&db, None).unwrap(), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: Vec<String> = conn
        .prepare("SELECT v FROM t ORDER BY _rowid_")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, ["a <latchkey:OPENAI_API_KEY> b", "other"]);

    // A trigger that copies the old value, one that ignores the update, and the schema
    // holding the value: refused, nothing changed, and the reason never holds the value.
    for (name, sql) in [
        (
            "copy.db",
            "CREATE TABLE t(v TEXT); CREATE TABLE audit(old TEXT); CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO audit VALUES (old.v); END; INSERT INTO t VALUES ('x {KEY}');",
        ),
        (
            "ignore.db",
            "CREATE TABLE t(v TEXT); CREATE TRIGGER tr BEFORE UPDATE ON t BEGIN SELECT RAISE(IGNORE); END; INSERT INTO t VALUES ('x {KEY}');",
        ),
        ("schema.db", "CREATE TABLE t(v TEXT DEFAULT '{KEY}'); INSERT INTO t VALUES ('x {KEY}');"),
        ("check.db", "CREATE TABLE t(v TEXT CHECK (v LIKE '%{KEY}%')); INSERT INTO t VALUES ('x {KEY}');"),
    ] {
        let db = database(dir.path(), name, key, sql);
        let before = std::fs::read(&db).unwrap();
        let err = s.redact(&db, None).expect_err(name);
        assert!(matches!(err, redact::RedactError::Database { .. }), "{name}: {err}");
        assert!(!err.to_string().contains(key), "{name}: the reason holds the value");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{name} changed");
    }

    // A deleted row left in a free page: found in the file's bytes, and gone after.
    let db = database(
        dir.path(),
        "free.db",
        key,
        "PRAGMA secure_delete = OFF; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('x {KEY}'); INSERT INTO t VALUES ('y {KEY}'); INSERT INTO t VALUES ('keep'); DELETE FROM t WHERE v LIKE 'x%';",
    );
    let found = s.sweep_files(std::slice::from_ref(&db), &|_| {}).findings;
    assert_eq!(found.len(), 1, "the live row; the deleted one is the same value: {found:?}");
    s.redact(&db, None).unwrap();
    assert!(!holds(&db, key), "a copy stayed in a free page");
    let db = database(
        dir.path(),
        "deleted.db",
        key,
        "PRAGMA secure_delete = OFF; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('x {KEY}'); INSERT INTO t VALUES ('keep'); DELETE FROM t WHERE v LIKE 'x%';",
    );
    let found = s.sweep_files(std::slice::from_ref(&db), &|_| {}).findings;
    assert!(matches!(found.as_slice(), [f] if matches!(f.place, Place::File { .. })), "{found:?}");
}

#[test]
fn a_full_text_index_forgets_the_value_with_its_table() {
    let key = "sk-proj-Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ";
    let s = sought(&[("OPENAI_API_KEY", key, Status::Current)]);
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "fts.db",
        key,
        "CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES ('token {KEY} here');",
    );
    let token = "zq8rt2vw9xy4bn6mk1pl3sd5fg7hj0aq";
    let matches = |db: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT count(*) FROM f WHERE f MATCH ?1", [token], |r| r.get(0)).unwrap()
    };
    assert_eq!(matches(&db), 1);
    assert!(s.redact(&db, None).unwrap() >= 1);
    assert_eq!(matches(&db), 0, "the index still finds the key's words");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("INSERT INTO f(f) VALUES ('integrity-check')", []).unwrap();
    let body: String = conn.query_row("SELECT body FROM f", [], |r| r.get(0)).unwrap();
    assert_eq!(body, "token <latchkey:OPENAI_API_KEY> here");
}

#[test]
fn sweeping_a_database_creates_nothing_beside_it() {
    let key = "sk-proj-Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ";
    let s = sought(&[("OPENAI_API_KEY", key, Status::Current)]);
    let dir = tempfile::tempdir().unwrap();
    let db = database(
        dir.path(),
        "wal.db",
        key,
        "PRAGMA journal_mode = WAL; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('{KEY}');",
    );
    assert!(!dir.path().join("wal.db-wal").exists(), "closed cleanly, the log is gone");
    let before = std::fs::read(&db).unwrap();
    assert_eq!(s.sweep_files(std::slice::from_ref(&db), &|_| {}).findings.len(), 1);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["wal.db"]);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
