//! Appointments (预约取号): the bookable services and their free slots,
//! booking and cancelling from a phone, and checking in at a kiosk or the
//! front desk for a ticket that takes the place its booked time earns.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveTime;

use super::Hub;
use super::auth::{ClientAddress, Principal};
use super::error::{HubError, Json, Query};
use super::tickets::{issued_view, new_ticket_id};
use crate::api::{
    BookableService, BookingRequest, BookingView, CancelBookingRequest, CheckIn, CheckInOutcome,
    CheckInRequest, DaySlotsView, SlotView, SlotsQuery, SlotsView,
};
use crate::config::Config;
use crate::domain::applicant::{Applicant, IdNumber, mask_name};
use crate::domain::booking::{self, CheckInKey};
use crate::domain::error::QueueError;
use crate::domain::event::HallEvent;
use crate::domain::hall::Hall;
use crate::domain::ids::{Actor, ServiceCode};
use crate::domain::personal::Salt;
use crate::domain::policy;

/// Codes drawn before a booking gives up: with a hundred million codes and
/// a few thousand bookings at hand, a second draw is already rare.
const CODE_DRAWS: usize = 8;

fn random<const N: usize>() -> Result<[u8; N], HubError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| HubError::Internal(format!("random: {e}")))?;
    Ok(bytes)
}

/// Eight random digits.
fn new_code() -> Result<String, HubError> {
    let n = u64::from_be_bytes(random::<8>()?) % 100_000_000;
    Ok(format!("{n:08}"))
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn service_name(config: &Config, code: &ServiceCode) -> String {
    config
        .guide(&code.0)
        .map_or_else(|| code.0.clone(), |g| g.name.clone())
}

/// What the citizen sees of the booking `code`.
fn booking_view(config: &Config, hall: &Hall, code: &str) -> Result<BookingView, HubError> {
    let b = hall.booking(code).ok_or(QueueError::UnknownBooking)?;
    let (queue, rules) = hall.bookable(&b.service)?;
    let zone = config.setup.day_rule.zone;
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&zone);
    Ok(BookingView {
        code: b.code.clone(),
        service: b.service.0.clone(),
        service_name: service_name(config, &b.service),
        queue_name: queue.name.clone(),
        date: b.day,
        start: hhmm(b.start),
        end: hhmm(b.end),
        checkin_from: hhmm(local(b.at - rules.checkin_before).time()),
        checkin_until: hhmm(local(b.at + rules.checkin_after).time()),
        cancel_until: local(b.at - rules.cancel_before).fixed_offset(),
        name: b
            .applicant
            .name
            .value()
            .map_or_else(String::new, |n| mask_name(n)),
        state: b.state.into(),
    })
}

/// The services a citizen can book.
#[utoipa::path(
    get, path = "/api/v1/appointments/services", tag = "appointments",
    responses((status = 200, body = [BookableService], description = "the services that take bookings, in the hall's order")),
)]
pub async fn services(State(hub): State<Arc<Hub>>) -> axum::Json<Vec<BookableService>> {
    let setup = &hub.config.setup;
    let list = setup
        .queues
        .iter()
        .filter(|q| q.appointments.is_some())
        .flat_map(|q| {
            q.services.iter().map(|code| BookableService {
                code: code.0.clone(),
                name: service_name(&hub.config, code),
                queue: q.prefix.to_string(),
                queue_name: q.name.clone(),
            })
        })
        .collect();
    axum::Json(list)
}

/// A service's bookable days and the slots of each, full ones included.
#[utoipa::path(
    get, path = "/api/v1/appointments/slots", tag = "appointments",
    params(SlotsQuery),
    responses(
        (status = 200, body = SlotsView, description = "the days and their slots not yet started"),
        (status = 404, body = crate::api::ErrorBody, description = "unknown service, or one that takes no bookings"),
    )
)]
pub async fn slots(
    State(hub): State<Arc<Hub>>,
    Query(q): Query<SlotsQuery>,
) -> Result<axum::Json<SlotsView>, HubError> {
    let service = ServiceCode(q.service);
    let hall = hub.hall();
    let days = hall.slots(&service, hub.clock.now())?;
    Ok(axum::Json(SlotsView {
        service_name: service_name(&hub.config, &service),
        service: service.0,
        days: days
            .into_iter()
            .map(|d| DaySlotsView {
                date: d.day,
                slots: d
                    .slots
                    .into_iter()
                    .map(|s| SlotView {
                        start: hhmm(s.start),
                        end: hhmm(s.end),
                        capacity: s.capacity,
                        free: s.free,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// Books a slot: answered once the booking is committed.
#[utoipa::path(
    post, path = "/api/v1/appointments", tag = "appointments", request_body = BookingRequest,
    responses(
        (status = 201, body = BookingView, description = "the booking, with its code"),
        (status = 404, body = crate::api::ErrorBody, description = "unknown service, or one that takes no bookings"),
        (status = 409, body = crate::api::ErrorBody, description = "the slot is full; this ID has booked the service that day; or booking is suspended for no-shows"),
        (status = 422, body = crate::api::ErrorBody, description = "a wrong name, ID number or phone; not a slot of a bookable day, or started; or a malformed request"),
    )
)]
pub async fn book(
    State(hub): State<Arc<Hub>>,
    Json(req): Json<BookingRequest>,
) -> Result<(StatusCode, axum::Json<BookingView>), HubError> {
    let start = NaiveTime::parse_from_str(req.start.trim(), "%H:%M")
        .map_err(|_| QueueError::InvalidSlot("时段应为 09:00 这样的时间".into()))?;
    let applicant = Applicant::new(&req.name, &req.id_number, &req.phone)?;
    let request = booking::BookingRequest {
        service: ServiceCode(req.service),
        day: req.date,
        start,
        applicant,
    };
    let salt = Salt(random::<16>()?);
    let config = hub.config.clone();
    let view = hub
        .writer
        .submit(move |batch| {
            let mut draws = 0;
            let (code, events) = loop {
                let code = new_code()?;
                draws += 1;
                match batch
                    .hall()
                    .book(request.clone(), code.clone(), salt.clone(), batch.now())
                {
                    Err(QueueError::BookingCodeTaken) if draws < CODE_DRAWS => continue,
                    made => break (code, made?),
                }
            };
            batch.record(&Actor::Citizen, events)?;
            let hall = batch.hall();
            booking_view(&config, hall, &code)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Cancels a booking, proved by the last four characters of its ID number.
/// Wrong guesses are braked as the case lookup's are.
#[utoipa::path(
    post, path = "/api/v1/appointments/cancel", tag = "appointments", request_body = CancelBookingRequest,
    responses(
        (status = 200, body = BookingView, description = "the booking, cancelled"),
        (status = 404, body = crate::api::ErrorBody, description = "no booking has this code with these last four characters"),
        (status = 409, body = crate::api::ErrorBody, description = "past the cancellation deadline, or no longer open"),
        (status = 422, body = crate::api::ErrorBody, description = "a malformed request"),
        (status = 429, body = crate::api::ErrorBody, description = "too many wrong guesses for this code or from this address; see Retry-After"),
    )
)]
pub async fn cancel(
    State(hub): State<Arc<Hub>>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<CancelBookingRequest>,
) -> Result<axum::Json<BookingView>, HubError> {
    let code = req.code.trim().to_owned();
    let four = req.id_last4.trim().to_owned();
    let right = || {
        hub.hall()
            .booking(&code)
            .is_some_and(|b| booking::proves_id(&b.applicant, &four))
    };
    if !hub.phone_guess(address, &format!("booking:{code}"), right)? {
        return Err(QueueError::UnknownBooking.into());
    }
    let config = hub.config.clone();
    hub.writer
        .submit(move |batch| {
            let events = batch.hall().cancel_booking(&code, &four, batch.now())?;
            batch.record(&Actor::Citizen, events)?;
            let hall = batch.hall();
            booking_view(&config, hall, &code).map(axum::Json)
        })
        .await
}

/// Checks a citizen in for today's booking, by its code or their ID number,
/// and issues their ticket.
#[utoipa::path(
    post, path = "/api/v1/appointments/check-in", tag = "appointments", request_body = CheckInRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = CheckIn, description = "the ticket: in the booked time's place, or a walk-in's after the window"),
        (status = 403, body = crate::api::ErrorBody, description = "neither a kiosk nor front-desk staff"),
        (status = 404, body = crate::api::ErrorBody, description = "no booking today for this code or ID number"),
        (status = 409, body = crate::api::ErrorBody, description = "too early (the message says when to come), already checked in, cancelled, or late where the hall refuses"),
        (status = 422, body = crate::api::ErrorBody, description = "not exactly one of code and ID number, a wrong ID number, or a malformed request"),
    )
)]
pub async fn check_in(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Json(req): Json<CheckInRequest>,
) -> Result<(StatusCode, axum::Json<CheckIn>), HubError> {
    policy::may_issue(principal.who())?;
    let key = match (req.code, req.id_number) {
        (Some(code), None) => CheckInKey::Code(code.trim().to_owned()),
        (None, Some(id)) => CheckInKey::IdNumber(IdNumber::parse(&id)?),
        _ => {
            return Err(HubError::invalid(
                "invalid_body",
                "请输入预约码（code）或证件号码（id_number）其中之一",
            ));
        }
    };
    let id = new_ticket_id(hub.clock.now().timestamp_millis())?;
    let actor = principal.actor();
    let config = hub.config.clone();
    let checked = hub
        .writer
        .submit(move |batch| {
            let events = batch.hall().check_in(&key, id.clone(), batch.now())?;
            let (code, late) = match events.first() {
                Some(HallEvent::BookingCheckedIn { code, late, .. }) => (code.clone(), *late),
                _ => return Err(HubError::Internal("a check-in without its booking".into())),
            };
            batch.record(&actor, events)?;
            let hall = batch.hall();
            Ok(CheckIn {
                outcome: if late {
                    CheckInOutcome::WalkIn
                } else {
                    CheckInOutcome::CheckedIn
                },
                booking: booking_view(&config, hall, &code)?,
                ticket: issued_view(&config, hall, &id)
                    .ok_or_else(|| HubError::Internal("an issued ticket went missing".into()))?,
            })
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(checked)))
}
