//! SQLite storage: one file, WAL, every commit fsync'd. The hub's writer owns
//! the one read-write connection; readers open their own, read-only. Every
//! SQL statement of the program is in this module: a [`Connection`] lets
//! nothing else run one.
//!
//! - `migrations/`: the schema, applied in order by `PRAGMA user_version`;
//! - `events`: the hash-chained audit log, and a case's history in it;
//! - `audit`: checking that chain, row by row;
//! - `heads`: each day's chain head, signed with the hall's key, in files
//!   beside the database;
//! - `rebuild`: checking the tables against what the log makes of them;
//! - `hall`: saving and restoring the hall's state;
//! - `personal`: applicants' personal values, apart from the log, and their
//!   erasure;
//! - `bookings`: appointments, their personal values apart;
//! - `ratings`: counting ratings;
//! - `period`: a period's tickets, ratings and cases, for the report;
//! - `baseline`: plain SQLite inserts, to compare the hub's load with.

pub mod audit;
pub mod baseline;
pub mod bookings;
pub mod events;
pub mod hall;
pub mod heads;
pub mod period;
pub mod personal;
pub mod ratings;
pub mod rebuild;

use std::path::Path;

use rusqlite::OpenFlags;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("the database is from a newer yimen (schema {found}, this one knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("a stored row cannot be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The hall's signing key or the signed heads beside the database.
    #[error("the audit log's signed heads: {0}")]
    Heads(String),
}

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_cases.sql"),
    include_str!("migrations/0003_personal.sql"),
    include_str!("migrations/0004_staff_pins.sql"),
    include_str!("migrations/0005_bookings.sql"),
];

/// A connection to the hall's database: the writer's, from [`open_writer`],
/// or a reader's, from [`open_reader`]. Only this module's functions run
/// statements on it.
pub struct Connection(rusqlite::Connection);

/// Opens the database for writing, creating and migrating it as needed.
///
/// # Errors
/// The file cannot be opened, or its schema is newer than this program.
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows are overwritten, so erased personal values do not linger
    // in the file's free space.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&mut conn)?;
    Ok(Connection(conn))
}

/// Opens the database for reading alongside the writer.
///
/// # Errors
/// The file cannot be opened.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(Connection(conn))
}

/// The writer's transactions: one per batch of commands, and a savepoint
/// per command inside it, so that each command is all or nothing and the
/// batch is committed, and fsync'd, once.
impl Connection {
    /// Begins a batch's transaction, taking the write lock at once.
    ///
    /// # Errors
    /// The database is locked or failed.
    pub fn begin(&self) -> Result<(), StoreError> {
        Ok(self.0.execute_batch("BEGIN IMMEDIATE")?)
    }

    /// Commits the batch: durable once this returns.
    ///
    /// # Errors
    /// The commit failed; the caller rolls back.
    pub fn commit(&self) -> Result<(), StoreError> {
        Ok(self.0.execute_batch("COMMIT")?)
    }

    /// Undoes the whole batch.
    ///
    /// # Errors
    /// The database failed.
    pub fn rollback(&self) -> Result<(), StoreError> {
        Ok(self.0.execute_batch("ROLLBACK")?)
    }

    /// Marks where one command begins inside the batch.
    ///
    /// # Errors
    /// The database failed.
    pub fn savepoint(&self) -> Result<(), StoreError> {
        self.0.prepare_cached("SAVEPOINT command")?.execute([])?;
        Ok(())
    }

    /// Keeps the command's changes in the batch.
    ///
    /// # Errors
    /// The database failed; the caller undoes the command.
    pub fn keep_savepoint(&self) -> Result<(), StoreError> {
        self.0.prepare_cached("RELEASE command")?.execute([])?;
        Ok(())
    }

    /// Undoes the command's changes, keeping the batch's earlier ones.
    ///
    /// # Errors
    /// The database failed.
    pub fn undo_savepoint(&self) -> Result<(), StoreError> {
        Ok(self
            .0
            .execute_batch("ROLLBACK TO command; RELEASE command")?)
    }
}

fn migrate(conn: &mut rusqlite::Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_with_full_sync_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("y.db");
        let conn = open_writer(&path).unwrap().0;
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        drop(conn);
        let conn = open_writer(&path).unwrap().0;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("y.db");
        open_writer(&path)
            .unwrap()
            .0
            .pragma_update(None, "user_version", 99)
            .unwrap();
        assert!(matches!(
            open_writer(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
