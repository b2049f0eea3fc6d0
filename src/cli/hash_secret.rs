//! `yimen hash-secret`: a PIN read from standard input, printed as the
//! argon2 hash hall.toml keeps; with `--device`, a device key printed as its
//! SHA-256 for `key_sha256`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use yimen::config::secret;
use yimen::domain::pin::pin_weakness;

/// The arguments, as typed.
#[derive(clap::Args)]
pub struct Args {
    /// Hash a device key (a long random secret, such as `openssl rand -hex
    /// 24` makes) for `key_sha256`, instead of a PIN.
    #[arg(long)]
    device: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "type the {}, then Enter:",
            if args.device { "key" } else { "PIN" }
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let secret = line.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(!secret.is_empty(), "nothing to hash");
    if args.device {
        anyhow::ensure!(
            secret.chars().count() >= secret::MIN_DEVICE_KEY_CHARS,
            "a device key needs at least {} characters: make one with `openssl rand -hex 24`",
            secret::MIN_DEVICE_KEY_CHARS
        );
        println!("{}", hex::encode(secret::sha256(secret)));
    } else {
        if let Some(weakness) = pin_weakness(secret, false) {
            anyhow::bail!("this PIN is too easy to guess: {}", weakness.message());
        }
        println!("{}", secret::hash(secret)?);
    }
    Ok(ExitCode::SUCCESS)
}
