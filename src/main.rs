//! The `yimen` binary: parses arguments, starts logging, runs one role.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use yimen::api::TicketRequest;
use yimen::config::{Config, secret};
use yimen::hub::clock::SystemClock;
use yimen::loadgen::{self, Caller, Plan};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The port the hub listens on unless told otherwise: "yime" on a phone keypad.
const DEFAULT_LISTEN: &str = "127.0.0.1:9463";

#[derive(Parser)]
#[command(
    name = "yimen",
    version,
    about = "一门：政务服务大厅排队叫号与自助取号系统"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the hub: the hall's state, the HTTP API and the event stream.
    Hub {
        /// The configuration folder.
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The SQLite file; created if missing.
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// The whole hall in one process: the hub on a local SQLite file with the
    /// sample hall, and the kiosk, counter 1 and the display wall as windows;
    /// with no screen, the hub with its web display wall.
    Demo {
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// Open no windows even where there is a screen.
        #[arg(long)]
        headless: bool,
    },
    /// Validates a configuration folder and lists every error and warning.
    CheckConfig {
        #[arg(default_value = "kiosk-config")]
        dir: PathBuf,
    },
    /// Reads a PIN or device key from standard input and prints its argon2
    /// hash, for hall.toml.
    HashSecret,
    /// Issues tickets against a running hub and prints throughput and latency.
    Loadgen {
        /// The hub's address, such as http://127.0.0.1:9463.
        #[arg(long)]
        hub: String,
        /// Clients issuing at once.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Tickets each client issues.
        #[arg(long, default_value_t = 100)]
        requests: usize,
        /// The kiosk key to present.
        #[arg(long, default_value = "demo-kiosk")]
        key: String,
        /// The queue to take tickets from.
        #[arg(long, default_value = "A")]
        queue: String,
        /// Also call, start and finish tickets as STAFF:PIN:COUNTER (repeatable).
        #[arg(long = "call", value_parser = parse_caller)]
        callers: Vec<Caller>,
        /// Measure plain SQLite (one fsync'd insert per transaction) in this
        /// folder too; put it on the hub's disk.
        #[arg(long)]
        baseline_dir: Option<PathBuf>,
        /// End with one JSON object of the figures.
        #[arg(long)]
        json: bool,
    },
    /// Runs the lobby kiosk full screen (kiosk.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Kiosk {
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The hub's address, instead of kiosk.toml's.
        #[arg(long)]
        hub: Option<String>,
    },
    /// Runs the counter terminal (clients.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Counter {
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The hub's address, instead of clients.toml's.
        #[arg(long)]
        hub: Option<String>,
    },
    /// Runs the back office: reviewers' inboxes and the supervisor's hall.
    #[cfg(feature = "gui")]
    Review {
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The hub's address, instead of clients.toml's.
        #[arg(long)]
        hub: Option<String>,
    },
    /// Runs the display wall full screen, with voice (display.toml and
    /// hall.toml in the configuration folder).
    #[cfg(feature = "gui")]
    Display {
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The hub's address, instead of display.toml's.
        #[arg(long)]
        hub: Option<String>,
    },
    /// Renders every screen of an app to PNG, with no display needed.
    #[cfg(feature = "gui")]
    Screenshot {
        #[arg(value_parser = ["kiosk", "counter", "review", "display"])]
        app: String,
        #[arg(long, default_value = "docs/screenshots")]
        out: PathBuf,
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// The window's size, such as 540x960; by default the screen's design size.
        #[arg(long)]
        size: Option<yimen::apps::screenshot::WindowSize>,
    },
    /// Times guide search on a generated catalogue (`yimen bench search`), or
    /// a call's way to many display walls' event streams (`yimen bench ws`).
    Bench {
        /// What to time: `search` or `ws`.
        #[arg(value_parser = ["search", "ws"])]
        what: String,
        /// Guides in the generated catalogue (search).
        #[arg(long, default_value_t = yimen::bench::SearchPlan::default().items)]
        items: usize,
        /// Different queries timed, of every kind (search).
        #[arg(long, default_value_t = yimen::bench::SearchPlan::default().queries)]
        queries: usize,
        /// Public event-stream subscribers on loopback (ws).
        #[arg(long, default_value_t = yimen::bench::ws::WsPlan::default().subscribers)]
        subscribers: usize,
        /// Calls made and timed to every subscriber (ws).
        #[arg(long, default_value_t = yimen::bench::ws::WsPlan::default().calls)]
        calls: usize,
        /// The configuration folder: its guides lend their words (search); its
        /// hall is served (ws).
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// End with one JSON object of the figures.
        #[arg(long)]
        json: bool,
    },
    /// Writes the report of a business day, or of a range of days: report.html
    /// with charts and one CSV per table.
    Report {
        /// The (first) business day, such as 2026-03-02.
        #[arg(long)]
        date: chrono::NaiveDate,
        /// The last business day of a range.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
        /// The configuration folder: the hall's names, zone and calendar.
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// Where to write; `report-<date>` unless given.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Simulates a whole hall day on a virtual clock against a hub started
    /// here, and prints waits, utilisation, cases and how good the wait
    /// estimates were.
    Simulate {
        /// The business day, a working day such as 2026-03-02.
        #[arg(long, default_value_t = yimen::simulate::Plan::default().date)]
        date: chrono::NaiveDate,
        /// Arrivals as a multiple of an ordinary day's (about 270 citizens).
        #[arg(long, default_value_t = yimen::simulate::Plan::default().rate)]
        rate: f64,
        /// Front-desk counters open, lowest-numbered first; the pickup
        /// window opens besides.
        #[arg(long, default_value_t = yimen::simulate::Plan::default().counters)]
        counters: usize,
        /// The same seed gives the same day.
        #[arg(long, default_value_t = yimen::simulate::Plan::default().seed)]
        seed: u64,
        /// The configuration folder: the hall simulated.
        #[arg(long, default_value = "kiosk-config")]
        config: PathBuf,
        /// End with one JSON object of the figures.
        #[arg(long)]
        json: bool,
    },
    /// Checks the audit log: `yimen audit verify`.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Walks the event log's hash chain and reports the first row changed,
    /// removed or inserted out of order; exits 1 if there is one.
    Verify {
        #[arg(long, default_value = "yimen.db")]
        db: PathBuf,
    },
}

fn parse_caller(s: &str) -> Result<Caller, String> {
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [staff, pin, counter] => Ok(Caller {
            staff: (*staff).to_owned(),
            pin: (*pin).to_owned(),
            counter: counter
                .parse()
                .map_err(|_| format!("“{counter}” is not a counter number"))?,
        }),
        _ => Err("expected STAFF:PIN:COUNTER, such as 1001:123456:1".into()),
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("yimen: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Hub { config, db, listen } => {
            let config = load_config(&config)?;
            runtime()?.block_on(serve_hub(config, db, listen))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            config,
            db,
            listen,
            headless,
        } => {
            let hall = load_config(&config)?;
            let plan = yimen::demo::DemoPlan {
                config_dir: config,
                db,
                listen,
                headless,
            };
            yimen::demo::run(&plan, hall, stop_signal())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckConfig { dir } => Ok(check_config(&dir)),
        Command::HashSecret => {
            if std::io::stdin().is_terminal() {
                eprintln!("type the PIN or key, then Enter:");
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let secret = line.trim_end_matches(['\r', '\n']);
            anyhow::ensure!(!secret.is_empty(), "nothing to hash");
            println!("{}", secret::hash(secret)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Loadgen {
            hub,
            clients,
            requests,
            key,
            queue,
            callers,
            baseline_dir,
            json,
        } => {
            let plan = Plan {
                hub,
                clients,
                requests,
                key,
                ticket: TicketRequest {
                    queue: Some(queue),
                    ..TicketRequest::default()
                },
                callers,
                baseline_dir,
            };
            let report = runtime()?.block_on(loadgen::run(plan))?;
            print_report(&report, json)?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "gui")]
        Command::Kiosk { config, hub } => {
            let mut settings = yimen::config::kiosk::KioskSettings::load(&config)?;
            settings.hub = hub_address(hub, settings.hub);
            yimen::apps::kiosk::run(settings)?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "gui")]
        Command::Counter { config, hub } => {
            let mut settings = yimen::config::clients::ClientSettings::load(&config)?;
            settings.hub = hub_address(hub, settings.hub);
            yimen::apps::counter::run(settings)?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "gui")]
        Command::Review { config, hub } => {
            let settings = yimen::config::clients::ClientSettings::load(&config)?;
            yimen::apps::review::run(&hub_address(hub, settings.hub))?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "gui")]
        Command::Display { config, hub } => {
            let mut settings = yimen::config::display::DisplaySettings::load(&config)?;
            settings.hub = hub_address(hub, settings.hub);
            let signage = yimen::apps::display::Signage::from_config(&load_config(&config)?);
            yimen::apps::display::run(&settings, signage)?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "gui")]
        Command::Screenshot {
            app,
            out,
            config,
            size,
        } => {
            let files = match app.as_str() {
                "counter" => yimen::apps::screenshot::counter(&config, &out, size)?,
                "review" => yimen::apps::screenshot::review(&config, &out, size)?,
                "display" => yimen::apps::display::screenshot::display(&config, &out, size)?,
                _ => yimen::apps::screenshot::kiosk(&config, &out, size)?,
            };
            for file in files {
                println!("{}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what,
            items,
            queries,
            subscribers,
            calls,
            config,
            json,
        } => {
            let config = load_config(&config)?;
            if what == "ws" {
                let plan = yimen::bench::ws::WsPlan {
                    subscribers,
                    calls,
                    ..Default::default()
                };
                let report = runtime()?.block_on(yimen::bench::ws::run(config, &plan))?;
                print!("{report}");
                if json {
                    println!("{}", serde_json::to_string(&report)?);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let plan = yimen::bench::SearchPlan {
                items,
                queries,
                ..Default::default()
            };
            let report = yimen::bench::search(&config.guides, &plan);
            print!("{report}");
            if json {
                println!("{}", serde_json::to_string(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            date,
            to,
            db,
            config,
            out,
        } => {
            write_report(date, to, &db, &config, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            date,
            rate,
            counters,
            seed,
            config,
            json,
        } => {
            let plan = yimen::simulate::Plan {
                date,
                rate,
                counters,
                seed,
            };
            let config = load_config(&config)?;
            let report = runtime()?.block_on(yimen::simulate::run(config, &plan))?;
            print!("{report}");
            if json {
                println!("{}", serde_json::to_string(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            action: AuditAction::Verify { db },
        } => audit_verify(&db),
    }
}

/// The hub an app talks to: the one given on the command line, or else the
/// one its settings name.
#[cfg(feature = "gui")]
fn hub_address(given: Option<String>, configured: String) -> String {
    given.map_or(configured, |hub| hub.trim_end_matches('/').to_owned())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn load_config(dir: &Path) -> anyhow::Result<Config> {
    let (config, warnings) = Config::load(dir, today())?;
    for w in warnings {
        tracing::warn!("{w}");
    }
    Ok(config)
}

fn check_config(dir: &Path) -> ExitCode {
    let (summary, warnings, mut errors) = match Config::load(dir, today()) {
        Ok((config, warnings)) => {
            let summary = format!(
                "{} queues, {} counters, {} staff, {} service items",
                config.setup.queues.len(),
                config.setup.counters.len(),
                config.setup.staff.len(),
                config.guides.len(),
            );
            (Some(summary), warnings, Vec::new())
        }
        Err(e) => (None, Vec::new(), e.errors),
    };
    if dir.join("kiosk.toml").exists()
        && let Err(e) = yimen::config::kiosk::KioskSettings::load(dir)
    {
        errors.extend(e.errors);
    }
    if dir.join("clients.toml").exists()
        && let Err(e) = yimen::config::clients::ClientSettings::load(dir)
    {
        errors.extend(e.errors);
    }
    if dir.join("display.toml").exists()
        && let Err(e) = yimen::config::display::DisplaySettings::load(dir)
    {
        errors.extend(e.errors);
    }
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

async fn serve_hub(config: Config, db: PathBuf, listen: SocketAddr) -> anyhow::Result<()> {
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

fn print_report(r: &loadgen::Report, json: bool) -> anyhow::Result<()> {
    println!(
        "{} clients × {} requests: {} ok, {} errors in {:.2} s",
        r.clients,
        r.requests / r.clients.max(1),
        r.requests - r.errors,
        r.errors,
        r.seconds
    );
    println!(
        "throughput {:.0} tickets/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.requests_per_s, r.p50_ms, r.p99_ms, r.max_ms
    );
    if r.served > 0 {
        println!("counters served {} tickets meanwhile", r.served);
    }
    if let (Some(b), Some(ratio)) = (r.baseline_inserts_per_s, r.ratio_to_baseline) {
        println!(
            "plain SQLite, one fsync'd insert per transaction: {b:.0} inserts/s; hub is {ratio:.1}× that"
        );
    }
    if json {
        println!("{}", serde_json::to_string(r)?);
    }
    Ok(())
}

/// `yimen report`: reads the period from the database, writes the files and
/// lists them.
fn write_report(
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
    db: &Path,
    config: &Path,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let period = yimen::report::Period::new(from, to.unwrap_or(from))?;
    let config = load_config(config)?;
    let conn = yimen::store::open_reader(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let report = yimen::report::Report::build(&conn, &config, period)?;
    let out = out.unwrap_or_else(|| PathBuf::from(period.folder_name()));
    for file in report.write(&out)? {
        println!("{}", file.display());
    }
    Ok(())
}

/// `yimen audit verify`: success for an intact log, failure for a broken one.
fn audit_verify(db: &Path) -> anyhow::Result<ExitCode> {
    let conn = yimen::store::open_reader(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let report = yimen::store::audit::verify(&conn).context("cannot read the event log")?;
    println!("{report}");
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
