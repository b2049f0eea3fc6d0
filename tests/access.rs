//! Who may do what: every operation of the OpenAPI document, asked by each
//! staff role (and a reviewer of another department), each kind of device
//! and no credential, gets the status its cell names. Each cell runs on its
//! own copy of one prepared hall, so no cell's answer depends on another's.
//! An operation without a row, or a row without an operation, fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{DISPLAY, KIOSK, TestHub};
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The columns: who asks.
const WHO: [&str; 9] = [
    "intake",
    "pickup",
    "reviewer",
    "other_reviewer",
    "supervisor",
    "admin",
    "kiosk",
    "display",
    "anonymous",
];

/// What counter 1, where the intake clerk is logged in, is doing when a
/// row's request comes. The prepared hall has it idle with one ticket
/// waiting in queue A.
#[derive(Clone, Copy, Debug)]
enum Before {
    Idle,
    Calling,
    CalledThrice,
    Serving,
    Paused,
    /// The waiting ticket was called three times and marked a no-show.
    NoShow,
}

/// One row of the matrix.
struct Row {
    /// The operation as the document names it.
    method: Method,
    route: &'static str,
    /// The request's path and JSON body, with `$name`s for the things of the
    /// prepared hall ([`Hall::fill`]).
    path: &'static str,
    body: Option<&'static str>,
    before: Before,
    /// The status each column of [`WHO`] gets, in order.
    expect: [u16; 9],
}

const fn row(
    method: Method,
    route: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    before: Before,
    expect: [u16; 9],
) -> Row {
    Row {
        method,
        route,
        path,
        body,
        before,
        expect,
    }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const DELETE: Method = Method::DELETE;
use Before::{CalledThrice, Calling, Idle, NoShow, Paused, Serving};

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let case = "/api/v1/cases/{number}";
    vec![
        //                                                                    intake pickup rev  other super admin kiosk disp anon
        row(GET, "/api/v1/health", "/api/v1/health", None, Idle,              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(GET, "/api/v1/services", "/api/v1/services", None, Idle,          [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(GET, "/api/v1/services/search", "/api/v1/services/search?q=yyzz", None, Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(GET, "/api/v1/queues", "/api/v1/queues", None, Idle,              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(POST, "/api/v1/tickets", "/api/v1/tickets", Some(r#"{"queue": "A"}"#), Idle,
                                                                              [201, 201, 403, 403, 201, 201, 201, 403, 401]),
        row(POST, "/api/v1/tickets", "/api/v1/tickets", Some(r#"{"queue": "A", "priority": true}"#), Idle,
                                                                              [201, 201, 403, 403, 201, 201, 403, 403, 401]),
        row(GET, "/api/v1/tickets/{id}", "/api/v1/tickets/$waiting_id", None, Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(POST, "/api/v1/tickets/reactivate", "/api/v1/tickets/reactivate", Some(r#"{"id": "$waiting_id"}"#), NoShow,
                                                                              [200, 200, 403, 403, 403, 403, 200, 403, 401]),
        row(POST, "/api/v1/sessions", "/api/v1/sessions", Some(r#"{"staff": "1002", "pin": "123456"}"#), Idle,
                                                                              [201, 201, 201, 201, 201, 201, 201, 201, 201]),
        row(GET, "/api/v1/sessions/current", "/api/v1/sessions/current", None, Idle,
                                                                              [200, 200, 200, 200, 200, 200, 403, 403, 401]),
        row(DELETE, "/api/v1/sessions/current", "/api/v1/sessions/current", None, Idle,
                                                                              [204, 204, 204, 204, 204, 204, 403, 403, 401]),
        row(POST, "/api/v1/sessions/current/pin", "/api/v1/sessions/current/pin", Some(r#"{"old_pin": "123456", "new_pin": "20260302"}"#), Idle,
                                                                              [204, 204, 204, 204, 204, 204, 403, 403, 401]),
        // Nobody is locked in the prepared hall: the supervisor may, and is told so.
        row(POST, "/api/v1/staff/{id}/unlock", "/api/v1/staff/1003/unlock", Some("{}"), Idle,
                                                                              [403, 403, 403, 403, 409, 403, 403, 403, 401]),
        row(GET, "/api/v1/counters", "/api/v1/counters", None, Idle,          [200, 200, 200, 200, 200, 200, 200, 200, 401]),
        row(GET, "/api/v1/counters/{n}", "/api/v1/counters/1", None, Idle,    [200, 200, 200, 200, 200, 200, 200, 200, 401]),
        row(POST, "/api/v1/counters/{n}/call-next", "/api/v1/counters/1/call-next", Some("{}"), Idle,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/call", "/api/v1/counters/1/call", Some(r#"{"number": "$waiting_number", "reason": "老人优先"}"#), Idle,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/recall", "/api/v1/counters/1/recall", Some("{}"), Calling,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/no-show", "/api/v1/counters/1/no-show", Some("{}"), CalledThrice,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/start", "/api/v1/counters/1/start", Some("{}"), Calling,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/finish", "/api/v1/counters/1/finish", Some("{}"), Serving,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/transfer", "/api/v1/counters/1/transfer", Some(r#"{"queue": "B", "reason": "转税务"}"#), Serving,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/pause", "/api/v1/counters/1/pause", Some(r#"{"reason": "午休"}"#), Idle,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/counters/{n}/resume", "/api/v1/counters/1/resume", Some("{}"), Paused,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases", "/api/v1/cases", Some(CASE), Serving,     [201, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(GET, "/api/v1/cases", "/api/v1/cases", None, Idle,                [200, 200, 200, 200, 200, 200, 403, 403, 401]),
        row(GET, case, "/api/v1/cases/$accepted", None, Idle,                 [200, 403, 200, 403, 200, 200, 403, 403, 401]),
        row(GET, case, "/api/v1/cases/$approved", None, Idle,                 [200, 200, 200, 403, 200, 200, 403, 403, 401]),
        // Handed over today: the pickup window still reads it until the day ends.
        row(GET, case, "/api/v1/cases/$closed", None, Idle,                   [200, 200, 200, 403, 200, 200, 403, 403, 401]),
        row(GET, case, "/api/v1/cases/$in_review", None, Idle,                [200, 403, 200, 403, 200, 200, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/materials", "/api/v1/cases/$awaiting/materials", Some(r#"{"received": ["公司章程"]}"#), Idle,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/claim", "/api/v1/cases/$accepted/claim", Some("{}"), Idle,
                                                                              [403, 403, 200, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/decision", "/api/v1/cases/$in_review/decision", Some(r#"{"approve": true}"#), Idle,
                                                                              [403, 403, 200, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/correction", "/api/v1/cases/$in_review/correction", Some(r#"{"items": ["补充说明"]}"#), Idle,
                                                                              [403, 403, 200, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/resubmit", "/api/v1/cases/$correction/resubmit", Some("{}"), Idle,
                                                                              [200, 403, 403, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/extension", "/api/v1/cases/$in_review/extension", Some(r#"{"days": 3, "reason": "需听证"}"#), Idle,
                                                                              [403, 403, 200, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/extension/decision", "/api/v1/cases/$extension/extension/decision", Some(r#"{"approve": true}"#), Idle,
                                                                              [403, 403, 403, 403, 200, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/excluded-time", "/api/v1/cases/$in_review/excluded-time",
            Some(r#"{"kind": "现场核查", "from": "2026-03-03", "to": "2026-03-04"}"#), Idle,
                                                                              [403, 403, 200, 403, 403, 403, 403, 403, 401]),
        row(POST, "/api/v1/cases/{number}/pickup", "/api/v1/cases/$approved/pickup", Some(r#"{"collected_by": "李四"}"#), Idle,
                                                                              [403, 200, 403, 403, 403, 403, 403, 403, 401]),
        // A single case has no lead department: its reviewer is told so, another department's is not let in.
        row(POST, "/api/v1/cases/{number}/lead-decision", "/api/v1/cases/$in_review/lead-decision", Some(r#"{"overrule": true, "reason": "协调"}"#), Idle,
                                                                              [403, 403, 409, 403, 403, 403, 403, 403, 401]),
        row(GET, "/api/v1/supervision", "/api/v1/supervision", None, Idle,    [403, 403, 403, 403, 200, 200, 403, 403, 401]),
        row(GET, "/api/v1/cases/{number}/documents/{kind}", "/api/v1/cases/$accepted/documents/receipt?format=json", None, Idle,
                                                                              [200, 403, 200, 403, 200, 200, 403, 403, 401]),
        row(GET, "/api/v1/cases/{number}/documents/{kind}", "/api/v1/cases/$approved/documents/receipt?format=json", None, Idle,
                                                                              [200, 200, 200, 403, 200, 200, 403, 403, 401]),
        row(GET, "/api/v1/cases/{number}/history", "/api/v1/cases/$accepted/history", None, Idle,
                                                                              [200, 403, 200, 403, 200, 200, 403, 403, 401]),
        row(POST, "/api/v1/ratings", "/api/v1/ratings", Some(r#"{"ticket": "$finished_id", "score": 5}"#), Idle,
                                                                              [201, 403, 403, 403, 403, 403, 403, 403, 201]),
        row(POST, "/api/v1/ratings", "/api/v1/ratings", Some(r#"{"ticket": "$earlier_id", "score": 5}"#), Idle,
                                                                              [403, 403, 403, 403, 403, 403, 403, 403, 201]),
        row(POST, "/api/v1/ratings", "/api/v1/ratings", Some(r#"{"case": "$closed", "score": 5, "last_four": "1111"}"#), Idle,
                                                                              [403, 403, 403, 403, 403, 403, 403, 403, 201]),
        row(POST, "/api/v1/ratings", "/api/v1/ratings", Some(r#"{"case": "$closed", "score": 5, "last_four": "2222"}"#), Idle,
                                                                              [403, 403, 403, 403, 403, 403, 403, 403, 403]),
        // The applicant's phone; a credential is neither needed nor used.
        row(POST, "/api/v1/case-status", "/api/v1/case-status", Some(r#"{"case": "$closed", "last_four": "1111"}"#), Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(POST, "/api/v1/case-status", "/api/v1/case-status", Some(r#"{"case": "$closed", "last_four": "2222"}"#), Idle,
                                                                              [404, 404, 404, 404, 404, 404, 404, 404, 404]),
        // Appointments: phones book and cancel without credentials; a kiosk
        // or the front desk checks a citizen in.
        row(GET, "/api/v1/appointments/services", "/api/v1/appointments/services", None, Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(GET, "/api/v1/appointments/slots", "/api/v1/appointments/slots?service=ZWFW-003", None, Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(POST, "/api/v1/appointments", "/api/v1/appointments", Some(r#"{"service": "ZWFW-003", "date": "2026-03-03",
            "start": "10:30", "name": "王五", "id_number": "$booker_id", "phone": "13900139000"}"#), Idle,
                                                                              [201, 201, 201, 201, 201, 201, 201, 201, 201]),
        row(POST, "/api/v1/appointments/cancel", "/api/v1/appointments/cancel",
            Some(r#"{"code": "$booking_later", "id_last4": "$booking_four"}"#), Idle,
                                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(POST, "/api/v1/appointments/cancel", "/api/v1/appointments/cancel",
            Some(r#"{"code": "$booking_later", "id_last4": "0000"}"#), Idle,
                                                                              [404, 404, 404, 404, 404, 404, 404, 404, 404]),
        row(POST, "/api/v1/appointments/check-in", "/api/v1/appointments/check-in", Some(r#"{"code": "$booking_today"}"#), Idle,
                                                                              [201, 201, 403, 403, 201, 201, 201, 403, 401]),
        row(GET, "/api/v1/ratings/summary", "/api/v1/ratings/summary", None, Idle,
                                                                              [403, 403, 403, 403, 200, 200, 403, 403, 401]),
        row(POST, "/api/v1/rectifications/{id}/close", "/api/v1/rectifications/$rectification/close",
            Some(r#"{"note": "已约谈窗口人员", "verdict": "satisfied"}"#), Idle,
                                                                              [403, 403, 403, 403, 204, 403, 403, 403, 401]),
        // A counter's screen reports its LED screen or keypad in its clerk's name.
        row(POST, "/api/v1/alerts", "/api/v1/alerts", Some(r#"{"part": "printer", "problem": "缺纸"}"#), Idle,
                                                                              [201, 201, 201, 201, 201, 201, 201, 201, 401]),
        row(GET, "/api/v1/events", "/api/v1/events?since=0", None, Idle,      [101, 101, 101, 101, 101, 101, 101, 101, 101]),
    ]
}

/// A case the intake clerk opens for 李四 (ID number ending 002X, phone
/// ending 1111).
const CASE: &str = r#"{
    "service": "SCJG-001",
    "applicant": {"name": "李四", "id_number": "11010519491231002X", "phone": "13900001111"},
    "materials": $materials,
    "intake": "accept"
}"#;

/// The prepared hall: a stopped hub, everyone's credentials, and the things
/// the rows name.
struct Hall {
    hub: TestHub,
    credentials: BTreeMap<&'static str, Option<String>>,
    names: BTreeMap<&'static str, String>,
}

impl Hall {
    /// A path or body with the prepared hall's things in place of their
    /// `$name`s.
    fn fill(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (name, value) in self.names.iter().rev() {
            text = text.replace(&format!("${name}"), value);
        }
        text
    }
}

async fn post_ok(hub: &TestHub, path: &str, who: &str, body: Value) -> Value {
    let (status, value) = hub.post(path, Some(who), body).await;
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

/// Every material of the service, received, or all but `missing`.
async fn materials(hub: &TestHub, missing: &[&str]) -> Value {
    let (_, catalogue) = hub.get("/api/v1/services", None).await;
    let guide = catalogue["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "SCJG-001")
        .unwrap()
        .clone();
    let names = guide["materials"].as_array().unwrap().iter();
    names
        .map(|m| json!({"name": m["name"], "received": !missing.iter().any(|n| m["name"] == *n)}))
        .collect()
}

/// A citizen served at counter 1 opens a case; returns its number and the
/// citizen's ticket id.
async fn open_case(hub: &TestHub, clerk: &str, missing: &[&str]) -> (String, String) {
    let ticket = hub.issue(json!({"queue": "A"})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
    let body = CASE.replace("$materials", &materials(hub, missing).await.to_string());
    let mut body: Value = serde_json::from_str(&body).unwrap();
    if !missing.is_empty() {
        body["intake"] = json!("notice");
    }
    let case = post_ok(hub, "/api/v1/cases", clerk, body).await;
    hub.act_ok(clerk, 1, "finish").await;
    let id = ticket["id"].as_str().unwrap().to_owned();
    (case["number"].as_str().unwrap().to_owned(), id)
}

async fn log_in(hub: &TestHub) -> BTreeMap<&'static str, Option<String>> {
    let logins = [
        ("intake", "1001", Some(1)),
        ("pickup", "3001", Some(10)),
        ("reviewer", "2001", None),
        ("other_reviewer", "2002", None),
        ("supervisor", "9001", None),
        ("admin", "9901", None),
    ];
    let mut credentials = BTreeMap::new();
    for (who, id, counter) in logins {
        credentials.insert(who, Some(hub.login(id, counter).await));
    }
    credentials.insert("kiosk", Some(KIOSK.to_owned()));
    credentials.insert("display", Some(DISPLAY.to_owned()));
    credentials.insert("anonymous", None);
    credentials
}

/// Cases in every state a row needs, a bad review to rectify, the ticket
/// just finished at counter 1, and one waiting.
async fn prepare() -> Hall {
    let mut hub = TestHub::start().await;
    let credentials = log_in(&hub).await;
    let who = |w: &str| credentials[w].clone().unwrap();
    let (clerk, reviewer) = (who("intake"), who("reviewer"));
    let mut names = BTreeMap::new();
    names.insert("materials", materials(&hub, &[]).await.to_string());
    let (awaiting, earlier) = open_case(&hub, &clerk, &["公司章程"]).await;
    names.insert("awaiting", awaiting);
    names.insert("earlier_id", earlier);
    let steps: [(&str, &[(&str, Value)]); 6] = [
        ("accepted", &[]),
        ("in_review", &[("claim", json!({}))]),
        (
            "correction",
            &[
                ("claim", json!({})),
                ("correction", json!({"items": ["补签字"]})),
            ],
        ),
        (
            "extension",
            &[
                ("claim", json!({})),
                ("extension", json!({"days": 2, "reason": "需现场核查"})),
            ],
        ),
        (
            "approved",
            &[("claim", json!({})), ("decision", json!({"approve": true}))],
        ),
        (
            "closed",
            &[("claim", json!({})), ("decision", json!({"approve": true}))],
        ),
    ];
    for (state, actions) in steps {
        let (number, _) = open_case(&hub, &clerk, &[]).await;
        for (action, body) in actions {
            let path = format!("/api/v1/cases/{number}/{action}");
            post_ok(&hub, &path, &reviewer, body.clone()).await;
        }
        names.insert(state, number);
    }
    let handed = json!({"collected_by": "李四"});
    let path = format!("/api/v1/cases/{}/pickup", names["closed"]);
    post_ok(&hub, &path, &who("pickup"), handed).await;
    let (_, rated) = open_case(&hub, &clerk, &[]).await;
    let bad = json!({"ticket": rated, "score": 1, "comment": "等候时间太长"});
    let (status, bad) = hub.post("/api/v1/ratings", None, bad).await;
    assert!(status.is_success(), "{bad}");
    names.insert("rectification", bad["rectification"].to_string());
    let (_, finished) = open_case(&hub, &clerk, &[]).await;
    names.insert("finished_id", finished);
    let waiting = hub.issue(json!({"queue": "A"})).await;
    names.insert("waiting_id", waiting["id"].as_str().unwrap().to_owned());
    book(&hub, &mut names).await;
    names.insert(
        "waiting_number",
        waiting["number"].as_str().unwrap().to_owned(),
    );
    hub.stop().await;
    Hall {
        hub,
        credentials,
        names,
    }
}

/// A booking for later today, to check in, and one for tomorrow, to cancel.
async fn book(hub: &TestHub, names: &mut BTreeMap<&'static str, String>) {
    let citizen = common::id_number("19800101", 1);
    for (name, date) in [
        ("booking_today", "2026-03-02"),
        ("booking_later", "2026-03-03"),
    ] {
        let body = json!({"service": "ZWFW-003", "date": date, "start": "11:00", "name": "王五",
            "id_number": citizen, "phone": "13900139000"});
        let booking = post_ok(hub, "/api/v1/appointments", KIOSK, body).await;
        names.insert(name, booking["code"].as_str().unwrap().to_owned());
    }
    names.insert("booking_four", citizen[14..].to_owned());
    names.insert("booker_id", common::id_number("19800101", 2));
}

/// Puts counter 1 in the state a row needs.
async fn before(hub: &TestHub, clerk: &str, before: Before) {
    let actions: &[&str] = match before {
        Idle => &[],
        Calling => &["call-next"],
        CalledThrice => &["call-next", "recall", "recall"],
        Serving => &["call-next", "start"],
        Paused => &["pause"],
        NoShow => &["call-next", "recall", "recall", "no-show"],
    };
    for action in actions {
        let body = if *action == "pause" {
            json!({"reason": "午休"})
        } else {
            json!({})
        };
        let path = format!("/api/v1/counters/1/{action}");
        post_ok(hub, &path, clerk, body).await;
    }
}

/// The status of opening the event stream as `who`: 101 when it opens.
async fn stream_status(hub: &TestHub, path: &str, who: Option<&str>) -> u16 {
    let url = format!("{}{path}", hub.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    if let Some(secret) = who {
        let value = format!("Bearer {secret}").parse().unwrap();
        request.headers_mut().insert("authorization", value);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("{path}: {e}"),
    }
}

/// The status `who` gets for `row`, on a fresh copy of the prepared hall.
async fn ask(hall: &Hall, row: &Row, who: &str) -> u16 {
    let hub = hall.hub.start_copy().await;
    let clerk = hall.credentials["intake"].as_deref().unwrap();
    before(&hub, clerk, row.before).await;
    let path = hall.fill(row.path);
    let credential = hall.credentials[who].as_deref();
    if row.route == "/api/v1/events" {
        return stream_status(&hub, &path, credential).await;
    }
    let body = row
        .body
        .map(|b| serde_json::from_str(&hall.fill(b)).unwrap());
    let (status, _) = hub.send(row.method.clone(), &path, credential, body).await;
    status.as_u16()
}

/// Every operation the hub's document lists, as (method, path).
async fn documented(hub: &TestHub) -> BTreeSet<(String, String)> {
    let (_, doc) = hub.get("/api/v1/openapi.json", None).await;
    let paths = doc["paths"].as_object().unwrap();
    let operations = paths.iter().flat_map(|(path, item)| {
        let methods = item.as_object().unwrap().keys();
        methods.map(move |m| (m.to_uppercase(), path.clone()))
    });
    operations.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_by_every_role_device_and_no_one() {
    let hall = prepare().await;
    let probe = hall.hub.start_copy().await;
    let documented = documented(&probe).await;
    let rows = rows();
    let tabled: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_owned()))
        .collect();
    assert_eq!(
        tabled, documented,
        "the table and the document list the same operations"
    );

    let mut wrong = Vec::new();
    for row in &rows {
        let mut got = [0; 9];
        for (cell, who) in got.iter_mut().zip(WHO) {
            *cell = ask(&hall, row, who).await;
        }
        if got != row.expect {
            wrong.push(format!(
                "{} {}\n  expected {:?}\n  got      {:?}",
                row.method, row.path, row.expect, got
            ));
        }
    }
    assert!(wrong.is_empty(), "columns {WHO:?}\n{}", wrong.join("\n"));
}
