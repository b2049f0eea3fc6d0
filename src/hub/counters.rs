//! Counter actions, as on a hardware caller: call next, recall, no-show,
//! start, finish, transfer, pause, resume, and call one number out of turn.
//! Only the staff member logged in at the counter may act there.

use std::sync::Arc;

use axum::extract::State;

use super::Hub;
use super::auth::Principal;
use super::error::{HubError, Json, Path};
use crate::api::{
    CallTicketRequest, CounterChoice, CounterState, CounterView, CurrentTicket, PauseRequest,
    QueueChoice, TransferRequest,
};
use crate::config::Config;
use crate::domain::error::QueueError;
use crate::domain::event::HallEvent;
use crate::domain::hall::Hall;
use crate::domain::ids::{CounterNo, QueuePrefix, StaffId, TicketNumber, Timestamp};
use crate::domain::queue::TransferTo;
use crate::domain::ticket::{Ticket, TicketState};

/// Counter `number` as `reader` sees it: what is there, and what the
/// reader may do there now (nothing unless they staff it).
fn counter_view(
    config: &Config,
    hall: &Hall,
    number: CounterNo,
    reader: Option<&StaffId>,
) -> Option<CounterView> {
    let setup = hall.setup().counter(number)?;
    let c = hall.counter(number)?;
    let current = hall.current_for(number);
    let state = match (&c.session, &c.pause, current.map(|t| t.state)) {
        (_, _, Some(TicketState::Called)) => CounterState::Calling,
        (_, _, Some(TicketState::Serving)) => CounterState::Serving,
        (None, _, _) => CounterState::Closed,
        (Some(_), Some(_), _) => CounterState::Paused,
        (Some(_), None, _) => CounterState::Idle,
    };
    let waiting = c.line.len()
        + setup
            .queues
            .iter()
            .filter_map(|p| hall.queue_day(*p))
            .map(|q| q.line.len())
            .sum::<usize>();
    let (transfer_queues, transfer_counters) = transfer_choices(hall, number);
    Some(CounterView {
        number,
        name: setup.name.clone(),
        kind: setup.kind.into(),
        queues: setup.queues.iter().map(ToString::to_string).collect(),
        state,
        staff: c.staff.as_ref().map(|s| s.0.clone()),
        staff_name: c
            .staff
            .as_ref()
            .and_then(|s| hall.setup().staff_member(s))
            .map(|m| m.name.clone()),
        paused_reason: c.pause.as_ref().map(|p| p.reason.clone()),
        current: current.map(|t| current_ticket(config, t)),
        waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        allowed: reader
            .map(|staff| hall.counter_acts(number, staff))
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        transfer_queues,
        transfer_counters,
    })
}

fn current_ticket(config: &Config, t: &Ticket) -> CurrentTicket {
    let zone = config.setup.day_rule.zone;
    CurrentTicket {
        id: t.id.0.clone(),
        number: t.number.to_string(),
        queue: t.queue.to_string(),
        service: t.service.as_ref().map(|s| s.0.clone()),
        case: t.case.clone(),
        service_name: t
            .service
            .as_ref()
            .and_then(|s| config.guide(&s.0))
            .map(|g| g.name.clone()),
        priority: t.priority,
        state: t.state.into(),
        recalls: t.recalls,
        issued_at: t.issued_at,
        called_at: t.called_at,
        started_at: t.started_at,
        appointment_at: t
            .appointment
            .as_ref()
            .map(|a| a.at.with_timezone(&zone).format("%H:%M").to_string()),
    }
}

/// The queues and counters the domain lets a clerk at `number` transfer to.
fn transfer_choices(hall: &Hall, number: CounterNo) -> (Vec<QueueChoice>, Vec<CounterChoice>) {
    let setup = hall.setup();
    let mut queues = Vec::new();
    let mut counters = Vec::new();
    for to in hall.transfer_targets(number) {
        match to {
            TransferTo::Queue(prefix) => queues.extend(setup.queue(prefix).map(|q| QueueChoice {
                prefix: prefix.to_string(),
                name: q.name.clone(),
            })),
            TransferTo::Counter(n) => counters.extend(setup.counter(n).map(|c| CounterChoice {
                number: n,
                name: c.name.clone(),
            })),
        }
    }
    (queues, counters)
}

/// Every counter and who is at it: for staff and devices.
#[utoipa::path(
    get, path = "/api/v1/counters", tag = "counters", security(("bearer" = [])),
    responses((status = 200, body = Vec<CounterView>, description = "every counter, as of now"))
)]
pub async fn list(State(hub): State<Arc<Hub>>, reader: Principal) -> axum::Json<Vec<CounterView>> {
    let hall = hub.hall();
    let views = hall
        .setup()
        .counters
        .iter()
        .filter_map(|c| counter_view(&hub.config, &hall, c.number, reader.staff_id()))
        .collect();
    axum::Json(views)
}

#[utoipa::path(
    get, path = "/api/v1/counters/{n}", tag = "counters", security(("bearer" = [])),
    params(("n" = u32, Path, description = "counter number")),
    responses(
        (status = 200, body = CounterView, description = "the counter, as of now"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter"),
    )
)]
pub async fn one(
    State(hub): State<Arc<Hub>>,
    reader: Principal,
    Path(n): Path<CounterNo>,
) -> Result<axum::Json<CounterView>, HubError> {
    counter_view(&hub.config, &hub.hall(), n, reader.staff_id())
        .map(axum::Json)
        .ok_or(QueueError::UnknownCounter(n).into())
}

/// Runs one counter decision for the staff member behind the request and
/// answers with the counter as it is after the commit.
async fn act<F>(
    hub: Arc<Hub>,
    principal: Principal,
    n: CounterNo,
    decide: F,
) -> Result<axum::Json<CounterView>, HubError>
where
    F: FnOnce(&Hall, CounterNo, &StaffId, Timestamp) -> Result<Vec<HallEvent>, QueueError>
        + Send
        + 'static,
{
    let (_, member) = principal.staff()?;
    let staff = member.id.clone();
    let actor = principal.actor();
    let config = hub.config.clone();
    hub.writer
        .submit(move |batch| {
            let events = decide(batch.hall(), n, &staff, batch.now())?;
            batch.record(&actor, events)?;
            counter_view(&config, batch.hall(), n, Some(&staff))
                .map(axum::Json)
                .ok_or(QueueError::UnknownCounter(n).into())
        })
        .await
}

macro_rules! counter_action {
    ($name:ident, $path:literal, $doc:literal, $method:ident) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, tag = "counters", security(("bearer" = [])),
            params(("n" = u32, Path, description = "counter number")),
            responses(
                (status = 200, body = CounterView, description = "the counter after the action"),
                (status = 403, body = crate::api::ErrorBody, description = "not the clerk logged in at this counter"),
                (status = 404, body = crate::api::ErrorBody, description = "no such counter"),
                (status = 409, body = crate::api::ErrorBody, description = "the counter or its ticket is not in a state that allows this now"),
            )
        )]
        pub async fn $name(
            State(hub): State<Arc<Hub>>,
            principal: Principal,
            Path(n): Path<CounterNo>,
        ) -> Result<axum::Json<CounterView>, HubError> {
            act(hub, principal, n, |hall, n, staff, now| hall.$method(n, staff, now)).await
        }
    };
}

counter_action!(
    call_next,
    "/api/v1/counters/{n}/call-next",
    "Calls the next citizen: green channel first, within its limit; otherwise first come, first served.",
    call_next
);
counter_action!(
    recall,
    "/api/v1/counters/{n}/recall",
    "Announces the called number again.",
    recall
);
counter_action!(
    no_show,
    "/api/v1/counters/{n}/no-show",
    "Marks the called citizen absent, after enough recalls.",
    no_show
);
counter_action!(
    start,
    "/api/v1/counters/{n}/start",
    "The citizen has arrived; service starts.",
    start
);
counter_action!(
    finish,
    "/api/v1/counters/{n}/finish",
    "The service is done.",
    finish
);
counter_action!(
    resume,
    "/api/v1/counters/{n}/resume",
    "Resumes calling after a pause.",
    resume
);

/// Calls one waiting number out of turn, with the reason recorded.
#[utoipa::path(
    post, path = "/api/v1/counters/{n}/call", tag = "counters", security(("bearer" = [])),
    params(("n" = u32, Path, description = "counter number")), request_body = CallTicketRequest,
    responses(
        (status = 200, body = CounterView, description = "the counter, calling that number"),
        (status = 403, body = crate::api::ErrorBody, description = "not the clerk logged in at this counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter, or no such ticket today"),
        (status = 409, body = crate::api::ErrorBody, description = "the counter is busy or paused, or the ticket is not waiting here"),
        (status = 422, body = crate::api::ErrorBody, description = "a malformed number, a missing or over-long reason, or a malformed request"),
    )
)]
pub async fn call(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(n): Path<CounterNo>,
    Json(req): Json<CallTicketRequest>,
) -> Result<axum::Json<CounterView>, HubError> {
    let number: TicketNumber = req
        .number
        .parse()
        .map_err(|e| HubError::invalid("invalid_number", e))?;
    act(hub, principal, n, move |hall, n, staff, now| {
        hall.call_out_of_turn(n, staff, &number, &req.reason, now)
    })
    .await
}

/// Sends the counter's citizen to another queue or a named counter, keeping
/// their original place by issue time.
#[utoipa::path(
    post, path = "/api/v1/counters/{n}/transfer", tag = "counters", security(("bearer" = [])),
    params(("n" = u32, Path, description = "counter number")), request_body = TransferRequest,
    responses(
        (status = 200, body = CounterView, description = "the counter, its citizen sent on"),
        (status = 403, body = crate::api::ErrorBody, description = "not the clerk logged in at this counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter or queue"),
        (status = 409, body = crate::api::ErrorBody, description = "nobody at the counter, or a transfer to the pickup window"),
        (status = 422, body = crate::api::ErrorBody, description = "not exactly one of queue and counter, a transfer to this counter, a missing or over-long reason, or a malformed request"),
    )
)]
pub async fn transfer(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(n): Path<CounterNo>,
    Json(req): Json<TransferRequest>,
) -> Result<axum::Json<CounterView>, HubError> {
    let to = match (req.queue, req.counter) {
        (Some(q), None) => TransferTo::Queue(
            q.parse::<QueuePrefix>()
                .map_err(|e| HubError::invalid("invalid_queue", e))?,
        ),
        (None, Some(c)) => TransferTo::Counter(c),
        _ => {
            return Err(HubError::invalid(
                "invalid_body",
                "请指定转往的队列（queue）或窗口（counter）其中之一",
            ));
        }
    };
    act(hub, principal, n, move |hall, n, staff, now| {
        hall.transfer(n, staff, to, &req.reason, now)
    })
    .await
}

/// Pauses calling, with a reason shown on the wall.
#[utoipa::path(
    post, path = "/api/v1/counters/{n}/pause", tag = "counters", security(("bearer" = [])),
    params(("n" = u32, Path, description = "counter number")), request_body = PauseRequest,
    responses(
        (status = 200, body = CounterView, description = "the counter, paused"),
        (status = 403, body = crate::api::ErrorBody, description = "not the clerk logged in at this counter"),
        (status = 404, body = crate::api::ErrorBody, description = "no such counter"),
        (status = 409, body = crate::api::ErrorBody, description = "paused already, or a ticket is still open"),
        (status = 422, body = crate::api::ErrorBody, description = "a missing or over-long reason, or a malformed request"),
    )
)]
pub async fn pause(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path(n): Path<CounterNo>,
    Json(req): Json<PauseRequest>,
) -> Result<axum::Json<CounterView>, HubError> {
    act(hub, principal, n, move |hall, n, staff, now| {
        hall.pause(n, staff, &req.reason, now)
    })
    .await
}
