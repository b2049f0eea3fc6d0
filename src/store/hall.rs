//! Saving what an event changed, and rebuilding the hall after a restart.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Connection, StoreError};
use crate::domain::case::Case;
use crate::domain::event::HallEvent;
use crate::domain::hall::{Counter, Hall, LoginRecord, Pause, SavedHall, Session};
use crate::domain::ids::{
    BusinessDay, CounterNo, QueuePrefix, ServiceCode, SessionId, StaffId, TicketId, TicketNumber,
    Timestamp,
};
use crate::domain::rating::{Rating, RatingSubject, Rectification};
use crate::domain::replay::SessionRecord;
use crate::domain::setup::HallSetup;
use crate::domain::ticket::{Appointment, Ticket, TicketState};

fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

fn time(ms: i64) -> rusqlite::Result<Timestamp> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, ms))
}

fn opt_time(ms: Option<i64>) -> rusqlite::Result<Option<Timestamp>> {
    ms.map(time).transpose()
}

fn bad(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("bad {what}").into(),
    )
}

/// The business day the hall was on when it last saved, if ever.
///
/// # Errors
/// The database cannot be read.
pub fn saved_day(conn: &Connection) -> Result<Option<BusinessDay>, StoreError> {
    let conn = &conn.0;
    let day: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'day'", [], |r| r.get(0))
        .optional()?;
    day.map(|d| {
        NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("bad day {d}")))
    })
    .transpose()
}

/// Records the business day the hall is on.
///
/// # Errors
/// The row cannot be written.
pub fn save_day(conn: &Connection, day: BusinessDay) -> Result<(), StoreError> {
    write_day(&conn.0, day)
}

fn write_day(conn: &rusqlite::Connection, day: BusinessDay) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('day', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [day.to_string()],
    )?;
    Ok(())
}

/// Saves what `event` changed, reading the new values from `hall`, to which
/// the event has already been applied.
///
/// # Errors
/// A row cannot be written.
pub fn save(conn: &Connection, hall: &Hall, event: &HallEvent) -> Result<(), StoreError> {
    let conn = &conn.0;
    if let HallEvent::DayRolledOver {
        to, expired, at, ..
    } = event
    {
        return roll_over(conn, *to, expired, *at);
    }
    let touched = event.touched();
    if let Some(t) = touched.ticket.and_then(|id| hall.ticket(id)) {
        save_ticket(conn, t)?;
    }
    if let Some(c) = touched.counter.and_then(|n| hall.counter(n)) {
        save_counter(conn, c)?;
    }
    if let Some(id) = touched.session {
        save_session(conn, hall, id, event)?;
    }
    if let Some(case) = touched.case.and_then(|n| hall.case(n)) {
        save_case(conn, case)?;
    }
    for code in touched.bookings {
        if let Some(b) = hall.booking(code) {
            super::bookings::save(conn, b)?;
        }
    }
    if let Some(r) = touched.rating {
        save_rating(conn, r)?;
    }
    if let HallEvent::RectificationOpened { item } | HallEvent::RectificationClosed { item } = event
    {
        save_rectification(conn, item)?;
    }
    if let Some(staff) = touched.staff_login {
        save_login(conn, staff, hall.login_record(staff))?;
    }
    if let (Some(staff), HallEvent::StaffPinChanged { pin_hash, at, .. }) =
        (touched.staff_pin, event)
    {
        save_pin(conn, staff, pin_hash, *at)?;
    }
    Ok(())
}

/// The PIN a staff member chose, as its hash.
fn save_pin(
    conn: &rusqlite::Connection,
    staff: &StaffId,
    pin_hash: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff_pins (staff, pin_hash, changed_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (staff) DO UPDATE SET pin_hash = excluded.pin_hash,
           changed_at_ms = excluded.changed_at_ms",
    )?
    .execute(params![staff.0, pin_hash, ms(at)])?;
    Ok(())
}

fn save_counter(conn: &rusqlite::Connection, c: &Counter) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO counters (number, paused_reason, paused_since_ms, priority_streak)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (number) DO UPDATE SET paused_reason = excluded.paused_reason,
           paused_since_ms = excluded.paused_since_ms, priority_streak = excluded.priority_streak",
    )?
    .execute(params![
        c.number,
        c.pause.as_ref().map(|p| &p.reason),
        c.pause.as_ref().map(|p| ms(p.since)),
        c.priority_streak
    ])?;
    Ok(())
}

/// A session opened, or closed by a logout.
fn save_session(
    conn: &rusqlite::Connection,
    hall: &Hall,
    id: &SessionId,
    event: &HallEvent,
) -> Result<(), StoreError> {
    match (hall.session(id), event) {
        (Some(s), _) => {
            conn.prepare_cached(
                "INSERT INTO sessions (id, staff, counter, opened_at_ms, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                s.id.0,
                s.staff.0,
                s.counter,
                ms(s.opened_at),
                ms(s.expires_at)
            ])?;
        }
        (None, HallEvent::StaffLoggedOut { at, .. }) => {
            conn.prepare_cached("UPDATE sessions SET closed_at_ms = ?2 WHERE id = ?1")?
                .execute(params![id.0, ms(*at)])?;
        }
        (None, _) => {}
    }
    Ok(())
}

fn save_rating(conn: &rusqlite::Connection, r: &Rating) -> Result<(), StoreError> {
    let (ticket, case) = match &r.subject {
        RatingSubject::Ticket(id) => (Some(id.0.as_str()), None),
        RatingSubject::Case(number) => (None, Some(number.as_str())),
    };
    conn.prepare_cached(
        "INSERT INTO ratings (id, ticket, case_number, score, comment, at_ms, counter, staff, service, department)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        r.id,
        ticket,
        case,
        r.score,
        r.comment,
        ms(r.at),
        r.counter,
        r.staff.as_ref().map(|s| &s.0),
        r.service.as_ref().map(|s| &s.0),
        r.department,
    ])?;
    Ok(())
}

fn save_rectification(conn: &rusqlite::Connection, item: &Rectification) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO rectifications (id, rating, closed, data) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET closed = excluded.closed, data = excluded.data",
    )?
    .execute(params![
        item.id,
        item.rating.id,
        item.closed.is_some(),
        serde_json::to_string(item)?
    ])?;
    Ok(())
}

/// A staff id's wrong PINs in a row, or none once they are forgotten.
fn save_login(
    conn: &rusqlite::Connection,
    staff: &StaffId,
    record: Option<&LoginRecord>,
) -> Result<(), StoreError> {
    match record {
        Some(record) => conn
            .prepare_cached(
                "INSERT INTO logins (staff, failures, locked_until_ms, since_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (staff) DO UPDATE SET failures = excluded.failures,
                   locked_until_ms = excluded.locked_until_ms, since_ms = excluded.since_ms",
            )?
            .execute(params![
                staff.0,
                record.failures,
                record.locked_until.map(ms),
                record.since.map(ms)
            ])?,
        None => conn
            .prepare_cached("DELETE FROM logins WHERE staff = ?1")?
            .execute([&staff.0])?,
    };
    Ok(())
}

/// The case's row, its personal values held apart.
pub(super) fn save_case(conn: &rusqlite::Connection, case: &Case) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO cases (number, state, department, service, accepted_on, finished_on, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (number) DO UPDATE SET state = excluded.state, accepted_on = excluded.accepted_on,
           finished_on = excluded.finished_on, data = excluded.data",
    )?
    .execute(params![
        case.number,
        case.state.as_str(),
        case.department,
        case.service.0,
        case.accepted_on.map(|d| d.to_string()),
        case.finished_on.map(|d| d.to_string()),
        serde_json::to_string(case)?,
    ])?;
    super::personal::save(conn, case)
}

/// Every case of any age, as its row holds it: personal values sealed.
pub(super) fn all_cases(conn: &rusqlite::Connection) -> Result<Vec<Case>, StoreError> {
    load_json(conn, "SELECT data FROM cases ORDER BY number", [])
}

/// One case of any age, by number, with its personal values while held.
///
/// # Errors
/// `NotFound` for an unknown number; otherwise the database cannot be read.
pub fn case(conn: &Connection, number: &str) -> Result<Case, StoreError> {
    let data: String = conn
        .0
        .prepare_cached("SELECT data FROM cases WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let mut case = serde_json::from_str(&data)?;
    super::personal::join(&conn.0, &mut case)?;
    Ok(case)
}

fn roll_over(
    conn: &rusqlite::Connection,
    to: BusinessDay,
    expired: &[TicketId],
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut expire = conn.prepare_cached("UPDATE tickets SET state = 'expired' WHERE id = ?1")?;
    for id in expired {
        expire.execute([&id.0])?;
    }
    conn.execute(
        "UPDATE sessions SET closed_at_ms = ?1 WHERE closed_at_ms IS NULL",
        [ms(at)],
    )?;
    conn.execute(
        "UPDATE counters SET paused_reason = NULL, paused_since_ms = NULL, priority_streak = 0",
        [],
    )?;
    write_day(conn, to)
}

fn save_ticket(conn: &rusqlite::Connection, t: &Ticket) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO tickets (id, day, origin_queue, seq, width, queue, service, priority,
           issued_at_ms, order_key, target_counter, state, recalls, counter, staff,
           called_at_ms, started_at_ms, finished_at_ms, no_show_at_ms, case_number, rated,
           appointment_code, appointment_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
           ?22, ?23)
         ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, order_key = excluded.order_key,
           target_counter = excluded.target_counter, state = excluded.state,
           recalls = excluded.recalls, counter = excluded.counter, staff = excluded.staff,
           called_at_ms = excluded.called_at_ms, started_at_ms = excluded.started_at_ms,
           finished_at_ms = excluded.finished_at_ms, no_show_at_ms = excluded.no_show_at_ms,
           rated = excluded.rated",
    )?
    .execute(params![
        t.id.0,
        t.day.to_string(),
        t.number.prefix.to_string(),
        t.number.seq,
        t.number.width,
        t.queue.to_string(),
        t.service.as_ref().map(|s| &s.0),
        t.priority,
        ms(t.issued_at),
        t.order,
        t.target_counter,
        t.state.as_str(),
        t.recalls,
        t.counter,
        t.staff.as_ref().map(|s| &s.0),
        t.called_at.map(ms),
        t.started_at.map(ms),
        t.finished_at.map(ms),
        t.no_show_at.map(ms),
        t.case,
        t.rated,
        t.appointment.as_ref().map(|a| &a.code),
        t.appointment.as_ref().map(|a| ms(a.at)),
    ])?;
    Ok(())
}

const TICKET_COLUMNS: &str =
    "id, day, origin_queue, seq, width, queue, service, priority, issued_at_ms,
    order_key, target_counter, state, recalls, counter, staff, called_at_ms, started_at_ms,
    finished_at_ms, no_show_at_ms, case_number, rated, appointment_code, appointment_at_ms";

fn ticket_from_row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    let prefix = |i: usize| -> rusqlite::Result<QueuePrefix> {
        r.get::<_, String>(i)?.parse().map_err(|_| bad(i, "queue"))
    };
    let day: String = r.get(1)?;
    let state: String = r.get(11)?;
    Ok(Ticket {
        id: TicketId(r.get(0)?),
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad(1, "day"))?,
        number: TicketNumber {
            prefix: prefix(2)?,
            seq: r.get(3)?,
            width: r.get(4)?,
        },
        queue: prefix(5)?,
        service: r.get::<_, Option<String>>(6)?.map(ServiceCode),
        priority: r.get(7)?,
        issued_at: time(r.get(8)?)?,
        order: r.get(9)?,
        target_counter: r.get(10)?,
        state: TicketState::parse(&state).ok_or_else(|| bad(11, "state"))?,
        recalls: r.get(12)?,
        counter: r.get(13)?,
        staff: r.get::<_, Option<String>>(14)?.map(StaffId),
        called_at: opt_time(r.get(15)?)?,
        started_at: opt_time(r.get(16)?)?,
        finished_at: opt_time(r.get(17)?)?,
        no_show_at: opt_time(r.get(18)?)?,
        case: r.get(19)?,
        rated: r.get(20)?,
        appointment: match (
            r.get::<_, Option<String>>(21)?,
            r.get::<_, Option<i64>>(22)?,
        ) {
            (Some(code), Some(at)) => Some(Appointment {
                code,
                at: time(at)?,
            }),
            _ => None,
        },
    })
}

/// One ticket of any day, for its public status.
///
/// # Errors
/// `NotFound` for an unknown id; otherwise the database cannot be read.
pub fn ticket(conn: &Connection, id: &TicketId) -> Result<Ticket, StoreError> {
    conn.0
        .prepare_cached(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?1"
        ))?
        .query_row([&id.0], ticket_from_row)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Every ticket of every day, by id.
pub(super) fn all_tickets(conn: &rusqlite::Connection) -> Result<Vec<Ticket>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {TICKET_COLUMNS} FROM tickets ORDER BY id"))?;
    let tickets = stmt
        .query_map([], ticket_from_row)?
        .collect::<Result<_, _>>()?;
    Ok(tickets)
}

/// Every session ever opened, by id.
pub(super) fn all_sessions(conn: &rusqlite::Connection) -> Result<Vec<SessionRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, staff, counter, opened_at_ms, expires_at_ms, closed_at_ms FROM sessions
         ORDER BY id",
    )?;
    let sessions = stmt
        .query_map([], |r| {
            Ok(SessionRecord {
                id: SessionId(r.get(0)?),
                staff: StaffId(r.get(1)?),
                counter: r.get(2)?,
                opened_at: time(r.get(3)?)?,
                expires_at: time(r.get(4)?)?,
                closed_at: opt_time(r.get(5)?)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(sessions)
}

/// Rebuilds the hall on `day` from the saved rows; sessions that expired by
/// `now` are left out.
///
/// # Errors
/// The database cannot be read or holds a row that makes no sense.
pub fn load(
    conn: &Connection,
    setup: Arc<HallSetup>,
    day: BusinessDay,
    now: Timestamp,
) -> Result<Hall, StoreError> {
    let conn = &conn.0;
    let kept_since = day - chrono::Duration::days(setup.cases.keep_closed_days);
    let mut cases: Vec<Case> = load_json(
        conn,
        "SELECT data FROM cases WHERE finished_on IS NULL OR finished_on >= ?1",
        [kept_since.to_string()],
    )?;
    for case in &mut cases {
        super::personal::join(conn, case)?;
    }
    let saved = SavedHall {
        tickets: load_tickets(conn, day)?,
        counters: load_counters(conn)?,
        sessions: load_sessions(conn, now)?,
        cases,
        rectifications: load_json(conn, "SELECT data FROM rectifications WHERE closed = 0", [])?,
        last_rating: conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM ratings", [], |r| r.get(0))?,
        last_rectification: conn.query_row(
            "SELECT COALESCE(MAX(id), 0) FROM rectifications",
            [],
            |r| r.get(0),
        )?,
        logins: load_logins(conn)?,
        pins: load_pins(conn)?,
        bookings: super::bookings::at_hand(conn, setup.bookings.at_hand_since(day))?,
    };
    Ok(Hall::restore(setup, day, saved))
}

fn load_tickets(conn: &rusqlite::Connection, day: BusinessDay) -> Result<Vec<Ticket>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE day = ?1"
    ))?;
    let tickets = stmt
        .query_map([day.to_string()], ticket_from_row)?
        .collect::<Result<_, _>>()?;
    Ok(tickets)
}

fn load_counters(
    conn: &rusqlite::Connection,
) -> Result<Vec<(CounterNo, Option<Pause>, u32)>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT number, paused_reason, paused_since_ms, priority_streak FROM counters")?;
    let counters = stmt
        .query_map([], |r| {
            let pause = match (r.get::<_, Option<String>>(1)?, r.get::<_, Option<i64>>(2)?) {
                (Some(reason), Some(since)) => Some(Pause {
                    reason,
                    since: time(since)?,
                }),
                _ => None,
            };
            Ok((r.get(0)?, pause, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(counters)
}

fn load_sessions(conn: &rusqlite::Connection, now: Timestamp) -> Result<Vec<Session>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, staff, counter, opened_at_ms, expires_at_ms FROM sessions
         WHERE closed_at_ms IS NULL AND expires_at_ms > ?1",
    )?;
    let sessions = stmt
        .query_map([ms(now)], |r| {
            Ok(Session {
                id: SessionId(r.get(0)?),
                staff: StaffId(r.get(1)?),
                counter: r.get(2)?,
                opened_at: time(r.get(3)?)?,
                expires_at: time(r.get(4)?)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(sessions)
}

fn load_logins(conn: &rusqlite::Connection) -> Result<Vec<(StaffId, LoginRecord)>, StoreError> {
    let mut stmt = conn.prepare("SELECT staff, failures, locked_until_ms, since_ms FROM logins")?;
    let logins = stmt
        .query_map([], |r| {
            Ok((
                StaffId(r.get(0)?),
                LoginRecord {
                    failures: r.get(1)?,
                    locked_until: opt_time(r.get(2)?)?,
                    since: opt_time(r.get(3)?)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(logins)
}

fn load_pins(conn: &rusqlite::Connection) -> Result<Vec<(StaffId, String)>, StoreError> {
    let mut stmt = conn.prepare("SELECT staff, pin_hash FROM staff_pins")?;
    let pins = stmt
        .query_map([], |r| Ok((StaffId(r.get(0)?), r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(pins)
}

/// Rows of one JSON column, each read back into `T`.
pub(super) fn load_json<T: serde::de::DeserializeOwned>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows: Vec<String> = stmt
        .query_map(params, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows
        .iter()
        .map(|row| serde_json::from_str(row))
        .collect::<Result<_, _>>()?)
}
