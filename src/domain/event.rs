//! What happens in the hall. Decisions produce events; `Hall::apply` folds
//! them into the state; the store appends them to the audit log.

use serde::{Deserialize, Serialize};

use super::booking::Booking;
use super::case::{Case, CaseAction, CaseSeals};
use super::ids::{
    BusinessDay, CounterNo, QueuePrefix, SessionId, StaffId, TicketId, TicketNumber, Timestamp,
};
use super::rating::{Rating, RatingSubject, Rectification};
use super::ticket::Ticket;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HallEvent {
    TicketIssued {
        ticket: Ticket,
    },
    TicketCalled {
        ticket: TicketId,
        number: TicketNumber,
        queue: QueuePrefix,
        counter: CounterNo,
        staff: StaffId,
        at: Timestamp,
        /// Green-channel calls in a row at this counter, this one included.
        priority_streak: u32,
        /// Why the clerk called this ticket out of turn, if they did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        out_of_turn: Option<String>,
    },
    TicketRecalled {
        ticket: TicketId,
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
        recalls: u32,
    },
    TicketNoShow {
        ticket: TicketId,
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
    },
    TicketReactivated {
        ticket: TicketId,
        number: TicketNumber,
        at: Timestamp,
        /// The new place in line.
        order: i64,
    },
    TicketStarted {
        ticket: TicketId,
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
    },
    TicketFinished {
        ticket: TicketId,
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
    },
    TicketTransferred {
        ticket: TicketId,
        number: TicketNumber,
        from_counter: CounterNo,
        to_queue: QueuePrefix,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_counter: Option<CounterNo>,
        reason: String,
        at: Timestamp,
    },
    CounterPaused {
        counter: CounterNo,
        reason: String,
        at: Timestamp,
    },
    CounterResumed {
        counter: CounterNo,
        at: Timestamp,
    },
    StaffLoggedIn {
        session: SessionId,
        staff: StaffId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<CounterNo>,
        at: Timestamp,
        expires_at: Timestamp,
    },
    StaffLoggedOut {
        session: SessionId,
        staff: StaffId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<CounterNo>,
        at: Timestamp,
    },
    StaffLoginFailed {
        staff: StaffId,
        /// Wrong PINs in a row, this one included.
        failures: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        locked_until: Option<Timestamp>,
        at: Timestamp,
    },
    /// A supervisor lifted the lock of a staff id; the event's actor is
    /// the supervisor.
    StaffUnlocked {
        staff: StaffId,
        at: Timestamp,
    },
    /// A staff member chose a new PIN. Its hash overrides hall.toml's from
    /// now on.
    StaffPinChanged {
        staff: StaffId,
        /// The argon2 hash of the new PIN.
        pin_hash: String,
        at: Timestamp,
    },
    /// Something happened to a case; the case as it is now.
    Case {
        action: CaseAction,
        case: Box<Case>,
        /// For a bundle, the department whose task the step was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task: Option<String>,
        at: Timestamp,
    },
    Rated {
        rating: Rating,
    },
    /// A bad review opened a rectification.
    RectificationOpened {
        item: Rectification,
    },
    RectificationClosed {
        item: Rectification,
    },
    /// A device needs a person, such as a printer out of paper.
    DeviceAlert {
        /// The device's configured name.
        device: String,
        /// Which part of it, such as `printer`.
        part: String,
        problem: String,
        at: Timestamp,
    },
    DayRolledOver {
        from: BusinessDay,
        to: BusinessDay,
        /// Tickets of the old day that were never served.
        expired: Vec<TicketId>,
        at: Timestamp,
    },
    /// Personal values that an older yimen recorded in the clear were
    /// sealed when the database was migrated: from here on the log holds
    /// their commitments (the events before keep the values they had).
    PersonalDataSealed {
        cases: Vec<CaseSeals>,
        at: Timestamp,
    },
    /// A citizen booked a slot (预约).
    BookingMade {
        booking: Box<Booking>,
    },
    BookingCancelled {
        code: String,
        at: Timestamp,
    },
    /// A citizen checked in for their booking; the ticket's own
    /// `TicketIssued` follows.
    BookingCheckedIn {
        code: String,
        ticket: TicketId,
        /// After the window: a walk-in ticket, and the booking a no-show.
        late: bool,
        at: Timestamp,
    },
    /// Bookings whose check-in window closed with nobody checked in.
    BookingsMissed {
        codes: Vec<String>,
        at: Timestamp,
    },
    /// The personal values of cases closed before a day were erased; their
    /// commitments stay in the log.
    PersonalDataErased {
        /// The cases, by number.
        cases: Vec<String>,
        /// Bookings of days before it, by code.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        bookings: Vec<String>,
        closed_before: BusinessDay,
        at: Timestamp,
    },
}

/// The things one event changed, so that the store saves just those.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Touched<'a> {
    pub ticket: Option<&'a TicketId>,
    pub counter: Option<CounterNo>,
    pub session: Option<&'a SessionId>,
    pub staff_login: Option<&'a StaffId>,
    /// A staff member whose PIN changed.
    pub staff_pin: Option<&'a StaffId>,
    /// A case, by number.
    pub case: Option<&'a str>,
    pub rectification: Option<i64>,
    /// A new rating, to keep for the counts.
    pub rating: Option<&'a Rating>,
    /// Bookings, by code.
    pub bookings: &'a [String],
}

impl HallEvent {
    /// The event's kind as stored in the log, such as `ticket_called`.
    pub fn kind(&self) -> &'static str {
        match self {
            HallEvent::TicketIssued { .. } => "ticket_issued",
            HallEvent::TicketCalled { .. } => "ticket_called",
            HallEvent::TicketRecalled { .. } => "ticket_recalled",
            HallEvent::TicketNoShow { .. } => "ticket_no_show",
            HallEvent::TicketReactivated { .. } => "ticket_reactivated",
            HallEvent::TicketStarted { .. } => "ticket_started",
            HallEvent::TicketFinished { .. } => "ticket_finished",
            HallEvent::TicketTransferred { .. } => "ticket_transferred",
            HallEvent::CounterPaused { .. } => "counter_paused",
            HallEvent::CounterResumed { .. } => "counter_resumed",
            HallEvent::StaffLoggedIn { .. } => "staff_logged_in",
            HallEvent::StaffLoggedOut { .. } => "staff_logged_out",
            HallEvent::StaffLoginFailed { .. } => "staff_login_failed",
            HallEvent::StaffUnlocked { .. } => "staff_unlocked",
            HallEvent::StaffPinChanged { .. } => "staff_pin_changed",
            HallEvent::Case { action, .. } => action.kind(),
            HallEvent::Rated { .. } => "rated",
            HallEvent::RectificationOpened { .. } => "rectification_opened",
            HallEvent::RectificationClosed { .. } => "rectification_closed",
            HallEvent::DeviceAlert { .. } => "device_alert",
            HallEvent::DayRolledOver { .. } => "day_rolled_over",
            HallEvent::PersonalDataSealed { .. } => "personal_data_sealed",
            HallEvent::PersonalDataErased { .. } => "personal_data_erased",
            HallEvent::BookingMade { .. } => "booking_made",
            HallEvent::BookingCancelled { .. } => "booking_cancelled",
            HallEvent::BookingCheckedIn { .. } => "booking_checked_in",
            HallEvent::BookingsMissed { .. } => "bookings_missed",
        }
    }

    pub fn touched(&self) -> Touched<'_> {
        use HallEvent as E;
        let none = Touched::default();
        match self {
            E::TicketIssued { ticket } => Touched::ticket(&ticket.id),
            E::TicketReactivated { ticket, .. } => Touched::ticket(ticket),
            E::TicketCalled {
                ticket, counter, ..
            }
            | E::TicketRecalled {
                ticket, counter, ..
            }
            | E::TicketNoShow {
                ticket, counter, ..
            }
            | E::TicketStarted {
                ticket, counter, ..
            }
            | E::TicketFinished {
                ticket, counter, ..
            }
            | E::TicketTransferred {
                ticket,
                from_counter: counter,
                ..
            } => Touched {
                ticket: Some(ticket),
                counter: Some(*counter),
                ..none
            },
            E::CounterPaused { counter, .. } | E::CounterResumed { counter, .. } => Touched {
                counter: Some(*counter),
                ..none
            },
            E::StaffLoggedIn {
                session,
                staff,
                counter,
                ..
            }
            | E::StaffLoggedOut {
                session,
                staff,
                counter,
                ..
            } => Touched {
                session: Some(session),
                counter: *counter,
                staff_login: Some(staff),
                ..none
            },
            E::StaffLoginFailed { staff, .. } | E::StaffUnlocked { staff, .. } => Touched {
                staff_login: Some(staff),
                ..none
            },
            E::StaffPinChanged { staff, .. } => Touched {
                staff_pin: Some(staff),
                ..none
            },
            E::Case { case, .. } => Touched {
                case: Some(&case.number),
                ..none
            },
            E::Rated { rating } => Touched::rating(rating),
            E::RectificationOpened { item } | E::RectificationClosed { item } => Touched {
                rectification: Some(item.id),
                ..none
            },
            E::BookingMade { .. }
            | E::BookingCancelled { .. }
            | E::BookingCheckedIn { .. }
            | E::BookingsMissed { .. }
            | E::PersonalDataErased { .. } => Touched::bookings(self),
            E::DeviceAlert { .. } | E::DayRolledOver { .. } | E::PersonalDataSealed { .. } => none,
        }
    }
}

impl<'a> Touched<'a> {
    fn ticket(id: &'a TicketId) -> Self {
        Touched {
            ticket: Some(id),
            ..Touched::default()
        }
    }

    /// The bookings an event is about, by code.
    fn bookings(event: &'a HallEvent) -> Self {
        use HallEvent as E;
        let bookings = match event {
            E::BookingMade { booking } => std::slice::from_ref(&booking.code),
            E::BookingCancelled { code, .. } | E::BookingCheckedIn { code, .. } => {
                std::slice::from_ref(code)
            }
            E::BookingsMissed { codes, .. } => codes,
            E::PersonalDataErased { bookings, .. } => bookings,
            _ => &[],
        };
        Touched {
            bookings,
            ..Touched::default()
        }
    }

    /// A new rating and what it rates: a ticket or a case.
    fn rating(rating: &'a Rating) -> Self {
        let (ticket, case) = match &rating.subject {
            RatingSubject::Ticket(ticket) => (Some(ticket), None),
            RatingSubject::Case(number) => (None, Some(number.as_str())),
        };
        Touched {
            ticket,
            case,
            rating: Some(rating),
            ..Touched::default()
        }
    }
}
