//! A 一件事 case on its way through several departments: stages that open
//! one after another, each of department tasks that run side by side, all
//! on the case's one clock.
//!
//! The case's promised date is its acceptance plus the guide's promised
//! working days, stretched by the time its clock stood still: every working
//! day some task waited for a correction (counted once however many tasks
//! waited), every excluded day of any task (counted once), and the longest
//! extension a supervisor granted a task. A task's own due date is the day
//! its stage opened plus the task's days, stretched only by its own
//! correction, excluded time and extension: a correction one department asks
//! for stops the case's clock and that department's, and no other task's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::case::{Correction, Decision, ExcludedTime, Extension, Raised};
use super::deadline::{CaseClock, DaySpan, due_date};
use super::guide::{Bundle, OnRejection, Release};
use super::ids::{StaffId, Timestamp};
use super::personal::Commitment;

/// One desk's review: who has it and what they asked and decided. A
/// single case has one; a bundle has one per task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub reviewer: Option<StaffId>,
    pub claimed_on: Option<NaiveDate>,
    pub correction: Option<Correction>,
    pub extension: Option<Extension>,
    pub excluded: Vec<ExcludedTime>,
    pub decision: Option<Decision>,
}

impl Review {
    /// Working days an approved extension adds.
    pub fn extension_days(&self) -> u32 {
        self.extension
            .as_ref()
            .filter(|e| e.approved == Some(true))
            .map_or(0, |e| e.days)
    }

    /// An extension waits for a supervisor.
    pub fn extension_pending(&self) -> bool {
        self.extension
            .as_ref()
            .is_some_and(|e| e.approved.is_none())
    }

    /// The correction's wait: requested on, resubmitted on.
    pub fn pause(&self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        self.correction
            .as_ref()
            .map(|c| (c.requested_on, c.resubmitted_on))
    }

    /// The clock of a desk opened on `opened_on` for `days`.
    pub fn clock(&self, opened_on: Option<NaiveDate>, days: u32) -> CaseClock {
        CaseClock {
            accepted_on: opened_on,
            promised_days: days,
            extension_days: self.extension_days(),
            excluded: self.excluded.iter().map(|e| e.days).collect(),
            pauses: self.pause().into_iter().collect(),
        }
    }
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Its stage has not opened.
    Waiting,
    /// In the department's inbox; nobody has claimed it.
    Accepted,
    InReview,
    /// Sent back for correction; its clock and the case's are stopped.
    Correction,
    Approved,
    /// Rejected, with a reason; under [`OnRejection::LeadDecides`] waiting
    /// for the stage's lead department.
    Rejected,
    /// Rejected, and the lead department overruled it: it counts as done.
    Overruled,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Waiting => "waiting",
            TaskState::Accepted => "accepted",
            TaskState::InReview => "in_review",
            TaskState::Correction => "correction",
            TaskState::Approved => "approved",
            TaskState::Rejected => "rejected",
            TaskState::Overruled => "overruled",
        }
    }

    /// The department still has it: its stage is open and it is undecided.
    pub fn open(self) -> bool {
        matches!(
            self,
            TaskState::Accepted | TaskState::InReview | TaskState::Correction
        )
    }

    /// It lets the stage go on.
    pub fn done(self) -> bool {
        matches!(self, TaskState::Approved | TaskState::Overruled)
    }
}

/// One department's part of a stage, as the case carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub department: String,
    pub name: String,
    pub days: u32,
    pub result: String,
    pub materials: Vec<String>,
    pub state: TaskState,
    #[serde(flatten)]
    pub review: Review,
    /// Why the lead department overruled a rejection, and who did.
    pub overruled: Option<Decision>,
    pub raised: Raised,
    /// The day it was approved, rejected or overruled.
    pub finished_on: Option<NaiveDate>,
}

/// A stage as the case carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStage {
    pub name: String,
    pub lead: String,
    pub tasks: Vec<Task>,
    pub opened_on: Option<NaiveDate>,
    pub finished_on: Option<NaiveDate>,
    /// Results released stage by stage: who handed them over, and when.
    pub handed_over: Option<StageHandover>,
}

/// A stage's results handed over or mailed before the case's last stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageHandover {
    /// The commitment to the name of who collected them, for pickup.
    pub collected_by: Option<Commitment>,
    pub tracking: Option<String>,
    pub by: StaffId,
    pub at: Timestamp,
}

/// A case's stages and the rules its guide gave them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseBundle {
    pub stages: Vec<CaseStage>,
    pub on_rejection: OnRejection,
    pub results: Release,
}

/// Which review a step is for: the case's own, or one task's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Desk {
    Case,
    Task { stage: usize, task: usize },
}

/// What settling a bundle after a step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Nothing beyond the step.
    Nothing,
    /// The current stage's last task was done; the next stage opened.
    StageOpened,
    /// Every stage was done: the case is approved.
    Approved,
    /// A task's rejection ended the case.
    Rejected,
}

impl CaseBundle {
    /// The stages of `bundle`, none opened.
    pub fn new(bundle: &Bundle) -> Self {
        let stages = bundle
            .stages
            .iter()
            .map(|s| CaseStage {
                name: s.name.clone(),
                lead: s.lead.clone(),
                tasks: s
                    .tasks
                    .iter()
                    .map(|t| Task {
                        department: t.department.clone(),
                        name: t.name.clone(),
                        days: t.days,
                        result: t.result.clone(),
                        materials: t.materials.clone(),
                        state: TaskState::Waiting,
                        review: Review::default(),
                        overruled: None,
                        raised: Raised::default(),
                        finished_on: None,
                    })
                    .collect(),
                opened_on: None,
                finished_on: None,
                handed_over: None,
            })
            .collect();
        Self {
            stages,
            on_rejection: bundle.on_rejection,
            results: bundle.results,
        }
    }

    /// The stage open now: the first not finished, once the first opened.
    pub fn current(&self) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| s.opened_on.is_some() && s.finished_on.is_none())
    }

    /// Opens stage `i` on `day`: its tasks go to their departments' inboxes.
    pub fn open_stage(&mut self, i: usize, day: NaiveDate) {
        if let Some(stage) = self.stages.get_mut(i) {
            stage.opened_on = Some(day);
            for task in &mut stage.tasks {
                task.state = TaskState::Accepted;
            }
        }
    }

    /// The desk of `department`'s task in the stage open now.
    pub fn desk_of(&self, department: &str) -> Option<Desk> {
        let stage = self.current()?;
        let task = self.stages[stage]
            .tasks
            .iter()
            .position(|t| t.department == department)?;
        Some(Desk::Task { stage, task })
    }

    /// Whether `department` has a task in a stage that has opened, or
    /// leads one: what lets its reviewers read the case.
    pub fn involves(&self, department: &str) -> bool {
        self.stages
            .iter()
            .filter(|s| s.opened_on.is_some())
            .any(|s| s.lead == department || s.tasks.iter().any(|t| t.department == department))
    }

    pub fn task(&self, desk: Desk) -> Option<&Task> {
        match desk {
            Desk::Task { stage, task } => self.stages.get(stage)?.tasks.get(task),
            Desk::Case => None,
        }
    }

    pub fn task_mut(&mut self, desk: Desk) -> Option<&mut Task> {
        match desk {
            Desk::Task { stage, task } => self.stages.get_mut(stage)?.tasks.get_mut(task),
            Desk::Case => None,
        }
    }

    pub fn tasks(&self) -> impl Iterator<Item = (Desk, &Task)> {
        self.stages.iter().enumerate().flat_map(|(stage, s)| {
            (s.tasks.iter().enumerate()).map(move |(task, t)| (Desk::Task { stage, task }, t))
        })
    }

    /// The rejected task of the stage open now that waits for its lead
    /// department, if the bundle lets the lead decide.
    pub fn awaiting_lead(&self) -> Option<Desk> {
        let stage = self.current()?;
        if self.on_rejection != OnRejection::LeadDecides {
            return None;
        }
        let task = self.stages[stage]
            .tasks
            .iter()
            .position(|t| t.state == TaskState::Rejected)?;
        Some(Desk::Task { stage, task })
    }

    /// The first open task whose extension waits for a supervisor.
    pub fn pending_extension(&self) -> Option<Desk> {
        self.tasks()
            .find(|(_, t)| t.state.open() && t.review.extension_pending())
            .map(|(desk, _)| desk)
    }

    /// The lead department of the stage open now.
    pub fn lead(&self) -> Option<&str> {
        Some(self.stages[self.current()?].lead.as_str())
    }

    /// A task's clock: from its stage's opening, for its own days.
    pub fn task_clock(&self, desk: Desk) -> Option<CaseClock> {
        let Desk::Task { stage, .. } = desk else {
            return None;
        };
        let task = self.task(desk)?;
        Some(task.review.clock(self.stages[stage].opened_on, task.days))
    }

    /// A task's due date while its clock runs.
    pub fn task_due(&self, calendar: &WorkingCalendar, desk: Desk) -> Option<NaiveDate> {
        let task = self.task(desk)?;
        if !task.state.open() {
            return None;
        }
        due_date(calendar, &self.task_clock(desk)?).value
    }

    /// The case's clock from its acceptance: stopped and excluded time of
    /// every task counted once, and the longest extension.
    pub fn case_clock(&self, accepted_on: Option<NaiveDate>, promised_days: u32) -> CaseClock {
        let reviews: Vec<&Review> = self.tasks().map(|(_, t)| &t.review).collect();
        CaseClock {
            accepted_on,
            promised_days,
            extension_days: reviews
                .iter()
                .map(|r| r.extension_days())
                .max()
                .unwrap_or(0),
            excluded: merge_spans(
                reviews
                    .iter()
                    .flat_map(|r| r.excluded.iter().map(|e| e.days))
                    .collect(),
            ),
            pauses: merge_pauses(reviews.iter().filter_map(|r| r.pause()).collect()),
        }
    }

    /// After a step: ends the case on a rejection the lead may not
    /// overrule (or the lead's own), opens the next stage when every task of this one is done,
    /// or approves the case after the last.
    pub fn settle(&mut self, today: NaiveDate) -> Settled {
        let Some(stage) = self.current() else {
            return Settled::Nothing;
        };
        let (tasks, lead) = (&self.stages[stage].tasks, &self.stages[stage].lead);
        // The lead department's own rejection is its word already.
        let ends = |t: &Task| self.on_rejection == OnRejection::EndsCase || t.department == *lead;
        if tasks
            .iter()
            .any(|t| t.state == TaskState::Rejected && ends(t))
        {
            return Settled::Rejected;
        }
        if !tasks.iter().all(|t| t.state.done()) {
            return Settled::Nothing;
        }
        self.stages[stage].finished_on = Some(today);
        if stage + 1 == self.stages.len() {
            Settled::Approved
        } else {
            self.open_stage(stage + 1, today);
            Settled::StageOpened
        }
    }

    /// The finished stage whose results wait to be handed over before the
    /// case's last: for a bundle that releases them stage by stage.
    pub fn stage_to_hand_over(&self) -> Option<usize> {
        if self.results != Release::PerStage {
            return None;
        }
        let last = self.stages.len().checked_sub(1)?;
        self.stages[..last]
            .iter()
            .position(|s| s.finished_on.is_some() && s.handed_over.is_none())
    }

    /// The stages whose results a hand-over gives: once the case is
    /// approved (`case_approved`), every stage whose results were not
    /// handed over on their own (all of them when they go together);
    /// before that, the finished stage whose results wait at the pickup
    /// window, if any.
    pub fn stages_to_hand_over(&self, case_approved: bool) -> Vec<usize> {
        if !case_approved {
            return self.stage_to_hand_over().into_iter().collect();
        }
        (self.stages.iter().enumerate())
            .filter(|(_, s)| s.handed_over.is_none())
            .map(|(i, _)| i)
            .collect()
    }
}

/// Spans of days merged where they overlap or touch, so that a day two
/// tasks excluded counts once.
fn merge_spans(mut spans: Vec<DaySpan>) -> Vec<DaySpan> {
    spans.sort_by_key(|s| s.from);
    let mut merged: Vec<DaySpan> = Vec::new();
    for span in spans {
        if let Some(last) = merged.last_mut()
            && span.from <= last.to.succ_opt().unwrap_or(last.to)
        {
            last.to = last.to.max(span.to);
            continue;
        }
        merged.push(span);
    }
    merged
}

/// Correction waits merged where they overlap: a wait counts the days after
/// its request up to its resubmission, and one still open stops the clock.
fn merge_pauses(
    mut pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    pauses.sort_by_key(|p| p.0);
    let mut merged: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (requested, resumed) in pauses {
        if let Some(last) = merged.last_mut()
            && last.1.is_none_or(|end| requested <= end)
        {
            last.1 = last.1.zip(resumed).map(|(a, b)| a.max(b));
            continue;
        }
        merged.push((requested, resumed));
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::{Stage, TaskSpec};
    use crate::domain::test_days::{at, d};

    /// Three stages of one task each, released as `results` says.
    fn three_stages(results: Release) -> CaseBundle {
        let stage = |name: &str| Stage {
            name: name.to_owned(),
            lead: "fg".to_owned(),
            tasks: vec![TaskSpec {
                department: "fg".to_owned(),
                name: format!("{name}审批"),
                days: 1,
                result: format!("{name}证明"),
                materials: Vec::new(),
            }],
        };
        CaseBundle::new(&Bundle {
            stages: vec![stage("立项"), stage("规划"), stage("施工")],
            on_rejection: OnRejection::EndsCase,
            results,
        })
    }

    fn finish(bundle: &mut CaseBundle, stage: usize) {
        bundle.stages[stage].opened_on = Some(d(2));
        bundle.stages[stage].finished_on = Some(d(3));
    }

    #[test]
    fn stage_by_stage_each_hand_over_gives_the_stage_that_waits() {
        let mut bundle = three_stages(Release::PerStage);
        assert!(
            bundle.stages_to_hand_over(false).is_empty(),
            "nothing finished"
        );
        finish(&mut bundle, 0);
        assert_eq!(bundle.stages_to_hand_over(false), [0]);
        bundle.stages[0].handed_over = Some(StageHandover {
            collected_by: None,
            tracking: None,
            by: StaffId("3001".into()),
            at: at(3),
        });
        assert!(
            bundle.stages_to_hand_over(false).is_empty(),
            "already given"
        );
        finish(&mut bundle, 1);
        finish(&mut bundle, 2);
        assert_eq!(
            bundle.stages_to_hand_over(true),
            [1, 2],
            "the last hand-over gives what was not given before"
        );
    }

    #[test]
    fn together_the_last_hand_over_gives_every_stage() {
        let mut bundle = three_stages(Release::Together);
        finish(&mut bundle, 0);
        assert!(bundle.stages_to_hand_over(false).is_empty());
        assert_eq!(bundle.stages_to_hand_over(true), [0, 1, 2]);
    }
}
