//! `yimen review`: the back office, reviewers' inboxes and the supervisor's
//! hall.

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
    let settings = ClientSettings::load(&args.config)?;
    yimen::apps::review::run(&hub_address(args.hub, settings.hub), Arc::new(SystemClock))?;
    Ok(ExitCode::SUCCESS)
}
