//! `yimen bench logins`: a login flood against a hall at work. Fires a
//! thousand wrong-PIN logins at once from one address, spread over the
//! hall's staff ids, while kiosks issue tickets; reports the peak memory of
//! the process, the tickets' latency while the flood lasted, how the flood
//! was answered, and whether it locked any staff id.
//!
//! By default the hub runs in this process (the given hall, a temporary
//! database), so its peak memory is this process's (`VmHWM`, which counts
//! the flood's own clients too: an upper bound). Against `--hub`, memory is
//! not measured, and a lock shows as a 423 answer.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::api::{SessionRequest, TicketRequest};
use crate::config::Config;
use crate::domain::ids::StaffId;
use crate::hub::clock::Clock;
use crate::loadgen::quantile;

/// Connections the bench hub's socket holds before it takes them.
const LISTEN_BACKLOG: u32 = 2048;

/// What to run.
#[derive(Clone, Debug)]
pub struct LoginsPlan {
    /// Wrong-PIN logins fired at once.
    pub logins: usize,
    /// The PIN every login of the flood tries.
    pub wrong_pin: String,
    /// Staff ids the flood guesses at, in turn; empty: every id of the hall.
    pub staff: Vec<String>,
    /// Kiosks issuing tickets during the flood, one after another each.
    pub kiosks: usize,
    /// Tickets each kiosk issues.
    pub tickets_per_kiosk: usize,
    /// The kiosks' device key.
    pub kiosk_key: String,
    /// The queue the tickets are taken from.
    pub queue: String,
}

impl Default for LoginsPlan {
    fn default() -> Self {
        LoginsPlan {
            logins: 1000,
            wrong_pin: "000000".into(),
            staff: Vec::new(),
            kiosks: 4,
            tickets_per_kiosk: 25,
            kiosk_key: "demo-kiosk".into(),
            queue: "A".into(),
        }
    }
}

/// What `yimen bench logins` found. Times are in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct LoginsReport {
    pub logins: usize,
    /// How the flood was answered: status code → count; 0 for no answer.
    pub answers: BTreeMap<u16, usize>,
    /// From the first login sent to the last answered.
    pub flood_ms: f64,
    /// Tickets issued, and those sent while the flood lasted.
    pub tickets: usize,
    pub tickets_during_flood: usize,
    /// The tickets' latency while the flood lasted (all of them if none).
    pub ticket_p50_ms: f64,
    pub ticket_p99_ms: f64,
    pub ticket_max_ms: f64,
    /// The process's peak resident memory, in MiB; none against `--hub`.
    pub peak_rss_mib: Option<f64>,
    /// Staff ids locked after the flood (any 423 against `--hub`).
    pub locked: Vec<String>,
}

impl fmt::Display for LoginsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let answers: Vec<String> = self
            .answers
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect();
        writeln!(
            f,
            "{} wrong-PIN logins answered in {:.0} ms: {}",
            self.logins,
            self.flood_ms,
            answers.join(", ")
        )?;
        writeln!(
            f,
            "{} tickets, {} during the flood: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.tickets,
            self.tickets_during_flood,
            self.ticket_p50_ms,
            self.ticket_p99_ms,
            self.ticket_max_ms
        )?;
        match self.peak_rss_mib {
            Some(mib) => writeln!(f, "peak RSS (hub and the flood's clients): {mib:.1} MiB")?,
            None => writeln!(f, "peak RSS: not measured against another process")?,
        }
        if self.locked.is_empty() {
            writeln!(f, "no staff id locked")
        } else {
            writeln!(f, "LOCKED: {}", self.locked.join(", "))
        }
    }
}

/// Runs the plan against a hub started here on `config`.
///
/// # Errors
/// The hub cannot start, or a kiosk cannot issue a ticket.
pub async fn run(
    config: Config,
    plan: &LoginsPlan,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<LoginsReport> {
    let mut plan = plan.clone();
    if plan.staff.is_empty() {
        plan.staff = config.setup.staff.iter().map(|s| s.id.0.clone()).collect();
    }
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    // The hub on a runtime of its own, as in its own process: the flood's
    // client work is not queued in front of the hub's.
    let hub_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bench-hub")
        .build()
        .context("cannot start the hub's runtime")?;
    let (stop, stopped) = oneshot::channel::<()>();
    let (hub, server, url) = {
        let _inside = hub_runtime.enter();
        let running = crate::hub::open(config, &dir.path().join("bench.db"), clock.clone())
            .context("cannot start the hub")?;
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(([127, 0, 0, 1], 0).into())?;
        // Room for the whole flood's connections at once.
        let listener = socket.listen(LISTEN_BACKLOG)?;
        let url = format!("http://{}", listener.local_addr()?);
        let hub = running.hub();
        let server = hub_runtime.spawn(running.serve(listener, async {
            let _ = stopped.await;
        }));
        (hub, server, url)
    };
    let measured = measure(&url, &plan).await;
    let locked: Vec<String> = {
        let hall = hub.hall();
        let now = clock.now();
        plan.staff
            .iter()
            .filter(|id| {
                let record = hall.login_record(&StaffId((*id).clone()));
                record.is_some_and(|r| r.locked_until.is_some_and(|u| u > now))
            })
            .cloned()
            .collect()
    };
    let _ = stop.send(());
    server.await.context("the hub stopped abnormally")??;
    hub_runtime.shutdown_background();
    let mut report = measured?;
    report.peak_rss_mib = peak_rss_mib();
    report.locked = locked;
    Ok(report)
}

/// Runs the plan against the hub at `url`.
///
/// # Errors
/// A kiosk cannot issue a ticket.
pub async fn run_against(url: &str, plan: &LoginsPlan) -> anyhow::Result<LoginsReport> {
    anyhow::ensure!(!plan.staff.is_empty(), "name the staff ids to guess at");
    let mut report = measure(url.trim_end_matches('/'), plan).await?;
    if report.answers.contains_key(&423) {
        report.locked = vec!["(a 423 answer)".into()];
    }
    Ok(report)
}

/// Fires the flood and issues the tickets together.
async fn measure(url: &str, plan: &LoginsPlan) -> anyhow::Result<LoginsReport> {
    let http = crate::tls::http_client(None)?
        .timeout(Duration::from_secs(120))
        .build()?;
    let started = Instant::now();
    // The kiosks' own client: a connection lives on the runtime that made it.
    let kiosks = kiosks_apart(crate::tls::http_client(None)?.build()?, url, plan);
    let (answers, flood_end) = flood(&http, url, plan).await;
    let kiosks = kiosks.await.context("the kiosks' thread stopped")?;
    let flood_ms = ms(flood_end - started);
    let mut all = Vec::new();
    let mut during = Vec::new();
    for tickets in kiosks {
        for (sent, took) in tickets? {
            all.push(ms(took));
            if sent < flood_end {
                during.push(ms(took));
            }
        }
    }
    let mut timed = if during.is_empty() {
        all.clone()
    } else {
        during.clone()
    };
    timed.sort_unstable_by(f64::total_cmp);
    Ok(LoginsReport {
        logins: plan.logins,
        answers,
        flood_ms,
        tickets: all.len(),
        tickets_during_flood: during.len(),
        ticket_p50_ms: quantile(&timed, 0.5),
        ticket_p99_ms: quantile(&timed, 0.99),
        ticket_max_ms: timed.last().copied().unwrap_or_default(),
        peak_rss_mib: None,
        locked: Vec::new(),
    })
}

/// Every login at once; the answers by status, and when the last came.
async fn flood(
    http: &reqwest::Client,
    url: &str,
    plan: &LoginsPlan,
) -> (BTreeMap<u16, usize>, Instant) {
    let logins = (0..plan.logins).map(|i| {
        let request = SessionRequest {
            staff: plan.staff[i % plan.staff.len().max(1)].clone(),
            pin: plan.wrong_pin.clone(),
            counter: None,
        };
        let sent = http
            .post(format!("{url}/api/v1/sessions"))
            .json(&request)
            .send();
        async move { sent.await.map_or(0, |r| r.status().as_u16()) }
    });
    let statuses = futures_util::future::join_all(logins).await;
    let end = Instant::now();
    let mut answers = BTreeMap::new();
    for status in statuses {
        *answers.entry(status).or_default() += 1;
    }
    (answers, end)
}

/// When each of a kiosk's tickets was sent, and how long it took.
type KioskTimes = Vec<(Instant, Duration)>;

/// Every kiosk's tickets, issued from a thread and runtime of their own,
/// as from machines of their own: the flood's client work does not delay
/// their timing.
fn kiosks_apart(
    http: reqwest::Client,
    url: &str,
    plan: &LoginsPlan,
) -> oneshot::Receiver<Vec<anyhow::Result<KioskTimes>>> {
    let (done, kiosks) = oneshot::channel();
    let (url, plan) = (url.to_owned(), plan.clone());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let tickets = match runtime {
            Ok(runtime) => runtime.block_on(futures_util::future::join_all(
                (0..plan.kiosks).map(|_| kiosk(&http, &url, &plan)),
            )),
            Err(e) => vec![Err(e.into())],
        };
        let _ = done.send(tickets);
    });
    kiosks
}

/// One kiosk's tickets: when each was sent and how long it took.
async fn kiosk(http: &reqwest::Client, url: &str, plan: &LoginsPlan) -> anyhow::Result<KioskTimes> {
    let request = TicketRequest {
        queue: Some(plan.queue.clone()),
        ..TicketRequest::default()
    };
    let mut times = Vec::with_capacity(plan.tickets_per_kiosk);
    for _ in 0..plan.tickets_per_kiosk {
        let sent = Instant::now();
        let resp = http
            .post(format!("{url}/api/v1/tickets"))
            .bearer_auth(&plan.kiosk_key)
            .json(&request)
            .send()
            .await
            .context("a kiosk cannot reach the hub")?;
        anyhow::ensure!(
            resp.status().is_success(),
            "a kiosk's ticket was refused: {}",
            resp.status()
        );
        times.push((sent, sent.elapsed()));
    }
    Ok(times)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The process's peak resident set, from `/proc/self/status`.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
