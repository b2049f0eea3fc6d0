//! The report's ticket and rating tables, as pure functions over rows.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Timelike};
use chrono_tz::Tz;

use crate::domain::ids::{QueuePrefix, Timestamp};
use crate::domain::rating::BAD_REVIEW;
use crate::domain::ticket::TicketState;
use crate::store::period::{RatingRow, TicketRow};

/// How a set of durations in minutes spreads.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub count: u32,
    /// None for an empty set.
    pub mean: Option<f64>,
    /// The 90th percentile by nearest rank: the smallest value that at least
    /// 90 % of the set do not exceed.
    pub p90: Option<f64>,
    pub max: Option<f64>,
}

impl Spread {
    pub fn of(mut minutes: Vec<f64>) -> Self {
        minutes.sort_by(f64::total_cmp);
        let count = minutes.len();
        if count == 0 {
            return Self::default();
        }
        // Nearest rank: ⌈0.9 n⌉, counted from 1.
        let rank = (count * 9).div_ceil(10);
        Self {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            mean: Some(minutes.iter().sum::<f64>() / count as f64),
            p90: minutes.get(rank.saturating_sub(1)).copied(),
            max: minutes.last().copied(),
        }
    }
}

/// Minutes from `from` to `to`.
fn minutes(from: Timestamp, to: Timestamp) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

/// The wait of a ticket that was called: issue to (last) call.
fn wait(t: &TicketRow) -> Option<f64> {
    t.called_at.map(|called| minutes(t.issued_at, called))
}

/// Tickets issued in one local hour of the day, over every day of the period.
#[derive(Clone, Debug, PartialEq)]
pub struct HourWaits {
    /// 0–23 in the hall's zone.
    pub hour: u32,
    pub issued: u32,
    /// Waits of those that were called.
    pub waits: Spread,
}

/// Waiting time by the local hour the ticket was issued, for every hour
/// with a ticket.
pub fn waits_by_hour(tickets: &[TicketRow], zone: Tz) -> Vec<HourWaits> {
    let mut hours: BTreeMap<u32, (u32, Vec<f64>)> = BTreeMap::new();
    for t in tickets {
        let hour = t.issued_at.with_timezone(&zone).hour();
        let entry = hours.entry(hour).or_default();
        entry.0 += 1;
        entry.1.extend(wait(t));
    }
    hours
        .into_iter()
        .map(|(hour, (issued, waits))| HourWaits {
            hour,
            issued,
            waits: Spread::of(waits),
        })
        .collect()
}

/// Service time, call to finish, of finished tickets grouped by `key` (the
/// counter, the staff member).
pub fn service_by<K: Ord>(
    tickets: &[TicketRow],
    key: impl Fn(&TicketRow) -> Option<K>,
) -> Vec<(K, Spread)> {
    let mut groups: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for t in tickets.iter().filter(|t| t.state == TicketState::Finished) {
        if let (Some(k), Some(called), Some(finished)) = (key(t), t.called_at, t.finished_at) {
            groups.entry(k).or_default().push(minutes(called, finished));
        }
    }
    groups
        .into_iter()
        .map(|(k, times)| (k, Spread::of(times)))
        .collect()
}

/// One queue over the period.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueDay {
    pub queue: QueuePrefix,
    pub issued: u32,
    pub finished: u32,
    /// Called, recalled, and never came (过号).
    pub no_shows: u32,
    /// Never called: expired at the day's end, or still waiting.
    pub unserved: u32,
}

impl QueueDay {
    /// No-shows as a percentage of tickets issued.
    pub fn no_show_rate(&self) -> Option<f64> {
        percent(self.no_shows, self.issued)
    }
}

/// `part` of `whole` in percent; none of nothing.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// Tickets per queue, by the queue each was in last.
pub fn queues(tickets: &[TicketRow]) -> Vec<QueueDay> {
    let mut queues: BTreeMap<QueuePrefix, QueueDay> = BTreeMap::new();
    for t in tickets {
        let q = queues.entry(t.queue).or_insert(QueueDay {
            queue: t.queue,
            issued: 0,
            finished: 0,
            no_shows: 0,
            unserved: 0,
        });
        q.issued += 1;
        match t.state {
            TicketState::Finished => q.finished += 1,
            TicketState::NoShow => q.no_shows += 1,
            TicketState::Waiting | TicketState::Expired => q.unserved += 1,
            TicketState::Called | TicketState::Serving => {}
        }
    }
    queues.into_values().collect()
}

/// One business day of the period.
#[derive(Clone, Debug, PartialEq)]
pub struct DaySummary {
    pub day: NaiveDate,
    pub issued: u32,
    pub finished: u32,
    pub no_shows: u32,
    pub waits: Spread,
}

/// One line per business day that issued tickets.
pub fn days(tickets: &[TicketRow]) -> Vec<DaySummary> {
    let mut days: BTreeMap<NaiveDate, (DaySummary, Vec<f64>)> = BTreeMap::new();
    for t in tickets {
        let (day, waits) = days.entry(t.day).or_insert_with(|| {
            let summary = DaySummary {
                day: t.day,
                issued: 0,
                finished: 0,
                no_shows: 0,
                waits: Spread::default(),
            };
            (summary, Vec::new())
        });
        day.issued += 1;
        day.finished += u32::from(t.state == TicketState::Finished);
        day.no_shows += u32::from(t.state == TicketState::NoShow);
        waits.extend(wait(t));
    }
    days.into_values()
        .map(|(mut day, waits)| {
            day.waits = Spread::of(waits);
            day
        })
        .collect()
}

/// Ratings per score; index 0 is score 1.
pub fn scores(ratings: &[RatingRow]) -> [u32; 5] {
    let mut counts = [0; 5];
    for r in ratings {
        if let Some(n) = usize::from(r.score)
            .checked_sub(1)
            .and_then(|i| counts.get_mut(i))
        {
            *n += 1;
        }
    }
    counts
}

/// Ratings of [`BAD_REVIEW`] or less, in time order.
pub fn bad_reviews(ratings: &[RatingRow]) -> Vec<RatingRow> {
    ratings
        .iter()
        .filter(|r| r.score <= BAD_REVIEW)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::StaffId;

    /// 2026-03-02 at `hh:mm` in Beijing.
    fn at(hh: u32, mm: u32) -> Timestamp {
        format!("2026-03-02T{:02}:{mm:02}:00Z", hh - 8)
            .parse()
            .unwrap()
    }

    fn ticket(queue: char, issued: (u32, u32), called: Option<(u32, u32)>) -> TicketRow {
        TicketRow {
            day: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            queue: QueuePrefix::new(queue).unwrap(),
            state: if called.is_some() {
                TicketState::Called
            } else {
                TicketState::Waiting
            },
            issued_at: at(issued.0, issued.1),
            called_at: called.map(|(h, m)| at(h, m)),
            finished_at: None,
            counter: called.map(|_| 1),
            staff: called.map(|_| StaffId("1001".into())),
        }
    }

    fn finished(mut t: TicketRow, counter: u32, at_: (u32, u32)) -> TicketRow {
        t.state = TicketState::Finished;
        t.counter = Some(counter);
        t.finished_at = Some(at(at_.0, at_.1));
        t
    }

    #[test]
    fn spread_takes_the_nearest_rank_for_p90() {
        let s = Spread::of(vec![30.0, 10.0, 20.0]);
        assert_eq!(
            (s.count, s.mean, s.p90, s.max),
            (3, Some(20.0), Some(30.0), Some(30.0))
        );
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(Spread::of(ten).p90, Some(9.0));
        let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(Spread::of(eleven).p90, Some(10.0));
        assert_eq!(Spread::of(vec![]), Spread::default());
    }

    #[test]
    fn waits_group_by_local_hour_of_issue_and_count_only_calls() {
        let tickets = [
            ticket('A', (9, 50), Some((10, 5))),
            ticket('A', (10, 0), Some((10, 10))),
            ticket('B', (10, 20), Some((10, 40))),
            ticket('A', (10, 59), None),
        ];
        let hours = waits_by_hour(&tickets, chrono_tz::Asia::Shanghai);
        assert_eq!(hours.len(), 2);
        assert_eq!(
            (hours[0].hour, hours[0].issued, hours[0].waits.mean),
            (9, 1, Some(15.0))
        );
        assert_eq!((hours[1].hour, hours[1].issued), (10, 3));
        assert_eq!(hours[1].waits.count, 2);
        assert_eq!(hours[1].waits.mean, Some(15.0));
        assert_eq!(hours[1].waits.p90, Some(20.0));
    }

    #[test]
    fn service_time_runs_from_call_to_finish_of_finished_tickets() {
        let tickets = [
            finished(ticket('A', (10, 0), Some((10, 10))), 1, (10, 30)),
            finished(ticket('A', (10, 0), Some((10, 40))), 1, (10, 50)),
            finished(ticket('A', (10, 0), Some((10, 15))), 2, (10, 20)),
            ticket('A', (10, 0), Some((10, 45))),
        ];
        let by_counter = service_by(&tickets, |t| t.counter);
        assert_eq!(by_counter.len(), 2);
        assert_eq!(by_counter[0].0, 1);
        assert_eq!(by_counter[0].1.mean, Some(15.0));
        assert_eq!(by_counter[0].1.max, Some(20.0));
        assert_eq!((by_counter[1].0, by_counter[1].1.count), (2, 1));
    }

    #[test]
    fn queues_and_days_count_outcomes() {
        let mut absent = ticket('B', (10, 20), Some((10, 40)));
        absent.state = TicketState::NoShow;
        let tickets = [
            finished(ticket('A', (10, 0), Some((10, 10))), 1, (10, 30)),
            ticket('A', (11, 0), None),
            absent,
        ];
        let q = queues(&tickets);
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].issued, q[0].finished, q[0].unserved), (2, 1, 1));
        assert_eq!((q[1].issued, q[1].no_shows), (1, 1));
        assert_eq!(q[1].no_show_rate(), Some(100.0));
        let d = days(&tickets);
        assert_eq!(
            (d.len(), d[0].issued, d[0].finished, d[0].no_shows),
            (1, 3, 1, 1)
        );
        assert_eq!(d[0].waits.mean, Some(15.0));
    }

    #[test]
    fn scores_and_bad_reviews() {
        let rating = |score| RatingRow {
            at: at(11, 0),
            score,
            subject: "A001".into(),
            counter: Some(1),
            staff: None,
            department: None,
            comment: None,
            rectification: None,
        };
        let ratings = [rating(5), rating(5), rating(2), rating(1), rating(3)];
        assert_eq!(scores(&ratings), [1, 1, 1, 0, 2]);
        let bad = bad_reviews(&ratings);
        assert_eq!(bad.iter().map(|r| r.score).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(percent(1, 3).map(|p| (p * 10.0).round()), Some(333.0));
        assert_eq!(percent(0, 0), None);
    }
}
