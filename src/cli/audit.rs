//! `yimen audit verify`: the event log's hash chain walked and checked, the
//! tables the hub restores from compared with what the log makes of them,
//! and the log checked against each day's signed head.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use yimen::store::heads::{self, Heads};
use yimen::store::{audit, rebuild};

#[derive(clap::Subcommand)]
pub enum Action {
    /// Walks the event log's hash chain and reports the first row changed,
    /// removed or inserted out of order; rebuilds tickets, cases and
    /// sessions from the events and reports the first row of their tables
    /// that differs; checks the log against the signed heads in
    /// `<db>.heads/`. Exits 1 if any of them fails.
    Verify {
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
        /// The hall's public key (64 hex digits, as the daily report prints
        /// it); `<db>.heads/hall.pub` unless given.
        #[arg(long)]
        public_key: Option<String>,
    },
}

/// Success when every check passes, failure otherwise.
pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    let Action::Verify { db, public_key } = action;
    let conn = yimen::store::open_reader(&db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let chain = audit::verify(&conn).context("cannot read the event log")?;
    println!("{chain}");
    let tables = rebuild::compare(&conn).context("cannot read the tables")?;
    println!("{tables}");
    let folder = Heads::beside(&db);
    let key = match public_key {
        Some(text) => Some(heads::parse_public_key(text.trim())?),
        None => folder.public_key()?,
    };
    let signed = folder.read_all()?;
    let heads = heads::check(&conn, &signed, key.as_ref()).context("cannot read the event log")?;
    println!("{heads}");
    let intact = chain.is_intact() && tables.difference.is_none() && heads.problem.is_none();
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
