//! The staff clients' settings, `clients.toml` in the configuration folder:
//! where the hub is, and the counter terminal's printer for case documents.

use std::path::Path;

use serde::Deserialize;

use super::diagnostic::Source;
use super::{ConfigError, Diagnostic};
use crate::devices::printer::{PrinterSettings, PrinterSetup};
use crate::tls::TlsFiles;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    hub: String,
    counter: CounterSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterSection {
    rating_on_screen: Option<bool>,
    printer: PrinterSettings,
}

/// The counter terminal's and back office's settings, checked.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// The hub's address, such as `http://127.0.0.1:9463`.
    pub hub: String,
    /// The hall's certificates, for an `https://` hub.
    pub tls: Option<TlsFiles>,
    /// Ask for the citizen's rating on the counter's screen after each
    /// service: for counters without a rating keypad.
    pub rating_on_screen: bool,
    /// The counter's printer for one-time notices, receipts and refusals.
    pub printer: PrinterSetup,
}

impl ClientSettings {
    /// Reads `clients.toml` from the configuration folder.
    ///
    /// # Errors
    /// Every problem found, each with file, field and line.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let refuse = |errors: Vec<Diagnostic>| ConfigError {
            dir: dir.to_owned(),
            errors,
        };
        let source = Source::read(dir, "clients.toml").map_err(|d| refuse(vec![d]))?;
        let file: ClientsFile = source.parse().map_err(|d| refuse(vec![d]))?;
        let mut errors = Vec::new();
        let hub = file.hub.trim_end_matches('/').to_owned();
        let tls = super::hub_tls(dir, &hub).unwrap_or_else(|why| {
            errors.push(source.error("hub", why));
            None
        });
        let printer = file.counter.printer.validate().map_err(|problems| {
            for (field, message) in problems {
                errors.push(source.error(format!("counter.printer.{field}"), message));
            }
        });
        match printer {
            Ok(printer) if errors.is_empty() => Ok(Self {
                hub,
                tls,
                rating_on_screen: file.counter.rating_on_screen.unwrap_or(true),
                printer,
            }),
            _ => Err(refuse(errors)),
        }
    }
}
