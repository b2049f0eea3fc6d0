//! The event stream: `GET /api/v1/events?since=SEQ` over WebSocket replays
//! what the client missed from the log, then sends live events. Staff and
//! devices get the staff view of every event; anyone else only the public
//! view: numbers and counters, never an id or a name ([`views`]).

mod views;
#[cfg(test)]
mod views_tests;

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use super::auth::Principal;
use super::error::{HubError, Query, WebSocketUpgrade};
use super::{Hub, HubShared};
use crate::api::{EventMessage, StreamNotice};
use crate::domain::event::HallEvent;
use crate::store::events::StoredEvent;

use self::views::{public_event, staff_event};

/// Events read from the log per round while catching a client up.
const REPLAY_PAGE: usize = 500;

/// A committed event on its way to subscribers. Each view is rendered once,
/// by the first subscriber that needs it, and never when nobody listens.
#[derive(Debug)]
pub struct WireEvent {
    pub seq: i64,
    stored: StoredEvent,
    event: HallEvent,
    /// None inside for events with no staff view.
    staff: OnceLock<Option<String>>,
    /// None inside for events the public never sees.
    public: OnceLock<Option<String>>,
}

impl WireEvent {
    pub fn new(stored: StoredEvent, event: HallEvent) -> Self {
        Self {
            seq: stored.seq,
            stored,
            event,
            staff: OnceLock::new(),
            public: OnceLock::new(),
        }
    }

    fn message<E: Serialize>(&self, actor: Option<String>, event: E) -> String {
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
            let actor = || Some(self.stored.actor.clone());
            self.staff
                .get_or_init(|| staff_event(&self.event).map(|e| self.message(actor(), e)))
                .as_deref()
        } else {
            self.public
                .get_or_init(|| public_event(&self.event).map(|e| self.message(None, e)))
                .as_deref()
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Since {
    /// The last sequence the client has; 0 or absent for everything.
    #[serde(default)]
    since: i64,
}

/// Replays events after `since`, then streams live ones.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events", security((), ("bearer" = [])),
    params(("since" = Option<i64>, Query, minimum = 0, description = "the last sequence the client has")),
    responses(
        (status = 101, description = "WebSocket: EventMessage per event, then a caught_up notice after the replay; without a credential, the public view"),
        (status = 426, body = crate::api::ErrorBody, description = "not a WebSocket handshake"),
    )
)]
pub async fn events(
    State(hub): State<Arc<Hub>>,
    principal: Option<Principal>,
    Query(Since { since }): Query<Since>,
    WebSocketUpgrade(upgrade): WebSocketUpgrade,
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
    let mut last = catch_up(&hub, &mut socket, since, privileged).await?;
    if last == since && since > 0 {
        // Nothing after `since`: say where the log ends, which is below
        // `since` when the hub started over on a new database.
        let head = hub.readers.last_seq().await.map_err(axum::Error::new)?;
        last = last.min(head);
    }
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
        let page = hub
            .readers
            .events_since(last, REPLAY_PAGE)
            .await
            .map_err(axum::Error::new)?;
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
