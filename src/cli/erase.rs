//! `yimen erase`: the personal values of cases that ended before a day are
//! removed from the database; the log keeps their commitments.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use yimen::hub::clock::{Clock, SystemClock};
use yimen::store::personal::Cutoffs;

use super::load_config;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// Cases that ended (closed, refused, rejected) before this day lose
    /// their personal values; `keep_personal_days` of hall.toml before
    /// today unless given.
    #[arg(long)]
    closed_before: Option<NaiveDate>,
    /// Bookings (预约) of days before this one lose their personal values;
    /// `[appointments] keep_days` of hall.toml before today unless given.
    #[arg(long)]
    bookings_before: Option<NaiveDate>,
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    /// The configuration folder, for the retention periods.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
}

/// Erases, records the erasure in the log, and lists the cases and bookings.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let before = match (args.closed_before, args.bookings_before) {
        (Some(cases_closed_before), Some(bookings_before)) => Cutoffs {
            cases_closed_before,
            bookings_before,
        },
        (cases, bookings) => {
            let setup = load_config(&args.config)?.setup;
            let today = setup.day_rule.day_of(SystemClock.now());
            Cutoffs {
                cases_closed_before: cases.unwrap_or_else(|| setup.cases.erase_before(today)),
                bookings_before: bookings.unwrap_or_else(|| setup.bookings.erase_before(today)),
            }
        }
    };
    let db = &args.db;
    let conn = yimen::store::open_writer(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let erased =
        yimen::store::personal::erase(&conn, before, SystemClock.now()).context("cannot erase")?;
    let closed_before = before.cases_closed_before;
    if erased.cases.is_empty() {
        println!(
            "nothing to erase: no case that ended before {closed_before} holds personal values（无需删除）"
        );
    } else {
        println!(
            "erased the personal values of {} cases that ended before {closed_before}（已删除个人信息）: {}",
            erased.cases.len(),
            erased.cases.join(" ")
        );
    }
    if !erased.bookings.is_empty() {
        println!(
            "erased the personal values of {} bookings of days before {}（已删除预约个人信息）",
            erased.bookings.len(),
            before.bookings_before
        );
    }
    Ok(ExitCode::SUCCESS)
}
