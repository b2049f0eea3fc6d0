//! What the hub offers is what it accepts: the counter's and the case's
//! `allowed` actions against the answers to the same requests, including the
//! three places where screens and hub once disagreed.

mod common;

use common::{KIOSK, TestHub};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn acts(view: &Value) -> Vec<String> {
    view["allowed"]
        .as_array()
        .expect("a list of actions")
        .iter()
        .map(|a| a.as_str().expect("an action").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_show_is_offered_only_after_the_recalls_the_hall_wants() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    hub.issue(json!({"queue": "A"})).await;
    let (_, free) = hub.get("/api/v1/counters/1", Some(&clerk)).await;
    assert_eq!(acts(&free), ["call_next", "call", "pause"]);
    let (_, watched) = hub.get("/api/v1/counters/1", Some(KIOSK)).await;
    assert!(acts(&watched).is_empty(), "a device may do nothing here");

    let called = hub.act_ok(&clerk, 1, "call-next").await;
    assert_eq!(acts(&called), ["recall", "start", "transfer"]);
    let (status, refused) = hub.act(&clerk, 1, "no-show").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "recalls_needed");

    hub.act_ok(&clerk, 1, "recall").await;
    let once = hub.act_ok(&clerk, 1, "recall").await;
    assert!(acts(&once).contains(&"no_show".to_owned()), "{once}");
    let gone = hub.act_ok(&clerk, 1, "no-show").await;
    assert_eq!(gone["state"], "idle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_offers_the_transfers_the_hub_takes() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    hub.issue(json!({"queue": "A"})).await;
    let view = hub.act_ok(&clerk, 1, "call-next").await;
    let queues: Vec<&str> = view["transfer_queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["prefix"].as_str().unwrap())
        .collect();
    let counters: Vec<u64> = view["transfer_counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    assert!(!queues.contains(&"P"), "not the pickup queue: {queues:?}");
    assert!(!counters.contains(&1), "not the counter itself");
    assert!(!counters.contains(&10), "not the pickup window");
    let (status, _) = hub
        .post(
            "/api/v1/counters/1/transfer",
            Some(&clerk),
            json!({"counter": 10}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "what is not offered is refused"
    );
    let to = counters[0];
    let moved = hub
        .post(
            "/api/v1/counters/1/transfer",
            Some(&clerk),
            json!({"counter": to, "reason": "专窗办理"}),
        )
        .await;
    assert_eq!(moved.0, StatusCode::OK, "{}", moved.1);
}

/// A case in review by 2001, with an extension asked for.
async fn extension_asked(hub: &TestHub) -> (String, String) {
    let clerk = hub.login("1001", Some(1)).await;
    hub.issue(json!({"queue": "A"})).await;
    hub.act_ok(&clerk, 1, "call-next").await;
    hub.act_ok(&clerk, 1, "start").await;
    let (_, catalogue) = hub.get("/api/v1/services", None).await;
    let guide = catalogue["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "SCJG-001")
        .unwrap()
        .clone();
    let materials: Vec<Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "received": true}))
        .collect();
    let (status, case) = hub
        .post(
            "/api/v1/cases",
            Some(&clerk),
            json!({
                "service": "SCJG-001",
                "applicant": {"name": "李四", "id_number": "11010519491231002X", "phone": "13900001111"},
                "materials": materials,
                "intake": "accept",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let number = case["number"].as_str().unwrap().to_owned();
    let reviewer = hub.login("2001", None).await;
    let path = |what: &str| format!("/api/v1/cases/{number}/{what}");
    assert!(
        hub.post(&path("claim"), Some(&reviewer), json!({}))
            .await
            .0
            .is_success()
    );
    let (status, asked) = hub
        .post(
            &path("extension"),
            Some(&reviewer),
            json!({"days": 3, "reason": "需现场核查"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert!(!acts(&asked).contains(&"request_extension".to_owned()));
    (number, reviewer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_granted_extension_is_not_offered_again() {
    let hub = TestHub::start().await;
    let (number, reviewer) = extension_asked(&hub).await;
    let supervisor = hub.login("9001", None).await;
    let (status, _) = hub
        .post(
            &format!("/api/v1/cases/{number}/extension/decision"),
            Some(&supervisor),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, case) = hub
        .get(&format!("/api/v1/cases/{number}"), Some(&reviewer))
        .await;
    assert_eq!(case["extension_state"], "approved");
    let offered = acts(&case);
    assert!(offered.contains(&"decide".to_owned()), "{offered:?}");
    assert!(
        !offered.contains(&"request_extension".to_owned()),
        "one extension per case: {offered:?}"
    );
    let (status, refused) = hub
        .post(
            &format!("/api/v1/cases/{number}/extension"),
            Some(&reviewer),
            json!({"days": 2, "reason": "再核查"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "extension_used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_watch_extensions_but_only_supervisors_grant_them() {
    let hub = TestHub::start().await;
    let (number, _) = extension_asked(&hub).await;
    let admin = hub.login("9901", None).await;
    let (status, watched) = hub.get("/api/v1/supervision", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let pending = &watched["extensions_pending"][0];
    assert_eq!(pending["number"], number.as_str());
    assert!(!acts(pending).contains(&"decide_extension".to_owned()));
    let (status, _) = hub
        .post(
            &format!("/api/v1/cases/{number}/extension/decision"),
            Some(&admin),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let supervisor = hub.login("9001", None).await;
    let (_, watched) = hub.get("/api/v1/supervision", Some(&supervisor)).await;
    assert!(acts(&watched["extensions_pending"][0]).contains(&"decide_extension".to_owned()));
}
