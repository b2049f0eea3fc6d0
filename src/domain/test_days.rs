//! March 2026 in Beijing for tests of dates and working days: the hall's
//! day rule (rolling over at 02:00) and a calendar of weekends only.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use super::calendar::{WorkingCalendar, YearSchedule};
use super::ids::{DayRule, Timestamp};

/// 2026-03-`day`.
pub fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

/// 10:00 in Beijing on 2026-03-`day`.
pub fn at(day: u32) -> Timestamp {
    format!("2026-03-{day:02}T02:00:00Z").parse().unwrap()
}

/// Beijing, rolling over at 02:00.
pub fn rule() -> DayRule {
    DayRule {
        zone: chrono_tz::Asia::Shanghai,
        rollover: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
    }
}

/// March 2026 has no holidays: weekends only.
pub fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(BTreeMap::from([(2026, YearSchedule::default())]))
}
