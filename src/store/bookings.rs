//! Appointments: one row per booking, written as the hall holds it (personal
//! values sealed), and the values with their salt in `booking_personal`
//! until `yimen erase` deletes them.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::StoreError;
use crate::domain::applicant::IdNumber;
use crate::domain::booking::{Booking, BookingState};
use crate::domain::personal::{Field, Salt};

/// The booking's row, and its personal values while it holds them.
pub(super) fn save(conn: &rusqlite::Connection, b: &Booking) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO bookings (code, service, day, state, data) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET state = excluded.state, data = excluded.data",
    )?
    .execute(params![
        b.code,
        b.service.0,
        b.day.to_string(),
        state_name(b.state),
        serde_json::to_string(b)?,
    ])?;
    let a = &b.applicant;
    if let (Some(salt), Some(name), Some(id), Some(phone)) = (
        &a.salt,
        a.name.value(),
        a.id_number.value(),
        a.phone.value(),
    ) {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO booking_personal (code, salt, name, id_number, phone)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![b.code, &salt.0[..], name, id.as_str(), phone])?;
    }
    Ok(())
}

fn state_name(state: BookingState) -> &'static str {
    match state {
        BookingState::Booked => "booked",
        BookingState::CheckedIn => "checked_in",
        BookingState::Cancelled => "cancelled",
        BookingState::Missed => "missed",
    }
}

/// Bookings the hall keeps at hand: every open one, and the rest of days
/// from `since`, with their personal values while held.
pub(super) fn at_hand(
    conn: &rusqlite::Connection,
    since: NaiveDate,
) -> Result<Vec<Booking>, StoreError> {
    let mut bookings: Vec<Booking> = super::hall::load_json(
        conn,
        "SELECT data FROM bookings WHERE state = 'booked' OR day >= ?1 ORDER BY code",
        [since.to_string()],
    )?;
    for b in &mut bookings {
        join(conn, b)?;
    }
    Ok(bookings)
}

/// The bookings of the days `from` to `to`, both included, by their day
/// and time, as the hall holds them: the personal values stay sealed.
pub(super) fn of_days(
    conn: &rusqlite::Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Booking>, StoreError> {
    let mut bookings: Vec<Booking> = super::hall::load_json(
        conn,
        "SELECT data FROM bookings WHERE day BETWEEN ?1 AND ?2 ORDER BY code",
        [from.to_string(), to.to_string()],
    )?;
    bookings.sort_by_key(|b| (b.at, b.code.clone()));
    Ok(bookings)
}

/// Puts a booking's personal values back, if they open its commitments; a
/// row that does not is left out, and logged.
fn join(conn: &rusqlite::Connection, b: &mut Booking) -> Result<(), StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT salt, name, id_number, phone FROM booking_personal WHERE code = ?1",
        )?
        .query_row([&b.code], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    let Some((salt, name, id, phone)) = row else {
        return Ok(());
    };
    let salt = Salt(
        salt.try_into()
            .map_err(|_| StoreError::Corrupt(format!("booking {} has a bad salt", b.code)))?,
    );
    let a = &mut b.applicant;
    let opens = a.name.join(&salt, Field::Name, name)
        && IdNumber::parse(&id).is_ok_and(|id| a.id_number.join(&salt, Field::IdNumber, id))
        && a.phone.join(&salt, Field::Phone, phone);
    if opens {
        a.salt = Some(salt);
    } else {
        a.erase();
        tracing::warn!(
            booking = %b.code,
            "a stored personal value does not open its commitment; it is not shown"
        );
    }
    Ok(())
}

/// Deletes the personal values of the given bookings.
pub(super) fn erase(conn: &rusqlite::Connection, codes: &[String]) -> Result<(), StoreError> {
    let mut delete = conn.prepare_cached("DELETE FROM booking_personal WHERE code = ?1")?;
    for code in codes {
        delete.execute([code])?;
    }
    Ok(())
}

/// Every booking row as JSON, by code, for the audit's comparison with the
/// log; JSON that does not read as a booking is compared as it is.
pub(super) fn rows(
    conn: &rusqlite::Connection,
) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
    let mut stmt = conn.prepare("SELECT code, data FROM bookings ORDER BY code")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(code, data)| {
            let value = match serde_json::from_str::<Booking>(&data) {
                Ok(b) => super::rebuild::keyed(&code, &b)?.1,
                Err(_) => serde_json::Value::String(data),
            };
            Ok((code, value))
        })
        .collect()
}
