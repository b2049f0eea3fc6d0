//! `yimen bench phones`: how fast a call reaches the citizens' phones.
//! Starts a hub in this process on loopback with its public face (the given
//! hall, a temporary database), issues a ticket per phone, and has every
//! phone follow its ticket as the ticket page does (`web/phone/ticket.js`):
//! the public event stream opened from now on the public face, the ticket
//! read once caught up, read again at once when an event names it and
//! 200–500 ms after one that may move it. Calls are made through the API;
//! each phone's receipt of each call is timed from its commit, taken from
//! the hub's broadcast as `yimen bench ws` takes it ([`super::ws`]).
//!
//! Then, with the phones still following, a sample of real ticket pages in
//! headless Chromium (`pages`) is timed from a call's commit to the page's
//! DOM showing it, when a Chromium is found.

mod pages;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Message;

use super::Rng;
use super::ws::{check_open_files, watch_commits};
use crate::api::{
    EventMessage, IssuedTicket, PublicEvent, SessionRequest, StreamNotice, TicketRequest,
    TicketState, TicketStatus,
};
use crate::client::{Client, ClientError};
use crate::config::Config;
use crate::hub::clock::Clock;
use crate::hub::faces::Listen;
use crate::loadgen::{Caller, quantile};

pub use self::pages::PagesReport;

/// Phones opening at once: a crowd scanning their tickets, without
/// overrunning the listen backlog.
const OPENING_AT_ONCE: usize = 64;
/// How long the last call may take to reach every phone before it counts
/// as missed.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(10);
/// Open files per phone: both ends of its stream and of a connection for
/// its reads, all in this process.
const FILES_PER_PHONE: u64 = 4;
/// The stream-level target: p99 from a call's commit to every phone.
pub const STREAM_TARGET_MS: f64 = 100.0;

/// What to run.
#[derive(Clone, Debug)]
pub struct PhonesPlan {
    /// Phones, one per ticket.
    pub phones: usize,
    /// Calls made while only the phones follow, one after another.
    pub calls: usize,
    /// Ticket pages opened in Chromium afterwards, each then called in turn.
    pub sample: usize,
    /// The clerk who calls; the hall must know them.
    pub caller: Caller,
    /// The queue every ticket is taken from, so every call moves every
    /// waiting phone: the most reads a call can cause.
    pub queue: String,
    /// Before each call: calls come seconds apart in a hall.
    pub pause: Duration,
    /// The browser for the sample; none skips it.
    pub chromium: Option<PathBuf>,
}

impl Default for PhonesPlan {
    fn default() -> Self {
        PhonesPlan {
            phones: 1000,
            calls: 30,
            sample: 5,
            caller: Caller {
                staff: "1001".into(),
                pin: "123456".into(),
                counter: 1,
            },
            queue: "A".into(),
            pause: Duration::from_secs(1),
            chromium: None,
        }
    }
}

/// What `yimen bench phones` found. Times are in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct PhonesReport {
    pub phones: usize,
    /// Calls made, the sample's included.
    pub calls: usize,
    /// Opening every phone: its stream caught up and its ticket read, in
    /// seconds.
    pub open_s: f64,
    /// Calls received, over every phone.
    pub deliveries: usize,
    /// (call, phone) pairs never delivered.
    pub missed: usize,
    /// From a call's commit to a phone's receipt, over every pair.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Every call reached every phone, at a p99 within [`STREAM_TARGET_MS`].
    pub stream_passed: bool,
    /// Called phones whose read of their ticket said so.
    pub called_read: usize,
    /// From a call's commit to the called phone's read of its ticket
    /// saying so.
    pub called_p50_ms: f64,
    pub called_p99_ms: f64,
    /// Reads of a ticket's status over the run, by every phone.
    pub reads: usize,
    /// The pages in Chromium, when they ran.
    pub pages: Option<PagesReport>,
    /// Why the pages did not run.
    pub pages_skipped: Option<String>,
}

impl PhonesReport {
    /// Whether every target that ran was met.
    pub fn passed(&self) -> bool {
        self.stream_passed && self.pages.as_ref().is_none_or(|p| p.passed)
    }
}

impl fmt::Display for PhonesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = |passed: bool| if passed { "PASS" } else { "FAIL" };
        writeln!(
            f,
            "{} phones opened in {:.2} s; {} calls, {} deliveries, {} missed, {} ticket reads",
            self.phones, self.open_s, self.calls, self.deliveries, self.missed, self.reads
        )?;
        writeln!(
            f,
            "commit → phone's stream: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms — {} (p99 ≤ {STREAM_TARGET_MS} ms, none missed)",
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            verdict(self.stream_passed)
        )?;
        writeln!(
            f,
            "commit → the called phone reads its call ({} of {}): p50 {:.2} ms, p99 {:.2} ms",
            self.called_read, self.calls, self.called_p50_ms, self.called_p99_ms
        )?;
        match (&self.pages, &self.pages_skipped) {
            (Some(pages), _) => write!(f, "{pages}"),
            (None, Some(why)) => writeln!(f, "pages in Chromium: skipped — {why}"),
            (None, None) => Ok(()),
        }
    }
}

/// Runs the plan against a hub started here on `config`.
///
/// # Errors
/// The plan does not fit the hall, the hub cannot start, a phone cannot
/// open (too few file descriptors, say), the clerk cannot log in or call,
/// or Chromium, when found, fails.
pub async fn run(
    config: Config,
    plan: &PhonesPlan,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<PhonesReport> {
    let sample = if plan.chromium.is_some() {
        plan.sample
    } else {
        0
    };
    if plan.phones < plan.calls + sample {
        bail!(
            "{} phones are too few for {} calls and a sample of {sample}",
            plan.phones,
            plan.calls
        );
    }
    if config.limits.event_streams < plan.phones + sample {
        bail!(
            "the hall takes {} event streams and the plan opens {}: raise [limits] event_streams",
            config.limits.event_streams,
            plan.phones + sample
        );
    }
    check_open_files(plan.phones, FILES_PER_PHONE)?;
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    let running = crate::hub::open(config, &dir.path().join("bench.db"), clock)
        .context("cannot start the hub")?;
    let started = (Instant::now(), SystemTime::now());
    let commits = watch_commits(running.hub().subscribe());
    let lan = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let public = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let faces = Faces {
        lan: lan.local_addr()?,
        public: public.local_addr()?,
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let server =
        tokio::spawn(
            running.serve_faces(Listen::Plain(lan), Some(Listen::Plain(public)), async {
                let _ = stopped.await;
            }),
        );
    let measured = measure(faces, plan).await;
    let _ = stop.send(());
    server.await.context("the hub stopped abnormally")??;
    let measured = measured?;
    let commits = commits.lock().unwrap_or_else(|e| e.into_inner());
    let clock = WallClock(started);
    Ok(report(plan, &commits, &measured, clock))
}

/// Where the hub listens.
#[derive(Clone, Copy)]
struct Faces {
    /// The hall's PCs: the clerk.
    lan: SocketAddr,
    /// The phones.
    public: SocketAddr,
}

/// What the run saw.
struct Measured {
    followed: Vec<Followed>,
    open_s: f64,
    /// The numbers called, in order.
    called: Vec<String>,
    /// What each sample page showed, if the sample ran.
    pages: Result<Vec<Vec<pages::Shown>>, String>,
}

/// Logs the clerk in, issues the tickets, opens the phones, makes the
/// calls, then opens the sample and calls each of its tickets.
async fn measure(faces: Faces, plan: &PhonesPlan) -> anyhow::Result<Measured> {
    let clerk = log_in(faces.lan, &plan.caller).await?;
    let ticket = TicketRequest {
        queue: Some(plan.queue.clone()),
        ..TicketRequest::default()
    };
    let mut tickets = Vec::with_capacity(plan.phones);
    for _ in 0..plan.phones {
        tickets.push(clerk.issue_ticket(&ticket).await.context("cannot issue")?);
    }

    let started = Instant::now();
    let reads = Client::new(&format!("http://{}", faces.public));
    let (done, finished) = watch::channel(None);
    let phones = open_all(faces.public, &tickets, &reads, finished).await?;
    let open_s = started.elapsed().as_secs_f64();

    let mut called = Vec::new();
    make_calls(&clerk, plan, plan.calls, &mut called).await?;
    let pages = match &plan.chromium {
        Some(_) if plan.sample == 0 => Err("a sample of none".to_owned()),
        Some(program) => {
            let sample = &tickets[plan.calls..plan.calls + plan.sample];
            let base = format!("http://{}", faces.public);
            let opened = pages::Sample::open(program, &base, sample).await?;
            make_calls(&clerk, plan, plan.sample, &mut called).await?;
            Ok(opened.shown().await?)
        }
        None => Err(format!(
            "no Chromium found on PATH (tried {})",
            super::chromium::PROGRAMS.join(", ")
        )),
    };
    let _ = done.send(Some(called.len()));
    let mut followed = Vec::with_capacity(phones.len());
    for phone in phones {
        followed.push(phone.await?);
    }
    Ok(Measured {
        followed,
        open_s,
        called,
        pages,
    })
}

async fn log_in(lan: SocketAddr, caller: &Caller) -> anyhow::Result<Client> {
    let client = Client::new(&format!("http://{lan}"));
    let session = client
        .log_in(&SessionRequest {
            staff: caller.staff.clone(),
            pin: caller.pin.clone(),
            counter: Some(caller.counter),
        })
        .await
        .context("the clerk cannot log in")?;
    Ok(client.with_credential(session.token.unwrap_or_default()))
}

/// `count` more calls, each after the pause; the ticket called before is
/// served and finished first, after the pause too, so that its page shows
/// it called for a while. Notes each number called.
async fn make_calls(
    clerk: &Client,
    plan: &PhonesPlan,
    count: usize,
    called: &mut Vec<String>,
) -> anyhow::Result<()> {
    let counter = plan.caller.counter;
    for _ in 0..count {
        tokio::time::sleep(plan.pause).await;
        if !called.is_empty() {
            clerk.start(counter).await?;
            clerk.finish(counter).await?;
        }
        let view = clerk.call_next(counter).await.context("cannot call")?;
        let number = view.current.map(|t| t.number).unwrap_or_default();
        called.push(number);
    }
    Ok(())
}

/// What one phone saw.
#[derive(Default)]
struct Followed {
    /// Its ticket's number.
    number: String,
    /// Calls received: the event's sequence, the number called, when.
    calls: Vec<(i64, String, Instant)>,
    /// When a read first said its own ticket was called.
    called_read: Option<Instant>,
    /// Reads of its ticket, the first included.
    reads: usize,
}

/// One phone's end of the public event stream.
type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a phone per ticket, a few at once, and has each follow its ticket
/// until every call is made and it has them all, or
/// [`DELIVERY_DEADLINE`] after.
async fn open_all(
    public: SocketAddr,
    tickets: &[IssuedTicket],
    reads: &Client,
    finished: watch::Receiver<Option<usize>>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<Followed>>> {
    let url = format!("ws://{public}/api/v1/events?from=now");
    let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let opening: Vec<_> = tickets
        .iter()
        .map(|t| tokio::spawn(open(url.clone(), t.id.clone(), reads.clone(), gate.clone())))
        .collect();
    let mut phones = Vec::with_capacity(opening.len());
    for (i, (opened, ticket)) in opening.into_iter().zip(tickets).enumerate() {
        let (socket, status) = opened.await??;
        let phone = Phone {
            id: ticket.id.clone(),
            status,
            reads: reads.clone(),
            jitter: Rng::new(i as u64 + 1),
        };
        phones.push(tokio::spawn(phone.follow(socket, finished.clone())));
    }
    Ok(phones)
}

/// Opens the stream from now, waits until it has caught up, then reads
/// the ticket: what the page does when it opens.
async fn open(
    url: String,
    id: String,
    reads: Client,
    gate: Arc<Semaphore>,
) -> anyhow::Result<(Socket, TicketStatus)> {
    let _turn = gate.acquire_owned().await?;
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .context("a phone cannot open the event stream")?;
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message?
            && let Ok(StreamNotice::CaughtUp { .. }) = serde_json::from_str(&text)
        {
            let status = reads
                .ticket(&id)
                .await
                .context("a phone cannot read its ticket")?;
            return Ok((socket, status));
        }
    }
    bail!("the stream closed before catching up")
}

/// Whether an event sends the page to read its ticket again, as
/// `moves()` and `take()` in `web/phone/ticket.js` decide.
#[derive(Debug, PartialEq, Eq)]
enum Reread {
    Now,
    Soon,
    No,
}

fn reread(ticket: &TicketStatus, event: &PublicEvent) -> Reread {
    use PublicEvent as E;
    let number = match event {
        E::TicketIssued { number, .. }
        | E::TicketCalled { number, .. }
        | E::TicketRecalled { number, .. }
        | E::TicketNoShow { number, .. }
        | E::TicketReactivated { number, .. }
        | E::TicketStarted { number, .. }
        | E::TicketFinished { number, .. }
        | E::TicketTransferred { number, .. } => Some(number),
        _ => None,
    };
    if number == Some(&ticket.number) {
        return Reread::Now;
    }
    let moves = match event {
        E::DayRolledOver { .. } => true,
        _ if ticket.state != TicketState::Waiting => false,
        E::TicketCalled { queue, .. } => *queue == ticket.queue,
        E::TicketIssued {
            queue, priority, ..
        } => *priority && *queue == ticket.queue,
        E::TicketTransferred { to_queue, .. } => *to_queue == ticket.queue,
        E::TicketReactivated { .. } => true,
        _ => false,
    };
    if moves { Reread::Soon } else { Reread::No }
}

/// A phone following its ticket.
struct Phone {
    id: String,
    /// The ticket as last read.
    status: TicketStatus,
    reads: Client,
    /// Picks the delay of a read that may wait, as the page does at random.
    jitter: Rng,
}

/// A read's answer and when it came.
type Answer = (Instant, Result<TicketStatus, ClientError>);

impl Phone {
    /// Follows the stream until `finished` tells how many calls there were
    /// and all have come, or [`DELIVERY_DEADLINE`] after. Reads run beside
    /// the stream, as the page's requests do.
    async fn follow(
        mut self,
        mut socket: Socket,
        mut finished: watch::Receiver<Option<usize>>,
    ) -> Followed {
        let mut seen = Followed {
            number: self.status.number.clone(),
            reads: 1,
            ..Followed::default()
        };
        let (answers, mut answered) = mpsc::unbounded_channel::<Answer>();
        let mut soon: Option<tokio::time::Instant> = None;
        let mut deadline: Option<tokio::time::Instant> = None;
        let far = || tokio::time::Instant::now() + Duration::from_secs(3600);
        loop {
            let total = *finished.borrow();
            if total.is_some_and(|total| seen.calls.len() >= total) {
                break;
            }
            tokio::select! {
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let asked = self.take(&text, &mut seen);
                        match asked {
                            Reread::Now => self.read(&answers, &mut seen),
                            Reread::Soon if soon.is_none() => soon = Some(self.later()),
                            _ => {}
                        }
                    }
                    Some(Ok(_)) => {}
                    None | Some(Err(_)) => break,
                },
                Some((at, answer)) = answered.recv() => self.answered(at, answer, &mut seen),
                _ = tokio::time::sleep_until(soon.unwrap_or_else(far)), if soon.is_some() => {
                    soon = None;
                    self.read(&answers, &mut seen);
                }
                _ = finished.changed(), if deadline.is_none() => {
                    deadline = Some(tokio::time::Instant::now() + DELIVERY_DEADLINE);
                }
                _ = tokio::time::sleep_until(deadline.unwrap_or_else(far)), if deadline.is_some() => break,
            }
        }
        let _ = socket.close(None).await;
        seen
    }

    /// Notes a call's arrival; says whether the event sends the phone to
    /// read its ticket.
    fn take(&self, text: &str, seen: &mut Followed) -> Reread {
        let received = Instant::now();
        let Ok(message) = serde_json::from_str::<EventMessage<PublicEvent>>(text) else {
            return Reread::No;
        };
        if let PublicEvent::TicketCalled { number, .. } = &message.event {
            seen.calls.push((message.seq, number.clone(), received));
        }
        reread(&self.status, &message.event)
    }

    /// 200 to 500 ms from now, as the page spreads the reads a call
    /// causes.
    fn later(&mut self) -> tokio::time::Instant {
        let wait = Duration::from_millis(200 + self.jitter.below(300) as u64);
        tokio::time::Instant::now() + wait
    }

    /// Reads the ticket beside the stream; the answer comes to `answers`.
    fn read(&self, answers: &mpsc::UnboundedSender<Answer>, seen: &mut Followed) {
        seen.reads += 1;
        let (reads, id, answers) = (self.reads.clone(), self.id.clone(), answers.clone());
        tokio::spawn(async move {
            let answer = reads.ticket(&id).await;
            let _ = answers.send((Instant::now(), answer));
        });
    }

    fn answered(
        &mut self,
        at: Instant,
        answer: Result<TicketStatus, ClientError>,
        seen: &mut Followed,
    ) {
        let Ok(status) = answer else { return };
        if status.state == TicketState::Called && seen.called_read.is_none() {
            seen.called_read = Some(at);
        }
        self.status = status;
    }
}

/// Turns this process's instants into wall-clock time, as a browser's
/// `performance.timeOrigin + performance.now()` gives it: from one moment
/// read on both clocks.
#[derive(Clone, Copy)]
struct WallClock((Instant, SystemTime));

impl WallClock {
    /// Milliseconds since the Unix epoch at `at`.
    fn ms(self, at: Instant) -> f64 {
        let (instant, wall) = self.0;
        let base = wall.duration_since(UNIX_EPOCH).unwrap_or_default();
        ms(base) + ms(at.saturating_duration_since(instant))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(
    plan: &PhonesPlan,
    commits: &HashMap<i64, Instant>,
    measured: &Measured,
    clock: WallClock,
) -> PhonesReport {
    let latency = |seq: &i64, at: &Instant| {
        commits
            .get(seq)
            .map(|c| ms(at.saturating_duration_since(*c)))
    };
    let mut stream: Vec<f64> = (measured.followed.iter())
        .flat_map(|f| f.calls.iter().filter_map(|(seq, _, at)| latency(seq, at)))
        .collect();
    let mut called: Vec<f64> = (measured.followed.iter())
        .filter_map(|f| {
            let (seq, _, _) = f.calls.iter().find(|(_, number, _)| *number == f.number)?;
            latency(seq, f.called_read.as_ref()?)
        })
        .collect();
    stream.sort_unstable_by(f64::total_cmp);
    called.sort_unstable_by(f64::total_cmp);
    let missed = (measured.called.len() * plan.phones).saturating_sub(stream.len());
    let p99_ms = quantile(&stream, 0.99);
    let (pages, pages_skipped) = match &measured.pages {
        Ok(shown) => {
            let commits = sample_commits(plan, measured, commits, clock);
            (Some(pages::measure(shown, &commits)), None)
        }
        Err(why) => (None, Some(why.clone())),
    };
    PhonesReport {
        phones: plan.phones,
        calls: measured.called.len(),
        open_s: measured.open_s,
        deliveries: stream.len(),
        missed,
        p50_ms: quantile(&stream, 0.5),
        p99_ms,
        max_ms: stream.last().copied().unwrap_or_default(),
        stream_passed: missed == 0 && p99_ms <= STREAM_TARGET_MS,
        called_read: called.len(),
        called_p50_ms: quantile(&called, 0.5),
        called_p99_ms: quantile(&called, 0.99),
        reads: measured.followed.iter().map(|f| f.reads).sum(),
        pages,
        pages_skipped,
    }
}

/// The wall-clock commit of each of the sample's calls, in order; none for
/// a call no phone received.
fn sample_commits(
    plan: &PhonesPlan,
    measured: &Measured,
    commits: &HashMap<i64, Instant>,
    clock: WallClock,
) -> Vec<Option<f64>> {
    let seqs: HashMap<&str, i64> = (measured.followed.iter())
        .flat_map(|f| {
            f.calls
                .iter()
                .map(|(seq, number, _)| (number.as_str(), *seq))
        })
        .collect();
    (measured.called.iter().skip(plan.calls))
        .map(|number| {
            let seq = seqs.get(number.as_str())?;
            commits.get(seq).map(|at| clock.ms(*at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn waiting(number: &str) -> TicketStatus {
        serde_json::from_value(serde_json::json!({
            "number": number, "queue": "A", "queue_name": "企业开办", "service_name": null,
            "state": "waiting", "ahead": 3, "estimated_wait_minutes": 20, "counter": null,
            "counter_name": null, "issued_at": "2026-03-02T02:00:00Z", "called_at": null,
            "soon": true, "reactivate_until": null, "rated": false,
        }))
        .unwrap()
    }

    fn called(number: &str, queue: &str) -> PublicEvent {
        PublicEvent::TicketCalled {
            number: number.into(),
            queue: queue.into(),
            counter: 1,
            at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_phone_reads_again_as_the_page_does() {
        let mine = waiting("A005");
        assert_eq!(reread(&mine, &called("A005", "A")), Reread::Now);
        assert_eq!(reread(&mine, &called("A001", "A")), Reread::Soon);
        assert_eq!(reread(&mine, &called("B001", "B")), Reread::No);
        let issued = |priority| PublicEvent::TicketIssued {
            number: "A009".into(),
            queue: "A".into(),
            priority,
            at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
        };
        assert_eq!(reread(&mine, &issued(false)), Reread::No);
        assert_eq!(reread(&mine, &issued(true)), Reread::Soon);
        let served = TicketStatus {
            state: TicketState::Serving,
            ..mine
        };
        assert_eq!(reread(&served, &called("A001", "A")), Reread::No);
        assert_eq!(reread(&served, &called("A005", "A")), Reread::Now);
    }

    #[test]
    fn wall_clock_time_counts_on_from_its_moment() {
        let now = Instant::now();
        let wall = UNIX_EPOCH + Duration::from_secs(1_772_416_800);
        let clock = WallClock((now, wall));
        assert_eq!(clock.ms(now), 1_772_416_800_000.0);
        assert_eq!(
            clock.ms(now + Duration::from_millis(250)),
            1_772_416_800_250.0
        );
    }
}
