//! Two brakes on guessing secrets: how many wrong ones a network address
//! may send, and how much argon2 work runs at once.
//!
//! [`AddressThrottle`] counts each address's wrong secrets over a window
//! (for PINs, the lockout time), for each id and in all: an address at a
//! limit is answered 429 with `Retry-After` before any work is done.
//! Attempts still being checked count too, so a thousand at once from one
//! address get no further than the limit. With fewer allowed per id than
//! the lockout needs, a script on one address can never lock an id,
//! however long it runs: the lockout counts the failures within its own
//! window of the first, and no window holds more than the limit from one
//! address. A clerk's typos at one id leave the other ids of that address
//! alone, and a right secret forgives the address's failures for its id.
//!
//! [`Argon2Pool`] runs argon2 (19 MiB and tens of milliseconds each) on a
//! fixed number of blocking threads; a bounded number of checks wait for a
//! turn, a bounded time, and the rest are refused at once with 503.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::HubError;
use crate::domain::ids::{StaffId, Timestamp};

/// Addresses remembered at most; past this, those with nothing in flight
/// are forgotten.
const MAX_ADDRESSES: usize = 10_000;
/// How long a check waits for its turn before it is refused.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// One address's recent wrong secrets and attempts in flight, each with
/// the id it was for (none for a device key).
#[derive(Default)]
struct Record {
    /// Attempts reserved and not yet settled.
    pending: Vec<Option<StaffId>>,
    /// When each recent failure came, oldest first.
    failures: VecDeque<(Timestamp, Option<StaffId>)>,
}

impl Record {
    fn forget_before(&mut self, since: Timestamp) {
        while self.failures.front().is_some_and(|(at, _)| *at <= since) {
            self.failures.pop_front();
        }
    }

    /// Places taken, and the oldest failure among them: for the whole
    /// address, or for one id.
    fn used(&self, id: Option<Option<&StaffId>>) -> (usize, Option<Timestamp>) {
        let mine = |s: &Option<StaffId>| id.is_none_or(|id| s.as_ref() == id);
        let pending = self.pending.iter().filter(|s| mine(s)).count();
        let failures: Vec<Timestamp> = self
            .failures
            .iter()
            .filter(|(_, s)| mine(s))
            .map(|(at, _)| *at)
            .collect();
        (pending + failures.len(), failures.first().copied())
    }
}

/// Why an attempt was refused: come back in this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Wrong secrets per network address within a sliding window: so many for
/// one id, so many in all.
pub struct AddressThrottle {
    per_address: usize,
    per_id: usize,
    window: chrono::Duration,
    addresses: Mutex<HashMap<IpAddr, Record>>,
}

impl AddressThrottle {
    /// At most `per_id` wrong secrets (and attempts in flight) for one id
    /// and `per_address` in all, per address within any `window`.
    pub fn new(per_address: u32, per_id: u32, window: chrono::Duration) -> Self {
        let places = |n: u32| usize::try_from(n).unwrap_or(usize::MAX).max(1);
        Self {
            per_address: places(per_address),
            per_id: places(per_id),
            window,
            addresses: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a place for one attempt from `address` for `id`.
    ///
    /// # Errors
    /// The seconds until a place frees, when the address has used its
    /// places for the id or in all.
    pub fn reserve(
        &self,
        address: IpAddr,
        id: Option<&StaffId>,
        now: Timestamp,
    ) -> Result<Reservation<'_>, RetryAfter> {
        let address = network_of(address);
        let since = now - self.window;
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if addresses.len() >= MAX_ADDRESSES && !addresses.contains_key(&address) {
            addresses.retain(|_, r| {
                r.forget_before(since);
                !r.pending.is_empty() || !r.failures.is_empty()
            });
            if addresses.len() >= MAX_ADDRESSES {
                addresses.retain(|_, r| !r.pending.is_empty());
            }
        }
        let record = addresses.entry(address).or_default();
        record.forget_before(since);
        for (limit, scope) in [(self.per_address, None), (self.per_id, Some(id))] {
            let (used, oldest) = record.used(scope);
            if used >= limit {
                let seconds = oldest.map_or(1, |at| (at + self.window - now).num_seconds() + 1);
                return Err(RetryAfter(u64::try_from(seconds).unwrap_or(1).max(1)));
            }
        }
        record.pending.push(id.cloned());
        Ok(Reservation {
            throttle: self,
            address,
            id: id.cloned(),
            settled: false,
        })
    }

    /// Forgets every address's failures for `staff`.
    pub fn forgive(&self, staff: &StaffId) {
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        for record in addresses.values_mut() {
            record.failures.retain(|(_, s)| s.as_ref() != Some(staff));
        }
    }

    fn settle(&self, address: IpAddr, id: &Option<StaffId>, change: impl FnOnce(&mut Record)) {
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(record) = addresses.get_mut(&address) {
            if let Some(at) = record.pending.iter().position(|s| s == id) {
                record.pending.swap_remove(at);
            }
            change(record);
        }
    }
}

/// IPv4 addresses one by one; IPv6 by their /64, which one host may fill.
pub(super) fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

/// One attempt's place. Dropped unsettled (refused for another reason, or
/// the client went away), it frees its place and counts nothing.
pub struct Reservation<'a> {
    throttle: &'a AddressThrottle,
    address: IpAddr,
    id: Option<StaffId>,
    settled: bool,
}

impl Reservation<'_> {
    /// The secret was wrong, found so at `now`.
    pub fn failed(mut self, now: Timestamp) {
        self.settled = true;
        let id = self.id.take();
        self.throttle.settle(self.address, &id, |r| {
            r.failures.push_back((now, id.clone()))
        });
    }

    /// The secret was right: the address's failures for this id are
    /// forgiven.
    pub fn succeeded(mut self) {
        self.settled = true;
        let id = self.id.take();
        self.throttle.settle(self.address, &id, |r| {
            if id.is_some() {
                r.failures.retain(|(_, s)| *s != id);
            }
        });
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle.settle(self.address, &self.id, |_| {});
        }
    }
}

/// Argon2 work, a few at a time.
pub struct Argon2Pool {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Argon2Pool {
    /// `at_once` checks run together; `max_waiting` more may wait.
    pub fn new(at_once: usize, max_waiting: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// A turn to run argon2, held until the work is done.
    ///
    /// # Errors
    /// `Busy` when too many already wait, or the wait is too long.
    pub async fn turn(&self) -> Result<OwnedSemaphorePermit, HubError> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(HubError::Busy);
        }
        let turn = tokio::time::timeout(MAX_WAIT, self.permits.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match turn {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(HubError::Busy),
        }
    }

    /// Runs `work` on a blocking thread in its turn. The turn goes with the
    /// work, so a client that leaves early frees it only when the work ends.
    ///
    /// # Errors
    /// `Busy` as for [`Argon2Pool::turn`]; `Internal` if the work panicked.
    pub async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, HubError> {
        let permit = self.turn().await?;
        Self::run_in(permit, work).await
    }

    /// Runs `work` in a turn already taken.
    ///
    /// # Errors
    /// `Internal` if the work panicked.
    pub async fn run_in<R: Send + 'static>(
        permit: OwnedSemaphorePermit,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, HubError> {
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            work()
        })
        .await
        .map_err(|e| HubError::Internal(format!("argon2 check: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        "2026-03-02T02:00:00Z".parse::<Timestamp>().unwrap() + chrono::Duration::seconds(secs)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn id(s: &str) -> StaffId {
        StaffId(s.into())
    }

    const FIFTEEN: chrono::Duration = chrono::Duration::minutes(15);

    #[test]
    fn an_address_gets_its_places_in_flight_and_then_none() {
        let throttle = AddressThrottle::new(20, 4, FIFTEEN);
        let me = id("1001");
        let held: Vec<_> = (0..4)
            .map(|_| throttle.reserve(ip("10.0.0.7"), Some(&me), at(0)).unwrap())
            .collect();
        let refused = throttle.reserve(ip("10.0.0.7"), Some(&me), at(0));
        assert_eq!(refused.err(), Some(RetryAfter(1)));
        assert!(
            throttle
                .reserve(ip("10.0.0.7"), Some(&id("1002")), at(0))
                .is_ok()
        );
        assert!(throttle.reserve(ip("10.0.0.8"), Some(&me), at(0)).is_ok());
        drop(held);
        assert!(
            throttle.reserve(ip("10.0.0.7"), Some(&me), at(0)).is_ok(),
            "unsettled places come back"
        );
    }

    #[test]
    fn failures_hold_their_place_for_the_window() {
        let throttle = AddressThrottle::new(20, 2, FIFTEEN);
        let me = id("1001");
        let fail = |secs| {
            throttle
                .reserve(ip("10.0.0.7"), Some(&me), at(secs))
                .unwrap()
                .failed(at(secs))
        };
        fail(0);
        fail(60);
        let refused = throttle.reserve(ip("10.0.0.7"), Some(&me), at(120));
        assert_eq!(refused.err(), Some(RetryAfter(900 - 120 + 1)));
        assert!(
            throttle
                .reserve(ip("10.0.0.7"), Some(&me), at(899))
                .is_err()
        );
        fail(900);
        assert!(
            throttle
                .reserve(ip("10.0.0.7"), Some(&me), at(901))
                .is_err()
        );
    }

    #[test]
    fn an_address_has_a_limit_over_every_id() {
        let throttle = AddressThrottle::new(3, 2, FIFTEEN);
        for (i, who) in ["7001", "7002", "7003"].into_iter().enumerate() {
            let secs = i64::try_from(i).unwrap();
            throttle
                .reserve(ip("10.0.0.7"), Some(&id(who)), at(secs))
                .unwrap()
                .failed(at(secs));
        }
        let refused = throttle.reserve(ip("10.0.0.7"), Some(&id("7004")), at(10));
        assert_eq!(refused.err(), Some(RetryAfter(900 - 10 + 1)));
    }

    #[test]
    fn a_right_pin_forgives_that_ids_failures_only() {
        let throttle = AddressThrottle::new(3, 3, FIFTEEN);
        let (mine, theirs) = (id("1001"), id("1002"));
        let place = |who| throttle.reserve(ip("10.0.0.7"), Some(who), at(0)).unwrap();
        place(&mine).failed(at(0));
        place(&theirs).failed(at(1));
        place(&mine).succeeded();
        // One failure left (for 1002): two places free.
        let (a, b) = (place(&mine), place(&mine));
        assert!(
            throttle
                .reserve(ip("10.0.0.7"), Some(&mine), at(3))
                .is_err()
        );
        drop((a, b));
        throttle.forgive(&theirs);
        let all: Vec<_> = (0..3).map(|_| place(&mine)).collect();
        assert_eq!(all.len(), 3);
    }

    #[test]
    fn ipv6_hosts_are_counted_by_their_network() {
        assert_eq!(
            network_of(ip("2001:db8::1")),
            network_of(ip("2001:db8::ffff:1"))
        );
        assert_ne!(network_of(ip("2001:db8::1")), network_of(ip("2001:db9::1")));
        assert_eq!(network_of(ip("::ffff:10.0.0.7")), ip("10.0.0.7"));
    }

    #[tokio::test]
    async fn the_pool_runs_a_few_and_refuses_past_its_queue() {
        let pool = Arc::new(Argon2Pool::new(1, 1));
        let running = pool.turn().await.unwrap();
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move { pool.turn().await.map(|_| ()) }
        });
        while pool.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.turn().await, Err(HubError::Busy)));
        drop(running);
        assert!(waiter.await.unwrap().is_ok());
    }
}
