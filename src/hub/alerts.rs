//! Devices asking for a person, recorded in the log for supervisors.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::Principal;
use super::error::{HubError, Json};
use crate::api::{AlertRequest, Recorded};

/// Records that a device needs attention, such as a printer out of paper.
#[utoipa::path(
    post, path = "/api/v1/alerts", tag = "hall", request_body = AlertRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = Recorded, description = "recorded in the log"),
        (status = 422, body = crate::api::ErrorBody, description = "an over-long part or problem, or a malformed request"),
    )
)]
pub async fn report(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Json(req): Json<AlertRequest>,
) -> Result<(StatusCode, axum::Json<Recorded>), HubError> {
    let device = match &principal {
        Principal::Device { name, .. } => name.clone(),
        Principal::Staff { member, .. } => format!("{} {}", member.id, member.name),
    };
    let actor = principal.actor();
    let seq = hub
        .writer
        .submit(move |batch| {
            let events =
                batch
                    .hall()
                    .device_alert(&device, &req.part, &req.problem, batch.now())?;
            batch.record(&actor, events)?;
            Ok(batch.last_seq())
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(Recorded { seq })))
}
