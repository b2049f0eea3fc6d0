//! Tests of working days against the official 2026 schedule.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::calendar::{Reckoned, WorkingCalendar, YearSchedule};

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("a date in 2026")
}

/// The State Council's 2026 schedule: holidays, and the weekend days worked
/// in exchange (调休上班).
fn calendar_2026() -> WorkingCalendar {
    let holidays = [
        ((1, 1), (1, 3)),
        ((2, 15), (2, 23)),
        ((4, 4), (4, 6)),
        ((5, 1), (5, 5)),
        ((6, 19), (6, 21)),
        ((9, 25), (9, 27)),
        ((10, 1), (10, 7)),
    ]
    .into_iter()
    .flat_map(|((m1, d1), (m2, d2))| {
        date(m1, d1)
            .iter_days()
            .take_while(move |d| *d <= date(m2, d2))
    })
    .collect();
    let workdays = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
        .into_iter()
        .map(|(m, d)| date(m, d))
        .collect();
    WorkingCalendar::new(BTreeMap::from([(
        2026,
        YearSchedule { holidays, workdays },
    )]))
}

fn known<T>(value: T) -> Reckoned<T> {
    Reckoned {
        value,
        unknown_year: None,
    }
}

#[test]
fn holidays_make_up_days_and_weekends() {
    let cal = calendar_2026();
    let working = |m, d| cal.is_working_day(date(m, d));
    assert_eq!(working(10, 1), known(false), "National Day, a Thursday");
    assert_eq!(working(10, 5), known(false), "a Monday in the Golden Week");
    assert_eq!(
        working(2, 16),
        known(false),
        "a Monday in the Spring Festival"
    );
    assert_eq!(
        working(10, 10),
        known(true),
        "a Saturday worked in exchange"
    );
    assert_eq!(working(9, 20), known(true), "a Sunday worked in exchange");
    assert_eq!(working(3, 7), known(false), "an ordinary Saturday");
    assert_eq!(working(3, 8), known(false), "an ordinary Sunday");
    assert_eq!(working(3, 9), known(true), "an ordinary Monday");
    assert!(cal.knows(2026));
    assert!(!cal.knows(2027));
}

#[test]
fn a_limit_across_national_day_ends_on_the_make_up_saturday() {
    // Accepted Wednesday 30 September; counting starts the day after.
    // Oct 1–7 are the holiday; Thu 8 is day 1, Fri 9 day 2, and Sat 10 is a
    // make-up working day, so it is day 3.
    let cal = calendar_2026();
    assert_eq!(cal.add_working_days(date(9, 30), 3), known(date(10, 10)));
}

#[test]
fn a_limit_across_the_spring_festival() {
    // Accepted Friday 13 February. Sat 14 is a make-up working day (day 1);
    // Feb 15–23 are the holiday; Tue 24 is day 2 and Wed 25 day 3.
    let cal = calendar_2026();
    assert_eq!(cal.add_working_days(date(2, 13), 1), known(date(2, 14)));
    assert_eq!(cal.add_working_days(date(2, 13), 3), known(date(2, 25)));
}

#[test]
fn a_forty_five_day_limit_from_the_first_of_september() {
    // September after the 1st: 2–4 (3), 7–11 (8), 14–18 (13), Sun 20 make-up
    // (14), 21–24 (18), 25–27 off, 28–30 (21). October: 1–7 off, 8–10 (24),
    // 12–16 (29), 19–23 (34), 26–30 (39). November: 2–6 (44), Mon 9 (45).
    let cal = calendar_2026();
    assert_eq!(cal.add_working_days(date(9, 1), 45), known(date(11, 9)));
}

#[test]
fn counting_starts_the_day_after() {
    let cal = calendar_2026();
    // Monday 9 March + 3 working days is Thursday 12 March.
    assert_eq!(cal.add_working_days(date(3, 9), 3), known(date(3, 12)));
    assert_eq!(cal.add_working_days(date(3, 9), 0), known(date(3, 9)));
    // From a Friday the weekend is skipped.
    assert_eq!(cal.add_working_days(date(3, 13), 1), known(date(3, 16)));
}

#[test]
fn a_year_without_a_schedule_is_flagged() {
    let cal = calendar_2026();
    let new_year_2027 = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert_eq!(
        cal.is_working_day(new_year_2027),
        Reckoned {
            value: true,
            unknown_year: Some(2027)
        },
        "only weekends are known to be off"
    );
    // Tue 29 December + 5: Wed 30, Thu 31, then 2027 without a schedule: Fri
    // 1 January, Mon 4, Tue 5.
    assert_eq!(
        cal.add_working_days(date(12, 29), 5),
        Reckoned {
            value: NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
            unknown_year: Some(2027)
        }
    );
    // Staying inside 2026 raises no flag.
    assert_eq!(cal.add_working_days(date(12, 29), 2), known(date(12, 31)));
}

/// Working days after `after` up to `until`, one day at a time: the rule as
/// the counts must give it.
fn days_one_by_one(cal: &WorkingCalendar, after: NaiveDate, until: NaiveDate) -> Reckoned<u32> {
    let mut count = 0;
    let mut unknown_year = None;
    for day in after.iter_days().skip(1).take_while(|d| *d <= until) {
        let w = cal.is_working_day(day);
        unknown_year = unknown_year.or(w.unknown_year);
        count += u32::from(w.value);
    }
    Reckoned {
        value: count,
        unknown_year,
    }
}

/// The date `days` working days after `start`, one day at a time.
fn added_one_by_one(cal: &WorkingCalendar, start: NaiveDate, days: u32) -> Reckoned<NaiveDate> {
    let mut day = start;
    let mut left = days;
    let mut unknown_year = None;
    while left > 0 {
        day = day.succ_opt().unwrap();
        let w = cal.is_working_day(day);
        unknown_year = unknown_year.or(w.unknown_year);
        left -= u32::from(w.value);
    }
    Reckoned {
        value: day,
        unknown_year,
    }
}

/// A day from late 2025 (no schedule) through 2026 into 2027 (none either).
fn any_day() -> impl proptest::strategy::Strategy<Value = NaiveDate> {
    use proptest::strategy::Strategy;
    let first = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    (0i64..500).prop_map(move |n| first + chrono::Duration::days(n))
}

proptest::proptest! {
    #[test]
    fn counting_by_weeks_agrees_with_counting_day_by_day(
        after in any_day(),
        until in any_day(),
    ) {
        let cal = calendar_2026();
        proptest::prop_assert_eq!(
            cal.working_days_between(after, until),
            days_one_by_one(&cal, after, until)
        );
    }

    #[test]
    fn adding_by_halves_agrees_with_adding_day_by_day(start in any_day(), days in 0u32..300) {
        let cal = calendar_2026();
        proptest::prop_assert_eq!(
            cal.add_working_days(start, days),
            added_one_by_one(&cal, start, days)
        );
    }
}

#[test]
fn a_thousand_years_are_counted_and_added_alike() {
    let cal = calendar_2026();
    let far = NaiveDate::from_ymd_opt(3026, 1, 1).unwrap();
    let count = cal.working_days_between(date(1, 1), far);
    assert_eq!(count.unknown_year, Some(2027));
    let due = cal.add_working_days(date(1, 1), count.value).value;
    assert!(due <= far && cal.is_working_day(due).value);
    assert_eq!(cal.working_days_between(due, far).value, 0);
}
