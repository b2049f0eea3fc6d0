//! Logins nobody can flood or race: the lockout checked and recorded as one
//! attempt, wrong PINs throttled per address before they can lock an id,
//! argon2 work bounded, a supervisor's unlock, device keys that a flood of
//! random ones cannot delay, PINs too easy to guess refused, and a health
//! check that tells the truth.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{KIOSK, PIN, TestHub};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use yimen::config::{Config, DeviceKey, DeviceKind, DeviceSecret, secret};
use yimen::domain::ids::StaffId;
use yimen::hub::clock::ManualClock;

async fn start_with(edit: impl FnOnce(&mut Config)) -> TestHub {
    let mut config = common::sample_config();
    edit(&mut config);
    TestHub::start_with(config, Arc::new(ManualClock::new(common::monday_morning()))).await
}

/// A login's status, error code, message and `Retry-After`, straight from
/// the hub through the contract's proxy.
async fn log_in(
    hub: &TestHub,
    staff: &str,
    pin: &str,
) -> (StatusCode, String, String, Option<u64>) {
    let resp = hub
        .http
        .post(format!("{}/api/v1/sessions", hub.url))
        .json(&json!({"staff": staff, "pin": pin}))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let body: Value = resp.json().await.unwrap();
    hub.assert_contract_kept();
    let code = body["error"]["code"].as_str().unwrap_or("").to_owned();
    let message = body["error"]["message"].as_str().unwrap_or("").to_owned();
    (status, code, message, retry_after)
}

fn count(answers: &[(StatusCode, String, String, Option<u64>)], status: StatusCode) -> usize {
    answers.iter().filter(|a| a.0 == status).count()
}

/// Kinds and actors of the events about one staff id's logins.
fn login_events(hub: &TestHub, staff: &str) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT kind, actor FROM events WHERE kind LIKE 'staff_%'
             AND json_extract(payload, '$.staff') = ?1 ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([staff], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn concurrent_wrong_guesses_are_checked_no_further_than_the_lockout() {
    // As if from many addresses: the throttle stays out of the way.
    let hub = start_with(|c| {
        c.logins.failures_per_id = 100;
        c.logins.failures_per_address = 100;
    })
    .await;
    let answers = join_all((0..24).map(|_| log_in(&hub, "1002", "135790"))).await;
    // Exactly five were checked and refused; every later one met the lock.
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED), 5, "{answers:?}");
    assert_eq!(count(&answers, StatusCode::LOCKED), 19, "{answers:?}");
    let failures = login_events(&hub, "1002");
    assert_eq!(failures.len(), 5);
    let record = hub.hall().login_record(&StaffId("1002".into())).cloned();
    assert!(record.unwrap().locked_until.is_some());
}

#[tokio::test]
async fn a_locked_id_answers_the_same_whatever_the_pin() {
    let hub = start_with(|c| c.logins.failures_per_id = 100).await;
    for _ in 0..5 {
        assert_eq!(
            log_in(&hub, "1002", "135790").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let right = log_in(&hub, "1002", PIN).await;
    let wrong = log_in(&hub, "1002", "135790").await;
    let empty = log_in(&hub, "1002", "").await;
    let long = log_in(&hub, "1002", &"7".repeat(65)).await;
    assert_eq!(right.0, StatusCode::LOCKED);
    assert_eq!(right.1, "staff_locked");
    assert_eq!(right, wrong);
    assert_eq!(right, empty);
    assert_eq!(right, long);
    // Nothing more was recorded: the lock was not even a check.
    assert_eq!(login_events(&hub, "1002").len(), 5);
}

#[tokio::test]
async fn a_flood_from_one_address_is_throttled_before_it_can_lock_an_id() {
    let hub = TestHub::start().await;
    let flood = (0..200).map(|i| {
        let staff = ["1001", "1002", "9001", "7777"][i % 4];
        log_in(&hub, staff, "135790")
    });
    let answers = join_all(flood).await;
    let refused = count(&answers, StatusCode::UNAUTHORIZED);
    let throttled = count(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused + throttled, 200, "{answers:?}");
    // Four per id (the unknown 7777 too), within twenty for the address.
    assert_eq!(refused, 16, "{answers:?}");
    for (status, code, message, retry_after) in &answers {
        if *status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(code, "too_many_attempts");
            assert!(message.contains("锁定"), "{message}");
            assert!(retry_after.is_some_and(|s| (1..=901).contains(&s)));
        }
    }
    let hall = hub.hall();
    for staff in ["1001", "1002", "9001"] {
        let record = hall.login_record(&StaffId(staff.into())).cloned().unwrap();
        assert_eq!((record.failures, record.locked_until), (4, None), "{staff}");
    }
    // The address may still log in as someone it has not guessed at.
    assert_eq!(log_in(&hub, "1003", PIN).await.0, StatusCode::CREATED);
    // Once the lockout time has passed, the clerk who typed wrong may try again.
    hub.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(log_in(&hub, "1001", PIN).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn an_unknown_id_is_refused_like_a_known_one() {
    let hub = TestHub::start().await;
    let known = log_in(&hub, "1001", "135790").await;
    let unknown = log_in(&hub, "7777", "135790").await;
    assert_eq!(known, unknown);
    assert_eq!(known.1, "wrong_pin");
}

#[tokio::test]
async fn pin_checks_run_a_few_at_a_time_and_the_rest_are_told_to_wait() {
    let hub = start_with(|c| {
        c.logins.failures_per_id = 100;
        c.logins.failures_per_address = 1000;
        c.logins.pin_checks_at_once = 1;
        c.logins.pin_checks_waiting = 2;
    })
    .await;
    let staff: Vec<String> = (0..60).map(|i| format!("8{i:03}")).collect();
    let answers = join_all(staff.iter().map(|s| log_in(&hub, s, "135790"))).await;
    let busy = count(&answers, StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy > 0, "every check ran: {answers:?}");
    assert_eq!(busy + count(&answers, StatusCode::UNAUTHORIZED), 60);
    for answer in answers
        .iter()
        .filter(|a| a.0 == StatusCode::SERVICE_UNAVAILABLE)
    {
        assert_eq!((answer.1.as_str(), answer.3), ("busy", Some(1)));
    }
}

#[tokio::test]
async fn a_supervisor_unlocks_a_locked_id_and_the_log_says_who() {
    let hub = start_with(|c| c.logins.failures_per_id = 100).await;
    for _ in 0..5 {
        log_in(&hub, "1002", "135790").await;
    }
    assert_eq!(log_in(&hub, "1002", PIN).await.0, StatusCode::LOCKED);
    let clerk = hub.login("1001", Some(1)).await;
    let supervisor = hub.login("9001", None).await;
    let unlock = "/api/v1/staff/1002/unlock";
    for who in [KIOSK, common::DISPLAY, clerk.as_str()] {
        let (status, body) = hub.post(unlock, Some(who), json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    assert_eq!(
        hub.post(unlock, None, json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = hub
        .post("/api/v1/staff/7777/unlock", Some(&supervisor), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = hub.post(unlock, Some(&supervisor), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["seq"].as_i64().unwrap() > 0);
    let (status, body) = hub.post(unlock, Some(&supervisor), json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_locked"))
    );
    let events = login_events(&hub, "1002");
    assert_eq!(
        events.last().unwrap(),
        &("staff_unlocked".into(), "staff:9001".into())
    );
    // Unlocked for good: the lock does not come back with a restart.
    let hub = hub.restart().await;
    assert_eq!(log_in(&hub, "1002", PIN).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn a_flood_of_random_device_keys_never_delays_a_known_one() {
    // An older device on the slow path, so random keys have work to cause.
    let hub = start_with(|c| {
        for n in 0..3 {
            c.devices.push(DeviceKey {
                name: format!("旧取号机{n}"),
                kind: DeviceKind::Kiosk,
                secret: DeviceSecret::Argon2(secret::hash(&format!("old-kiosk-key-{n}")).unwrap()),
                priority: false,
            });
        }
    })
    .await;
    let started = Instant::now();
    let flood = join_all((0..40).map(|i| {
        let http = hub.http.clone();
        let url = format!("{}/api/v1/counters", hub.url);
        async move {
            let resp = http
                .get(url)
                .bearer_auth(format!("random-{i}"))
                .send()
                .await
                .unwrap();
            (resp.status(), Instant::now())
        }
    }));
    let kiosk = async {
        let mut answered = Vec::new();
        for _ in 0..5 {
            let (status, _) = hub
                .post("/api/v1/tickets", Some(KIOSK), json!({"queue": "A"}))
                .await;
            assert_eq!(status, StatusCode::CREATED);
            answered.push(Instant::now());
        }
        answered
    };
    let (flood, kiosk) = tokio::join!(flood, kiosk);
    hub.assert_contract_kept();
    let statuses: Vec<StatusCode> = flood.iter().map(|f| f.0).collect();
    assert!(
        statuses
            .iter()
            .all(|s| [401, 429, 503].contains(&s.as_u16())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The kiosk's tickets were all issued while random keys still waited
    // for the slow path.
    let last_random = flood.iter().map(|f| f.1).max().unwrap();
    let last_ticket = *kiosk.last().unwrap();
    assert!(
        last_ticket < last_random,
        "tickets done after {:?}, the flood after {:?}",
        last_ticket - started,
        last_random - started
    );
    // The older device still gets in, its key checked once and remembered,
    // from an address with no wrong keys left.
    let (status, _) = hub.get("/api/v1/counters", Some("old-kiosk-key-1")).await;
    assert!([200, 429].contains(&status.as_u16()), "{status}");
}

#[tokio::test]
async fn an_older_device_key_still_works() {
    let hub = start_with(|c| {
        c.devices.push(DeviceKey {
            name: "旧取号机".into(),
            kind: DeviceKind::Kiosk,
            secret: DeviceSecret::Argon2(secret::hash("old-kiosk-key").unwrap()),
            priority: false,
        });
    })
    .await;
    for _ in 0..3 {
        let (status, _) = hub
            .post(
                "/api/v1/tickets",
                Some("old-kiosk-key"),
                json!({"queue": "A"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, body) = hub.get("/api/v1/counters", Some("not-a-key")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn a_clerk_chooses_a_new_pin_that_is_not_trivial() {
    let hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    let change = "/api/v1/sessions/current/pin";
    for (new, code) in [
        ("111111", "weak_pin"),
        ("654321", "weak_pin"),
        ("12345", "weak_pin"),
        (PIN, "same_pin"),
    ] {
        let (status, body) = hub
            .post(
                change,
                Some(&token),
                json!({"old_pin": PIN, "new_pin": new}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{new}"
        );
    }
    let (status, body) = hub
        .post(
            change,
            Some(&token),
            json!({"old_pin": "000000", "new_pin": "204817"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_old_pin"))
    );
    let (status, _) = hub
        .post(
            change,
            Some(KIOSK),
            json!({"old_pin": PIN, "new_pin": "204817"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = hub
        .post(
            change,
            Some(&token),
            json!({"old_pin": PIN, "new_pin": "204817"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // The new PIN works, the old one no longer, and so after a restart.
    let hub = hub.restart().await;
    assert_eq!(log_in(&hub, "1001", PIN).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(log_in(&hub, "1001", "204817").await.0, StatusCode::CREATED);
    assert_eq!(
        log_in(&hub, "1002", PIN).await.0,
        StatusCode::CREATED,
        "others keep theirs"
    );
    let events = login_events(&hub, "1001");
    assert!(events.contains(&("staff_pin_changed".into(), "staff:1001".into())));
}

#[test]
fn check_config_refuses_trivial_pins_but_lets_the_demo_pin_pass_in_a_demo_hall() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::sample_dir(), dir.path());
    assert!(yimen::config::trivial_pin_errors(dir.path()).is_empty());
    let path = dir.path().join("hall.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (n, pin) in [(1, "111111"), (3, "6543210")] {
        let from = text.match_indices("pin_hash = \"").nth(n).unwrap().0 + "pin_hash = \"".len();
        let to = from + text[from..].find('"').unwrap();
        text.replace_range(from..to, &secret::hash(pin).unwrap());
    }
    std::fs::write(&path, text).unwrap();
    let errors = yimen::config::trivial_pin_errors(dir.path());
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["staff[1].pin_hash", "staff[3].pin_hash"],
        "{errors:?}"
    );
    assert!(errors[0].line.is_some());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["check-config"])
        .arg(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("staff[3].pin_hash") && said.contains("guess"),
        "{said}"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn hash_secret_refuses_trivial_pins_and_prints_a_device_keys_sha256() {
    use std::io::Write;
    let run = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yimen"))
            .arg("hash-secret")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{input}").unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(!run(&[], "888888").status.success());
    let key = "4f1c2a9b7e3d5c6a8b9e0f1a2b3c4d5e";
    let out = run(&["--device"], key);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        hex::encode(secret::sha256(key))
    );
    assert!(!run(&["--device"], "short-key").status.success());
}

#[tokio::test]
async fn health_says_unavailable_while_commits_fail() {
    let hub = TestHub::start().await;
    let (status, body) = hub.get("/api/v1/health", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));

    // Another process holds the database's write lock: the writer cannot
    // begin, and says so once its wait runs out.
    let blocker = rusqlite::Connection::open(hub.db()).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    assert!(hub.hub.tick().await.is_err());
    let (status, body) = hub.get("/api/v1/health", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert!(
        body["reason"].as_str().unwrap().contains("提交失败"),
        "{body}"
    );

    blocker.execute_batch("ROLLBACK").unwrap();
    hub.issue(json!({"queue": "A"})).await;
    let (status, _) = hub.get("/api/v1/health", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn health_says_unavailable_once_the_writer_has_stopped() {
    let mut hub = TestHub::start().await;
    let inner = hub.hub.clone();
    hub.stop().await;
    let health = inner.health();
    assert!(health.is_err_and(|reason| reason.contains("停止")));
}

#[tokio::test]
async fn the_login_flood_benchmark_runs_and_locks_nobody() {
    let plan = yimen::bench::logins::LoginsPlan {
        logins: 60,
        kiosks: 1,
        tickets_per_kiosk: 3,
        ..Default::default()
    };
    let clock = Arc::new(ManualClock::new(common::monday_morning()));
    let report = yimen::bench::logins::run(common::sample_config(), &plan, clock)
        .await
        .unwrap();
    assert_eq!(report.answers.values().sum::<usize>(), 60);
    // Twenty wrong PINs for the one address, the rest throttled.
    assert_eq!(report.answers.get(&401), Some(&20), "{report}");
    assert_eq!(report.answers.get(&429), Some(&40), "{report}");
    assert_eq!(report.tickets, 3);
    assert!(report.locked.is_empty());
    assert!(report.peak_rss_mib.is_some_and(|mib| mib > 0.0));
}
