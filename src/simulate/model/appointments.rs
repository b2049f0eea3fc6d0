//! Who books ahead (预约) and how they keep their booking, drawn up front
//! from a stream of the seed's own, so that the day's citizens are the same
//! whatever the share: a share of 0 books nobody and leaves the day as it
//! was, and the citizens who book at a share are among those who book at
//! any larger one.
//!
//! A citizen of a queue that takes bookings, outside the green channel,
//! books with chance `share`, before the doors open, the free slot nearest
//! the time they would have come (within an hour of it; otherwise they
//! walk in as before). How they come, against the booked time:
//!
//! | share | comes |
//! |---|---|
//! | 15 % | 30–60 minutes early |
//! | 65 % | 0–30 minutes early |
//! | 10 % | 0–15 minutes late |
//! |  5 % | 15–45 minutes late: past a 15-minute window, a walk-in |
//! |  5 % | never (爽约) |
//!
//! each span drawn uniformly.

use super::{Citizen, Draw, MINUTE, Secs};
use crate::domain::ids::QueuePrefix;

/// The seed's stream for bookings: apart from the citizens' and the
/// 一件事 cases'.
const STREAM: u64 = 2;

/// How citizens come against their booked time: the chance of each span
/// of minutes (negative: early), the rest never coming.
const PUNCTUALITY: [(f64, (f64, f64)); 4] = [
    (0.15, (-60.0, -30.0)),
    (0.65, (-30.0, 0.0)),
    (0.10, (0.0, 15.0)),
    (0.05, (15.0, 45.0)),
];

/// When a citizen who books does so: before the doors open.
const BOOKING_HOURS: (Secs, Secs) = (0, 8 * 3600);

/// How far from the time they would have come a citizen takes a slot.
pub const NEAR: Secs = 60 * MINUTE;

/// How a citizen keeps a booking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Keeps {
    /// Comes this many seconds after the booked time (before it, when
    /// negative).
    Comes(Secs),
    Never,
}

/// A citizen's wish to book ahead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Intent {
    /// When they book, before the doors open.
    pub books_at: Secs,
    /// The time they would have walked in: the slot they look for is the
    /// nearest to it.
    pub around: Secs,
    pub keeps: Keeps,
}

/// The wish of each citizen, in their order: none for those who walk in.
pub fn intents(
    citizens: &[Citizen],
    bookable: &[QueuePrefix],
    share: f64,
    seed: u64,
) -> Vec<Option<Intent>> {
    let mut draw = Draw::stream(seed, STREAM);
    citizens
        .iter()
        .map(|c| {
            // Every draw is made whether or not the citizen books, so one
            // citizen's choice never shifts the next one's.
            let books = draw.chance(share);
            let books_at = draw.between(BOOKING_HOURS.0 as f64, BOOKING_HOURS.1 as f64);
            let keeps = keeps(&mut draw);
            (books && !c.priority && bookable.contains(&c.queue)).then_some(Intent {
                books_at: books_at as Secs,
                around: c.arrives,
                keeps,
            })
        })
        .collect()
}

fn keeps(draw: &mut Draw) -> Keeps {
    let u = draw.uniform();
    let within = draw.uniform();
    let mut left = u;
    for (chance, (from, to)) in PUNCTUALITY {
        if left < chance {
            let minutes = from + (to - from) * within;
            return Keeps::Comes((minutes * MINUTE as f64) as Secs);
        }
        left -= chance;
    }
    Keeps::Never
}

/// The slots to try, nearest to `around` first (the earlier of two as
/// near), within [`NEAR`] of it.
pub fn slots_to_try(starts: &[Secs], around: Secs) -> Vec<Secs> {
    let mut near: Vec<Secs> = starts
        .iter()
        .copied()
        .filter(|s| (s - around).abs() <= NEAR)
        .collect();
    near.sort_by_key(|s| ((s - around).abs(), *s));
    near
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ServiceCode;
    use crate::simulate::model::Visit;

    fn citizen(queue: char, priority: bool) -> Citizen {
        Citizen {
            arrives: 10 * 3600,
            queue: QueuePrefix::new(queue).unwrap(),
            service: ServiceCode::from("S-1"),
            priority,
            absent: false,
            walk: 30,
            service_secs: 600,
            visit: Visit::Enquiry,
            rating: None,
        }
    }

    #[test]
    fn nobody_books_at_share_zero_and_a_larger_share_keeps_the_smaller_ones_bookers() {
        let citizens: Vec<Citizen> = (0..2000)
            .map(|i| citizen(if i % 2 == 0 { 'A' } else { 'B' }, i % 25 == 0))
            .collect();
        let a = [QueuePrefix::new('A').unwrap()];
        assert!(intents(&citizens, &a, 0.0, 1).iter().all(Option::is_none));
        let some = intents(&citizens, &a, 0.3, 1);
        let more = intents(&citizens, &a, 0.6, 1);
        for (i, (s, m)) in some.iter().zip(&more).enumerate() {
            assert!(s.is_none() || s == m, "citizen {i}");
            if s.is_some() {
                assert_eq!(citizens[i].queue, a[0], "only a bookable queue");
                assert!(!citizens[i].priority, "the green channel walks in");
            }
        }
        let booked = some.iter().flatten().count() as f64;
        let eligible = citizens
            .iter()
            .filter(|c| c.queue == a[0] && !c.priority)
            .count() as f64;
        assert!((booked / eligible - 0.3).abs() < 0.04, "{booked}");
    }

    #[test]
    fn citizens_come_as_the_table_says() {
        let mut draw = Draw::new(5);
        let n = 20_000;
        let drawn: Vec<Keeps> = (0..n).map(|_| keeps(&mut draw)).collect();
        let share = |f: &dyn Fn(Secs) -> bool| {
            drawn
                .iter()
                .filter(|k| matches!(k, Keeps::Comes(s) if f(*s)))
                .count() as f64
                / f64::from(n)
        };
        let never = drawn.iter().filter(|k| **k == Keeps::Never).count() as f64 / f64::from(n);
        assert!((never - 0.05).abs() < 0.01, "{never}");
        assert!((share(&|s| s < -30 * MINUTE) - 0.15).abs() < 0.01);
        assert!((share(&|s| s > 15 * MINUTE) - 0.05).abs() < 0.01);
        assert!(share(&|s| !(-60 * MINUTE..=45 * MINUTE).contains(&s)) == 0.0);
    }

    #[test]
    fn the_nearest_slot_is_tried_first_and_none_beyond_an_hour() {
        let h = |hh: i64, mm: i64| hh * 3600 + mm * MINUTE;
        let starts = [h(9, 0), h(9, 30), h(10, 0), h(10, 30), h(13, 30)];
        assert_eq!(
            slots_to_try(&starts, h(9, 45)),
            [h(9, 30), h(10, 0), h(9, 0), h(10, 30)]
        );
        assert!(slots_to_try(&starts, h(12, 0)).is_empty());
        assert_eq!(slots_to_try(&starts, h(12, 31)), [h(13, 30)]);
    }
}
