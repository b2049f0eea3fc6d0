//! `yimen counter`: the counter terminal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::clock::SystemClock;
use yimen::config::clients::ClientSettings;

use super::hub_address;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// The hub's address, instead of clients.toml's.
    #[arg(long)]
    hub: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut settings = ClientSettings::load(&args.config)?;
    settings.hub = hub_address(args.hub, settings.hub);
    yimen::apps::counter::run(settings, Arc::new(SystemClock))?;
    Ok(ExitCode::SUCCESS)
}
