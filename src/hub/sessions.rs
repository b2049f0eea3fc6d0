//! Staff log in with id, PIN and counter, and get a token; wrong PINs in a
//! row lock the id for a while, until it passes or a supervisor unlocks it.
//! A logged-in clerk may choose a new PIN.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::{self, ClientAddress, Principal};
use super::error::{HubError, Json, Path};
use crate::api::{PinChange, Recorded, SessionInfo, SessionRequest, StaffInfo};
use crate::domain::error::QueueError;
use crate::domain::hall::Session;
use crate::domain::ids::{Actor, StaffId};
use crate::domain::pin::may_choose_pin;
use crate::domain::policy::may_unlock_staff;
use crate::domain::setup::StaffSetup;

fn session_info(member: &StaffSetup, session: &Session, token: Option<String>) -> SessionInfo {
    SessionInfo {
        token,
        staff: StaffInfo {
            id: member.id.0.clone(),
            name: member.name.clone(),
            role: member.role.into(),
            department: member.department.clone(),
        },
        counter: session.counter,
        expires_at: session.expires_at,
    }
}

/// Logs a staff member in, at a counter or (back office) at none. The PIN
/// is put to the test as one attempt (see `logins`).
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "staff", request_body = SessionRequest,
    responses(
        (status = 201, body = SessionInfo, description = "logged in; the token is in the answer, once"),
        (status = 401, body = crate::api::ErrorBody, description = "wrong id or PIN"),
        (status = 403, body = crate::api::ErrorBody, description = "this role cannot staff that counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter"),
        (status = 409, body = crate::api::ErrorBody, description = "someone else is logged in at that counter"),
        (status = 423, body = crate::api::ErrorBody, description = "too many wrong PINs: locked for a while, whatever PIN is sent"),
        (status = 429, body = crate::api::ErrorBody, description = "too many wrong PINs from this address: try again after `Retry-After` seconds"),
        (status = 503, body = crate::api::ErrorBody, description = "too many PIN checks waiting, or the hub is stopping: try again after `Retry-After` seconds"),
    )
)]
pub async fn create(
    State(hub): State<Arc<Hub>>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<SessionRequest>,
) -> Result<(StatusCode, axum::Json<SessionInfo>), HubError> {
    let staff = StaffId(req.staff);
    let token = auth::new_token()?;
    let id = auth::session_id(&token);
    let counter = req.counter;
    let (who, actor) = (staff.clone(), Actor::Staff(staff.clone()));
    let info = hub
        .attempt_pin(
            address,
            &staff,
            req.pin,
            QueueError::WrongPin,
            move |batch| {
                let events = batch
                    .hall()
                    .log_in(&who, counter, id.clone(), batch.now())?;
                batch.record(&actor, events)?;
                let hall = batch.hall();
                match (hall.session(&id), hall.setup().staff_member(&who)) {
                    (Some(session), Some(member)) => Ok(session_info(member, session, Some(token))),
                    _ => Err(HubError::Internal("a new session went missing".into())),
                }
            },
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(info)))
}

/// A logged-in staff member chooses a new PIN. The old one is put to the
/// test like a login's; the new one must not be trivial. Its hash is
/// recorded as an event and overrides hall.toml's from then on.
#[utoipa::path(
    post, path = "/api/v1/sessions/current/pin", tag = "staff", request_body = PinChange,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "changed: the next login takes the new PIN"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, or the old PIN is wrong (`wrong_old_pin`)"),
        (status = 422, body = crate::api::ErrorBody, description = "the new PIN is too easy to guess (`weak_pin`) or the old one again (`same_pin`)"),
        (status = 423, body = crate::api::ErrorBody, description = "too many wrong PINs: locked for a while"),
        (status = 429, body = crate::api::ErrorBody, description = "too many wrong PINs from this address: try again after `Retry-After` seconds"),
        (status = 503, body = crate::api::ErrorBody, description = "too many PIN checks waiting, or the hub is stopping: try again after `Retry-After` seconds"),
    )
)]
pub async fn change_pin(
    State(hub): State<Arc<Hub>>,
    ClientAddress(address): ClientAddress,
    principal: Principal,
    Json(req): Json<PinChange>,
) -> Result<StatusCode, HubError> {
    let staff = principal.staff()?.1.id.clone();
    may_choose_pin(&req.old_pin, &req.new_pin, hub.config.demo_credentials)?;
    let hash = hub.hash_pin(req.new_pin).await?;
    let (who, actor) = (staff.clone(), principal.actor());
    hub.attempt_pin(
        address,
        &staff,
        req.old_pin,
        QueueError::WrongOldPin,
        move |batch| {
            let events = batch.hall().change_pin(&who, hash, batch.now());
            batch.record(&actor, events)
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A supervisor lifts the lock wrong PINs put on a staff id, recorded with
/// the supervisor as its actor; the id's wrong PINs are forgiven.
#[utoipa::path(
    post, path = "/api/v1/staff/{id}/unlock", tag = "staff",
    params(("id" = String, Path, description = "the staff id, such as 1001")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Recorded, description = "unlocked: the id may log in again"),
        (status = 403, body = crate::api::ErrorBody, description = "only supervisors unlock"),
        (status = 404, body = crate::api::ErrorBody, description = "no such staff id"),
        (status = 409, body = crate::api::ErrorBody, description = "the id is not locked"),
    )
)]
pub async fn unlock(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<axum::Json<Recorded>, HubError> {
    may_unlock_staff(principal.who())?;
    let staff = StaffId(id);
    let (who, actor) = (staff.clone(), principal.actor());
    let seq = hub
        .writer
        .submit(move |batch| {
            let events = batch.hall().unlock(&who, batch.now())?;
            batch.record(&actor, events)?;
            Ok(batch.last_seq())
        })
        .await?;
    hub.forgive_failures(&staff);
    Ok(axum::Json(Recorded { seq }))
}

/// Who the token belongs to: lets a client resume after a restart.
#[utoipa::path(
    get, path = "/api/v1/sessions/current", tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, body = SessionInfo, description = "the session, without its token"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, not a staff token"),
    )
)]
pub async fn current(principal: Principal) -> Result<axum::Json<SessionInfo>, HubError> {
    let (session, member) = principal.staff()?;
    Ok(axum::Json(session_info(member, session, None)))
}

/// Logs out; the counter closes.
#[utoipa::path(
    delete, path = "/api/v1/sessions/current", tag = "staff", security(("bearer" = [])),
    responses(
        (status = 204, description = "logged out"),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, not a staff token"),
    )
)]
pub async fn delete(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
) -> Result<StatusCode, HubError> {
    let id = principal.staff()?.0.id.clone();
    let actor = principal.actor();
    hub.writer
        .submit(move |batch| {
            let events = batch.hall().log_out(&id, batch.now());
            batch.record(&actor, events)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
