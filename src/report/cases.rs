//! Cases per department over a period, and how many the department decided
//! within the promised time limit (按期办结率): counted here, by the rules
//! of `domain::timeliness`.

use chrono::NaiveDate;

use super::Period;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::case::{Case, CaseState};
use crate::domain::ids::DayRule;
use crate::domain::timeliness::{Timeliness, on_time_rate};

/// One department's cases over the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepartmentCases {
    /// The department's code.
    pub department: String,
    /// Opened at the front desk (收件): accepted, waiting for materials, or refused.
    pub opened: u32,
    /// Accepted (受理): the clock started.
    pub accepted: u32,
    /// Not accepted (不予受理).
    pub refused: u32,
    pub approved: u32,
    pub rejected: u32,
    /// The result handed over or mailed (出件).
    pub closed: u32,
    /// Decided on or before the due date.
    pub on_time: u32,
    /// Decided after the due date.
    pub late: u32,
    /// Still with the department at the end of the period, past due.
    pub overdue_open: u32,
}

impl DepartmentCases {
    /// Decided late, or still open past due.
    pub fn overdue(&self) -> u32 {
        self.late + self.overdue_open
    }

    /// Decided on time as a percentage of decided; none when none were.
    pub fn compliance(&self) -> Option<f64> {
        on_time_rate(self.on_time, self.late)
    }
}

/// Counts `cases` per department, listing every department in `departments`
/// (codes, in order) and after them any other department a case names.
pub fn by_department(
    cases: &[Case],
    departments: &[String],
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    period: Period,
) -> Vec<DepartmentCases> {
    let mut rows: Vec<DepartmentCases> = departments
        .iter()
        .map(|d| DepartmentCases {
            department: d.clone(),
            ..DepartmentCases::default()
        })
        .collect();
    for case in cases {
        let index = match rows.iter().position(|r| r.department == case.department) {
            Some(i) => i,
            None => {
                rows.push(DepartmentCases {
                    department: case.department.clone(),
                    ..DepartmentCases::default()
                });
                rows.len() - 1
            }
        };
        if let Some(row) = rows.get_mut(index) {
            count(row, case, calendar, day_rule, period);
        }
    }
    rows
}

fn count(
    row: &mut DepartmentCases,
    case: &Case,
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    period: Period,
) {
    let within = |day: Option<NaiveDate>| day.is_some_and(|d| period.contains(d));
    row.opened += u32::from(within(Some(day_rule.day_of(case.opened.at))));
    row.accepted += u32::from(within(case.accepted_on));
    row.refused += u32::from(case.state == CaseState::Refused && within(case.finished_on));
    row.closed += u32::from(within(
        case.handover.as_ref().map(|h| day_rule.day_of(h.at)),
    ));
    let decided_on = case.review.decision.as_ref().map(|d| day_rule.day_of(d.at));
    if let (Some(decision), true) = (&case.review.decision, within(decided_on)) {
        if decision.approved {
            row.approved += 1;
        } else {
            row.rejected += 1;
        }
        match case.decision_timeliness(calendar, day_rule) {
            Some((_, Timeliness::OnTime)) => row.on_time += 1,
            Some((_, Timeliness::Late)) => row.late += 1,
            None => {}
        }
    }
    row.overdue_open += u32::from(case.overdue_with_department(calendar, day_rule, period.to));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::applicant::Applicant;
    use crate::domain::bundle::Review;
    use crate::domain::case::{Correction, Decision, Delivery, DeskStamp, Handover, Raised};
    use crate::domain::ids::{ServiceCode, StaffId};
    use crate::domain::test_days::{at, calendar, d, rule};

    /// A case of `department` accepted on Monday the 2nd, one working day
    /// promised: due Tuesday the 3rd.
    fn accepted(department: &str) -> Case {
        let clerk = StaffId("1001".into());
        Case {
            number: "202603020001".into(),
            service: ServiceCode("SCJG-001".into()),
            department: department.into(),
            applicant: Applicant::new("张三", "11010519491231002X", "13812345678")
                .unwrap()
                .into(),
            materials: Vec::new(),
            delivery: Delivery::Pickup,
            state: CaseState::Accepted,
            opened: DeskStamp {
                staff: clerk,
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

    fn decided(mut case: Case, day: u32, approved: bool) -> Case {
        case.state = if approved {
            CaseState::Approved
        } else {
            CaseState::Rejected
        };
        case.review.decision = Some(Decision {
            approved,
            reason: String::new(),
            by: StaffId("2001".into()),
            at: at(day),
        });
        case
    }

    fn report(cases: &[Case], from: u32, to: u32) -> Vec<DepartmentCases> {
        let period = Period::new(d(from), d(to)).unwrap();
        by_department(
            cases,
            &["scjg".into(), "sw".into()],
            &calendar(),
            &rule(),
            period,
        )
    }

    #[test]
    fn counts_each_step_on_the_day_it_happened() {
        let mut refused = accepted("scjg");
        refused.state = CaseState::Refused;
        refused.accepted_on = None;
        refused.finished_on = Some(d(2));
        let mut closed = decided(accepted("scjg"), 2, true);
        closed.state = CaseState::Closed;
        closed.handover = Some(Handover {
            collected_by: Some(crate::domain::personal::Personal::clear("张三".to_owned())),
            tracking: None,
            by: StaffId("3001".into()),
            at: at(4),
        });
        let cases = [
            refused,
            closed,
            decided(accepted("scjg"), 2, false),
            accepted("xx"),
        ];
        let rows = report(&cases, 2, 2);
        assert_eq!(
            rows.len(),
            3,
            "every configured department, then the unknown one"
        );
        let scjg = &rows[0];
        assert_eq!(
            (
                scjg.opened,
                scjg.accepted,
                scjg.refused,
                scjg.approved,
                scjg.rejected,
                scjg.closed
            ),
            (3, 2, 1, 1, 1, 0)
        );
        assert_eq!((scjg.on_time, scjg.late, scjg.overdue_open), (2, 0, 0));
        assert_eq!(scjg.compliance(), Some(100.0));
        assert_eq!(
            rows[1],
            DepartmentCases {
                department: "sw".into(),
                ..Default::default()
            }
        );
        assert_eq!((rows[2].department.as_str(), rows[2].accepted), ("xx", 1));
        let later = report(&cases, 3, 4);
        assert_eq!(
            (later[0].opened, later[0].closed, later[0].approved),
            (0, 1, 0)
        );
    }

    #[test]
    fn late_decisions_and_open_cases_past_due_are_overdue() {
        let cases = [decided(accepted("scjg"), 4, true), accepted("scjg")];
        // On the 2nd both are with the department, due the 3rd: not overdue.
        let day = report(&cases, 2, 2);
        assert_eq!(
            (day[0].approved, day[0].overdue(), day[0].compliance()),
            (0, 0, None)
        );
        // By the 4th one was decided a day late and the other is past due.
        let range = report(&cases, 2, 4);
        assert_eq!(
            (range[0].on_time, range[0].late, range[0].overdue_open),
            (0, 1, 1)
        );
        assert_eq!((range[0].overdue(), range[0].compliance()), (2, Some(0.0)));
        // On the 3rd, the due day, nothing is overdue yet.
        assert_eq!(report(&cases, 3, 3)[0].overdue_open, 0);
    }

    #[test]
    fn a_correction_outstanding_at_the_end_stops_the_clock() {
        let mut case = accepted("scjg");
        case.state = CaseState::Correction;
        case.review.correction = Some(Correction {
            items: vec!["补充章程".into()],
            requested_on: d(3),
            resubmitted_on: Some(d(9)),
        });
        // Seen on the 5th the correction was outstanding: no due date.
        assert_eq!(report(&[case.clone()], 5, 5)[0].overdue_open, 0);
        // Seen on the 12th: the wait (4th–9th, four working days) moved the
        // due date from the 3rd to the 9th, so it is overdue.
        assert_eq!(report(&[case], 12, 12)[0].overdue_open, 1);
    }
}
