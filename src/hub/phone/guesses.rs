//! The brake on guessing the last four characters of a case's applicant:
//! wrong guesses counted per case number (from every address) and per
//! network address (for every case) over a sliding window. At a limit, the
//! next attempt is refused before anything is checked, so a script learns
//! nothing more, and one phone cannot try case after case.
//!
//! Each attempt is checked and counted under one lock, so a burst of
//! guesses sent together gets no further than the limit. A right answer
//! counts nothing. Ten thousand endings of a phone number at
//! [`PER_CASE`] an hour take the better part of six weeks.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use super::super::throttle::{RetryAfter, network_of};
use crate::domain::ids::Timestamp;

/// Wrong guesses one case number takes within [`WINDOW_MINUTES`], from
/// every address together.
pub const PER_CASE: usize = 10;
/// Wrong guesses one address may make within [`WINDOW_MINUTES`], for any
/// cases.
pub const PER_ADDRESS: usize = 20;
pub const WINDOW_MINUTES: i64 = 60;
/// Keys remembered at most, per kind; past this the oldest are forgotten.
const MAX_KEYS: usize = 10_000;

/// Recent wrong guesses, oldest first, per key.
struct Failures<K> {
    limit: usize,
    recent: HashMap<K, VecDeque<Timestamp>>,
}

impl<K: std::hash::Hash + Eq + Clone> Failures<K> {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            recent: HashMap::new(),
        }
    }

    /// The seconds until `key` may try again, if it is at its limit.
    fn wait(&mut self, key: &K, now: Timestamp, window: chrono::Duration) -> Option<u64> {
        let since = now - window;
        let times = self.recent.get_mut(key)?;
        while times.front().is_some_and(|at| *at <= since) {
            times.pop_front();
        }
        let oldest = *times.front()?;
        (times.len() >= self.limit).then(|| {
            let seconds = (oldest + window - now).num_seconds() + 1;
            u64::try_from(seconds).unwrap_or(1).max(1)
        })
    }

    fn record(&mut self, key: K, now: Timestamp, window: chrono::Duration) {
        if self.recent.len() >= MAX_KEYS && !self.recent.contains_key(&key) {
            let since = now - window;
            self.recent
                .retain(|_, times| times.back().is_some_and(|at| *at > since));
            if self.recent.len() >= MAX_KEYS {
                self.recent.clear();
            }
        }
        self.recent.entry(key).or_default().push_back(now);
    }
}

/// Wrong guesses per case number and per address.
pub struct Guesses {
    window: chrono::Duration,
    counts: Mutex<(Failures<String>, Failures<IpAddr>)>,
}

impl Default for Guesses {
    fn default() -> Self {
        Self::new(
            PER_CASE,
            PER_ADDRESS,
            chrono::Duration::minutes(WINDOW_MINUTES),
        )
    }
}

impl Guesses {
    pub fn new(per_case: usize, per_address: usize, window: chrono::Duration) -> Self {
        Self {
            window,
            counts: Mutex::new((Failures::new(per_case), Failures::new(per_address))),
        }
    }

    /// Puts one guess for `case` from `address` to `right`, unless either
    /// is at its limit; a wrong one is counted against both.
    ///
    /// # Errors
    /// The seconds until a guess is taken again.
    pub fn attempt(
        &self,
        address: IpAddr,
        case: &str,
        now: Timestamp,
        right: impl FnOnce() -> bool,
    ) -> Result<bool, RetryAfter> {
        let address = network_of(address);
        let case = case.to_owned();
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (by_case, by_address) = &mut *counts;
        let wait =
            by_case
                .wait(&case, now, self.window)
                .max(by_address.wait(&address, now, self.window));
        if let Some(seconds) = wait {
            return Err(RetryAfter(seconds));
        }
        let right = right();
        if !right {
            by_case.record(case, now, self.window);
            by_address.record(address, now, self.window);
        }
        Ok(right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        "2026-03-02T02:00:00Z".parse::<Timestamp>().unwrap() + chrono::Duration::minutes(minute)
    }

    #[test]
    fn a_case_takes_so_many_wrong_guesses_from_all_addresses_then_waits() {
        let guesses = Guesses::new(3, 100, chrono::Duration::minutes(60));
        for i in 0..3u8 {
            let phone = IpAddr::from([10, 0, 0, i]);
            assert_eq!(
                guesses.attempt(phone, "202603020001", at(0), || false),
                Ok(false)
            );
        }
        let other = IpAddr::from([10, 0, 0, 9]);
        assert_eq!(
            guesses.attempt(other, "202603020001", at(1), || true),
            Err(RetryAfter(59 * 60 + 1)),
            "even the right answer waits: nothing is checked"
        );
        assert_eq!(
            guesses.attempt(other, "202603020002", at(1), || false),
            Ok(false)
        );
        assert_eq!(
            guesses.attempt(other, "202603020001", at(61), || true),
            Ok(true)
        );
    }

    #[test]
    fn an_address_takes_so_many_wrong_guesses_over_all_cases_and_right_ones_cost_nothing() {
        let guesses = Guesses::new(100, 2, chrono::Duration::minutes(60));
        let phone = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..5 {
            assert_eq!(
                guesses.attempt(phone, "202603020001", at(0), || true),
                Ok(true)
            );
        }
        assert_eq!(
            guesses.attempt(phone, "202603020002", at(0), || false),
            Ok(false)
        );
        assert_eq!(
            guesses.attempt(phone, "202603020003", at(0), || false),
            Ok(false)
        );
        assert!(
            guesses
                .attempt(phone, "202603020001", at(0), || true)
                .is_err()
        );
        let neighbour = IpAddr::from([10, 0, 0, 2]);
        assert_eq!(
            guesses.attempt(neighbour, "202603020004", at(0), || false),
            Ok(false)
        );
    }
}
