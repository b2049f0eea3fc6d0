//! Applicants' personal values, kept apart: the log and the cases' rows hold
//! only their salted commitments, the `personal` table the values and the
//! salt, one row per case, until `yimen erase` deletes the row.
//!
//! A value read back is joined to its case only if it opens the case's
//! commitment, so a row edited behind the hub's back is not shown as the
//! applicant's (and `yimen audit verify` names it).

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::events::{self, Chain, StoredEvent};
use super::{Connection, StoreError};
use crate::domain::case::{Case, PersonalRecord};
use crate::domain::event::HallEvent;
use crate::domain::ids::{Actor, Timestamp};
use crate::domain::personal::Salt;

/// Writes the case's personal values while it holds them; a case whose
/// values were erased, or are still in the clear, writes nothing.
pub(super) fn save(conn: &rusqlite::Connection, case: &Case) -> Result<(), StoreError> {
    let Some(r) = case.personal_record() else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO personal (case_number, salt, name, id_number, phone, address, collected_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (case_number) DO UPDATE SET address = excluded.address,
           collected_by = excluded.collected_by",
    )?
    .execute(params![
        case.number,
        &r.salt.0[..],
        r.name,
        r.id_number,
        r.phone,
        r.address,
        r.collected_by
    ])?;
    Ok(())
}

/// The personal row of a case, if it has one.
pub(super) fn record(
    conn: &rusqlite::Connection,
    number: &str,
) -> Result<Option<PersonalRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT salt, name, id_number, phone, address, collected_by FROM personal
             WHERE case_number = ?1",
        )?
        .query_row([number], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                PersonalRecord {
                    salt: Salt([0; 16]),
                    name: r.get(1)?,
                    id_number: r.get(2)?,
                    phone: r.get(3)?,
                    address: r.get(4)?,
                    collected_by: r.get(5)?,
                },
            ))
        })
        .optional()?;
    row.map(|(salt, mut record)| {
        record.salt = Salt(
            salt.try_into()
                .map_err(|_| StoreError::Corrupt(format!("case {number} has a bad salt")))?,
        );
        Ok(record)
    })
    .transpose()
}

/// Puts the case's personal values back, if the store holds them and they
/// open the case's commitments; a row that does not is left out, and logged.
pub(super) fn join(conn: &rusqlite::Connection, case: &mut Case) -> Result<(), StoreError> {
    if let Some(record) = record(conn, &case.number)?
        && let Err(field) = case.join_personal(record)
    {
        tracing::warn!(
            case = %case.number,
            field = field.as_str(),
            "a stored personal value does not open its commitment; it is not shown"
        );
    }
    Ok(())
}

/// Seals the personal values an older yimen stored in the clear: each such
/// case gets a salt, its row the commitments, the `personal` table the
/// values, and the log one `PersonalDataSealed` event naming them all. Runs
/// in its own transaction; does nothing when every case is sealed.
///
/// # Errors
/// The database cannot be read or written, or no random salt can be had;
/// nothing is changed then.
pub fn seal_clear(
    conn: &Connection,
    chain: &mut Chain,
    at: Timestamp,
) -> Result<Option<StoredEvent>, StoreError> {
    let clear: Vec<Case> = super::hall::all_cases(&conn.0)?
        .into_iter()
        .filter(Case::has_clear_personal)
        .collect();
    if clear.is_empty() {
        return Ok(None);
    }
    conn.begin()?;
    let sealed = seal_each(conn, chain, clear, at);
    match sealed {
        Ok(stored) => {
            conn.commit()?;
            Ok(Some(stored))
        }
        Err(e) => {
            *chain = Chain::load(conn).unwrap_or_else(|_| chain.clone());
            let _ = conn.rollback();
            Err(e)
        }
    }
}

fn seal_each(
    conn: &Connection,
    chain: &mut Chain,
    clear: Vec<Case>,
    at: Timestamp,
) -> Result<StoredEvent, StoreError> {
    let mut seals = Vec::with_capacity(clear.len());
    for mut case in clear {
        let mut salt = [0_u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| StoreError::Corrupt(format!("no random salt: {e}")))?;
        case.applicant.salt = Some(Salt(salt));
        case.seal_personal()
            .map_err(|e| StoreError::Corrupt(format!("case {}: {e}", case.number)))?;
        super::hall::save_case(&conn.0, &case)?;
        seals.extend(case.seals());
    }
    let event = HallEvent::PersonalDataSealed { cases: seals, at };
    let payload = serde_json::to_string(&event)?;
    events::append(conn, chain, at, &Actor::System, event.kind(), &payload)
}

/// Erases the personal values of every case that ended (closed, refused or
/// rejected) before `closed_before`, and records which in the log. Runs in
/// its own transaction, beside a running hub, which picks the event up at
/// its next commit; the rows are overwritten (`secure_delete`) and the WAL
/// file emptied, so the values leave the file too.
///
/// # Errors
/// The database cannot be read or written; nothing is erased then.
pub fn erase(conn: &Connection, before: Cutoffs, at: Timestamp) -> Result<Erased, StoreError> {
    conn.begin()?;
    match erase_in(conn, before, at) {
        Ok(erased) => {
            conn.commit()?;
            // Older copies of the pages, with the values, leave the WAL
            // file; if a reader holds them now, the next checkpoint does.
            if let Err(e) = conn
                .0
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            {
                tracing::warn!(error = %e, "the WAL file is emptied at the next checkpoint");
            }
            Ok(erased)
        }
        Err(e) => {
            let _ = conn.rollback();
            Err(e)
        }
    }
}

/// The days before which personal values go.
#[derive(Clone, Copy, Debug)]
pub struct Cutoffs {
    /// Cases that ended before it.
    pub cases_closed_before: NaiveDate,
    /// Bookings of days before it.
    pub bookings_before: NaiveDate,
}

/// What lost its personal values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Erased {
    /// Cases, by number.
    pub cases: Vec<String>,
    /// Bookings, by code.
    pub bookings: Vec<String>,
}

fn erase_in(conn: &Connection, before: Cutoffs, at: Timestamp) -> Result<Erased, StoreError> {
    let closed_before = before.cases_closed_before;
    let cases: Vec<String> = conn
        .0
        .prepare(
            "SELECT p.case_number FROM personal p JOIN cases c ON c.number = p.case_number
             WHERE c.finished_on IS NOT NULL AND c.finished_on < ?1 ORDER BY p.case_number",
        )?
        .query_map([closed_before.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let bookings: Vec<String> = conn
        .0
        .prepare(
            "SELECT p.code FROM booking_personal p JOIN bookings b ON b.code = p.code
             WHERE b.day < ?1 AND b.state != 'booked' ORDER BY p.code",
        )?
        .query_map([before.bookings_before.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if cases.is_empty() && bookings.is_empty() {
        return Ok(Erased::default());
    }
    super::bookings::erase(&conn.0, &bookings)?;
    let mut delete = conn
        .0
        .prepare("DELETE FROM personal WHERE case_number = ?1")?;
    for number in &cases {
        delete.execute([number])?;
    }
    let event = HallEvent::PersonalDataErased {
        cases: cases.clone(),
        bookings: bookings.clone(),
        closed_before,
        at,
    };
    let mut chain = Chain::load(conn)?;
    let payload = serde_json::to_string(&event)?;
    events::append(conn, &mut chain, at, &Actor::System, event.kind(), &payload)?;
    Ok(Erased { cases, bookings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::applicant::Applicant;
    use crate::domain::bundle::Review;
    use crate::domain::case::{CaseAction, CaseState, Delivery, DeskStamp, Raised};
    use crate::domain::ids::{ServiceCode, StaffId};
    use crate::domain::personal::Personal;
    use crate::store::rebuild;

    const ADDRESS: &str = "云湖大道 100 号";

    /// A case as an older yimen recorded it: every value in the clear.
    fn clear_case(at: Timestamp) -> Case {
        Case {
            number: "202603020001".into(),
            service: ServiceCode("SCJG-001".into()),
            department: "scjg".into(),
            applicant: Applicant::new("张三", "11010519491231002X", "13812345678")
                .unwrap()
                .into(),
            materials: Vec::new(),
            delivery: Delivery::Mail {
                address: Personal::clear(ADDRESS.to_owned()),
            },
            state: CaseState::Accepted,
            opened: DeskStamp {
                staff: StaffId("1001".into()),
                counter: 1,
                at,
            },
            ticket: None,
            promised_days: 1,
            accepted_on: Some(at.date_naive()),
            refusal: None,
            review: Review::default(),
            handover: None,
            raised: Raised::default(),
            rated: false,
            finished_on: None,
            bundle: None,
        }
    }

    #[test]
    fn values_an_older_yimen_kept_in_the_clear_are_sealed_once_and_still_verify() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("old.db")).unwrap();
        let at: Timestamp = "2026-03-02T02:00:00Z".parse().unwrap();
        let case = clear_case(at);
        let mut chain = Chain::load(&conn).unwrap();
        let event = HallEvent::Case {
            action: CaseAction::Opened,
            case: Box::new(case.clone()),
            task: None,
            at,
        };
        let payload = serde_json::to_string(&event).unwrap();
        events::append(
            &conn,
            &mut chain,
            at,
            &Actor::System,
            event.kind(),
            &payload,
        )
        .unwrap();
        super::super::hall::save_case(&conn.0, &case).unwrap();
        let row = || -> String {
            conn.0
                .query_row("SELECT data FROM cases", [], |r| r.get(0))
                .unwrap()
        };
        assert!(row().contains("张三"), "the old row, in the clear");

        let sealed = seal_clear(&conn, &mut chain, at).unwrap().expect("sealed");
        assert_eq!(sealed.kind, "personal_data_sealed");
        assert!(!sealed.payload.contains("张三") && !sealed.payload.contains(ADDRESS));
        assert!(
            !row().contains("张三") && !row().contains(ADDRESS),
            "{}",
            row()
        );
        let read = super::super::hall::case(&conn, &case.number).unwrap();
        assert_eq!(read.applicant.details().unwrap().name, "张三");
        assert_eq!(
            read.delivery
                .address()
                .and_then(Personal::value)
                .map(String::as_str),
            Some(ADDRESS)
        );
        let tables = rebuild::compare(&conn).unwrap();
        assert_eq!(tables.difference, None, "{tables}");
        assert_eq!(
            seal_clear(&conn, &mut chain, at).unwrap(),
            None,
            "only once"
        );
    }
}
