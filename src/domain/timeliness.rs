//! Whether a department keeps its promise (按期办结), and where a case
//! stands against its limit today.
//!
//! A department's clock stops at its decision, so a case is on time when it
//! was approved or rejected on or before its due date; when the result is
//! collected does not count against the department. A case still with the
//! department at the end of a day is overdue when its due date, as it stood
//! that day, has passed. The on-time rate (按期办结率) is the cases decided
//! on time as a share of all decided.

use chrono::NaiveDate;

use super::calendar::WorkingCalendar;
use super::case::Case;
use super::deadline::{Card, card, due_date, working_days_between};
use super::ids::DayRule;

/// A decision against its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeliness {
    OnTime,
    Late,
}

/// Where a case stands against its limit on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// While the department's clock runs.
    pub due: Option<NaiveDate>,
    /// Working days from the day to the due date; negative when overdue.
    pub working_days_left: Option<i64>,
    pub card: Option<Card>,
    /// A year the due date needs that the calendar lacks.
    pub unknown_year: Option<i32>,
}

impl Case {
    /// The day the department decided, and whether that kept the promise;
    /// none before a decision or for a case never accepted.
    pub fn decision_timeliness(
        &self,
        calendar: &WorkingCalendar,
        day_rule: &DayRule,
    ) -> Option<(NaiveDate, Timeliness)> {
        let decided_on = day_rule.day_of(self.review.decision.as_ref()?.at);
        let due = self.due(calendar)?;
        let timeliness = if decided_on <= due {
            Timeliness::OnTime
        } else {
            Timeliness::Late
        };
        Some((decided_on, timeliness))
    }

    /// Whether the case was still with the department at the end of `day`
    /// with its due date, as it stood that day, passed.
    pub fn overdue_with_department(
        &self,
        calendar: &WorkingCalendar,
        day_rule: &DayRule,
        day: NaiveDate,
    ) -> bool {
        let decided_on = self.review.decision.as_ref().map(|d| day_rule.day_of(d.at));
        let with_department =
            self.accepted_on.is_some_and(|d| d <= day) && decided_on.is_none_or(|d| d > day);
        with_department && self.due_as_of(calendar, day).is_some_and(|due| due < day)
    }

    /// The due date as it stood at the end of `day`: corrections requested
    /// later had not happened, resubmissions after it had not come, excluded
    /// time beginning later had not begun.
    pub fn due_as_of(&self, calendar: &WorkingCalendar, day: NaiveDate) -> Option<NaiveDate> {
        let mut clock = self.clock();
        clock.pauses = clock
            .pauses
            .into_iter()
            .filter(|(requested, _)| *requested <= day)
            .map(|(requested, resumed)| (requested, resumed.filter(|r| *r <= day)))
            .collect();
        clock.excluded.retain(|span| span.from <= day);
        due_date(calendar, &clock).value
    }

    /// The due date while the department's clock runs, the working days
    /// left to it on `today` (negative past it), and the card it earns.
    pub fn standing(
        &self,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        yellow_days: u32,
    ) -> Standing {
        let due = due_date(calendar, &self.clock());
        let Some(due_day) = due.value.filter(|_| self.state.in_department()) else {
            return Standing {
                unknown_year: due.unknown_year,
                ..Standing::default()
            };
        };
        Standing {
            due: Some(due_day),
            working_days_left: Some(working_days_left(calendar, today, due_day)),
            card: card(calendar, today, due_day, yellow_days),
            unknown_year: due.unknown_year,
        }
    }
}

/// Working days from `today` to `due`: positive before it, zero on it,
/// negative (the working days overdue) after it.
pub fn working_days_left(calendar: &WorkingCalendar, today: NaiveDate, due: NaiveDate) -> i64 {
    if today > due {
        -i64::from(working_days_between(calendar, due, today).value)
    } else {
        i64::from(working_days_between(calendar, today, due).value)
    }
}

/// 按期办结率: decided on time as a percentage of decided; none when none were.
pub fn on_time_rate(on_time: u32, late: u32) -> Option<f64> {
    let decided = on_time + late;
    (decided > 0).then(|| f64::from(on_time) * 100.0 / f64::from(decided))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::applicant::Applicant;
    use crate::domain::bundle::Review;
    use crate::domain::case::{CaseState, Correction, Decision, Delivery, DeskStamp, Raised};
    use crate::domain::ids::{ServiceCode, StaffId};
    use crate::domain::test_days::{at, calendar, d, rule};

    /// Accepted on Monday the 2nd, one working day promised: due Tuesday the 3rd.
    fn accepted() -> Case {
        Case {
            number: "202603020001".into(),
            service: ServiceCode("SCJG-001".into()),
            department: "scjg".into(),
            applicant: Applicant::new("张三", "11010519491231002X", "13812345678")
                .unwrap()
                .into(),
            materials: Vec::new(),
            delivery: Delivery::Pickup,
            state: CaseState::Accepted,
            opened: DeskStamp {
                staff: StaffId("1001".into()),
                counter: 1,
                at: at(2),
            },
            ticket: None,
            promised_days: 1,
            accepted_on: Some(d(2)),
            refusal: None,
            review: Review::default(),
            handover: None,
            raised: Raised::default(),
            rated: false,
            finished_on: None,
            bundle: None,
        }
    }

    fn decided_on(day: u32) -> Case {
        let mut case = accepted();
        case.state = CaseState::Approved;
        case.review.decision = Some(Decision {
            approved: true,
            reason: String::new(),
            by: StaffId("2001".into()),
            at: at(day),
        });
        case
    }

    #[test]
    fn a_decision_on_the_due_day_is_on_time_and_the_day_after_late() {
        let (cal, rule) = (calendar(), rule());
        assert_eq!(
            decided_on(3).decision_timeliness(&cal, &rule),
            Some((d(3), Timeliness::OnTime))
        );
        assert_eq!(
            decided_on(4).decision_timeliness(&cal, &rule),
            Some((d(4), Timeliness::Late))
        );
        assert_eq!(accepted().decision_timeliness(&cal, &rule), None);
    }

    #[test]
    fn open_past_due_is_overdue_the_day_after_the_due_date() {
        let (cal, rule) = (calendar(), rule());
        let case = accepted();
        assert!(!case.overdue_with_department(&cal, &rule, d(3)));
        assert!(case.overdue_with_department(&cal, &rule, d(4)));
        assert!(
            !decided_on(3).overdue_with_department(&cal, &rule, d(4)),
            "decided: no longer with the department"
        );
    }

    #[test]
    fn a_correction_outstanding_stops_the_clock_as_of_that_day() {
        let mut case = accepted();
        case.state = CaseState::Correction;
        case.review.correction = Some(Correction {
            items: vec!["补充章程".into()],
            requested_on: d(3),
            resubmitted_on: Some(d(9)),
        });
        assert_eq!(case.due_as_of(&calendar(), d(5)), None);
        // The wait (4th–9th, four working days) moved the due date to the 9th.
        assert_eq!(case.due_as_of(&calendar(), d(12)), Some(d(9)));
    }

    #[test]
    fn standing_counts_working_days_left_and_overdue() {
        let cal = calendar();
        let case = accepted();
        let on_acceptance_day = case.standing(&cal, d(2), 0);
        assert_eq!(on_acceptance_day.working_days_left, Some(1));
        let monday_after = case.standing(&cal, d(9), 0);
        // Due Tuesday the 3rd; Wednesday to Monday are four working days.
        assert_eq!(monday_after.working_days_left, Some(-4));
        assert_eq!(monday_after.card, Some(Card::Red));
        assert_eq!(decided_on(2).standing(&cal, d(9), 0), Standing::default());
    }

    #[test]
    fn the_rate_is_on_time_over_decided() {
        assert_eq!(on_time_rate(3, 1), Some(75.0));
        assert_eq!(on_time_rate(0, 0), None);
    }
}
