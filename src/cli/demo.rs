//! `yimen demo`: the whole hall in one process, until the windows close or
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::demo::DemoPlan;
use yimen::hub::clock::SystemClock;

use super::{DEFAULT_LISTEN, load_config, stop_signal};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Open no windows even where there is a screen.
    #[arg(long)]
    headless: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let hall = load_config(&args.config)?;
    let plan = DemoPlan {
        config_dir: args.config,
        db: args.db,
        listen: args.listen,
        headless: args.headless,
        clock: Arc::new(SystemClock),
    };
    yimen::demo::run(&plan, hall, stop_signal())?;
    Ok(ExitCode::SUCCESS)
}
