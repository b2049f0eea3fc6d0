//! The wait estimate printed on tickets and shown per queue.
//!
//! `wait = (ahead + busy) × S / c`, rounded up to whole minutes, where
//! - `ahead` is the number of people who will be called first from the line,
//! - `busy` is 1 when every open counter serving the queue has someone at
//!   it: then even the first in line waits for a service to end, which at
//!   `c` counters' worth of capacity takes `S / c` on average, as the
//!   next of `ahead` services does; 0 when a counter is free to call,
//! - `S` is the mean of the queue's last `estimate_window` services today
//!   (call to finish, so walking up and recalls count), or the queue's
//!   configured `default_service_minutes` until three services have finished,
//! - `c` is the queue's share of counters. A counter calls first come, first
//!   served across all its queues, so its time divides between them as their
//!   lines do: an open counter serving the queue adds
//!   `(ahead + 1) / (ahead + 1 + people waiting in its other queues)`. Before
//!   any counter opens, every counter configured for the queue counts as open.

use super::hall::Hall;
use super::ids::QueuePrefix;
use super::setup::CounterSetup;

/// Services a queue must finish before its own mean replaces the default.
const MIN_SAMPLES: usize = 3;

/// Minutes to wait with `ahead` people in front, each taking `service_secs`
/// on average, at `counters` counters' worth of capacity.
pub fn wait_minutes(ahead: usize, service_secs: f64, counters: f64) -> u32 {
    if ahead == 0 {
        return 0;
    }
    let seconds = ahead as f64 * service_secs / counters.max(0.1);
    (seconds / 60.0).ceil().min(f64::from(u32::MAX)) as u32
}

impl Hall {
    /// Mean seconds per service in the queue, from today's figures once there
    /// are enough of them.
    pub fn service_secs(&self, queue: QueuePrefix) -> f64 {
        let default = self
            .setup
            .queue(queue)
            .map_or(600.0, |q| q.default_service_minutes * 60.0);
        match self.queues.get(&queue) {
            Some(q) if q.recent_service.len() >= MIN_SAMPLES => {
                q.recent_service.iter().sum::<f64>() / q.recent_service.len() as f64
            }
            _ => default,
        }
    }

    /// The queue's share of counters for someone with `ahead` people in front
    /// of them: open counters if any are open, else all configured for it.
    pub fn counter_share(&self, queue: QueuePrefix, ahead: usize) -> f64 {
        let load = ahead as f64 + 1.0;
        let waiting = |q: &QueuePrefix| self.queues.get(q).map_or(0, |d| d.line.len()) as f64;
        let share = |c: &CounterSetup| {
            let others: f64 = c.queues.iter().filter(|q| **q != queue).map(waiting).sum();
            load / (load + others)
        };
        let serving = || {
            self.setup
                .counters
                .iter()
                .filter(move |c| c.queues.contains(&queue))
        };
        let open: f64 = serving()
            .filter(|c| self.counters.get(&c.number).is_some_and(|c| c.is_open()))
            .map(share)
            .sum();
        if open > 0.0 {
            open
        } else {
            serving().map(share).sum()
        }
    }

    /// Whether counters serve the queue and every open one has a citizen
    /// called or at the desk, so that nobody is called before one finishes.
    pub fn counters_busy(&self, queue: QueuePrefix) -> bool {
        let mut open = self
            .setup
            .counters
            .iter()
            .filter(|c| c.queues.contains(&queue))
            .filter_map(|c| self.counters.get(&c.number))
            .filter(|c| c.is_open())
            .peekable();
        open.peek().is_some() && open.all(|c| c.current.is_some())
    }

    /// Minutes a ticket with `ahead` people in front of it in `queue` waits.
    pub fn estimate_wait(&self, queue: QueuePrefix, ahead: usize) -> u32 {
        wait_minutes(
            ahead + usize::from(self.counters_busy(queue)),
            self.service_secs(queue),
            self.counter_share(queue, ahead),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_ahead_means_no_wait() {
        assert_eq!(wait_minutes(0, 600.0, 1.0), 0);
    }

    #[test]
    fn more_counters_shorten_the_wait() {
        assert_eq!(wait_minutes(6, 300.0, 1.0), 30);
        assert_eq!(wait_minutes(6, 300.0, 2.0), 15);
        assert_eq!(wait_minutes(6, 300.0, 1.5), 20);
    }

    #[test]
    fn partial_minutes_round_up() {
        assert_eq!(wait_minutes(1, 61.0, 1.0), 2);
    }

    #[test]
    fn no_capacity_still_gives_a_finite_figure() {
        assert_eq!(wait_minutes(1, 60.0, 0.0), 10);
    }
}
