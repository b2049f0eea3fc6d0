//! Working days: weekends off, except the official make-up days; official
//! holidays off even on weekdays. Years are known only from calendar files.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};

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
        let weekend = is_weekend(day);
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
    ///
    /// The answer is the first day by which [`Self::working_days_between`]
    /// reaches `days`, found by doubling a bound and halving the gap, so it
    /// takes a few dozen counts however far away it lies.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> Reckoned<NaiveDate> {
        if days == 0 {
            return known(start);
        }
        let reaches = |day: NaiveDate| self.working_days_between(start, day).value >= days;
        let mut below = start;
        let mut span = u64::from(days);
        let mut above = loop {
            match start.checked_add_days(Days::new(span)) {
                Some(day) if reaches(day) => break day,
                Some(day) => below = day,
                None => break NaiveDate::MAX,
            }
            span *= 2;
        };
        // `below` falls short, `above` reaches: close the gap.
        while below.succ_opt().is_some_and(|next| next < above) {
            let half = (above - below).num_days() / 2;
            let middle = below + chrono::Duration::days(half);
            if reaches(middle) {
                above = middle;
            } else {
                below = middle;
            }
        }
        Reckoned {
            value: above,
            unknown_year: self.first_unknown_year(start.succ_opt().unwrap_or(above), above),
        }
    }

    /// Working days `d` with `after < d <= until`: the weekdays of the
    /// range, counted over whole weeks, less the official holidays that
    /// fall on them, plus the weekend days worked in exchange. Its cost
    /// grows with the holidays in the range, not with its length.
    pub fn working_days_between(&self, after: NaiveDate, until: NaiveDate) -> Reckoned<u32> {
        let Some(first) = after.succ_opt().filter(|first| *first <= until) else {
            return known(0);
        };
        let mut count = weekdays_through(until) - weekdays_through(after);
        for (year, schedule) in self.years.range(first.year()..=until.year()) {
            let in_year = |d: &&NaiveDate| d.year() == *year;
            let weekdays_off = schedule
                .holidays
                .range(first..=until)
                .filter(in_year)
                .filter(|d| !is_weekend(**d) && !schedule.workdays.contains(*d))
                .count();
            let weekends_worked = schedule
                .workdays
                .range(first..=until)
                .filter(in_year)
                .filter(|d| is_weekend(**d))
                .count();
            count += weekends_worked as i64 - weekdays_off as i64;
        }
        Reckoned {
            value: u32::try_from(count.max(0)).unwrap_or(u32::MAX),
            unknown_year: self.first_unknown_year(first, until),
        }
    }

    /// The first year from `first`'s to `last`'s without a schedule.
    fn first_unknown_year(&self, first: NaiveDate, last: NaiveDate) -> Option<i32> {
        let mut year = first.year();
        for known in self.years.range(year..=last.year()).map(|(y, _)| *y) {
            if known != year {
                return Some(year);
            }
            year += 1;
        }
        (year <= last.year()).then_some(year)
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Weekdays from Monday 1 January of year 1 up to and including `day`.
fn weekdays_through(day: NaiveDate) -> i64 {
    let days = i64::from(day.num_days_from_ce());
    days.div_euclid(7) * 5 + days.rem_euclid(7).min(5)
}

fn known<T>(value: T) -> Reckoned<T> {
    Reckoned {
        value,
        unknown_year: None,
    }
}
