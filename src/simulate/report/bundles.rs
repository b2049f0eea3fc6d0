//! What the 一件事 cases came to, from what the simulation did to them:
//! per service the share finished within the promise, per department the
//! working days its tasks took, and who held cases up.
//!
//! Days are counted in working days of the hall's calendar, as the hub
//! counts them: a task took the working days after its stage opened up to
//! the day it was decided, less those it waited for a correction; it is
//! late when decided after its stage's opening plus its own days and wait.
//! A case is within the promise when approved on or before its acceptance
//! plus the promised working days plus the working days its clock stood
//! still for corrections.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::simulate::model::bundles::WorkTime;

/// What `held up` means, as the report prints it.
pub const HELD_UP: &str = "held up by: in each approved case, the department whose task was decided last in the case's longest stage (office time from the stage's opening to its last decision); ties by department code";

/// One department's task of a 一件事 case, as the simulation ran it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    pub department: String,
    /// Working days promised for it from its stage's opening.
    pub days: u32,
    pub decided: Option<WorkTime>,
    /// The correction it asked for: the working days asked and brought.
    pub correction: Option<(u32, Option<u32>)>,
}

impl TaskRecord {
    /// Working days it waited for its correction.
    fn waited(&self) -> u32 {
        self.correction
            .and_then(|(asked, back)| back.map(|b| b.saturating_sub(asked)))
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageRecord {
    pub opened: Option<WorkTime>,
    pub tasks: Vec<TaskRecord>,
}

/// One 一件事 case as the simulation ran it.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleRecord {
    pub service: String,
    pub promised_days: u32,
    /// The working day it was accepted.
    pub accepted: u32,
    pub stages: Vec<StageRecord>,
    /// The case's clock stopped for corrections: the working day the
    /// first was asked for, and the day the applicant brought them.
    pub waits: Vec<(u32, Option<u32>)>,
}

impl BundleRecord {
    fn approved(&self) -> bool {
        (self.stages.iter().flat_map(|s| &s.tasks)).all(|t| t.decided.is_some())
    }

    /// The working day it was approved on.
    fn approved_on(&self) -> Option<u32> {
        let last = self.stages.last()?;
        (self.approved())
            .then(|| last.tasks.iter().filter_map(|t| t.decided).max())
            .flatten()
            .map(|t| t.day)
    }

    fn due(&self) -> u32 {
        let stopped: u32 = (self.waits.iter())
            .filter_map(|(asked, back)| back.map(|b| b.saturating_sub(*asked)))
            .sum();
        self.accepted + self.promised_days + stopped
    }

    /// The department of [`HELD_UP`], for an approved case.
    pub fn held_up_by(&self) -> Option<&str> {
        if !self.approved() {
            return None;
        }
        let mut longest: Option<(i64, WorkTime, &StageRecord)> = None;
        for stage in &self.stages {
            let last = stage.tasks.iter().filter_map(|t| t.decided).max()?;
            let span = last.since(stage.opened?);
            if longest.is_none_or(|(l, _, _)| span > l) {
                longest = Some((span, last, stage));
            }
        }
        let (_, last, stage) = longest?;
        (stage.tasks.iter())
            .filter(|t| t.decided == Some(last))
            .map(|t| t.department.as_str())
            .min()
    }
}

/// What the 一件事 figures are built from.
#[derive(Clone, Debug, Default)]
pub struct BundleRecords {
    /// Working days the run went on after the hall day.
    pub days: u32,
    pub cases: Vec<BundleRecord>,
    /// Single cases each department decided: on the hall day, each a task
    /// of no working days.
    pub single_decided: BTreeMap<String, u32>,
    /// The 一件事 services, code and name, in the catalogue's order.
    pub services: Vec<(String, String)>,
    /// Department codes and names.
    pub department_names: BTreeMap<String, String>,
}

/// One 一件事 service against its promise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceFigures {
    pub service: String,
    pub name: String,
    pub promised_days: u32,
    /// Accepted on the hall day.
    pub cases: u32,
    /// Decided (a simulated 一件事 is approved, never rejected).
    pub finished: u32,
    /// Approved on or before the promised date.
    pub within: u32,
    /// `within` as a percentage of `finished`.
    pub share: Option<f64>,
    /// Still with the departments when the run ended.
    pub open: u32,
    /// The department that held up most of its cases, and how many.
    pub held_up_most: Option<(String, u32)>,
}

/// One department's tasks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepartmentFigures {
    pub department: String,
    pub name: String,
    /// 一件事 tasks decided.
    pub tasks: u32,
    /// Of which after their own due date.
    pub late: u32,
    /// The median working days a decided 一件事 task took.
    pub median_days: Option<f64>,
    /// Approved cases it held up.
    pub held_up: u32,
    /// Every task decided, single cases included, as the supervisor's
    /// view counts them; and their median working days.
    pub all_tasks: u32,
    pub all_median_days: Option<f64>,
}

/// The 一件事 cases of a simulated day, followed to their end.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BundleFigures {
    pub days: u32,
    pub services: Vec<ServiceFigures>,
    /// The department that held up the most approved cases.
    pub held_up_most: Option<String>,
    pub departments: Vec<DepartmentFigures>,
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

/// The most counted, ties by the smallest key.
fn most(counts: &BTreeMap<&str, u32>) -> Option<(String, u32)> {
    let top = counts.values().copied().max()?;
    let (department, _) = counts.iter().find(|(_, n)| **n == top)?;
    Some(((*department).to_owned(), top))
}

fn service_figures(r: &BundleRecords, code: &str, name: &str) -> ServiceFigures {
    let cases: Vec<&BundleRecord> = r.cases.iter().filter(|c| c.service == code).collect();
    let approved_on: Vec<(u32, u32)> = (cases.iter())
        .filter_map(|c| c.approved_on().map(|d| (d, c.due())))
        .collect();
    let mut held_up: BTreeMap<&str, u32> = BTreeMap::new();
    for department in cases.iter().filter_map(|c| c.held_up_by()) {
        *held_up.entry(department).or_default() += 1;
    }
    let finished = approved_on.len() as u32;
    let within = approved_on.iter().filter(|(d, due)| d <= due).count() as u32;
    ServiceFigures {
        service: code.to_owned(),
        name: name.to_owned(),
        promised_days: cases.first().map_or(0, |c| c.promised_days),
        cases: cases.len() as u32,
        finished,
        within,
        share: (finished > 0).then(|| f64::from(within) * 100.0 / f64::from(finished)),
        open: cases.len() as u32 - finished,
        held_up_most: most(&held_up),
    }
}

/// Per department: days each decided 一件事 task took, and its late ones.
fn task_days(cases: &[BundleRecord]) -> BTreeMap<&str, (Vec<u32>, u32)> {
    let mut by_department: BTreeMap<&str, (Vec<u32>, u32)> = BTreeMap::new();
    for stage in cases.iter().flat_map(|c| &c.stages) {
        let Some(opened) = stage.opened else {
            continue;
        };
        for task in &stage.tasks {
            let Some(decided) = task.decided else {
                continue;
            };
            let (days, late) = by_department.entry(&task.department).or_default();
            let elapsed = decided.day - opened.day;
            days.push(elapsed.saturating_sub(task.waited()));
            *late += u32::from(elapsed > task.days + task.waited());
        }
    }
    by_department
}

impl BundleFigures {
    pub fn build(r: &BundleRecords) -> BundleFigures {
        let tasks = task_days(&r.cases);
        let mut held_up: BTreeMap<&str, u32> = BTreeMap::new();
        for department in r.cases.iter().filter_map(|c| c.held_up_by()) {
            *held_up.entry(department).or_default() += 1;
        }
        let departments = (tasks.iter())
            .map(|(department, (days, late))| {
                let singles = r.single_decided.get(*department).copied().unwrap_or(0);
                let mut all = days.clone();
                all.extend(std::iter::repeat_n(0, singles as usize));
                DepartmentFigures {
                    department: (*department).to_owned(),
                    name: r
                        .department_names
                        .get(*department)
                        .cloned()
                        .unwrap_or_default(),
                    tasks: days.len() as u32,
                    late: *late,
                    median_days: median(days.clone()),
                    held_up: held_up.get(department).copied().unwrap_or(0),
                    all_tasks: all.len() as u32,
                    all_median_days: median(all),
                }
            })
            .collect();
        BundleFigures {
            days: r.days,
            services: (r.services.iter())
                .map(|(code, name)| service_figures(r, code, name))
                .collect(),
            held_up_most: most(&held_up).map(|(d, _)| d),
            departments,
        }
    }

    /// Columns as wide as `width` terminal cells, a Chinese character two.
    fn label(text: &str, width: usize) -> String {
        let wide = text.chars().filter(|c| !c.is_ascii()).count();
        format!("{text:<w$}", w = width.saturating_sub(wide))
    }

    fn write_services(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.services {
            let share = s.share.map_or("—".to_owned(), |p| format!("{p:.1}%"));
            let held = (s.held_up_most.as_ref()).map_or("—".to_owned(), |(d, n)| {
                format!("{d} ({n} of {})", s.finished)
            });
            writeln!(
                f,
                "{} {:>5} {:>8} {:>4} {:>12} within {:>2} working days {:>7}   held up most by {held}",
                Self::label(&format!("{} {}", s.service, s.name), 40),
                s.cases,
                s.finished,
                s.open,
                s.within,
                s.promised_days,
                share,
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for BundleFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "一件事 cases, followed over {} more working days of the hall's calendar:",
            self.days
        )?;
        writeln!(
            f,
            "{} cases finished open   on time (of finished)",
            Self::label("service", 40)
        )?;
        self.write_services(f)?;
        writeln!(f, "{HELD_UP}")?;
        writeln!(
            f,
            "held up most: {}",
            self.held_up_most.as_deref().unwrap_or("—")
        )?;
        writeln!(
            f,
            "{} 一件事 tasks  late  held up  median days | all tasks  median days",
            Self::label("department", 24)
        )?;
        let days = |d: Option<f64>| d.map_or("—".to_owned(), |d| format!("{d:.1}"));
        for d in &self.departments {
            writeln!(
                f,
                "{} {:>12} {:>5} {:>8} {:>12} | {:>9} {:>12}",
                Self::label(&format!("{} {}", d.department, d.name), 24),
                d.tasks,
                d.late,
                d.held_up,
                days(d.median_days),
                d.all_tasks,
                days(d.all_median_days),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, office: i64) -> Option<WorkTime> {
        Some(WorkTime { day, office })
    }

    fn task(department: &str, days: u32, decided: Option<WorkTime>) -> TaskRecord {
        TaskRecord {
            department: department.into(),
            days,
            decided,
            correction: None,
        }
    }

    fn case(tasks: Vec<TaskRecord>) -> BundleRecord {
        BundleRecord {
            service: "K".into(),
            promised_days: 3,
            accepted: 0,
            stages: vec![StageRecord {
                opened: at(0, 100),
                tasks,
            }],
            waits: Vec::new(),
        }
    }

    fn records(cases: Vec<BundleRecord>) -> BundleRecords {
        BundleRecords {
            days: 6,
            cases,
            single_decided: BTreeMap::from([("a".to_owned(), 3)]),
            services: vec![("K".into(), "开办企业一件事".into())],
            department_names: BTreeMap::new(),
        }
    }

    #[test]
    fn the_promise_counts_from_acceptance_and_stops_for_corrections() {
        let on_day_3 = case(vec![task("a", 1, at(1, 0)), task("b", 2, at(3, 50))]);
        let mut late = case(vec![task("a", 1, at(0, 500)), task("b", 2, at(5, 0))]);
        let mut stopped = late.clone();
        stopped.waits.push((1, Some(4)));
        stopped.stages[0].tasks[1].correction = Some((1, Some(4)));
        late.stages[0].tasks[0].decided = at(0, 400);
        let open = case(vec![task("a", 1, at(0, 500)), task("b", 2, None)]);
        let figures = BundleFigures::build(&records(vec![on_day_3, late, stopped, open]));
        let k = &figures.services[0];
        assert_eq!((k.cases, k.finished, k.within, k.open), (4, 3, 2, 1));
        assert_eq!(k.share, Some(200.0 / 3.0));
        assert_eq!(k.held_up_most, Some(("b".to_owned(), 3)));
        let b = &figures.departments[1];
        // Days 3, 5 and 5 − 3 waited; late when past 2 + its wait.
        assert_eq!((b.tasks, b.late, b.median_days), (3, 2, Some(3.0)));
        let a = &figures.departments[0];
        assert_eq!((a.tasks, a.median_days, a.held_up), (4, Some(0.0), 0));
        assert_eq!((a.all_tasks, a.all_median_days), (7, Some(0.0)));
        assert_eq!(figures.held_up_most.as_deref(), Some("b"));
        assert!(figures.to_string().contains("66.7%"), "{figures}");
    }

    #[test]
    fn the_longest_stage_names_who_held_a_case_up() {
        let mut two = case(vec![task("z", 1, at(1, 0)), task("a", 1, at(1, 0))]);
        two.stages.push(StageRecord {
            opened: at(1, 0),
            tasks: vec![task("c", 5, at(1, 900))],
        });
        assert_eq!(two.held_up_by(), Some("a"), "a tie goes by code");
        two.stages[1].tasks[0].decided = at(2, 0);
        assert_eq!(two.held_up_by(), Some("c"), "the second stage is longer");
        two.stages[1].tasks[0].decided = None;
        assert_eq!(two.held_up_by(), None, "not approved");
    }
}
