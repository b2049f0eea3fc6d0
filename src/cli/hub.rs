//! `yimen hub`: the hall's state, the HTTP API and the event stream, until
//! Ctrl-C or SIGTERM. Off loopback it speaks TLS only, with the hall's
//! certificates from the configuration folder's `tls/`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use yimen::hub::clock::SystemClock;
use yimen::hub::faces::Listen;
use yimen::tls::{Clients, TlsFiles};

use super::{DEFAULT_LISTEN, load_config, runtime, stop_signal};

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// The configuration folder.
    #[arg(long, default_value = "kiosk-config")]
    config: PathBuf,
    /// The SQLite file; created if missing.
    #[arg(long, default_value = "yimen.db")]
    db: PathBuf,
    /// The LAN face, for the hall's own PCs.
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// The public face, for citizens' phones on the hall's Wi-Fi: ticket
    /// status, the guides, the display wall, ratings; nothing else.
    #[arg(long)]
    public_listen: Option<SocketAddr>,
    /// Serves plain HTTP off loopback when the hall has no certificates:
    /// every PIN and applicant's data then crosses the LAN readable.
    #[arg(long)]
    insecure_lan: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let config = load_config(&args.config)?;
    let tls = TlsFiles::in_config(&args.config);
    let hall = config.setup.name.clone();
    let lan = listen(args.listen, &tls, Clients::Hall, args.insecure_lan).await?;
    let public = match args.public_listen {
        Some(addr) => Some(listen(addr, &tls, Clients::Anyone, args.insecure_lan).await?),
        None => None,
    };
    let running = yimen::hub::open(config, &args.db, Arc::new(SystemClock))
        .with_context(|| format!("cannot open the database {}", args.db.display()))?;
    let db = args.db.display();
    let at = format!("{}://{}", lan.scheme(), lan.local_addr()?);
    tracing::info!(%db, %hall, "hub listening on {at}");
    if let Some(public) = &public {
        let phones = format!("{}://{}", public.scheme(), public.local_addr()?);
        tracing::info!("public face for phones on {phones}");
    }
    running.serve_faces(lan, public, stop_signal()).await?;
    Ok(())
}

/// Binds `addr` and speaks TLS on it when the hall has certificates;
/// without them only on loopback, or when the operator insists.
async fn listen(
    addr: SocketAddr,
    tls: &TlsFiles,
    clients: Clients,
    insecure_lan: bool,
) -> anyhow::Result<Listen> {
    let tcp = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    if tls.serves() {
        let config = yimen::tls::server_config(tls, clients)?;
        return Ok(Listen::tls(tcp, config)?);
    }
    if !addr.ip().is_loopback() {
        if !insecure_lan {
            bail!(
                "refusing to serve plain HTTP on {addr}: the hall has no certificates in {}; \
                 make them with `yimen tls init`, or start with --insecure-lan",
                tls.server_cert
                    .parent()
                    .unwrap_or(&tls.server_cert)
                    .display()
            );
        }
        tracing::warn!(
            %addr,
            "INSECURE: plain HTTP off loopback (--insecure-lan); PINs and personal data cross the LAN readable"
        );
    }
    Ok(Listen::Plain(tcp))
}
