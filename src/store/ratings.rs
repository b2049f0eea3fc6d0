//! Counting ratings: per counter, staff member, service and department.

use super::{Connection, StoreError};

/// What ratings are counted by.
#[derive(Clone, Copy, Debug)]
pub enum RatedBy {
    Counter,
    Staff,
    Service,
    Department,
}

impl RatedBy {
    fn column(self) -> &'static str {
        match self {
            RatedBy::Counter => "counter",
            RatedBy::Staff => "staff",
            RatedBy::Service => "service",
            RatedBy::Department => "department",
        }
    }
}

/// For each counter (or staff member, ...) rated: how many ratings of each
/// score, 1 to 5.
///
/// # Errors
/// The database cannot be read.
pub fn counts(conn: &Connection, by: RatedBy) -> Result<Vec<(String, [u32; 5])>, StoreError> {
    let column = by.column();
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT CAST({column} AS TEXT), score, COUNT(*) FROM ratings
         WHERE {column} IS NOT NULL GROUP BY 1, 2 ORDER BY 1"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u8>(1)?,
            r.get::<_, u32>(2)?,
        ))
    })?;
    let mut counts: Vec<(String, [u32; 5])> = Vec::new();
    for row in rows {
        let (key, score, n) = row?;
        if counts.last().is_none_or(|(k, _)| *k != key) {
            counts.push((key, [0; 5]));
        }
        if let (Some(last), 1..=5) = (counts.last_mut(), score) {
            last.1[usize::from(score) - 1] = n;
        }
    }
    Ok(counts)
}
