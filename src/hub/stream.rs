//! The event stream: `GET /api/v1/events?since=SEQ` over WebSocket replays
//! what the client missed from the log, then sends live events. Staff and
//! devices get every event; anyone else only the public view: numbers and
//! counters, never an id, a name or a free-text reason.

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::auth::Principal;
use super::error::{HubError, Query};
use super::{Hub, HubShared};
use crate::api::{EventMessage, StreamNotice};
use crate::domain::event::HallEvent;
use crate::store::events::StoredEvent;

/// Events read from the log per round while catching a client up.
const REPLAY_PAGE: usize = 500;

/// A committed event on its way to subscribers. Each view is rendered once,
/// by the first subscriber that needs it, and never when nobody listens.
#[derive(Debug)]
pub struct WireEvent {
    pub seq: i64,
    stored: StoredEvent,
    event: HallEvent,
    full: OnceLock<String>,
    /// None inside for events the public never sees.
    public: OnceLock<Option<String>>,
}

impl WireEvent {
    pub fn new(stored: StoredEvent, event: HallEvent) -> Self {
        Self {
            seq: stored.seq,
            stored,
            event,
            full: OnceLock::new(),
            public: OnceLock::new(),
        }
    }

    fn message(&self, actor: Option<String>, event: Value) -> String {
        serde_json::to_string(&EventMessage {
            seq: self.stored.seq,
            at: self.stored.at,
            actor,
            event,
        })
        .unwrap_or_default()
    }

    fn text_for(&self, privileged: bool) -> Option<&str> {
        if privileged {
            Some(self.full.get_or_init(|| {
                self.message(Some(self.stored.actor.clone()), staff_view(&self.event))
            }))
        } else {
            self.public
                .get_or_init(|| public_view(&self.event).map(|v| self.message(None, v)))
                .as_deref()
        }
    }
}

/// What staff and devices see of an event: everything but an applicant's
/// full ID number and phone, which only the roles that need them read, case
/// by case, from the API.
pub fn staff_view(event: &HallEvent) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
    if let HallEvent::Case { case, .. } = event {
        let applicant = &mut value["case"]["applicant"];
        applicant["id_number"] = Value::from(case.applicant.id_number.masked());
        applicant["phone"] =
            Value::from(crate::domain::applicant::mask_phone(&case.applicant.phone));
    }
    value
}

/// What the public may know of an event: enough for a display wall.
pub fn public_view(event: &HallEvent) -> Option<Value> {
    use HallEvent as E;
    let kind = event.kind();
    Some(match event {
        E::TicketIssued { ticket } => json!({
            "kind": kind, "number": ticket.number, "queue": ticket.queue,
            "priority": ticket.priority, "at": ticket.issued_at,
        }),
        E::TicketCalled {
            number,
            queue,
            counter,
            at,
            ..
        } => json!({"kind": kind, "number": number, "queue": queue, "counter": counter, "at": at}),
        E::TicketRecalled {
            number,
            counter,
            at,
            recalls,
            ..
        } => {
            json!({"kind": kind, "number": number, "counter": counter, "at": at, "recalls": recalls})
        }
        E::TicketNoShow {
            number,
            counter,
            at,
            ..
        }
        | E::TicketStarted {
            number,
            counter,
            at,
            ..
        }
        | E::TicketFinished {
            number,
            counter,
            at,
            ..
        } => json!({"kind": kind, "number": number, "counter": counter, "at": at}),
        E::TicketReactivated { number, at, .. } => {
            json!({"kind": kind, "number": number, "at": at})
        }
        E::TicketTransferred {
            number,
            from_counter,
            to_queue,
            to_counter,
            at,
            ..
        } => json!({
            "kind": kind, "number": number, "from_counter": from_counter,
            "to_queue": to_queue, "to_counter": to_counter, "at": at,
        }),
        E::CounterPaused {
            counter,
            reason,
            at,
        } => {
            json!({"kind": kind, "counter": counter, "reason": reason, "at": at})
        }
        E::CounterResumed { counter, at } => json!({"kind": kind, "counter": counter, "at": at}),
        E::StaffLoggedIn {
            counter: Some(counter),
            at,
            ..
        } => json!({"kind": "counter_opened", "counter": counter, "at": at}),
        E::StaffLoggedOut {
            counter: Some(counter),
            at,
            ..
        } => json!({"kind": "counter_closed", "counter": counter, "at": at}),
        E::DayRolledOver { from, to, at, .. } => {
            json!({"kind": kind, "from": from, "to": to, "at": at})
        }
        E::StaffLoggedIn { counter: None, .. }
        | E::StaffLoggedOut { counter: None, .. }
        | E::StaffLoginFailed { .. }
        | E::DeviceAlert { .. }
        | E::Case { .. }
        | E::Rated { .. }
        | E::RectificationOpened { .. }
        | E::RectificationClosed { .. } => return None,
    })
}

#[derive(Debug, Deserialize)]
pub struct Since {
    /// The last sequence the client has; 0 or absent for everything.
    #[serde(default)]
    since: i64,
}

/// Replays events after `since`, then streams live ones.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events",
    params(("since" = Option<i64>, Query, description = "the last sequence the client has")),
    responses(
        (status = 101, description = "WebSocket: EventMessage per event, then a caught_up notice after the replay"),
        (status = 401, body = crate::api::ErrorBody),
    )
)]
pub async fn events(
    State(hub): State<Arc<Hub>>,
    principal: Option<Principal>,
    Query(Since { since }): Query<Since>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, HubError> {
    if since < 0 {
        return Err(HubError::invalid("invalid_query", "since 不能为负数"));
    }
    let privileged = principal.is_some();
    Ok(upgrade.on_upgrade(move |socket| async move {
        if let Err(e) = stream(hub, socket, since, privileged).await {
            tracing::debug!(error = %e, "event stream ended");
        }
    }))
}

async fn stream(
    hub: Arc<Hub>,
    mut socket: WebSocket,
    since: i64,
    privileged: bool,
) -> Result<(), axum::Error> {
    // Subscribe before reading the log so that nothing falls between the two.
    let mut live = hub.shared.events.subscribe();
    let mut last = since;
    last = catch_up(&hub, &mut socket, last, privileged).await?;
    let caught_up =
        serde_json::to_string(&StreamNotice::CaughtUp { seq: last }).unwrap_or_default();
    socket.send(Message::text(caught_up)).await?;
    let mut shutdown = hub.shutdown.clone();
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(event) if event.seq <= last => {}
                Ok(event) => {
                    last = event.seq;
                    if let Some(text) = event.text_for(privileged) {
                        socket.send(Message::text(text.to_owned())).await?;
                    }
                }
                // Fell behind the broadcast: read what was missed from the log.
                Err(RecvError::Lagged(_)) => last = catch_up(&hub, &mut socket, last, privileged).await?,
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => break,
        }
    }
    let _ = socket.send(Message::Close(None)).await;
    Ok(())
}

/// Sends every logged event after `last`; returns the last one sent.
async fn catch_up(
    hub: &Hub,
    socket: &mut WebSocket,
    mut last: i64,
    privileged: bool,
) -> Result<i64, axum::Error> {
    loop {
        let page = match hub.readers.events_since(last, REPLAY_PAGE).await {
            Ok(page) => page,
            Err(e) => return Err(axum::Error::new(e)),
        };
        let done = page.len() < REPLAY_PAGE;
        for stored in page {
            last = stored.seq;
            let Ok(event) = serde_json::from_str::<HallEvent>(&stored.payload) else {
                tracing::warn!(
                    seq = stored.seq,
                    "an event in the log cannot be read; skipped"
                );
                continue;
            };
            if let Some(text) = WireEvent::new(stored, event).text_for(privileged) {
                socket.send(Message::text(text.to_owned())).await?;
            }
        }
        if done {
            return Ok(last);
        }
    }
}

impl HubShared {
    /// Called by the writer after a commit: the committed hall takes the
    /// batch's events, then every subscriber gets them.
    pub(super) fn committed(&self, recorded: &[(StoredEvent, HallEvent)]) {
        {
            let mut hall = self.hall.write().unwrap_or_else(|e| e.into_inner());
            for (_, event) in recorded {
                hall.apply(event);
            }
        }
        if self.events.receiver_count() > 0 {
            for (stored, event) in recorded {
                let _ = self
                    .events
                    .send(Arc::new(WireEvent::new(stored.clone(), event.clone())));
            }
        }
    }
}
