//! The async client every other role uses to talk to the hub.

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{
    AlertRequest, Catalogue, CounterView, ErrorBody, IssuedTicket, QueueInfo, Recorded,
    SessionInfo, SessionRequest, TicketRequest,
};
use crate::domain::ids::CounterNo;

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
    pub fn new(base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_owned(),
            credential: None,
        }
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
            serde_json::from_slice(&bytes).map_err(|e| ClientError::Garbled(e.to_string()))
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
