//! The LAN hub: owns all state, serves the HTTP API and the event stream.
//!
//! - `writer`: the single writer thread and group commit;
//! - `auth`: staff tokens, device keys, the client's address;
//! - `logins`, `throttle`: a PIN put to the test as one attempt, and the
//!   brakes on guessing: wrong secrets per address, argon2 work at once;
//! - `catalogue`, `tickets`, `sessions`, `counters`: the routes;
//! - `documents`: a case's printable documents;
//! - `stream`: the WebSocket event stream;
//! - `display`: the display wall as a web page;
//! - `phone`: the citizen's phone pages, the case lookup and the web font;
//! - `faces`: the listeners, plain or TLS, for the LAN and for phones;
//! - `devices`: the counter devices, fed views and answered key presses;
//! - `readers`: read-only database queries, run off the async workers;
//! - `openapi`: the API document;
//! - `clock`: where time comes from.
//!
//! [`open`] restores the hall from the database and starts the writer;
//! [`Running::serve`] takes a listener and a shutdown future, so a test can
//! bind `127.0.0.1:0` and stop the hub when it likes; [`Running::serve_faces`]
//! serves the LAN face and the public face for phones together.

mod alerts;
mod appointments;
pub mod auth;
mod bundles;
mod cases;
mod catalogue;
pub mod clock;
mod counters;
mod devices;
mod display;
mod documents;
pub mod error;
pub mod faces;
mod logins;
mod openapi;
mod phone;
mod ratings;
mod readers;
mod sessions;
pub mod stream;
mod throttle;
mod tickets;
pub mod writer;

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};

use self::auth::DeviceKeys;
use self::clock::Clock;
use self::error::HubError;
use self::faces::Listen;
use self::logins::Logins;
use self::readers::Readers;
use self::stream::WireEvent;
use self::writer::Writer;
use crate::api::BODY_LIMIT;
use crate::config::Config;
use crate::domain::hall::Hall;
use crate::store::StoreError;

/// Events kept for slow subscribers before they must read the log instead.
const BROADCAST_DEPTH: usize = 4096;
/// How often the hub checks for the end of the business day.
const TICK: Duration = Duration::from_secs(5);

/// What the writer shares with everyone else.
pub struct HubShared {
    /// The hall as of the last commit: what readers see.
    pub hall: RwLock<Hall>,
    /// Committed events, rendered once for every subscriber.
    pub events: broadcast::Sender<Arc<WireEvent>>,
}

/// Everything a request handler needs. Its fields are the hub's own; from
/// outside, a hub is served (see [`Running`]) and looked at through a few
/// read-only methods, so that nothing but the hub's handlers writes.
pub struct Hub {
    /// The hall's configuration, as validated at start-up.
    config: Arc<Config>,
    /// The committed hall and the committed events' broadcast.
    shared: Arc<HubShared>,
    /// The only way to change the hall.
    writer: Writer,
    /// Queries that need the database rather than the committed hall.
    readers: Readers,
    /// Where time comes from: the system's, or a test's.
    clock: Arc<dyn Clock>,
    /// Device keys: looked up at once, or checked on a slow path of their own.
    device_keys: DeviceKeys,
    /// The event streams' cap and where today's public replay starts.
    streams: stream::Streams,
    /// The brakes on PIN guessing, and each id's turn.
    logins: Logins,
    /// The phone pages' web font and the brake on guessing a case's proof.
    phone: phone::Phone,
    /// Turns true when the hub is stopping; event streams end then.
    shutdown: watch::Receiver<bool>,
}

impl Hub {
    /// The hall as of the last commit: what readers see. Hold the guard
    /// briefly; the writer waits for it to publish the next commit.
    pub fn hall(&self) -> std::sync::RwLockReadGuard<'_, Hall> {
        self.shared.hall.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The configuration the hub runs, such as a test's to restart with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the hub can take changes.
    ///
    /// # Errors
    /// Why not, for people: the writer has stopped, or its last commit
    /// failed.
    pub fn health(&self) -> Result<(), String> {
        self.writer.health()
    }

    /// Every event from the next commit on, as the staff stream sends it:
    /// for benchmarks and tests that wait for commits. A receiver that
    /// falls behind is told so and should read the log instead.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WireEvent>> {
        self.shared.events.subscribe()
    }
}

/// A hub whose writer runs, ready to serve.
pub struct Running {
    hub: Arc<Hub>,
    stop: watch::Sender<bool>,
    writer_thread: std::thread::JoinHandle<()>,
}

/// Restores the hall from `db` (created if new) and starts the writer.
///
/// # Errors
/// The database cannot be opened, migrated or read.
pub fn open(config: Config, db: &Path, clock: Arc<dyn Clock>) -> Result<Running, StoreError> {
    let config = Arc::new(config);
    let (writer, shared, writer_thread) =
        writer::start(db, config.setup.clone(), clock.clone(), |hall| {
            Arc::new(HubShared {
                hall: RwLock::new(hall),
                events: broadcast::channel(BROADCAST_DEPTH).0,
            })
        })?;
    let (stop, shutdown) = watch::channel(false);
    let streams = stream::Streams::new(config.limits.event_streams);
    let hub = Arc::new(Hub {
        device_keys: DeviceKeys::new(&config.devices),
        logins: Logins::new(&config),
        phone: phone::Phone::default(),
        config,
        shared,
        writer,
        readers: Readers::new(db.to_owned()),
        clock,
        streams,
        shutdown,
    });
    Ok(Running {
        hub,
        stop,
        writer_thread,
    })
}

impl Running {
    /// The hub, to look at while it serves.
    pub fn hub(&self) -> Arc<Hub> {
        self.hub.clone()
    }

    /// Serves the LAN face on `listener` until `shutdown` completes: see
    /// [`Running::serve_faces`].
    ///
    /// # Errors
    /// The listener fails.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.serve_faces(Listen::Plain(listener), None, shutdown)
            .await
    }

    /// Serves the LAN face on `lan` and, if given, the public face on
    /// `public`, and runs the counter devices, until `shutdown` completes;
    /// then stops taking requests, ends event streams, blanks the LEDs and
    /// closes the devices' ports, lets the writer answer what it has, and
    /// returns.
    ///
    /// # Errors
    /// A listener fails.
    pub async fn serve_faces(
        self,
        lan: Listen,
        public: Option<Listen>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let ticker = tokio::spawn(tick(self.hub.clone()));
        let devices = devices::start(&self.hub);
        let stop = self.stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let stopping = self.stop.subscribe();
        let phones = public.map(|public| {
            let app = public_face(self.hub.clone());
            tokio::spawn(faces::serve(public, app, stopping.clone()))
        });
        let served = faces::serve(lan, lan_face(self.hub.clone()), stopping).await;
        let _ = self.stop.send(true);
        let served = match phones {
            Some(phones) => served.and(phones.await.unwrap_or(Ok(()))),
            None => served,
        };
        ticker.abort();
        devices.stop().await;
        self.hub.writer.close().await;
        let thread = self.writer_thread;
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        tracing::info!("hub stopped");
        served
    }
}

/// Wakes the writer now and then, so the day rolls over and cases earn
/// their cards with nobody asking.
async fn tick(hub: Arc<Hub>) {
    let mut every = tokio::time::interval(TICK);
    loop {
        every.tick().await;
        if let Err(HubError::Unavailable) = hub.tick().await {
            break;
        }
    }
}

impl Hub {
    /// Rolls the day over if it is time, raises the case warnings due, and
    /// marks the bookings whose check-in window closed as no-shows.
    ///
    /// # Errors
    /// The writer is gone or the database failed.
    pub async fn tick(&self) -> Result<(), HubError> {
        self.writer
            .submit(|batch| {
                let events = batch.hall().case_warnings(batch.now());
                batch.record(&crate::domain::ids::Actor::System, events)?;
                let missed = batch.hall().missed_bookings(batch.now());
                batch.record(
                    &crate::domain::ids::Actor::System,
                    missed.into_iter().collect(),
                )
            })
            .await
    }
}

/// What a citizen's phone may reach, on either face: the guides, the
/// queues, a ticket's status and page by its unguessable id, a case's
/// progress by its number and proof, rating, the public event stream, the
/// display wall and the hall's font.
fn public_routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/t/{id}", get(phone::ticket_page))
        .route("/c", get(phone::case_page))
        .route("/b", get(phone::book_page))
        .route("/b/cancel", get(phone::cancel_page))
        .route("/b/qr/{file}", get(phone::booking_qr))
        .route("/phone/{file}", get(phone::asset))
        .route("/fonts/yimen.css", get(phone::font_css))
        .route("/fonts/{file}", get(phone::font_file))
        .route("/api/v1/case-status", post(phone::case_status))
        .route("/api/v1/appointments", post(appointments::book))
        .route("/api/v1/appointments/services", get(appointments::services))
        .route("/api/v1/appointments/slots", get(appointments::slots))
        .route("/api/v1/appointments/cancel", post(appointments::cancel))
        .route("/api/v1/health", get(catalogue::health))
        .route("/api/v1/services", get(catalogue::services))
        .route("/api/v1/services/search", get(catalogue::search))
        .route("/api/v1/queues", get(catalogue::queues))
        .route("/api/v1/tickets/{id}", get(tickets::status))
        .route("/api/v1/ratings", post(ratings::rate))
        .route("/api/v1/events", get(stream::events))
        .route("/display", get(display::page))
}

/// The face for phones: the public routes only, every credential ignored,
/// so that nothing on the hall's Wi-Fi can reach a login, a counter or the
/// staff stream.
fn public_face(hub: Arc<Hub>) -> Router {
    let routes = public_routes()
        .layer(axum::middleware::map_request(without_credentials))
        // What is not for phones is not there at all, whatever the method.
        .method_not_allowed_fallback(not_found);
    finish(routes, hub)
}

async fn without_credentials(mut request: Request) -> Request {
    request
        .headers_mut()
        .remove(axum::http::header::AUTHORIZATION);
    request
}

/// The face for the hall's own PCs: everything.
fn lan_face(hub: Arc<Hub>) -> Router {
    let staff = Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/tickets", post(tickets::issue))
        .route("/api/v1/tickets/reactivate", post(tickets::reactivate))
        .route(
            "/api/v1/appointments/check-in",
            post(appointments::check_in),
        )
        .route("/api/v1/sessions", post(sessions::create))
        .route(
            "/api/v1/sessions/current",
            get(sessions::current).delete(sessions::delete),
        )
        .route("/api/v1/sessions/current/pin", post(sessions::change_pin))
        .route("/api/v1/staff/{id}/unlock", post(sessions::unlock))
        .route("/api/v1/counters", get(counters::list))
        .route("/api/v1/counters/{n}", get(counters::one))
        .route("/api/v1/counters/{n}/call-next", post(counters::call_next))
        .route("/api/v1/counters/{n}/call", post(counters::call))
        .route("/api/v1/counters/{n}/recall", post(counters::recall))
        .route("/api/v1/counters/{n}/no-show", post(counters::no_show))
        .route("/api/v1/counters/{n}/start", post(counters::start))
        .route("/api/v1/counters/{n}/finish", post(counters::finish))
        .route("/api/v1/counters/{n}/transfer", post(counters::transfer))
        .route("/api/v1/counters/{n}/pause", post(counters::pause))
        .route("/api/v1/counters/{n}/resume", post(counters::resume))
        .merge(case_routes())
        .route("/api/v1/ratings/summary", get(ratings::summary))
        .route("/api/v1/rectifications/{id}/close", post(ratings::close))
        .route("/api/v1/alerts", post(alerts::report));
    let routes = public_routes()
        .merge(staff)
        .method_not_allowed_fallback(|| async { HubError::MethodNotAllowed });
    finish(routes, hub)
}

fn case_routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/api/v1/cases", get(cases::list).post(cases::open))
        .route("/api/v1/cases/{number}", get(cases::one))
        .route(
            "/api/v1/cases/{number}/materials",
            post(cases::receive_materials),
        )
        .route("/api/v1/cases/{number}/claim", post(cases::claim))
        .route("/api/v1/cases/{number}/decision", post(cases::decide))
        .route("/api/v1/cases/{number}/correction", post(cases::correction))
        .route("/api/v1/cases/{number}/resubmit", post(cases::resubmit))
        .route("/api/v1/cases/{number}/extension", post(cases::extension))
        .route(
            "/api/v1/cases/{number}/extension/decision",
            post(cases::extension_decision),
        )
        .route(
            "/api/v1/cases/{number}/excluded-time",
            post(cases::excluded_time),
        )
        .route("/api/v1/cases/{number}/pickup", post(cases::pickup))
        .route(
            "/api/v1/cases/{number}/lead-decision",
            post(bundles::lead_decision),
        )
        .route(
            "/api/v1/cases/{number}/documents/{kind}",
            get(documents::document),
        )
        .route("/api/v1/cases/{number}/history", get(cases::history))
        .route("/api/v1/supervision", get(cases::supervision))
}

async fn not_found() -> HubError {
    HubError::NotFound("没有这个地址")
}

/// What every face shares: the answer for unknown paths, the body limit,
/// request tracing, and the hub itself.
fn finish(routes: Router<Arc<Hub>>, hub: Arc<Hub>) -> Router {
    routes
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(hub)
}
