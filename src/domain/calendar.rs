//! Working days: weekends off, except the official make-up days; official
//! holidays off even on weekdays. Years are known only from calendar files.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

/// One year's official schedule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearSchedule {
    /// Days off that would otherwise be working days (and holiday weekends).
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub workdays: BTreeSet<NaiveDate>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearSchedule>,
}

/// A working-day answer, and whether it rests on a year without a calendar
/// file, where only weekends were taken as days off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reckoned<T> {
    pub value: T,
    /// The first year the answer needed but had no official schedule for.
    pub unknown_year: Option<i32>,
}

impl WorkingCalendar {
    pub fn new(years: BTreeMap<i32, YearSchedule>) -> Self {
        Self { years }
    }

    pub fn knows(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> Reckoned<bool> {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        match self.years.get(&day.year()) {
            Some(y) if y.workdays.contains(&day) => known(true),
            Some(y) if y.holidays.contains(&day) => known(false),
            Some(_) => known(!weekend),
            None => Reckoned {
                value: !weekend,
                unknown_year: Some(day.year()),
            },
        }
    }

    /// The date `days` working days after `start`, counting from the day
    /// after it: a 3-working-day limit accepted on a Monday ends on Thursday.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> Reckoned<NaiveDate> {
        let mut day = start;
        let mut left = days;
        let mut unknown_year = None;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            let w = self.is_working_day(day);
            unknown_year = unknown_year.or(w.unknown_year);
            if w.value {
                left -= 1;
            }
        }
        Reckoned {
            value: day,
            unknown_year,
        }
    }
}

fn known<T>(value: T) -> Reckoned<T> {
    Reckoned {
        value,
        unknown_year: None,
    }
}
