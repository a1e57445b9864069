//! SQLite stores (VS Code's and Cursor's `state.vscdb`, and any other file with the
//! SQLite header) read as databases: every text and blob cell is swept on its own, so a
//! value split across overflow pages is found whole, and each finding names its table,
//! column and row. Redaction updates the cells in one transaction, with SQLite's
//! `secure_delete` on, so the old text is not left in freed pages.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use zeroize::Zeroizing;

use super::redact::RedactError;
use super::search::HitWhat;
use super::{Finding, Place, Sought};

/// How long a write waits for the tool that has the database open.
const BUSY: std::time::Duration = std::time::Duration::from_secs(2);

/// One text or blob cell, as found.
struct Cell<'a> {
    table: &'a str,
    column: &'a str,
    /// The row's rowid; `None` in a table without one.
    row: Option<i64>,
    bytes: &'a [u8],
    text: bool,
}

/// A cell's new value, to be written once every cell is read.
struct Update {
    table: String,
    column: String,
    row: i64,
    value: Zeroizing<Vec<u8>>,
    text: bool,
}

fn open(path: &Path, write: bool) -> rusqlite::Result<Connection> {
    let access = if write { OpenFlags::SQLITE_OPEN_READ_WRITE } else { OpenFlags::SQLITE_OPEN_READ_ONLY };
    let conn = Connection::open_with_flags(path, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY)?;
    Ok(conn)
}

/// A name as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Calls `each` with every text and blob cell of every table. A table that cannot be
/// read (a virtual table whose module this SQLite lacks) is skipped: its shadow tables
/// hold its text.
fn cells(conn: &Connection, mut each: impl FnMut(Cell<'_>)) -> rusqlite::Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in &tables {
        let (mut stmt, rowid) = match conn.prepare(&format!("SELECT rowid, * FROM {}", quoted(table))) {
            Ok(stmt) => (stmt, true),
            Err(_) => match conn.prepare(&format!("SELECT NULL, * FROM {}", quoted(table))) {
                Ok(stmt) => (stmt, false),
                Err(_) => continue,
            },
        };
        let columns: Vec<String> = stmt.column_names().iter().map(|c| (*c).to_owned()).collect();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id = if rowid { row.get::<_, Option<i64>>(0)? } else { None };
            for (i, column) in columns.iter().enumerate().skip(1) {
                let (bytes, text) = match row.get_ref(i)? {
                    ValueRef::Text(t) => (t, true),
                    ValueRef::Blob(b) => (b, false),
                    _ => continue,
                };
                each(Cell { table, column, row: id, bytes, text });
            }
        }
    }
    Ok(())
}

impl Sought {
    /// The findings in a SQLite database, cell by cell.
    pub(super) fn sweep_database(&self, path: &Path) -> rusqlite::Result<Vec<Finding>> {
        let conn = open(path, false)?;
        let mut findings = Vec::new();
        cells(&conn, |cell| {
            let mut hits = Vec::new();
            // Reading from memory cannot fail.
            let _ = self.search(cell.bytes, |hit| hits.push(hit));
            if !hits.is_empty() {
                let place = Place::Row {
                    path: path.to_owned(),
                    table: cell.table.to_owned(),
                    column: cell.column.to_owned(),
                    row: cell.row,
                };
                findings.extend(self.findings(hits, &place));
            }
        })?;
        Ok(findings)
    }

    /// Replaces the stored values `keep` picks in every cell of the database at `path`,
    /// in one transaction; returns how many were replaced. A text cell that held JSON
    /// still does, or nothing is changed.
    pub(super) fn redact_database(
        &self,
        path: &Path,
        keep: &dyn Fn(usize) -> bool,
    ) -> Result<usize, RedactError> {
        let failed =
            |e: rusqlite::Error| RedactError::Database { path: path.to_owned(), reason: e.to_string() };
        let mut conn = open(path, true).map_err(failed)?;
        // Freed pages are zeroed: the old cells do not stay in the file.
        conn.pragma_update(None, "secure_delete", true).map_err(failed)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
        let mut updates: Vec<Update> = Vec::new();
        let mut count = 0;
        let mut refused: Option<RedactError> = None;
        cells(&tx, |cell| {
            let mut hits = Vec::new();
            let _ = self.search(cell.bytes, |hit| hits.push(hit));
            hits.retain(|h| matches!(h.what, HitWhat::Value(index, _) if keep(index)));
            if hits.is_empty() || refused.is_some() {
                return;
            }
            let Some(row) = cell.row else {
                refused = Some(RedactError::Database {
                    path: path.to_owned(),
                    reason: format!("table {} has no rowid to update a row by", cell.table),
                });
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
            updates.push(Update {
                table: cell.table.to_owned(),
                column: cell.column.to_owned(),
                row,
                value: scrubbed,
                text: cell.text,
            });
        })
        .map_err(failed)?;
        if let Some(e) = refused {
            return Err(e);
        }
        for Update { table, column, row, value, text } in &updates {
            let sql = format!("UPDATE {} SET {} = ?1 WHERE rowid = ?2", quoted(table), quoted(column));
            let changed = if *text {
                let value = std::str::from_utf8(value).map_err(|_| RedactError::Binary(path.to_owned()))?;
                tx.execute(&sql, rusqlite::params![value, row])
            } else {
                tx.execute(&sql, rusqlite::params![value.as_slice(), row])
            };
            changed.map_err(failed)?;
        }
        tx.commit().map_err(failed)?;
        // In WAL mode the old pages sit in the log until a checkpoint moves the new ones in.
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(count)
    }
}
