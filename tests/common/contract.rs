//! The API document as a test oracle. A small proxy stands in front of every
//! test hub: whatever reaches the hub through `TestHub.url` — the tests' own
//! requests, the apps' client, a browser, an event stream's handshake — is
//! forwarded unchanged, and each answer is checked against the hub's own
//! OpenAPI document: its status must be documented for that route and
//! method, and its body must be valid against the declared schema, with no
//! property the schema does not name. What breaks the document is kept, and
//! fails the test that caused it (see `TestHub::send` and `Drop`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

type Upstream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Headers that belong to one connection, not to the request or answer.
const HOP_BY_HOP: [header::HeaderName; 5] = [
    header::CONNECTION,
    header::HOST,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// The hub's OpenAPI document, made strict, with its validators compiled
/// once per test binary.
pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Contract {
    /// The contract of the hub at `base`, read from the hub itself the first
    /// time a test binary asks.
    async fn of(base: &str, http: &reqwest::Client) -> Arc<Contract> {
        static CONTRACT: OnceLock<Arc<Contract>> = OnceLock::new();
        if let Some(contract) = CONTRACT.get() {
            return contract.clone();
        }
        let url = format!("{base}/api/v1/openapi.json");
        let doc: Value = http.get(url).send().await.unwrap().json().await.unwrap();
        CONTRACT
            .get_or_init(|| Arc::new(Contract::new(doc)))
            .clone()
    }

    pub fn new(mut doc: Value) -> Self {
        forbid_unnamed_properties(&mut doc);
        Self {
            doc,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this answer keeps the document; why not, if it breaks it.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
            return Ok(());
        }
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            return Err(format!("the hub failed inside: {}", text(body)));
        }
        let Some((template, item)) = self.route(path) else {
            return self.router_error(StatusCode::NOT_FOUND, "no such route", status, body);
        };
        let key = if method == Method::HEAD {
            "get".to_owned()
        } else {
            method.as_str().to_ascii_lowercase()
        };
        let Some(operation) = item.get(&key) else {
            let what = format!("{method} is not documented for {template}");
            return self.router_error(StatusCode::METHOD_NOT_ALLOWED, &what, status, body);
        };
        let responses = &operation["responses"];
        let Some(response) = responses
            .get(status.as_str())
            .or_else(|| responses.get("default"))
        else {
            let documented: Vec<&String> = responses.as_object().unwrap().keys().collect();
            return Err(format!(
                "status {status} is not documented for {method} {template} (documented: {documented:?})"
            ));
        };
        if method == Method::HEAD {
            return Ok(());
        }
        let name = format!("{key} {template} {}", status.as_str());
        self.body_fits(&name, response, content_type, body)
    }

    /// The documented route `path` takes, preferring literal segments over
    /// parameters as the hub's router does.
    fn route(&self, path: &str) -> Option<(&str, &Value)> {
        let segments: Vec<&str> = path.split('/').collect();
        self.doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(template, item)| {
                let parts: Vec<&str> = template.split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (part, segment) in parts.iter().zip(&segments) {
                    if part.starts_with('{') {
                        if segment.is_empty() {
                            return None;
                        }
                    } else if part == segment {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, template.as_str(), item))
            })
            .max_by_key(|(literal, ..)| *literal)
            .map(|(_, template, item)| (template, item))
    }

    /// An answer from the router itself (no route, or no such method): it
    /// must have the expected status and an `ErrorBody`.
    fn router_error(
        &self,
        expected: StatusCode,
        what: &str,
        status: StatusCode,
        body: &[u8],
    ) -> Result<(), String> {
        if status != expected {
            return Err(format!("{what}, yet the hub answered {status}"));
        }
        let value = json_body(body)?;
        let schema = json!({"$ref": "#/components/schemas/ErrorBody"});
        self.validate("ErrorBody", &schema, &value)
    }

    fn body_fits(
        &self,
        name: &str,
        response: &Value,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!("a body where none is documented: {}", text(body)))
            };
        };
        let media = content_type
            .and_then(|t| t.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        let Some(declared) = content.get(media) else {
            let documented: Vec<&String> = content.keys().collect();
            return Err(format!(
                "content type {media:?} is not documented (documented: {documented:?})"
            ));
        };
        let Some(schema) = declared.get("schema") else {
            return Ok(());
        };
        if media != "application/json" {
            return Ok(());
        }
        let value = json_body(body)?;
        self.validate(name, schema, &value)
    }

    /// Validates `value` against `schema`, whose references point into the
    /// document's components; `key` names the schema for the cache.
    fn validate(&self, key: &str, schema: &Value, value: &Value) -> Result<(), String> {
        let validator = self.validator(key, schema)?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        let name = schema
            .get("$ref")
            .or_else(|| schema.pointer("/items/$ref"))
            .and_then(Value::as_str)
            .map_or(key, |r| r.trim_start_matches("#/components/schemas/"));
        Err(format!(
            "the body does not match {name}: {}; body: {value}",
            errors.join("; ")
        ))
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut validators = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(validator) = validators.get(key) {
            return Ok(validator.clone());
        }
        let mut root = schema.clone();
        root["components"] = self.doc["components"].clone();
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the document's schema for {key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        validators.insert(key.to_owned(), validator.clone());
        Ok(validator)
    }
}

/// Every object schema that names its properties allows no others: a field
/// on the wire that the document does not name is a broken contract too.
fn forbid_unnamed_properties(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, value) in map.iter_mut() {
                // Members of an allOf each see only their own properties.
                if key != "allOf" {
                    forbid_unnamed_properties(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_unnamed_properties),
        _ => {}
    }
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(500).collect()
}

fn json_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e}): {}", text(body)))
}

/// A running proxy in front of one hub, and what it found.
pub struct Proxy {
    pub url: String,
    violations: Arc<Mutex<Vec<String>>>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct Forwarding {
    upstream: String,
    http: reqwest::Client,
    contract: Arc<Contract>,
    violations: Arc<Mutex<Vec<String>>>,
    stopping: watch::Receiver<bool>,
}

impl Proxy {
    /// Serves on `listener`, forwarding to the hub at `upstream`.
    pub async fn start(listener: TcpListener, upstream: String) -> Self {
        let url = format!("http://{}", listener.local_addr().unwrap());
        let http = yimen::tls::http_client(None)
            .unwrap()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let contract = Contract::of(&upstream, &http).await;
        let violations = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopping) = watch::channel(false);
        let forwarding = Arc::new(Forwarding {
            upstream,
            http,
            contract,
            violations: violations.clone(),
            stopping: stopping.clone(),
        });
        let app = Router::new().fallback(forward).with_state(forwarding);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(stopped(stopping))
                .await;
        });
        Self {
            url,
            violations,
            stop,
            task: Some(task),
        }
    }

    /// Asks the proxy to stop taking connections and to end its streams.
    pub fn signal_stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops the proxy and waits until it has.
    pub async fn stop(&mut self) {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// What broke the document since the last call.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut *self.violations.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

impl Forwarding {
    fn record(
        &self,
        method: &Method,
        target: &str,
        status: StatusCode,
        verdict: Result<(), String>,
    ) {
        if let Err(why) = verdict {
            let line = format!("{method} {target} answered {status}: {why}");
            self.violations
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(line);
        }
    }
}

async fn forward(State(proxy): State<Arc<Forwarding>>, request: Request) -> Response {
    let is_websocket = request
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if is_websocket {
        return websocket(proxy, request).await;
    }
    let (parts, body) = request.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut outgoing = proxy
        .http
        .request(parts.method.clone(), format!("{}{target}", proxy.upstream))
        .headers(end_to_end(&parts.headers));
    if !body.is_empty() || parts.headers.contains_key(header::CONTENT_LENGTH) {
        outgoing = outgoing.body(body);
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(e) => return unreachable_hub(&e.to_string()),
    };
    let status = answer.status();
    let headers = end_to_end(answer.headers());
    let Ok(body) = answer.bytes().await else {
        return unreachable_hub("the answer broke off");
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let verdict =
        proxy
            .contract
            .check(&parts.method, parts.uri.path(), status, content_type, &body);
    proxy.record(&parts.method, &target, status, verdict);
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in &HOP_BY_HOP {
        kept.remove(name);
    }
    kept
}

/// The proxy's own answer when the hub is gone: not the hub's, so not checked.
fn unreachable_hub(why: &str) -> Response {
    let body = json!({"error": {"code": "hub_unreachable", "message": why}});
    (StatusCode::BAD_GATEWAY, axum::Json(body)).into_response()
}

/// Opens the same stream on the hub first: its refusal is passed back as
/// it is; its handshake, checked, lets the client's through, and the two
/// streams are joined until either ends or the proxy stops.
async fn websocket(proxy: Arc<Forwarding>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let url = format!("{}{target}", proxy.upstream.replacen("http", "ws", 1));
    let mut handshake = url.into_client_request().unwrap();
    for name in [header::AUTHORIZATION, header::ORIGIN, header::COOKIE] {
        if let Some(value) = parts.headers.get(&name) {
            handshake.headers_mut().insert(name, value.clone());
        }
    }
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let upstream = match tokio_tungstenite::connect_async(handshake).await {
        Ok((upstream, _)) => upstream,
        Err(tungstenite::Error::Http(refusal)) => {
            let (head, body) = refusal.into_parts();
            let body = body.unwrap_or_default();
            let content_type = head
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let verdict = proxy
                .contract
                .check(&method, &path, head.status, content_type, &body);
            proxy.record(&method, &target, head.status, verdict);
            let mut response = Response::new(Body::from(Bytes::from(body)));
            *response.status_mut() = head.status;
            *response.headers_mut() = end_to_end(&head.headers);
            return response;
        }
        Err(e) => return unreachable_hub(&e.to_string()),
    };
    let switching = StatusCode::SWITCHING_PROTOCOLS;
    let verdict = proxy.contract.check(&method, &path, switching, None, b"");
    proxy.record(&method, &target, switching, verdict);
    match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => {
            let stopping = proxy.stopping.clone();
            upgrade.on_upgrade(move |client| join(client, upstream, stopping))
        }
        Err(rejection) => rejection.into_response(),
    }
}

async fn join(mut client: WebSocket, mut upstream: Upstream, stopping: watch::Receiver<bool>) {
    let stopped = stopped(stopping);
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            from_client = client.recv() => {
                let message = match from_client {
                    Some(Ok(Message::Text(t))) => tungstenite::Message::text(t.as_str()),
                    Some(Ok(Message::Binary(b))) => tungstenite::Message::binary(b),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    _ => break,
                };
                if upstream.send(message).await.is_err() {
                    break;
                }
            }
            from_hub = upstream.next() => {
                let message = match from_hub {
                    Some(Ok(tungstenite::Message::Text(t))) => Message::text(t.as_str()),
                    Some(Ok(tungstenite::Message::Binary(b))) => Message::binary(b),
                    Some(Ok(tungstenite::Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                if client.send(message).await.is_err() {
                    break;
                }
            }
            () = &mut stopped => break,
        }
    }
    let _ = client.send(Message::Close(None)).await;
    let _ = upstream.close(None).await;
}

async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|s| *s).await;
}
