//! The kiosk's own settings, `kiosk.toml` in the configuration folder: where
//! the hub is, the kiosk's key, its timeouts, and its printer.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::diagnostic::Source;
use super::{ConfigError, Diagnostic};
use crate::devices::printer::{PrinterSettings, PrinterSetup};
use crate::tls::TlsFiles;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KioskFile {
    kiosk: KioskSection,
    printer: PrinterSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KioskSection {
    hub: String,
    key: String,
    qr_base: Option<String>,
    idle_seconds: Option<u64>,
    ticket_seconds: Option<u32>,
    cache: Option<PathBuf>,
}

/// A kiosk's settings, checked.
#[derive(Clone)]
pub struct KioskSettings {
    /// The hub's address, such as `http://127.0.0.1:9463`.
    pub hub: String,
    /// The hall's certificates, for an `https://` hub.
    pub tls: Option<TlsFiles>,
    /// The kiosk's device key, as the hub's `[[devices]]` hash expects.
    pub key: String,
    /// Where phones reach the hub: what the ticket's QR code starts with.
    pub qr_base: String,
    /// Back to Home after this long untouched.
    pub idle: Duration,
    /// Seconds the ticket stays on screen.
    pub ticket_seconds: u32,
    /// The catalogue as last seen, for when the hub is away.
    pub cache: PathBuf,
    pub printer: PrinterSetup,
}

impl fmt::Debug for KioskSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KioskSettings")
            .field("hub", &self.hub)
            .field("key", &"<redacted>")
            .field("idle", &self.idle)
            .field("printer", &self.printer)
            .finish_non_exhaustive()
    }
}

impl KioskSettings {
    /// Reads `kiosk.toml` from the configuration folder.
    ///
    /// # Errors
    /// Every problem found, each with file, field and line.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let refuse = |errors: Vec<Diagnostic>| ConfigError {
            dir: dir.to_owned(),
            errors,
        };
        let source = Source::read(dir, "kiosk.toml").map_err(|d| refuse(vec![d]))?;
        let file: KioskFile = source.parse().map_err(|d| refuse(vec![d]))?;
        let mut errors = Vec::new();
        let hub = file.kiosk.hub.trim_end_matches('/').to_owned();
        let tls = super::hub_tls(dir, &hub).unwrap_or_else(|why| {
            errors.push(source.error("kiosk.hub", why));
            None
        });
        if file.kiosk.key.trim().is_empty() {
            errors.push(source.error("kiosk.key", "the kiosk needs its device key"));
        }
        let idle = file.kiosk.idle_seconds.unwrap_or(60);
        if !(10..=3600).contains(&idle) {
            errors.push(source.error("kiosk.idle_seconds", "must be 10 to 3600 seconds"));
        }
        let ticket_seconds = file.kiosk.ticket_seconds.unwrap_or(20);
        if !(3..=300).contains(&ticket_seconds) {
            errors.push(source.error("kiosk.ticket_seconds", "must be 3 to 300 seconds"));
        }
        let printer = file.printer.validate().map_err(|problems| {
            for (field, message) in problems {
                errors.push(source.error(format!("printer.{field}"), message));
            }
        });
        match printer {
            Ok(printer) if errors.is_empty() => Ok(Self {
                qr_base: file
                    .kiosk
                    .qr_base
                    .map_or_else(|| hub.clone(), |q| q.trim_end_matches('/').to_owned()),
                hub,
                tls,
                key: file.kiosk.key,
                idle: Duration::from_secs(idle),
                ticket_seconds,
                cache: file
                    .kiosk
                    .cache
                    .unwrap_or_else(|| "kiosk-cache.json".into()),
                printer,
            }),
            _ => Err(refuse(errors)),
        }
    }
}
