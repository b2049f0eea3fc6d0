//! The two views of a hall event on the stream: what anyone may know, and
//! what staff see. An event kind new to the hall has no view until it is
//! given one here: private by default, and a unit test names every kind
//! staff should see. Which staff see it, and with or without the clerks'
//! notes, is the policy's to say ([`crate::domain::policy::event_sight`]).

use crate::api::{PublicEvent, StaffEvent};
use crate::domain::event::HallEvent;
use crate::domain::policy::EventSight;
use crate::domain::rating::{Rating, RatingSubject, Rectification};

/// What the public may know of an event: enough for a display wall. None
/// for the events the hall keeps to itself.
pub fn public_event(event: &HallEvent) -> Option<PublicEvent> {
    public_ticket_event(event).or_else(|| public_hall_event(event))
}

/// What a member of staff sees of an event, seen as `sight` says: what
/// happened and to what. The people behind a case or a rating are read
/// from the API, where each role sees what it may.
pub fn staff_event(event: &HallEvent, sight: EventSight) -> Option<StaffEvent> {
    let full = staff_ticket_event(event)
        .or_else(|| staff_counter_event(event))
        .or_else(|| staff_office_event(event))
        .or_else(|| staff_privacy_event(event))
        .or_else(|| staff_account_event(event))
        .or_else(|| staff_booking_event(event))?;
    match sight {
        EventSight::Hidden => None,
        EventSight::WithoutNotes => Some(without_notes(full)),
        EventSight::Full => Some(full),
    }
}

/// The event without what a clerk wrote about a citizen.
fn without_notes(mut event: StaffEvent) -> StaffEvent {
    match &mut event {
        StaffEvent::TicketCalled {
            out_of_turn: Some(reason),
            ..
        }
        | StaffEvent::TicketTransferred { reason, .. } => reason.clear(),
        _ => {}
    }
    event
}

/// The staff view of bookings: codes and times, never who booked.
fn staff_booking_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::BookingMade { booking } => S::BookingMade {
            code: booking.code.clone(),
            service: booking.service.0.clone(),
            date: booking.day,
            booked_for: booking.at,
            at: booking.made_at,
        },
        E::BookingCancelled { code, at } => S::BookingCancelled {
            code: code.clone(),
            at: *at,
        },
        E::BookingCheckedIn {
            code,
            ticket,
            late,
            at,
        } => S::BookingCheckedIn {
            code: code.clone(),
            ticket: ticket.0.clone(),
            late: *late,
            at: *at,
        },
        E::BookingsMissed { codes, at } => S::BookingsMissed {
            codes: codes.clone(),
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of locks lifted and PINs changed: who, never the hash.
fn staff_account_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::StaffUnlocked { staff, at } => S::StaffUnlocked {
            staff: staff.0.clone(),
            at: *at,
        },
        E::StaffPinChanged { staff, at, .. } => S::StaffPinChanged {
            staff: staff.0.clone(),
            at: *at,
        },
        _ => return None,
    })
}

/// The public view of the events about one ticket.
fn public_ticket_event(event: &HallEvent) -> Option<PublicEvent> {
    use HallEvent as E;
    use PublicEvent as P;
    Some(match event {
        E::TicketIssued { ticket } => P::TicketIssued {
            number: ticket.number.to_string(),
            queue: ticket.queue.to_string(),
            priority: ticket.priority,
            at: ticket.issued_at,
        },
        E::TicketCalled {
            number,
            queue,
            counter,
            at,
            ..
        } => P::TicketCalled {
            number: number.to_string(),
            queue: queue.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketRecalled {
            number,
            counter,
            at,
            recalls,
            ..
        } => P::TicketRecalled {
            number: number.to_string(),
            counter: *counter,
            at: *at,
            recalls: *recalls,
        },
        E::TicketNoShow {
            number,
            counter,
            at,
            ..
        } => P::TicketNoShow {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketReactivated { number, at, .. } => P::TicketReactivated {
            number: number.to_string(),
            at: *at,
        },
        E::TicketStarted {
            number,
            counter,
            at,
            ..
        } => P::TicketStarted {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketFinished {
            number,
            counter,
            at,
            ..
        } => P::TicketFinished {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        _ => return None,
    })
}

/// The public view of transfers, counters and the day.
fn public_hall_event(event: &HallEvent) -> Option<PublicEvent> {
    use HallEvent as E;
    use PublicEvent as P;
    Some(match event {
        E::TicketTransferred {
            number,
            from_counter,
            to_queue,
            to_counter,
            at,
            ..
        } => P::TicketTransferred {
            number: number.to_string(),
            from_counter: *from_counter,
            to_queue: to_queue.to_string(),
            to_counter: *to_counter,
            at: *at,
        },
        E::CounterPaused {
            counter,
            reason,
            at,
        } => P::CounterPaused {
            counter: *counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterResumed { counter, at } => P::CounterResumed {
            counter: *counter,
            at: *at,
        },
        E::StaffLoggedIn {
            counter: Some(counter),
            at,
            ..
        } => P::CounterOpened {
            counter: *counter,
            at: *at,
        },
        E::StaffLoggedOut {
            counter: Some(counter),
            at,
            ..
        } => P::CounterClosed {
            counter: *counter,
            at: *at,
        },
        E::DayRolledOver { from, to, at, .. } => P::DayRolledOver {
            from: *from,
            to: *to,
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of a ticket's way from the kiosk to a counter.
fn staff_ticket_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::TicketIssued { ticket } => S::TicketIssued {
            ticket: ticket.id.0.clone(),
            number: ticket.number.to_string(),
            queue: ticket.queue.to_string(),
            service: ticket.service.as_ref().map(|s| s.0.clone()),
            priority: ticket.priority,
            case: ticket.case.clone(),
            at: ticket.issued_at,
        },
        E::TicketCalled {
            ticket,
            number,
            queue,
            counter,
            staff,
            at,
            priority_streak,
            out_of_turn,
        } => S::TicketCalled {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            queue: queue.to_string(),
            counter: *counter,
            staff: staff.0.clone(),
            at: *at,
            priority_streak: *priority_streak,
            out_of_turn: out_of_turn.clone(),
        },
        E::TicketRecalled {
            ticket,
            number,
            counter,
            at,
            recalls,
        } => S::TicketRecalled {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
            recalls: *recalls,
        },
        E::TicketReactivated {
            ticket, number, at, ..
        } => S::TicketReactivated {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of what happens at a counter.
fn staff_counter_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::TicketNoShow {
            ticket,
            number,
            counter,
            at,
        } => S::TicketNoShow {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketStarted {
            ticket,
            number,
            counter,
            at,
        } => S::TicketStarted {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketFinished {
            ticket,
            number,
            counter,
            at,
        } => S::TicketFinished {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketTransferred {
            ticket,
            number,
            from_counter,
            to_queue,
            to_counter,
            reason,
            at,
        } => S::TicketTransferred {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            from_counter: *from_counter,
            to_queue: to_queue.to_string(),
            to_counter: *to_counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterPaused {
            counter,
            reason,
            at,
        } => S::CounterPaused {
            counter: *counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterResumed { counter, at } => S::CounterResumed {
            counter: *counter,
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of logins, cases, ratings, devices and the day.
fn staff_office_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::StaffLoggedIn {
            session,
            staff,
            counter,
            at,
            expires_at,
        } => S::StaffLoggedIn {
            session: session.0.clone(),
            staff: staff.0.clone(),
            counter: *counter,
            at: *at,
            expires_at: *expires_at,
        },
        E::StaffLoggedOut {
            session,
            staff,
            counter,
            at,
        } => S::StaffLoggedOut {
            session: session.0.clone(),
            staff: staff.0.clone(),
            counter: *counter,
            at: *at,
        },
        E::StaffLoginFailed {
            staff,
            failures,
            locked_until,
            at,
        } => S::StaffLoginFailed {
            staff: staff.0.clone(),
            failures: *failures,
            locked_until: *locked_until,
            at: *at,
        },
        E::Case {
            action,
            case,
            task,
            at,
        } => case_event(*action, case, task.clone(), *at),
        E::Rated { rating } => rated(rating),
        E::RectificationOpened { item } => opened(item),
        E::RectificationClosed { item } => closed(item)?,
        E::DeviceAlert {
            device,
            part,
            problem,
            at,
        } => S::DeviceAlert {
            device: device.clone(),
            part: part.clone(),
            problem: problem.clone(),
            at: *at,
        },
        E::DayRolledOver {
            from,
            to,
            expired,
            at,
        } => S::DayRolledOver {
            from: *from,
            to: *to,
            expired: expired.iter().map(|t| t.0.clone()).collect(),
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of personal values sealed or erased: which cases, never
/// the values.
fn staff_privacy_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::PersonalDataSealed { cases, at } => S::PersonalDataSealed {
            cases: cases.iter().map(|c| c.number.clone()).collect(),
            at: *at,
        },
        E::PersonalDataErased {
            cases,
            closed_before,
            at,
            ..
        } => S::PersonalDataErased {
            cases: cases.clone(),
            closed_before: *closed_before,
            at: *at,
        },
        _ => return None,
    })
}

fn rated(rating: &Rating) -> StaffEvent {
    let (ticket, case) = match &rating.subject {
        RatingSubject::Ticket(ticket) => (Some(ticket.0.clone()), None),
        RatingSubject::Case(number) => (None, Some(number.clone())),
    };
    StaffEvent::Rated {
        rating: rating.id,
        score: rating.score,
        ticket,
        case,
        counter: rating.counter,
        at: rating.at,
    }
}

fn opened(item: &Rectification) -> StaffEvent {
    StaffEvent::RectificationOpened {
        rectification: item.id,
        rating: item.rating.id,
        assigned_to: item.assigned_to.as_ref().map(|s| s.0.clone()),
        due: item.due,
    }
}

/// A rectification closed, as its closure says.
fn closed(item: &Rectification) -> Option<StaffEvent> {
    let closure = item.closed.as_ref()?;
    Some(StaffEvent::RectificationClosed {
        rectification: item.id,
        verdict: closure.verdict.into(),
        at: closure.at,
    })
}

/// A case's step, for whoever may read the case.
fn case_event(
    action: crate::domain::case::CaseAction,
    case: &crate::domain::case::Case,
    task: Option<String>,
    at: crate::domain::ids::Timestamp,
) -> StaffEvent {
    StaffEvent::Case {
        action: action.into(),
        case: case.number.clone(),
        service: case.service.0.clone(),
        department: case.department.clone(),
        task,
        state: case.state.into(),
        at,
    }
}
