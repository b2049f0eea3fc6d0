//! `yimen report`: the report of a business day or a range of days,
//! report.html with charts and one CSV per table.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use yimen::report::{Period, Report};

use super::load_config;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// The (first) business day, such as 2026-03-02.
    #[arg(long)]
    date: NaiveDate,
    /// The last business day of a range.
    #[arg(long)]
    to: Option<NaiveDate>,
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    /// The configuration folder: the hall's names, zone and calendar.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// Where to write; `report-<date>` unless given.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Reads the period from the database, writes the files and lists them.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = Period::new(args.date, args.to.unwrap_or(args.date))?;
    let config = load_config(&args.config)?;
    let db = &args.db;
    let conn = yimen::store::open_reader(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let report = Report::build(&conn, &config, period)?
        .with_signed_heads(&yimen::store::heads::Heads::beside(db))?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(period.folder_name()));
    for file in report.write(&out)? {
        println!("{}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}
