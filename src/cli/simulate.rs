//! `yimen simulate`: a whole hall day on a virtual clock against a hub
//! started here, its 一件事 cases followed to their end, with its figures
//! printed; with appointments, against the same day without them.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use yimen::simulate::Plan;

use super::{load_config, print_json, runtime};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// The business day, a working day such as 2026-03-02.
    #[arg(long, default_value_t = Plan::default().date)]
    date: NaiveDate,
    /// Arrivals as a multiple of an ordinary day's (about 270 citizens).
    #[arg(long, default_value_t = Plan::default().rate)]
    rate: f64,
    /// Front-desk counters open, lowest-numbered first; the pickup
    /// window opens besides.
    #[arg(long, default_value_t = Plan::default().counters)]
    counters: usize,
    /// Of the visitors to a queue that offers a 一件事 (开办企业, 工业项目),
    /// the share who come for one, 0 to 1; those cases are followed over
    /// the working days after until every department has decided.
    #[arg(long, default_value_t = Plan::default().bundle_share)]
    bundle_share: f64,
    /// Of the visitors to a queue that takes bookings (预约), outside the
    /// green channel, the share who book ahead, 0 to 1; above 0 the day
    /// also runs with nobody booking, and the two are compared.
    #[arg(long, default_value_t = Plan::default().appointment_share)]
    appointment_share: f64,
    /// The same seed gives the same day.
    #[arg(long, default_value_t = Plan::default().seed)]
    seed: u64,
    /// The configuration folder: the hall simulated.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// End with one JSON object of the figures.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let plan = Plan {
        date: args.date,
        rate: args.rate,
        counters: args.counters,
        bundle_share: args.bundle_share,
        appointment_share: args.appointment_share,
        seed: args.seed,
    };
    let config = load_config(&args.config)?;
    let report = runtime()?.block_on(yimen::simulate::run(config, &plan))?;
    print!("{report}");
    print_json(&report, args.json)?;
    Ok(ExitCode::SUCCESS)
}
