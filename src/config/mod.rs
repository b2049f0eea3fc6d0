//! The hall's configuration folder (kiosk-config/), read and validated once
//! at start-up into typed values that nothing downstream re-checks.
//!
//! Layout of the folder:
//! - `hall.toml`: the hall, queue rules, queues, counters, staff, devices,
//!   the hub's limits;
//! - `services/*.toml`: one file per department with its service guides;
//! - `calendar/YYYY.toml`: each year's official holidays and make-up days;
//! - `counter_devices.toml` (optional): LED screens and rating keypads at
//!   the counters.

mod appointments;
pub mod clients;
mod counter_devices;
mod credentials;
mod diagnostic;
pub mod display;
pub mod kiosk;
mod raw;
pub mod secret;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use credentials::trivial_pin_errors;
pub use diagnostic::{Diagnostic, Severity};

use chrono::NaiveDate;

use crate::domain::guide::{Department, Guide};
use crate::domain::ids::StaffId;
use crate::domain::search::SearchIndex;
use crate::domain::setup::HallSetup;
use crate::tls::TlsFiles;

/// The hall's configuration, valid as a whole.
#[derive(Clone)]
pub struct Config {
    /// The folder it was read from.
    pub dir: PathBuf,
    pub setup: Arc<HallSetup>,
    /// Business hours as the hall words them, for screens and tickets.
    pub hours: String,
    /// Lines scrolled on the display wall.
    pub notices: Vec<String>,
    /// Where phones reach the hub's public face: the ticket's QR opens its
    /// page there. None: the QR opens the ticket's status as the kiosk's
    /// `qr_base` reaches it.
    pub public_url: Option<String>,
    pub departments: Vec<Department>,
    /// Every service guide, departments in file-name order.
    pub guides: Vec<Guide>,
    /// `guides` indexed for the kiosk's search, built once at load; its hits
    /// are positions in `guides`.
    pub search: Arc<SearchIndex>,
    /// Argon2 hashes of staff PINs.
    pub pins: HashMap<StaffId, String>,
    pub devices: Vec<DeviceKey>,
    /// How many PIN checks run, wait, and fail from one address.
    pub logins: LoginLimits,
    /// The hall accepts the published demo PIN and keys.
    pub demo_credentials: bool,
    /// LED screens and rating keypads at the counters; none without
    /// `counter_devices.toml`.
    pub counter_devices: crate::devices::counter::CounterDevices,
    /// What the hub takes at once.
    pub limits: Limits,
}

/// What the hub takes at once, so that no reader can exhaust it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Event streams open at once, over every reader; one more is answered
    /// 503.
    pub event_streams: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            event_streams: 2000,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("dir", &self.dir)
            .field("hall", &self.setup.name)
            .field("guides", &self.guides.len())
            .field("pins", &"<redacted>")
            .field("devices", &self.devices)
            .field("counter_devices", &self.counter_devices.devices.len())
            .finish_non_exhaustive()
    }
}

pub use crate::domain::setup::DeviceKind;

/// The hall's certificates a client of the hub at `hub` needs: none for
/// `http://` (loopback), the configuration folder's `tls/` for `https://`.
///
/// # Errors
/// Neither scheme, or an `https://` hub without the hall's CA at hand.
pub(crate) fn hub_tls(dir: &Path, hub: &str) -> Result<Option<TlsFiles>, &'static str> {
    if hub.starts_with("http://") {
        return Ok(None);
    }
    if !hub.starts_with("https://") {
        return Err("the hub's address starts with http:// or https://");
    }
    let files = TlsFiles::in_config(dir);
    match files.ca_cert.is_file() {
        true => Ok(Some(files)),
        false => Err(
            "an https:// hub needs the hall's CA in tls/ca.pem: copy it (and tls/client.*) from the folder where `yimen tls init` ran",
        ),
    }
}

#[derive(Clone)]
pub struct DeviceKey {
    pub name: String,
    pub kind: DeviceKind,
    pub secret: DeviceSecret,
    /// A kiosk with a person by it may issue green-channel tickets.
    pub priority: bool,
}

/// How the hub recognises a device's key.
#[derive(Clone, PartialEq, Eq)]
pub enum DeviceSecret {
    /// The key's SHA-256: a long random key is looked up at once.
    Sha256([u8; 32]),
    /// An argon2 hash: checked slowly, once, then remembered.
    Argon2(String),
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = match self.secret {
            DeviceSecret::Sha256(_) => "<sha256 redacted>",
            DeviceSecret::Argon2(_) => "<argon2 redacted>",
        };
        f.debug_struct("DeviceKey")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("secret", &secret)
            .field("priority", &self.priority)
            .finish()
    }
}

/// Limits on login attempts (`[logins]` in hall.toml), so that a flood
/// neither exhausts the hub nor locks out its clerks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Wrong PINs for one id one network address may send within the
    /// lockout time: fewer than `lockout_after`, so one address can never
    /// lock an id.
    pub failures_per_id: u32,
    /// Wrong PINs for any ids one address may send within the lockout time.
    pub failures_per_address: u32,
    /// PIN checks (argon2, 19 MiB each) running at once.
    pub pin_checks_at_once: usize,
    /// PIN checks waiting for their turn; more are refused at once.
    pub pin_checks_waiting: usize,
}

impl LoginLimits {
    /// The limits for a hall that locks an id after `lockout_after` wrong
    /// PINs: four failures per id and address, or one fewer than the
    /// lockout, and twenty per address; one PIN check at a time, so that
    /// the other cores of a small hub serve the hall, and 32 waiting.
    pub fn for_lockout(lockout_after: u32) -> Self {
        LoginLimits {
            failures_per_id: lockout_after.saturating_sub(1).clamp(1, 4),
            failures_per_address: 20,
            pin_checks_at_once: 1,
            pin_checks_waiting: 32,
        }
    }
}

/// Why a configuration folder was refused: every error found, not just the first.
#[derive(Debug, thiserror::Error)]
#[error("{} error(s) in {}:\n{}", .errors.len(), .dir.display(), list(.errors))]
pub struct ConfigError {
    pub dir: PathBuf,
    pub errors: Vec<Diagnostic>,
}

fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Config {
    /// Reads and validates the folder, returning the configuration with its
    /// warnings, such as demo credentials or a year without a calendar.
    ///
    /// # Errors
    /// Every error found, each with file, field and line.
    /// `today` decides which years need a calendar.
    pub fn load(dir: &Path, today: NaiveDate) -> Result<(Config, Vec<Diagnostic>), ConfigError> {
        let (config, diagnostics) = validate::load(dir, today);
        let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        match config {
            Some(config) if errors.is_empty() => Ok((config, warnings)),
            _ => Err(ConfigError {
                dir: dir.to_owned(),
                errors,
            }),
        }
    }

    pub fn guide(&self, code: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.code.0 == code)
    }

    /// The name of the department with this code; empty for an unknown one.
    pub fn department_name(&self, code: &str) -> String {
        self.departments
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    }
}
