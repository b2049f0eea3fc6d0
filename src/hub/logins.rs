//! A PIN put to the test, at login or when a clerk changes theirs, as one
//! attempt that cannot be raced:
//!
//! 1. the address takes a place from the [`AddressThrottle`], or is told
//!    to come back later (429) before anything else is done;
//! 2. the attempt takes the id's turn: attempts on one id run one after
//!    another, each seeing the last one's committed outcome;
//! 3. a locked id is answered 423 at once, whatever the PIN;
//! 4. the PIN is checked by argon2 in the [`Argon2Pool`] — against a fixed
//!    dummy hash for an id the hall does not have, so both cost the same;
//! 5. a wrong PIN is recorded (and may lock the id) before the turn passes
//!    on; a right one runs the caller's command in the writer, still in
//!    the turn.
//!
//! So however many guesses arrive together, at most `lockout_after` of
//! them are ever checked before the lock, and none after it.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Hub;
use super::error::HubError;
use super::throttle::{AddressThrottle, Argon2Pool, RetryAfter};
use super::writer::Batch;
use crate::config::{Config, secret};
use crate::domain::error::QueueError;
use crate::domain::ids::{Actor, StaffId};
use crate::domain::pin::MAX_PIN_CHARS;

/// The argon2 hash of a secret nobody knows, with the parameters of the
/// hall's own hashes: what an unknown id's PIN is checked against.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$TIwXvKxNhjZaPq5Sl9JVmA$ar8v1p3SIM+CZ1b11Ra2c9HYYL3rKYl49aN0DTXa8aU";

/// What stands between a PIN and its check.
pub struct Logins {
    /// Wrong PINs per address and id, over the lockout time.
    throttle: AddressThrottle,
    /// Argon2 checks and hashing, a few at a time.
    checks: Argon2Pool,
    /// One attempt at a time per staff id the hall has.
    turns: HashMap<StaffId, tokio::sync::Mutex<()>>,
}

impl Logins {
    pub fn new(config: &Config) -> Self {
        let limits = &config.logins;
        Self {
            throttle: AddressThrottle::new(
                limits.failures_per_address,
                limits.failures_per_id,
                config.setup.rules.lockout_for,
            ),
            checks: Argon2Pool::new(limits.pin_checks_at_once, limits.pin_checks_waiting),
            turns: config
                .setup
                .staff
                .iter()
                .map(|s| (s.id.clone(), tokio::sync::Mutex::new(())))
                .collect(),
        }
    }
}

impl Hub {
    /// Puts `pin` to the test as `staff`'s, from `address`; if it is right,
    /// runs `on_right` in the writer before the next attempt on the id.
    ///
    /// # Errors
    /// `wrong` for a wrong PIN or an unknown id; `StaffLocked` for a locked
    /// id; `TooManyWrongPins` or `Busy` from the brakes; `on_right`'s own.
    pub async fn attempt_pin<R: Send + 'static>(
        &self,
        address: IpAddr,
        staff: &StaffId,
        pin: String,
        wrong: QueueError,
        on_right: impl FnOnce(&mut Batch<'_>) -> Result<R, HubError> + Send + 'static,
    ) -> Result<R, HubError> {
        let reservation = self
            .logins
            .throttle
            .reserve(address, Some(staff), self.clock.now())
            .map_err(|RetryAfter(retry_after)| HubError::TooManyWrongPins { retry_after })?;
        let _turn = match self.logins.turns.get(staff) {
            Some(turn) => Some(turn.lock().await),
            None => None,
        };
        let known = match self.hall().may_try_login(staff, self.clock.now()) {
            Ok(_) => true,
            Err(QueueError::WrongPin) => false,
            Err(refused) => return Err(refused.into()),
        };
        // Too long to be anyone's PIN: wrong without hashing, after the
        // lock so that a locked id still answers the same.
        if pin.chars().count() > MAX_PIN_CHARS {
            return Err(wrong.into());
        }
        let hash = known
            .then(|| self.pin_hash(staff))
            .flatten()
            .unwrap_or_else(|| DUMMY_HASH.to_owned());
        let right = self
            .logins
            .checks
            .run(move || secret::verify(&pin, &hash))
            .await?;
        if !(right && known) {
            if known {
                let (id, actor) = (staff.clone(), Actor::Staff(staff.clone()));
                self.writer
                    .submit(move |batch| {
                        let events = batch.hall().login_failed(&id, batch.now());
                        batch.record(&actor, events)
                    })
                    .await?;
            }
            reservation.failed(self.clock.now());
            return Err(wrong.into());
        }
        let answer = self.writer.submit(on_right).await;
        reservation.succeeded();
        answer
    }

    /// Forgets the wrong PINs every address sent for `staff`, once a
    /// supervisor has unlocked the id.
    pub fn forgive_failures(&self, staff: &StaffId) {
        self.logins.throttle.forgive(staff);
    }

    /// The hash `staff`'s PIN is checked against: the one they chose, or
    /// else hall.toml's.
    fn pin_hash(&self, staff: &StaffId) -> Option<String> {
        let chosen = self.hall().chosen_pin(staff).map(str::to_owned);
        chosen.or_else(|| self.config.pins.get(staff).cloned())
    }

    /// An argon2 hash of a new PIN, made in the pool's turn.
    ///
    /// # Errors
    /// `Busy` when the pool is full; `Internal` if hashing failed.
    pub async fn hash_pin(&self, pin: String) -> Result<String, HubError> {
        self.logins
            .checks
            .run(move || secret::hash(&pin))
            .await?
            .map_err(|e| HubError::Internal(format!("hashing a PIN: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_well_formed_and_as_costly_as_the_halls() {
        assert!(secret::is_well_formed(DUMMY_HASH));
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!secret::verify("123456", DUMMY_HASH));
        assert!(!secret::verify("", DUMMY_HASH));
    }
}
