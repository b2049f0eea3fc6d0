//! Checking the tables against the log: the hub restores tickets, cases and
//! sessions from their tables, so each row must be what the events make of
//! it, and each stored personal value must open its case's commitment. A row
//! edited, added or removed behind the hub's back is named here even though
//! the hash chain, which covers only the events, is whole.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{Connection, StoreError};
use crate::domain::case::Case;
use crate::domain::event::HallEvent;
use crate::domain::replay::Rebuilt;

/// The first row that is not what the log makes of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The table: `events`, `tickets`, `cases`, `sessions`, `bookings` or
    /// `personal`.
    pub table: &'static str,
    /// The row's key: a ticket or session id, a case number, a sequence.
    pub key: String,
    /// What differs, in Chinese and English; never a personal value.
    pub detail: String,
}

/// The outcome of [`compare`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TablesReport {
    /// Rows checked: tickets, cases, sessions.
    pub rows: (usize, usize, usize),
    pub difference: Option<Difference>,
}

impl fmt::Display for TablesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (tickets, cases, sessions) = self.rows;
        match &self.difference {
            None => write!(
                f,
                "ok: {tickets} tickets, {cases} cases, {sessions} sessions are what the log makes \
                 of them（数据表与日志一致）"
            ),
            Some(d) => write!(f, "table {} differs at {}: {}", d.table, d.key, d.detail),
        }
    }
}

/// Rebuilds tickets, cases and sessions from every event, in order, and
/// compares them with the tables, table by table and key by key; reports
/// the first difference.
///
/// # Errors
/// The database cannot be read; a row that reads but makes no sense is a
/// finding, not an error.
pub fn compare(conn: &Connection) -> Result<TablesReport, StoreError> {
    let rebuilt = match replay(conn)? {
        Ok(rebuilt) => rebuilt,
        Err(difference) => {
            return Ok(TablesReport {
                rows: (0, 0, 0),
                difference: Some(difference),
            });
        }
    };
    let tickets = super::hall::all_tickets(&conn.0)?;
    let sessions = super::hall::all_sessions(&conn.0)?;
    let cases = case_rows(&conn.0)?;
    let rows = (tickets.len(), cases.len(), sessions.len());
    let by_key = |rows: Vec<(String, Value)>| rows.into_iter().collect::<BTreeMap<_, _>>();
    let difference = first_missing_or_changed(
        "tickets",
        &values(&rebuilt.tickets)?,
        &by_key(
            tickets
                .iter()
                .map(|t| keyed(&t.id.0, t))
                .collect::<Result<_, _>>()?,
        ),
    )
    .or(first_missing_or_changed(
        "cases",
        &rebuilt
            .cases
            .iter()
            .map(|(n, c)| Ok((n.clone(), case_value(c)?)))
            .collect::<Result<_, StoreError>>()?,
        &by_key(cases),
    ))
    .or(first_missing_or_changed(
        "sessions",
        &values(&rebuilt.sessions)?,
        &by_key(
            sessions
                .iter()
                .map(|s| keyed(&s.id.0, s))
                .collect::<Result<_, _>>()?,
        ),
    ))
    .or(first_missing_or_changed(
        "bookings",
        &values(&rebuilt.bookings)?,
        &by_key(super::bookings::rows(&conn.0)?),
    ));
    let difference = match difference {
        Some(d) => Some(d),
        None => personal_difference(conn, &rebuilt)?,
    };
    Ok(TablesReport { rows, difference })
}

/// Folds every event of the log, or names the first that cannot be read.
fn replay(conn: &Connection) -> Result<Result<Rebuilt, Difference>, StoreError> {
    let mut stmt = conn
        .0
        .prepare("SELECT seq, payload FROM events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut rebuilt = Rebuilt::default();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let event = r
            .get::<_, String>(1)
            .ok()
            .and_then(|payload| serde_json::from_str::<HallEvent>(&payload).ok());
        match event {
            Some(event) => rebuilt.apply(&event),
            None => {
                return Ok(Err(Difference {
                    table: "events",
                    key: format!("seq {seq}"),
                    detail: format!(
                        "第 {seq} 条事件无法读作大厅事件 / event {seq} cannot be read as a hall event"
                    ),
                }));
            }
        }
    }
    Ok(Ok(rebuilt))
}

/// A row as JSON, its times to the millisecond, as the tables store them.
pub(super) fn keyed<T: Serialize>(key: &str, row: &T) -> Result<(String, Value), StoreError> {
    let mut value = serde_json::to_value(row)?;
    to_millis(&mut value);
    Ok((key.to_owned(), value))
}

fn to_millis(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(t) = s
                .parse::<DateTime<Utc>>()
                .ok()
                .and_then(|t| DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()))
            {
                *s = t.to_rfc3339_opts(SecondsFormat::Millis, true);
            }
        }
        Value::Object(fields) => fields.values_mut().for_each(to_millis),
        Value::Array(items) => items.iter_mut().for_each(to_millis),
        _ => {}
    }
}

fn values<T: Serialize>(rows: &BTreeMap<String, T>) -> Result<BTreeMap<String, Value>, StoreError> {
    rows.iter().map(|(k, row)| keyed(k, row)).collect()
}

/// A case as its row should hold it: the JSON, and the columns beside it.
fn case_value(case: &Case) -> Result<Value, StoreError> {
    Ok(serde_json::json!({
        "state": case.state.as_str(),
        "department": case.department,
        "service": case.service.0,
        "accepted_on": case.accepted_on.map(|d| d.to_string()),
        "finished_on": case.finished_on.map(|d| d.to_string()),
        "data": serde_json::to_value(case)?,
    }))
}

/// Every case row, in the shape of [`case_value`]; JSON that does not read
/// as a case is compared as it is, and so differs.
fn case_rows(conn: &rusqlite::Connection) -> Result<Vec<(String, Value)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT number, state, department, service, accepted_on, finished_on, data FROM cases
         ORDER BY number",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let data: String = r.get(6)?;
            let data = serde_json::from_str::<Case>(&data)
                .ok()
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(Value::String(data));
            let value = serde_json::json!({
                "state": r.get::<_, String>(1)?,
                "department": r.get::<_, String>(2)?,
                "service": r.get::<_, String>(3)?,
                "accepted_on": r.get::<_, Option<String>>(4)?,
                "finished_on": r.get::<_, Option<String>>(5)?,
                "data": data,
            });
            Ok((r.get::<_, String>(0)?, value))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The first key, in order, whose row is missing, extra or different.
fn first_missing_or_changed(
    table: &'static str,
    log: &BTreeMap<String, Value>,
    stored: &BTreeMap<String, Value>,
) -> Option<Difference> {
    let mut keys: Vec<&String> = log.keys().chain(stored.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find_map(|key| {
        let detail = match (log.get(key), stored.get(key)) {
            (Some(_), None) => {
                "日志中有此行，数据表中没有 / the log made this row; the table lacks it".to_owned()
            }
            (None, Some(_)) => {
                "数据表中有此行，但没有事件产生它 / the table has this row; no event made it"
                    .to_owned()
            }
            (Some(a), Some(b)) if a != b => {
                let field = first_field(a, b);
                format!("字段 {field} 与日志不符 / field {field} is not what the log says")
            }
            _ => return None,
        };
        Some(Difference {
            table,
            key: key.clone(),
            detail,
        })
    })
}

/// The path of the first field where two values differ, such as
/// `data.decision.reason`.
fn first_field(log: &Value, stored: &Value) -> String {
    let (Value::Object(a), Value::Object(b)) = (log, stored) else {
        return "(整行 whole row)".to_owned();
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .find(|k| a.get(*k) != b.get(*k))
        .map(|k| match (a.get(k), b.get(k)) {
            (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) => {
                let inner = first_field(x, y);
                format!("{k}.{}", inner.trim_start_matches("(整行 whole row)"))
                    .trim_end_matches('.')
                    .to_owned()
            }
            _ => k.clone(),
        })
        .unwrap_or_default()
}

/// The first personal row that does not open its case's commitments, or
/// belongs to no case, or outlived the erasure the log records.
fn personal_difference(
    conn: &Connection,
    rebuilt: &Rebuilt,
) -> Result<Option<Difference>, StoreError> {
    let numbers: Vec<String> = conn
        .0
        .prepare("SELECT case_number FROM personal ORDER BY case_number")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for number in numbers {
        let detail = match rebuilt.cases.get(&number) {
            _ if rebuilt.erased.contains(&number) => {
                "日志记载此办件的个人信息已删除 / the log says these values were erased".to_owned()
            }
            None => "没有此办件 / no such case".to_owned(),
            Some(case) => {
                let Some(record) = super::personal::record(&conn.0, &number)? else {
                    continue;
                };
                match case.clone().join_personal(record) {
                    Ok(()) => continue,
                    Err(field) => {
                        let field = field.as_str();
                        format!(
                            "字段 {field} 与其承诺值不符 / field {field} does not open its commitment"
                        )
                    }
                }
            }
        };
        return Ok(Some(Difference {
            table: "personal",
            key: number,
            detail,
        }));
    }
    Ok(None)
}
