//! Whole journeys through the real hub, each run twice: over plain HTTP
//! (through the contract-checking proxy) and over TLS, as a hall PC with the
//! hall's certificate speaks to it.

mod common;

use chrono::Duration;
use common::{KIOSK, TestHub};
use reqwest::StatusCode;
use serde_json::json;

async fn issue_call_start_finish(hub: TestHub) {
    let ticket = hub.issue(json!({"service": "SCJG-001"})).await;
    assert_eq!(ticket["number"], "A001");
    assert_eq!(ticket["service_name"], "企业设立登记");
    assert_eq!(ticket["ahead"], 0);
    let second = hub.issue(json!({"queue": "A"})).await;
    assert_eq!(second["number"], "A002");
    assert_eq!(second["ahead"], 1);
    assert!(second["estimated_wait_minutes"].as_u64().unwrap() > 0);

    let status_url = ticket["status_url"].as_str().unwrap();
    let (status, public) = hub.get(status_url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["state"], "waiting");
    assert_eq!(public["ahead"], 0);

    let token = hub.login("1001", Some(1)).await;
    let called = hub.act_ok(&token, 1, "call-next").await;
    assert_eq!(called["state"], "calling");
    assert_eq!(called["current"]["number"], "A001");
    let (_, public) = hub.get(status_url, None).await;
    assert_eq!(public["state"], "called");
    assert_eq!(public["counter"], 1);
    assert_eq!(public["counter_name"], "1号窗口 综合受理");
    let (_, behind) = hub.get(second["status_url"].as_str().unwrap(), None).await;
    assert_eq!(behind["ahead"], 0, "A002 is next now");

    hub.clock.advance(Duration::minutes(1));
    assert_eq!(hub.act_ok(&token, 1, "start").await["state"], "serving");
    hub.clock.advance(Duration::minutes(9));
    let done = hub.act_ok(&token, 1, "finish").await;
    assert_eq!(done["state"], "idle");
    assert!(done["current"].is_null());
    let (_, public) = hub.get(status_url, None).await;
    assert_eq!(public["state"], "finished");

    let t = hub
        .hall()
        .tickets()
        .find(|t| t.number.to_string() == "A001")
        .cloned()
        .unwrap();
    assert_eq!(
        t.finished_at.unwrap() - t.called_at.unwrap(),
        Duration::minutes(10)
    );
}

async fn recall_no_show_and_late_return(hub: TestHub) {
    let late = hub.issue(json!({"queue": "B"})).await;
    for _ in 0..4 {
        hub.issue(json!({"queue": "B"})).await;
    }
    let token = hub.login("1006", Some(6)).await;
    assert_eq!(
        hub.act_ok(&token, 6, "call-next").await["current"]["number"],
        "B001"
    );

    // Two recalls are needed before a no-show.
    let (status, body) = hub.act(&token, 6, "no-show").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "recalls_needed");
    assert_eq!(
        hub.act_ok(&token, 6, "recall").await["current"]["recalls"],
        1
    );
    assert_eq!(
        hub.act_ok(&token, 6, "recall").await["current"]["recalls"],
        2
    );
    let absent = hub.act_ok(&token, 6, "no-show").await;
    assert_eq!(absent["state"], "idle");
    let (_, public) = hub.get(late["status_url"].as_str().unwrap(), None).await;
    assert_eq!(public["state"], "no_show");

    // Back within the late window: three places behind the front.
    hub.clock.advance(Duration::minutes(20));
    let (status, back) = hub
        .post(
            "/api/v1/tickets/reactivate",
            Some(&token),
            json!({"number": "B001"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["state"], "waiting");
    assert_eq!(back["ahead"], 3);

    // Calls: B002, B003, B004, then B001, then B005.
    let mut order = Vec::new();
    for _ in 0..5 {
        let called = hub.act_ok(&token, 6, "call-next").await;
        order.push(called["current"]["number"].as_str().unwrap().to_owned());
        hub.act_ok(&token, 6, "start").await;
        hub.act_ok(&token, 6, "finish").await;
    }
    assert_eq!(order, ["B002", "B003", "B004", "B001", "B005"]);
}

async fn a_late_return_after_the_window_needs_a_new_ticket(hub: TestHub) {
    let ticket = hub.issue(json!({"queue": "D"})).await;
    let token = hub.login("1008", Some(8)).await;
    hub.act_ok(&token, 8, "call-next").await;
    hub.act_ok(&token, 8, "recall").await;
    hub.act_ok(&token, 8, "recall").await;
    hub.act_ok(&token, 8, "no-show").await;
    hub.clock.advance(Duration::minutes(31));
    let (status, body) = hub
        .post(
            "/api/v1/tickets/reactivate",
            Some(KIOSK),
            json!({"id": ticket["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "late_window_passed");
}

async fn transfer_keeps_the_original_place_in_line(hub: TestHub) {
    hub.issue(json!({"queue": "A"})).await; // A001, to be transferred to B
    hub.clock.advance(Duration::minutes(1));
    hub.issue(json!({"queue": "B"})).await; // B001, issued after A001
    let a_clerk = hub.login("1005", Some(5)).await;
    let b_clerk = hub.login("1006", Some(6)).await;
    hub.act_ok(&a_clerk, 5, "call-next").await;
    hub.act_ok(&a_clerk, 5, "start").await;
    let (status, body) = hub
        .post(
            "/api/v1/counters/5/transfer",
            Some(&a_clerk),
            json!({"queue": "B", "reason": "需办理税务登记"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "idle");
    // The tax counter calls A001 before B001: it was issued first.
    let called = hub.act_ok(&b_clerk, 6, "call-next").await;
    assert_eq!(called["current"]["number"], "A001");
    assert_eq!(called["current"]["queue"], "B");
}

async fn transfer_to_a_named_counter_is_called_only_there(hub: TestHub) {
    hub.issue(json!({"queue": "A"})).await;
    hub.issue(json!({"queue": "A"})).await;
    let one = hub.login("1001", Some(1)).await;
    let two = hub.login("1002", Some(2)).await;
    hub.act_ok(&one, 1, "call-next").await;
    let (status, _) = hub
        .post(
            "/api/v1/counters/1/transfer",
            Some(&one),
            json!({"counter": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Counter 1 gets A002; A001 waits for counter 2.
    assert_eq!(
        hub.act_ok(&one, 1, "call-next").await["current"]["number"],
        "A002"
    );
    assert_eq!(
        hub.act_ok(&two, 2, "call-next").await["current"]["number"],
        "A001"
    );
}

async fn pause_and_resume(hub: TestHub) {
    hub.issue(json!({"queue": "E"})).await;
    let token = hub.login("1009", Some(9)).await;
    let (status, body) = hub
        .post(
            "/api/v1/counters/9/pause",
            Some(&token),
            json!({"reason": "系统维护"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], "paused");
    assert_eq!(body["paused_reason"], "系统维护");
    let (status, body) = hub.act(&token, 9, "call-next").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "counter_paused");
    let (_, queues) = hub.get("/api/v1/queues", None).await;
    let e = queues
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["prefix"] == "E")
        .unwrap();
    assert_eq!(e["open_counters"], 0, "a paused counter is not open");
    assert_eq!(hub.act_ok(&token, 9, "resume").await["state"], "idle");
    assert_eq!(
        hub.act_ok(&token, 9, "call-next").await["current"]["number"],
        "E001"
    );
}

async fn green_channel_goes_first_within_its_limit(hub: TestHub) {
    for _ in 0..3 {
        hub.issue(json!({"queue": "D"})).await; // D001-D003 ordinary
    }
    // The self-service kiosk never gives the green channel: the front desk does.
    let desk = hub.login("1001", Some(1)).await;
    for _ in 0..3 {
        let (status, body) = hub
            .post(
                "/api/v1/tickets",
                Some(&desk),
                json!({"queue": "D", "priority": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}"); // D004-D006 priority
    }
    let token = hub.login("1008", Some(8)).await;
    let mut order = Vec::new();
    for _ in 0..6 {
        order.push(
            hub.act_ok(&token, 8, "call-next").await["current"]["number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        hub.act_ok(&token, 8, "start").await;
        hub.act_ok(&token, 8, "finish").await;
    }
    assert_eq!(order, ["D004", "D005", "D001", "D006", "D002", "D003"]);
}

/// Which kiosks give the green channel is the hall's to say, per device;
/// the kiosk screen never offers it, so a self-service kiosk's key that asks
/// is refused and nothing is issued.
#[tokio::test]
async fn the_green_channel_comes_only_from_the_kiosks_the_hall_names() {
    let green = json!({"queue": "D", "priority": true});
    let hub = TestHub::start().await;
    let (status, body) = hub
        .post("/api/v1/tickets", Some(KIOSK), green.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(hub.last_seq(), 0, "nothing issued");
    hub.issue(json!({"queue": "D"})).await;

    let mut config = common::sample_config();
    let kiosk = config
        .devices
        .iter_mut()
        .find(|d| d.kind == yimen::domain::setup::DeviceKind::Kiosk)
        .expect("a kiosk");
    kiosk.priority = true;
    let clock = std::sync::Arc::new(yimen::hub::clock::ManualClock::new(common::monday_morning()));
    let guide_desk = TestHub::start_with(config, clock).await;
    let ticket = guide_desk.issue(green).await;
    assert_eq!(
        (&ticket["number"], &ticket["priority"]),
        (&json!("D001"), &json!(true))
    );
}

async fn calling_out_of_turn_needs_a_reason_and_is_recorded(hub: TestHub) {
    for _ in 0..3 {
        hub.issue(json!({"queue": "A"})).await;
    }
    let token = hub.login("1001", Some(1)).await;
    let (status, body) = hub
        .post(
            "/api/v1/counters/1/call",
            Some(&token),
            json!({"number": "A003", "reason": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "reason_required");
    let (status, body) = hub
        .post(
            "/api/v1/counters/1/call",
            Some(&token),
            json!({"number": "A003", "reason": "预约群众"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["current"]["number"], "A003");
    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let payload: String = conn
        .query_row(
            "SELECT payload FROM events WHERE kind = 'ticket_called'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(payload.contains("预约群众"), "{payload}");
}

async fn the_day_rolls_over_and_numbering_restarts(hub: TestHub) {
    let waiting = hub.issue(json!({"queue": "A"})).await;
    hub.issue(json!({"queue": "A"})).await;
    // 02:00 the next day in Beijing.
    hub.clock.set("2026-03-02T18:00:00Z".parse().unwrap());
    let fresh = hub.issue(json!({"queue": "A"})).await;
    assert_eq!(fresh["number"], "A001");
    assert_eq!(
        fresh["ahead"], 0,
        "yesterday's tickets are gone from the line"
    );
    let (status, old) = hub.get(waiting["status_url"].as_str().unwrap(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(old["state"], "expired");
    assert_eq!(hub.hall().day().to_string(), "2026-03-03");
}

async fn the_hall_survives_a_restart(hub: TestHub) {
    for _ in 0..3 {
        hub.issue(json!({"queue": "C"})).await;
    }
    let token = hub.login("1007", Some(7)).await;
    hub.act_ok(&token, 7, "call-next").await;
    let before = hub.hall();
    let hub = hub.restart().await;
    assert_eq!(hub.hall(), before, "the hall reads back exactly as it was");
    // The session survived; the clerk carries on.
    let (status, me) = hub.get("/api/v1/sessions/current", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["counter"], 7);
    hub.act_ok(&token, 7, "start").await;
    hub.act_ok(&token, 7, "finish").await;
    assert_eq!(hub.issue(json!({"queue": "C"})).await["number"], "C004");
}

async fn logging_out_closes_the_counter(hub: TestHub) {
    let token = hub.login("1001", Some(1)).await;
    let (status, _) = hub
        .send(
            reqwest::Method::DELETE,
            "/api/v1/sessions/current",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = hub.act(&token, 1, "call-next").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, counters) = hub.get("/api/v1/counters", Some(KIOSK)).await;
    assert_eq!(counters[0]["state"], "closed");
}

async fn wrong_pins_lock_the_id_for_a_while(hub: TestHub) {
    let wrong = json!({"staff": "1002", "pin": "000000", "counter": 2});
    let right = json!({"staff": "1002", "pin": common::PIN, "counter": 2});
    for _ in 0..4 {
        let (status, body) = hub.post("/api/v1/sessions", None, wrong.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "wrong_pin");
    }
    // One PC alone is throttled at that id before it can lock it.
    let (status, body) = hub.post("/api/v1/sessions", None, right.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "too_many_attempts");
    // A restart forgets the throttle but not the count: a fifth wrong PIN
    // locks the id, whatever PIN comes next.
    let hub = hub.restart().await;
    let (status, _) = hub.post("/api/v1/sessions", None, wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = hub.post("/api/v1/sessions", None, right.clone()).await;
    assert_eq!(status, StatusCode::LOCKED);
    assert_eq!(body["error"]["code"], "staff_locked");
    // The lock survives a restart, and ends after 15 minutes.
    let hub = hub.restart().await;
    hub.clock.advance(Duration::minutes(14));
    assert_eq!(
        hub.post("/api/v1/sessions", None, right.clone()).await.0,
        StatusCode::LOCKED
    );
    hub.clock.advance(Duration::minutes(2));
    assert_eq!(
        hub.post("/api/v1/sessions", None, right).await.0,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let hub = TestHub::start().await;
    let (status, doc) = hub.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/health",
        "/api/v1/services",
        "/api/v1/services/search",
        "/api/v1/queues",
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/sessions",
        "/api/v1/counters/{n}/call-next",
        "/api/v1/counters/{n}/transfer",
        "/api/v1/events",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
}

/// Each journey as two tests: `plain::NAME` and `tls::NAME`.
macro_rules! both_ways {
    ($($name:ident),* $(,)?) => {
        mod plain {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::TestHub::start().await).await;
            })*
        }
        mod tls {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::TestHub::start_tls().await).await;
            })*
        }
    };
}

both_ways!(
    issue_call_start_finish,
    recall_no_show_and_late_return,
    a_late_return_after_the_window_needs_a_new_ticket,
    transfer_keeps_the_original_place_in_line,
    transfer_to_a_named_counter_is_called_only_there,
    pause_and_resume,
    green_channel_goes_first_within_its_limit,
    calling_out_of_turn_needs_a_reason_and_is_recorded,
    the_day_rolls_over_and_numbering_restarts,
    the_hall_survives_a_restart,
    logging_out_closes_the_counter,
    wrong_pins_lock_the_id_for_a_while,
);
