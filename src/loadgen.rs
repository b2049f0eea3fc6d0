//! Load against a running hub: many clients issuing tickets at once (and,
//! optionally, counters calling them), with throughput and latency figures,
//! beside a baseline of plain SQLite committing one fsync'd insert per
//! transaction on the same disk.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::api::{SessionRequest, TicketRequest};
use crate::client::{Client, ClientError};
use crate::domain::ids::CounterNo;

#[derive(Clone, Debug)]
pub struct Plan {
    pub hub: String,
    pub clients: usize,
    /// Tickets each client issues, one after another.
    pub requests: usize,
    /// The device key the clients present.
    pub key: String,
    pub ticket: TicketRequest,
    /// Staff who call, start and finish tickets while the load runs.
    pub callers: Vec<Caller>,
    /// Where to run the plain-SQLite baseline, if at all.
    pub baseline_dir: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub struct Caller {
    pub staff: String,
    pub pin: String,
    pub counter: CounterNo,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub clients: usize,
    pub requests: usize,
    pub errors: usize,
    pub seconds: f64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Tickets the callers called and finished.
    pub served: usize,
    /// Plain SQLite, one fsync'd insert per transaction.
    pub baseline_inserts_per_s: Option<f64>,
    /// `requests_per_s / baseline_inserts_per_s`.
    pub ratio_to_baseline: Option<f64>,
}

/// The `q`-quantile of sorted milliseconds, by nearest rank.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs the plan and measures it.
///
/// # Errors
/// A caller cannot log in, or the baseline database cannot be written.
pub async fn run(plan: Plan) -> anyhow::Result<Report> {
    let counters = log_in_callers(&plan).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let calling: Vec<_> = counters
        .into_iter()
        .map(|(client, n)| tokio::spawn(call_loop(client, n, stopped.clone())))
        .collect();

    let (address, request) = ticket_request(&plan)?;
    let started = Instant::now();
    let workers: Vec<_> = (0..plan.clients)
        .map(|_| tokio::spawn(issue_loop(address.clone(), request.clone(), plan.requests)))
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        latencies.extend(l);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    let mut served = 0;
    for c in calling {
        served += c.await?;
    }
    latencies.sort_by(f64::total_cmp);
    let ok = latencies.len();
    let baseline = match &plan.baseline_dir {
        Some(dir) => Some(baseline(dir, Duration::from_secs(3))?),
        None => None,
    };
    let requests_per_s = ok as f64 / seconds;
    Ok(Report {
        clients: plan.clients,
        requests: ok + errors,
        errors,
        seconds,
        requests_per_s,
        p50_ms: quantile(&latencies, 0.50),
        p99_ms: quantile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or(0.0),
        served,
        baseline_inserts_per_s: baseline,
        ratio_to_baseline: baseline.map(|b| requests_per_s / b),
    })
}

/// A client logged in at its counter for each caller of the plan.
async fn log_in_callers(plan: &Plan) -> anyhow::Result<Vec<(Client, CounterNo)>> {
    let base = Client::new(&plan.hub);
    let mut counters = Vec::new();
    for c in &plan.callers {
        let session = base
            .log_in(&SessionRequest {
                staff: c.staff.clone(),
                pin: c.pin.clone(),
                counter: Some(c.counter),
            })
            .await?;
        let token = session.token.unwrap_or_default();
        counters.push((base.with_credential(token), c.counter));
    }
    Ok(counters)
}

/// The hub's `host:port` and the raw HTTP request that issues one ticket,
/// written once and sent by every worker.
fn ticket_request(plan: &Plan) -> anyhow::Result<(String, Arc<[u8]>)> {
    let address = plan
        .hub
        .strip_prefix("http://")
        .ok_or_else(|| anyhow::anyhow!("the hub's address must start with http://"))?
        .trim_end_matches('/')
        .to_owned();
    let body = serde_json::to_string(&plan.ticket)?;
    let request: Arc<[u8]> = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        plan.key,
        body.len()
    )
    .into_bytes()
    .into();
    Ok((address, request))
}

/// One worker: `n` tickets over one keep-alive connection, opened again
/// after a failure. The milliseconds of each ticket issued, and the errors.
async fn issue_loop(address: String, request: Arc<[u8]>, n: usize) -> (Vec<f64>, usize) {
    let mut latencies = Vec::with_capacity(n);
    let mut errors = 0;
    let mut conn = None;
    for _ in 0..n {
        let t = Instant::now();
        let sent = match conn.as_mut() {
            Some(c) => Connection::send(c, &request).await,
            None => match Connection::open(&address).await {
                Ok(c) => Connection::send(conn.insert(c), &request).await,
                Err(e) => Err(e),
            },
        };
        match sent {
            Ok(201) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
            Ok(_) => errors += 1,
            Err(_) => {
                errors += 1;
                conn = None;
            }
        }
    }
    (latencies, errors)
}

/// One keep-alive HTTP/1.1 connection sending the same request over and
/// over, reading just the status and the body's length: a load generator's
/// client, as light as `wrk`'s, so that it measures the hub and not itself.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    async fn open(address: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    /// Sends `request` and reads the whole response; returns its status.
    async fn send(&mut self, request: &[u8]) -> io::Result<u16> {
        let garbled = || {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "not an HTTP/1.1 response with a length",
            )
        };
        self.stream.write_all(request).await?;
        self.buf.clear();
        let (head_end, status, length) = loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).map_err(|_| garbled())?;
                let status = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(garbled)?;
                let length = head
                    .lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                    .ok_or_else(garbled)?;
                break (end + 4, status, length);
            }
            self.read_more().await?;
        };
        while self.buf.len() < head_end + length {
            self.read_more().await?;
        }
        Ok(status)
    }

    async fn read_more(&mut self) -> io::Result<()> {
        match self.stream.read_buf(&mut self.buf).await? {
            0 => Err(io::ErrorKind::UnexpectedEof.into()),
            _ => Ok(()),
        }
    }
}

/// Calls, starts and finishes tickets at one counter until told to stop.
async fn call_loop(
    client: Client,
    n: CounterNo,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> usize {
    let mut served = 0;
    while !*stop.borrow() {
        match client.call_next(n).await {
            Ok(_) => {
                let started = client.start(n).await;
                let finished = client.finish(n).await;
                if started.is_ok() && finished.is_ok() {
                    served += 1;
                }
            }
            Err(ClientError::Refused { code, .. }) if code == "nobody_waiting" => {
                let _ = tokio::time::timeout(Duration::from_millis(5), stop.changed()).await;
            }
            Err(_) => break,
        }
    }
    served
}

/// Plain SQLite on the same disk: one insert per transaction, WAL and
/// synchronous=FULL, for `time`. Returns inserts per second.
///
/// # Errors
/// The database cannot be created or written.
pub fn baseline(dir: &Path, time: Duration) -> anyhow::Result<f64> {
    let file = tempfile::Builder::new()
        .prefix("yimen-baseline-")
        .suffix(".db")
        .tempfile_in(dir)?;
    Ok(crate::store::baseline::inserts_per_second(
        file.path(),
        time,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
