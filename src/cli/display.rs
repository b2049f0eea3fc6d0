//! `yimen display`: the display wall full screen, with voice.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use yimen::apps::display::Signage;
use yimen::clock::SystemClock;
use yimen::config::display::DisplaySettings;

use super::{hub_address, load_config};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// The hub's address, instead of display.toml's.
    #[arg(long)]
    hub: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut settings = DisplaySettings::load(&args.config)?;
    settings.hub = hub_address(args.hub, settings.hub);
    let signage = Signage::from_config(&load_config(&args.config)?);
    yimen::apps::display::run(&settings, signage, Arc::new(SystemClock))?;
    Ok(ExitCode::SUCCESS)
}
