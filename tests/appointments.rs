//! Appointments (预约取号) through a real hub: booking on the public API, the
//! race for a slot's last place, cancelling, checking in at the kiosk for a
//! ticket in the booked time's place, the counter's 预约 mark, no-shows and
//! their suspension, and bookings kept across a restart and erased after
//! their time.

mod common;

use chrono::Duration;
use common::{KIOSK, TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// 10:00 on Monday 2 March 2026 is when the test hub's clock starts.
const TODAY: &str = "2026-03-02";

fn booking(service: &str, date: &str, start: &str, citizen: u32) -> Value {
    json!({
        "service": service, "date": date, "start": start, "name": "张三",
        "id_number": id_number("19800101", citizen), "phone": "13800138000",
    })
}

async fn book(hub: &TestHub, body: Value) -> Value {
    let (status, made) = hub.post("/api/v1/appointments", None, body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

async fn check_in(hub: &TestHub, code: &str) -> (StatusCode, Value) {
    hub.post(
        "/api/v1/appointments/check-in",
        Some(KIOSK),
        json!({ "code": code }),
    )
    .await
}

async fn free(hub: &TestHub, service: &str, date: &str, start: &str) -> u64 {
    let (_, slots) = hub
        .get(
            &format!("/api/v1/appointments/slots?service={service}"),
            None,
        )
        .await;
    let day = slots["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap();
    let slot = day["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .unwrap();
    slot["free"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booked_citizen_checks_in_and_is_called_in_the_place_their_time_earned() {
    let hub = TestHub::start().await;
    let (_, services) = hub.get("/api/v1/appointments/services", None).await;
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"ZWFW-003") && !codes.contains(&"ZWFW-002"),
        "{codes:?}"
    );

    let before = free(&hub, "ZWFW-003", TODAY, "10:30").await;
    let made = book(&hub, booking("ZWFW-003", TODAY, "10:30", 1)).await;
    assert_eq!(made["name"], "张*", "masked: {made}");
    assert_eq!(made["checkin_from"], "09:30");
    assert_eq!(made["checkin_until"], "10:45");
    let code = made["code"].as_str().unwrap();
    assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(free(&hub, "ZWFW-003", TODAY, "10:30").await, before - 1);

    // A walk-in before the booked time, the appointment, a walk-in after it.
    let clerk = hub.login("1005", Some(5)).await;
    let early = hub.issue(json!({"queue": "A"})).await;
    hub.clock.advance(Duration::minutes(10));
    let (status, checked) = check_in(&hub, code).await;
    assert_eq!(status, StatusCode::CREATED, "{checked}");
    assert_eq!(checked["outcome"], "checked_in");
    assert_eq!(checked["ticket"]["appointment_at"], "10:30");
    assert_eq!(checked["booking"]["state"], "checked_in");
    hub.clock.advance(Duration::minutes(30));
    let late = hub.issue(json!({"queue": "A"})).await;

    let mut called = Vec::new();
    for _ in 0..3 {
        let view = hub.act_ok(&clerk, 5, "call-next").await;
        called.push(view["current"]["number"].as_str().unwrap().to_owned());
        if view["current"]["number"] == checked["ticket"]["number"] {
            assert_eq!(
                view["current"]["appointment_at"], "10:30",
                "the clerk sees 预约"
            );
        }
        hub.act_ok(&clerk, 5, "start").await;
        hub.act_ok(&clerk, 5, "finish").await;
    }
    assert_eq!(
        called,
        [
            early["number"].as_str().unwrap(),
            checked["ticket"]["number"].as_str().unwrap(),
            late["number"].as_str().unwrap(),
        ]
    );

    let (status, again) = check_in(&hub, code).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["error"]["code"], "checkin_closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_phones_racing_for_a_slots_last_place_give_it_to_exactly_one() {
    let hub = TestHub::start().await;
    let capacity = free(&hub, "ZWFW-003", "2026-03-03", "09:00").await;
    for citizen in 1..capacity as u32 {
        book(&hub, booking("ZWFW-003", "2026-03-03", "09:00", citizen)).await;
    }
    let racers = 20u32;
    let tasks: Vec<_> = (0..racers)
        .map(|i| {
            let http = hub.http.clone();
            let url = format!("{}/api/v1/appointments", hub.url);
            let body = booking("ZWFW-003", "2026-03-03", "09:00", 100 + i);
            tokio::spawn(async move { http.post(url).json(&body).send().await.unwrap() })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        let resp = task.await.unwrap();
        match resp.status() {
            StatusCode::CREATED => won += 1,
            StatusCode::CONFLICT => {
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["error"]["code"], "slot_full");
            }
            other => panic!("{other}"),
        }
    }
    hub.assert_contract_kept();
    assert_eq!(won, 1);
    assert_eq!(free(&hub, "ZWFW-003", "2026-03-03", "09:00").await, 0);
    let held = hub
        .hall()
        .bookings()
        .filter(|b| b.day.to_string() == "2026-03-03")
        .count();
    assert_eq!(held as u64, capacity);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bookings_are_refused_in_words_and_change_nothing() {
    let hub = TestHub::start().await;
    let seq = hub.last_seq();
    let mut wrong_id = booking("ZWFW-003", "2026-03-03", "09:00", 1);
    wrong_id["id_number"] = json!("110105198001010010");
    let cases = [
        (
            wrong_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id_number",
        ),
        (
            booking("ZWFW-003", "2026-03-03", "09:10", 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_slot",
        ),
        (
            booking("ZWFW-003", "2026-03-01", "09:00", 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_slot",
        ),
        (
            booking("ZWFW-002", "2026-03-03", "09:00", 1),
            StatusCode::NOT_FOUND,
            "not_bookable",
        ),
        (
            booking("NOPE-1", "2026-03-03", "09:00", 1),
            StatusCode::NOT_FOUND,
            "unknown_service",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = hub.post("/api/v1/appointments", None, body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(hub.last_seq(), seq, "nothing was recorded");

    book(&hub, booking("ZWFW-003", "2026-03-03", "09:00", 1)).await;
    let (status, twice) = hub
        .post(
            "/api/v1/appointments",
            None,
            booking("ZWFW-003", "2026-03-03", "14:00", 1),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(twice["error"]["code"], "already_booked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_takes_the_ids_last_four_and_wrong_guesses_are_braked() {
    let hub = TestHub::start().await;
    let made = book(&hub, booking("ZWFW-003", "2026-03-03", "09:00", 1)).await;
    let code = made["code"].as_str().unwrap();
    let four = &id_number("19800101", 1)[14..];
    let cancel = |four: &str| json!({"code": code, "id_last4": four});
    let (status, wrong) = hub
        .post("/api/v1/appointments/cancel", None, cancel("0000"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}");
    let (status, done) = hub
        .post("/api/v1/appointments/cancel", None, cancel(four))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "cancelled");
    let (status, again) = hub
        .post("/api/v1/appointments/cancel", None, cancel(four))
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("cancel_closed"))
    );

    let other = book(&hub, booking("ZWFW-003", "2026-03-03", "09:30", 2)).await;
    let guess = |four: String| json!({"code": other["code"], "id_last4": four});
    let mut statuses = Vec::new();
    for n in 0..12 {
        let (status, _) = hub
            .post(
                "/api/v1/appointments/cancel",
                None,
                guess(format!("{n:04}")),
            )
            .await;
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses[..10], [404; 10]);
    assert_eq!(statuses[10..], [429, 429], "the brake holds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_early_is_told_when_to_come_and_too_late_is_a_walk_in() {
    let hub = TestHub::start().await;
    // Queue E sends early arrivals away: check-in opens 30 minutes before.
    let made = book(&hub, booking("GA-001", TODAY, "11:00", 1)).await;
    let code = made["code"].as_str().unwrap();
    let (status, early) = check_in(&hub, code).await;
    assert_eq!(status, StatusCode::CONFLICT, "{early}");
    assert_eq!(early["error"]["code"], "too_early");
    assert_eq!(early["error"]["message"], "请于 10:30 后再来签到");

    hub.clock
        .advance(Duration::minutes(75) + Duration::seconds(1));
    let (status, late) = check_in(&hub, code).await;
    assert_eq!(status, StatusCode::CREATED, "{late}");
    assert_eq!(late["outcome"], "walk_in");
    assert_eq!(late["ticket"]["appointment_at"], Value::Null);
    assert_eq!(late["booking"]["state"], "missed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_missed_bookings_suspend_the_id_and_the_hub_says_until_when() {
    let hub = TestHub::start().await;
    for service in ["ZWFW-003", "RS-001", "GA-001"] {
        book(&hub, booking(service, TODAY, "11:00", 1)).await;
    }
    hub.clock.advance(Duration::minutes(75));
    hub.hub.tick().await.unwrap();
    let held = hub.hall();
    assert!(
        held.bookings()
            .all(|b| b.state == yimen::domain::booking::BookingState::Booked)
    );
    hub.clock.advance(Duration::seconds(1));
    hub.hub.tick().await.unwrap();
    let held = hub.hall();
    assert!(
        held.bookings()
            .all(|b| b.state == yimen::domain::booking::BookingState::Missed)
    );

    let (status, refused) = hub
        .post(
            "/api/v1/appointments",
            None,
            booking("ZWFW-003", "2026-03-04", "09:00", 1),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "booking_suspended");
    assert_eq!(
        refused["error"]["message"],
        "您近 30 天内有 3 次预约未签到，2026-04-01 前暂停预约"
    );
    book(&hub, booking("ZWFW-003", "2026-03-04", "09:00", 2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_survive_a_restart_and_lose_their_personal_values_after_their_time() {
    let hub = TestHub::start().await;
    let made = book(&hub, booking("ZWFW-003", TODAY, "10:30", 1)).await;
    let tomorrow = book(&hub, booking("ZWFW-003", "2026-03-03", "10:30", 2)).await;
    let hub = hub.restart().await;
    // Found by the ID number: the personal values came back with the booking.
    let (status, checked) = hub
        .post(
            "/api/v1/appointments/check-in",
            Some(KIOSK),
            json!({"id_number": id_number("19800101", 1)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{checked}");
    assert_eq!(checked["booking"]["code"], made["code"]);

    let mut hub = hub;
    hub.stop().await;
    let conn = yimen::store::open_writer(&hub.db()).unwrap();
    let cutoffs = yimen::store::personal::Cutoffs {
        cases_closed_before: "2026-01-01".parse().unwrap(),
        bookings_before: "2026-03-03".parse().unwrap(),
    };
    let erased = yimen::store::personal::erase(&conn, cutoffs, common::monday_morning()).unwrap();
    assert_eq!(
        erased.bookings,
        [made["code"].as_str().unwrap()],
        "tomorrow's stays"
    );
    let audit = yimen::store::rebuild::compare(&conn).unwrap();
    assert_eq!(
        audit.difference, None,
        "the bookings are what the log makes of them"
    );
    drop(conn);
    let raw = std::fs::read(hub.db()).unwrap();
    let id = id_number("19800101", 1);
    assert!(
        !raw.windows(id.len()).any(|w| w == id.as_bytes()),
        "the ID number left the file"
    );
    let hub = hub.start_again().await;
    let kept = hub.hall();
    let b = kept.booking(tomorrow["code"].as_str().unwrap()).unwrap();
    assert!(b.applicant.id_number.value().is_some());
    let gone = kept.booking(made["code"].as_str().unwrap()).unwrap();
    assert!(gone.applicant.id_number.value().is_none());

    // A row changed behind the hub's back is named by the audit.
    let mut hub = hub;
    hub.stop().await;
    let raw = rusqlite::Connection::open(hub.db()).unwrap();
    raw.execute(
        "UPDATE bookings SET data = replace(data, '\"checked_in\"', '\"booked\"')",
        [],
    )
    .unwrap();
    drop(raw);
    let conn = yimen::store::open_writer(&hub.db()).unwrap();
    let audit = yimen::store::rebuild::compare(&conn).unwrap();
    let difference = audit.difference.expect("the edit is found");
    assert_eq!(
        (difference.table, difference.key.as_str()),
        ("bookings", made["code"].as_str().unwrap())
    );
}
