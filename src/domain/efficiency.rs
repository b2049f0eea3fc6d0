//! 效能监察: which department holds cases up. Every department's work is a
//! task: a 一件事's task from its stage's opening to its decision, and a
//! single case from its acceptance to its department's decision, each
//! against its own due date.
//!
//! A task is *on time* when it was decided on or before its due date and
//! *late* after it; an open task past its due date is *overdue*. The
//! working days a task took are those after it opened up to the day it was
//! decided, less the days it waited for a correction. For each 一件事
//! service, the share *within the promise* is the cases approved on or
//! before the case's promised date, of all the service's approved and
//! rejected cases; and each stage's time per department is the median of
//! the working days its tasks took.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::bundle::{Desk, Review};
use super::calendar::WorkingCalendar;
use super::case::{Case, CaseState};
use super::deadline::{CaseClock, due_date, working_days_between};
use super::ids::DayRule;
use super::timeliness::Timeliness;

/// One department's tasks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DepartmentLoad {
    pub department: String,
    /// Still with the department.
    pub open: u32,
    /// Open and past their due date.
    pub overdue: u32,
    pub on_time: u32,
    pub late: u32,
    /// The median working days a decided task took.
    pub median_days: Option<f64>,
}

/// One stage's time at one department, over a service's cases.
#[derive(Clone, Debug, PartialEq)]
pub struct StageTime {
    /// From 1.
    pub stage: u32,
    pub stage_name: String,
    pub department: String,
    /// Tasks decided.
    pub decided: u32,
    pub late: u32,
    pub median_days: Option<f64>,
}

/// One 一件事 service against its promise.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleShare {
    pub service: String,
    pub promised_days: u32,
    /// Approved or rejected.
    pub finished: u32,
    /// Approved on or before the promised date.
    pub within: u32,
    pub open: u32,
    pub stages: Vec<StageTime>,
}

impl BundleShare {
    /// The share within the promise, as a percentage; none before any finished.
    pub fn share(&self) -> Option<f64> {
        (self.finished > 0).then(|| f64::from(self.within) * 100.0 / f64::from(self.finished))
    }
}

/// One task's facts, as the figures need them.
struct TaskFacts<'a> {
    department: &'a str,
    stage: Option<(u32, &'a str)>,
    open: bool,
    due: Option<NaiveDate>,
    decided_on: Option<NaiveDate>,
    days_taken: Option<u32>,
}

/// The working days after `opened` up to `decided`, less those waiting
/// for a correction.
fn days_taken(
    calendar: &WorkingCalendar,
    review: &Review,
    opened: NaiveDate,
    decided: NaiveDate,
) -> u32 {
    let waited = review.pause().map_or(0, |(asked, back)| {
        working_days_between(calendar, asked, back.unwrap_or(decided).min(decided)).value
    });
    working_days_between(calendar, opened, decided)
        .value
        .saturating_sub(waited)
}

fn task_facts<'a>(
    case: &'a Case,
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
) -> Vec<TaskFacts<'a>> {
    let fact = |department: &'a str,
                stage: Option<(u32, &'a str)>,
                review: &Review,
                clock: CaseClock,
                open: bool| {
        let opened = clock.accepted_on;
        let decided_on = review.decision.as_ref().map(|d| day_rule.day_of(d.at));
        TaskFacts {
            department,
            stage,
            open,
            due: due_date(calendar, &clock).value,
            decided_on,
            days_taken: opened
                .zip(decided_on)
                .map(|(o, d)| days_taken(calendar, review, o, d)),
        }
    };
    let Some(bundle) = &case.bundle else {
        let clock = case.clock();
        return (case.accepted_on.is_some())
            .then(|| {
                fact(
                    &case.department,
                    None,
                    &case.review,
                    clock,
                    case.state.in_department(),
                )
            })
            .into_iter()
            .collect();
    };
    bundle
        .tasks()
        .filter_map(|(desk, t)| {
            let Desk::Task { stage, .. } = desk else {
                return None;
            };
            let s = &bundle.stages[stage];
            s.opened_on?;
            let open = t.state.open() && case.state.in_department();
            let clock = bundle.task_clock(desk)?;
            Some(fact(
                &t.department,
                Some((stage as u32 + 1, s.name.as_str())),
                &t.review,
                clock,
                open,
            ))
        })
        .collect()
}

fn median(mut days: Vec<u32>) -> Option<f64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(days[n / 2])),
        _ => Some(f64::from(days[n / 2 - 1] + days[n / 2]) / 2.0),
    }
}

/// Every department's tasks among `cases` as of `today`: open ones now,
/// decided ones when `counts` takes the day they were decided.
pub fn department_loads<'a>(
    cases: impl Iterator<Item = &'a Case>,
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    today: NaiveDate,
    counts: impl Fn(NaiveDate) -> bool,
) -> Vec<DepartmentLoad> {
    let mut loads: BTreeMap<&str, (DepartmentLoad, Vec<u32>)> = BTreeMap::new();
    for case in cases {
        for t in task_facts(case, calendar, day_rule) {
            let (load, days) = loads.entry(t.department).or_default();
            if t.open {
                load.open += 1;
                load.overdue += u32::from(t.due.is_some_and(|due| due < today));
            }
            if let Some(decided) = t.decided_on.filter(|d| counts(*d)) {
                match t.due.is_some_and(|due| decided > due) {
                    true => load.late += 1,
                    false => load.on_time += 1,
                }
                days.extend(t.days_taken);
            }
        }
    }
    loads
        .into_iter()
        .map(|(department, (load, days))| DepartmentLoad {
            department: department.to_owned(),
            median_days: median(days),
            ..load
        })
        .collect()
}

/// Decided tasks, late ones and days taken, by stage, stage name and department.
type Times<'a> = BTreeMap<(u32, &'a str, &'a str), (u32, u32, Vec<u32>)>;

/// Each 一件事 service among `cases` against its promise, with the cases
/// finished on a day `counts` takes, in the order of `services` (each with
/// its promised working days).
pub fn bundle_shares(
    cases: &[&Case],
    services: &[(String, u32)],
    calendar: &WorkingCalendar,
    day_rule: &DayRule,
    counts: impl Fn(NaiveDate) -> bool,
) -> Vec<BundleShare> {
    services
        .iter()
        .map(|(service, promised_days)| {
            let mut share = BundleShare {
                service: service.clone(),
                promised_days: *promised_days,
                finished: 0,
                within: 0,
                open: 0,
                stages: Vec::new(),
            };
            let mut times = Times::new();
            let of_service = cases
                .iter()
                .filter(|c| c.bundle.is_some() && &c.service.0 == service);
            for case in of_service {
                share.open += u32::from(case.state.in_department());
                let decided = case.decision_timeliness(calendar, day_rule);
                if let Some((_, timeliness)) = decided.filter(|(d, _)| counts(*d)) {
                    share.finished += 1;
                    share.within += u32::from(
                        case.state != CaseState::Rejected && timeliness == Timeliness::OnTime,
                    );
                }
                tally_stages(&mut times, task_facts(case, calendar, day_rule), &counts);
            }
            share.stages = times
                .into_iter()
                .map(
                    |((stage, name, department), (decided, late, days))| StageTime {
                        stage,
                        stage_name: name.to_owned(),
                        department: department.to_owned(),
                        decided,
                        late,
                        median_days: median(days),
                    },
                )
                .collect();
            share
        })
        .collect()
}

fn tally_stages<'a>(
    times: &mut Times<'a>,
    tasks: Vec<TaskFacts<'a>>,
    counts: &impl Fn(NaiveDate) -> bool,
) {
    for t in tasks {
        let (Some((stage, name)), Some(decided)) = (t.stage, t.decided_on) else {
            continue;
        };
        if counts(decided) {
            let entry = times.entry((stage, name, t.department)).or_default();
            entry.0 += 1;
            entry.1 += u32::from(t.due.is_some_and(|due| decided > due));
            entry.2.extend(t.days_taken);
        }
    }
}
