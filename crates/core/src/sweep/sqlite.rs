//! SQLite stores (VS Code's and Cursor's `state.vscdb`, and any other file with the
//! SQLite header) read as databases: every text and blob cell, and the schema, is swept
//! on its own, so a value split across overflow pages is found whole, and each finding
//! names its table, column and row. The file's bytes are swept too, for what no cell
//! shows (deleted rows in free pages, a table this SQLite cannot read).
//!
//! Redaction updates the cells in one transaction with `secure_delete` on, rebuilds
//! full-text indexes, and before committing reads every cell again: a copy left (by a
//! trigger, a generated column, the schema) refuses the whole redaction. After the
//! commit, a copy still in the file's bytes (free pages from before) is vacuumed away,
//! or the redaction says so.

use std::io::Read as _;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use zeroize::Zeroizing;

use super::redact::RedactError;
use super::search::{Hit, HitWhat};
use super::{Finding, Place, Sought};

/// How long a write waits for the program that has the database open.
const BUSY: std::time::Duration = std::time::Duration::from_secs(2);

/// The names SQLite answers with a table's rowid, unless a column takes the name.
const ROWID_ALIASES: [&str; 3] = ["_rowid_", "rowid", "oid"];

/// A table, and how its cells are read.
struct Table {
    name: String,
    /// The name its rowid answers to; none in a table without one.
    rowid: Option<&'static str>,
    /// Its columns, and whether each is generated (updated by SQLite, not by us).
    columns: Vec<(String, bool)>,
    /// Whether it is a full-text index (`USING fts3/4/5`), rebuilt after an update.
    fts: bool,
}

/// One text or blob cell, as found.
struct Cell<'a> {
    table: &'a Table,
    column: usize,
    /// The row's rowid; `None` in a table without one, and in the schema.
    row: Option<i64>,
    bytes: &'a [u8],
    text: bool,
}

/// A cell's new value, written once every cell is read.
struct Update {
    table: String,
    rowid: &'static str,
    column: String,
    row: i64,
    value: Zeroizing<Vec<u8>>,
    text: bool,
}

/// Opens `path`: to read, without creating or changing anything beside it (no journal
/// or shared memory file) unless it is in WAL mode with a log to read.
fn open(path: &Path, write: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = if write {
        Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_WRITE)?
    } else {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let immutable = if Path::new(&wal).exists() { "" } else { "&immutable=1" };
        let uri = format!("file:{}?mode=ro{immutable}", uri_path(path));
        Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_READ_ONLY)?
    };
    conn.busy_timeout(BUSY)?;
    Ok(conn)
}

/// A path as a `file:` URI's path: every byte but unreserved ones and `/` escaped.
fn uri_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A name as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The database's tables, and the schema as one more (its `sql` text, no rowid).
fn tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let listed: Vec<(String, String)> = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = vec![Table {
        name: "sqlite_schema".to_owned(),
        rowid: None,
        columns: vec![("sql".to_owned(), true)],
        fts: false,
    }];
    for (name, sql) in listed {
        // Hidden columns of a virtual table (1) are its functions' inputs, not data;
        // generated ones (2, 3) are read, and left to SQLite to update.
        let columns: Vec<(String, bool)> = conn
            .prepare("SELECT name, hidden FROM pragma_table_xinfo(?1)")?
            .query_map([&name], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .filter_map(|c| c.ok().filter(|(_, hidden)| *hidden != 1).map(|(n, hidden)| (n, hidden >= 2)))
            .collect();
        let free = |alias: &&str| !columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(alias));
        let rowid = ROWID_ALIASES.into_iter().find(free).filter(|alias| {
            // A table WITHOUT ROWID has none to select.
            conn.prepare(&format!("SELECT {alias} FROM {} LIMIT 0", quoted(&name))).is_ok()
        });
        let fts = sql.to_ascii_lowercase().contains("using fts");
        // A full-text table is updated through its content table and rebuilt.
        let columns = columns.into_iter().map(|(c, generated)| (c, generated || fts)).collect();
        tables.push(Table { name, rowid, columns, fts });
    }
    Ok(tables)
}

/// Calls `each` with every text and blob cell of `tables`; returns the tables that
/// could not be read (a virtual table whose module this SQLite lacks, a generated
/// column calling a function it does not know).
fn cells<'t>(
    conn: &Connection,
    tables: &'t [Table],
    mut each: impl FnMut(Cell<'_>),
) -> rusqlite::Result<Vec<&'t str>> {
    let mut unread = Vec::new();
    for table in tables {
        let rowid = table.rowid.unwrap_or("NULL");
        let columns: Vec<String> = table.columns.iter().map(|(c, _)| quoted(c)).collect();
        let sql = if table.name == "sqlite_schema" {
            "SELECT NULL, sql FROM sqlite_schema".to_owned()
        } else {
            format!("SELECT {rowid}, {} FROM {}", columns.join(", "), quoted(&table.name))
        };
        let Ok(mut stmt) = conn.prepare(&sql) else {
            unread.push(table.name.as_str());
            continue;
        };
        let mut rows = stmt.query([])?;
        loop {
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(_) => {
                    unread.push(table.name.as_str());
                    break;
                }
            };
            let id = row.get::<_, Option<i64>>(0).ok().flatten();
            for column in 0..table.columns.len() {
                let (bytes, text) = match row.get_ref(column + 1)? {
                    ValueRef::Text(t) => (t, true),
                    ValueRef::Blob(b) => (b, false),
                    _ => continue,
                };
                each(Cell { table, column, row: id, bytes, text });
            }
        }
    }
    Ok(unread)
}

impl Sought {
    fn hits_in(&self, bytes: &[u8], keep: &dyn Fn(usize) -> bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Reading from memory cannot fail.
        let _ = self.search(bytes, |hit| hits.push(hit));
        hits.retain(|h| match h.what {
            HitWhat::Value(index, _) => keep(index),
            HitWhat::Unmanaged(_) => true,
        });
        hits
    }

    /// The findings in a SQLite database: cell by cell, then whatever the file's bytes
    /// hold that no cell showed.
    pub(super) fn sweep_database(&self, path: &Path) -> Option<Vec<Finding>> {
        let conn = open(path, false).ok()?;
        let tables = tables(&conn).ok()?;
        let mut findings = Vec::new();
        cells(&conn, &tables, |cell| {
            let hits = self.hits_in(cell.bytes, &|_| true);
            if !hits.is_empty() {
                let place = Place::Row {
                    path: path.to_owned(),
                    table: cell.table.name.clone(),
                    column: cell.table.columns[cell.column].0.clone(),
                    row: cell.row,
                };
                findings.extend(self.findings(hits, &place));
            }
        })
        .ok()?;
        drop(conn);
        // Deleted rows in free pages, unreadable tables: found in the bytes.
        let seen = |what: &HitWhat| {
            findings.iter().any(|f: &Finding| match what {
                HitWhat::Value(index, _) => self.holders(*index).iter().any(|h| {
                    f.variable.as_ref() == Some(&h.variable) && f.environment.as_ref() == Some(&h.environment)
                }),
                HitWhat::Unmanaged(provider) => f.provider.as_ref() == Some(provider),
            })
        };
        let mut raw = Vec::new();
        self.search(super::places::open_regular(path).ok()?, |hit| raw.push(hit)).ok()?;
        raw.retain(|h| !seen(&h.what));
        findings.extend(self.findings(raw, &Place::File { path: path.to_owned() }));
        Some(findings)
    }

    /// Replaces the stored values `keep` picks in every cell of the database at `path`,
    /// in one transaction; returns how many were replaced. Nothing is changed when a
    /// copy would remain in a cell, or a text cell that held JSON would not.
    pub(super) fn redact_database(
        &self,
        path: &Path,
        keep: &dyn Fn(usize) -> bool,
    ) -> Result<usize, RedactError> {
        let refuse =
            |reason: String| RedactError::Database { path: path.to_owned(), reason: self.mask(&reason) };
        let failed = |e: rusqlite::Error| {
            refuse(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    "it is locked by the program that has it open: close that, then try again".to_owned()
                }
                _ => e.to_string(),
            })
        };
        let mut conn = open(path, true).map_err(failed)?;
        // Freed pages are zeroed: the old cells do not stay in the file.
        conn.pragma_update(None, "secure_delete", true).map_err(failed)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
        let tables = tables(&tx).map_err(failed)?;
        let mut updates: Vec<Update> = Vec::new();
        let mut count = 0;
        let mut refused: Option<RedactError> = None;
        cells(&tx, &tables, |cell| {
            let mut hits = self.hits_in(cell.bytes, keep);
            hits.retain(|h| matches!(h.what, HitWhat::Value(..)));
            let (column, generated) = &cell.table.columns[cell.column];
            // SQLite computes a generated column again; the check below sees if it did.
            if hits.is_empty() || refused.is_some() || *generated {
                return;
            }
            let (Some(rowid), Some(row)) = (cell.table.rowid, cell.row) else {
                refused = Some(refuse(format!("table {} has no rowid to update a row by", cell.table.name)));
                return;
            };
            let Some(scrubbed) = self.scrubbed(cell.bytes, &hits, keep) else {
                refused = Some(RedactError::Base64(path.to_owned()));
                return;
            };
            let json = |b: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok();
            if cell.text && json(cell.bytes) && !json(&scrubbed) {
                refused = Some(RedactError::Invalid { path: path.to_owned(), format: "JSON in a cell" });
                return;
            }
            count += hits.len();
            let table = cell.table.name.clone();
            updates.push(Update {
                table,
                rowid,
                column: column.clone(),
                row,
                value: scrubbed,
                text: cell.text,
            });
        })
        .map_err(failed)?;
        if let Some(e) = refused {
            return Err(e);
        }
        for Update { table, rowid, column, row, value, text } in &updates {
            let sql = format!("UPDATE {} SET {} = ?1 WHERE {rowid} = ?2", quoted(table), quoted(column));
            let changed = if *text {
                let value = std::str::from_utf8(value).map_err(|_| RedactError::Binary(path.to_owned()))?;
                tx.execute(&sql, rusqlite::params![value, row])
            } else {
                tx.execute(&sql, rusqlite::params![value.as_slice(), row])
            };
            if changed.map_err(failed)? != 1 {
                return Err(refuse(format!("a trigger on table {table} kept a row from being updated")));
            }
        }
        for table in tables.iter().filter(|t| t.fts) {
            // An index keeps the words of the old text until it is rebuilt from the new.
            let name = quoted(&table.name);
            let _ = tx.execute(&format!("INSERT INTO {name}({name}) VALUES ('rebuild')"), []);
        }
        // Read it all again: a trigger, a generated column or the schema may keep a copy.
        let mut left = 0;
        let unread =
            cells(&tx, &tables, |cell| left += self.hits_in(cell.bytes, keep).len()).map_err(failed)?;
        if left > 0 || !unread.is_empty() {
            let place = if unread.is_empty() {
                "a trigger, an index or the schema".to_owned()
            } else {
                format!("table {}, which this SQLite cannot read,", unread.join(", "))
            };
            return Err(refuse(format!(
                "{place} would keep a copy: redact it with the program that made it"
            )));
        }
        tx.commit().map_err(failed)?;
        self.settle(&conn, path, keep)?;
        Ok(count)
    }

    /// After a commit: the log moved into the file, and no copy left in its bytes (free
    /// pages from before): vacuumed once if there is.
    fn settle(
        &self,
        conn: &Connection,
        path: &Path,
        keep: &dyn Fn(usize) -> bool,
    ) -> Result<(), RedactError> {
        let pending = || RedactError::Pending(path.to_owned());
        let checkpoint = || -> Result<(), RedactError> {
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0)).unwrap_or(0);
            if busy == 0 { Ok(()) } else { Err(pending()) }
        };
        let holds_copy = || -> Result<bool, RedactError> {
            let mut bytes = Zeroizing::new(Vec::new());
            let io = |source| RedactError::Io { path: path.to_owned(), source };
            super::places::open_regular(path).map_err(io)?.read_to_end(&mut bytes).map_err(io)?;
            Ok(self.hits_in(&bytes, keep).iter().any(|h| matches!(h.what, HitWhat::Value(..))))
        };
        checkpoint()?;
        if holds_copy()? {
            conn.execute_batch("VACUUM").map_err(|_| pending())?;
            checkpoint()?;
            if holds_copy()? {
                return Err(pending());
            }
        }
        Ok(())
    }
}
