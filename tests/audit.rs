//! The audit log check on a real hub's database: a clean log verifies; a
//! payload altered with the sqlite3 tool, or a row deleted, in a copy is
//! found at its sequence number; a table row edited behind the hub's back is
//! named although the chain is whole; a chain cut short or rewritten whole is
//! caught by the signed heads; personal values never reach the log, and once
//! erased leave the file while the audit still verifies. `yimen audit
//! verify` exits 0 or 1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Duration;
use common::{KIOSK, TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};
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
    yimen(&["audit", "verify", "--db", db.to_str().unwrap()])
}

/// `yimen ARGS…`: exit code and standard output.
fn yimen(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), format!("{stdout}{stderr}"))
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

/// One applicant's personal values, each distinct enough to search for.
struct Citizen {
    name: &'static str,
    id_number: String,
    phone: &'static str,
}

fn citizens() -> [Citizen; 3] {
    [
        Citizen {
            name: "欧阳明远",
            id_number: id_number("19850412", 31),
            phone: "13911112222",
        },
        Citizen {
            name: "司马清和",
            id_number: id_number("19900307", 12),
            phone: "13733334444",
        },
        Citizen {
            name: "诸葛长青",
            id_number: id_number("19771120", 57),
            phone: "13655556666",
        },
    ]
}

const ADDRESS: &str = "云湖经开区云湖大道 100 号 创新大厦 8 楼";
const COLLECTOR: &str = "司马清和之女司马小雨";

async fn ok(hub: &TestHub, path: &str, token: &str, body: Value) -> Value {
    let (status, value) = hub.post(path, Some(token), body).await;
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

/// Opens a case for `who` at counter 1, with the result mailed to `mail_to`.
async fn open_case(hub: &TestHub, clerk: &str, who: &Citizen, mail_to: Option<&str>) -> String {
    hub.issue(json!({"service": "SCJG-001"})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
    let (_, catalogue) = hub.get("/api/v1/services", None).await;
    let guide = catalogue["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "SCJG-001")
        .unwrap();
    let materials: Vec<Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "received": true}))
        .collect();
    let mut body = json!({
        "service": "SCJG-001",
        "applicant": {"name": who.name, "id_number": who.id_number, "phone": who.phone},
        "materials": materials,
        "intake": "accept",
    });
    if let Some(address) = mail_to {
        body["mail_to"] = json!(address);
    }
    let case = ok(hub, "/api/v1/cases", clerk, body).await;
    hub.act_ok(clerk, 1, "finish").await;
    case["number"].as_str().unwrap().to_owned()
}

/// Three cases on Monday 2026-03-02: the first mailed and closed, the
/// second collected at the pickup window by someone else and closed, the
/// third still with the department. Returns their numbers.
async fn three_cases(hub: &TestHub) -> [String; 3] {
    let [a, b, c] = citizens();
    let clerk = hub.login("1001", Some(1)).await;
    let reviewer = hub.login("2001", None).await;
    let pickup = hub.login("3001", Some(10)).await;
    let mailed = open_case(hub, &clerk, &a, Some(ADDRESS)).await;
    let collected = open_case(hub, &clerk, &b, None).await;
    let pending = open_case(hub, &clerk, &c, None).await;
    for number in [&mailed, &collected] {
        ok(
            hub,
            &format!("/api/v1/cases/{number}/claim"),
            &reviewer,
            json!({}),
        )
        .await;
        let decision = json!({"approve": true});
        ok(
            hub,
            &format!("/api/v1/cases/{number}/decision"),
            &reviewer,
            decision,
        )
        .await;
    }
    let tracking = json!({"tracking_number": "SF1234567890"});
    ok(
        hub,
        &format!("/api/v1/cases/{mailed}/pickup"),
        &pickup,
        tracking,
    )
    .await;
    let (status, _) = hub
        .post("/api/v1/tickets", Some(KIOSK), json!({"case": collected}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    hub.act_ok(&pickup, 10, "call-next").await;
    hub.act_ok(&pickup, 10, "start").await;
    let by = json!({"collected_by": COLLECTOR});
    ok(
        hub,
        &format!("/api/v1/cases/{collected}/pickup"),
        &pickup,
        by,
    )
    .await;
    hub.act_ok(&pickup, 10, "finish").await;
    [mailed, collected, pending]
}

/// A hall two days long: cases on Monday, the day's end, tickets on Tuesday,
/// and a graceful stop; each day's head signed.
async fn two_days() -> (TestHub, [String; 3]) {
    let mut hub = TestHub::start().await;
    let cases = three_cases(&hub).await;
    hub.issue(json!({"queue": "A"})).await;
    hub.clock.advance(Duration::days(1));
    hub.hub.tick().await.unwrap();
    let clerk = hub.login("1001", Some(1)).await;
    hub.issue(json!({"queue": "A"})).await;
    hub.act_ok(&clerk, 1, "call-next").await;
    hub.stop().await;
    (hub, cases)
}

/// A copy of a stopped hub's database and its signed heads.
fn copy_with_heads(hub: &TestHub, name: &str) -> PathBuf {
    let to = copy(hub, name);
    let (from_heads, to_heads) = (heads_of(&hub.db()), heads_of(&to));
    std::fs::create_dir_all(&to_heads).unwrap();
    for entry in std::fs::read_dir(from_heads).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to_heads.join(path.file_name().unwrap())).unwrap();
    }
    to
}

fn heads_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.heads", db.display()))
}

#[tokio::test]
async fn an_untouched_hall_passes_every_check() {
    let (hub, _) = two_days().await;
    let mut heads: Vec<String> = std::fs::read_dir(heads_of(&hub.db()))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    heads.sort();
    assert_eq!(heads, ["2026-03-02.head", "2026-03-03.head", "hall.pub"]);
    let (code, out) = yimen_verify(&hub.db());
    assert_eq!(code, Some(0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ok: "), "{out}");
    assert!(
        lines[1].starts_with("ok: 6 tickets, 3 cases, 4 sessions "),
        "{out}"
    );
    assert!(
        lines[2].starts_with("ok: 2 signed heads match the log"),
        "{out}"
    );
}

#[tokio::test]
async fn a_table_row_edited_behind_the_hubs_back_is_named() {
    let (hub, [mailed, collected, _]) = two_days().await;
    let db = hub.db();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let served: String = conn
        .query_row(
            "SELECT id FROM tickets WHERE state = 'finished' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let session: String = conn
        .query_row("SELECT id FROM sessions ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let forged_phone = "13900000000";
    // Each edit, on its own copy, and what verify must say.
    let edits = [
        (
            format!("UPDATE tickets SET state = 'waiting' WHERE id = '{served}'"),
            format!("table tickets differs at {served}: 字段 state"),
        ),
        (
            format!("UPDATE tickets SET priority = 1 WHERE id = '{served}'"),
            format!("table tickets differs at {served}: 字段 priority"),
        ),
        (
            format!("UPDATE cases SET state = 'approved' WHERE number = '{mailed}'"),
            format!("table cases differs at {mailed}: 字段 state"),
        ),
        (
            format!(
                "UPDATE cases SET data = json_set(data, '$.department', 'ga') \
                 WHERE number = '{collected}'"
            ),
            format!("table cases differs at {collected}: 字段 data.department"),
        ),
        (
            format!("DELETE FROM sessions WHERE id = '{session}'"),
            format!("table sessions differs at {session}: 日志中有此行，数据表中没有"),
        ),
        (
            // A session nobody logged in to: a token that would work after a restart.
            "INSERT INTO sessions (id, staff, counter, opened_at_ms, expires_at_ms) \
             VALUES ('forged', '9001', NULL, 0, 99999999999999)"
                .to_owned(),
            "table sessions differs at forged: 数据表中有此行，但没有事件产生它".to_owned(),
        ),
        (
            format!("UPDATE personal SET phone = '{forged_phone}' WHERE case_number = '{mailed}'"),
            format!("table personal differs at {mailed}: 字段 phone 与其承诺值不符"),
        ),
    ];
    for (i, (sql, says)) in edits.iter().enumerate() {
        let copy = copy_with_heads(&hub, &format!("edited-{i}.db"));
        sqlite3(&copy, sql);
        let (code, out) = yimen_verify(&copy);
        assert_eq!(code, Some(1), "{sql}\n{out}");
        assert!(out.starts_with("ok: "), "the chain itself is whole: {out}");
        assert!(
            out.lines().nth(1).unwrap().starts_with(says.as_str()),
            "{sql}\n{out}"
        );
        assert!(
            !out.contains(forged_phone),
            "no personal value is printed: {out}"
        );
    }
}

/// Rewrites every row's hashes from `from` on, as someone who edits an
/// event and then recomputes the chain would.
fn rehash(db: &Path, from: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut prev: Vec<u8> = conn
        .query_row("SELECT hash FROM events WHERE seq = ?1", [from - 1], |r| {
            r.get(0)
        })
        .unwrap();
    let rows: Vec<(i64, i64, String, String, String)> = conn
        .prepare("SELECT seq, at_ms, actor, kind, payload FROM events WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([from], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (seq, at_ms, actor, kind, payload) in rows {
        let prev_hash: [u8; 32] = prev.clone().try_into().unwrap();
        let hash = yimen::store::events::row_hash(&prev_hash, seq, at_ms, &actor, &kind, &payload);
        conn.execute(
            "UPDATE events SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![seq, &prev_hash[..], &hash[..]],
        )
        .unwrap();
        prev = hash.to_vec();
    }
}

#[tokio::test]
async fn a_chain_cut_short_or_rewritten_whole_is_caught_by_the_signed_heads() {
    let (hub, _) = two_days().await;
    let monday_head: i64 = std::fs::read_to_string(heads_of(&hub.db()).join("2026-03-02.head"))
        .unwrap()
        .split_whitespace()
        .find_map(|w| w.strip_prefix("seq="))
        .unwrap()
        .parse()
        .unwrap();

    // Tuesday's events cut off: the chain that is left is whole.
    let cut = copy_with_heads(&hub, "cut.db");
    sqlite3(
        &cut,
        &format!("DELETE FROM events WHERE seq > {monday_head};"),
    );
    assert!(check(&cut).is_intact());
    let (code, out) = yimen_verify(&cut);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("日志被截断"), "{out}");

    // The second ticket made a green-channel one, every hash recomputed.
    let rewritten = copy_with_heads(&hub, "rewritten.db");
    let seq = second_ticket(&rewritten);
    sqlite3(
        &rewritten,
        &format!(
            "UPDATE events SET payload = json_set(payload, '$.ticket.priority', json('true')) \
             WHERE seq = {seq};"
        ),
    );
    rehash(&rewritten, seq);
    assert!(check(&rewritten).is_intact(), "the chain alone is fooled");
    let (code, out) = yimen_verify(&rewritten);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("the log was rewritten"), "{out}");

    // A head moved to another event no longer carries the hall's signature.
    let moved = copy_with_heads(&hub, "moved.db");
    let head = heads_of(&moved).join("2026-03-02.head");
    let text = std::fs::read_to_string(&head).unwrap();
    let text = text.replace(
        &format!("seq={monday_head} "),
        &format!("seq={} ", monday_head - 1),
    );
    std::fs::write(&head, text).unwrap();
    let (code, out) = yimen_verify(&moved);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("is not signed by the hall's key"), "{out}");

    // Checked against another hall's key, nothing passes.
    let other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    let db = hub.db();
    let (code, out) = yimen(&[
        "audit",
        "verify",
        "--db",
        db.to_str().unwrap(),
        "--public-key",
        other,
    ]);
    assert_eq!(code, Some(1), "{out}");
}

/// Every byte of the database's files, WAL included.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    for suffix in ["-wal", "-journal"] {
        if let Ok(more) = std::fs::read(format!("{}{suffix}", db.display())) {
            bytes.extend(more);
        }
    }
    bytes
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

#[tokio::test]
async fn personal_values_never_reach_the_log_or_the_cases_rows() {
    let hub = TestHub::start().await;
    let [mailed, ..] = three_cases(&hub).await;
    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let text: Vec<String> = conn
        .prepare("SELECT payload FROM events UNION ALL SELECT data FROM cases")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let text = text.join("\n");
    for who in citizens() {
        for value in [who.name, who.id_number.as_str(), who.phone] {
            assert!(
                !text.contains(value),
                "{value} is in the log or a case's row"
            );
        }
    }
    for value in [ADDRESS, COLLECTOR] {
        assert!(
            !text.contains(value),
            "{value} is in the log or a case's row"
        );
    }
    // The department still reads them, after a restart too.
    let hub = hub.restart().await;
    let reviewer = hub.login("2001", None).await;
    let (_, case) = hub
        .get(&format!("/api/v1/cases/{mailed}"), Some(&reviewer))
        .await;
    assert_eq!(case["applicant"]["name"], citizens()[0].name, "{case}");
    assert_eq!(case["mail_to"], ADDRESS, "{case}");
}

#[tokio::test]
async fn erased_values_leave_the_file_and_the_audit_still_verifies() {
    let mut hub = TestHub::start().await;
    let [mailed, collected, pending] = three_cases(&hub).await;
    let db = hub.db();
    let db_arg = db.to_str().unwrap();

    // Closed on Monday: not before Monday.
    let (code, out) = yimen(&["erase", "--db", db_arg, "--closed-before", "2026-03-02"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("nothing to erase"), "{out}");
    // Beside the running hub, which takes the erasure in at its next commit.
    let (code, out) = yimen(&["erase", "--db", db_arg, "--closed-before", "2026-03-03"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("2 cases that ended before 2026-03-03"),
        "{out}"
    );
    assert!(out.contains(&format!(": {mailed} {collected}")), "{out}");
    hub.hub.tick().await.unwrap();
    let reviewer = hub.login("2001", None).await;
    let (_, case) = hub
        .get(&format!("/api/v1/cases/{collected}"), Some(&reviewer))
        .await;
    assert_eq!(
        (
            &case["applicant"]["name"],
            &case["applicant"]["id_number"],
            &case["collected_by"]
        ),
        (&json!("已删除"), &json!("已删除"), &json!("已删除")),
        "{case}"
    );
    let (_, case) = hub
        .get(&format!("/api/v1/cases/{pending}"), Some(&reviewer))
        .await;
    assert_eq!(case["applicant"]["name"], citizens()[2].name, "{case}");

    hub.stop().await;
    let bytes = file_bytes(&db);
    let [a, b, c] = citizens();
    for value in [
        a.name,
        a.id_number.as_str(),
        a.phone,
        b.name,
        b.id_number.as_str(),
        ADDRESS,
        COLLECTOR,
    ] {
        assert!(!holds(&bytes, value), "{value} is still in the file");
    }
    assert!(holds(&bytes, c.name), "the pending case keeps its values");
    let (code, out) = yimen_verify(&db);
    assert_eq!(code, Some(0), "{out}");
    // A restarted hub shows the erasure too.
    let hub = hub.start_again().await;
    let reviewer = hub.login("2001", None).await;
    let (_, case) = hub
        .get(&format!("/api/v1/cases/{mailed}"), Some(&reviewer))
        .await;
    assert_eq!(
        (&case["applicant"]["phone"], &case["mail_to"]),
        (&json!("已删除"), &json!("已删除"))
    );
}
