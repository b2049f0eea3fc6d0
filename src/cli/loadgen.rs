//! `yimen loadgen`: tickets issued against a running hub, with throughput
//! and latency printed.

use std::path::PathBuf;
use std::process::ExitCode;

use yimen::api::TicketRequest;
use yimen::loadgen::{self, Caller, Plan, Report};

use super::{print_json, runtime};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// The hub's address, such as http://127.0.0.1:9463.
    #[arg(long)]
    hub: String,
    /// Clients issuing at once.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Tickets each client issues.
    #[arg(long, default_value_t = 100)]
    requests: usize,
    /// The kiosk key to present.
    #[arg(long, default_value = "demo-kiosk")]
    key: String,
    /// The queue to take tickets from.
    #[arg(long, default_value = "A")]
    queue: String,
    /// Also call, start and finish tickets as STAFF:PIN:COUNTER (repeatable).
    #[arg(long = "call", value_parser = parse_caller)]
    callers: Vec<Caller>,
    /// Measure plain SQLite (one fsync'd insert per transaction) in this
    /// folder too; put it on the hub's disk.
    #[arg(long)]
    baseline_dir: Option<PathBuf>,
    /// End with one JSON object of the figures.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let plan = Plan {
        hub: args.hub,
        clients: args.clients,
        requests: args.requests,
        key: args.key,
        ticket: TicketRequest {
            queue: Some(args.queue),
            ..TicketRequest::default()
        },
        callers: args.callers,
        baseline_dir: args.baseline_dir,
    };
    let report = runtime()?.block_on(loadgen::run(plan))?;
    print_report(&report);
    print_json(&report, args.json)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_caller(s: &str) -> Result<Caller, String> {
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [staff, pin, counter] => Ok(Caller {
            staff: (*staff).to_owned(),
            pin: (*pin).to_owned(),
            counter: counter
                .parse()
                .map_err(|_| format!("“{counter}” is not a counter number"))?,
        }),
        _ => Err("expected STAFF:PIN:COUNTER, such as 1001:123456:1".into()),
    }
}

fn print_report(r: &Report) {
    println!(
        "{} clients × {} requests: {} ok, {} errors in {:.2} s",
        r.clients,
        r.requests / r.clients.max(1),
        r.requests - r.errors,
        r.errors,
        r.seconds
    );
    println!(
        "throughput {:.0} tickets/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.requests_per_s, r.p50_ms, r.p99_ms, r.max_ms
    );
    if r.served > 0 {
        println!("counters served {} tickets meanwhile", r.served);
    }
    if let (Some(b), Some(ratio)) = (r.baseline_inserts_per_s, r.ratio_to_baseline) {
        println!(
            "plain SQLite, one fsync'd insert per transaction: {b:.0} inserts/s; hub is {ratio:.1}× that"
        );
    }
}
