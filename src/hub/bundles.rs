//! 一件事 cases in the hub's views: the stages and tasks a reader may see,
//! and the lead department's word on a rejection.

use std::sync::Arc;

use axum::extract::State;

use super::Hub;
use super::auth::Principal;
use super::cases::act;
use super::error::{HubError, Json, Path};
use crate::api::{
    BundleShare, BundleView, CaseView, DepartmentLoad, LeadDecisionRequest, StageTime, TaskView,
};
use crate::config::Config;
use crate::domain::bundle::{CaseBundle, Desk, Review, Task, TaskState};
use crate::domain::case::Case;
use crate::domain::deadline::card;
use crate::domain::efficiency;
use crate::domain::hall::Hall;
use crate::domain::ids::Timestamp;
use crate::domain::setup::{Role, StaffSetup};
use crate::domain::timeliness::working_days_left;

/// The department whose tasks `member` may see alone: a reviewer's own;
/// none for other staff, who see every task.
fn only_department(member: &StaffSetup) -> Option<&str> {
    match member.role {
        Role::Reviewer => Some(member.department.as_deref().unwrap_or_default()),
        _ => None,
    }
}

/// Whether `member` sees the task of `department`: a reviewer only their
/// own department's, other staff every task.
pub fn sees_task(member: &StaffSetup, department: &str) -> bool {
    only_department(member).is_none_or(|own| own == department)
}

/// Who took another department's step, as a reviewer's timeline says.
pub const ANOTHER_DEPARTMENT: &str = "department";

/// Whether `member` sees who took a step of a case's history: a reviewer
/// sees the whole timeline for context, but who acted only on the case's
/// own steps and their department's task's.
pub fn may_see_step(member: &StaffSetup, task: Option<&str>) -> bool {
    match (only_department(member), task) {
        (Some(own), Some(task)) => own == task,
        _ => true,
    }
}

/// The review a reader's case view shows: for a reviewer of a bundle,
/// their department's task in the stage open now (or its latest); for
/// other staff, the task whose extension waits for a supervisor; the
/// case's own otherwise.
pub fn reader_review<'a>(case: &'a Case, member: &StaffSetup) -> &'a Review {
    let Some(bundle) = &case.bundle else {
        return &case.review;
    };
    let desk = match only_department(member) {
        Some(department) => bundle.desk_of(department).or_else(|| {
            bundle
                .tasks()
                .filter(|(_, t)| t.department == department && t.state != TaskState::Waiting)
                .map(|(desk, _)| desk)
                .last()
        }),
        None => bundle.pending_extension(),
    };
    desk.and_then(|d| bundle.task(d))
        .map_or(&case.review, |t| &t.review)
}

/// A bundle's stages and the tasks `member` may see, as of `now`: a
/// reviewer sees their department's tasks and, as the open stage's lead, the
/// rejected task waiting for their word.
pub fn bundle_view(
    config: &Config,
    hall: &Hall,
    case: &Case,
    member: &StaffSetup,
    now: Timestamp,
) -> BundleView {
    let Some(bundle) = &case.bundle else {
        return BundleView::default();
    };
    // A task's clock runs only while the case is with the departments.
    let case_runs = case.state.in_department();
    let only = only_department(member);
    let to_decide = bundle
        .awaiting_lead()
        .filter(|_| only.is_some() && bundle.lead() == only);
    let current = bundle.current();
    BundleView {
        stage: current.map(|i| i as u32 + 1),
        stage_name: current.map(|i| bundle.stages[i].name.clone()),
        stages: bundle.stages.len() as u32,
        own_task: only
            .filter(|d| bundle.tasks().any(|(_, t)| t.department == *d))
            .map(str::to_owned),
        awaiting_lead: bundle
            .awaiting_lead()
            .and_then(|d| bundle.task(d))
            .map(|t| t.department.clone()),
        lead: bundle.lead().map(str::to_owned),
        tasks: bundle
            .tasks()
            .filter(|(desk, t)| sees_task(member, &t.department) || to_decide == Some(*desk))
            .map(|(desk, t)| task_view(config, hall, bundle, desk, t, now))
            .map(|mut t| {
                if !case_runs {
                    (t.due, t.working_days_left, t.card) = (None, None, None);
                }
                t
            })
            .collect(),
    }
}

fn task_view(
    config: &Config,
    hall: &Hall,
    bundle: &CaseBundle,
    desk: Desk,
    task: &Task,
    now: Timestamp,
) -> TaskView {
    let setup = hall.setup();
    let today = setup.day_rule.day_of(now);
    let due = bundle.task_due(&setup.calendar, desk);
    let stage = match desk {
        Desk::Task { stage, .. } => stage,
        Desk::Case => 0,
    };
    let case_stage = &bundle.stages[stage];
    let review = &task.review;
    TaskView {
        stage: stage as u32 + 1,
        stage_name: case_stage.name.clone(),
        department: task.department.clone(),
        department_name: config.department_name(&task.department),
        name: task.name.clone(),
        result: task.result.clone(),
        materials: task.materials.clone(),
        days: task.days,
        state: task.state.into(),
        opened_on: case_stage.opened_on,
        due,
        working_days_left: due.map(|d| working_days_left(&setup.calendar, today, d)),
        card: due
            .and_then(|d| card(&setup.calendar, today, d, setup.cases.yellow_days))
            .map(Into::into),
        reviewer: review.reviewer.as_ref().map(|s| s.0.clone()),
        claimed_on: review.claimed_on,
        correction_items: (review.correction.as_ref())
            .map(|c| c.items.clone())
            .unwrap_or_default(),
        extension_state: (review.extension.as_ref())
            .map(|e| super::cases::extension_state(e.approved).to_owned()),
        decision_reason: review.decision.as_ref().map(|d| d.reason.clone()),
        overruled_reason: task.overruled.as_ref().map(|d| d.reason.clone()),
        finished_on: task.finished_on,
        handed_over: case_stage.handed_over.is_some(),
    }
}

/// The lead department of a bundle's open stage upholds a task's rejection
/// (the case ends, rejected) or overrules it (the task counts as done).
#[utoipa::path(
    post, path = "/api/v1/cases/{number}/lead-decision", tag = "cases", security(("bearer" = [])),
    request_body = LeadDecisionRequest,
    params(("number" = String, Path, description = "the case number")),
    responses(
        (status = 200, body = CaseView, description = "the case after the lead department's word"),
        (status = 403, body = crate::api::ErrorBody, description = "not a reviewer of the open stage's lead department"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case"),
        (status = 409, body = crate::api::ErrorBody, description = "no rejection waits for the lead department"),
        (status = 422, body = crate::api::ErrorBody, description = "no reason, or a malformed request"),
    )
)]
pub async fn lead_decision(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(number): Path<String>,
    Json(req): Json<LeadDecisionRequest>,
) -> Result<axum::Json<CaseView>, HubError> {
    act(
        hub,
        principal,
        number,
        move |hall, number, member, _, now| {
            hall.lead_decision(number, &member.id, req.overrule, &req.reason, now)
        },
    )
    .await
}

/// Every department's tasks among the cases the hall holds as of `now`:
/// open ones, and decided ones until `keep_closed_days` after they closed
/// (the report reads any period from the database).
pub fn department_loads(config: &Config, hall: &Hall, now: Timestamp) -> Vec<DepartmentLoad> {
    let setup = hall.setup();
    let today = setup.day_rule.day_of(now);
    efficiency::department_loads(
        hall.cases(),
        &setup.calendar,
        &setup.day_rule,
        today,
        |_| true,
    )
    .into_iter()
    .map(|l| DepartmentLoad {
        department_name: config.department_name(&l.department),
        department: l.department,
        open: l.open,
        overdue: l.overdue,
        on_time: l.on_time,
        late: l.late,
        median_days: l.median_days,
    })
    .collect()
}

/// Each 一件事 service of the catalogue against its promise.
pub fn bundle_shares(config: &Config, hall: &Hall) -> Vec<BundleShare> {
    let setup = hall.setup();
    let services: Vec<(String, u32)> = config
        .guides
        .iter()
        .filter(|g| g.bundle.is_some())
        .map(|g| (g.code.0.clone(), g.promised_days))
        .collect();
    let cases: Vec<_> = hall.cases().collect();
    efficiency::bundle_shares(&cases, &services, &setup.calendar, &setup.day_rule, |_| {
        true
    })
    .into_iter()
    .map(|b| BundleShare {
        service_name: config
            .guide(&b.service)
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        share: b.share(),
        service: b.service,
        promised_days: b.promised_days,
        finished: b.finished,
        within: b.within,
        open: b.open,
        stages: b
            .stages
            .into_iter()
            .map(|s| StageTime {
                department_name: config.department_name(&s.department),
                stage: s.stage,
                stage_name: s.stage_name,
                department: s.department,
                decided: s.decided,
                late: s.late,
                median_days: s.median_days,
            })
            .collect(),
    })
    .collect()
}
