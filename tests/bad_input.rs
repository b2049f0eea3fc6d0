//! Bad input of every kind gets a 4xx JSON error and leaves the hall as it was.

mod common;

use common::{DISPLAY, KIOSK, TestHub};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Sends a raw request and checks it is refused with `status` and `code`,
/// with nothing changed in the hall or the log.
async fn refused(
    hub: &TestHub,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: RawBody,
    status: StatusCode,
    code: &str,
) {
    let hall = hub.hall();
    let seq = hub.last_seq();
    let mut req = hub
        .http
        .request(method.clone(), format!("{}{path}", hub.url));
    if let Some(secret) = auth {
        req = req.header("authorization", secret);
    }
    req = match body {
        RawBody::None => req,
        RawBody::Json(text) => req.header("content-type", "application/json").body(text),
        RawBody::Bytes(content_type, bytes) => req.header("content-type", content_type).body(bytes),
    };
    let resp = req.send().await.unwrap();
    let got = resp.status();
    let text = resp.text().await.unwrap();
    let value: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}"));
    assert_eq!(got, status, "{method} {path}: {text}");
    assert_eq!(value["error"]["code"], code, "{method} {path}: {text}");
    assert!(!value["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(hub.hall(), hall, "{method} {path} changed the hall");
    assert_eq!(hub.last_seq(), seq, "{method} {path} wrote an event");
}

enum RawBody {
    None,
    Json(String),
    Bytes(&'static str, Vec<u8>),
}

fn j(v: &str) -> RawBody {
    RawBody::Json(v.to_owned())
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

#[tokio::test]
async fn malformed_and_wrongly_typed_bodies() {
    let hub = TestHub::start().await;
    let kiosk = bearer(KIOSK);
    let k = Some(kiosk.as_str());
    let post = Method::POST;
    let t = "/api/v1/tickets";
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"service\":"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_json",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("[1,2,3]"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"queue\": 7}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"queue\": \"A\", \"priority\": \"yes\"}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"queue\": \"A\", \"name\": \"张三\"}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"queue\":\"A\",\"service\":\"SCJG-001\"}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        RawBody::Bytes("text/plain", b"queue=A".to_vec()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        RawBody::Bytes("application/json", vec![0xff, 0xfe, 0x00]),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_json",
    )
    .await;
    // A lone surrogate is not Unicode.
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j("{\"queue\": \"\\ud800\"}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_json",
    )
    .await;
    let huge = format!(
        "{{\"queue\": \"A\", \"service\": \"{}\"}}",
        "办".repeat(40_000)
    );
    refused(
        &hub,
        post.clone(),
        t,
        k,
        RawBody::Json(huge),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn unknown_things_and_odd_unicode() {
    let hub = TestHub::start().await;
    let kiosk = bearer(KIOSK);
    let k = Some(kiosk.as_str());
    let t = "/api/v1/tickets";
    let post = Method::POST;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j(r#"{"service": "NOPE-001"}"#),
        StatusCode::NOT_FOUND,
        "unknown_service",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j(r#"{"queue": "Z"}"#),
        StatusCode::NOT_FOUND,
        "unknown_queue",
    )
    .await;
    // A full-width Ａ, a lower-case a, a letter with a combining mark, a right-to-left mark.
    for queue in ["Ａ", "a", "A\u{0301}", "\u{200f}A", "", "AB"] {
        let body = json!({"queue": queue}).to_string();
        refused(
            &hub,
            post.clone(),
            t,
            k,
            RawBody::Json(body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_queue",
        )
        .await;
    }
    for service in ["SCJG-001\u{0}", "企业设立登记", "😀", "SCJG-001 "] {
        let body = json!({"service": service}).to_string();
        refused(
            &hub,
            post.clone(),
            t,
            k,
            RawBody::Json(body),
            StatusCode::NOT_FOUND,
            "unknown_service",
        )
        .await;
    }
    // Pickup tickets are taken by case number, not from the kiosk's queue list.
    refused(
        &hub,
        post.clone(),
        t,
        k,
        j(r#"{"queue": "P"}"#),
        StatusCode::CONFLICT,
        "pickup_queue",
    )
    .await;
    refused(
        &hub,
        Method::GET,
        "/api/v1/tickets/0123456789abcdef0123456789abcdef",
        None,
        RawBody::None,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    refused(
        &hub,
        Method::GET,
        "/api/v1/tickets/../../etc/passwd",
        None,
        RawBody::None,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    refused(
        &hub,
        Method::GET,
        "/api/v1/nowhere",
        None,
        RawBody::None,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    refused(
        &hub,
        Method::DELETE,
        "/api/v1/tickets",
        k,
        RawBody::None,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let long_query = format!("/api/v1/services/search?q={}", "营".repeat(51));
    refused(
        &hub,
        Method::GET,
        &long_query,
        None,
        RawBody::None,
        StatusCode::UNPROCESSABLE_ENTITY,
        "query_too_long",
    )
    .await;
    refused(
        &hub,
        Method::GET,
        "/api/v1/services/search",
        None,
        RawBody::None,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn missing_wrong_and_misused_credentials() {
    let hub = TestHub::start().await;
    hub.issue(json!({"queue": "A"})).await;
    let clerk = bearer(&hub.login("1001", Some(1)).await);
    let reviewer = bearer(&hub.login("2001", None).await);
    let kiosk = bearer(KIOSK);
    let display = bearer(DISPLAY);
    let post = Method::POST;
    let t = "/api/v1/tickets";
    let a = || j(r#"{"queue": "A"}"#);
    refused(
        &hub,
        post.clone(),
        t,
        None,
        a(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        Some("Bearer wrong-key"),
        a(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        Some("Basic ZGVtbzpkZW1v"),
        a(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        Some("Bearer yst_0000"),
        a(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // A display may watch but not issue; a reviewer may not issue.
    refused(
        &hub,
        post.clone(),
        t,
        Some(&display),
        a(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        t,
        Some(&reviewer),
        a(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // A kiosk may issue but not call; a reviewer may not call.
    let call = "/api/v1/counters/1/call-next";
    refused(
        &hub,
        post.clone(),
        call,
        Some(&kiosk),
        j("{}"),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        call,
        Some(&reviewer),
        j("{}"),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        call,
        None,
        j("{}"),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // A clerk acts only at their own counter.
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/2/call-next",
        Some(&clerk),
        j("{}"),
        StatusCode::FORBIDDEN,
        "not_your_counter",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/99/call-next",
        Some(&clerk),
        j("{}"),
        StatusCode::NOT_FOUND,
        "unknown_counter",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/-1/call-next",
        Some(&clerk),
        j("{}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_path",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/一/call-next",
        Some(&clerk),
        j("{}"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_path",
    )
    .await;
    // Wrong states.
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/finish",
        Some(&clerk),
        j("{}"),
        StatusCode::CONFLICT,
        "no_current_ticket",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/resume",
        Some(&clerk),
        j("{}"),
        StatusCode::CONFLICT,
        "counter_not_paused",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/pause",
        Some(&clerk),
        j(r#"{"reason": ""}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    let long = json!({"reason": "午".repeat(101)}).to_string();
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/pause",
        Some(&clerk),
        RawBody::Json(long),
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_too_long",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/pause",
        Some(&clerk),
        j(r#"{"reason": "午休\u0007"}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_too_long",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        "/api/v1/counters/1/transfer",
        Some(&clerk),
        j(r#"{"queue": "B", "counter": 2}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    // Logging in: a reviewer at a counter, someone at a taken counter.
    let login = "/api/v1/sessions";
    refused(
        &hub,
        post.clone(),
        login,
        None,
        j(r#"{"staff": "2002", "pin": "123456", "counter": 3}"#),
        StatusCode::FORBIDDEN,
        "wrong_counter_kind",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        login,
        None,
        j(r#"{"staff": "1002", "pin": "123456", "counter": 1}"#),
        StatusCode::CONFLICT,
        "counter_taken",
    )
    .await;
    refused(
        &hub,
        post.clone(),
        login,
        None,
        j(r#"{"staff": 1002, "pin": "123456"}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_pin_is_refused_and_counted() {
    let hub = TestHub::start().await;
    let seq = hub.last_seq();
    let (status, body) = hub
        .post(
            "/api/v1/sessions",
            None,
            json!({"staff": "1003", "pin": "654321", "counter": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "wrong_pin");
    // The failure is recorded for supervision, and nothing else changed.
    assert_eq!(hub.last_seq(), seq + 1);
    assert_eq!(hub.hall().sessions().count(), 0);
    // An unknown id is refused the same way and records nothing.
    let (status, _) = hub
        .post(
            "/api/v1/sessions",
            None,
            json!({"staff": "7777", "pin": "123456"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(hub.last_seq(), seq + 1);
}
