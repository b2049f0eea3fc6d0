//! Tickets: issuing (kiosks and front-desk staff; green-channel tickets
//! from staff and the kiosks configured for them), public status by id,
//! and putting a late citizen back in line.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Hub;
use super::auth::Principal;
use super::error::{HubError, Json, Path};
use crate::api::{IssuedTicket, ReactivateRequest, TicketRequest, TicketStatus};
use crate::config::Config;
use crate::domain::error::QueueError;
use crate::domain::hall::Hall;
use crate::domain::ids::{QueuePrefix, ServiceCode, TicketId, TicketNumber};
use crate::domain::policy;
use crate::domain::progress;
use crate::domain::queue::Wanted;
use crate::domain::ticket::Ticket;

/// A new ticket id: the issue time in milliseconds (six bytes), so that ids
/// are stored in order, then 80 random bits, so that they cannot be guessed.
pub(super) fn new_ticket_id(now_ms: i64) -> Result<TicketId, HubError> {
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&now_ms.to_be_bytes()[2..]);
    getrandom::fill(&mut bytes[6..]).map_err(|e| HubError::Internal(format!("random: {e}")))?;
    Ok(TicketId(hex::encode(bytes)))
}

fn is_ticket_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Takes a number for a service item or a queue.
#[utoipa::path(
    post, path = "/api/v1/tickets", tag = "tickets", request_body = TicketRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = IssuedTicket, description = "the ticket, with its place in line"),
        (status = 403, body = crate::api::ErrorBody, description = "neither a kiosk nor front-desk staff, or a green-channel ticket from a kiosk the hall does not let give one"),
        (status = 404, body = crate::api::ErrorBody, description = "unknown service, queue or case"),
        (status = 409, body = crate::api::ErrorBody, description = "the daily cap is reached, the queue is the pickup queue, or the case is not ready or has its ticket"),
        (status = 422, body = crate::api::ErrorBody, description = "not exactly one of service, queue and case; a malformed queue; or a malformed request"),
    )
)]
pub async fn issue(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Json(req): Json<TicketRequest>,
) -> Result<(StatusCode, axum::Json<IssuedTicket>), HubError> {
    policy::may_issue(principal.who())?;
    if req.priority {
        let staffed_kiosk = match &principal {
            Principal::Device { name, .. } => hub
                .config
                .devices
                .iter()
                .any(|d| d.name == *name && d.priority),
            Principal::Staff { .. } => false,
        };
        policy::may_give_priority(principal.who(), staffed_kiosk)?;
    }
    let wanted = match (req.service, req.queue, req.case) {
        (Some(code), None, None) => Wanted::Service(ServiceCode(code)),
        (None, Some(prefix), None) => Wanted::Queue(
            prefix
                .parse::<QueuePrefix>()
                .map_err(|e| HubError::invalid("invalid_queue", e))?,
        ),
        (None, None, Some(number)) => Wanted::Case(number),
        _ => {
            return Err(HubError::invalid(
                "invalid_body",
                "请指定 service（服务事项）、queue（队列）或 case（办件编号）其中之一",
            ));
        }
    };
    let id = new_ticket_id(hub.clock.now().timestamp_millis())?;
    let actor = principal.actor();
    let config = hub.config.clone();
    let issued = hub
        .writer
        .submit(move |batch| {
            let events = batch
                .hall()
                .issue(&wanted, req.priority, id.clone(), batch.now())?;
            batch.record(&actor, events)?;
            issued_view(&config, batch.hall(), &id)
                .ok_or_else(|| HubError::Internal("an issued ticket went missing".into()))
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(issued)))
}

fn service_name(config: &Config, t: &Ticket) -> Option<String> {
    t.service
        .as_ref()
        .and_then(|s| config.guide(&s.0))
        .map(|g| g.name.clone())
}

fn queue_name(hall: &Hall, t: &Ticket) -> String {
    hall.setup()
        .queue(t.queue)
        .map(|q| q.name.clone())
        .unwrap_or_default()
}

pub(super) fn issued_view(config: &Config, hall: &Hall, id: &TicketId) -> Option<IssuedTicket> {
    let t = hall.ticket(id)?;
    let ahead = hall.ahead_of(id).unwrap_or(0);
    Some(IssuedTicket {
        id: t.id.0.clone(),
        number: t.number.to_string(),
        queue: t.queue.to_string(),
        queue_name: queue_name(hall, t),
        service: t.service.as_ref().map(|s| s.0.clone()),
        service_name: service_name(config, t),
        case: t.case.clone(),
        priority: t.priority,
        ahead: u32::try_from(ahead).unwrap_or(u32::MAX),
        estimated_wait_minutes: hall.estimate_wait(t.queue, ahead),
        issued_at: t.issued_at,
        status_url: format!("/api/v1/tickets/{}", t.id),
        page_url: config
            .public_url
            .as_ref()
            .map(|base| format!("{base}/t/{}", t.id)),
        appointment_at: t.appointment.as_ref().map(|a| {
            a.at.with_timezone(&config.setup.day_rule.zone)
                .format("%H:%M")
                .to_string()
        }),
    })
}

fn status_view(config: &Config, hall: &Hall, t: &Ticket) -> TicketStatus {
    let ahead = hall.ahead_of(&t.id);
    let at_counter = t.state.at_counter().then_some(t.counter).flatten();
    TicketStatus {
        number: t.number.to_string(),
        queue: t.queue.to_string(),
        queue_name: queue_name(hall, t),
        service_name: service_name(config, t),
        state: t.state.into(),
        ahead: ahead.map(|a| u32::try_from(a).unwrap_or(u32::MAX)),
        estimated_wait_minutes: ahead.map(|a| hall.estimate_wait(t.queue, a)),
        counter: at_counter,
        counter_name: at_counter
            .and_then(|n| hall.setup().counter(n))
            .map(|c| c.name.clone()),
        issued_at: t.issued_at,
        called_at: t.called_at,
        soon: progress::soon(ahead),
        reactivate_until: progress::reactivate_until(t, hall.setup().rules.late_window)
            .map(|at| at.with_timezone(&hall.setup().day_rule.zone).fixed_offset()),
        rated: t.rated,
    }
}

/// A ticket's public status: what the QR code on it opens. Numbers and
/// counters only; the id is the secret.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "the ticket's id")),
    responses(
        (status = 200, body = TicketStatus, description = "the ticket as the public may see it"),
        (status = 404, body = crate::api::ErrorBody, description = "no ticket has this id"),
    )
)]
pub async fn status(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
) -> Result<axum::Json<TicketStatus>, HubError> {
    const UNKNOWN: HubError = HubError::NotFound("没有这张号票");
    if !is_ticket_id(&id) {
        return Err(UNKNOWN);
    }
    let id = TicketId(id);
    if let Some(view) = {
        let hall = hub.hall();
        hall.ticket(&id).map(|t| status_view(&hub.config, &hall, t))
    } {
        return Ok(axum::Json(view));
    }
    // A ticket of an earlier day: its state is final, nobody is ahead.
    let ticket = hub.readers.ticket(id).await.map_err(|_| UNKNOWN)?;
    let hall = hub.hall();
    Ok(axum::Json(status_view(&hub.config, &hall, &ticket)))
}

/// Puts a citizen who missed their call back in line, within the late window.
#[utoipa::path(
    post, path = "/api/v1/tickets/reactivate", tag = "tickets", request_body = ReactivateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = TicketStatus, description = "the ticket, back in line"),
        (status = 403, body = crate::api::ErrorBody, description = "neither a kiosk nor a counter clerk"),
        (status = 404, body = crate::api::ErrorBody, description = "no such ticket today"),
        (status = 409, body = crate::api::ErrorBody, description = "not a no-show, or the late window has passed"),
        (status = 422, body = crate::api::ErrorBody, description = "not exactly one of number and id, a malformed number, or a malformed request"),
    )
)]
pub async fn reactivate(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Json(req): Json<ReactivateRequest>,
) -> Result<axum::Json<TicketStatus>, HubError> {
    policy::may_reactivate(principal.who())?;
    let (number, id) = match (req.number, req.id) {
        (Some(n), None) => {
            let number = n
                .parse::<TicketNumber>()
                .map_err(|e| HubError::invalid("invalid_number", e))?;
            (Some(number), None)
        }
        (None, Some(id)) if is_ticket_id(&id) => (None, Some(TicketId(id))),
        (None, Some(_)) => return Err(QueueError::UnknownTicket.into()),
        _ => {
            return Err(HubError::invalid(
                "invalid_body",
                "请提供号码（number）或号票编号（id）其中之一",
            ));
        }
    };
    let actor = principal.actor();
    let config = hub.config.clone();
    hub.writer
        .submit(move |batch| {
            let hall = batch.hall();
            let t = match &number {
                Some(n) => hall.ticket_by_number(n),
                None => id.as_ref().and_then(|id| hall.ticket(id)),
            }
            .ok_or(QueueError::UnknownTicket)?;
            let id = t.id.clone();
            let events = hall.reactivate(&id, batch.now())?;
            batch.record(&actor, events)?;
            let hall = batch.hall();
            let t = hall.ticket(&id).ok_or(QueueError::UnknownTicket)?;
            Ok(axum::Json(status_view(&config, hall, t)))
        })
        .await
}
