//! The hub's event stream as a test reads it: a WebSocket from a chosen
//! sequence number, with or without a credential.

use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::TestHub;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(hub: &TestHub, since: i64, auth: Option<&str>) -> Socket {
    let url = format!(
        "{}/api/v1/events?since={since}",
        hub.url.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    if let Some(secret) = auth {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {secret}").parse().unwrap());
    }
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

pub async fn next(socket: &mut Socket) -> Value {
    let timeout = std::time::Duration::from_secs(10);
    loop {
        let message = tokio::time::timeout(timeout, socket.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// Reads events until the caught-up notice; returns them.
pub async fn replay(socket: &mut Socket) -> (Vec<Value>, i64) {
    let mut events = Vec::new();
    loop {
        let m = next(socket).await;
        if m["type"] == "caught_up" {
            return (events, m["seq"].as_i64().unwrap());
        }
        events.push(m);
    }
}
