//! The async client every other role uses to talk to the hub.

use std::marker::PhantomData;
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::api::{
    AlertRequest, BookableService, BookingRequest, BookingView, CallTicketRequest,
    CaseHistoryEntry, CaseRequest, CaseView, Catalogue, CheckIn, CheckInRequest,
    CloseRectificationRequest, CorrectionRequest, CounterView, DecisionRequest, ErrorBody,
    EventMessage, ExcludedTimeRequest, ExtensionDecisionRequest, ExtensionRequest, IssuedTicket,
    LeadDecisionRequest, MaterialsRequest, PauseRequest, PickupRequest, PublicEvent, QueueInfo,
    RatingRecorded, RatingRequest, RatingSummary, ReactivateRequest, Recorded, SearchResults,
    SessionInfo, SessionRequest, StaffEvent, StreamNotice, Supervision, TicketRequest,
    TicketStatus, TransferRequest,
};
use crate::documents::{CaseDocument, DocumentKind};
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

    /// A client of the hub at `base` as an app's settings name it: over TLS
    /// with the hall's files when given. Files that cannot be read leave it
    /// unable to reach an `https://` hub, which it then reports as
    /// unreachable, like any hub away.
    pub fn over(base: &str, tls: Option<&TlsFiles>) -> Self {
        Self::with_tls(base, tls).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the hall's TLS files cannot be used");
            Self::new(base)
        })
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

    /// Sends one request under the hub and reads its answer: `R = ()` for
    /// an answer with no body.
    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .query(query);
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

    async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, ClientError> {
        self.call::<(), R>(Method::GET, path, &[], None).await
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ClientError> {
        self.call(Method::POST, path, &[], Some(body)).await
    }

    /// A step on case `number` that carries nothing but the case.
    async fn case_step(&self, number: &str, step: &str) -> Result<CaseView, ClientError> {
        let path = format!("/api/v1/cases/{number}/{step}");
        self.call::<(), _>(Method::POST, &path, &[], None).await
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

    /// Every department and service guide, with the hall's name and time zone.
    ///
    /// # Errors
    /// The hub could not be reached or answered nonsense.
    pub async fn catalogue(&self) -> Result<Catalogue, ClientError> {
        self.get("/api/v1/services").await
    }

    /// The guides matching what was typed, best first.
    ///
    /// # Errors
    /// A query the hub refuses (too long), or the hub unreachable.
    pub async fn search(&self, query: &str) -> Result<SearchResults, ClientError> {
        self.call::<(), _>(
            Method::GET,
            "/api/v1/services/search",
            &[("q", query)],
            None,
        )
        .await
    }

    /// Every queue with its waiting count and estimated wait.
    ///
    /// # Errors
    /// The hub could not be reached or answered nonsense.
    pub async fn queues(&self) -> Result<Vec<QueueInfo>, ClientError> {
        self.get("/api/v1/queues").await
    }

    /// # Errors
    /// The hub refused (a queue out of numbers, an unknown service, ...) or
    /// could not be reached.
    pub async fn issue_ticket(&self, req: &TicketRequest) -> Result<IssuedTicket, ClientError> {
        self.post("/api/v1/tickets", req).await
    }

    /// The services citizens can book (预约) a time for; none where the
    /// hall takes no bookings.
    ///
    /// # Errors
    /// The hub could not be reached or answered nonsense.
    pub async fn appointment_services(&self) -> Result<Vec<BookableService>, ClientError> {
        self.get("/api/v1/appointments/services").await
    }

    /// 预约签到: checks a booking of today in by its code or the ID number
    /// it was made with, and issues its ticket (as a kiosk or front-desk
    /// staff).
    ///
    /// # Errors
    /// `unknown_booking` (none today for that code or ID number),
    /// `too_early` (its words name the time check-in opens),
    /// `checkin_closed`, or the hub unreachable.
    pub async fn check_in(&self, req: &CheckInRequest) -> Result<CheckIn, ClientError> {
        self.post("/api/v1/appointments/check-in", req).await
    }

    /// Books a slot (预约) as a citizen's phone does.
    ///
    /// # Errors
    /// `slot_full`, `already_booked`, `booking_suspended`, `invalid_slot`,
    /// `invalid_applicant`, a service that takes no bookings, or the hub
    /// unreachable.
    pub async fn book(&self, req: &BookingRequest) -> Result<BookingView, ClientError> {
        self.post("/api/v1/appointments", req).await
    }

    /// A ticket's public status, by its unguessable id.
    ///
    /// # Errors
    /// No such ticket, or the hub unreachable.
    pub async fn ticket(&self, id: &str) -> Result<TicketStatus, ClientError> {
        self.get(&format!("/api/v1/tickets/{id}")).await
    }

    /// Puts a citizen marked absent back in line, within the hall's limit.
    ///
    /// # Errors
    /// Too late, no such ticket, or the hub unreachable.
    pub async fn reactivate(&self, req: &ReactivateRequest) -> Result<TicketStatus, ClientError> {
        self.post("/api/v1/tickets/reactivate", req).await
    }

    /// Logs in; the returned session carries the token to use from now on.
    ///
    /// # Errors
    /// Wrong PIN, a locked id, a taken counter, or the hub unreachable.
    pub async fn log_in(&self, req: &SessionRequest) -> Result<SessionInfo, ClientError> {
        self.post("/api/v1/sessions", req).await
    }

    /// The session behind the token, without the token.
    ///
    /// # Errors
    /// The session has ended, or the hub unreachable.
    pub async fn session(&self) -> Result<SessionInfo, ClientError> {
        self.get("/api/v1/sessions/current").await
    }

    /// Logs out; a counter logged in at closes.
    ///
    /// # Errors
    /// The session has ended already, or the hub unreachable.
    pub async fn log_out(&self) -> Result<(), ClientError> {
        self.call::<(), ()>(Method::DELETE, "/api/v1/sessions/current", &[], None)
            .await
    }

    /// Every counter and who is at it.
    ///
    /// # Errors
    /// No credential, or the hub unreachable.
    pub async fn counters(&self) -> Result<Vec<CounterView>, ClientError> {
        self.get("/api/v1/counters").await
    }

    /// One counter, with what the reader may do there now.
    ///
    /// # Errors
    /// No such counter, or the hub unreachable.
    pub async fn counter(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.get(&format!("/api/v1/counters/{counter}")).await
    }

    /// A counter call that carries nothing but the counter.
    async fn counter_step(
        &self,
        counter: CounterNo,
        step: &str,
    ) -> Result<CounterView, ClientError> {
        let path = format!("/api/v1/counters/{counter}/{step}");
        self.call::<(), _>(Method::POST, &path, &[], None).await
    }

    /// Calls the next ticket in the counter's queues. Answers the counter as it
    /// is after the hub's commit.
    ///
    /// # Errors
    /// The hub refused (nobody waiting, a ticket already at the counter,
    /// paused, ...) or could not be reached.
    pub async fn call_next(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "call-next").await
    }

    /// Calls the ticket at the counter once more. Answers the counter as it is
    /// after the hub's commit.
    ///
    /// # Errors
    /// The hub refused (nothing called, ...) or could not be reached.
    pub async fn recall(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "recall").await
    }

    /// Marks the ticket called as not there, once recalled enough. Answers the
    /// counter as it is after the hub's commit.
    ///
    /// # Errors
    /// The hub refused (recalls still due, nothing called, ...) or could not be
    /// reached.
    pub async fn no_show(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "no-show").await
    }

    /// Starts serving the citizen who came. Answers the counter as it is after
    /// the hub's commit.
    ///
    /// # Errors
    /// The hub refused (nothing called, ...) or could not be reached.
    pub async fn start(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "start").await
    }

    /// Finishes serving the citizen at the counter. Answers the counter as it
    /// is after the hub's commit.
    ///
    /// # Errors
    /// The hub refused (nobody served, ...) or could not be reached.
    pub async fn finish(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "finish").await
    }

    /// Opens the paused counter again. Answers the counter as it is after the
    /// hub's commit.
    ///
    /// # Errors
    /// The hub refused (not paused, ...) or could not be reached.
    pub async fn resume(&self, counter: CounterNo) -> Result<CounterView, ClientError> {
        self.counter_step(counter, "resume").await
    }

    /// Calls one waiting number out of turn, with the reason recorded.
    ///
    /// # Errors
    /// The hub refused (no such number, a busy counter, no reason, ...) or
    /// could not be reached.
    pub async fn call_ticket(
        &self,
        counter: CounterNo,
        req: &CallTicketRequest,
    ) -> Result<CounterView, ClientError> {
        self.post(&format!("/api/v1/counters/{counter}/call"), req)
            .await
    }

    /// Sends the citizen at the counter to another queue or counter.
    ///
    /// # Errors
    /// The hub refused (nobody at the counter, a target it does not allow)
    /// or could not be reached.
    pub async fn transfer(
        &self,
        counter: CounterNo,
        req: &TransferRequest,
    ) -> Result<CounterView, ClientError> {
        self.post(&format!("/api/v1/counters/{counter}/transfer"), req)
            .await
    }

    /// Pauses the counter, saying why.
    ///
    /// # Errors
    /// The hub refused (busy, no reason) or could not be reached.
    pub async fn pause(
        &self,
        counter: CounterNo,
        req: &PauseRequest,
    ) -> Result<CounterView, ClientError> {
        self.post(&format!("/api/v1/counters/{counter}/pause"), req)
            .await
    }

    /// The cases the reader works on: a department's, or the waiting ones.
    ///
    /// # Errors
    /// No credential, or the hub unreachable.
    pub async fn cases(&self) -> Result<Vec<CaseView>, ClientError> {
        self.get("/api/v1/cases").await
    }

    /// One case, as much of it as the reader may see.
    ///
    /// # Errors
    /// No such case, another department's, or the hub unreachable.
    pub async fn case(&self, number: &str) -> Result<CaseView, ClientError> {
        self.get(&format!("/api/v1/cases/{number}")).await
    }

    /// Opens a case at the counter: accepted, waiting for materials, or
    /// refused.
    ///
    /// # Errors
    /// The hub refused (an applicant it cannot take, materials that do not
    /// fit the decision, ...) or could not be reached.
    pub async fn open_case(&self, req: &CaseRequest) -> Result<CaseView, ClientError> {
        self.post("/api/v1/cases", req).await
    }

    /// The citizen brought more of what was missing.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn receive_materials(
        &self,
        number: &str,
        req: &MaterialsRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/materials"), req)
            .await
    }

    /// A reviewer of the department takes the case.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn claim(&self, number: &str) -> Result<CaseView, ClientError> {
        self.case_step(number, "claim").await
    }

    /// Approves the case, or rejects it with a reason.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn decide(
        &self,
        number: &str,
        req: &DecisionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/decision"), req)
            .await
    }

    /// Upholds or overrules a task's rejection, as the lead department of
    /// a 一件事's open stage.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn lead_decision(
        &self,
        number: &str,
        req: &LeadDecisionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/lead-decision"), req)
            .await
    }

    /// Asks for corrections, once, listing everything; the clock stops.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn request_correction(
        &self,
        number: &str,
        req: &CorrectionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/correction"), req)
            .await
    }

    /// The corrections asked for were brought; the clock runs again.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn resubmit(&self, number: &str) -> Result<CaseView, ClientError> {
        self.case_step(number, "resubmit").await
    }

    /// Asks a supervisor for more working days.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn request_extension(
        &self,
        number: &str,
        req: &ExtensionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/extension"), req)
            .await
    }

    /// A supervisor approves or declines the extension asked for.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn decide_extension(
        &self,
        number: &str,
        req: &ExtensionDecisionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/extension/decision"), req)
            .await
    }

    /// Records time that by law does not count.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn exclude_time(
        &self,
        number: &str,
        req: &ExcludedTimeRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/excluded-time"), req)
            .await
    }

    /// Hands the result over at the window, or records its mailing.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn pick_up(
        &self,
        number: &str,
        req: &PickupRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(&format!("/api/v1/cases/{number}/pickup"), req)
            .await
    }

    /// A case's document as data for the counter's printer.
    ///
    /// # Errors
    /// The case has no such document yet, or the hub unreachable.
    pub async fn case_document(
        &self,
        number: &str,
        kind: DocumentKind,
    ) -> Result<CaseDocument, ClientError> {
        let path = format!("/api/v1/cases/{number}/documents/{}", kind.path());
        self.call::<(), _>(Method::GET, &path, &[("format", "json")], None)
            .await
    }

    /// Every step of a case, oldest first.
    ///
    /// # Errors
    /// Another department's case, or the hub unreachable.
    pub async fn case_history(&self, number: &str) -> Result<Vec<CaseHistoryEntry>, ClientError> {
        self.get(&format!("/api/v1/cases/{number}/history")).await
    }

    /// What a supervisor watches: cards, extensions, bad reviews.
    ///
    /// # Errors
    /// Not a supervisor, or the hub unreachable.
    pub async fn supervision(&self) -> Result<Supervision, ClientError> {
        self.get("/api/v1/supervision").await
    }

    /// A rating (好差评) for a ticket or a case.
    ///
    /// # Errors
    /// Rated already, not yet served, or the hub unreachable.
    pub async fn rate(&self, req: &RatingRequest) -> Result<RatingRecorded, ClientError> {
        self.post("/api/v1/ratings", req).await
    }

    /// Ratings counted per counter, staff member, service and department.
    ///
    /// # Errors
    /// Not a supervisor, or the hub unreachable.
    pub async fn rating_summary(&self) -> Result<RatingSummary, ClientError> {
        self.get("/api/v1/ratings/summary").await
    }

    /// A supervisor closes a bad review's rectification.
    ///
    /// # Errors
    /// Not a supervisor, no such open rectification, or the hub unreachable.
    pub async fn close_rectification(
        &self,
        id: i64,
        req: &CloseRectificationRequest,
    ) -> Result<(), ClientError> {
        self.post(&format!("/api/v1/rectifications/{id}/close"), req)
            .await
    }

    /// Tells the hub a device needs attention, such as a printer out of paper.
    ///
    /// # Errors
    /// The hub refused or could not be reached.
    pub async fn report_alert(&self, req: &AlertRequest) -> Result<Recorded, ClientError> {
        self.post("/api/v1/alerts", req).await
    }
}
