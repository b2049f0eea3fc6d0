//! The event stream: replay after `since`, then live; exactly what was missed,
//! in order; nothing private on the public stream; a log that started over
//! said so; both views typed, read by the client and shown in the OpenAPI
//! document.

mod common;

use std::collections::BTreeSet;

use common::stream::{connect, next, replay};
use common::{DISPLAY, KIOSK, TestHub, public_events};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn kinds(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["event"]["kind"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_reconnecting_client_gets_exactly_what_it_missed_in_order() {
    let hub = TestHub::start().await;
    let mut socket = connect(&hub, 0, Some(DISPLAY)).await;
    let (replayed, seq) = replay(&mut socket).await;
    assert!(replayed.is_empty());
    assert_eq!(seq, 0);

    hub.issue(json!({"queue": "A"})).await;
    let token = hub.login("1001", Some(1)).await;
    let live = [next(&mut socket).await, next(&mut socket).await];
    assert_eq!(kinds(&live), ["ticket_issued", "counter_opened"]);
    assert_eq!(live[0]["seq"], 1);
    assert_eq!(live[1]["seq"], 2);
    assert!(
        live[1].get("actor").is_none(),
        "a device reads the public view"
    );
    drop(socket);

    // Missed while away: a call, a recall, two more tickets.
    hub.act_ok(&token, 1, "call-next").await;
    hub.act_ok(&token, 1, "recall").await;
    hub.issue(json!({"queue": "B"})).await;
    hub.issue(json!({"queue": "C"})).await;

    let mut socket = connect(&hub, 2, Some(DISPLAY)).await;
    let (missed, seq) = replay(&mut socket).await;
    assert_eq!(
        kinds(&missed),
        [
            "ticket_called",
            "ticket_recalled",
            "ticket_issued",
            "ticket_issued"
        ]
    );
    let seqs: Vec<i64> = missed.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [3, 4, 5, 6]);
    assert_eq!(seq, 6);
    assert_eq!(missed[0]["event"]["number"], "A001");
    assert_eq!(missed[0]["event"]["counter"], 1);

    // Then live, with no repeats.
    hub.act_ok(&token, 1, "start").await;
    let live = next(&mut socket).await;
    assert_eq!(live["seq"], 7);
    assert_eq!(live["event"]["kind"], "ticket_started");
}

#[tokio::test]
async fn the_public_stream_shows_numbers_and_counters_only() {
    let hub = TestHub::start().await;
    let issued = hub.issue(json!({"queue": "A"})).await;
    let token = hub.login("1001", Some(1)).await;
    hub.post(
        "/api/v1/sessions",
        None,
        json!({"staff": "1002", "pin": "000000"}),
    )
    .await;
    hub.act_ok(&token, 1, "call-next").await;

    let mut public = connect(&hub, 0, None).await;
    let (events, seq) = replay(&mut public).await;
    assert_eq!(seq, 4);
    assert_eq!(
        kinds(&events),
        ["ticket_issued", "counter_opened", "ticket_called"]
    );
    let text = serde_json::to_string(&events).unwrap();
    for secret in [
        issued["id"].as_str().unwrap(),
        "1001",
        "张敏",
        "staff",
        "session",
        "actor",
    ] {
        assert!(
            !text.contains(secret),
            "public stream shows {secret}: {text}"
        );
    }
    assert_eq!(events[2]["event"]["number"], "A001");
    assert_eq!(events[2]["event"]["counter"], 1);

    let supervisor = hub.login("9001", None).await;
    let mut private = connect(&hub, 0, Some(&supervisor)).await;
    let (events, _) = replay(&mut private).await;
    assert_eq!(
        kinds(&events),
        [
            "ticket_issued",
            "staff_logged_in",
            "staff_login_failed",
            "ticket_called",
            "staff_logged_in"
        ]
    );
}

#[tokio::test]
async fn a_wrong_credential_cannot_open_the_stream() {
    let hub = TestHub::start().await;
    let url = format!(
        "{}/api/v1/events?since=0",
        hub.url.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", "Bearer nope".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
}

#[tokio::test]
async fn streams_end_when_the_hub_stops_and_resume_after_restart() {
    let hub = TestHub::start().await;
    hub.issue(json!({"queue": "A"})).await;
    let mut socket = connect(&hub, 0, None).await;
    let (events, seq) = replay(&mut socket).await;
    assert_eq!((events.len(), seq), (1, 1));
    let hub = hub.restart().await;
    // The old stream was closed by the stopping hub.
    let end = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .unwrap();
    assert!(
        matches!(end, None | Some(Ok(Message::Close(_))) | Some(Err(_))),
        "{end:?}"
    );
    hub.issue(json!({"queue": "A"})).await;
    let mut socket = connect(&hub, seq, None).await;
    let (events, seq) = replay(&mut socket).await;
    assert_eq!(seq, 2);
    assert_eq!(events[0]["event"]["number"], "A002");
}

#[tokio::test]
async fn a_since_beyond_the_log_is_told_where_the_log_ends() {
    let hub = TestHub::start().await;
    hub.issue(json!({"queue": "A"})).await;
    hub.issue(json!({"queue": "A"})).await;
    for auth in [None, Some(DISPLAY)] {
        // A wall that followed an earlier database up to 40.
        let head = hub.last_seq();
        let mut socket = connect(&hub, 40, auth).await;
        let (events, seq) = replay(&mut socket).await;
        assert!(events.is_empty());
        assert_eq!(seq, head, "where this log ends, below what was asked for");
        // And what happens next is sent, not taken for a repeat.
        hub.issue(json!({"queue": "A"})).await;
        let live = next(&mut socket).await;
        assert_eq!(live["seq"], hub.last_seq());
        assert_eq!(live["event"]["kind"], "ticket_issued");
    }
    let mut socket = connect(&hub, 4, None).await;
    let (_, seq) = replay(&mut socket).await;
    assert_eq!(seq, 4, "a client at the end stays there");
}

#[tokio::test]
async fn the_client_reads_both_views_as_their_types() {
    use yimen::api::{PublicEvent, StaffEvent};
    use yimen::client::{Client, StreamItem};

    let hub = TestHub::start().await;
    let issued = hub.issue(json!({"queue": "A"})).await;
    let token = hub.login("1001", Some(1)).await;
    hub.act_ok(&token, 1, "call-next").await;

    let client = Client::new(&hub.url).with_credential(&token);
    let mut public = client.subscribe_public(0).await.unwrap();
    let mut kinds = Vec::new();
    loop {
        match public.next().await.unwrap().unwrap() {
            StreamItem::Event(message) => kinds.push(message.event),
            StreamItem::CaughtUp(seq) => break assert_eq!(seq, 3),
            StreamItem::Unreadable(seq) => panic!("event {seq} unread"),
        }
    }
    assert!(matches!(kinds[0], PublicEvent::TicketIssued { .. }));
    assert!(matches!(
        kinds[1],
        PublicEvent::CounterOpened { counter: 1, .. }
    ));
    assert!(
        matches!(&kinds[2], PublicEvent::TicketCalled { number, counter: 1, .. } if number == "A001")
    );

    let mut staff = client.subscribe(0).await.unwrap();
    let mut events = Vec::new();
    loop {
        match staff.next().await.unwrap().unwrap() {
            StreamItem::Event(message) => events.push(message),
            StreamItem::CaughtUp(seq) => break assert_eq!(seq, 3),
            StreamItem::Unreadable(seq) => panic!("event {seq} unread"),
        }
    }
    assert_eq!(events[1].actor.as_deref(), Some("staff:1001"));
    assert!(
        matches!(&events[0].event, StaffEvent::TicketIssued { ticket, .. } if ticket == issued["id"].as_str().unwrap())
    );
    assert!(
        matches!(&events[1].event, StaffEvent::StaffLoggedIn { staff, counter: Some(1), .. } if staff == "1001")
    );
    assert!(matches!(&events[2].event, StaffEvent::TicketCalled { staff, .. } if staff == "1001"));
}

/// The kinds an event schema of the OpenAPI document lists, one per variant.
fn documented_kinds(doc: &Value, schema: &str) -> BTreeSet<String> {
    let variants = doc["components"]["schemas"][schema]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{schema} is not in the document"));
    variants
        .iter()
        .map(|v| {
            v["properties"]["kind"]["enum"][0]
                .as_str()
                .unwrap_or_else(|| panic!("a {schema} without a kind: {v}"))
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_openapi_document_shows_every_event_of_both_views() {
    let hub = TestHub::start().await;
    let (_, doc) = hub.get("/api/v1/openapi.json", None).await;

    let samples = public_events::samples();
    let public: BTreeSet<String> = samples
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(public.len(), public_events::KINDS);
    assert_eq!(documented_kinds(&doc, "PublicEvent"), public);

    // Each staff event the hall makes in a short morning is documented.
    hub.issue(json!({"queue": "A"})).await;
    let token = hub.login("1001", Some(1)).await;
    hub.post(
        "/api/v1/sessions",
        None,
        json!({"staff": "1002", "pin": "000000"}),
    )
    .await;
    for action in ["call-next", "recall", "start", "finish"] {
        hub.act_ok(&token, 1, action).await;
    }
    let supervisor = hub.login("9001", None).await;
    let mut socket = connect(&hub, 0, Some(&supervisor)).await;
    let (events, _) = replay(&mut socket).await;
    let staff = documented_kinds(&doc, "StaffEvent");
    for kind in kinds(&events) {
        assert!(staff.contains(kind), "{kind} is not documented: {staff:?}");
    }
    assert!(staff.contains("case") && staff.contains("day_rolled_over"));

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let messages = schemas
        .keys()
        .filter(|name| name.starts_with("EventMessage"))
        .count();
    assert_eq!(messages, 2, "{:?}", schemas.keys().collect::<Vec<_>>());
    assert!(schemas.contains_key("StreamNotice"));
}

/// Every message of a replay, read as the public view.
fn as_public(events: &[Value]) -> Vec<yimen::api::PublicEvent> {
    events
        .iter()
        .map(|e| serde_json::from_value(e["event"].clone()).unwrap_or_else(|_| panic!("{e}")))
        .collect()
}

#[tokio::test]
async fn devices_read_the_public_view_and_staff_what_their_role_sees() {
    let hub = TestHub::start().await;
    hub.issue(json!({"queue": "A"})).await;
    hub.issue(json!({"queue": "A"})).await;
    let clerk = hub.login("1001", Some(1)).await;
    hub.post(
        "/api/v1/sessions",
        None,
        json!({"staff": "1002", "pin": "000000"}),
    )
    .await;
    let (status, _) = hub
        .post(
            "/api/v1/counters/1/call",
            Some(&clerk),
            json!({"number": "A002", "reason": "老人优先"}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    hub.act_ok(&clerk, 1, "start").await;
    let finished = hub.act_ok(&clerk, 1, "finish").await;
    assert_eq!(finished["state"], "idle");
    let (status, _) = hub
        .post(
            "/api/v1/alerts",
            Some(KIOSK),
            json!({"part": "printer", "problem": "缺纸"}),
        )
        .await;
    assert!(status.is_success());
    let supervisor = hub.login("9001", None).await;

    let (public, _) = replay(&mut connect(&hub, 0, None).await).await;
    for device in [KIOSK, DISPLAY] {
        let (seen, _) = replay(&mut connect(&hub, 0, Some(device)).await).await;
        assert_eq!(seen, public, "{device} reads what anyone may");
        as_public(&seen);
    }

    let (all, _) = replay(&mut connect(&hub, 0, Some(&supervisor)).await).await;
    let text = serde_json::to_string(&all).unwrap();
    for seen in ["staff_login_failed", "老人优先", "device_alert", "缺纸"] {
        assert!(text.contains(seen), "supervision sees {seen}: {text}");
    }
    let (desk, _) = replay(&mut connect(&hub, 0, Some(&clerk)).await).await;
    let text = serde_json::to_string(&desk).unwrap();
    for hidden in ["staff_login_failed", "老人优先"] {
        assert!(!text.contains(hidden), "a clerk sees {hidden}: {text}");
    }
    let call = desk
        .iter()
        .find(|e| e["event"]["kind"] == "ticket_called")
        .expect("the call");
    assert_eq!(
        call["event"]["out_of_turn"], "",
        "out of turn, why withheld"
    );
    assert!(
        text.contains("device_alert"),
        "the front desk fixes printers"
    );

    let reviewer = hub.login("2001", None).await;
    let (inbox, _) = replay(&mut connect(&hub, 0, Some(&reviewer)).await).await;
    assert_eq!(kinds(&inbox), Vec::<&str>::new(), "no case yet: {inbox:?}");
}

fn beijing(day: u32, hh: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 3, day, hh, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn without_a_staff_credential_the_replay_goes_back_to_the_start_of_today() {
    let hub = TestHub::start().await;
    hub.issue(json!({"queue": "A"})).await;
    hub.issue(json!({"queue": "B"})).await;
    let monday = hub.last_seq();
    hub.clock.set(beijing(3, 9));
    hub.hub.tick().await.unwrap();
    hub.issue(json!({"queue": "A"})).await;
    let supervisor = hub.login("9001", None).await;

    for who in [None, Some(KIOSK), Some(DISPLAY)] {
        let (today, seq) = replay(&mut connect(&hub, 0, who).await).await;
        assert_eq!(seq, hub.last_seq());
        let seqs: Vec<i64> = today.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert!(seqs.iter().all(|s| *s > monday), "{who:?}: {seqs:?}");
        assert_eq!(kinds(&today)[0], "day_rolled_over", "{who:?}");
        assert_eq!(today.last().unwrap()["event"]["number"], "A001");
        // Asking from within today is answered from there.
        let (rest, _) = replay(&mut connect(&hub, seqs[0], who).await).await;
        assert_eq!(rest.len(), today.len() - 1);
    }
    let (all, _) = replay(&mut connect(&hub, 0, Some(&supervisor)).await).await;
    assert_eq!(all[0]["seq"], 1, "staff may read the log from its start");
    assert_eq!(all.len(), usize::try_from(hub.last_seq()).unwrap());
}

#[tokio::test]
async fn streams_beyond_the_hubs_limit_are_refused_until_one_closes() {
    let mut config = common::sample_config();
    config.limits.event_streams = 2;
    let clock = std::sync::Arc::new(yimen::hub::clock::ManualClock::new(common::monday_morning()));
    let hub = TestHub::start_with(config, clock).await;
    let mut first = connect(&hub, 0, None).await;
    replay(&mut first).await;
    let mut second = connect(&hub, 0, Some(DISPLAY)).await;
    replay(&mut second).await;
    let url = format!(
        "{}/api/v1/events?since=0",
        hub.url.replace("http://", "ws://")
    );
    let refused = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("503"), "{refused}");
    first.close(None).await.unwrap();
    while first.next().await.is_some() {}
    // The hub lets go of the place once the stream has ended.
    let mut third = None;
    for _ in 0..100 {
        if let Ok((socket, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
            third = Some(socket);
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    replay(&mut third.expect("a place again")).await;
}

#[tokio::test]
async fn a_client_message_past_the_limit_ends_its_stream() {
    use futures_util::SinkExt;
    let hub = TestHub::start().await;
    let mut socket = connect(&hub, 0, None).await;
    replay(&mut socket).await;
    socket.send(Message::text("你好")).await.unwrap();
    hub.issue(json!({"queue": "A"})).await;
    assert_eq!(next(&mut socket).await["event"]["kind"], "ticket_issued");
    socket
        .send(Message::text("x".repeat(64 * 1024)))
        .await
        .unwrap();
    let end = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(_))) | Some(Ok(Message::Ping(_))) => continue,
                other => return other,
            }
        }
    })
    .await
    .expect("the hub ends the stream");
    assert!(
        matches!(end, None | Some(Ok(Message::Close(_))) | Some(Err(_))),
        "{end:?}"
    );
}
