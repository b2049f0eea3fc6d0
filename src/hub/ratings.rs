//! 好差评: ratings from the counters' screens and the citizens' phones
//! (the keypads' come through `devices`), their counts, and the
//! rectification of bad reviews.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::{ClientAddress, Principal};
use super::error::{HubError, Json, Path};
use crate::api::{
    CloseRectificationRequest, RatingRecorded, RatingRequest, RatingSummary, RectificationView,
};
use crate::domain::event::HallEvent;
use crate::domain::hall::Hall;
use crate::domain::ids::{Actor, TicketId, Timestamp};
use crate::domain::policy::{self, Occasion};
use crate::domain::rating::{RatingSubject, Rectification, score_label};
use crate::domain::setup::StaffSetup;

/// A rectification as `reader` sees it, overdue or not as of `now`.
pub fn rectification_view(
    hall: &Hall,
    r: &Rectification,
    reader: &StaffSetup,
    now: Timestamp,
) -> RectificationView {
    let rating = &r.rating;
    let subject = match &rating.subject {
        RatingSubject::Ticket(id) => hall
            .ticket(id)
            .map_or_else(|| id.0.clone(), |t| t.number.to_string()),
        RatingSubject::Case(number) => number.clone(),
    };
    RectificationView {
        id: r.id,
        score: rating.score,
        label: score_label(rating.score).to_owned(),
        comment: rating.comment.clone(),
        subject,
        counter: rating.counter,
        staff: rating.staff.as_ref().map(|s| s.0.clone()),
        service: rating.service.as_ref().map(|s| s.0.clone()),
        department: rating.department.clone(),
        assigned_to: r.assigned_to.as_ref().map(|s| s.0.clone()),
        due: r.due,
        overdue: hall.setup().day_rule.day_of(now) > r.due,
        can_close: policy::may_close_rectification(reader).is_ok(),
    }
}

/// Rates a finished ticket (by id) or a finished case (by number), once,
/// from the occasion the policy binds it to ([`policy::Occasion`]).
#[utoipa::path(
    post, path = "/api/v1/ratings", tag = "ratings", request_body = RatingRequest, security((), ("bearer" = [])),
    responses(
        (status = 201, body = RatingRecorded, description = "the rating, and the rectification a bad one opened"),
        (status = 403, body = crate::api::ErrorBody, description = "a device, the back office, a clerk rating anything but the ticket just finished at their counter, or a case unknown or without the right last four characters"),
        (status = 404, body = crate::api::ErrorBody, description = "no such ticket, or (for staff) no such case"),
        (status = 409, body = crate::api::ErrorBody, description = "rated already, or not finished"),
        (status = 422, body = crate::api::ErrorBody, description = "not exactly one of ticket and case, a score outside 1 to 5, an over-long comment, or a malformed request"),
        (status = 429, body = crate::api::ErrorBody, description = "too many wrong last four characters for this case or from this address; see Retry-After"),
    )
)]
pub async fn rate(
    State(hub): State<Arc<Hub>>,
    principal: Option<Principal>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<RatingRequest>,
) -> Result<(StatusCode, axum::Json<RatingRecorded>), HubError> {
    let subject = match (req.ticket, req.case) {
        (Some(id), None) => RatingSubject::Ticket(TicketId(id)),
        (None, Some(number)) => RatingSubject::Case(number),
        _ => {
            return Err(HubError::invalid(
                "invalid_body",
                "请指定号票（ticket）或办件（case）其中之一",
            ));
        }
    };
    if let (None, RatingSubject::Case(number)) = (&principal, &subject) {
        // A citizen's proof is a guess like the case lookup's, and braked
        // with it.
        hub.prove_applicant(address, number, req.last_four.as_deref())?;
    }
    let actor = principal.as_ref().map_or(Actor::Citizen, Principal::actor);
    let last_four = req.last_four;
    let recorded = hub
        .writer
        .submit(move |batch| {
            let hall = batch.hall();
            hall.may_rate(occasion(principal.as_ref(), last_four.as_deref()), &subject)?;
            let events = hall.rate(subject, req.score, req.comment.as_deref(), batch.now())?;
            let recorded = recorded(&events)
                .ok_or_else(|| HubError::Internal("a rating went missing".into()))?;
            batch.record(&actor, events)?;
            Ok(recorded)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
}

/// The occasion a rating request comes from.
fn occasion<'a>(principal: Option<&'a Principal>, last_four: Option<&'a str>) -> Occasion<'a> {
    match principal {
        Some(Principal::Staff { session, member }) => Occasion::Counter {
            member,
            counter: session.counter,
        },
        Some(Principal::Device { kind, .. }) => Occasion::Device(*kind),
        None => Occasion::Citizen { last_four },
    }
}

/// The answer to a rating: what its events recorded.
fn recorded(events: &[HallEvent]) -> Option<RatingRecorded> {
    let mut recorded = None;
    for e in events {
        match e {
            HallEvent::Rated { rating } => {
                recorded = Some(RatingRecorded {
                    id: rating.id,
                    score: rating.score,
                    label: score_label(rating.score).to_owned(),
                    rectification: None,
                });
            }
            HallEvent::RectificationOpened { item } => {
                if let Some(r) = &mut recorded {
                    r.rectification = Some(item.id);
                }
            }
            _ => {}
        }
    }
    recorded
}

/// Ratings counted per counter, staff member, service and department.
#[utoipa::path(
    get, path = "/api/v1/ratings/summary", tag = "ratings", security(("bearer" = [])),
    responses(
        (status = 200, body = RatingSummary, description = "the counts, from the database"),
        (status = 403, body = crate::api::ErrorBody, description = "not a supervisor"),
        (status = 500, body = crate::api::ErrorBody, description = "the ratings could not be read"),
    )
)]
pub async fn summary(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
) -> Result<axum::Json<RatingSummary>, HubError> {
    policy::may_supervise(principal.who())?;
    Ok(axum::Json(hub.readers.rating_summary().await?))
}

/// A supervisor closes a rectification with a note and the citizen's verdict.
#[utoipa::path(
    post, path = "/api/v1/rectifications/{id}/close", tag = "ratings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the rectification")), request_body = CloseRectificationRequest,
    responses(
        (status = 204, description = "closed"),
        (status = 403, body = crate::api::ErrorBody, description = "not a supervisor"),
        (status = 404, body = crate::api::ErrorBody, description = "no open rectification has this id"),
        (status = 422, body = crate::api::ErrorBody, description = "a missing or over-long note, or a malformed request"),
    )
)]
pub async fn close(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(req): Json<CloseRectificationRequest>,
) -> Result<StatusCode, HubError> {
    let (_, member) = principal.staff()?;
    let staff = member.id.clone();
    let actor = principal.actor();
    hub.writer
        .submit(move |batch| {
            let events = batch.hall().close_rectification(
                id,
                &staff,
                &req.note,
                req.verdict.into(),
                batch.now(),
            )?;
            batch.record(&actor, events)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
