//! What a citizen's phone shows: their ticket's turn and their case's
//! progress, in the citizen's words.
//!
//! A ticket is *soon* called when [`SOON_AHEAD`] or fewer people will be
//! called before it; a missed ticket may be put back in line until the
//! hall's late window has passed since the no-show. A case is told in one
//! of a few standings (accepted, in review, asked for a correction, ready
//! for pickup …), with the promised date while the department's clock
//! runs, what a correction asked for, the reason of a refusal or
//! rejection, and for a 一件事 its stages and the departments of the open
//! stage — never who reviewed it.

use chrono::NaiveDate;

use super::bundle::TaskState;
use super::calendar::WorkingCalendar;
use super::case::{Case, CaseState, Delivery};
use super::ids::Timestamp;
use super::ticket::{Ticket, TicketState};

/// People ahead at or under which the phone tells the citizen to come
/// near.
pub const SOON_AHEAD: usize = 3;

/// Whether a waiting ticket with `ahead` people before it is called soon.
pub fn soon(ahead: Option<usize>) -> bool {
    ahead.is_some_and(|a| a <= SOON_AHEAD)
}

/// Until when a missed ticket may be put back in line: its no-show plus
/// the hall's late window; none for a ticket that is not missed.
pub fn reactivate_until(ticket: &Ticket, late_window: chrono::Duration) -> Option<Timestamp> {
    ticket
        .no_show_at
        .filter(|_| ticket.state == TicketState::NoShow)
        .map(|at| at + late_window)
}

/// Where a case stands, as its applicant is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Materials are missing; the case is not yet accepted.
    AwaitingMaterials,
    Refused,
    /// Accepted; the department has not started.
    Accepted,
    InReview,
    /// The department asked for a correction; its clock is stopped.
    Correction,
    /// Approved: the results wait at the pickup window.
    ReadyForPickup,
    /// A 一件事's finished stage: its results wait at the pickup window
    /// while the next stage runs.
    StageReady,
    /// Approved: the results go by mail.
    ToBeMailed,
    Rejected,
    /// The results were collected.
    Collected,
    /// The results were mailed.
    Mailed,
}

impl Standing {
    /// The standing in the citizen's words.
    pub fn words(self) -> &'static str {
        match self {
            Standing::AwaitingMaterials => "待补齐材料，尚未受理",
            Standing::Refused => "不予受理",
            Standing::Accepted => "已受理，等待部门审查",
            Standing::InReview => "审查中",
            Standing::Correction => "需要补正材料",
            Standing::ReadyForPickup => "已办结，请到统一出件窗口领取",
            Standing::StageReady => "本阶段结果可领取，后续阶段办理中",
            Standing::ToBeMailed => "已办结，结果将邮寄送达",
            Standing::Rejected => "审查未通过",
            Standing::Collected => "已领取，办理完毕",
            Standing::Mailed => "已寄出，办理完毕",
        }
    }

    /// Results wait at the pickup window.
    pub fn at_pickup(self) -> bool {
        matches!(self, Standing::ReadyForPickup | Standing::StageReady)
    }
}

/// One stage of a 一件事, as its applicant is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageProgress {
    pub name: String,
    pub state: StageState,
    /// The departments of the stage, by code, each with where its part
    /// stands; only for the open stage.
    pub departments: Vec<(String, &'static str)>,
}

/// Where a stage of a 一件事 stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageState {
    Waiting,
    Open,
    Finished,
}

impl StageState {
    pub fn words(self) -> &'static str {
        match self {
            StageState::Waiting => "未开始",
            StageState::Open => "办理中",
            StageState::Finished => "已完成",
        }
    }
}

/// A case as its applicant is told it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseProgress {
    pub standing: Standing,
    /// The promised date, while the department's clock runs.
    pub promised_on: Option<NaiveDate>,
    /// Everything the correction asked for, while it waits.
    pub correction: Vec<String>,
    /// Why it was refused or rejected.
    pub reason: Option<String>,
    /// A 一件事's stages, in order; empty for a single case.
    pub stages: Vec<StageProgress>,
    pub rated: bool,
    /// Final and not rated yet.
    pub may_rate: bool,
}

/// What the case's applicant is told of it.
pub fn case_progress(case: &Case, calendar: &WorkingCalendar) -> CaseProgress {
    let standing = standing(case);
    let correction = match standing {
        Standing::Correction => correction_items(case),
        _ => Vec::new(),
    };
    let reason = match case.state {
        CaseState::Refused => case.refusal.clone(),
        CaseState::Rejected => case.review.decision.as_ref().map(|d| d.reason.clone()),
        _ => None,
    };
    CaseProgress {
        standing,
        promised_on: case
            .state
            .in_department()
            .then(|| case.due(calendar))
            .flatten(),
        correction,
        reason,
        stages: stages(case),
        rated: case.rated,
        may_rate: case.state.is_final() && !case.rated,
    }
}

fn standing(case: &Case) -> Standing {
    let by_mail = matches!(case.delivery, Delivery::Mail { .. });
    match case.state {
        CaseState::AwaitingMaterials => Standing::AwaitingMaterials,
        CaseState::Refused => Standing::Refused,
        _ if case.state.in_department() && case.results_wait() && !by_mail => Standing::StageReady,
        CaseState::Accepted => Standing::Accepted,
        CaseState::InReview => Standing::InReview,
        CaseState::Correction => Standing::Correction,
        CaseState::Approved if by_mail => Standing::ToBeMailed,
        CaseState::Approved => Standing::ReadyForPickup,
        CaseState::Rejected => Standing::Rejected,
        CaseState::Closed if by_mail => Standing::Mailed,
        CaseState::Closed => Standing::Collected,
    }
}

/// The items of every correction still waiting: the case's own, or those
/// of the open stage's tasks.
fn correction_items(case: &Case) -> Vec<String> {
    let waiting = |review: &super::bundle::Review| {
        review
            .correction
            .as_ref()
            .filter(|c| c.resubmitted_on.is_none())
            .map(|c| c.items.clone())
            .unwrap_or_default()
    };
    match &case.bundle {
        None => waiting(&case.review),
        Some(bundle) => bundle
            .current()
            .map(|i| &bundle.stages[i].tasks)
            .into_iter()
            .flatten()
            .filter(|t| t.state == TaskState::Correction)
            .flat_map(|t| waiting(&t.review))
            .collect(),
    }
}

fn stages(case: &Case) -> Vec<StageProgress> {
    let Some(bundle) = &case.bundle else {
        return Vec::new();
    };
    bundle
        .stages
        .iter()
        .map(|stage| {
            let state = match (stage.opened_on, stage.finished_on) {
                (_, Some(_)) => StageState::Finished,
                (Some(_), None) => StageState::Open,
                (None, None) => StageState::Waiting,
            };
            let departments = match state {
                StageState::Open => stage
                    .tasks
                    .iter()
                    .map(|t| (t.department.clone(), task_words(t.state)))
                    .collect(),
                _ => Vec::new(),
            };
            StageProgress {
                name: stage.name.clone(),
                state,
                departments,
            }
        })
        .collect()
}

/// A department's part in the citizen's words.
fn task_words(state: TaskState) -> &'static str {
    match state {
        TaskState::Waiting => "未开始",
        TaskState::Accepted => "待审查",
        TaskState::InReview => "审查中",
        TaskState::Correction => "需要补正",
        TaskState::Approved | TaskState::Overruled => "已通过",
        TaskState::Rejected => "未通过",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::applicant::Applicant;
    use crate::domain::case::{Correction, Decision};
    use crate::domain::case_flow::{CaseInput, Intake, Ticked};
    use crate::domain::event::HallEvent;
    use crate::domain::hall::Hall;
    use crate::domain::personal::Salt;
    use crate::domain::policy_tests::guide;
    use crate::domain::test_hall::{act, at, call, hall, issue, log_in, staff};

    /// A hall with one single case accepted at the front desk.
    fn accepted() -> (Hall, Case) {
        let mut hall = hall();
        let clerk = staff("1001");
        log_in(&mut hall, "1001", 1, at(0));
        issue(&mut hall, 'A', false, at(1));
        call(&mut hall, 1, "1001", at(2));
        act(&mut hall, |h| h.start(1, &clerk, at(3)));
        let input = CaseInput {
            applicant: Applicant::new("张三", "11010519491231002X", "13812345678").expect("valid"),
            salt: Salt([1; 16]),
            materials: vec![Ticked {
                name: "申请书".into(),
                received: true,
                note: None,
            }],
            delivery: Delivery::Pickup,
        };
        let events = act(&mut hall, |h| {
            h.open_case(&guide(), &clerk, 1, input, Intake::Accept, at(4))
        });
        let Some(HallEvent::Case { case, .. }) = events.first() else {
            panic!("no case")
        };
        let case = hall.case(&case.number).expect("the case").clone();
        (hall, case)
    }

    #[test]
    fn a_ticket_is_soon_called_with_three_or_fewer_ahead() {
        assert!(soon(Some(0)) && soon(Some(3)));
        assert!(!soon(Some(4)) && !soon(None));
    }

    #[test]
    fn an_accepted_case_has_its_promised_date_and_none_while_stopped() {
        let (hall, mut case) = accepted();
        let calendar = &hall.setup().calendar;
        let told = case_progress(&case, calendar);
        assert_eq!(told.standing, Standing::Accepted);
        assert_eq!(told.promised_on, case.due(calendar));
        assert!(told.promised_on.is_some());
        assert!(!told.may_rate && told.correction.is_empty());

        case.state = CaseState::Correction;
        case.review.correction = Some(Correction {
            items: vec!["营业执照复印件加盖公章".into()],
            requested_on: hall.day(),
            resubmitted_on: None,
        });
        let told = case_progress(&case, calendar);
        assert_eq!(told.standing, Standing::Correction);
        assert_eq!(told.correction, ["营业执照复印件加盖公章"]);
        assert_eq!(told.promised_on, None, "the clock is stopped");
    }

    #[test]
    fn results_wait_at_the_window_or_in_the_mail_and_a_final_case_may_be_rated_once() {
        let (hall, mut case) = accepted();
        let calendar = &hall.setup().calendar;
        case.state = CaseState::Approved;
        let told = case_progress(&case, calendar);
        assert_eq!(told.standing, Standing::ReadyForPickup);
        assert!(told.standing.at_pickup() && !told.may_rate && told.promised_on.is_none());

        case.state = CaseState::Rejected;
        case.review.decision = Some(Decision {
            approved: false,
            reason: "不符合登记条件".into(),
            by: staff("2001"),
            at: at(9),
        });
        let told = case_progress(&case, calendar);
        assert_eq!(told.standing.words(), "审查未通过");
        assert_eq!(told.reason.as_deref(), Some("不符合登记条件"));
        assert!(told.may_rate);

        case.rated = true;
        assert!(!case_progress(&case, calendar).may_rate);
        case.delivery = Delivery::Mail {
            address: crate::domain::personal::Personal::clear("某地".into()),
        };
        case.state = CaseState::Closed;
        assert_eq!(case_progress(&case, calendar).standing, Standing::Mailed);
    }
}
