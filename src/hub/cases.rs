//! Case routes: intake at the front desk, review by the department, the
//! unified pickup window, and what supervisors watch. Who may do what is the
//! domain's to decide; these routes check only that a staff member asks.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::Principal;
use super::error::{HubError, Json, Path};
use crate::api::{
    ApplicantView, CaseRequest, CaseView, CorrectionRequest, DecisionRequest, ExcludedTimeRequest,
    ExcludedView, ExtensionDecisionRequest, ExtensionRequest, IntakeDecision, MaterialsRequest,
    PickupRequest, Supervision,
};
use crate::config::Config;
use crate::domain::applicant::Applicant;
use crate::domain::case::{Case, Delivery, ExcludedTime};
use crate::domain::case_flow::{CaseInput, Intake, Ticked};
use crate::domain::deadline::DaySpan;
use crate::domain::error::QueueError;
use crate::domain::event::HallEvent;
use crate::domain::hall::Hall;
use crate::domain::ids::{CounterNo, StaffId, Timestamp};
use crate::domain::personal::{ERASED, Personal, Salt};
use crate::domain::policy::{
    Sight, Who, applicant_sight, may_read_case, may_supervise, on_worklist,
};
use crate::domain::setup::StaffSetup;

/// Who reads a case: the staff member, and the counter they staff, if any.
#[derive(Clone, Copy)]
pub struct CaseReader<'a> {
    pub member: &'a StaffSetup,
    pub counter: Option<CounterNo>,
}

impl<'a> CaseReader<'a> {
    fn of(principal: &'a Principal) -> Result<Self, HubError> {
        let (session, member) = principal.staff()?;
        Ok(Self {
            member,
            counter: session.counter,
        })
    }
}

/// A case as `reader` may see it, with its deadline as of `now`.
pub fn case_view(
    config: &Config,
    hall: &Hall,
    case: &Case,
    reader: CaseReader<'_>,
    now: Timestamp,
) -> CaseView {
    let setup = hall.setup();
    let standing = case.standing(
        &setup.calendar,
        setup.day_rule.day_of(now),
        setup.cases.yellow_days,
    );
    let sight = applicant_sight(Who::Staff(reader.member), case);
    let guide = config.guide(&case.service.0);
    let review = super::bundles::reader_review(case, reader.member);
    let extension = review.extension.as_ref();
    CaseView {
        number: case.number.clone(),
        service: case.service.0.clone(),
        service_name: guide.map(|g| g.name.clone()).unwrap_or_default(),
        department: case.department.clone(),
        department_name: config.department_name(&case.department),
        state: case.state.into(),
        applicant: applicant_view(sight, case),
        materials: case.materials.iter().map(Into::into).collect(),
        missing: case.missing().map(|m| m.name.clone()).collect(),
        mail_to: case
            .delivery
            .address()
            .and_then(|a| a.shown(|a| sight.address(a))),
        opened_at: case.opened.at,
        opened_by: case.opened.staff.0.clone(),
        counter: case.opened.counter,
        accepted_on: case.accepted_on,
        promised_days: case.promised_days,
        due: standing.due,
        working_days_left: standing.working_days_left,
        card: standing.card.map(Into::into),
        refusal: case.refusal.clone(),
        reviewer: review.reviewer.as_ref().map(|s| s.0.clone()),
        claimed_on: review.claimed_on,
        correction_items: review
            .correction
            .as_ref()
            .map(|c| c.items.clone())
            .unwrap_or_default(),
        correction_requested_on: review.correction.as_ref().map(|c| c.requested_on),
        resubmitted_on: review.correction.as_ref().and_then(|c| c.resubmitted_on),
        extension_days: extension.map(|e| e.days),
        extension_reason: extension.map(|e| e.reason.clone()),
        extension_state: extension.map(|e| extension_state(e.approved).to_owned()),
        excluded: review.excluded.iter().map(excluded_view).collect(),
        decision_reason: review.decision.as_ref().map(|d| d.reason.clone()),
        decided_at: review.decision.as_ref().map(|d| d.at),
        collected_by: case
            .handover
            .as_ref()
            .and_then(|h| h.collected_by.as_ref())
            .and_then(|who| who.shown(|who| sight.name(who))),
        tracking_number: case.handover.as_ref().and_then(|h| h.tracking.clone()),
        handed_over_at: case.handover.as_ref().map(|h| h.at),
        claim_overdue: case.raised.claim_overdue,
        review_overdue: case.raised.review_overdue,
        rated: case.rated,
        calendar_warning: standing
            .unknown_year
            .map(|y| format!("{y} 年的节假日安排尚未配置，期限暂按双休日推算")),
        allowed: hall
            .case_acts(case, &reader.member.id, reader.counter)
            .into_iter()
            .map(Into::into)
            .collect(),
        bundle: (case.bundle.is_some())
            .then(|| super::bundles::bundle_view(config, hall, case, reader.member, now)),
    }
}

/// `pending`, `approved` or `declined`.
pub(super) fn extension_state(approved: Option<bool>) -> &'static str {
    match approved {
        None => "pending",
        Some(true) => "approved",
        Some(false) => "declined",
    }
}

fn excluded_view(e: &ExcludedTime) -> ExcludedView {
    ExcludedView {
        kind: e.kind.clone(),
        from: e.days.from,
        to: e.days.to,
        note: e.note.clone(),
    }
}

fn applicant_view(sight: Sight, case: &Case) -> ApplicantView {
    let Some(details) = case.applicant.details() else {
        return ApplicantView {
            name: ERASED.to_owned(),
            id_number: ERASED.to_owned(),
            phone: ERASED.to_owned(),
            masked: true,
        };
    };
    let seen = sight.applicant(&details);
    ApplicantView {
        name: seen.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        id_number: seen
            .as_ref()
            .map(|a| a.id_number.clone())
            .unwrap_or_default(),
        phone: seen.as_ref().map(|a| a.phone.clone()).unwrap_or_default(),
        masked: seen.is_none_or(|a| a.masked),
    }
}

/// Runs a case decision for the staff member behind the request and answers
/// with the case as it is after the commit.
pub(super) async fn act<F>(
    hub: Arc<Hub>,
    principal: Principal,
    number: String,
    decide: F,
) -> Result<axum::Json<CaseView>, HubError>
where
    F: FnOnce(
            &Hall,
            &str,
            &StaffSetup,
            Option<CounterNo>,
            Timestamp,
        ) -> Result<Vec<HallEvent>, QueueError>
        + Send
        + 'static,
{
    let (session, member) = principal.staff()?;
    let (member, counter) = (member.clone(), session.counter);
    let actor = principal.actor();
    let config = hub.config.clone();
    hub.writer
        .submit(move |batch| {
            let events = decide(batch.hall(), &number, &member, counter, batch.now())?;
            batch.record(&actor, events)?;
            let hall = batch.hall();
            let case = hall.case(&number).ok_or(QueueError::UnknownCase)?;
            let reader = CaseReader {
                member: &member,
                counter,
            };
            Ok(axum::Json(case_view(
                &config,
                hall,
                case,
                reader,
                batch.now(),
            )))
        })
        .await
}

/// The counter of an intake clerk's session.
fn desk(principal: &Principal) -> Result<(StaffId, u32), HubError> {
    let (session, member) = principal.staff()?;
    let counter = session
        .counter
        .ok_or(HubError::Forbidden("请先在综合受理窗口登录"))?;
    Ok((member.id.clone(), counter))
}

/// Opens a case for the citizen being served: accepted, a one-time notice of
/// missing materials, or refused.
#[utoipa::path(
    post, path = "/api/v1/cases", tag = "cases", request_body = CaseRequest, security(("bearer" = [])),
    responses(
        (status = 201, body = CaseView, description = "the case, as its clerk may see it"),
        (status = 403, body = crate::api::ErrorBody, description = "not a clerk logged in at an intake counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such service"),
        (status = 409, body = crate::api::ErrorBody, description = "materials missing, nothing missing, or nobody being served"),
        (status = 422, body = crate::api::ErrorBody, description = "a wrong ID number, phone or material, or a malformed request"),
    )
)]
pub async fn open(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Json(req): Json<CaseRequest>,
) -> Result<(StatusCode, axum::Json<CaseView>), HubError> {
    let (staff, counter) = desk(&principal)?;
    let guide = hub.config.guide(&req.service).cloned().ok_or_else(|| {
        QueueError::UnknownService(crate::domain::ids::ServiceCode(req.service.clone()))
    })?;
    let applicant = Applicant::new(
        &req.applicant.name,
        &req.applicant.id_number,
        &req.applicant.phone,
    )?;
    let intake = match (req.intake, req.reason) {
        (IntakeDecision::Accept, _) => Intake::Accept,
        (IntakeDecision::Notice, _) => Intake::Notice,
        (IntakeDecision::Refuse, reason) => Intake::Refuse(reason.unwrap_or_default()),
    };
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HubError::Internal(format!("random: {e}")))?;
    let input = CaseInput {
        applicant,
        salt: Salt(salt),
        materials: req
            .materials
            .into_iter()
            .map(|m| Ticked {
                name: m.name,
                received: m.received,
                note: m.note,
            })
            .collect(),
        delivery: match req.mail_to {
            Some(address) => Delivery::Mail {
                address: Personal::clear(address),
            },
            None => Delivery::Pickup,
        },
    };
    let actor = principal.actor();
    let member = principal.staff()?.1.clone();
    let config = hub.config.clone();
    let view = hub
        .writer
        .submit(move |batch| {
            let events =
                batch
                    .hall()
                    .open_case(&guide, &staff, counter, input, intake, batch.now())?;
            let number = match events.first() {
                Some(HallEvent::Case { case, .. }) => case.number.clone(),
                _ => return Err(HubError::Internal("a new case went missing".into())),
            };
            batch.record(&actor, events)?;
            let hall = batch.hall();
            let case = hall.case(&number).ok_or(QueueError::UnknownCase)?;
            let reader = CaseReader {
                member: &member,
                counter: Some(counter),
            };
            Ok(case_view(&config, hall, case, reader, batch.now()))
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// One case, masked as the reader's role requires.
#[utoipa::path(
    get, path = "/api/v1/cases/{number}", tag = "cases", security(("bearer" = [])),
    params(("number" = String, Path, description = "the case number")),
    responses(
        (status = 200, body = CaseView, description = "the case, masked as the reader's role requires"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, a reviewer of another department, or the pickup window for a case not waiting there nor handed over today"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case"),
    )
)]
pub async fn one(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(number): Path<String>,
) -> Result<axum::Json<CaseView>, HubError> {
    let reader = CaseReader::of(&principal)?;
    let now = hub.clock.now();
    let case = hub.case(&number).await?;
    may_read_case(reader.member, &case, &hub.config.setup.day_rule, now)?;
    let hall = hub.hall();
    Ok(axum::Json(case_view(
        &hub.config,
        &hall,
        &case,
        reader,
        now,
    )))
}

/// The caller's worklist: a reviewer's department inbox by deadline, the
/// pickup window's results to hand over, the front desk's cases awaiting
/// materials or corrections, everything open for supervisors.
#[utoipa::path(
    get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<CaseView>, description = "the caller's worklist, by deadline"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, not a staff token"),
    )
)]
pub async fn list(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
) -> Result<axum::Json<Vec<CaseView>>, HubError> {
    let reader = CaseReader::of(&principal)?;
    let now = hub.clock.now();
    let hall = hub.hall();
    let mut views: Vec<CaseView> = hall
        .cases()
        .filter(|c| on_worklist(reader.member, c))
        .map(|c| case_view(&hub.config, &hall, c, reader, now))
        .collect();
    views.sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.number).cmp(&(b.due.is_none(), b.due, &b.number))
    });
    Ok(axum::Json(views))
}

macro_rules! case_route {
    ($name:ident, $path:literal, $doc:literal, $body:ty, |$hall:ident, $number:ident, $member:ident, $counter:ident, $now:ident, $req:ident| $decide:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, tag = "cases", security(("bearer" = [])), request_body = $body,
            params(("number" = String, Path, description = "the case number")),
            responses(
                (status = 200, body = CaseView, description = "the case after the step"),
                (status = 403, body = crate::api::ErrorBody, description = "this role, department or reviewer may not take this step"),
                (status = 404, body = crate::api::ErrorBody, description = "no such case"),
                (status = 409, body = crate::api::ErrorBody, description = "the case is not in a state that allows this step"),
                (status = 422, body = crate::api::ErrorBody, description = "a value the step refuses (days, items, materials, reason), or a malformed request"),
            )
        )]
        pub async fn $name(
            State(hub): State<Arc<Hub>>,
            principal: Principal,
            Path(number): Path<String>,
            Json($req): Json<$body>,
        ) -> Result<axum::Json<CaseView>, HubError> {
            act(hub, principal, number, move |$hall, $number, $member, $counter, $now| $decide).await
        }
    };
}

case_route!(
    receive_materials,
    "/api/v1/cases/{number}/materials",
    "The citizen brought more of what was missing.",
    MaterialsRequest,
    |hall, number, member, counter, now, req| hall.receive_materials(
        number,
        &member.id,
        counter,
        &req.received,
        now
    )
);
case_route!(
    decide,
    "/api/v1/cases/{number}/decision",
    "Approves the case, or rejects it with a reason.",
    DecisionRequest,
    |hall, number, member, _at, now, req| hall.decide(
        number,
        &member.id,
        req.approve,
        &req.reason,
        now
    )
);
case_route!(
    correction,
    "/api/v1/cases/{number}/correction",
    "Asks for corrections, once, listing everything; the clock stops.",
    CorrectionRequest,
    |hall, number, member, _at, now, req| hall
        .request_correction(number, &member.id, &req.items, now)
);
case_route!(
    extension,
    "/api/v1/cases/{number}/extension",
    "Asks a supervisor for more working days.",
    ExtensionRequest,
    |hall, number, member, _at, now, req| hall.request_extension(
        number,
        &member.id,
        req.days,
        &req.reason,
        now
    )
);
case_route!(
    extension_decision,
    "/api/v1/cases/{number}/extension/decision",
    "A supervisor approves or declines an extension.",
    ExtensionDecisionRequest,
    |hall, number, member, _at, now, req| hall.decide_extension(
        number,
        &member.id,
        req.approve,
        now
    )
);
case_route!(
    excluded_time,
    "/api/v1/cases/{number}/excluded-time",
    "Records time that by law does not count.",
    ExcludedTimeRequest,
    |hall, number, member, _at, now, req| hall.exclude_time(
        number,
        &member.id,
        &req.kind,
        DaySpan {
            from: req.from,
            to: req.to
        },
        &req.note,
        now
    )
);
case_route!(
    pickup,
    "/api/v1/cases/{number}/pickup",
    "Hands the result over at the window, or records its mailing.",
    PickupRequest,
    |hall, number, member, _at, now, req| hall.hand_over(
        number,
        &member.id,
        req.collected_by.as_deref(),
        req.tracking_number.as_deref(),
        now
    )
);

/// A reviewer of the department takes the case.
#[utoipa::path(
    post, path = "/api/v1/cases/{number}/claim", tag = "cases", security(("bearer" = [])),
    params(("number" = String, Path, description = "the case number")),
    responses(
        (status = 200, body = CaseView, description = "the case, in review by the caller"),
        (status = 403, body = crate::api::ErrorBody, description = "not a reviewer of the case's department"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case"),
        (status = 409, body = crate::api::ErrorBody, description = "the case is not waiting to be claimed"),
    )
)]
pub async fn claim(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(number): Path<String>,
) -> Result<axum::Json<CaseView>, HubError> {
    act(hub, principal, number, |hall, number, member, _, now| {
        hall.claim(number, &member.id, now)
    })
    .await
}

/// The citizen brought the corrections; the clock runs again.
#[utoipa::path(
    post, path = "/api/v1/cases/{number}/resubmit", tag = "cases", security(("bearer" = [])),
    params(("number" = String, Path, description = "the case number")),
    responses(
        (status = 200, body = CaseView, description = "the case, back in review"),
        (status = 403, body = crate::api::ErrorBody, description = "not a front-desk clerk"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case"),
        (status = 409, body = crate::api::ErrorBody, description = "the case awaits no correction"),
    )
)]
pub async fn resubmit(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(number): Path<String>,
) -> Result<axum::Json<CaseView>, HubError> {
    act(
        hub,
        principal,
        number,
        |hall, number, member, counter, now| hall.resubmit(number, &member.id, counter, now),
    )
    .await
}

/// Yellow and red cards, steps past their limits, extensions to approve and
/// bad reviews to rectify: for supervisors.
#[utoipa::path(
    get, path = "/api/v1/supervision", tag = "cases", security(("bearer" = [])),
    responses(
        (status = 200, body = Supervision, description = "what supervisors watch, as of now"),
        (status = 403, body = crate::api::ErrorBody, description = "not a supervisor"),
    )
)]
pub async fn supervision(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
) -> Result<axum::Json<Supervision>, HubError> {
    let reader = CaseReader::of(&principal)?;
    may_supervise(Who::Staff(reader.member))?;
    let now = hub.clock.now();
    let hall = hub.hall();
    let views: Vec<CaseView> = hall
        .cases()
        .filter(|c| on_worklist(reader.member, c))
        .map(|c| case_view(&hub.config, &hall, c, reader, now))
        .collect();
    let mut cards: Vec<CaseView> = views.iter().filter(|v| v.card.is_some()).cloned().collect();
    cards.sort_by_key(|v| (std::cmp::Reverse(v.card), v.working_days_left));
    let mut calendar_warnings: Vec<String> = views
        .iter()
        .filter_map(|v| v.calendar_warning.clone())
        .collect();
    calendar_warnings.dedup();
    Ok(axum::Json(Supervision {
        cards,
        steps_overdue: views
            .iter()
            .filter(|v| v.claim_overdue || v.review_overdue)
            .cloned()
            .collect(),
        extensions_pending: views
            .iter()
            .filter(|v| v.extension_state.as_deref() == Some("pending"))
            .cloned()
            .collect(),
        rectifications: hall
            .rectifications()
            .map(|r| super::ratings::rectification_view(&hall, r, reader.member, now))
            .collect(),
        calendar_warnings,
        departments: super::bundles::department_loads(&hub.config, &hall, now),
        bundles: super::bundles::bundle_shares(&hub.config, &hall),
    }))
}

/// Every step of a case, with who took it and when, from the audit log.
#[utoipa::path(
    get, path = "/api/v1/cases/{number}/history", tag = "cases", security(("bearer" = [])),
    params(("number" = String, Path, description = "the case number")),
    responses(
        (status = 200, body = Vec<crate::api::CaseHistoryEntry>, description = "every step, oldest first"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, a reviewer of another department, or the pickup window for a case not waiting there nor handed over today"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case"),
        (status = 500, body = crate::api::ErrorBody, description = "the audit log could not be read"),
    )
)]
pub async fn history(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<crate::api::CaseHistoryEntry>>, HubError> {
    let (_, member) = principal.staff()?;
    let case = hub.case(&number).await?;
    may_read_case(member, &case, &hub.config.setup.day_rule, hub.clock.now())?;
    let mut steps = hub.readers.case_history(number).await?;
    for step in &mut steps {
        if !super::bundles::may_see_step(member, step.task.as_deref()) {
            step.actor = super::bundles::ANOTHER_DEPARTMENT.to_owned();
        }
    }
    Ok(axum::Json(steps))
}

impl Hub {
    /// The case numbered `number`: from the hall, or for one long closed,
    /// from the database.
    ///
    /// # Errors
    /// `UnknownCase` when there is none.
    async fn case(&self, number: &str) -> Result<Case, HubError> {
        let in_hall = self.hall().case(number).cloned();
        match in_hall {
            Some(case) => Ok(case),
            None => Ok(self
                .readers
                .case(number.to_owned())
                .await
                .map_err(|_| QueueError::UnknownCase)?),
        }
    }
}
