//! `yimen check-config`: every error and warning of a configuration folder,
//! the apps' settings and PINs anyone would guess included; fails if there
//! is an error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use yimen::config::clients::ClientSettings;
use yimen::config::display::DisplaySettings;
use yimen::config::kiosk::KioskSettings;
use yimen::config::{Config, Diagnostic};

use super::today;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "kiosk-config")]
    dir: PathBuf,
}

pub fn run(args: &Args) -> ExitCode {
    let dir = &args.dir;
    let (summary, warnings, mut errors) = match Config::load(dir, today()) {
        Ok((config, warnings)) => (Some(summary(&config)), warnings, Vec::new()),
        Err(e) => (None, Vec::new(), e.errors),
    };
    errors.extend(app_settings_errors(dir));
    errors.extend(yimen::config::trivial_pin_errors(dir));
    for d in warnings.iter().chain(&errors) {
        println!("{d}");
    }
    match summary {
        Some(summary) if errors.is_empty() => {
            println!(
                "{}: ok — {summary}, {} warning(s)",
                dir.display(),
                warnings.len()
            );
            ExitCode::SUCCESS
        }
        _ => {
            println!("{}: {} error(s)", dir.display(), errors.len());
            ExitCode::FAILURE
        }
    }
}

fn summary(config: &Config) -> String {
    format!(
        "{} queues, {} counters, {} staff, {} service items",
        config.setup.queues.len(),
        config.setup.counters.len(),
        config.setup.staff.len(),
        config.guides.len(),
    )
}

/// The errors of the apps' settings files that the folder has.
fn app_settings_errors(dir: &Path) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if dir.join("kiosk.toml").exists()
        && let Err(e) = KioskSettings::load(dir)
    {
        errors.extend(e.errors);
    }
    if dir.join("clients.toml").exists()
        && let Err(e) = ClientSettings::load(dir)
    {
        errors.extend(e.errors);
    }
    if dir.join("display.toml").exists()
        && let Err(e) = DisplaySettings::load(dir)
    {
        errors.extend(e.errors);
    }
    errors
}
