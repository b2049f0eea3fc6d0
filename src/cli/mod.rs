//! The command line: one module per subcommand, each with its arguments and
//! a `run` that calls the library. What several share sits here: the async
//! runtime, loading the configuration, the stop signal.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use yimen::config::Config;
use yimen::hub::clock::{Clock, SystemClock};

mod audit;
mod bench;
mod bench_logins;
mod check_config;
#[cfg(feature = "gui")]
mod counter;
mod demo;
#[cfg(feature = "gui")]
mod display;
mod erase;
mod hash_secret;
mod hub;
#[cfg(feature = "gui")]
mod kiosk;
mod loadgen;
mod report;
#[cfg(feature = "gui")]
mod review;
#[cfg(feature = "gui")]
mod screenshot;
mod simulate;
mod tls;

/// The port the hub listens on unless told otherwise: "yime" on a phone keypad.
const DEFAULT_LISTEN: &str = "127.0.0.1:9463";

/// The `yimen` command line.
#[derive(Parser)]
#[command(
    name = "yimen",
    version,
    about = "一门：政务服务大厅排队叫号与自助取号系统"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One subcommand per role or tool.
#[derive(Subcommand)]
enum Command {
    /// Runs the hub: the hall's state, the HTTP API and the event stream.
    Hub(hub::Args),
    /// The whole hall in one process: the hub on a local SQLite file with the
    /// sample hall, and the kiosk, counter 1 and the display wall as windows;
    /// with no screen, the hub with its web display wall.
    Demo(demo::Args),
    /// Validates a configuration folder and lists every error and warning.
    CheckConfig(check_config::Args),
    /// Reads a PIN from standard input and prints its argon2 hash, for
    /// hall.toml's `pin_hash`; with `--device`, a device key's SHA-256, for
    /// `key_sha256`.
    HashSecret(hash_secret::Args),
    /// Issues tickets against a running hub and prints throughput and latency.
    Loadgen(loadgen::Args),
    /// Runs the lobby kiosk full screen (kiosk.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Kiosk(kiosk::Args),
    /// Runs the counter terminal (clients.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Counter(counter::Args),
    /// Runs the back office: reviewers' inboxes and the supervisor's hall.
    #[cfg(feature = "gui")]
    Review(review::Args),
    /// Runs the display wall full screen, with voice (display.toml and
    /// hall.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Display(display::Args),
    /// Renders every screen of an app to PNG, with no display needed.
    #[cfg(feature = "gui")]
    Screenshot(screenshot::Args),
    /// Times guide search on a generated catalogue (`yimen bench search`), a
    /// call's way to many display walls' event streams (`yimen bench ws`), or
    /// tickets during a login flood (`yimen bench logins`).
    Bench(bench::Args),
    /// Writes the report of a business day, or of a range of days: report.html
    /// with charts and one CSV per table.
    Report(report::Args),
    /// Simulates a whole hall day on a virtual clock against a hub started
    /// here, and prints waits, utilisation, cases and how good the wait
    /// estimates were.
    Simulate(simulate::Args),
    /// Erases the personal values (name, ID number, phone, address) of cases
    /// that ended before a day; the audit log still verifies.
    Erase(erase::Args),
    /// Checks the audit log: `yimen audit verify`.
    Audit {
        #[command(subcommand)]
        action: audit::Action,
    },
    /// The hall's certificates: `yimen tls init`.
    Tls {
        #[command(subcommand)]
        action: tls::Action,
    },
}

/// Runs the subcommand given.
///
/// # Errors
/// Whatever the subcommand fails at, as one readable chain.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Hub(args) => hub::run(args),
        Command::Demo(args) => demo::run(args),
        Command::CheckConfig(args) => Ok(check_config::run(&args)),
        Command::HashSecret(args) => hash_secret::run(&args),
        Command::Loadgen(args) => loadgen::run(args),
        #[cfg(feature = "gui")]
        Command::Kiosk(args) => kiosk::run(args),
        #[cfg(feature = "gui")]
        Command::Counter(args) => counter::run(args),
        #[cfg(feature = "gui")]
        Command::Review(args) => review::run(args),
        #[cfg(feature = "gui")]
        Command::Display(args) => display::run(args),
        #[cfg(feature = "gui")]
        Command::Screenshot(args) => screenshot::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Report(args) => report::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Erase(args) => erase::run(args),
        Command::Audit { action } => audit::run(action),
        Command::Tls { action } => tls::run(action),
    }
}

/// A multi-threaded tokio runtime for the subcommands that talk or serve.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Today by the machine's clock: the command line is where the real clock
/// is read, and everything below is handed the date or the clock.
fn today() -> chrono::NaiveDate {
    SystemClock.now().date_naive()
}

/// The hall's configuration, its warnings logged.
fn load_config(dir: &Path) -> anyhow::Result<Config> {
    let (config, warnings) = Config::load(dir, today())?;
    for w in warnings {
        tracing::warn!("{w}");
    }
    Ok(config)
}

/// Prints one JSON object of the figures when asked to.
fn print_json(figures: &impl serde::Serialize, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(figures)?);
    }
    Ok(())
}

/// The hub an app talks to: the one given on the command line, or else the
/// one its settings name.
#[cfg(feature = "gui")]
fn hub_address(given: Option<String>, configured: String) -> String {
    given.map_or(configured, |hub| hub.trim_end_matches('/').to_owned())
}

/// Completes on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("stopping: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
