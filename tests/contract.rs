//! The hub keeps its OpenAPI document. Every test's answers are checked
//! through `TestHub`'s proxy (see `common::contract`); these tests show the
//! checker refuses what the document does not allow, and that the answers
//! every route shares — a missing credential, a body that is not JSON, too
//! large or malformed, a path parameter that does not parse — are real on
//! every route that declares them, and documented there.

mod common;

use common::contract::Contract;
use common::{KIOSK, TestHub};
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn contract(hub: &TestHub) -> Contract {
    let (status, doc) = hub.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    Contract::new(doc)
}

const JSON: Option<&str> = Some("application/json");

#[tokio::test]
async fn the_checker_refuses_what_the_document_does_not_allow() {
    let hub = TestHub::start().await;
    let c = contract(&hub).await;
    let check = |method: Method, path: &str, status: u16, content_type, body: &str| {
        let status = StatusCode::from_u16(status).unwrap();
        c.check(&method, path, status, content_type, body.as_bytes())
    };
    let error = r#"{"error":{"code":"x","message":"y"}}"#;
    let health = "/api/v1/health";
    assert_eq!(
        check(Method::GET, health, 200, JSON, r#"{"status":"ok"}"#),
        Ok(())
    );
    assert_eq!(
        check(Method::POST, "/api/v1/tickets", 401, JSON, error),
        Ok(())
    );

    let refused = [
        (
            Method::POST,
            "/api/v1/tickets",
            418,
            JSON,
            error,
            "not documented",
        ),
        (
            Method::GET,
            health,
            200,
            JSON,
            r#"{"status":1}"#,
            "does not match Health",
        ),
        (
            Method::GET,
            health,
            200,
            JSON,
            r#"{"status":"ok","up":1}"#,
            "up",
        ),
        (
            Method::GET,
            health,
            200,
            Some("text/plain"),
            "ok",
            "content type",
        ),
        (Method::GET, health, 200, JSON, "{", "not JSON"),
        (
            Method::GET,
            "/api/v1/queues",
            500,
            JSON,
            error,
            "failed inside",
        ),
        (
            Method::DELETE,
            "/api/v1/sessions/current",
            204,
            JSON,
            "{}",
            "a body where none",
        ),
        (
            Method::POST,
            "/api/v1/tickets",
            401,
            JSON,
            r#"{"error":"x"}"#,
            "ErrorBody",
        ),
        (
            Method::GET,
            "/api/v1/nowhere",
            200,
            JSON,
            "{}",
            "no such route",
        ),
        (
            Method::PUT,
            "/api/v1/tickets",
            200,
            JSON,
            "{}",
            "PUT is not documented",
        ),
    ];
    for (method, path, status, content_type, body, why) in refused {
        let verdict = check(method.clone(), path, status, content_type, body);
        let message = verdict.expect_err(&format!("{method} {path} {status} {body} passed"));
        assert!(message.contains(why), "{method} {path}: {message}");
    }

    // The router's own answers: an unknown route, a method a route lacks
    // (a literal segment wins over a parameter, as in the hub's router).
    assert_eq!(
        check(Method::GET, "/api/v1/nowhere", 404, JSON, error),
        Ok(())
    );
    assert_eq!(
        check(Method::PUT, "/api/v1/tickets", 405, JSON, error),
        Ok(())
    );
    let reactivate = "/api/v1/tickets/reactivate";
    assert_eq!(check(Method::GET, reactivate, 405, JSON, error), Ok(()));
    // Outside the API: the display wall's page and the document itself.
    assert_eq!(
        check(Method::GET, "/display", 200, Some("text/html"), "<html>"),
        Ok(())
    );
    let document = "/api/v1/openapi.json";
    assert_eq!(
        check(Method::GET, document, 200, JSON, r#"{"openapi":"3.1.0"}"#),
        Ok(())
    );
}

/// A value for each path parameter the hub's routes take.
fn sample_path(template: &str) -> String {
    template
        .replace("{n}", "1")
        .replace("{id}", "1")
        .replace("{number}", "202603020001")
        .replace("{kind}", "notice")
}

/// The same path with its first integer parameter made unparseable, if it
/// has one.
fn bad_path(template: &str, operation: &Value) -> Option<String> {
    let integer = operation["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["in"] == "path" && p["schema"]["type"] == "integer")?;
    let name = format!("{{{}}}", integer["name"].as_str()?);
    Some(sample_path(&template.replace(&name, "x")))
}

async fn raw(
    hub: &TestHub,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let mut request = hub.http.request(method, format!("{}{path}", hub.url));
    if let Some(secret) = auth {
        request = request.bearer_auth(secret);
    }
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let body = answer.json().await.unwrap_or(Value::Null);
    hub.assert_contract_kept();
    (status, body)
}

#[tokio::test]
async fn every_shared_answer_is_real_and_documented() {
    let hub = TestHub::start().await;
    let (_, doc) = hub.get("/api/v1/openapi.json", None).await;
    let too_large = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024)).into_bytes();
    let mut seen = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let path = sample_path(template);
            let what = format!("{method} {template}");
            let protected = operation["security"]
                .as_array()
                .is_some_and(|s| !s.iter().any(|r| r.as_object().unwrap().is_empty()));
            if protected {
                let (status, body) = raw(&hub, method.clone(), &path, None, None).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
                let garbled = Some("not a key");
                let (status, body) = raw(&hub, method.clone(), &path, garbled, None).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
                seen += 1;
            }
            if let Some(bad) = bad_path(template, operation) {
                let (status, body) = raw(&hub, method.clone(), &bad, Some(KIOSK), None).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
                assert_eq!(body["error"]["code"], "invalid_path", "{what}");
                seen += 1;
            }
            if operation.get("requestBody").is_none() {
                continue;
            }
            let bodies = [
                (
                    "text/plain",
                    b"{}".to_vec(),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ),
                (
                    "application/json",
                    b"{".to_vec(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                (
                    "application/json",
                    b"42".to_vec(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                (
                    "application/json",
                    too_large.clone(),
                    StatusCode::PAYLOAD_TOO_LARGE,
                ),
            ];
            for (content_type, bytes, expected) in bodies {
                let body = Some((content_type, bytes));
                let (status, answer) = raw(&hub, method.clone(), &path, Some(KIOSK), body).await;
                assert_eq!(status, expected, "{what} with {content_type}: {answer}");
                seen += 1;
            }
        }
    }
    assert!(seen > 100, "only {seen} shared answers were tried");
    assert_eq!(hub.last_seq(), 0, "a refused request wrote an event");
}

#[tokio::test]
async fn a_plain_request_for_the_event_stream_gets_a_json_426() {
    let hub = TestHub::start().await;
    for auth in [None, Some(KIOSK)] {
        let (status, body) = hub.get("/api/v1/events?since=0", auth).await;
        assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{body}");
        assert_eq!(body["error"]["code"], "upgrade_required");
    }
}
