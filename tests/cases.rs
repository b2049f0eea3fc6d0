//! Cases over HTTP against the real hub: intake, review, pickup, ratings,
//! warnings on an injected clock, who may do what, and bad input.

mod common;

use chrono::Duration;
use common::{KIOSK, TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A new business day: staff log in again.
async fn next_days(hub: &TestHub, days: i64) -> Desk {
    hub.clock.advance(Duration::days(days));
    hub.hub.tick().await.unwrap();
    desk(hub).await
}

struct Desk {
    clerk: String,
    reviewer: String,
    pickup: String,
    supervisor: String,
}

async fn desk(hub: &TestHub) -> Desk {
    Desk {
        clerk: hub.login("1001", Some(1)).await,
        reviewer: hub.login("2001", None).await,
        pickup: hub.login("3001", Some(10)).await,
        supervisor: hub.login("9001", None).await,
    }
}

/// A citizen takes a ticket and is being served at counter 1.
async fn serve(hub: &TestHub, clerk: &str) -> Value {
    let ticket = hub.issue(json!({"service": "SCJG-001"})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
    ticket
}

/// The guide's materials, each received unless named in `missing`.
async fn materials(hub: &TestHub, service: &str, missing: &[&str]) -> Value {
    let guide = hub.guide(service).await;
    let list: Vec<Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let name = m["name"].as_str().unwrap();
            json!({"name": name, "received": !missing.contains(&name)})
        })
        .collect();
    Value::Array(list)
}

fn applicant() -> Value {
    json!({"name": "张三", "id_number": id_number("19900307", 12), "phone": "13812345678"})
}

async fn open(hub: &TestHub, clerk: &str, intake: &str, missing: &[&str]) -> (StatusCode, Value) {
    let body = json!({
        "service": "SCJG-001",
        "applicant": applicant(),
        "materials": materials(hub, "SCJG-001", missing).await,
        "intake": intake,
        "reason": if intake == "refuse" { Value::from("申请事项不属于本机关职权范围") } else { Value::Null },
    });
    hub.post("/api/v1/cases", Some(clerk), body).await
}

async fn post_ok(hub: &TestHub, path: &str, who: &str, body: Value) -> Value {
    let (status, value) = hub.post(path, Some(who), body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {value}");
    value
}

#[tokio::test]
async fn intake_review_pickup_and_rating() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let d = desk(&hub).await;
    serve(&hub, &d.clerk).await;
    let (status, case) = open(&hub, &d.clerk, "accept", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let number = case["number"].as_str().unwrap().to_owned();
    assert_eq!(number, "202603020001");
    assert_eq!(case["state"], "accepted");
    assert_eq!(case["department"], "scjg");
    // Accepted Monday, 1 working day promised: due Tuesday.
    assert_eq!(case["due"], "2026-03-03");
    let id = id_number("19900307", 12);
    assert_eq!(
        case["applicant"]["id_number"],
        format!("1101**********{}", &id[14..]),
        "masked for the front desk"
    );
    assert_eq!(case["applicant"]["name"], "张*");
    assert_eq!(case["applicant"]["masked"], true);

    // The department's inbox, with the full details.
    let (_, inbox) = hub.get("/api/v1/cases", Some(&d.reviewer)).await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    assert_eq!(inbox[0]["applicant"]["name"], "张三");
    assert_eq!(inbox[0]["applicant"]["masked"], false);
    let claimed = post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/claim"),
        &d.reviewer,
        json!({}),
    )
    .await;
    assert_eq!(claimed["state"], "in_review");
    let approved = post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/decision"),
        &d.reviewer,
        json!({"approve": true}),
    )
    .await;
    assert_eq!(approved["state"], "approved");

    // The citizen takes a pickup ticket by case number at the kiosk.
    let (status, pickup_ticket) = hub
        .post("/api/v1/tickets", Some(KIOSK), json!({"case": number}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{pickup_ticket}");
    assert_eq!(pickup_ticket["number"], "P001");
    assert_eq!(pickup_ticket["case"], number.as_str());
    let (status, again) = hub
        .post("/api/v1/tickets", Some(KIOSK), json!({"case": number}))
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("pickup_taken"))
    );
    let called = hub.act_ok(&d.pickup, 10, "call-next").await;
    assert_eq!(called["current"]["case"], number.as_str());
    hub.act_ok(&d.pickup, 10, "start").await;
    let closed = post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/pickup"),
        &d.pickup,
        json!({"collected_by": "张三（本人）"}),
    )
    .await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["collected_by"], "张三（本人）");
    assert_eq!(
        closed["applicant"]["masked"], false,
        "the pickup window checks identity"
    );
    hub.act_ok(&d.pickup, 10, "finish").await;

    // 好差评: the case, once, by the citizen with the receipt's last four;
    // the pickup ticket, once, at the window that served it.
    let (status, rated) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 5, "last_four": "5678"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rated}");
    assert_eq!(rated["label"], "非常满意");
    assert!(rated["rectification"].is_null());
    let (status, twice) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 1, "last_four": "5678"}),
        )
        .await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_rated"))
    );
    let (status, _) = hub
        .post(
            "/api/v1/ratings",
            Some(&d.pickup),
            json!({"ticket": pickup_ticket["id"], "score": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // The event stream never carries the full ID number, not even to staff.
    let url = format!(
        "{}/api/v1/events?since=0",
        hub.url.replace("http://", "ws://")
    );
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", d.supervisor).parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let mut streamed = String::new();
    while !streamed.contains("caught_up") {
        use futures_util::StreamExt;
        if let Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) = socket.next().await {
            streamed.push_str(&text);
        }
    }
    assert!(
        streamed.contains("case_opened") || streamed.contains("\"action\":\"opened\""),
        "{streamed}"
    );
    assert!(
        !streamed.contains(&id) && !streamed.contains("13812345678"),
        "full details on the stream"
    );

    // Every step is in the log with its actor.
    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind, actor FROM events WHERE kind LIKE 'case_%' ORDER BY seq")
        .unwrap();
    let steps: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        steps,
        [
            ("case_opened".into(), "staff:1001".into()),
            ("case_claimed".into(), "staff:2001".into()),
            ("case_approved".into(), "staff:2001".into()),
            ("case_handed_over".into(), "staff:3001".into()),
        ]
    );
}

#[tokio::test]
async fn a_missing_material_gets_a_notice_then_completion_accepts() {
    let hub = TestHub::start().await;
    let d = desk(&hub).await;
    serve(&hub, &d.clerk).await;
    let missing = "公司章程";
    // Accepting with something missing is refused, naming it.
    let (status, refused) = open(&hub, &d.clerk, "accept", &[missing]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "materials_missing");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains(missing)
    );
    let (status, case) = open(&hub, &d.clerk, "notice", &[missing]).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["state"], "awaiting_materials");
    assert_eq!(case["missing"], json!([missing]));
    assert!(case["due"].is_null(), "the clock has not started");
    let number = case["number"].as_str().unwrap();
    // The one-time notice, as an A4 page and as data for the counter's printer.
    let page = hub
        .http
        .get(format!(
            "{}/api/v1/cases/{number}/documents/notice",
            hub.url
        ))
        .bearer_auth(&d.clerk)
        .send()
        .await
        .unwrap();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = page.text().await.unwrap();
    assert!(
        page.contains("一次性告知书") && page.contains(missing) && page.contains(number),
        "{page}"
    );
    let id = id_number("19900307", 12);
    assert!(
        !page.contains(&id) && page.contains(&format!("1101**********{}", &id[14..])),
        "the ID number masked"
    );
    let (_, doc) = hub
        .get(
            &format!("/api/v1/cases/{number}/documents/notice?format=json"),
            Some(&d.clerk),
        )
        .await;
    assert_eq!(doc["lines"][0]["name"], missing);
    let (status, _) = hub
        .get(
            &format!("/api/v1/cases/{number}/documents/receipt"),
            Some(&d.clerk),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "no receipt before acceptance");
    // Two days later the citizen brings the rest.
    let d = next_days(&hub, 2).await;
    let (_, front) = hub.get("/api/v1/cases", Some(&d.clerk)).await;
    assert_eq!(front[0]["number"], number, "the front desk's worklist");
    let done = post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/materials"),
        &d.clerk,
        json!({"received": [missing]}),
    )
    .await;
    assert_eq!(done["state"], "accepted");
    assert_eq!(done["accepted_on"], "2026-03-04");
    assert_eq!(done["due"], "2026-03-05");
    let (_, receipt) = hub
        .get(
            &format!("/api/v1/cases/{number}/documents/receipt?format=json"),
            Some(&d.clerk),
        )
        .await;
    assert_eq!(
        receipt["promised"],
        "承诺 1 个工作日办结，预计 2026年3月5日 前办结"
    );
    assert_eq!(receipt["delivery"], "统一出件窗口领取");
}

#[tokio::test]
async fn a_refusal_is_final() {
    let hub = TestHub::start().await;
    let d = desk(&hub).await;
    serve(&hub, &d.clerk).await;
    let (status, case) = open(&hub, &d.clerk, "refuse", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["state"], "refused");
    assert_eq!(case["refusal"], "申请事项不属于本机关职权范围");
    let number = case["number"].as_str().unwrap();
    let (status, body) = hub
        .post(
            &format!("/api/v1/cases/{number}/claim"),
            Some(&d.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_case_state"))
    );
}

#[tokio::test]
async fn correction_extension_and_excluded_time_move_the_deadline() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let d = desk(&hub).await;
    let ticket = hub.issue(json!({"service": "ZWFW-001"})).await;
    assert_eq!(ticket["number"], "A001");
    hub.act_ok(&d.clerk, 1, "call-next").await;
    hub.act_ok(&d.clerk, 1, "start").await;
    let body = json!({
        "service": "ZWFW-001",
        "applicant": applicant(),
        "materials": materials(&hub, "ZWFW-001", &[]).await,
        "intake": "accept",
        "mail_to": "云湖经开区云湖大道 100 号 创新大厦 8 楼",
    });
    let (status, case) = hub.post("/api/v1/cases", Some(&d.clerk), body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let number = case["number"].as_str().unwrap().to_owned();
    // 开办企业一件事: 3 working days from Monday → Thursday 2026-03-05.
    assert_eq!(case["due"], "2026-03-05");
    let reviewer = hub.login("2002", None).await; // the tax bureau, one of its four departments
    let path = |what: &str| format!("/api/v1/cases/{number}/{what}");
    post_ok(&hub, &path("claim"), &reviewer, json!({})).await;

    // Correction on Tuesday; resubmitted Thursday: Wed and Thu do not count.
    next_days(&hub, 1).await;
    let reviewer = hub.login("2002", None).await;
    let sent = post_ok(
        &hub,
        &path("correction"),
        &reviewer,
        json!({"items": ["股东会决议缺少签字", "住所证明已过期"]}),
    )
    .await;
    assert_eq!(sent["state"], "correction");
    assert!(sent["due"].is_null(), "the clock stops");
    let (status, again) = hub
        .post(
            &path("correction"),
            Some(&reviewer),
            json!({"items": ["再补一项"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let d = next_days(&hub, 2).await;
    let reviewer = hub.login("2002", None).await;
    let back = post_ok(&hub, &path("resubmit"), &d.clerk, json!({})).await;
    assert_eq!(back["state"], "in_review");
    assert_eq!(
        back["due"], "2026-03-09",
        "Thu 5th + Wed 4th and Thu 5th → Mon 9th"
    );
    let (status, again) = hub
        .post(
            &path("correction"),
            Some(&reviewer),
            json!({"items": ["又一项"]}),
        )
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("correction_used"))
    );

    // A typed year 9999, or a note past 200 characters, is refused and
    // changes nothing.
    let seq = hub.last_seq();
    for (body, code) in [
        (
            json!({"kind": "专家评审", "from": "2026-03-06", "to": "9999-03-09"}),
            "bad_span",
        ),
        (
            json!({"kind": "专家评审", "from": "2026-03-06", "to": "2026-03-09", "note": "注".repeat(201)}),
            "reason_too_long",
        ),
    ] {
        let (status, refused) = hub
            .post(&path("excluded-time"), Some(&reviewer), body)
            .await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code))
        );
    }
    assert_eq!(hub.last_seq(), seq);

    // An expert review Friday 6th to Monday 9th: two working days excluded.
    let excluded = post_ok(
        &hub,
        &path("excluded-time"),
        &reviewer,
        json!({"kind": "专家评审", "from": "2026-03-06", "to": "2026-03-09"}),
    )
    .await;
    assert_eq!(excluded["due"], "2026-03-11");

    // Three more days, once a supervisor approves.
    let asked = post_ok(
        &hub,
        &path("extension"),
        &reviewer,
        json!({"days": 3, "reason": "需征求规划部门意见"}),
    )
    .await;
    assert_eq!(
        (asked["extension_state"].as_str(), asked["due"].as_str()),
        (Some("pending"), Some("2026-03-11"))
    );
    let (status, _) = hub
        .post(
            &path("extension/decision"),
            Some(&reviewer),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a reviewer cannot approve their own extension"
    );
    let (_, watch) = hub.get("/api/v1/supervision", Some(&d.supervisor)).await;
    assert_eq!(watch["extensions_pending"][0]["number"], number.as_str());
    let granted = post_ok(
        &hub,
        &path("extension/decision"),
        &d.supervisor,
        json!({"approve": true}),
    )
    .await;
    assert_eq!(granted["due"], "2026-03-16");
    // The tax task's extension, as its reviewer sees it and the supervisor
    // among the tasks.
    let (_, seen) = hub
        .get(&format!("/api/v1/cases/{number}"), Some(&reviewer))
        .await;
    assert_eq!(seen["extension_state"], "approved");
    let tax = &granted["bundle"]["tasks"][2];
    assert_eq!(
        (&tax["department"], &tax["extension_state"]),
        (&json!("sw"), &json!("approved"))
    );

    // Approved by all four departments, then mailed with a tracking
    // number: no pickup ticket.
    post_ok(&hub, &path("decision"), &reviewer, json!({"approve": true})).await;
    for other in ["2001", "2007", "2008"] {
        let token = hub.login(other, None).await;
        post_ok(&hub, &path("claim"), &token, json!({})).await;
        post_ok(&hub, &path("decision"), &token, json!({"approve": true})).await;
    }
    let (status, body) = hub
        .post("/api/v1/tickets", Some(KIOSK), json!({"case": number}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_delivery"))
    );
    let (status, _) = hub
        .post(
            &path("pickup"),
            Some(&d.pickup),
            json!({"collected_by": "张三"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mailed = post_ok(
        &hub,
        &path("pickup"),
        &d.pickup,
        json!({"tracking_number": "SF1234567890"}),
    )
    .await;
    assert_eq!(
        (mailed["state"].as_str(), mailed["tracking_number"].as_str()),
        (Some("closed"), Some("SF1234567890"))
    );
}

#[tokio::test]
async fn cards_and_overdue_steps_on_an_injected_clock() {
    let hub = TestHub::start().await; // Monday 2026-03-02, 10:00
    let d = desk(&hub).await;
    serve(&hub, &d.clerk).await;
    let (_, case) = open(&hub, &d.clerk, "accept", &[]).await;
    let number = case["number"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/cases/{number}");
    // Due Tuesday 3rd; on Monday one working day is left: yellow.
    hub.hub.tick().await.unwrap();
    let (_, now) = hub.get(&path, Some(&d.supervisor)).await;
    assert_eq!(
        (now["card"].as_str(), now["working_days_left"].as_i64()),
        (Some("yellow"), Some(1))
    );
    // Tuesday, the due day, still yellow; the department has until tonight to claim it.
    let d = next_days(&hub, 1).await;
    let (_, watch) = hub.get("/api/v1/supervision", Some(&d.supervisor)).await;
    assert_eq!(watch["cards"][0]["card"], "yellow");
    assert!(watch["steps_overdue"].as_array().unwrap().is_empty());
    // Wednesday: overdue, a red card; and never claimed within one working day.
    let d = next_days(&hub, 1).await;
    hub.hub.tick().await.unwrap();
    let (_, watch) = hub.get("/api/v1/supervision", Some(&d.supervisor)).await;
    assert_eq!(watch["cards"][0]["card"], "red");
    assert_eq!(watch["cards"][0]["working_days_left"], -1);
    assert_eq!(watch["steps_overdue"][0]["number"], number.as_str());
    assert_eq!(watch["steps_overdue"][0]["claim_overdue"], true);
    // Each warning raised once, as an event with the system as actor.
    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT kind FROM events WHERE actor = 'system' AND kind LIKE 'case_%' ORDER BY seq",
        )
        .unwrap();
    let kinds: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        kinds,
        ["case_yellow_card", "case_red_card", "case_claim_overdue"]
    );
}

#[tokio::test]
async fn the_review_step_has_its_own_limit() {
    let hub = TestHub::start().await;
    let d = desk(&hub).await;
    hub.issue(json!({"service": "SCJG-005"})).await;
    hub.act_ok(&d.clerk, 1, "call-next").await;
    hub.act_ok(&d.clerk, 1, "start").await;
    let body = json!({"service": "SCJG-005", "applicant": applicant(), "materials": materials(&hub, "SCJG-005", &[]).await, "intake": "accept"});
    let (_, case) = hub.post("/api/v1/cases", Some(&d.clerk), body).await;
    let number = case["number"].as_str().unwrap().to_owned();
    let reviewer = hub.login("2001", None).await;
    post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/claim"),
        &reviewer,
        json!({}),
    )
    .await;
    // Promised 3, claim step 1: the review has 2 working days from Monday:
    // through Wednesday; Thursday it is overdue, while the case is not yet.
    let d = next_days(&hub, 2).await;
    hub.hub.tick().await.unwrap();
    let (_, wed) = hub
        .get(&format!("/api/v1/cases/{number}"), Some(&d.supervisor))
        .await;
    assert_eq!(wed["review_overdue"], false);
    let d = next_days(&hub, 1).await;
    hub.hub.tick().await.unwrap();
    let (_, thu) = hub
        .get(&format!("/api/v1/cases/{number}"), Some(&d.supervisor))
        .await;
    assert_eq!(
        (thu["review_overdue"].as_bool(), thu["card"].as_str()),
        (Some(true), Some("yellow"))
    );
}

#[tokio::test]
async fn a_bad_review_opens_a_rectification_a_supervisor_closes() {
    let hub = TestHub::start().await;
    let d = desk(&hub).await;
    let ticket = serve(&hub, &d.clerk).await;
    let (status, early) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"ticket": ticket["id"], "score": 1}),
        )
        .await;
    assert_eq!(
        (status, early["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_rateable"))
    );
    hub.act_ok(&d.clerk, 1, "finish").await;
    let (status, bad) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"ticket": ticket["id"], "score": 2, "comment": "等候时间太长"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bad}");
    let item = bad["rectification"].as_i64().expect("a rectification");
    let (_, watch) = hub.get("/api/v1/supervision", Some(&d.supervisor)).await;
    let r = &watch["rectifications"][0];
    assert_eq!(
        (
            r["id"].as_i64(),
            r["subject"].as_str(),
            r["counter"].as_u64()
        ),
        (Some(item), Some("A001"), Some(1))
    );
    assert_eq!(
        (r["assigned_to"].as_str(), r["due"].as_str()),
        (Some("9001"), Some("2026-03-09")),
        "5 working days"
    );
    let close = format!("/api/v1/rectifications/{item}/close");
    let (status, _) = hub
        .post(
            &close,
            Some(&d.clerk),
            json!({"note": "已整改", "verdict": "satisfied"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = hub
        .post(
            &close,
            Some(&d.supervisor),
            json!({"note": "已增开窗口并回访群众", "verdict": "satisfied"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, watch) = hub.get("/api/v1/supervision", Some(&d.supervisor)).await;
    assert!(watch["rectifications"].as_array().unwrap().is_empty());
    let (_, summary) = hub
        .get("/api/v1/ratings/summary", Some(&d.supervisor))
        .await;
    assert_eq!(summary["by_counter"][0]["key"], "1");
    assert_eq!(summary["by_counter"][0]["bad"], 1);
    assert_eq!(summary["by_staff"][0]["key"], "1001");
    assert_eq!(summary["by_department"][0]["key"], "scjg");
    let (status, _) = hub.get("/api/v1/ratings/summary", Some(&d.clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn cases_survive_a_restart() {
    let hub = TestHub::start().await;
    let d = desk(&hub).await;
    serve(&hub, &d.clerk).await;
    let (_, first) = open(&hub, &d.clerk, "notice", &["公司章程"]).await;
    hub.act_ok(&d.clerk, 1, "finish").await;
    serve(&hub, &d.clerk).await;
    let (_, second) = open(&hub, &d.clerk, "accept", &[]).await;
    let before = hub.hall();
    let hub = hub.restart().await;
    assert_eq!(hub.hall(), before);
    let clerk = d.clerk.clone();
    hub.act_ok(&clerk, 1, "finish").await;
    serve(&hub, &clerk).await;
    let (_, third) = open(&hub, &clerk, "accept", &[]).await;
    let numbers: Vec<&str> = [&first, &second, &third]
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["202603020001", "202603020002", "202603020003"]);
}
