//! `yimen bench search`, `yimen bench ws`, `yimen bench phones` and `yimen
//! bench logins`: guide search timed on a generated catalogue, a call's way
//! to many display walls, to many citizens' phones and a sample of ticket
//! pages in Chromium, and a login flood while kiosks work (`bench_logins`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::bench::SearchPlan;
use yimen::bench::phones::PhonesPlan;
use yimen::bench::ws::WsPlan;
use yimen::hub::clock::SystemClock;

use super::{load_config, print_json, runtime};

/// The hall served unless `--config` says: the sample's, but for `phones`,
/// whose thousand tickets need the load-test hall's room.
const SAMPLE_HALL: &str = "kiosk-config";
const LOAD_TEST_HALL: &str = "bench/hall";

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// What to time: `search`, `ws`, `phones` or `logins`.
    #[arg(value_parser = ["search", "ws", "phones", "logins"])]
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
    /// Calls made and timed to every subscriber or phone (ws: 50, phones:
    /// 30, besides the sample's).
    #[arg(long)]
    calls: Option<usize>,
    /// Phones following a ticket each on the public face (phones).
    #[arg(long, default_value_t = PhonesPlan::default().phones)]
    phones: usize,
    /// Ticket pages opened in headless Chromium, when one is found (phones).
    #[arg(long, default_value_t = PhonesPlan::default().sample)]
    sample: usize,
    /// The configuration folder: its guides lend their words (search); its
    /// hall is served (ws, phones). By default kiosk-config, and bench/hall
    /// for phones.
    #[arg(long)]
    config: Option<PathBuf>,
    /// End with one JSON object of the figures.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    logins: super::bench_logins::Args,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let hall = if args.what == "phones" {
        LOAD_TEST_HALL
    } else {
        SAMPLE_HALL
    };
    let config = load_config(&args.config.clone().unwrap_or_else(|| hall.into()))?;
    match args.what.as_str() {
        "logins" => super::bench_logins::run(config, &args.logins, args.json)?,
        "ws" => {
            let plan = WsPlan {
                subscribers: args.subscribers,
                calls: args.calls.unwrap_or(WsPlan::default().calls),
                ..Default::default()
            };
            let report =
                runtime()?.block_on(yimen::bench::ws::run(config, &plan, Arc::new(SystemClock)))?;
            print!("{report}");
            print_json(&report, args.json)?;
        }
        "phones" => return phones(config, &args),
        _ => {
            let plan = SearchPlan {
                items: args.items,
                queries: args.queries,
                ..Default::default()
            };
            let report = yimen::bench::search(&config.guides, &plan);
            print!("{report}");
            print_json(&report, args.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Fails, after printing the figures, when a target is missed.
fn phones(config: yimen::config::Config, args: &Args) -> anyhow::Result<ExitCode> {
    let plan = PhonesPlan {
        phones: args.phones,
        calls: args.calls.unwrap_or(PhonesPlan::default().calls),
        sample: args.sample,
        chromium: yimen::bench::chromium::find(),
        ..Default::default()
    };
    let report = runtime()?.block_on(yimen::bench::phones::run(
        config,
        &plan,
        Arc::new(SystemClock),
    ))?;
    print!("{report}");
    print_json(&report, args.json)?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
