//! Staff log in with id, PIN and counter, and get a token; wrong PINs in a
//! row lock the id for a while.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::{self, Principal};
use super::error::{HubError, Json};
use crate::api::{SessionInfo, SessionRequest, StaffInfo};
use crate::config::secret;
use crate::domain::error::QueueError;
use crate::domain::hall::Session;
use crate::domain::ids::StaffId;
use crate::domain::setup::StaffSetup;

/// PINs longer than this are refused before any hashing.
const MAX_PIN_CHARS: usize = 64;

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

/// Logs a staff member in, at a counter or (back office) at none.
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "staff", request_body = SessionRequest,
    responses(
        (status = 201, body = SessionInfo, description = "logged in; the token is in the answer, once"),
        (status = 401, body = crate::api::ErrorBody, description = "wrong id or PIN"),
        (status = 403, body = crate::api::ErrorBody, description = "this role cannot staff that counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter"),
        (status = 409, body = crate::api::ErrorBody, description = "someone else is logged in at that counter"),
        (status = 423, body = crate::api::ErrorBody, description = "too many wrong PINs: locked for a while"),
    )
)]
pub async fn create(
    State(hub): State<Arc<Hub>>,
    Json(req): Json<SessionRequest>,
) -> Result<(StatusCode, axum::Json<SessionInfo>), HubError> {
    let staff = StaffId(req.staff);
    if req.pin.chars().count() > MAX_PIN_CHARS {
        return Err(QueueError::WrongPin.into());
    }
    hub.hall().may_try_login(&staff, hub.clock.now())?;
    let hash = hub
        .config
        .pins
        .get(&staff)
        .cloned()
        .ok_or(QueueError::WrongPin)?;
    let pin = req.pin;
    let right = tokio::task::spawn_blocking(move || secret::verify(&pin, &hash))
        .await
        .map_err(|e| HubError::Internal(format!("PIN check: {e}")))?;
    let actor = crate::domain::ids::Actor::Staff(staff.clone());
    if !right {
        hub.writer
            .submit(move |batch| {
                let events = batch.hall().login_failed(&staff, batch.now());
                batch.record(&actor, events)
            })
            .await?;
        return Err(QueueError::WrongPin.into());
    }
    let token = auth::new_token()?;
    let id = auth::session_id(&token);
    let counter = req.counter;
    let info = hub
        .writer
        .submit(move |batch| {
            let events = batch
                .hall()
                .log_in(&staff, counter, id.clone(), batch.now())?;
            batch.record(&actor, events)?;
            let hall = batch.hall();
            match (hall.session(&id), hall.setup().staff_member(&staff)) {
                (Some(session), Some(member)) => Ok(session_info(member, session, Some(token))),
                _ => Err(HubError::Internal("a new session went missing".into())),
            }
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(info)))
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
