//! The audit log check on a real hub's database: a clean log verifies; a
//! payload altered with the sqlite3 tool, or a row deleted, in a copy is
//! found at its sequence number; `yimen audit verify` exits 0 or 1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestHub;
use serde_json::json;
use yimen::store::audit::{AuditReport, Breach, verify};

/// A hub with a short log: a login, three tickets, one served.
async fn busy_hub() -> TestHub {
    let hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    for _ in 0..3 {
        hub.issue(json!({"queue": "A"})).await;
    }
    for action in ["call-next", "start", "finish"] {
        hub.act_ok(&token, 1, action).await;
    }
    hub
}

/// A consistent copy of the live database, WAL included.
fn copy(hub: &TestHub, name: &str) -> PathBuf {
    let to = hub.dir.path().join(name);
    rusqlite::Connection::open(hub.db())
        .unwrap()
        .execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
    to
}

/// Runs SQL with the sqlite3 command-line tool, as someone tampering would.
fn sqlite3(db: &Path, sql: &str) {
    let status = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .status()
        .expect("the sqlite3 tool is installed (apt-get install sqlite3)");
    assert!(status.success(), "sqlite3 {sql}");
}

fn check(db: &Path) -> AuditReport {
    verify(&yimen::store::open_reader(db).unwrap()).unwrap()
}

/// `yimen audit verify --db DB`: exit code and standard output.
fn yimen_verify(db: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["audit", "verify", "--db"])
        .arg(db)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// The sequence number of the second ticket issued (A002).
fn second_ticket(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT seq FROM events WHERE kind = 'ticket_issued' ORDER BY seq LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn a_clean_log_verifies() {
    let hub = busy_hub().await;
    let last = hub.last_seq();
    assert!(
        last >= 7,
        "a login, three tickets, a call, a start, a finish"
    );
    let live = check(&hub.db());
    assert!(live.is_intact(), "{live}");
    assert_eq!(live.verified, u64::try_from(last).unwrap());
    assert_eq!(live.head.unwrap().seq, last);

    let (code, out) = yimen_verify(&copy(&hub, "clean.db"));
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with(&format!(
            "ok: {last} events, chain intact up to seq {last} (hash "
        )),
        "{out}"
    );
}

#[tokio::test]
async fn a_payload_altered_with_sqlite3_is_found_as_changed() {
    let hub = busy_hub().await;
    let db = copy(&hub, "altered.db");
    let seq = second_ticket(&db);
    let read = |db: &Path| -> String {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row("SELECT payload FROM events WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let before = read(&db);
    // The ticket becomes a green-channel one after the fact.
    sqlite3(
        &db,
        &format!(
            "UPDATE events SET payload = json_set(payload, '$.ticket.priority', json('true')) \
             WHERE seq = {seq};"
        ),
    );
    assert_ne!(read(&db), before, "the tool changed the row");

    let report = check(&db);
    let problem = report.problem.as_ref().expect("a break");
    assert_eq!((problem.seq, problem.breach), (seq, Breach::Changed));
    assert_eq!(report.verified, u64::try_from(seq - 1).unwrap());

    let (code, out) = yimen_verify(&db);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with(&format!("broken at seq {seq}: 被改动 changed")),
        "{out}"
    );
}

#[tokio::test]
async fn a_deleted_row_is_found_as_removed() {
    let hub = busy_hub().await;
    let db = copy(&hub, "removed.db");
    let seq = second_ticket(&db);
    sqlite3(&db, &format!("DELETE FROM events WHERE seq = {seq};"));

    let problem = check(&db).problem.expect("a break");
    assert_eq!((problem.seq, problem.breach), (seq, Breach::Removed));

    let (code, out) = yimen_verify(&db);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with(&format!("broken at seq {seq}: 被删除 removed")),
        "{out}"
    );
    // The original is untouched.
    assert!(check(&hub.db()).is_intact());
}

#[test]
fn a_missing_database_is_an_error_not_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["audit", "verify", "--db"])
        .arg(dir.path().join("none.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}
