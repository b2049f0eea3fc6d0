//! The audit log: each row holds the SHA-256 of the row before it, so a row
//! changed, removed or slipped in later breaks the chain.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Connection, StoreError};
use crate::domain::ids::{Actor, Timestamp};

/// Where the log ends: the next row's sequence and the last row's hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub next_seq: i64,
    pub last_hash: [u8; 32],
}

impl Chain {
    /// # Errors
    /// The database cannot be read.
    pub fn load(conn: &Connection) -> Result<Self, StoreError> {
        let last = conn
            .0
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?;
        Ok(match last {
            Some((seq, hash)) => Chain {
                next_seq: seq + 1,
                last_hash: hash
                    .try_into()
                    .map_err(|_| StoreError::Corrupt(format!("event {seq} has a bad hash")))?,
            },
            None => Chain {
                next_seq: 1,
                last_hash: [0; 32],
            },
        })
    }
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub kind: String,
    /// The event as JSON.
    pub payload: String,
    pub hash: [u8; 32],
}

/// The hash of a row, over its predecessor's hash and every field, each
/// length-prefixed so that no two rows can hash alike by shifting text.
pub fn row_hash(
    prev: &[u8; 32],
    seq: i64,
    at_ms: i64,
    actor: &str,
    kind: &str,
    payload: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(at_ms.to_be_bytes());
    for field in [actor, kind, payload] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}

/// Appends one event and advances the chain.
///
/// # Errors
/// The row cannot be written; the chain is then left as it was.
pub fn append(
    conn: &Connection,
    chain: &mut Chain,
    at: Timestamp,
    actor: &Actor,
    kind: &str,
    payload: &str,
) -> Result<StoredEvent, StoreError> {
    let seq = chain.next_seq;
    let at_ms = at.timestamp_millis();
    let actor = actor.to_string();
    let hash = row_hash(&chain.last_hash, seq, at_ms, &actor, kind, payload);
    conn.0
        .prepare_cached(
            "INSERT INTO events (seq, at_ms, actor, kind, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            seq,
            at_ms,
            actor,
            kind,
            payload,
            &chain.last_hash[..],
            &hash[..]
        ])?;
    *chain = Chain {
        next_seq: seq + 1,
        last_hash: hash,
    };
    Ok(StoredEvent {
        seq,
        at: DateTime::<Utc>::from_timestamp_millis(at_ms).unwrap_or(at),
        actor,
        kind: kind.to_owned(),
        payload: payload.to_owned(),
        hash,
    })
}

/// Up to `limit` events after `after`, in order.
///
/// # Errors
/// The database cannot be read.
pub fn since(conn: &Connection, after: i64, limit: usize) -> Result<Vec<StoredEvent>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT seq, at_ms, actor, kind, payload, hash FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Vec<u8>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, at_ms, actor, kind, payload, hash) = row?;
        Ok(StoredEvent {
            seq,
            at: DateTime::<Utc>::from_timestamp_millis(at_ms)
                .ok_or_else(|| StoreError::Corrupt(format!("event {seq} has a bad time")))?,
            actor,
            kind,
            payload,
            hash: hash
                .try_into()
                .map_err(|_| StoreError::Corrupt(format!("event {seq} has a bad hash")))?,
        })
    })
    .collect()
}

/// The first event stamped at or after `at`: the log is walked back from
/// its end and the walk stops at the first event before `at`, so it reads
/// only what came since. None when nothing has.
///
/// # Errors
/// The database cannot be read.
pub fn first_since(conn: &Connection, at: Timestamp) -> Result<Option<i64>, StoreError> {
    let mut stmt = conn
        .0
        .prepare_cached("SELECT seq, at_ms FROM events ORDER BY seq DESC")?;
    let mut rows = stmt.query([])?;
    let mut first = None;
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(1)? < at.timestamp_millis() {
            break;
        }
        first = Some(row.get::<_, i64>(0)?);
    }
    Ok(first)
}

/// One step in a case's history: when, by whom, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseStep {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    /// The event's kind, such as `case_opened`.
    pub kind: String,
    /// For a bundle, the department whose task the step was.
    pub task: Option<String>,
}

/// Every event of the case numbered `number`, oldest first.
///
/// # Errors
/// The database cannot be read, or holds a row that makes no sense.
pub fn case_history(conn: &Connection, number: &str) -> Result<Vec<CaseStep>, StoreError> {
    let mut stmt = conn.0.prepare_cached(
        "SELECT seq, at_ms, actor, kind, json_extract(payload, '$.task') FROM events
         WHERE kind LIKE 'case_%' AND json_extract(payload, '$.case.number') = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([number], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, at_ms, actor, kind, task) = row?;
        let at = DateTime::<Utc>::from_timestamp_millis(at_ms)
            .ok_or_else(|| StoreError::Corrupt(format!("event {seq} has a bad time")))?;
        Ok(CaseStep {
            seq,
            at,
            actor,
            kind,
            task,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_events_chain_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open_writer(&dir.path().join("e.db")).unwrap();
        let mut chain = Chain::load(&conn).unwrap();
        assert_eq!(chain.next_seq, 1);
        let at: Timestamp = "2026-03-02T01:00:00Z".parse().unwrap();
        let a = append(&conn, &mut chain, at, &Actor::System, "x", "{}").unwrap();
        let b = append(
            &conn,
            &mut chain,
            at,
            &Actor::Device("k1".into()),
            "y",
            "{\"n\":1}",
        )
        .unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_eq!(
            b.hash,
            row_hash(
                &a.hash,
                2,
                at.timestamp_millis(),
                "device:k1",
                "y",
                "{\"n\":1}"
            )
        );
        assert_eq!(Chain::load(&conn).unwrap(), chain);
        assert_eq!(since(&conn, 0, 10).unwrap(), vec![a, b.clone()]);
        assert_eq!(since(&conn, 1, 10).unwrap(), vec![b]);
        assert!(since(&conn, 2, 10).unwrap().is_empty());
        assert_eq!(first_since(&conn, at).unwrap(), Some(1));
        let later = at + chrono::Duration::hours(1);
        assert_eq!(first_since(&conn, later).unwrap(), None);
        append(&conn, &mut chain, later, &Actor::System, "z", "{}").unwrap();
        assert_eq!(first_since(&conn, later).unwrap(), Some(3));
    }
}
