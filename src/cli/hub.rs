//! `yimen hub`: the hall's state, the HTTP API and the event stream, until
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use yimen::config::Config;
use yimen::hub::clock::SystemClock;

use super::{DEFAULT_LISTEN, load_config, runtime, stop_signal};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// The configuration folder.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// The SQLite file; created if missing.
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = load_config(&args.config)?;
    runtime()?.block_on(serve(config, args.db, args.listen))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, db: PathBuf, listen: SocketAddr) -> anyhow::Result<()> {
    let hall = config.setup.name.clone();
    let running = yimen::hub::open(config, &db, Arc::new(SystemClock))
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, db = %db.display(), %hall, "hub listening on http://{addr}");
    running.serve(listener, stop_signal()).await?;
    Ok(())
}
