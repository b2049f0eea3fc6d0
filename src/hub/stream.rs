//! The event stream: `GET /api/v1/events?since=SEQ` over WebSocket replays
//! what the client missed from the log, then sends live events. With
//! `from=now` it replays nothing and starts at the log's end: for a client
//! that reads what it needs afresh once caught up, as the phone's ticket
//! page does, a thousand of which may open at once.
//!
//! Who reads decides what is sent ([`Reader`]). Staff get the staff view of
//! the events their role sees ([`policy::event_sight`]) and may replay the
//! log from its start. Everyone else — a device's key or no credential —
//! gets the public view, numbers and counters only ([`views`]), and a
//! replay no longer than today's business day, however small `since` is:
//! today's state, never the hall's history.
//!
//! The hub bounds what a stream costs: at most [`Limits::event_streams`]
//! open at once (one more is answered 503), and nothing a client sends may
//! be larger than [`MAX_INCOMING`].
//!
//! [`Limits::event_streams`]: crate::config::Limits

mod views;
#[cfg(test)]
mod views_tests;

use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::auth::Principal;
use super::error::{HubError, Query, WebSocketUpgrade};
use super::{Hub, HubShared};
use crate::api::{EventMessage, StreamNotice};
use crate::domain::event::HallEvent;
use crate::domain::ids::{BusinessDay, DayRule};
use crate::domain::policy::{self, EventSight};
use crate::domain::setup::StaffSetup;
use crate::store::events::StoredEvent;

use self::views::{public_event, staff_event};

/// Events read from the log per round while catching a client up.
const REPLAY_PAGE: usize = 500;
/// The largest message or frame a client may send, in bytes: clients only
/// close the stream, so a few KiB is plenty.
pub const MAX_INCOMING: usize = 4 * 1024;

/// A committed event on its way to subscribers. Each view is rendered once,
/// by the first subscriber that needs it, and never when nobody listens.
#[derive(Debug)]
pub struct WireEvent {
    pub seq: i64,
    stored: StoredEvent,
    event: HallEvent,
    /// The staff view as it is; none inside for events with no staff view.
    staff: OnceLock<Option<String>>,
    /// The staff view without the clerks' notes.
    staff_without_notes: OnceLock<Option<String>>,
    /// None inside for events the public never sees.
    public: OnceLock<Option<String>>,
}

/// Who follows a stream, which decides the view and how far back it goes.
#[derive(Clone, Debug)]
pub enum Reader {
    /// No credential, or a device's key: the public view, today only.
    Public,
    /// A member of staff: the events their role sees, from any point.
    Staff(StaffSetup),
}

impl Reader {
    fn of(principal: Option<Principal>) -> Self {
        match principal {
            Some(Principal::Staff { member, .. }) => Reader::Staff(member),
            Some(Principal::Device { .. }) | None => Reader::Public,
        }
    }
}

impl WireEvent {
    pub fn new(stored: StoredEvent, event: HallEvent) -> Self {
        Self {
            seq: stored.seq,
            stored,
            event,
            staff: OnceLock::new(),
            staff_without_notes: OnceLock::new(),
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

    /// The message `reader` gets for this event; none when they see nothing
    /// of it.
    fn text_for(&self, reader: &Reader, rule: &DayRule) -> Option<&str> {
        let (cell, sight) = match reader {
            Reader::Public => {
                return self
                    .public
                    .get_or_init(|| public_event(&self.event).map(|e| self.message(None, e)))
                    .as_deref();
            }
            Reader::Staff(member) => match policy::event_sight(member, &self.event, rule) {
                EventSight::Hidden => return None,
                EventSight::WithoutNotes => (&self.staff_without_notes, EventSight::WithoutNotes),
                EventSight::Full => (&self.staff, EventSight::Full),
            },
        };
        let actor = || Some(self.stored.actor.clone());
        cell.get_or_init(|| staff_event(&self.event, sight).map(|e| self.message(actor(), e)))
            .as_deref()
    }
}

/// What every stream shares: the cap on open streams, and where today's
/// public replay starts.
pub struct Streams {
    /// One permit per open stream.
    open: Arc<Semaphore>,
    /// The business day and its first event, once looked up.
    today: Mutex<Option<(BusinessDay, i64)>>,
}

impl Streams {
    pub fn new(limit: usize) -> Self {
        Self {
            open: Arc::new(Semaphore::new(limit)),
            today: Mutex::new(None),
        }
    }

    /// A place for one more stream.
    ///
    /// # Errors
    /// `TooManyStreams` when every place is taken.
    fn admit(&self) -> Result<OwnedSemaphorePermit, HubError> {
        self.open
            .clone()
            .try_acquire_owned()
            .map_err(|_| HubError::TooManyStreams)
    }
}

#[derive(Debug, Deserialize)]
pub struct Since {
    /// The last sequence the client has; 0 or absent for everything.
    #[serde(default)]
    since: i64,
    /// `now`: nothing replayed, whatever `since` says.
    from: Option<From>,
}

/// Where a stream may start besides a sequence.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum From {
    /// The log's end as the stream opens.
    Now,
}

/// Replays events after `since`, then streams live ones.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events", security((), ("bearer" = [])),
    params(
        ("since" = Option<i64>, Query, minimum = 0, description = "the last sequence the client has; without a staff credential, replay starts no earlier than today's first event"),
        ("from" = Option<String>, Query, description = "`now`: replay nothing; the stream opens with caught_up at the log's end, for a client that reads what it needs afresh, as the phone's ticket page does"),
    ),
    responses(
        (status = 101, description = "WebSocket: EventMessage per event, then a caught_up notice after the replay; staff get the staff view of what their role sees, devices and everyone else the public view of today"),
        (status = 422, body = crate::api::ErrorBody, description = "since is negative, or from is not now"),
        (status = 426, body = crate::api::ErrorBody, description = "not a WebSocket handshake"),
        (status = 503, body = crate::api::ErrorBody, description = "as many streams are open as the hub takes; try again later"),
    )
)]
pub async fn events(
    State(hub): State<Arc<Hub>>,
    principal: Option<Principal>,
    Query(Since { since, from }): Query<Since>,
    WebSocketUpgrade(upgrade): WebSocketUpgrade,
) -> Result<Response, HubError> {
    if since < 0 {
        return Err(HubError::invalid("invalid_query", "since 不能为负数"));
    }
    let reader = Reader::of(principal);
    let place = hub.streams.admit()?;
    // What is committed after this read is replayed or sent live: nothing
    // falls between, and nothing before it is sent.
    let since = match (from, &reader) {
        (Some(From::Now), _) => hub.readers.last_seq().await?,
        (None, Reader::Public) => since.max(hub.start_of_today().await?),
        (None, Reader::Staff(_)) => since,
    };
    let upgrade = upgrade
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .read_buffer_size(MAX_INCOMING);
    Ok(upgrade.on_upgrade(move |socket| async move {
        if let Err(e) = stream(hub, socket, since, reader).await {
            tracing::debug!(error = %e, "event stream ended");
        }
        drop(place);
    }))
}

impl Hub {
    /// The sequence after which today's events start: where a public replay
    /// begins. The log's end when nothing has happened today yet.
    async fn start_of_today(&self) -> Result<i64, HubError> {
        let rule = self.config.setup.day_rule;
        let today = rule.day_of(self.clock.now());
        let known = *self.streams.today.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, first)) = known.filter(|(day, _)| *day == today) {
            return Ok(first - 1);
        }
        let began = rule.next_rollover(today.pred_opt().unwrap_or(today));
        match self.readers.first_event_since(began).await? {
            Some(first) => {
                *self.streams.today.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((today, first));
                Ok(first - 1)
            }
            None => self.readers.last_seq().await,
        }
    }
}

async fn stream(
    hub: Arc<Hub>,
    mut socket: WebSocket,
    since: i64,
    reader: Reader,
) -> Result<(), axum::Error> {
    // Subscribe before reading the log so that nothing falls between the two.
    let mut live = hub.shared.events.subscribe();
    let rule = hub.config.setup.day_rule;
    let mut last = catch_up(&hub, &mut socket, since, &reader).await?;
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
                    if let Some(text) = event.text_for(&reader, &rule) {
                        socket.send(Message::text(text.to_owned())).await?;
                    }
                }
                // Fell behind the broadcast: read what was missed from the log.
                Err(RecvError::Lagged(_)) => last = catch_up(&hub, &mut socket, last, &reader).await?,
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

/// Sends every logged event after `last` that `reader` sees; returns the
/// last one read.
async fn catch_up(
    hub: &Hub,
    socket: &mut WebSocket,
    mut last: i64,
    reader: &Reader,
) -> Result<i64, axum::Error> {
    let rule = hub.config.setup.day_rule;
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
            if let Some(text) = WireEvent::new(stored, event).text_for(reader, &rule) {
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
