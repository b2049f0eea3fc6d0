//! `yimen tls init`: the hall's CA, the hub's certificate and the hall PCs'
//! certificate, in the configuration folder's `tls/`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use yimen::hub::clock::{Clock, SystemClock};
use yimen::tls::TlsFiles;

use super::load_config;

/// What `yimen tls` does.
#[derive(clap::Subcommand)]
pub enum Action {
    /// Makes the hall's CA (kept if there is one) and new certificates for
    /// the hub and the hall's PCs.
    Init {
        /// The hall's configuration folder.
        #[arg(long)]
        hall: PathBuf,
        /// A host name the hub is reached by; repeat for more.
        #[arg(long = "name")]
        names: Vec<String>,
        /// An address the hub is reached at; repeat for more.
        #[arg(long = "ip")]
        ips: Vec<IpAddr>,
    },
}

pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    match action {
        Action::Init { hall, names, ips } => {
            let config = load_config(&hall)?;
            let files = TlsFiles::in_config(&hall);
            let now = SystemClock.now();
            yimen::tls::init(&files, &config.setup.name, &names, &ips, now)?;
            println!("已生成：{}", files.server_cert.display());
            println!("已生成：{}", files.client_cert.display());
            println!(
                "请把 {} 和 {} 复制到大厅的每台终端；{} 只在签发证书时需要，不要留在服务器上。",
                files.ca_cert.display(),
                files.client_cert.display(),
                files.ca_key.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
