//! Plain SQLite on the hub's disk: one insert per transaction, WAL and
//! `synchronous=FULL` like the hub's, to compare the hub's throughput with.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::params;

use super::StoreError;

/// Inserts rows into a new database at `path` for `time`, committing each
/// one; returns inserts per second.
///
/// # Errors
/// The database cannot be created or written.
pub fn inserts_per_second(path: &Path, time: Duration) -> Result<f64, StoreError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("CREATE TABLE tickets (id TEXT PRIMARY KEY, number INTEGER NOT NULL, issued_at_ms INTEGER NOT NULL)")?;
    let started = Instant::now();
    let mut n: i64 = 0;
    while started.elapsed() < time {
        n += 1;
        conn.execute(
            "INSERT INTO tickets (id, number, issued_at_ms) VALUES (?1, ?2, ?3)",
            params![format!("{n:032x}"), n, n],
        )?;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}
