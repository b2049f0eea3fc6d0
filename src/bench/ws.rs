//! `yimen bench ws`: how fast a call reaches the display walls. Starts a hub
//! in this process on loopback (the given hall, a temporary database),
//! connects many public event-stream subscribers, makes calls through the
//! API, and times each subscriber's receipt of each call from its commit.
//!
//! The commit's moment is taken where the hub hands committed events to its
//! subscribers, by a thread of its own listening on the hub's broadcast:
//! nothing is added to the hub, and the figure covers everything after the
//! commit — rendering, the socket, loopback, reading and parsing.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::{Semaphore, broadcast, oneshot, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::api::{EventMessage, PublicEvent, SessionRequest, StreamNotice, TicketRequest};
use crate::client::Client;
use crate::config::Config;
use crate::hub::clock::Clock;
use crate::hub::stream::WireEvent;
use crate::loadgen::{Caller, quantile};

/// Subscribers connecting at once: a hall's worth of TVs switching on
/// together, without overrunning the listen backlog.
const CONNECTING_AT_ONCE: usize = 64;
/// How long the last call may take to reach everyone before it counts as missed.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(10);
/// File descriptors the process needs beyond its clients'.
const SPARE_FILES: u64 = 128;

/// What to run.
#[derive(Clone, Debug)]
pub struct WsPlan {
    /// Public event-stream subscribers, as display walls.
    pub subscribers: usize,
    /// Calls made, one after another.
    pub calls: usize,
    /// The clerk who calls; the hall must know them.
    pub caller: Caller,
    /// The queue the tickets are taken from.
    pub queue: String,
    /// Before each call: calls come seconds apart in a hall, so each is
    /// timed on its own rather than queued behind the last.
    pub pause: Duration,
}

impl Default for WsPlan {
    fn default() -> Self {
        WsPlan {
            subscribers: 1000,
            calls: 50,
            caller: Caller {
                staff: "1001".into(),
                pin: "123456".into(),
                counter: 1,
            },
            queue: "A".into(),
            pause: Duration::from_millis(100),
        }
    }
}

/// What `yimen bench ws` found. Times are in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct WsReport {
    pub subscribers: usize,
    pub calls: usize,
    /// Connecting every subscriber and seeing it caught up, in seconds.
    pub connect_s: f64,
    /// Calls received, over every subscriber.
    pub deliveries: usize,
    /// (call, subscriber) pairs never delivered.
    pub missed: usize,
    /// From a call's commit to a subscriber's receipt, over every pair.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The call-next request's round trip, as the clerk waits for it.
    pub call_p50_ms: f64,
    pub call_p99_ms: f64,
}

impl fmt::Display for WsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} subscribers connected and caught up in {:.2} s; {} calls, {} deliveries, {} missed",
            self.subscribers, self.connect_s, self.calls, self.deliveries, self.missed
        )?;
        writeln!(
            f,
            "commit → subscriber: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.p50_ms, self.p99_ms, self.max_ms
        )?;
        writeln!(
            f,
            "call-next round trip: p50 {:.2} ms, p99 {:.2} ms",
            self.call_p50_ms, self.call_p99_ms
        )
    }
}

/// When each event was committed, by sequence.
pub(super) type Commits = Arc<Mutex<HashMap<i64, Instant>>>;

/// Every subscriber's receipts of calls: sequence and when.
type Receipts = Vec<Vec<(i64, Instant)>>;

/// Runs the plan against a hub started here on `config`.
///
/// # Errors
/// The hub cannot start, a subscriber cannot connect (too few file
/// descriptors, say), or the clerk cannot log in or call.
pub async fn run(config: Config, plan: &WsPlan, clock: Arc<dyn Clock>) -> anyhow::Result<WsReport> {
    check_open_files(plan.subscribers, 2)?;
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    let running = crate::hub::open(config, &dir.path().join("bench.db"), clock)
        .context("cannot start the hub")?;
    let commits = watch_commits(running.hub().subscribe());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(running.serve(listener, async {
        let _ = stopped.await;
    }));
    let measured = measure(addr, plan).await;
    let _ = stop.send(());
    server.await.context("the hub stopped abnormally")??;
    let (receipts, calls, connect_s) = measured?;
    let commits = commits.lock().unwrap_or_else(|e| e.into_inner());
    Ok(report(plan, &commits, &receipts, calls, connect_s))
}

/// Notes when each event is committed, from the hub's broadcast to its
/// subscribers, on a thread of its own so that the moment is taken as the
/// event is sent however busy the async workers are. The thread ends when
/// the hub has gone and its broadcast closes.
pub(super) fn watch_commits(mut events: broadcast::Receiver<Arc<WireEvent>>) -> Commits {
    let commits = Commits::default();
    let noted = commits.clone();
    std::thread::spawn(move || {
        loop {
            match events.blocking_recv() {
                Ok(event) => {
                    let now = Instant::now();
                    noted
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(event.seq, now);
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    commits
}

/// Logs the clerk in, issues the tickets, connects the subscribers and makes
/// the calls; returns the receipts, each call's round trip and how long
/// connecting took, in seconds.
async fn measure(
    addr: SocketAddr,
    plan: &WsPlan,
) -> anyhow::Result<(Receipts, Vec<Duration>, f64)> {
    let client = Client::new(&format!("http://{addr}"));
    let session = client
        .log_in(&SessionRequest {
            staff: plan.caller.staff.clone(),
            pin: plan.caller.pin.clone(),
            counter: Some(plan.caller.counter),
        })
        .await
        .context("the clerk cannot log in")?;
    let clerk = client.with_credential(session.token.unwrap_or_default());
    let ticket = TicketRequest {
        queue: Some(plan.queue.clone()),
        ..TicketRequest::default()
    };
    for _ in 0..plan.calls {
        clerk.issue_ticket(&ticket).await.context("cannot issue")?;
    }

    let started = Instant::now();
    let (done, finished) = watch::channel(false);
    let subscribers = connect_all(addr, plan, finished).await?;
    let connect_s = started.elapsed().as_secs_f64();

    let counter = plan.caller.counter;
    let mut calls = Vec::with_capacity(plan.calls);
    for i in 0..plan.calls {
        if i > 0 {
            clerk.start(counter).await?;
            clerk.finish(counter).await?;
        }
        tokio::time::sleep(plan.pause).await;
        let sent = Instant::now();
        clerk.call_next(counter).await.context("cannot call")?;
        calls.push(sent.elapsed());
    }
    let _ = done.send(true);
    let mut receipts = Vec::with_capacity(subscribers.len());
    for subscriber in subscribers {
        receipts.push(subscriber.await?);
    }
    Ok((receipts, calls, connect_s))
}

fn report(
    plan: &WsPlan,
    commits: &HashMap<i64, Instant>,
    receipts: &Receipts,
    calls: Vec<Duration>,
    connect_s: f64,
) -> WsReport {
    let mut latencies: Vec<f64> = receipts
        .iter()
        .flatten()
        .filter_map(|(seq, received)| {
            let committed = commits.get(seq)?;
            Some(ms(received.saturating_duration_since(*committed)))
        })
        .collect();
    let mut calls: Vec<f64> = calls.into_iter().map(ms).collect();
    latencies.sort_unstable_by(f64::total_cmp);
    calls.sort_unstable_by(f64::total_cmp);
    WsReport {
        subscribers: plan.subscribers,
        calls: plan.calls,
        connect_s,
        deliveries: latencies.len(),
        missed: (plan.calls * plan.subscribers).saturating_sub(latencies.len()),
        p50_ms: quantile(&latencies, 0.5),
        p99_ms: quantile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or_default(),
        call_p50_ms: quantile(&calls, 0.5),
        call_p99_ms: quantile(&calls, 0.99),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One subscriber's end of the public event stream.
type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects every subscriber and waits until each has caught up; each then
/// records the calls it receives, until it has them all or
/// [`DELIVERY_DEADLINE`] after `finished`.
async fn connect_all(
    addr: SocketAddr,
    plan: &WsPlan,
    finished: watch::Receiver<bool>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<Vec<(i64, Instant)>>>> {
    let url = format!("ws://{addr}/api/v1/events?since=0");
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let ready: Vec<_> = (0..plan.subscribers)
        .map(|_| tokio::spawn(subscribe(url.clone(), gate.clone())))
        .collect();
    let mut subscribers = Vec::with_capacity(ready.len());
    for socket in ready {
        let socket = socket.await??;
        subscribers.push(tokio::spawn(receive_calls(
            socket,
            finished.clone(),
            plan.calls,
        )));
    }
    Ok(subscribers)
}

/// Connects, a few at once as `gate` allows, and reads the stream until it
/// has caught up with the log.
async fn subscribe(url: String, gate: Arc<Semaphore>) -> anyhow::Result<Socket> {
    let _turn = gate.acquire_owned().await?;
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .context("a subscriber cannot connect")?;
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message?
            && let Ok(StreamNotice::CaughtUp { .. }) = serde_json::from_str(&text)
        {
            return Ok(socket);
        }
    }
    bail!("the stream closed before catching up")
}

/// The sequence and time of arrival of each call received, until `calls`
/// have come or [`DELIVERY_DEADLINE`] after `finished`.
async fn receive_calls(
    mut socket: Socket,
    mut finished: watch::Receiver<bool>,
    calls: usize,
) -> Vec<(i64, Instant)> {
    let mut receipts = Vec::with_capacity(calls);
    // Set once every call is made: the stragglers' last chance.
    let mut deadline = None;
    while receipts.len() < calls {
        let message = match deadline {
            None => tokio::select! {
                message = socket.next() => message,
                _ = finished.wait_for(|f| *f) => {
                    deadline = Some(tokio::time::Instant::now() + DELIVERY_DEADLINE);
                    continue;
                }
            },
            Some(at) => match tokio::time::timeout_at(at, socket.next()).await {
                Ok(message) => message,
                Err(_) => break,
            },
        };
        let received = Instant::now();
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => break,
        };
        if let Ok(EventMessage {
            seq,
            event: PublicEvent::TicketCalled { .. },
            ..
        }) = serde_json::from_str(&text)
        {
            receipts.push((seq, received));
        }
    }
    let _ = socket.close(None).await;
    receipts
}

/// Both ends of every client's connections live in this process, `each`
/// files a client: say so plainly rather than fail half-way with "too
/// many open files".
pub(super) fn check_open_files(clients: usize, each: u64) -> anyhow::Result<()> {
    let need = each * clients as u64 + SPARE_FILES;
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return Ok(());
    };
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<u64>().ok());
    match soft {
        Some(soft) if soft < need => bail!(
            "{clients} clients need about {need} open files here and the limit is {soft}: \
             raise it first, such as `ulimit -n {}`",
            need.next_power_of_two()
        ),
        _ => Ok(()),
    }
}
