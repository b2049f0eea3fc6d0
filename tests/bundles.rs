//! 一件事 over HTTP against the real hub with the sample hall: one intake,
//! the departments' reviewers acting side by side on their own tasks, stage
//! after stage on one clock, the lead department's word on a rejection,
//! results handed over together or stage by stage, and who may see what.

mod common;

use chrono::Duration;
use common::stream::{connect, replay};
use common::{TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The sample hall's reviewers by department.
const REVIEWERS: [(&str, &str); 8] = [
    ("scjg", "2001"),
    ("sw", "2002"),
    ("zj", "2003"),
    ("zrzy", "2004"),
    ("sthj", "2005"),
    ("fg", "2006"),
    ("rs", "2007"),
    ("ga", "2008"),
];

fn reviewer_of(department: &str) -> &'static str {
    REVIEWERS
        .iter()
        .find(|(d, _)| *d == department)
        .map(|(_, id)| *id)
        .unwrap()
}

/// A 一件事 case accepted at counter 1 for the citizen served there.
async fn accept(hub: &TestHub, clerk: &str, service: &str, queue: &str) -> Value {
    hub.issue(json!({"queue": queue})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
    let guide = hub.guide(service).await;
    assert!(guide["bundle"]["stages"].is_array(), "{guide}");
    let materials: Vec<Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "received": true}))
        .collect();
    let request = json!({
        "service": service,
        "applicant": {"name": "张三", "id_number": id_number("19900307", 12), "phone": "13812345678"},
        "materials": materials,
        "intake": "accept",
    });
    let (status, case) = hub.post("/api/v1/cases", Some(clerk), request).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    hub.act_ok(clerk, 1, "finish").await;
    case
}

fn tasks(case: &Value) -> Vec<(String, String)> {
    case["bundle"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["department"].as_str().unwrap().to_owned(),
                t["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Each reviewer logs in, claims and approves their department's task, all
/// at once; every answer is checked.
async fn approve_together(hub: &TestHub, number: &str, departments: &[&str]) {
    let acting = departments.iter().map(|d| async move {
        let token = hub.login(reviewer_of(d), None).await;
        let path = format!("/api/v1/cases/{number}");
        let (status, body) = hub
            .post(&format!("{path}/claim"), Some(&token), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{d} claims: {body}");
        let (status, body) = hub
            .post(
                &format!("{path}/decision"),
                Some(&token),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{d} approves: {body}");
    });
    futures_util::future::join_all(acting).await;
}

async fn case_as(hub: &TestHub, token: &str, number: &str) -> (StatusCode, Value) {
    hub.get(&format!("/api/v1/cases/{number}"), Some(token))
        .await
}

#[tokio::test]
async fn business_opening_four_departments_at_once_results_together() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    let case = accept(&hub, &clerk, "ZWFW-001", "A").await;
    let number = case["number"].as_str().unwrap().to_owned();
    assert_eq!(case["state"], "accepted");
    assert_eq!(case["bundle"]["stage"], 1);
    let opened: Vec<(String, String)> = ["scjg", "ga", "sw", "rs"]
        .map(|d| (d.to_owned(), "accepted".to_owned()))
        .into();
    assert_eq!(tasks(&case), opened);
    // Acceptance on Monday 2 March plus 3 working days.
    assert_eq!(case["due"], "2026-03-05");

    // Every department's inbox has it; the construction bureau's has not.
    for (department, id) in REVIEWERS {
        let token = hub.login(id, None).await;
        let (_, inbox) = hub.get("/api/v1/cases", Some(&token)).await;
        let listed = inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["number"] == number);
        let ours = ["scjg", "ga", "sw", "rs"].contains(&department);
        assert_eq!(listed, ours, "{department}'s inbox");
        let (status, seen) = case_as(&hub, &token, &number).await;
        if ours {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                tasks(&seen),
                [(department.to_owned(), "accepted".to_owned())]
            );
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{department} reads: {seen}");
            let (status, _) = hub
                .post(
                    &format!("/api/v1/cases/{number}/claim"),
                    Some(&token),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{department} claims");
        }
    }

    approve_together(&hub, &number, &["scjg", "ga", "sw", "rs"]).await;
    let supervisor = hub.login("9001", None).await;
    let (_, done) = case_as(&hub, &supervisor, &number).await;
    assert_eq!(done["state"], "approved", "{done}");
    assert!(tasks(&done).iter().all(|(_, s)| s == "approved"));

    // The tax reviewer's timeline shows every department's steps for
    // context, but who took them only for the tax task's.
    let tax = hub.login("2002", None).await;
    let (_, history) = hub
        .get(&format!("/api/v1/cases/{number}/history"), Some(&tax))
        .await;
    let steps = history.as_array().unwrap();
    assert_eq!(
        steps.iter().filter(|s| s["task"].is_string()).count(),
        8,
        "{history}"
    );
    for step in steps.iter().filter(|s| s["task"].is_string()) {
        let ours = step["task"] == "sw";
        assert_eq!(step["actor"] == "staff:2002", ours, "{step}");
        assert_eq!(step["actor"] == "department", !ours, "{step}");
    }

    // One hand-over for every result at the pickup window.
    let pickup = hub.login("3001", Some(10)).await;
    let (status, closed) = hub
        .post(
            &format!("/api/v1/cases/{number}/pickup"),
            Some(&pickup),
            json!({"collected_by": "张三"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["state"], "closed");

    let (_, supervision) = hub.get("/api/v1/supervision", Some(&supervisor)).await;
    let share = supervision["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == "ZWFW-001")
        .unwrap();
    assert_eq!(
        (share["finished"].as_u64(), share["within"].as_u64()),
        (Some(1), Some(1))
    );
    hub.assert_contract_kept();
}

/// A supervisor's view of a stage's tasks: department and state.
async fn stage_tasks(hub: &TestHub, number: &str, stage: u64) -> Vec<(String, String)> {
    let supervisor = hub.login("9001", None).await;
    let (_, case) = case_as(hub, &supervisor, number).await;
    case["bundle"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["stage"] == stage)
        .map(|t| {
            (
                t["department"].as_str().unwrap().to_owned(),
                t["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn next_day(hub: &TestHub, days: i64) {
    hub.clock.advance(Duration::days(days));
    hub.hub.tick().await.unwrap();
}

#[tokio::test]
async fn an_industrial_project_goes_stage_by_stage_and_the_lead_decides_a_rejection() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    let case = accept(&hub, &clerk, "ZWFW-002", "C").await;
    let number = case["number"].as_str().unwrap().to_owned();
    let promised = case["due"].clone();
    assert_eq!(case["bundle"]["stages"], 3);
    // The construction bureau's stage has not opened: nothing for it yet.
    let zj = hub.login("2003", None).await;
    assert_eq!(case_as(&hub, &zj, &number).await.0, StatusCode::FORBIDDEN);

    next_day(&hub, 1).await;
    approve_together(&hub, &number, &["fg", "zrzy"]).await;
    let stage_two = stage_tasks(&hub, &number, 2).await;
    assert!(
        stage_two.iter().all(|(_, s)| s == "accepted"),
        "{stage_two:?}"
    );

    // The first stage's permits are released now, with a pickup ticket of
    // their own; the case goes on.
    let ticket = hub.issue(json!({"case": number})).await;
    assert_eq!(ticket["queue"], "P", "{ticket}");
    let pickup = hub.login("3001", Some(10)).await;
    let (status, after) = hub
        .post(
            &format!("/api/v1/cases/{number}/pickup"),
            Some(&pickup),
            json!({"collected_by": "张三"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["state"], "accepted");

    // Ecology asks for a correction: the case's clock stops, the others' run.
    let sthj = hub.login("2005", None).await;
    let path = format!("/api/v1/cases/{number}");
    hub.post(&format!("{path}/claim"), Some(&sthj), json!({}))
        .await;
    let (status, corrected) = hub
        .post(
            &format!("{path}/correction"),
            Some(&sthj),
            json!({"items": ["补充环境影响评价文件的公众参与说明"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["state"], "correction");
    assert_eq!(corrected["due"], Value::Null);
    next_day(&hub, 1).await;
    let clerk = hub.login("1001", Some(1)).await;
    let (status, back) = hub
        .post(&format!("{path}/resubmit"), Some(&clerk), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_ne!(back["due"], promised, "the stopped day moved the promise");

    // Ecology rejects; the stage's lead, natural resources, overrules.
    let sthj = hub.login("2005", None).await;
    let (_, rejected) = hub
        .post(
            &format!("{path}/decision"),
            Some(&sthj),
            json!({"approve": false, "reason": "选址位于水源保护区"}),
        )
        .await;
    assert_eq!(rejected["state"], "in_review", "not ended: {rejected}");
    let (status, _) = hub
        .post(
            &format!("{path}/lead-decision"),
            Some(&sthj),
            json!({"overrule": true, "reason": "自行协调"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the lead decides");
    let zrzy = hub.login("2004", None).await;
    let (_, seen) = case_as(&hub, &zrzy, &number).await;
    assert!(
        seen["allowed"]
            .as_array()
            .unwrap()
            .contains(&json!("lead_decision"))
    );
    assert_eq!(seen["bundle"]["awaiting_lead"], "sthj");
    let (status, overruled) = hub
        .post(
            &format!("{path}/lead-decision"),
            Some(&zrzy),
            json!({"overrule": true, "reason": "经联合会审，选址已调出水源保护区"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{overruled}");

    approve_together(&hub, &number, &["zrzy", "fg"]).await;
    let stage_three = stage_tasks(&hub, &number, 3).await;
    assert_eq!(stage_three, [("zj".to_owned(), "accepted".to_owned())]);
    approve_together(&hub, &number, &["zj"]).await;
    let supervisor = hub.login("9001", None).await;
    let (_, done) = case_as(&hub, &supervisor, &number).await;
    assert_eq!(done["state"], "approved", "{done}");
    let states: Vec<(String, String)> = tasks(&done);
    assert!(
        states.contains(&("sthj".to_owned(), "overruled".to_owned())),
        "{states:?}"
    );
    hub.assert_contract_kept();
}

#[tokio::test]
async fn a_task_rejection_ends_business_opening_and_the_public_never_sees_who_reviewed() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    let case = accept(&hub, &clerk, "ZWFW-001", "A").await;
    let number = case["number"].as_str().unwrap().to_owned();
    let ga = hub.login("2008", None).await;
    let path = format!("/api/v1/cases/{number}");
    hub.post(&format!("{path}/claim"), Some(&ga), json!({}))
        .await;
    let (_, rejected) = hub
        .post(
            &format!("{path}/decision"),
            Some(&ga),
            json!({"approve": false, "reason": "印章样式不符合规定"}),
        )
        .await;
    assert_eq!(rejected["state"], "rejected", "{rejected}");
    assert_eq!(rejected["decision_reason"], "印章样式不符合规定");
    // Nobody acts on a rejected case any more.
    let scjg = hub.login("2001", None).await;
    let (status, _) = hub
        .post(&format!("{path}/claim"), Some(&scjg), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, catalogue) = hub.get("/api/v1/services", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(catalogue.to_string().contains("公章刻制备案"));
    let (events, _) = replay(&mut connect(&hub, 0, None).await).await;
    let text = serde_json::to_string(&events).unwrap();
    for secret in [
        "2008",
        "2001",
        "reviewer",
        "印章样式不符合规定",
        number.as_str(),
    ] {
        assert!(
            !text.contains(secret),
            "the public stream shows {secret}: {text}"
        );
    }
    hub.assert_contract_kept();
}
