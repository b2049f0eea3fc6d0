//! Every case call by every role: allowed or refused as the rules say, and a
//! refusal changes nothing. Also bad input on cases, answered with 4xx.

mod common;

use std::collections::BTreeMap;

use common::{DISPLAY, KIOSK, TestHub};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ROLES: [&str; 9] = [
    "intake",
    "reviewer",
    "other_reviewer",
    "pickup",
    "supervisor",
    "admin",
    "kiosk",
    "display",
    "anonymous",
];

struct Staff(BTreeMap<&'static str, Option<String>>);

impl Staff {
    async fn log_in(hub: &TestHub) -> Self {
        let mut creds = BTreeMap::new();
        creds.insert("intake", Some(hub.login("1001", Some(1)).await));
        creds.insert("reviewer", Some(hub.login("2001", None).await));
        creds.insert("other_reviewer", Some(hub.login("2002", None).await));
        creds.insert("pickup", Some(hub.login("3001", Some(10)).await));
        creds.insert("supervisor", Some(hub.login("9001", None).await));
        creds.insert("admin", Some(hub.login("9901", None).await));
        creds.insert("kiosk", Some(KIOSK.to_owned()));
        creds.insert("display", Some(DISPLAY.to_owned()));
        creds.insert("anonymous", None);
        Self(creds)
    }

    fn of(&self, role: &str) -> Option<&str> {
        self.0[role].as_deref()
    }
}

fn id_number() -> String {
    "11010519491231002X".to_owned()
}

async fn materials(hub: &TestHub, missing: &[&str]) -> Value {
    let (_, catalogue) = hub.get("/api/v1/services", None).await;
    let guide = catalogue["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "SCJG-001")
        .unwrap()
        .clone();
    Value::Array(
        guide["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| json!({"name": m["name"], "received": !missing.contains(&m["name"].as_str().unwrap())}))
            .collect(),
    )
}

fn case_body(materials: Value, intake: &str) -> Value {
    json!({
        "service": "SCJG-001",
        "applicant": {"name": "李四", "id_number": id_number(), "phone": "13900001111"},
        "materials": materials,
        "intake": intake,
    })
}

/// A citizen being served at counter 1.
async fn serving(hub: &TestHub, staff: &Staff) {
    let clerk = staff.of("intake").unwrap();
    let (_, counter) = hub.get("/api/v1/counters/1", Some(clerk)).await;
    if counter["state"] == "serving" {
        return;
    }
    if counter["state"] == "calling" {
        hub.act_ok(clerk, 1, "start").await;
        return;
    }
    hub.issue(json!({"queue": "A"})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
}

async fn ok(hub: &TestHub, path: &str, who: &str, body: Value) -> Value {
    let (status, value) = hub.post(path, Some(who), body).await;
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

/// A new case in the state a call needs.
async fn prepare(hub: &TestHub, staff: &Staff, state: &str) -> String {
    serving(hub, staff).await;
    let clerk = staff.of("intake").unwrap();
    let intake = if state == "awaiting_materials" {
        "notice"
    } else {
        "accept"
    };
    let missing: &[&str] = if intake == "notice" {
        &["公司章程"]
    } else {
        &[]
    };
    let case = ok(
        hub,
        "/api/v1/cases",
        clerk,
        case_body(materials(hub, missing).await, intake),
    )
    .await;
    let number = case["number"].as_str().unwrap().to_owned();
    hub.act_ok(clerk, 1, "finish").await;
    let reviewer = staff.of("reviewer").unwrap();
    let path = |what: &str| format!("/api/v1/cases/{number}/{what}");
    if [
        "in_review",
        "correction",
        "extension_pending",
        "approved",
        "closed",
    ]
    .contains(&state)
    {
        ok(hub, &path("claim"), reviewer, json!({})).await;
    }
    match state {
        "correction" => {
            ok(
                hub,
                &path("correction"),
                reviewer,
                json!({"items": ["补签字"]}),
            )
            .await;
        }
        "extension_pending" => {
            ok(
                hub,
                &path("extension"),
                reviewer,
                json!({"days": 2, "reason": "需现场核查"}),
            )
            .await;
        }
        "approved" | "closed" => {
            ok(hub, &path("decision"), reviewer, json!({"approve": true})).await;
        }
        _ => {}
    }
    if state == "closed" {
        ok(
            hub,
            &path("pickup"),
            staff.of("pickup").unwrap(),
            json!({"collected_by": "李四"}),
        )
        .await;
    }
    number
}

struct Call {
    name: &'static str,
    method: Method,
    /// The path, with `{n}` for the case number.
    path: &'static str,
    body: fn() -> Value,
    /// The state the case must be in.
    state: &'static str,
    /// Who may.
    allowed: &'static [&'static str],
}

fn empty() -> Value {
    json!({})
}

fn calls() -> Vec<Call> {
    let staff = &[
        "intake",
        "reviewer",
        "other_reviewer",
        "pickup",
        "supervisor",
        "admin",
    ];
    vec![
        Call {
            name: "list",
            method: Method::GET,
            path: "/api/v1/cases",
            body: empty,
            state: "accepted",
            allowed: staff,
        },
        Call {
            name: "read",
            method: Method::GET,
            path: "/api/v1/cases/{n}",
            body: empty,
            state: "accepted",
            allowed: &["intake", "reviewer", "supervisor", "admin"],
        },
        Call {
            name: "read at pickup",
            method: Method::GET,
            path: "/api/v1/cases/{n}",
            body: empty,
            state: "approved",
            allowed: &["intake", "reviewer", "pickup", "supervisor", "admin"],
        },
        Call {
            name: "document",
            method: Method::GET,
            path: "/api/v1/cases/{n}/documents/receipt?format=json",
            body: empty,
            state: "accepted",
            allowed: &["intake", "reviewer", "supervisor", "admin"],
        },
        Call {
            name: "history",
            method: Method::GET,
            path: "/api/v1/cases/{n}/history",
            body: empty,
            state: "accepted",
            allowed: &["intake", "reviewer", "supervisor", "admin"],
        },
        Call {
            name: "materials",
            method: Method::POST,
            path: "/api/v1/cases/{n}/materials",
            body: || json!({"received": ["公司章程"]}),
            state: "awaiting_materials",
            allowed: &["intake"],
        },
        Call {
            name: "claim",
            method: Method::POST,
            path: "/api/v1/cases/{n}/claim",
            body: empty,
            state: "accepted",
            allowed: &["reviewer"],
        },
        Call {
            name: "approve",
            method: Method::POST,
            path: "/api/v1/cases/{n}/decision",
            body: || json!({"approve": true}),
            state: "in_review",
            allowed: &["reviewer"],
        },
        Call {
            name: "reject",
            method: Method::POST,
            path: "/api/v1/cases/{n}/decision",
            body: || json!({"approve": false, "reason": "不符合条件"}),
            state: "in_review",
            allowed: &["reviewer"],
        },
        Call {
            name: "correction",
            method: Method::POST,
            path: "/api/v1/cases/{n}/correction",
            body: || json!({"items": ["补充说明"]}),
            state: "in_review",
            allowed: &["reviewer"],
        },
        Call {
            name: "resubmit",
            method: Method::POST,
            path: "/api/v1/cases/{n}/resubmit",
            body: empty,
            state: "correction",
            allowed: &["intake"],
        },
        Call {
            name: "extension",
            method: Method::POST,
            path: "/api/v1/cases/{n}/extension",
            body: || json!({"days": 3, "reason": "需听证"}),
            state: "in_review",
            allowed: &["reviewer"],
        },
        Call {
            name: "extension decision",
            method: Method::POST,
            path: "/api/v1/cases/{n}/extension/decision",
            body: || json!({"approve": true}),
            state: "extension_pending",
            allowed: &["supervisor"],
        },
        Call {
            name: "excluded time",
            method: Method::POST,
            path: "/api/v1/cases/{n}/excluded-time",
            body: || json!({"kind": "现场核查", "from": "2026-03-03", "to": "2026-03-04"}),
            state: "in_review",
            allowed: &["reviewer"],
        },
        Call {
            name: "hand over",
            method: Method::POST,
            path: "/api/v1/cases/{n}/pickup",
            body: || json!({"collected_by": "李四"}),
            state: "approved",
            allowed: &["pickup"],
        },
        Call {
            name: "rate",
            method: Method::POST,
            path: "/api/v1/ratings",
            body: empty,
            state: "closed",
            allowed: &["anonymous"],
        },
        Call {
            name: "supervision",
            method: Method::GET,
            path: "/api/v1/supervision",
            body: empty,
            state: "accepted",
            allowed: &["supervisor", "admin"],
        },
        Call {
            name: "rating counts",
            method: Method::GET,
            path: "/api/v1/ratings/summary",
            body: empty,
            state: "accepted",
            allowed: &["supervisor", "admin"],
        },
    ]
}

/// Whether the case as `who` reads it lists the action behind `call` as
/// allowed; none where the call is not a case action or `who` cannot read
/// the case.
async fn offered(hub: &TestHub, number: &str, who: Option<&str>, call: &str) -> Option<bool> {
    let act = match call {
        "materials" => "receive_materials",
        "claim" => "claim",
        "approve" | "reject" => "decide",
        "correction" => "request_correction",
        "resubmit" => "resubmit",
        "extension" => "request_extension",
        "extension decision" => "decide_extension",
        "excluded time" => "exclude_time",
        "hand over" => "hand_over",
        _ => return None,
    };
    let (status, case) = hub.get(&format!("/api/v1/cases/{number}"), who).await;
    if !status.is_success() {
        return None;
    }
    let allowed = case["allowed"].as_array().expect("a list of actions");
    Some(allowed.iter().any(|a| a == act))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_call_by_every_role() {
    let hub = TestHub::start().await;
    let staff = Staff::log_in(&hub).await;
    let mut table = Vec::new();
    for call in calls() {
        for role in ROLES {
            let number = prepare(&hub, &staff, call.state).await;
            let path = call.path.replace("{n}", &number);
            let body = if call.name == "rate" {
                json!({"case": number, "score": 4, "last_four": "002X"})
            } else {
                (call.body)()
            };
            let offered = offered(&hub, &number, staff.of(role), call.name).await;
            let (hall, seq) = (hub.hall(), hub.last_seq());
            let (status, value) = hub
                .send(call.method.clone(), &path, staff.of(role), Some(body))
                .await;
            let allowed = call.allowed.contains(&role);
            table.push(format!(
                "{:<20} {:<15} {}",
                call.name,
                role,
                status.as_u16()
            ));
            if let Some(offered) = offered {
                assert_eq!(
                    offered, allowed,
                    "{} by {role}: the case view offers what the hub accepts",
                    call.name
                );
            }
            if allowed {
                assert!(
                    status.is_success(),
                    "{} by {role}: {status} {value}",
                    call.name
                );
            } else {
                let expected = if role == "anonymous" {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{} by {role}: {value}", call.name);
                assert_eq!(hub.hall(), hall, "{} by {role} changed the hall", call.name);
                assert_eq!(
                    hub.last_seq(),
                    seq,
                    "{} by {role} wrote an event",
                    call.name
                );
            }
        }
    }
    assert_eq!(table.len(), calls().len() * ROLES.len());
}

#[tokio::test]
async fn opening_a_case_is_for_the_front_desk_serving_a_citizen() {
    let hub = TestHub::start().await;
    let staff = Staff::log_in(&hub).await;
    let body = case_body(materials(&hub, &[]).await, "accept");
    // Nobody being served yet.
    let (status, value) = hub
        .post("/api/v1/cases", staff.of("intake"), body.clone())
        .await;
    assert_eq!(
        (status, value["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_serving"))
    );
    serving(&hub, &staff).await;
    for role in ROLES.into_iter().filter(|r| *r != "intake") {
        let (status, _) = hub
            .post("/api/v1/cases", staff.of(role), body.clone())
            .await;
        let expected = if role == "anonymous" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{role}");
    }
    let (status, _) = hub.post("/api/v1/cases", staff.of("intake"), body).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn bad_case_input_is_refused_and_changes_nothing() {
    let hub = TestHub::start().await;
    let staff = Staff::log_in(&hub).await;
    serving(&hub, &staff).await;
    let clerk = staff.of("intake");
    let good = materials(&hub, &[]).await;
    let mut bad_id = case_body(good.clone(), "accept");
    bad_id["applicant"]["id_number"] = json!("110105194912310021");
    let mut bad_phone = case_body(good.clone(), "accept");
    bad_phone["applicant"]["phone"] = json!("12345");
    let mut unknown_material = case_body(good.clone(), "accept");
    unknown_material["materials"][0]["name"] = json!("不存在的材料");
    let mut unknown_service = case_body(good.clone(), "accept");
    unknown_service["service"] = json!("NOPE-001");
    let mut refuse_without_reason = case_body(good.clone(), "refuse");
    refuse_without_reason["reason"] = json!("   ");
    let notice_with_nothing_missing = case_body(good.clone(), "notice");
    let cases = [
        (
            bad_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id_number",
        ),
        (
            bad_phone,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_applicant",
        ),
        (
            unknown_material,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_material",
        ),
        (unknown_service, StatusCode::NOT_FOUND, "unknown_service"),
        (
            refuse_without_reason,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
        ),
        (
            notice_with_nothing_missing,
            StatusCode::CONFLICT,
            "nothing_missing",
        ),
        (
            json!({"service": "SCJG-001"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let (hall, seq) = (hub.hall(), hub.last_seq());
        let (got, value) = hub.post("/api/v1/cases", clerk, body).await;
        assert_eq!(
            (got, value["error"]["code"].as_str()),
            (status, Some(code)),
            "{value}"
        );
        assert_eq!(
            (hub.hall(), hub.last_seq()),
            (hall, seq),
            "{code} changed something"
        );
    }
    // Unknown cases, wrong transitions, duplicate ratings.
    let number = prepare(&hub, &staff, "closed").await;
    let reviewer = staff.of("reviewer");
    let refusals = [
        (
            "/api/v1/cases/209901010001/claim",
            reviewer,
            json!({}),
            StatusCode::NOT_FOUND,
            "unknown_case",
        ),
        (
            &*format!("/api/v1/cases/{number}/claim"),
            reviewer,
            json!({}),
            StatusCode::CONFLICT,
            "wrong_case_state",
        ),
        (
            &*format!("/api/v1/cases/{number}/decision"),
            reviewer,
            json!({"approve": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 6, "last_four": "002X"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_rating",
        ),
        (
            "/api/v1/ratings",
            None,
            json!({"case": "209901010001", "score": 5, "last_four": "002X"}),
            StatusCode::FORBIDDEN,
            "proof_mismatch",
        ),
        (
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 5, "last_four": "1234"}),
            StatusCode::FORBIDDEN,
            "proof_mismatch",
        ),
    ];
    for (path, who, body, status, code) in refusals {
        let (hall, seq) = (hub.hall(), hub.last_seq());
        let (got, value) = hub.post(path, who, body).await;
        assert_eq!(
            (got, value["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {value}"
        );
        assert_eq!(
            (hub.hall(), hub.last_seq()),
            (hall, seq),
            "{path} changed something"
        );
    }
    let (status, _) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 5, "last_four": "002x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (hall, seq) = (hub.hall(), hub.last_seq());
    let (status, value) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 3, "last_four": "1111"}),
        )
        .await;
    assert_eq!(
        (status, value["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_rated"))
    );
    assert_eq!((hub.hall(), hub.last_seq()), (hall, seq));
}
