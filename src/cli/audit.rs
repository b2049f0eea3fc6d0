//! `yimen audit verify`: the event log's hash chain walked and checked.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Subcommand)]
pub enum Action {
    /// Walks the event log's hash chain and reports the first row changed,
    /// removed or inserted out of order; exits 1 if there is one.
    Verify {
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
    },
}

/// Success for an intact log, failure for a broken one.
pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    let Action::Verify { db } = action;
    let conn = yimen::store::open_reader(&db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let report = yimen::store::audit::verify(&conn).context("cannot read the event log")?;
    println!("{report}");
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
