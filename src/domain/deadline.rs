//! A case's promised time limit in working days, and how near it is.
//!
//! The clock starts the day after acceptance. It adds, in working days:
//! - an approved extension (延期);
//! - time that by law does not count (hearings, inspection, testing, expert
//!   review), every working day from its first day to its last;
//! - the wait for a correction (补正): every working day after the request up
//!   to and including the day the citizen resubmits. While a correction is
//!   outstanding the clock is stopped and there is no due date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::{Reckoned, WorkingCalendar};

/// Days a case's clock did not run, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Everything the due date depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseClock {
    pub accepted_on: Option<NaiveDate>,
    pub promised_days: u32,
    pub extension_days: u32,
    /// Time that by law does not count.
    pub excluded: Vec<DaySpan>,
    /// Corrections: requested on, resubmitted on (none while outstanding).
    pub pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// Working days `d` with `after < d <= until`, in time independent of the
/// range's length (see [`WorkingCalendar::working_days_between`]).
pub fn working_days_between(
    calendar: &WorkingCalendar,
    after: NaiveDate,
    until: NaiveDate,
) -> Reckoned<u32> {
    calendar.working_days_between(after, until)
}

/// The due date, or none before acceptance and while the clock is stopped.
pub fn due_date(calendar: &WorkingCalendar, clock: &CaseClock) -> Reckoned<Option<NaiveDate>> {
    let stopped = clock.pauses.iter().any(|(_, resumed)| resumed.is_none());
    let Some(accepted) = clock.accepted_on.filter(|_| !stopped) else {
        return Reckoned {
            value: None,
            unknown_year: None,
        };
    };
    let mut unknown_year = None;
    let mut extra = clock.extension_days;
    for span in &clock.excluded {
        let days =
            working_days_between(calendar, span.from.pred_opt().unwrap_or(span.from), span.to);
        unknown_year = unknown_year.or(days.unknown_year);
        extra += days.value;
    }
    for (requested, resumed) in &clock.pauses {
        let days = working_days_between(calendar, *requested, resumed.unwrap_or(*requested));
        unknown_year = unknown_year.or(days.unknown_year);
        extra += days.value;
    }
    let due = calendar.add_working_days(accepted, clock.promised_days + extra);
    Reckoned {
        value: Some(due.value),
        unknown_year: unknown_year.or(due.unknown_year),
    }
}

/// The supervision card a case earns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Card {
    /// Few working days left (黄牌预警).
    Yellow,
    /// Overdue (红牌督办).
    Red,
}

/// The card for a case due on `due`, seen on `today`.
pub fn card(
    calendar: &WorkingCalendar,
    today: NaiveDate,
    due: NaiveDate,
    yellow_days: u32,
) -> Option<Card> {
    if today > due {
        Some(Card::Red)
    } else if working_days_between(calendar, today, due).value <= yellow_days {
        Some(Card::Yellow)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::calendar::YearSchedule;

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    /// March 2026 has no holidays: weekends only.
    fn calendar() -> WorkingCalendar {
        WorkingCalendar::new(BTreeMap::from([(2026, YearSchedule::default())]))
    }

    fn clock(promised_days: u32) -> CaseClock {
        CaseClock {
            accepted_on: Some(d(3, 2)), // Monday
            promised_days,
            ..CaseClock::default()
        }
    }

    #[test]
    fn no_acceptance_no_due_date() {
        assert_eq!(due_date(&calendar(), &CaseClock::default()).value, None);
    }

    #[test]
    fn a_correction_stops_the_clock_and_its_wait_is_added() {
        let mut c = clock(3);
        assert_eq!(due_date(&calendar(), &c).value, Some(d(3, 5)));
        // Requested Tuesday 3rd, outstanding: no due date.
        c.pauses.push((d(3, 3), None));
        assert_eq!(due_date(&calendar(), &c).value, None);
        // Resubmitted Friday 6th: Wed, Thu, Fri do not count → Tue 10th.
        c.pauses[0].1 = Some(d(3, 6));
        assert_eq!(due_date(&calendar(), &c).value, Some(d(3, 10)));
    }

    #[test]
    fn excluded_time_counts_its_working_days_from_first_to_last() {
        let mut c = clock(3);
        // Friday 6th to Monday 9th: two working days.
        c.excluded.push(DaySpan {
            from: d(3, 6),
            to: d(3, 9),
        });
        assert_eq!(due_date(&calendar(), &c).value, Some(d(3, 9)));
        c.extension_days = 2;
        assert_eq!(due_date(&calendar(), &c).value, Some(d(3, 11)));
    }

    #[test]
    fn cards_turn_yellow_then_red() {
        let cal = calendar();
        let due = d(3, 5); // Thursday
        assert_eq!(card(&cal, d(3, 3), due, 1), None, "two working days left");
        assert_eq!(card(&cal, d(3, 4), due, 1), Some(Card::Yellow), "one left");
        assert_eq!(
            card(&cal, d(3, 5), due, 1),
            Some(Card::Yellow),
            "the due day"
        );
        assert_eq!(card(&cal, d(3, 6), due, 1), Some(Card::Red), "overdue");
        assert_eq!(
            card(&cal, d(3, 3), due, 2),
            Some(Card::Yellow),
            "a wider warning"
        );
    }

    #[test]
    fn working_days_between_skips_weekends() {
        let cal = calendar();
        assert_eq!(
            working_days_between(&cal, d(3, 6), d(3, 9)).value,
            1,
            "Sat, Sun, Mon"
        );
        assert_eq!(working_days_between(&cal, d(3, 2), d(3, 2)).value, 0);
        assert_eq!(
            working_days_between(&cal, d(3, 9), d(3, 2)).value,
            0,
            "backwards is none"
        );
    }
}
