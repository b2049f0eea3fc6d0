//! `yimen screenshot`: every screen of an app rendered to PNG, with no
//! display needed.

use std::path::PathBuf;
use std::process::ExitCode;

use yimen::apps::{display, screenshot};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    #[arg(value_parser = ["kiosk", "counter", "review", "display"])]
    app: String,
    #[arg(long, default_value = "docs/screenshots")]
    out: PathBuf,
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (config, out) = (&args.config, &args.out);
    let files = match args.app.as_str() {
        "counter" => screenshot::counter(config, out)?,
        "review" => screenshot::review(config, out)?,
        "display" => display::screenshot::display(config, out)?,
        _ => screenshot::kiosk(config, out)?,
    };
    for file in files {
        println!("{}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}
