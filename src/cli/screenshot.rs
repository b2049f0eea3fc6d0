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
    /// The window's size, such as 540x960; by default the screen's design size.
    #[arg(long)]
    size: Option<screenshot::WindowSize>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (config, out, size) = (&args.config, &args.out, args.size);
    let files = match args.app.as_str() {
        "counter" => screenshot::counter(config, out, size)?,
        "review" => screenshot::review(config, out, size)?,
        "display" => display::screenshot::display(config, out, size)?,
        _ => screenshot::kiosk(config, out, size)?,
    };
    for file in files {
        println!("{}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}
