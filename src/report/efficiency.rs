//! 效能监察 over a period: per department, its tasks open, overdue, decided
//! on time and late, and the median working days they took; per 一件事
//! service, the cases finished within the promise and where the time went,
//! stage by department. Counted by `domain::efficiency`; here only the
//! period is chosen and every configured department listed.

use super::Period;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::case::Case;
use crate::domain::efficiency::{self, BundleShare, DepartmentLoad};
use crate::domain::ids::DayRule;

/// The cases a period can speak of: accepted by its last day.
fn accepted_by(cases: &[Case], period: Period) -> Vec<&Case> {
    cases
        .iter()
        .filter(|c| c.accepted_on.is_some_and(|day| day <= period.to))
        .collect()
}

/// Every department's tasks among `cases`: those decided within the
/// period, and those still open, overdue as of its last day. Every
/// department in `departments` (codes, in order) is listed, then any other
/// a task names.
pub fn department_loads(
    cases: &[Case],
    departments: &[String],
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    period: Period,
) -> Vec<DepartmentLoad> {
    let cases = accepted_by(cases, period);
    let mut counted =
        efficiency::department_loads(cases.into_iter(), calendar, day_rule, period.to, |day| {
            period.contains(day)
        });
    let mut loads: Vec<DepartmentLoad> = departments
        .iter()
        .map(
            |code| match counted.iter().position(|l| &l.department == code) {
                Some(at) => counted.remove(at),
                None => DepartmentLoad {
                    department: code.clone(),
                    ..DepartmentLoad::default()
                },
            },
        )
        .collect();
    loads.append(&mut counted);
    loads
}

/// Each 一件事 service in `services` (code and promised working days)
/// against its promise, over the cases finished within the period.
pub fn bundle_shares(
    cases: &[Case],
    services: &[(String, u32)],
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    period: Period,
) -> Vec<BundleShare> {
    let cases = accepted_by(cases, period);
    efficiency::bundle_shares(&cases, services, calendar, day_rule, |day| {
        period.contains(day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_days::{calendar, d, rule};

    #[test]
    fn every_department_is_listed_in_order_even_without_tasks() {
        let period = Period::new(d(2), d(6)).unwrap();
        let departments = ["scjg".to_owned(), "sw".to_owned()];
        let loads = department_loads(&[], &departments, &calendar(), &rule(), period);
        assert_eq!(
            loads,
            [
                DepartmentLoad {
                    department: "scjg".into(),
                    ..DepartmentLoad::default()
                },
                DepartmentLoad {
                    department: "sw".into(),
                    ..DepartmentLoad::default()
                },
            ]
        );
        let services = [("ZWFW-001".to_owned(), 3)];
        let shares = bundle_shares(&[], &services, &calendar(), &rule(), period);
        assert_eq!((shares[0].finished, shares[0].share()), (0, None));
    }
}
