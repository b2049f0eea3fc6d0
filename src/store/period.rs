//! The rows a report over business days is computed from: tickets by
//! business day, ratings by the business day of their time, every case
//! that could have had a step in the period, and the bookings of its days.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;

use super::{Connection, StoreError};
use crate::domain::booking::Booking;
use crate::domain::case::Case;
use crate::domain::ids::{CounterNo, DayRule, QueuePrefix, StaffId, TicketNumber, Timestamp};
use crate::domain::rating::Rectification;
use crate::domain::ticket::TicketState;

/// Business days from `from` to `to`, both included.
#[derive(Clone, Copy, Debug)]
struct Days {
    from: NaiveDate,
    to: NaiveDate,
}

/// A ticket as the report needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRow {
    /// Its business day.
    pub day: NaiveDate,
    /// The queue it was in last: where it was called, or expired.
    pub queue: QueuePrefix,
    pub state: TicketState,
    pub issued_at: Timestamp,
    /// Its last call.
    pub called_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    /// The counter and staff member of its last call.
    pub counter: Option<CounterNo>,
    pub staff: Option<StaffId>,
}

/// A rating as the report needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingRow {
    pub at: Timestamp,
    pub score: u8,
    /// The ticket's number (such as A002) or the case's number.
    pub subject: String,
    pub counter: Option<CounterNo>,
    pub staff: Option<StaffId>,
    /// The department's code.
    pub department: Option<String>,
    pub comment: Option<String>,
    /// The rectification a bad review opened, as it is now.
    pub rectification: Option<Rectification>,
}

/// Everything the report is computed from.
#[derive(Clone, Debug, Default)]
pub struct PeriodRows {
    pub tickets: Vec<TicketRow>,
    pub ratings: Vec<RatingRow>,
    /// Cases open now or finished on or after the period's first day: every
    /// case that could have had a step in the period, and some later ones.
    pub cases: Vec<Case>,
    /// Bookings for the period's days (whenever they were made), in order
    /// of their booked time, personal values sealed.
    pub bookings: Vec<Booking>,
}

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt(what)
}

fn time(ms: i64) -> Result<Timestamp, StoreError> {
    DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(|| corrupt(format!("bad time {ms}")))
}

/// Reads the rows of the business days `from` to `to`, both included.
///
/// # Errors
/// The database cannot be read, or holds a row that makes no sense.
pub fn read(
    conn: &Connection,
    day_rule: &DayRule,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PeriodRows, StoreError> {
    let (conn, period) = (&conn.0, Days { from, to });
    Ok(PeriodRows {
        tickets: tickets(conn, period)?,
        ratings: ratings(conn, day_rule, period)?,
        cases: cases(conn, period)?,
        bookings: super::bookings::of_days(conn, period.from, period.to)?,
    })
}

fn tickets(conn: &rusqlite::Connection, period: Days) -> Result<Vec<TicketRow>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT day, queue, state, issued_at_ms, called_at_ms, finished_at_ms, counter, staff
         FROM tickets WHERE day BETWEEN ?1 AND ?2 ORDER BY day, issued_at_ms",
    )?;
    let mut rows = stmt.query(params![period.from.to_string(), period.to.to_string()])?;
    let mut tickets = Vec::new();
    while let Some(r) = rows.next()? {
        let day: String = r.get(0)?;
        let queue: String = r.get(1)?;
        let state: String = r.get(2)?;
        tickets.push(TicketRow {
            day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|_| corrupt(format!("a ticket has the bad day {day}")))?,
            queue: queue
                .parse()
                .map_err(|_| corrupt(format!("a ticket has the bad queue {queue}")))?,
            state: TicketState::parse(&state)
                .ok_or_else(|| corrupt(format!("a ticket has the bad state {state}")))?,
            issued_at: time(r.get(3)?)?,
            called_at: r.get::<_, Option<i64>>(4)?.map(time).transpose()?,
            finished_at: r.get::<_, Option<i64>>(5)?.map(time).transpose()?,
            counter: r.get(6)?,
            staff: r.get::<_, Option<String>>(7)?.map(StaffId),
        });
    }
    Ok(tickets)
}

fn ratings(
    conn: &rusqlite::Connection,
    day_rule: &DayRule,
    period: Days,
) -> Result<Vec<RatingRow>, StoreError> {
    // The period's first moment is when the business day before it ends.
    let start = day_rule.next_rollover(period.from - Duration::days(1));
    let end = day_rule.next_rollover(period.to);
    let mut stmt = conn.prepare(
        "SELECT r.at_ms, r.score, r.counter, r.staff, r.department, r.comment, r.case_number,
                t.origin_queue, t.seq, t.width, x.data
         FROM ratings r
         LEFT JOIN tickets t ON t.id = r.ticket
         LEFT JOIN rectifications x ON x.rating = r.id
         WHERE r.at_ms >= ?1 AND r.at_ms < ?2
         ORDER BY r.at_ms, r.id",
    )?;
    let mut rows = stmt.query(params![start.timestamp_millis(), end.timestamp_millis()])?;
    let mut ratings = Vec::new();
    while let Some(r) = rows.next()? {
        let subject = match (
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ) {
            (Some(case), _) => case,
            (None, Some(prefix)) => TicketNumber {
                prefix: prefix
                    .parse()
                    .map_err(|_| corrupt(format!("a ticket has the bad queue {prefix}")))?,
                seq: r.get(8)?,
                width: r.get(9)?,
            }
            .to_string(),
            (None, None) => String::new(),
        };
        let rectification = r
            .get::<_, Option<String>>(10)?
            .map(|data| serde_json::from_str(&data))
            .transpose()?;
        ratings.push(RatingRow {
            at: time(r.get(0)?)?,
            score: r.get(1)?,
            subject,
            counter: r.get(2)?,
            staff: r.get::<_, Option<String>>(3)?.map(StaffId),
            department: r.get(4)?,
            comment: r.get(5)?,
            rectification,
        });
    }
    Ok(ratings)
}

fn cases(conn: &rusqlite::Connection, period: Days) -> Result<Vec<Case>, StoreError> {
    // Every step of a case happens on or before the day it finishes.
    let mut stmt = conn.prepare(
        "SELECT data FROM cases WHERE finished_on IS NULL OR finished_on >= ?1 ORDER BY number",
    )?;
    let mut rows = stmt.query([period.from.to_string()])?;
    let mut cases = Vec::new();
    while let Some(r) = rows.next()? {
        let data: String = r.get(0)?;
        cases.push(serde_json::from_str(&data)?);
    }
    Ok(cases)
}
