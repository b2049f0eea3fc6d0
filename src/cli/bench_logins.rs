//! `yimen bench logins`: a thousand wrong-PIN logins at once from one
//! address while kiosks issue tickets, against a hub started here or at
//! `--hub`.

use std::sync::Arc;

use yimen::bench::logins::LoginsPlan;
use yimen::config::Config;
use yimen::hub::clock::SystemClock;

use super::{print_json, runtime};

/// The arguments of `yimen bench logins`, flattened into `yimen bench`'s
/// (no group of their own: its name would clash with theirs).
#[derive(clap::Args)]
#[group(skip)]
pub struct Args {
    /// Wrong-PIN logins fired at once (logins).
    #[arg(long, default_value_t = LoginsPlan::default().logins)]
    logins: usize,
    /// Kiosks issuing tickets during the flood (logins).
    #[arg(long, default_value_t = LoginsPlan::default().kiosks)]
    kiosks: usize,
    /// Tickets each kiosk issues (logins).
    #[arg(long, default_value_t = LoginsPlan::default().tickets_per_kiosk)]
    tickets: usize,
    /// A running hub to flood instead of one started here, over plain HTTP
    /// (logins: a hub on loopback, or one started with `--insecure-lan`);
    /// its memory is not measured.
    #[arg(long)]
    hub: Option<String>,
    /// The kiosks' device key (logins).
    #[arg(long, default_value_t = LoginsPlan::default().kiosk_key)]
    kiosk_key: String,
    /// Staff ids to guess at, comma-separated (logins); by default every id
    /// of the hall.
    #[arg(long, value_delimiter = ',')]
    staff: Vec<String>,
}

pub fn run(config: Config, args: &Args, json: bool) -> anyhow::Result<()> {
    let mut plan = LoginsPlan {
        logins: args.logins,
        kiosks: args.kiosks,
        tickets_per_kiosk: args.tickets,
        kiosk_key: args.kiosk_key.clone(),
        staff: args.staff.clone(),
        ..LoginsPlan::default()
    };
    let report = match &args.hub {
        Some(url) => {
            if plan.staff.is_empty() {
                plan.staff = config.setup.staff.iter().map(|s| s.id.0.clone()).collect();
            }
            runtime()?.block_on(yimen::bench::logins::run_against(url, &plan))?
        }
        None => runtime()?.block_on(yimen::bench::logins::run(
            config,
            &plan,
            Arc::new(SystemClock),
        ))?,
    };
    print!("{report}");
    print_json(&report, json)
}
