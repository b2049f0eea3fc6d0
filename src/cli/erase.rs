//! `yimen erase`: the personal values of cases that ended before a day are
//! removed from the database; the log keeps their commitments.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use yimen::hub::clock::{Clock, SystemClock};

use super::load_config;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// Cases that ended (closed, refused, rejected) before this day lose
    /// their personal values; `keep_personal_days` of hall.toml before
    /// today unless given.
    #[arg(long)]
    closed_before: Option<NaiveDate>,
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    /// The configuration folder, for the retention period.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
}

/// Erases, records the erasure in the log, and lists the cases.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let closed_before = match args.closed_before {
        Some(day) => day,
        None => {
            let setup = load_config(&args.config)?.setup;
            let today = setup.day_rule.day_of(SystemClock.now());
            setup.cases.erase_before(today)
        }
    };
    let db = &args.db;
    let conn = yimen::store::open_writer(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let cases = yimen::store::personal::erase(&conn, closed_before, SystemClock.now())
        .context("cannot erase")?;
    if cases.is_empty() {
        println!(
            "nothing to erase: no case that ended before {closed_before} holds personal values（无需删除）"
        );
    } else {
        println!(
            "erased the personal values of {} cases that ended before {closed_before}（已删除个人信息）: {}",
            cases.len(),
            cases.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
