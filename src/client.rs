//! The async client every other role uses to talk to the hub.

use std::marker::PhantomData;
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::api::{
    AlertRequest, Catalogue, CounterView, ErrorBody, EventMessage, IssuedTicket, PublicEvent,
    QueueInfo, Recorded, SessionInfo, SessionRequest, StaffEvent, StreamNotice, TicketRequest,
};
use crate::domain::ids::CounterNo;
use crate::tls::{TlsError, TlsFiles};

/// A hub on the LAN answers at once or not at all.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);
/// No screen waits longer than this for an answer.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The hub refused, saying why.
    #[error("{message} ({code}, HTTP {status})")]
    Refused {
        status: StatusCode,
        code: String,
        message: String,
    },
    /// The hub could not be reached or the connection broke.
    #[error("无法连接服务器：{0}")]
    Unreachable(#[source] reqwest::Error),
    #[error("服务器的回答无法识别：{0}")]
    Garbled(String),
    /// The event stream could not be opened or broke.
    #[error("事件推送中断：{0}")]
    Stream(String),
}

/// What the event stream brings; `E` is the view it was opened for, a
/// [`StaffEvent`] or a [`PublicEvent`].
#[derive(Clone, Debug, PartialEq)]
pub enum StreamItem<E> {
    Event(EventMessage<E>),
    /// An event this client cannot read, such as a kind newer than itself:
    /// it still counts in the sequence.
    Unreadable(i64),
    /// Everything missed has been sent; the log ends at this sequence, which
    /// is below the `since` asked for when the hub started over on a new
    /// database.
    CaughtUp(i64),
}

impl<E> StreamItem<E> {
    /// The sequence the item stands at.
    pub fn seq(&self) -> i64 {
        match self {
            StreamItem::Event(message) => message.seq,
            StreamItem::Unreadable(seq) | StreamItem::CaughtUp(seq) => *seq,
        }
    }
}

/// An open event stream of one view.
pub struct EventStream<E> {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    view: PhantomData<E>,
}

impl<E: DeserializeOwned> EventStream<E> {
    /// The next item; `None` when the hub closed the stream.
    ///
    /// # Errors
    /// The connection broke or the hub sent something that is not a
    /// message of the stream at all.
    pub async fn next(&mut self) -> Result<Option<StreamItem<E>>, ClientError> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let Some(message) = self.socket.next().await else {
                return Ok(None);
            };
            match message.map_err(|e| ClientError::Stream(e.to_string()))? {
                Message::Text(text) => return read_item(&text).map(Some),
                Message::Close(_) => return Ok(None),
                _ => {}
            }
        }
    }
}

/// One text frame of the stream: a notice, an event of the view, or an
/// event this client cannot read but whose sequence it can.
fn read_item<E: DeserializeOwned>(text: &str) -> Result<StreamItem<E>, ClientError> {
    /// An event message as far as any client can read one.
    #[derive(Deserialize)]
    struct Seq {
        seq: i64,
        #[serde(rename = "event")]
        _event: serde::de::IgnoredAny,
    }
    if let Ok(StreamNotice::CaughtUp { seq }) = serde_json::from_str(text) {
        return Ok(StreamItem::CaughtUp(seq));
    }
    match serde_json::from_str::<EventMessage<E>>(text) {
        Ok(message) => Ok(StreamItem::Event(message)),
        Err(e) => {
            let Seq { seq, .. } =
                serde_json::from_str(text).map_err(|_| ClientError::Garbled(e.to_string()))?;
            tracing::debug!(seq, error = %e, "an event this client cannot read");
            Ok(StreamItem::Unreadable(seq))
        }
    }
}

/// A counter button, as the path segment the hub takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterAction {
    CallNext,
    Recall,
    NoShow,
    Start,
    Finish,
    Resume,
}

impl CounterAction {
    fn path(self) -> &'static str {
        match self {
            CounterAction::CallNext => "call-next",
            CounterAction::Recall => "recall",
            CounterAction::NoShow => "no-show",
            CounterAction::Start => "start",
            CounterAction::Finish => "finish",
            CounterAction::Resume => "resume",
        }
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// Such as `http://127.0.0.1:9463`, without a trailing slash.
    base: String,
    /// A staff token or a device key.
    credential: Option<String>,
    /// The hall's TLS, for `https://` hubs: its CA alone, its certificate.
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Client {
    /// A client of the hub at `base` over plain HTTP: loopback and tests.
    ///
    /// # Panics
    /// Never: plain HTTP needs no files.
    pub fn new(base: &str) -> Self {
        Self::with_tls(base, None).expect("plain HTTP needs no TLS files")
    }

    /// A client of the hub at `base`, over TLS with the hall's files when
    /// given: trusting the hall's CA alone, showing the hall's certificate.
    ///
    /// # Errors
    /// The hall's TLS files are missing or invalid.
    pub fn with_tls(base: &str, tls: Option<&TlsFiles>) -> Result<Self, TlsError> {
        let http = crate::tls::http_client(tls)?
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| TlsError::Client(e.to_string()))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            credential: None,
            tls: tls.map(crate::tls::client_config).transpose()?,
        })
    }

    /// The same client presenting `secret` (a staff token or device key).
    pub fn with_credential(&self, secret: impl Into<String>) -> Self {
        Self {
            credential: Some(secret.into()),
            ..self.clone()
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(secret) = &self.credential {
            req = req.bearer_auth(secret);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(ClientError::Unreachable)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(ClientError::Unreachable)?;
        if status.is_success() {
            // "204 No Content" reads as JSON null, which `()` accepts.
            let json: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            serde_json::from_slice(json).map_err(|e| ClientError::Garbled(e.to_string()))
        } else {
            let body: ErrorBody = serde_json::from_slice(&bytes).map_err(|_| {
                ClientError::Garbled(format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&bytes)
                ))
            })?;
            Err(ClientError::Refused {
                status,
                code: body.error.code,
                message: body.error.message,
            })
        }
    }

    /// GETs a path under the hub, such as `/api/v1/counters/1`.
    ///
    /// # Errors
    /// The hub refused or could not be reached, or answered nonsense.
    pub async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, ClientError> {
        self.call::<(), R>(Method::GET, path, None).await
    }

    /// POSTs a JSON body; `R = ()` for an answer with no body.
    ///
    /// # Errors
    /// The hub refused or could not be reached, or answered nonsense.
    pub async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ClientError> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn delete(&self, path: &str) -> Result<(), ClientError> {
        self.call::<(), ()>(Method::DELETE, path, None).await
    }

    /// Opens the staff view of the event stream after `since`: first what
    /// was missed, then a caught-up notice, then live events. Needs the
    /// credential of a staff member or a device: without one the hub sends
    /// the public view, which this stream reads as unreadable events.
    ///
    /// # Errors
    /// The hub cannot be reached or refuses the credential.
    pub async fn subscribe(&self, since: i64) -> Result<EventStream<StaffEvent>, ClientError> {
        self.open_stream(since, self.credential.as_deref()).await
    }

    /// Opens the public view of the event stream after `since`, as a
    /// display wall reads it; the credential is never presented.
    ///
    /// # Errors
    /// The hub cannot be reached.
    pub async fn subscribe_public(
        &self,
        since: i64,
    ) -> Result<EventStream<PublicEvent>, ClientError> {
        self.open_stream(since, None).await
    }

    async fn open_stream<E>(
        &self,
        since: i64,
        credential: Option<&str>,
    ) -> Result<EventStream<E>, ClientError> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!(
            "{}/api/v1/events?since={since}",
            self.base.replacen("http", "ws", 1)
        );
        let mut request = url
            .into_client_request()
            .map_err(|e| ClientError::Garbled(e.to_string()))?;
        if let Some(secret) = credential {
            let value = format!("Bearer {secret}")
                .parse()
                .map_err(|_| ClientError::Garbled("a credential that is not a header".into()))?;
            request.headers_mut().insert("authorization", value);
        }
        let connector = self.tls.clone().map(tokio_tungstenite::Connector::Rustls);
        let (socket, _) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector)
                .await
                .map_err(|e| ClientError::Stream(e.to_string()))?;
        Ok(EventStream {
            socket,
            view: PhantomData,
        })
    }

    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn issue_ticket(&self, req: &TicketRequest) -> Result<IssuedTicket, ClientError> {
        self.call(Method::POST, "/api/v1/tickets", Some(req)).await
    }

    /// Every department and service guide.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn catalogue(&self) -> Result<Catalogue, ClientError> {
        self.call::<(), _>(Method::GET, "/api/v1/services", None)
            .await
    }

    /// Tells the hub a device needs attention, such as a printer out of paper.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn report_alert(&self, part: &str, problem: &str) -> Result<Recorded, ClientError> {
        let body = AlertRequest {
            part: part.to_owned(),
            problem: problem.to_owned(),
        };
        self.call(Method::POST, "/api/v1/alerts", Some(&body)).await
    }

    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn queues(&self) -> Result<Vec<QueueInfo>, ClientError> {
        self.call::<(), _>(Method::GET, "/api/v1/queues", None)
            .await
    }

    /// Logs in; the returned session carries the token to use from now on.
    ///
    /// # Errors
    /// Wrong PIN, a locked id, a taken counter, or the hub unreachable.
    pub async fn log_in(&self, req: &SessionRequest) -> Result<SessionInfo, ClientError> {
        self.call(Method::POST, "/api/v1/sessions", Some(req)).await
    }

    /// # Errors
    /// The hub refused (nobody waiting, wrong state, ...) or could not be reached.
    pub async fn counter_action(
        &self,
        counter: CounterNo,
        action: CounterAction,
    ) -> Result<CounterView, ClientError> {
        let path = format!("/api/v1/counters/{counter}/{}", action.path());
        self.call::<(), _>(Method::POST, &path, None).await
    }
}
