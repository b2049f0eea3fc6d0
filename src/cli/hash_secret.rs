//! `yimen hash-secret`: a PIN or device key read from standard input, printed
//! as the argon2 hash hall.toml keeps.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use yimen::config::secret;

pub fn run() -> anyhow::Result<ExitCode> {
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
