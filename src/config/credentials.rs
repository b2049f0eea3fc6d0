//! The hall's credentials as configured: device keys, the limits on login
//! attempts, published demo credentials, and PINs too easy to guess.

use std::collections::HashMap;
use std::path::Path;

use super::diagnostic::{Diagnostic, Source};
use super::raw::{HallFile, LoginsSection};
use super::validate::HallCheck;
use super::{DeviceKey, DeviceKind, DeviceSecret, LoginLimits, secret};
use crate::domain::ids::StaffId;
use crate::domain::pin::{DEMO_PIN, trivial_pins};
use crate::domain::setup::QueueRules;

/// Most PIN checks a hall may run at once: each takes 19 MiB and a core.
const MAX_PIN_CHECKS_AT_ONCE: usize = 16;
/// Most PIN checks a hall may keep waiting.
const MAX_PIN_CHECKS_WAITING: usize = 4096;

impl HallCheck<'_> {
    pub(super) fn devices(&mut self, file: &HallFile) -> Vec<DeviceKey> {
        let mut devices: Vec<DeviceKey> = Vec::new();
        for (i, d) in file.devices.iter().enumerate() {
            let at = |field: &str| format!("devices[{i}].{field}");
            let kind = match d.kind.as_str() {
                "kiosk" => DeviceKind::Kiosk,
                "display" => DeviceKind::Display,
                other => {
                    self.error(at("kind"), format!("“{other}” is not kiosk or display"));
                    continue;
                }
            };
            if d.name.trim().is_empty() || devices.iter().any(|o| o.name == d.name) {
                self.error(at("name"), "each device needs a name of its own");
                continue;
            }
            let Some(secret) =
                self.device_secret(i, d.key_sha256.as_deref(), d.key_hash.as_deref())
            else {
                continue;
            };
            if d.priority && kind != DeviceKind::Kiosk {
                self.error(
                    at("priority"),
                    "only a kiosk issues tickets, green-channel or not",
                );
            }
            devices.push(DeviceKey {
                name: d.name.clone(),
                kind,
                secret,
                priority: d.priority,
            });
        }
        devices
    }

    /// The key's SHA-256 in hex, or (older halls) its argon2 hash: one of
    /// the two, well formed.
    fn device_secret(
        &mut self,
        i: usize,
        sha256: Option<&str>,
        argon2: Option<&str>,
    ) -> Option<DeviceSecret> {
        let make_one = "make one with `yimen hash-secret --device`";
        match (sha256, argon2) {
            (Some(hex), None) => {
                let digest = hex::decode(hex.trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
                if digest.is_none() {
                    self.error(
                        format!("devices[{i}].key_sha256"),
                        format!("not a SHA-256 in hex (64 characters 0-9, a-f): {make_one}"),
                    );
                }
                digest.map(DeviceSecret::Sha256)
            }
            (None, Some(hash)) if secret::is_well_formed(hash) => {
                Some(DeviceSecret::Argon2(hash.to_owned()))
            }
            (None, Some(_)) => {
                self.error(
                    format!("devices[{i}].key_hash"),
                    format!("not an argon2 hash: {make_one}"),
                );
                None
            }
            _ => {
                self.error(
                    format!("devices[{i}]"),
                    format!(
                        "give the key as key_sha256 (or, in older halls, key_hash): {make_one}"
                    ),
                );
                None
            }
        }
    }

    /// `[logins]`: each limit in its range, and an address's wrong PINs for
    /// one id fewer than the lockout, so that one address never locks it.
    pub(super) fn logins(&mut self, raw: &LoginsSection, rules: &QueueRules) -> LoginLimits {
        let d = LoginLimits::for_lockout(rules.lockout_after);
        let limits = LoginLimits {
            failures_per_id: raw.failures_per_id.unwrap_or(d.failures_per_id),
            failures_per_address: raw.failures_per_address.unwrap_or(d.failures_per_address),
            pin_checks_at_once: raw.pin_checks_at_once.unwrap_or(d.pin_checks_at_once),
            pin_checks_waiting: raw.pin_checks_waiting.unwrap_or(d.pin_checks_waiting),
        };
        if limits.failures_per_id == 0 || limits.failures_per_id >= rules.lockout_after {
            self.error(
                "logins.failures_per_id",
                format!(
                    "must be 1 to {}, fewer than rules.lockout_after ({}): otherwise a script on one address can lock a clerk out",
                    rules.lockout_after.saturating_sub(1),
                    rules.lockout_after
                ),
            );
        }
        if limits.failures_per_address == 0 {
            self.error("logins.failures_per_address", "must be 1 or more");
        }
        if !(1..=MAX_PIN_CHECKS_AT_ONCE).contains(&limits.pin_checks_at_once) {
            self.error(
                "logins.pin_checks_at_once",
                format!("must be 1 to {MAX_PIN_CHECKS_AT_ONCE}: each check takes 19 MiB"),
            );
        }
        if !(1..=MAX_PIN_CHECKS_WAITING).contains(&limits.pin_checks_waiting) {
            self.error(
                "logins.pin_checks_waiting",
                format!("must be 1 to {MAX_PIN_CHECKS_WAITING}"),
            );
        }
        limits
    }

    /// Demo credentials work only where the hall says it is a demo.
    pub(super) fn demo_credentials(
        &mut self,
        file: &HallFile,
        pins: &HashMap<StaffId, String>,
        devices: &[DeviceKey],
    ) {
        let staff: Vec<(usize, &str)> = file
            .staff
            .iter()
            .enumerate()
            .filter(|(_, s)| pins.contains_key(&StaffId(s.id.trim().to_owned())))
            .filter(|(_, s)| secret::verify(DEMO_PIN, &s.pin_hash))
            .map(|(i, s)| (i, s.id.as_str()))
            .collect();
        let keys: Vec<(usize, &str, &str)> = file
            .devices
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let key = devices.iter().find(|k| k.name == d.name)?;
                let field = match key.secret {
                    DeviceSecret::Sha256(_) => "key_sha256",
                    DeviceSecret::Argon2(_) => "key_hash",
                };
                is_demo_key(&key.secret).then_some((i, d.name.as_str(), field))
            })
            .collect();
        if !file.hall.demo_credentials {
            for (i, id) in staff {
                self.error(format!("staff[{i}].pin_hash"), format!("staff {id} has the published demo PIN, which this hall does not accept: set a real one"));
            }
            for (i, name, field) in keys {
                self.error(format!("devices[{i}].{field}"), format!("{name} has a published demo key, which this hall does not accept: set a real one"));
            }
            return;
        }
        if !staff.is_empty() || !keys.is_empty() {
            let staff: Vec<&str> = staff.iter().map(|(_, n)| *n).collect();
            let keys: Vec<&str> = keys.iter().map(|(_, n, _)| *n).collect();
            let d = self.source.warning(
                "hall.demo_credentials",
                format!(
                    "demo credentials are accepted — never in a real hall: the demo PIN of staff {}; the demo keys of {}",
                    staff.join("、"),
                    keys.join("、")
                ),
            );
            self.report.push(d);
        }
    }
}

fn is_demo_key(secret: &DeviceSecret) -> bool {
    secret::DEMO_KEYS.iter().any(|k| match secret {
        DeviceSecret::Sha256(digest) => secret::sha256(k) == *digest,
        DeviceSecret::Argon2(hash) => secret::verify(k, hash),
    })
}

/// An error for each staff member of `dir`'s hall.toml whose PIN hash hides
/// a trivial PIN: one digit repeated, or a run up or down, six to eight
/// long. The demo PIN is left to the demo-credentials check. Slow on
/// purpose — every candidate is an argon2 check — so `check-config` runs
/// it, spread over the machine's cores, and the hub does not.
pub fn trivial_pin_errors(dir: &Path) -> Vec<Diagnostic> {
    let Ok(source) = Source::read(dir, "hall.toml") else {
        return Vec::new();
    };
    let Ok(file) = source.parse::<HallFile>() else {
        return Vec::new();
    };
    let hashes: Vec<(usize, &str, &str)> = file
        .staff
        .iter()
        .enumerate()
        .filter(|(_, s)| secret::is_well_formed(&s.pin_hash))
        .map(|(i, s)| (i, s.id.as_str(), s.pin_hash.as_str()))
        .collect();
    let candidates = trivial_pins();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = hashes.len().div_ceil(threads).max(1);
    let found: Vec<(usize, &str)> = std::thread::scope(|scope| {
        let workers: Vec<_> = hashes
            .chunks(chunk)
            .map(|part| scope.spawn(|| trivial_in(part, &candidates)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    found
        .into_iter()
        .map(|(i, id)| {
            source.error(
                format!("staff[{i}].pin_hash"),
                format!("staff {id} has a PIN anyone would guess (one digit repeated, or a run such as 654321): set another"),
            )
        })
        .collect()
}

/// The staff of `part` whose hash matches a candidate, the demo PIN's
/// holders aside.
fn trivial_in<'a>(part: &[(usize, &'a str, &str)], candidates: &[String]) -> Vec<(usize, &'a str)> {
    part.iter()
        .filter(|(_, _, hash)| !secret::verify(DEMO_PIN, hash))
        .filter(|(_, _, hash)| candidates.iter().any(|pin| secret::verify(pin, hash)))
        .map(|(i, id, _)| (*i, *id))
        .collect()
}
