//! Checking the audit log (电子监察): walks the hash chain row by row and
//! names the first row that was changed, removed, or inserted out of order.
//!
//! A chain proves the order and content of the rows it links, not where the
//! log ends: rows cut from its newest end leave a shorter chain that is still
//! whole. The head this check prints (sequence and hash) is what to write
//! down elsewhere to catch that later.

use std::fmt;

use rusqlite::types::ValueRef;

use super::events::row_hash;
use super::{Connection, StoreError};

/// What a broken chain looks like at the first row that breaks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breach {
    /// The row's contents, or its stored hashes, are not what was written.
    Changed,
    /// Rows are missing from here on (up to the next row present).
    Removed,
    /// The row does not follow the row before it: inserted, moved, or the row
    /// before it was rewritten together with its hash.
    InsertedOrReordered,
}

impl Breach {
    /// The word an auditor reads, in Chinese and English.
    pub fn label(self) -> &'static str {
        match self {
            Breach::Changed => "被改动 changed",
            Breach::Removed => "被删除 removed",
            Breach::InsertedOrReordered => "被插入或顺序被打乱 inserted or out of order",
        }
    }
}

/// The first problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first row affected.
    pub seq: i64,
    pub breach: Breach,
    /// What exactly did not hold, in Chinese and English.
    pub detail: String,
}

/// The last row of an intact chain: what to note down to catch a cut end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    /// The row's hash, which covers every row before it.
    pub hash: [u8; 32],
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReport {
    /// Rows that verified, in order from the first.
    pub verified: u64,
    /// The last verified row, if any.
    pub head: Option<ChainHead>,
    /// The first problem, or none for an intact log.
    pub problem: Option<ChainBreak>,
}

impl AuditReport {
    /// No problem found: the exit code of `yimen audit verify` follows this.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.problem, &self.head) {
            (None, None) => write!(f, "ok: 0 events, the log is empty（审计日志为空）"),
            (None, Some(head)) => write!(
                f,
                "ok: {} events, chain intact up to seq {} (hash {})（哈希链完整）",
                self.verified,
                head.seq,
                hex::encode(head.hash)
            ),
            (Some(problem), _) => write!(
                f,
                "broken at seq {}: {} — {} ({} events before it verified)",
                problem.seq,
                problem.breach.label(),
                problem.detail,
                self.verified
            ),
        }
    }
}

/// One row as stored, its fields checked for type.
struct Row {
    seq: i64,
    at_ms: i64,
    actor: String,
    kind: String,
    payload: String,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

/// Walks the event log in sequence order, one row at a time (one query, so
/// one consistent snapshot while the hub keeps writing), and reports the
/// first row that breaks the chain: a gap in the sequence (removed), a row
/// whose `prev_hash` is not the previous row's hash (inserted or out of
/// order), or a row whose hash does not match its fields (changed).
///
/// # Errors
/// The log cannot be read at all; a row that reads but makes no sense is a
/// finding, not an error.
pub fn verify(conn: &Connection) -> Result<AuditReport, StoreError> {
    let mut stmt = conn.0.prepare(
        "SELECT seq, at_ms, actor, kind, payload, prev_hash, hash FROM events ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut report = AuditReport {
        verified: 0,
        head: None,
        problem: None,
    };
    let (mut expected_seq, mut prev) = (1_i64, [0_u8; 32]);
    while let Some(r) = rows.next()? {
        // `seq` is the table's integer key: always an integer.
        let seq: i64 = r.get(0)?;
        let checked = if seq == expected_seq {
            read_row(r, seq).and_then(|row| check(&row, &prev).map(|()| row.hash))
        } else {
            Err(removed(expected_seq, seq))
        };
        match checked {
            Ok(hash) => {
                report.verified += 1;
                report.head = Some(ChainHead { seq, hash });
                (expected_seq, prev) = (seq + 1, hash);
            }
            Err(problem) => {
                report.problem = Some(problem);
                break;
            }
        }
    }
    Ok(report)
}

fn removed(expected: i64, found: i64) -> ChainBreak {
    let span = if found - expected == 1 {
        format!("第 {expected} 条")
    } else {
        format!("第 {expected} 至 {} 条", found - 1)
    };
    ChainBreak {
        seq: expected,
        breach: Breach::Removed,
        detail: format!(
            "{span}事件不存在，序号从 {} 跳到 {found} / event(s) {expected}..{} are missing",
            expected - 1,
            found - 1
        ),
    }
}

/// Checks a row in its place against the chain so far: its link to the
/// previous row, then its own hash.
fn check(row: &Row, prev: &[u8; 32]) -> Result<(), ChainBreak> {
    let seq = row.seq;
    let recomputed = row_hash(prev, seq, row.at_ms, &row.actor, &row.kind, &row.payload);
    if row.prev_hash != *prev {
        // The link itself was edited if the row still hashes right on the
        // true predecessor.
        return Err(if recomputed == row.hash {
            ChainBreak {
                seq,
                breach: Breach::Changed,
                detail: format!(
                    "第 {seq} 条事件记录的上一条哈希被改动 / event {seq}'s prev_hash was edited"
                ),
            }
        } else {
            ChainBreak {
                seq,
                breach: Breach::InsertedOrReordered,
                detail: format!(
                    "第 {seq} 条事件不接续第 {} 条：其上一条哈希与第 {} 条的哈希不符 / event {seq} \
                     does not follow event {}: its prev_hash is not that event's hash",
                    seq - 1,
                    seq - 1,
                    seq - 1
                ),
            }
        });
    }
    if recomputed != row.hash {
        return Err(ChainBreak {
            seq,
            breach: Breach::Changed,
            detail: format!(
                "第 {seq} 条事件的内容与其哈希不符 / event {seq}'s contents do not match its hash"
            ),
        });
    }
    Ok(())
}

/// Reads a row's fields; a field of the wrong type or size is a change.
fn read_row(r: &rusqlite::Row<'_>, seq: i64) -> Result<Row, ChainBreak> {
    let bad = |field: &str| ChainBreak {
        seq,
        breach: Breach::Changed,
        detail: format!(
            "第 {seq} 条事件的字段 {field} 类型或长度不对 / event {seq}'s {field} has the wrong type or size"
        ),
    };
    let integer = |i: usize, name: &str| match r.get_ref(i) {
        Ok(ValueRef::Integer(v)) => Ok(v),
        _ => Err(bad(name)),
    };
    let text = |i: usize, name: &str| match r.get_ref(i) {
        Ok(ValueRef::Text(t)) => String::from_utf8(t.to_vec()).map_err(|_| bad(name)),
        _ => Err(bad(name)),
    };
    let hash = |i: usize, name: &str| match r.get_ref(i) {
        Ok(ValueRef::Blob(b)) => <[u8; 32]>::try_from(b).map_err(|_| bad(name)),
        _ => Err(bad(name)),
    };
    Ok(Row {
        seq,
        at_ms: integer(1, "at_ms")?,
        actor: text(2, "actor")?,
        kind: text(3, "kind")?,
        payload: text(4, "payload")?,
        prev_hash: hash(5, "prev_hash")?,
        hash: hash(6, "hash")?,
    })
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::*;
    use crate::domain::ids::{Actor, Timestamp};
    use crate::store::events::{Chain, append};

    /// A log of five events in a fresh database.
    fn log() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("a.db")).unwrap();
        let mut chain = Chain::load(&conn).unwrap();
        let at: Timestamp = "2026-03-02T02:00:00Z".parse().unwrap();
        for n in 1..=5 {
            let payload = format!("{{\"n\":{n}}}");
            append(&conn, &mut chain, at, &Actor::System, "x", &payload).unwrap();
        }
        (dir, conn)
    }

    fn breach(conn: &Connection) -> (i64, Breach) {
        let problem = verify(conn).unwrap().problem.expect("a break");
        (problem.seq, problem.breach)
    }

    #[test]
    fn an_intact_log_and_an_empty_one_verify() {
        let (_dir, conn) = log();
        let report = verify(&conn).unwrap();
        assert!(report.is_intact());
        assert_eq!((report.verified, report.head.unwrap().seq), (5, 5));
        assert!(
            report
                .to_string()
                .starts_with("ok: 5 events, chain intact up to seq 5 (hash ")
        );
        conn.0.execute("DELETE FROM events", []).unwrap();
        let empty = verify(&conn).unwrap();
        assert_eq!((empty.verified, empty.head, empty.problem), (0, None, None));
    }

    #[test]
    fn a_changed_payload_is_found_at_its_row() {
        let (_dir, conn) = log();
        conn.0
            .execute("UPDATE events SET payload = '{\"n\":9}' WHERE seq = 3", [])
            .unwrap();
        assert_eq!(breach(&conn), (3, Breach::Changed));
        let report = verify(&conn).unwrap();
        assert_eq!(report.verified, 2);
        assert!(
            report
                .to_string()
                .starts_with("broken at seq 3: 被改动 changed")
        );
    }

    #[test]
    fn an_edited_link_or_a_hash_of_the_wrong_size_is_a_change() {
        let (_dir, conn) = log();
        conn.0
            .execute(
                "UPDATE events SET prev_hash = zeroblob(32) WHERE seq = 4",
                [],
            )
            .unwrap();
        assert_eq!(breach(&conn), (4, Breach::Changed));
        let (_dir, conn) = log();
        conn.0
            .execute("UPDATE events SET hash = x'00' WHERE seq = 2", [])
            .unwrap();
        assert_eq!(breach(&conn), (2, Breach::Changed));
    }

    #[test]
    fn removed_rows_are_found_where_the_gap_begins() {
        let (_dir, conn) = log();
        conn.0
            .execute("DELETE FROM events WHERE seq IN (2, 3)", [])
            .unwrap();
        assert_eq!(breach(&conn), (2, Breach::Removed));
        let (_dir, conn) = log();
        conn.0
            .execute("DELETE FROM events WHERE seq = 1", [])
            .unwrap();
        assert_eq!(breach(&conn), (1, Breach::Removed));
    }

    #[test]
    fn swapped_rows_are_out_of_order() {
        let (_dir, conn) = log();
        // Rows 2 and 3 trade places, each keeping its own hashes.
        let copy = "SELECT at_ms, actor, kind, payload, prev_hash, hash FROM events WHERE seq = ?1";
        let read = |seq: i64| {
            conn.0
                .query_row(copy, [seq], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                        r.get::<_, Vec<u8>>(5)?,
                    ))
                })
                .unwrap()
        };
        let (two, three) = (read(2), read(3));
        for (seq, row) in [(2, three), (3, two)] {
            conn.0
                .execute(
                    "UPDATE events SET at_ms = ?2, actor = ?3, kind = ?4, payload = ?5,
                   prev_hash = ?6, hash = ?7 WHERE seq = ?1",
                    params![seq, row.0, row.1, row.2, row.3, row.4, row.5],
                )
                .unwrap();
        }
        assert_eq!(breach(&conn), (2, Breach::InsertedOrReordered));
    }
}
