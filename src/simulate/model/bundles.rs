//! 一件事 cases on their way through the departments, drawn up front: how
//! long each department's task takes, in working days of office time,
//! whether its reviewer asks for a correction, and when the applicant
//! brings it. Pure and seeded, on a stream of the seed of its own, so that
//! the hall day's citizens are the same whether or not anyone draws these.
//!
//! Office time: a working day is the hall's two sessions, 9:00–12:00 and
//! 13:30–17:00; a moment is a working day counted from the hall day (0) and
//! the office seconds worked in it.

use serde::Serialize;

use super::{Citizen, Draw, SESSIONS, Secs, Visit, after_work};
use crate::domain::guide::Guide;

/// Office seconds in a working day.
pub const WORKING_DAY: Secs = (SESSIONS[0].1 - SESSIONS[0].0) + (SESSIONS[1].1 - SESSIONS[1].0);

/// Each department's pace on its 一件事 tasks: the working days a task
/// takes, as a multiple of the days promised for it, are log-normal with
/// this mean and coefficient of variation. Most are quick; the tax bureau
/// (invoices and the tax UKey of a new business) and the environmental
/// impact review of an industrial project are slower, with a long tail.
const PACES: [(&str, f64, f64); 8] = [
    ("scjg", 0.5, 0.5),
    ("ga", 0.4, 0.5),
    ("sw", 0.9, 0.9),
    ("rs", 0.4, 0.5),
    ("fg", 0.5, 0.4),
    ("zrzy", 0.6, 0.4),
    ("sthj", 0.9, 0.6),
    ("zj", 0.5, 0.4),
];
/// The pace of a department not listed.
const OTHER_PACE: (f64, f64) = (0.6, 0.5);
/// A task with no promised days takes this pace of one day.
const MIN_DAYS: f64 = 1.0;
/// Tasks whose reviewer asks the applicant for a correction.
const CORRECTION_SHARE: f64 = 0.06;
/// Mean working days, after the first, until the applicant brings it.
const CORRECTION_BACK_DAYS: f64 = 2.0;
/// Mean working days from a task reaching the inbox to its claim.
const CLAIM_DAYS: f64 = 0.1;

/// A moment of office time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct WorkTime {
    /// Working days after the hall day, by the hall's calendar.
    pub day: u32,
    /// Office seconds worked that day, below [`WORKING_DAY`].
    pub office: Secs,
}

impl WorkTime {
    fn normalized(day: u32, office: Secs) -> WorkTime {
        let office = office.max(0);
        WorkTime {
            day: day + (office / WORKING_DAY) as u32,
            office: office % WORKING_DAY,
        }
    }

    /// The moment `total` office seconds after the hall day's opening.
    pub fn at(total: Secs) -> WorkTime {
        WorkTime::normalized(0, total)
    }

    /// Office seconds since the hall day's opening.
    pub fn total(self) -> Secs {
        self.since(WorkTime::default())
    }

    /// The moment `t` seconds after the hall day's local midnight: after
    /// closing, the next working morning.
    pub fn on_hall_day(t: Secs) -> WorkTime {
        let worked = SESSIONS
            .iter()
            .map(|(from, to)| t.clamp(*from, *to) - from)
            .sum();
        WorkTime::normalized(0, worked)
    }

    /// `days` working days of office time later.
    pub fn after(self, days: f64) -> WorkTime {
        let secs = (days.max(0.0) * WORKING_DAY as f64).round() as Secs;
        WorkTime::normalized(self.day, self.office + secs)
    }

    /// The same office time `days` working days later.
    pub fn days_later(self, days: u32) -> WorkTime {
        WorkTime {
            day: self.day + days,
            ..self
        }
    }

    /// Office seconds from `earlier` to this moment.
    pub fn since(self, earlier: WorkTime) -> Secs {
        (i64::from(self.day) - i64::from(earlier.day)) * WORKING_DAY + self.office - earlier.office
    }

    /// Seconds after its day's local midnight.
    pub fn clock(self) -> Secs {
        after_work(SESSIONS[0].0, self.office).unwrap_or(SESSIONS[1].1)
    }
}

/// A correction one task's reviewer asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrectionDraw {
    /// Working days of the task's work done when it is asked for.
    pub after: f64,
    /// Working days until the applicant brings it to the front desk.
    pub back_in: u32,
}

/// One department's task as it will go.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDraw {
    /// Working days of office time from the stage's opening to the
    /// decision, the wait for a correction left out.
    pub work: f64,
    /// Of which until the reviewer claims it.
    pub claim_after: f64,
    pub correction: Option<CorrectionDraw>,
}

/// Each stage's tasks, in the guide's order.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleDraw {
    pub stages: Vec<Vec<TaskDraw>>,
}

fn pace(department: &str) -> (f64, f64) {
    PACES
        .iter()
        .find(|(d, _, _)| *d == department)
        .map_or(OTHER_PACE, |(_, mean, cv)| (*mean, *cv))
}

fn task(draw: &mut Draw, department: &str, days: u32) -> TaskDraw {
    // Draw everything whatever the outcome, so that one task's luck never
    // shifts the next one's draws.
    let (mean, cv) = pace(department);
    let work = draw.lognormal(mean * f64::from(days).max(MIN_DAYS), cv);
    let claim_after = draw.exponential(CLAIM_DAYS).min(work);
    let corrected = draw.chance(CORRECTION_SHARE);
    let after = claim_after + draw.between(0.2, 0.8) * (work - claim_after);
    let back_in = 1 + draw.exponential(CORRECTION_BACK_DAYS) as u32;
    TaskDraw {
        work,
        claim_after,
        correction: corrected.then_some(CorrectionDraw { after, back_in }),
    }
}

/// Every accepted 一件事 case's tasks, given to its citizen's acceptance.
pub fn plan_bundles(citizens: &mut [Citizen], guides: &[Guide], seed: u64) {
    let mut draw = Draw::stream(seed, 1);
    for citizen in citizens {
        let Some(bundle) = guides
            .iter()
            .find(|g| g.code == citizen.service)
            .and_then(|g| g.bundle.as_ref())
        else {
            continue;
        };
        let stages = bundle
            .stages
            .iter()
            .map(|s| {
                (s.tasks.iter())
                    .map(|t| task(&mut draw, &t.department, t.days))
                    .collect()
            })
            .collect();
        if let Visit::Accepted(a) = &mut citizen.visit {
            a.bundle = Some(BundleDraw { stages });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Secs = 3600;

    #[test]
    fn office_time_skips_lunch_and_the_night() {
        let at = |h: i64, m: i64| h * HOUR + m * 60;
        assert_eq!(WORKING_DAY, at(6, 30));
        let ten = WorkTime::on_hall_day(at(10, 0));
        assert_eq!(
            ten,
            WorkTime {
                day: 0,
                office: HOUR
            }
        );
        assert_eq!(WorkTime::on_hall_day(at(12, 40)).office, 3 * HOUR);
        assert_eq!(WorkTime::on_hall_day(at(8, 0)), WorkTime::default());
        assert_eq!(
            WorkTime::on_hall_day(at(17, 20)),
            WorkTime { day: 1, office: 0 },
            "after closing: the next morning"
        );
        let later = ten.after(1.5);
        assert_eq!(later.day, 1);
        assert_eq!(
            later.clock(),
            at(14, 45),
            "9:00 + 1 h + 3¼ h of office time"
        );
        assert_eq!(later.since(ten), WORKING_DAY * 3 / 2);
        assert_eq!(
            ten.days_later(2),
            WorkTime {
                day: 2,
                office: HOUR
            }
        );
        assert_eq!(WorkTime::default().clock(), at(9, 0));
        assert_eq!(WorkTime::at(later.total()), later);
    }

    #[test]
    fn a_slow_department_has_the_long_tail() {
        let mut d = Draw::new(5);
        let n = 4000;
        let over = |d: &mut Draw, department: &str| {
            (0..n).filter(|_| task(d, department, 2).work > 3.0).count()
        };
        let (slow, quick) = (over(&mut d, "sw"), over(&mut d, "scjg"));
        assert!(slow > n / 20 && quick < n / 100, "{slow} vs {quick}");
        let tasks: Vec<TaskDraw> = (0..n).map(|_| task(&mut d, "zrzy", 20)).collect();
        let corrected = tasks.iter().filter(|t| t.correction.is_some()).count();
        assert!((corrected as f64 / f64::from(n as u32) - CORRECTION_SHARE).abs() < 0.015);
        assert!(tasks.iter().all(|t| t.claim_after <= t.work));
        assert!(tasks.iter().all(|t| {
            t.correction
                .as_ref()
                .is_none_or(|c| c.back_in >= 1 && (t.claim_after..=t.work).contains(&c.after))
        }));
    }
}
