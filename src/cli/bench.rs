//! `yimen bench search`, `yimen bench ws` and `yimen bench logins`: guide
//! search timed on a generated catalogue, a call's way to many display
//! walls, and a login flood while kiosks work (`bench_logins`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::bench::SearchPlan;
use yimen::bench::ws::WsPlan;
use yimen::hub::clock::SystemClock;

use super::{load_config, print_json, runtime};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// What to time: `search`, `ws` or `logins`.
    #[arg(value_parser = ["search", "ws", "logins"])]
    what: String,
    /// Guides in the generated catalogue (search).
    #[arg(long, default_value_t = SearchPlan::default().items)]
    items: usize,
    /// Different queries timed, of every kind (search).
    #[arg(long, default_value_t = SearchPlan::default().queries)]
    queries: usize,
    /// Public event-stream subscribers on loopback (ws).
    #[arg(long, default_value_t = WsPlan::default().subscribers)]
    subscribers: usize,
    /// Calls made and timed to every subscriber (ws).
    #[arg(long, default_value_t = WsPlan::default().calls)]
    calls: usize,
    /// The configuration folder: its guides lend their words (search); its
    /// hall is served (ws).
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// End with one JSON object of the figures.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    logins: super::bench_logins::Args,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = load_config(&args.config)?;
    if args.what == "logins" {
        super::bench_logins::run(config, &args.logins, args.json)?;
    } else if args.what == "ws" {
        let plan = WsPlan {
            subscribers: args.subscribers,
            calls: args.calls,
            ..Default::default()
        };
        let report =
            runtime()?.block_on(yimen::bench::ws::run(config, &plan, Arc::new(SystemClock)))?;
        print!("{report}");
        print_json(&report, args.json)?;
    } else {
        let plan = SearchPlan {
            items: args.items,
            queries: args.queries,
            ..Default::default()
        };
        let report = yimen::bench::search(&config.guides, &plan);
        print!("{report}");
        print_json(&report, args.json)?;
    }
    Ok(ExitCode::SUCCESS)
}
