//! `yimen review`: the back office, reviewers' inboxes and the supervisor's
//! hall.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::client::Client;
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
    let hub = Client::over(
        &hub_address(args.hub, settings.hub.clone()),
        settings.tls.as_ref(),
    );
    yimen::apps::review::run(hub, Arc::new(SystemClock))?;
    Ok(ExitCode::SUCCESS)
}
